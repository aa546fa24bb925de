"""The notebook test run works from any directory and tests this checkout's nnlib.

A probe notebook, stored with the outputs this checkout must give, is run under strict
nbval from a temporary working directory: its first cell prints where the kernel found
``nnlib`` (it must be this repository, not some other installed copy), its second prints
a memory address that only the sanitize file (found from the repository root) can mask.
"""

import os
import subprocess
import sys
from pathlib import Path

import nbformat

from tests.book_plugin import ROOT, kernel_environment


def _probe_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    where = nbformat.v4.new_code_cell("import os, nnlib\nprint(os.path.dirname(os.path.dirname(nnlib.__file__)))")
    where.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"{ROOT}\n")]
    where.execution_count = 1
    address = nbformat.v4.new_code_cell("print(hex(id(object())))")
    address.outputs = [nbformat.v4.new_output("stream", name="stdout", text="0x7f0000000000\n")]
    address.execution_count = 2
    nb.cells = [where, address]
    nbformat.write(nb, path)


def test_nbval_run_from_elsewhere_uses_this_checkout(tmp_path):
    _probe_notebook(tmp_path / "probe.ipynb")
    env = kernel_environment()
    env.pop("PYTHONPATH")  # the plugin itself must put the checkout on the kernel's path
    run = subprocess.run([sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml"),
                          "--rootdir", str(ROOT), "-q", "probe.ipynb"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "2 passed" in run.stdout


def test_kernel_environment_puts_the_checkout_first():
    env = kernel_environment({"PYTHONPATH": f"/elsewhere{os.pathsep}{ROOT}"})
    assert env["PYTHONPATH"].split(os.pathsep) == [str(ROOT), "/elsewhere"]
