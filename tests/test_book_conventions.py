"""The book's chapter conventions (CONTRIBUTING.md), checked on every stored chapter.

These run on the notebook files as stored, without executing them (nbval does that),
so a chapter that was saved half-executed, without its widget state, or with claims
that are only printed and never asserted fails here with a message saying what to do.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests import setup_cell
from tests.execute_notebooks import KERNELSPEC

ROOT = Path(__file__).resolve().parent.parent
SETUP_MARKER = 'importlib.util.find_spec("nnlib") is None'
MAX_NOTEBOOK_BYTES = 8_000_000


def repository_url() -> str:
    """The repository URL of _config.yml (launch buttons); the setup cells install from it."""
    match = re.search(r"^repository:\s*\n\s+url:\s*(\S+)", (ROOT / "_config.yml").read_text(), flags=re.M)
    assert match, "_config.yml needs repository: url:"
    return match.group(1)


def toc_files() -> list[str]:
    """Every `file:` entry of _toc.yml (the root page excluded)."""
    return re.findall(r"^\s*-\s*file:\s*(\S+)\s*$", (ROOT / "_toc.yml").read_text(), flags=re.M)


CHAPTERS = [f for f in toc_files() if re.match(r"chapters/\d\d_", f)]  # numbered chapters (notebooks)


def load(name: str) -> dict:
    return json.loads((ROOT / f"{name}.ipynb").read_text())


def source(cell) -> str:
    return "".join(cell["source"])


def code_cells(nb) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code" and source(c).strip()]


def test_toc_numbers_chapters_in_file_order():
    """The book numbers chapters by their place in _toc.yml; it must match the file names,
    since chapters refer to each other as "chapter 07"."""
    toc = (ROOT / "_toc.yml").read_text()
    assert re.search(r"caption: Chapters\s*\n\s*numbered: true", toc), "the Chapters part of _toc.yml must be numbered"
    numbers = [int(Path(name).name[:2]) for name in CHAPTERS]
    assert numbers == list(range(1, len(numbers) + 1)), f"chapters in _toc.yml must be 01, 02, ... in order, got {numbers}"


def test_every_chapter_notebook_is_in_the_toc():
    on_disk = {f"chapters/{p.stem}" for p in (ROOT / "chapters").glob("*.ipynb")}
    assert on_disk <= set(CHAPTERS), f"add these notebooks to _toc.yml: {sorted(on_disk - set(CHAPTERS))}"


@pytest.mark.parametrize("name", CHAPTERS)
def test_listed_chapter_exists(name):
    assert (ROOT / f"{name}.ipynb").exists(), f"_toc.yml lists {name} but {name}.ipynb does not exist"


@pytest.mark.parametrize("name", CHAPTERS)
def test_stored_executed_in_order_without_errors(name):
    cells = code_cells(load(name))
    counts = [c["execution_count"] for c in cells]
    assert counts == list(range(1, len(cells) + 1)), (
        f"{name}: execution counts {counts} are not 1..n; run `python tests/execute_notebooks.py {name}.ipynb`")
    for c in cells:
        tags = c["metadata"].get("tags", [])
        errors = [o for o in c["outputs"] if o["output_type"] == "error"]
        assert not errors or "raises-exception" in tags, (
            f"{name}: a cell stores an error ({errors[0]['ename']}) but is not tagged raises-exception:\n{source(c)[:200]}")


@pytest.mark.parametrize("name", CHAPTERS)
def test_title_and_setup_cell(name):
    nb = load(name)
    first_md = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    title = source(first_md).splitlines()[0]
    assert re.fullmatch(r"# [A-Z][^#]*", title) and not re.match(r"# \d", title), (
        f"{name}: the first markdown cell must start with '# Title' (the book adds the chapter number), got {title!r}")
    setup = code_cells(nb)[0]
    assert SETUP_MARKER in source(setup), f"{name}: the first code cell must be the Colab/Binder setup cell"
    assert source(setup) == setup_cell.source(), (
        f"{name}: the setup cell differs from tests/setup_cell.py (which installs from {repository_url()}); "
        "run `python tests/setup_cell.py`")
    assert {"remove-input", "remove-output"} <= set(setup["metadata"].get("tags", [])), (
        f"{name}: tag the setup cell remove-input and remove-output (hidden in the HTML)")
    assert nb["metadata"].get("kernelspec") == KERNELSPEC, (
        f"{name}: kernelspec must be {KERNELSPEC} (what ipykernel installs; JupyterLab rewrites anything else on "
        f"opening and marks the chapter modified); run `python tests/execute_notebooks.py {name}.ipynb`")


@pytest.mark.parametrize("name", CHAPTERS)
def test_static_widget_with_saved_state(name):
    nb = load(name)
    sources = "\n".join(source(c) for c in code_cells(nb))
    assert "frame_slider(" in sources, f"{name}: needs at least one nnlib.widgets.frame_slider (works in static HTML)"
    state = nb["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    models = {m["model_name"] for m in state.values()}
    assert {"StackModel", "LinkModel", "ImageModel"} <= models, (
        f"{name}: no saved widget state for the frame slider (models found: {sorted(models)}); "
        "execute it with `python tests/execute_notebooks.py`")


@pytest.mark.parametrize("name", CHAPTERS)
def test_claims_are_asserted(name):
    asserts = sum(len(re.findall(r"^\s*assert\b", source(c), flags=re.M)) for c in code_cells(load(name)))
    assert asserts >= 3, f"{name}: only {asserts} assert statements; make at least three key claims assertions"


@pytest.mark.parametrize("name", CHAPTERS)
def test_exercises_with_hidden_solutions(name):
    text = "\n".join(source(c) for c in load(name)["cells"] if c["cell_type"] == "markdown")
    exercises = len(re.findall(r"[:`]{3,}\{exercise\}", text))
    solutions = re.findall(r"[:`]{3,}\{solution(?:-start)?\}[^\n]*\n((?::[^\n]*\n)*)", text)
    hidden = [opts for opts in solutions if ":class: dropdown" in opts]
    assert exercises >= 3, f"{name}: {exercises} exercises; the book asks for at least three"
    assert len(hidden) >= exercises, f"{name}: {exercises} exercises but {len(hidden)} solutions with :class: dropdown"


@pytest.mark.parametrize("name", CHAPTERS)
def test_stable_plotting_conventions(name):
    for c in code_cells(load(name)):
        src = source(c)
        assert "matplotlib.use(" not in src, f"{name}: never call matplotlib.use in a notebook"
        last = src.rstrip().splitlines()[-1]
        assert not last.rstrip().endswith(";"), (
            f"{name}: a cell ends in ';' (nbval ignores it; assign to _ or end with plt.show()):\n{src[-200:]}")


# A font size below the style's 10 pt (nnlib.plot.BOOK_STYLE): a number under 10 or a relative size
# smaller than "medium". With figures at most nnlib.plot.MAX_FIGURE_WIDTH wide, 10 pt text shows at
# 13 px or more in the HTML book, the body's smallest font (tests/reader_check.py measures it).
SMALL_FONT = re.compile(r"""(?:\b(?:fontsize|labelsize|title_fontsize)\s*=|["'](?:size|fontsize)["']\s*:)\s*"""
                        r"""(?:[1-9](?:\.\d*)?(?![\d.])|["'](?:x{0,2}-?small|smaller)["'])""")


@pytest.mark.parametrize("name", CHAPTERS)
def test_figure_text_at_body_size(name):
    small = [m.group(0) for c in code_cells(load(name)) for m in SMALL_FONT.finditer(source(c))]
    assert not small, (f"{name}: figure text below 10 pt ({', '.join(small)}); drop the size (the book style "
                       "draws 10 pt) and make the figure roomier instead")


@pytest.mark.parametrize("name", CHAPTERS)
def test_notebook_size(name):
    size = (ROOT / f"{name}.ipynb").stat().st_size
    assert size < MAX_NOTEBOOK_BYTES, f"{name}: {size / 1e6:.1f} MB; shrink widget frames or figures (limit 8 MB)"
