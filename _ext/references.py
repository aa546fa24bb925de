"""Reference lists that read like the text that cites them, in the HTML book and in the PDF.

- **Author-year labels.** The text cites "Dayan and Abbott, 2001" (``bibtex_reference_style:
  author_year``); the reference lists used pybtex's alpha labels ("[DA01]"), which a reader cannot
  match with the text. The ``authoryear`` formatting style registered here sorts entries by author
  and labels each one as the text cites it: one or two surnames, or the first and "et al." for three
  or more, then the year (a, b, ... where two entries would share a label).
- **Each chapter's list stays in its chapter (PDF).** Sphinx's LaTeX builder moves every citation of
  the book into one bibliography at the end of the document (``BibliographyTransform``), so in the
  PDF the "References" section of every chapter was empty. Here each run of citations that a
  ``{bibliography}`` directive produced stays where it is, typeset as a reference list under the
  chapter's own "References" heading; the book's Bibliography page keeps its full list.
"""

from collections import Counter
from itertools import groupby
from pathlib import Path

from docutils import nodes
from pybtex.database import parse_file
from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle
from sphinx.builders.latex.nodes import thebibliography
from sphinx.builders.latex.transforms import BibliographyTransform
from sphinx.transforms.post_transforms import SphinxPostTransform

# A reference list without the chapter-level "Bibliography" heading that LaTeX's thebibliography
# adds (the section above it is the heading); author-year labels with a hanging indent.
PREAMBLE = r"""
\makeatletter
\renewenvironment{sphinxthebibliography}[1]{%
  \list{}{\leftmargin=1.5em\itemindent=-1.5em\labelwidth=0pt\labelsep=0.4em}%
  \sloppy\clubpenalty4000\widowpenalty4000\sfcode`\.\@m}
  {\endlist}
\makeatother
"""


class ReferenceListsInPlace(SphinxPostTransform):
    """Wrap each run of consecutive citation nodes in a ``thebibliography`` node where it stands."""

    default_priority = 750  # the slot of the transform it replaces
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        parents = {id(c.parent): c.parent for c in self.document.findall(nodes.citation)}
        for parent in parents.values():
            for is_citation, run in groupby(list(parent.children), key=lambda n: isinstance(n, nodes.citation)):
                if is_citation:
                    run = list(run)
                    listing = thebibliography()
                    parent.replace(run[0], listing)
                    for citation in run[1:]:
                        parent.remove(citation)
                    listing.extend(run)


def _surname(person) -> str:
    """"de Finetti", "Güneş Baydin": prefix and last names without BibTeX braces."""
    return " ".join(person.prelast_names + person.last_names).replace("{", "").replace("}", "")


def _author_year(entry) -> str:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_surname(p) for p in people]
    who = (names[0] if len(names) == 1 else " and ".join(names) if len(names) == 2
           else f"{names[0]} et al." if names else entry.fields.get("title", entry.key))
    return f"{who}, {entry.fields.get('year', 'n.d.')}"


#: key -> label over the whole bibliography, so that every reference list (a chapter's or the book's)
#: labels an entry the same way; filled from bibtex_bibfiles when the configuration is read.
LABELS: dict[str, str] = {}


def _global_labels(app, config) -> None:
    entries = []
    for name in config.bibtex_bibfiles:
        entries += parse_file(str(Path(app.confdir) / name)).entries.values()
    plain = [_author_year(e) for e in entries]
    counts, seen = Counter(plain), Counter()
    for entry, label in sorted(zip(entries, plain), key=lambda pair: (pair[1], pair[0].fields.get("title", ""))):
        suffix = ""
        if counts[label] > 1:  # 1998a, 1998b, ... in order of title
            suffix = "abcdefghijklmnopqrstuvwxyz"[seen[label]]
            seen[label] += 1
        LABELS[entry.key] = label + suffix


class AuthorYearLabels(BaseLabelStyle):
    """Labels as the text cites the entry: "Hopfield, 1982", "Dayan and Abbott, 2001",
    "Srivastava et al., 2014"; a, b, ... (by title) where two entries of the bibliography would
    share a label."""

    def format_labels(self, sorted_entries):
        for entry in sorted_entries:
            yield LABELS.get(entry.key) or _author_year(entry)


class AuthorYearStyle(PlainStyle):
    """pybtex's plain style (entries sorted by author, year, title) with author-year labels."""

    default_label_style = AuthorYearLabels


register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle)


def _preamble(app, config) -> None:
    elements = dict(config.latex_elements or {})
    elements["preamble"] = elements.get("preamble", "") + PREAMBLE
    config.latex_elements = elements


def setup(app):
    if BibliographyTransform in app.registry.get_post_transforms():
        app.registry.get_post_transforms().remove(BibliographyTransform)
    app.add_post_transform(ReferenceListsInPlace)
    app.connect("config-inited", _preamble)
    app.connect("config-inited", _global_labels)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
