"""pytest plugin (loaded from pyproject.toml): chapter execution times under nbval.

Adds a per-chapter time report to the end of the run and fails the run when a
chapter takes longer than the hard ceiling of DESIGN section 5 (per-cell timeouts are
set with --nbval-cell-timeout in pyproject.toml).
"""

from collections import defaultdict

import pytest

CHAPTER_CEILING = 120.0  # seconds for one whole chapter under nbval

_chapter_seconds: dict[str, float] = defaultdict(float)


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
