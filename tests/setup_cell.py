"""The first cell of every chapter (hidden in the HTML): make ``nnlib`` importable, or say why not.

This file is the one source of that cell. ``python tests/setup_cell.py`` writes it into every
chapter (only the cell's source changes: with nnlib installed it prints nothing, so no chapter
needs re-executing); ``tests/test_book_conventions.py`` checks that every chapter carries it and
``tests/test_setup_cell.py`` runs it end to end against a local git repository.

The published location is one setting, ``repository: url:`` in ``_config.yml``; the cell installs
the release tagged ``v<nnlib version>`` from there. A reader can point it elsewhere (a fork, a
local clone) with the environment variable ``NNLIB_SOURCE``. It never waits for a password
(``GIT_TERMINAL_PROMPT=0``), gives up after 15 minutes, and on any failure raises an error that
says what to do, so "Run all" stops at the first cell instead of failing later.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent

TEMPLATE = '''\
# Setup (Colab, Binder, a fresh environment): make the book's package `nnlib` importable.
import importlib, importlib.util, os, subprocess, sys
if importlib.util.find_spec("nnlib") is None:
    source = os.environ.get("NNLIB_SOURCE", "git+{url}@v{version}")
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", f"nnlib[torch] @ {{source}}"],
                          env={{**os.environ, "GIT_TERMINAL_PROMPT": "0"}}, timeout=900)
    importlib.invalidate_caches()
    if done.returncode != 0 or importlib.util.find_spec("nnlib") is None:
        raise RuntimeError(f"could not install nnlib from {{source}}: clone the book, run "
                           "`pip install -r requirements.txt` in it and restart the kernel "
                           "(or set NNLIB_SOURCE to where nnlib can be installed from)")'''


def repository_url() -> str:
    """``repository: url:`` of _config.yml: where the book is published."""
    match = re.search(r"^repository:\s*\n\s+url:\s*(\S+)", (ROOT / "_config.yml").read_text(), flags=re.M)
    if not match:
        raise ValueError("_config.yml needs repository: url:")
    return match.group(1)


def version() -> str:
    return re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), flags=re.M).group(1)


def source() -> str:
    """The setup cell's source for this checkout's settings."""
    return TEMPLATE.format(url=repository_url(), version=version())


def main() -> int:
    changed = 0
    for path in sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        cell = nb.cells[1] if nb.cells[0].cell_type == "markdown" else nb.cells[0]
        if cell.cell_type != "code" or "find_spec(\"nnlib\")" not in cell.source:
            print(f"{path.name}: no setup cell found", file=sys.stderr)
            return 1
        if cell.source != source():
            cell.source = source()
            nbformat.write(nb, path)
            changed += 1
    print(f"setup cell written into {changed} chapter(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
