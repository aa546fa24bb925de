"""Fixtures shared by the unit tests, and the rule that lets the numpy core be tested without torch.

``nnlib``'s from-scratch modules need only numpy (README, "nnlib at a glance"); torch is an
optional extra. When torch is not installed, every test that mentions torch (in its body,
its decorators or the module it lives in) is skipped and every other test must pass: CI runs
the suite that way in a second environment (`.ci/run`).
"""

import inspect

import pytest

try:
    import torch
except ImportError:  # the numpy-only core is tested without torch too
    torch = None

TORCH_TEST_FILES = {  # whole modules about torch-backed code
    "test_models_autoencoder.py", "test_models_cnn.py", "test_models_dropout.py", "test_models_mlp.py",
    "test_models_recurrent.py", "test_models_transformer.py", "test_models_vae.py", "test_train.py",
    "test_uncertainty.py",
    "test_book_plugin.py",
    "test_autodiff.py", "test_nn.py",  # every test compares with torch; test_autodiff_numpy.py covers them without it
}
BOOK_TEST_FILES = {  # tests of the book's notebooks and tooling: they need the book toolchain
    "test_book_conventions.py", "test_book_plugin.py", "test_setup_cell.py",
}
try:
    import nbformat  # noqa: F401
except ImportError:  # a library-only environment (pip install nnlib)
    nbformat = None

collect_ignore = sorted((TORCH_TEST_FILES if torch is None else set())
                        | (BOOK_TEST_FILES if nbformat is None else set()))


def pytest_collection_modifyitems(config, items):
    if torch is not None:
        return
    skip = pytest.mark.skip(reason="needs torch (an optional extra of nnlib)")
    for item in items:
        fn = getattr(item, "function", None)
        if fn is not None and "torch" in inspect.getsource(fn):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def book_precision():
    """Compute in float64 on one thread, as every chapter does (README, "Portable numbers")."""
    if torch is None:
        yield
        return
    dtype, threads = torch.get_default_dtype(), torch.get_num_threads()
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    yield
    torch.set_default_dtype(dtype)
    torch.set_num_threads(threads)
