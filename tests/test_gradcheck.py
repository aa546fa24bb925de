"""Tests of nnlib.gradcheck (finite-difference gradients)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib.gradcheck import check_grad, numerical_grad


def test_numerical_grad_of_cubic_scalar():
    g = numerical_grad(lambda v: float(v) ** 3, 2.0)
    assert g.shape == ()
    assert abs(float(g) - 12.0) < 1e-7


@settings(max_examples=25, deadline=None, derandomize=True)
@given(rows=st.integers(1, 4), cols=st.integers(1, 4), seed=st.integers(0, 2**16))
def test_numerical_grad_matches_analytic(rows, cols, seed):
    x = np.random.default_rng(seed).normal(size=(rows, cols))
    a = np.random.default_rng(seed + 1).normal(size=(cols, 2))
    f = lambda v: np.sum(np.tanh(v @ a))  # noqa: E731
    analytic = (1 - np.tanh(x @ a) ** 2) @ a.T
    num = numerical_grad(f, x)
    assert num.shape == x.shape
    np.testing.assert_allclose(num, analytic, rtol=1e-6, atol=1e-8)
    assert check_grad(f, x, analytic) < 1e-6


def test_check_grad_detects_wrong_gradient():
    x = np.linspace(-1, 1, 7)
    f = lambda v: np.sum(np.sin(v))  # noqa: E731
    assert check_grad(f, x, np.cos(x)) < 1e-8
    assert check_grad(f, x, lambda v: np.cos(v)) < 1e-8  # a callable works too
    assert check_grad(f, x, -np.cos(x)) > 1.0
    assert check_grad(f, x, 1.01 * np.cos(x)) > 5e-3


def test_check_grad_zero_entries_are_not_noise_dominated():
    # relu has exactly zero gradient on the negative half: finite differences give rounding noise.
    x = np.array([-2.0, -1.0, 0.5, 1.5, 3.0])
    f = lambda v: np.sum(np.maximum(v, 0) ** 2) + 10.0  # noqa: E731
    assert check_grad(f, x, 2 * np.maximum(x, 0)) < 1e-6


def test_x_is_not_modified_and_float32_is_upcast():
    x = np.array([0.1, 0.2, 0.3], dtype=np.float32)
    before = x.copy()
    g = numerical_grad(lambda v: np.sum(v**2), x)
    assert g.dtype == np.float64
    np.testing.assert_array_equal(x, before)
    np.testing.assert_allclose(g, 2 * x.astype(np.float64), rtol=1e-7)


def test_errors():
    with pytest.raises(ValueError, match="eps"):
        numerical_grad(lambda v: np.sum(v), np.ones(2), eps=0.0)
    with pytest.raises(ValueError, match="scalar"):
        numerical_grad(lambda v: v, np.ones(2))
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        check_grad(lambda v: np.sum(v), np.ones(2), np.ones(3))
