"""Sphinx extension: serve MathJax, require.js and the ipywidgets HTML manager from the book.

By default a Jupyter Book page loads MathJax and the widget manager from CDNs, so with
no network its math stays raw TeX and its widgets are missing. At build time this
extension fetches pinned releases from the npm registry (``npm pack``, cached in
``_build/_offline_assets``) and adds them to the book's static files; ``_config.yml``
points ``mathjax_path`` and ``nb_ipywidgets_js`` at them. Nothing is committed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from sphinx.errors import ExtensionError

PACKAGES = {
    "mathjax": "3.2.2",
    "@jupyter-widgets/html-manager": "1.0.15",
    "requirejs": "2.3.8",
}
# Parts of MathJax's es5 build the pages use: the combined component plus everything it
# may load on demand (TeX extensions such as \boldsymbol, fonts, menu, accessibility).
MATHJAX_PARTS = ["tex-mml-chtml.js", "input", "output/chtml", "output/chtml.js", "ui", "a11y", "adaptors", "sre"]
FONT_SUFFIXES = {".woff", ".woff2", ".ttf", ".eot", ".svg"}


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
    shutil.copy2(dist / "embed-amd.js", widgets / "embed-amd.js")
    for font in dist.iterdir():
        if font.suffix in FONT_SUFFIXES:
            shutil.copy2(font, widgets / font.name)


def ensure_assets(cache: Path) -> Path:
    """Return a folder holding the assets, building it once per set of pinned versions."""
    stamp = cache / "versions.json"
    if stamp.exists() and json.loads(stamp.read_text()) == PACKAGES:
        return cache
    cache.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache.parent) as tmp:
        tmp = Path(tmp)
        staged = tmp / "assets"
        _assemble(_npm_pack(tmp), staged)
        (staged / "versions.json").write_text(json.dumps(PACKAGES))
        shutil.rmtree(cache, ignore_errors=True)
        staged.rename(cache)  # atomic: a concurrent build never sees half a folder
    return cache


def _add_static_path(app, config) -> None:
    cache = ensure_assets(Path(app.confdir) / "_build" / "_offline_assets")
    config.html_static_path = [*config.html_static_path, str(cache)]


def setup(app):
    app.connect("config-inited", _add_static_path)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
