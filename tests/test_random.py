"""The one randomness convention (nnlib._random): seed, rng= arguments, NNLIB_SEED_SHIFT."""

import numpy as np
import pytest
try:
    import torch
except ImportError:  # numpy-only run: tests that mention torch are skipped (conftest.py)
    torch = None

import nnlib
from nnlib._random import as_generator, seed_shift, torch_generator
from nnlib.data import spirals


def test_rng_none_is_the_stream_seed_resets():
    nnlib.seed(4)
    a = as_generator(None).random(3)
    nnlib.seed(4)
    assert np.array_equal(a, as_generator(None).random(3))


def test_int_rng_is_a_fresh_seeded_generator_and_a_generator_is_used_as_is():
    assert np.array_equal(as_generator(7).random(2), np.random.default_rng(7).random(2))
    g = np.random.default_rng(1)
    assert as_generator(g) is g


@pytest.mark.parametrize("bad", [1.5, "3", np.random.RandomState(0), True])
def test_rng_refuses_other_types_naming_the_parameter(bad):
    with pytest.raises(TypeError, match="rng must be a numpy Generator, an integer seed or None"):
        as_generator(bad)


def test_seed_shift_moves_every_seed(monkeypatch):
    X0, _ = spirals(n_per_class=5, rng=3)
    monkeypatch.setenv("NNLIB_SEED_SHIFT", "2")
    assert seed_shift() == 2
    X_shifted, _ = spirals(n_per_class=5, rng=1)  # seed 1 + shift 2 == seed 3
    assert np.array_equal(X0, X_shifted)
    g = nnlib.seed(1)
    assert np.array_equal(g.random(2), np.random.default_rng(3).random(2))
    assert torch.equal(torch.rand(2, generator=torch_generator(1)),
                       torch.rand(2, generator=torch.Generator().manual_seed(3)))


def test_bad_seed_shift_is_refused(monkeypatch):
    monkeypatch.setenv("NNLIB_SEED_SHIFT", "one")
    with pytest.raises(ValueError, match="NNLIB_SEED_SHIFT must be an integer"):
        nnlib.seed(0)
