"""Tests for nnlib.perceptron: threshold units, the perceptron rule, Novikoff's bound, Cover's count (chapter 02)."""

from itertools import product
from math import comb

import numpy as np
import pytest

from nnlib import as_generator
from nnlib.perceptron import (
    cover_count,
    cover_fraction,
    is_linearly_separable,
    margin_data,
    novikoff_bound,
    perceptron_fit,
    threshold_unit,
)

CORNERS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)


def test_threshold_unit_computes_and_or_not():
    np.testing.assert_array_equal(threshold_unit(CORNERS, [1, 1], 2), [0, 0, 0, 1])
    np.testing.assert_array_equal(threshold_unit(CORNERS, [1, 1], 1), [0, 1, 1, 1])
    np.testing.assert_array_equal(threshold_unit([[0.0], [1.0]], [-1], 0), [1, 0])
    assert threshold_unit([1.0, 1.0], [1, 1], 2) == 1  # a single input vector; w.x = theta fires


def test_perceptron_learns_and_or_and_separates():
    for t in ([-1, -1, -1, 1], [-1, 1, 1, 1]):
        res = perceptron_fit(CORNERS, t)
        assert res.converged and res.mistakes_per_epoch[-1] == 0
        assert np.all(np.array(t) * (np.hstack([CORNERS, np.ones((4, 1))]) @ res.weights) > 0)
        assert res.mistakes == res.mistakes_per_epoch.sum() == len(res.history) - 1
        # the weights are the sum of the updates y_i x_i
        np.testing.assert_array_equal(res.history[-1], res.weights)


def test_perceptron_on_xor_cycles_and_never_converges():
    res = perceptron_fit(CORNERS, [-1, 1, 1, -1], max_epochs=20)
    assert not res.converged and res.epochs == 20
    assert np.all(res.mistakes_per_epoch == 4)
    np.testing.assert_array_equal(res.history[::4], np.zeros((21, 3)))  # back to w = 0 after every epoch


def test_perceptron_shuffle_is_reproducible_and_respects_novikoff():
    X, y, u = margin_data(100, 5, 0.1, rng=3)
    a = perceptron_fit(X, y, bias=False, shuffle=True, rng=7, max_epochs=500)
    b = perceptron_fit(X, y, bias=False, shuffle=True, rng=7, max_epochs=500)
    np.testing.assert_array_equal(a.weights, b.weights)
    assert a.converged and a.mistakes <= novikoff_bound(X, y, u)


def test_margin_data_has_its_margin():
    X, y, u = margin_data(300, 4, 0.2, rng=0)
    assert X.shape == (300, 4) and set(np.unique(y)) == {-1.0, 1.0}
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0)
    assert np.min(y * (X @ u)) >= 0.2
    assert novikoff_bound(X, y, u) <= 1 / 0.2**2 + 1e-9


def test_novikoff_bound_value_and_bias():
    X = np.array([[2.0, 0.0], [0.0, -1.0]])
    y = np.array([1.0, -1.0])
    u = np.array([1.0, 1.0])  # margins 2/sqrt2 and 1/sqrt2; R = 2
    assert novikoff_bound(X, y, u) == pytest.approx((2 / (1 / np.sqrt(2))) ** 2)
    assert novikoff_bound(X, y, [1.0, 1.0, 0.0], bias=True) == pytest.approx(np.sqrt(5) ** 2 / 0.5)


def test_cover_count_values_and_limits():
    assert [cover_count(p, 3) for p in range(1, 8)] == [2, 4, 8, 14, 22, 32, 44]
    for n in (1, 2, 5, 13):
        assert cover_count(n, n) == 2**n  # P <= N: every dichotomy
        assert cover_fraction(2 * n, n) == 0.5
    # Cover's recursion C(P+1, N) = C(P, N) + C(P, N-1)
    for p, n in product(range(1, 12), range(2, 8)):
        assert cover_count(p + 1, n) == cover_count(p, n) + cover_count(p, n - 1)
    assert isinstance(cover_count(200, 60), int) and cover_count(200, 60) == 2 * sum(comb(199, k) for k in range(60))
    assert cover_fraction(400, 10) < 1e-80


def test_separability_matches_cover_in_general_position():
    # the four corners of the square with a bias input are in general position in R^3: 14 of 16
    labels = [np.array(t) for t in product([-1.0, 1.0], repeat=4)]
    sep = [is_linearly_separable(CORNERS, t, bias=True) for t in labels]
    assert sum(sep) == 14 == cover_count(4, 3)
    assert not is_linearly_separable(CORNERS, [-1, 1, 1, -1], bias=True)  # XOR
    rng = as_generator(0)
    X = rng.normal(size=(6, 3))
    count = sum(is_linearly_separable(X, np.array(t)) for t in product([-1.0, 1.0], repeat=6))
    assert count == cover_count(6, 3) == 32


def test_separability_falls_back_to_the_margin_lp(monkeypatch):
    import scipy.optimize

    real = scipy.optimize.linprog
    calls = []

    def flaky(c, **kw):  # the first (feasibility) LP reports numerical trouble, as HiGHS rarely does
        calls.append(len(c))
        res = real(c, **kw)
        if len(calls) == 1:
            res.status = 4
        return res

    monkeypatch.setattr(scipy.optimize, "linprog", flaky)
    assert is_linearly_separable(CORNERS, [-1, -1, -1, 1], bias=True)
    assert calls == [3, 4]
    calls.clear()
    assert not is_linearly_separable(CORNERS, [-1, 1, 1, -1], bias=True)
    assert calls == [3, 4]


@pytest.mark.parametrize("call, error, match", [
    (lambda: threshold_unit("a", [1, 1], 1), TypeError, "x must be"),
    (lambda: threshold_unit(CORNERS, [1, 1, 1], 1), ValueError, "weights must have shape"),
    (lambda: threshold_unit(CORNERS, [1, 1], np.nan), ValueError, "threshold must be finite"),
    (lambda: perceptron_fit(CORNERS, [0, 1, 1, 0]), ValueError, "y must hold labels -1 and \\+1"),
    (lambda: perceptron_fit(CORNERS, [1, 1, -1]), ValueError, "y must have shape"),
    (lambda: perceptron_fit([1.0, 2.0], [1, -1]), ValueError, "X must be a non-empty 2-D array"),
    (lambda: perceptron_fit(CORNERS, [1, 1, -1, -1], max_epochs=0), ValueError, "max_epochs must be an integer"),
    (lambda: perceptron_fit(CORNERS, [1, 1, -1, -1], max_epochs=10**7), ValueError, "max_epochs \\* P asks for"),
    (lambda: perceptron_fit(CORNERS, [1, 1, -1, -1], bias="yes"), TypeError, "bias must be True or False"),
    (lambda: perceptron_fit(CORNERS, [1, 1, -1, -1], shuffle=1), TypeError, "shuffle must be True or False"),
    (lambda: margin_data(10, 3, 0.7), ValueError, "margin must be in"),
    (lambda: margin_data(10, 1, 0.1), ValueError, "n_features must be >= 2"),
    (lambda: margin_data(0, 3, 0.1), ValueError, "n_points must be an integer"),
    (lambda: novikoff_bound(CORNERS, [-1, -1, -1, 1], [1.0, 1.0]), ValueError, "not separated by u"),
    (lambda: novikoff_bound(CORNERS, [-1, -1, -1, 1], [1.0, 1.0, -1.5]), ValueError, "u must have shape"),
    (lambda: novikoff_bound(CORNERS, [-1, -1, -1, 1], [0.0, 0.0, 0.0], bias=True), ValueError, "non-zero"),
    (lambda: cover_count(5, 0), ValueError, "n_features must be an integer"),
    (lambda: cover_count(2.5, 2), ValueError, "n_points must be an integer"),
    (lambda: cover_fraction(-1, 2), ValueError, "n_points must be an integer"),
    (lambda: is_linearly_separable(CORNERS, [1, 1, -1, 2]), ValueError, "y must hold labels"),
    (lambda: is_linearly_separable(np.full((4, 2), np.inf), [1, 1, -1, -1]), ValueError, "X must be finite"),
])
def test_bad_input_is_refused_with_a_named_parameter(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_novikoff_bound_names_what_the_caller_passed():
    u = [2.0, 2.0, -3.0]  # separates AND with the bias input
    assert novikoff_bound(CORNERS, [-1, -1, -1, 1], u, bias=True) > 0
    for X, y in ((-np.asarray(CORNERS, float), [-1, -1, -1, 1]), (np.zeros((4, 2)), [-1, -1, -1, 1]),
                 (CORNERS, [1, 1, 1, -1])):
        with pytest.raises(ValueError, match=r"the data X, y are not separated by u \(bias=True\)"):
            novikoff_bound(X, y, u, bias=True)
    with pytest.raises(ValueError, match=r"u must have shape \(2,\) for X with 2 features and bias=False"):
        novikoff_bound(CORNERS, [-1, -1, -1, 1], u, bias=False)
