"""pytest plugin (loaded from pyproject.toml) for running the chapters under nbval.

* The nbval sanitize file is found from the repository root, so ``pytest /path/to/book``
  works from any working directory.
* Notebook kernels import the ``nnlib`` of this checkout, whatever ``nnlib`` is
  installed: the repository root is put first on the kernels' ``PYTHONPATH``.
* A per-chapter time report at the end of the run; the run fails when a chapter takes
  longer than the hard ceiling (per-cell timeouts: --nbval-cell-timeout in pyproject.toml).
"""

import os
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SANITIZE_FILE = ROOT / "tests" / "nbval_sanitize.cfg"

CHAPTER_CEILING = 120.0  # seconds for one whole chapter under nbval

_chapter_seconds: dict[str, float] = defaultdict(float)


def kernel_environment(base=None) -> dict:
    """The environment for notebook kernels: ``base`` with this checkout first on PYTHONPATH."""
    env = dict(os.environ if base is None else base)
    parts = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and Path(p).resolve() != ROOT]
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *parts])
    return env


def pytest_configure(config):
    if getattr(config.option, "nbval_sanitize_with", "unset") is None:
        config.option.nbval_sanitize_with = str(SANITIZE_FILE)
    # nbval starts kernels as child processes: they inherit this environment
    os.environ.update(kernel_environment())


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::", 1)[0]
    if path.endswith(".ipynb"):
        _chapter_seconds[path] += report.duration


def pytest_terminal_summary(terminalreporter):
    if not _chapter_seconds:
        return
    terminalreporter.section("chapter execution times (nbval)")
    for path, seconds in sorted(_chapter_seconds.items()):
        flag = "  <-- over the ceiling" if seconds > CHAPTER_CEILING else ""
        terminalreporter.write_line(f"{seconds:7.1f} s  {path}{flag}")


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    slow = {p: s for p, s in _chapter_seconds.items() if s > CHAPTER_CEILING}
    if slow and session.exitstatus == 0:
        session.exitstatus = 1
