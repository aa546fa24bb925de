"""Sphinx extension: small fixes to the pages the theme produces.

- sphinx-thebe (pulled in by Jupyter Book 1) registers its inline configuration script
  each time documents are read, so a page can declare ``const THEBE_JS_URL`` twice and
  the browser logs "Identifier 'THEBE_JS_URL' has already been declared" on every page.
  Only the first copy of each identical script is kept.
- ``static/book.css`` lets wide display equations scroll instead of being cut off.
- The theme's download menu offers ".pdf", which only prints the current page. That entry is
  renamed "print this page", and when the book's PDF has been built
  (``jupyter-book build . --builder pdflatex``, before the HTML build) it is copied into the
  HTML output and the menu, on every page, gets "the whole book (.pdf)".
"""

import shutil
from pathlib import Path

BOOK_PDF = "neural-networks-book.pdf"  # latex_documents' targetname in _config.yml, as a PDF


def _built_pdf(app) -> Path:
    return Path(app.outdir).parent / "latex" / BOOK_PDF


def _pdf_buttons(app, pagename, templatename, context, doctree) -> None:
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        for button in group["buttons"]:
            if button.get("label") == "download-pdf-button":
                button["text"], button["tooltip"] = "print this page", "Print this page, or save it as a PDF"
        if _built_pdf(app).exists():
            group["buttons"].append({
                "type": "link", "url": context["pathto"](BOOK_PDF, 1), "text": "the whole book (.pdf)",
                "tooltip": "The book as one PDF, numbered like these pages", "icon": "fas fa-book",
                "label": "book-pdf-button"})


def _copy_pdf(app, exception) -> None:
    if exception is None and app.builder.format == "html" and _built_pdf(app).exists():
        shutil.copy2(_built_pdf(app), Path(app.outdir) / BOOK_PDF)


def _drop_duplicate_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = (getattr(script, "filename", script) or "", tuple(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def _add_static_path(app, config) -> None:
    config.html_static_path = [*config.html_static_path, str(Path(__file__).parent / "static")]


def setup(app):
    app.connect("config-inited", _add_static_path)
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    app.connect("html-page-context", _pdf_buttons, priority=900)
    app.connect("build-finished", _copy_pdf)
    app.add_css_file("book.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
