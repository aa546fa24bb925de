"""Execute chapter notebooks top to bottom and store their outputs in place.

This is the project's one way of producing a stored notebook (README, "Re-execute a
chapter"): a fresh kernel, working directory ``chapters/``, outputs and widget state
saved into the file, no timing metadata. nbval later re-runs the notebook and
compares its outputs with what this command stored.

    python tests/execute_notebooks.py chapters/01_neurons.ipynb [more.ipynb ...]
    python tests/execute_notebooks.py --all
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.book_plugin import kernel_environment  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CELL_TIMEOUT = 120  # seconds; the same per-cell limit as the nbval run (pyproject.toml)
# The kernel metadata ipykernel installs: JupyterLab rewrites any other display name on
# opening, which marks an untouched chapter as modified.
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
BUDGET = 60  # seconds per chapter (CONTRIBUTING.md, chapter conventions); 120 is the hard ceiling


def execute(path: Path) -> float:
    """Execute one notebook in place and return its wall-clock time in seconds."""
    nb = nbformat.read(path, as_version=4)
    os.environ.update(kernel_environment())  # the kernel imports this checkout's nnlib
    os.environ.pop("NNLIB_SEED_SHIFT", None)  # stored outputs are always the unshifted ones
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            store_widget_state=True, record_timing=False)
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nbformat.write(nb, path)
    return elapsed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--all", action="store_true", help="every notebook in chapters/")
    args = parser.parse_args(argv)
    paths = sorted((ROOT / "chapters").glob("*.ipynb")) if args.all else args.notebooks
    if not paths:
        parser.error("give notebook paths or --all")
    status = 0
    for path in paths:
        elapsed = execute(path.resolve())
        verdict = "ok" if elapsed <= BUDGET else f"OVER the {BUDGET} s budget"
        print(f"{path}: executed in {elapsed:.1f} s ({verdict})")
        status |= elapsed > 2 * BUDGET
    return int(status)


if __name__ == "__main__":
    sys.exit(main())
