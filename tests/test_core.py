"""nnlib.seed, nnlib._checks and nnlib.data.load_digits."""

import random

import numpy as np
import pytest
try:
    import torch
except ImportError:  # numpy-only run: tests that mention torch are skipped (conftest.py)
    torch = None

import nnlib
from nnlib import _checks
from nnlib.data import load_digits


def test_seed_makes_every_source_repeatable():
    def draw():
        rng = nnlib.seed(3)
        return random.random(), np.random.rand(), torch.rand(1).item(), rng.random()

    assert draw() == draw()


@pytest.mark.parametrize("bad", [-1, 2**32])
def test_seed_rejects_out_of_range(bad):
    with pytest.raises(ValueError, match=r"n must be an integer seed in \[0, 4294967295\]"):
        nnlib.seed(bad)


@pytest.mark.parametrize("bad", [1.5, "0", True, None])
def test_seed_rejects_non_integers(bad):
    with pytest.raises(TypeError, match="n must be an integer seed"):
        nnlib.seed(bad)


def test_checks_name_the_problem_and_the_range():
    assert _checks.check_positive("tau", 0.02) == 0.02
    with pytest.raises(ValueError, match=r"tau must be > 0, got -1"):
        _checks.check_positive("tau", -1)
    with pytest.raises(ValueError, match="finite"):
        _checks.check_finite("v_in", [1.0, np.nan])
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\), got 1"):
        _checks.check_probability("p", 1)
    with pytest.raises(ValueError, match=r"mode must be one of 'async', 'sync'"):
        _checks.check_choice("mode", "both", ("async", "sync"))
    with pytest.raises(ValueError, match=r"shape \(any, 3\), got shape \(2, 2\)"):
        _checks.check_shape("x", np.zeros((2, 2)), (None, 3))
    with pytest.raises(ValueError, match="integer >= 1"):
        _checks.check_positive_int("epochs", 0)


def test_digits_split_is_fixed_stratified_and_scaled():
    d = load_digits()
    assert (len(d.X_train), len(d.X_val), len(d.X_test)) == (1078, 359, 360)
    assert d.X_train.dtype == np.float64 and d.X_train.min() >= 0 and d.X_train.max() <= 1
    assert np.array_equal(d.X_test, load_digits().X_test), "the split must not change between calls"
    assert set(np.bincount(d.y_test)) <= {35, 36, 37}, "each class should hold ~10% of the test set"
    Xtr, ytr, *_ = d.as_tensors()
    assert Xtr.dtype == torch.float64 and ytr.dtype == torch.int64
    assert d.images(d.X_test).shape == (360, 8, 8)
    with pytest.raises(ValueError, match=r"\(n, 64\)"):
        d.images(np.zeros((2, 10)))


def test_check_positive_int_minimum_and_check_class_axis():
    assert _checks.check_positive_int("num_classes", 2, minimum=2) == 2
    with pytest.raises(ValueError, match=r"num_classes must be an integer >= 2, got 1"):
        _checks.check_positive_int("num_classes", 1, minimum=2)
    assert _checks.check_class_axis("Z", np.zeros((0, 3)), -1) == -1  # no rows is fine: each row has 3 classes
    with pytest.raises(ValueError, match=r"Z has no entries along axis -1 \(shape \(2, 0\)\)"):
        _checks.check_class_axis("Z", np.zeros((2, 0)), -1)
    with pytest.raises(ValueError, match="axis must be an integer"):
        _checks.check_class_axis("Z", np.zeros((2, 3)), 2)
