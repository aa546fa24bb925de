"""The chapters' setup cell, run end to end as a reader on Colab would meet it.

The cell runs in a Python that cannot see this environment's nnlib (``-S``: no site
packages) and installs into a temporary directory: once from a local git repository holding
this checkout's last commit (it must succeed and leave nnlib importable), once from a
repository that does not exist (it must fail within seconds with a message saying what to do,
never waiting for a password).
"""

import os
import shutil
import subprocess
import sys

import pytest

from tests.setup_cell import ROOT, source

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def run_cell(tmp_path, nnlib_source):
    target = tmp_path / "site"
    target.mkdir(exist_ok=True)
    env = {**os.environ, "NNLIB_SOURCE": nnlib_source, "PYTHONPATH": str(target),
           "PIP_TARGET": str(target), "PIP_NO_DEPS": "1", "PIP_NO_BUILD_ISOLATION": "1",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    return subprocess.run([sys.executable, "-S", "-c", source()], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600), target


def test_setup_cell_installs_from_a_git_repository(tmp_path):
    repo = tmp_path / "book.git"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(ROOT), str(repo)], check=True)
    # file://localhost/...: a local URL that pip 23.2 (bundled with Python 3.11) also parses in a
    # PEP 508 requirement; it refuses file:/// (an empty host). Recent pip accepts both.
    run, target = run_cell(tmp_path, f"git+file://localhost{repo}")
    assert run.returncode == 0, run.stderr[-3000:]
    assert (target / "nnlib" / "__init__.py").exists()


def test_setup_cell_fails_fast_and_says_what_to_do(tmp_path):
    run, _ = run_cell(tmp_path, f"git+file://localhost{tmp_path}/no-such-repository.git")
    assert run.returncode != 0
    assert "could not install nnlib from" in run.stderr and "pip install -r requirements.txt" in run.stderr
