"""Fixtures shared by the unit tests."""

import pytest
import torch


@pytest.fixture(autouse=True)
def book_precision():
    """Compute in float64, as every chapter does (README, "Portable numerics")."""
    dtype = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(dtype)


@pytest.fixture(autouse=True)
def one_thread():
    """Run torch on one thread: the models are tiny, so this is faster, free of contention with
    other processes, and independent of the machine's core count (as in the chapters)."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)
