"""Sphinx extension: serve MathJax, require.js and the ipywidgets HTML manager from the book.

By default a Jupyter Book page loads MathJax and the widget manager from CDNs, so with
no network its math stays raw TeX and its widgets are missing. At build time this
extension fetches pinned releases from the npm registry (``npm pack``, cached in
``_build/_offline_assets``) and adds them to the book's static files; ``_config.yml``
points ``mathjax_path`` and ``nb_ipywidgets_js`` at them. Nothing is committed.

Two adjustments make the widget manager work next to the book's MathJax:

- ``widgets/paths.js`` tells require.js where the manager lives, so the icon fonts its
  CSS refers to load from the book instead of a path relative to each page.
- The manager (written for MathJax 2) typesets widget labels with ``MathJax.Hub.Queue``,
  which MathJax 3 does not have; the call is rewritten to use ``MathJax.typesetPromise``
  when ``MathJax.Hub`` is missing. The pinned release is checked to contain the call.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from sphinx.errors import ExtensionError

ASSETS_FORMAT = 2  # bump when _assemble changes, so cached folders are rebuilt
PACKAGES = {
    "mathjax": "3.2.2",
    "@jupyter-widgets/html-manager": "1.0.15",
    "requirejs": "2.3.8",
}
# Parts of MathJax's es5 build the pages use: the combined component plus everything it
# may load on demand (TeX extensions such as \boldsymbol, fonts, menu, accessibility).
MATHJAX_PARTS = ["tex-mml-chtml.js", "input", "output/chtml", "output/chtml.js", "ui", "a11y", "adaptors", "sre"]
FONT_SUFFIXES = {".woff", ".woff2", ".ttf", ".eot", ".svg"}
MATHJAX2_TYPESET = re.compile(r'MathJax\.Hub\.Queue\(\["Typeset",MathJax\.Hub,(\w+)\]\)')
MATHJAX2_OR_3 = r'(MathJax.Hub?MathJax.Hub.Queue(["Typeset",MathJax.Hub,\1]):MathJax.typesetPromise&&MathJax.typesetPromise([\1]))'
REQUIRE_PATHS_JS = """// Written by _ext/offline_assets.py: the widget manager lives in the book's _static/widgets.
require.config({paths: {"@jupyter-widgets/html-manager/dist":
    document.documentElement.dataset.content_root + "_static/widgets"}});
"""


def _npm_pack(workdir: Path) -> dict[str, Path]:
    """Download the pinned packages with ``npm pack`` and unpack each; returns name -> folder."""
    if shutil.which("npm") is None:
        raise ExtensionError("offline_assets: `npm` was not found. The book serves MathJax and the widget "
                             "manager itself and fetches them from the npm registry at build time; "
                             "install Node.js/npm and build again.")
    specs = [f"{name}@{version}" for name, version in PACKAGES.items()]
    result = subprocess.run(["npm", "pack", *specs, "--json", "--silent"], cwd=workdir,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise ExtensionError(f"offline_assets: `npm pack {' '.join(specs)}` failed:\n{result.stderr}")
    folders = {}
    for entry in json.loads(result.stdout):
        target = workdir / entry["name"].replace("/", "__")
        with tarfile.open(workdir / entry["filename"]) as archive:
            archive.extractall(target, filter="data")
        folders[entry["name"]] = target / "package"
    return folders


def _assemble(folders: dict[str, Path], out: Path) -> None:
    """Copy the files the pages load into ``out/mathjax`` and ``out/widgets``."""
    es5 = folders["mathjax"] / "es5"
    for part in MATHJAX_PARTS:
        source = es5 / part
        if source.is_dir():
            shutil.copytree(source, out / "mathjax" / part)
        elif source.is_file():
            (out / "mathjax" / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, out / "mathjax" / part)
    widgets = out / "widgets"
    widgets.mkdir(parents=True)
    shutil.copy2(folders["requirejs"] / "require.js", widgets / "require.js")
    dist = folders["@jupyter-widgets/html-manager"] / "dist"
    manager, calls = MATHJAX2_TYPESET.subn(MATHJAX2_OR_3, (dist / "embed-amd.js").read_text())
    if calls == 0:
        raise ExtensionError("offline_assets: the widget manager no longer calls MathJax.Hub.Queue; "
                             "review the MathJax 3 adjustment in _ext/offline_assets.py")
    (widgets / "embed-amd.js").write_text(manager)
    (widgets / "paths.js").write_text(REQUIRE_PATHS_JS)
    for font in dist.iterdir():
        if font.suffix in FONT_SUFFIXES:
            shutil.copy2(font, widgets / font.name)


def ensure_assets(cache: Path) -> Path:
    """Return a folder holding the assets, building it once per set of pinned versions."""
    stamp = cache / "versions.json"
    wanted = {**PACKAGES, "format": ASSETS_FORMAT}
    if stamp.exists() and json.loads(stamp.read_text()) == wanted:
        return cache
    cache.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache.parent) as tmp:
        tmp = Path(tmp)
        staged = tmp / "assets"
        _assemble(_npm_pack(tmp), staged)
        (staged / "versions.json").write_text(json.dumps(wanted))
        shutil.rmtree(cache, ignore_errors=True)
        staged.rename(cache)  # atomic: a concurrent build never sees half a folder
    return cache


def _add_static_path(app, config) -> None:
    cache = ensure_assets(Path(app.confdir) / "_build" / "_offline_assets")
    config.html_static_path = [*config.html_static_path, str(cache)]


def setup(app):
    app.connect("config-inited", _add_static_path)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
