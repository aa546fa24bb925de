"""Tests for nnlib.capacity: Legendre and random ReLU features, closed-form least squares,
bias and variance, k-fold cross-validation (chapter 05)."""

import numpy as np
import pytest

from nnlib import as_generator
from nnlib.capacity import (RandomReLUFeatures, bias_variance, cross_validate, kfold_indices,
                            least_squares_fit, legendre_features)


def test_legendre_features_values_and_range():
    x = np.array([0.0, 0.25, 0.5, 1.0])
    Phi = legendre_features(x, 3)
    u = 2 * x - 1
    expected = np.stack([np.ones_like(u), u, (3 * u**2 - 1) / 2, (5 * u**3 - 3 * u) / 2], axis=-1)
    np.testing.assert_allclose(Phi, expected, atol=1e-14)
    # another interval maps to [-1, 1] the same way; stacks keep their shape
    np.testing.assert_allclose(legendre_features(10 * x, 3, x_range=(0, 10)), expected, atol=1e-14)
    assert legendre_features(np.zeros((5, 7)), 2).shape == (5, 7, 3)
    assert legendre_features(0.3, 0).shape == (1,)


def test_least_squares_recovers_a_polynomial_and_fits_stacks():
    rng = as_generator(0)
    x = rng.uniform(0, 1, 30)
    w_true = np.array([1.0, -2.0, 0.5])
    Phi = legendre_features(x, 2)
    np.testing.assert_allclose(least_squares_fit(Phi, Phi @ w_true), w_true, atol=1e-12)
    # several target columns at once, and a stack of problems, agree with one-at-a-time fits
    T = rng.standard_normal((30, 4))
    W = least_squares_fit(Phi, T)
    assert W.shape == (3, 4)
    for k in range(4):
        np.testing.assert_allclose(W[:, k], np.linalg.lstsq(Phi, T[:, k], rcond=None)[0], atol=1e-12)
    stack = np.stack([Phi, 2 * Phi])
    W_stack = least_squares_fit(stack, np.stack([T[:, 0], T[:, 1]]))
    np.testing.assert_allclose(W_stack[1], least_squares_fit(2 * Phi, T[:, 1]), atol=1e-12)


def test_min_norm_interpolates_and_ridge_tends_to_it():
    rng = as_generator(1)
    Phi, t = rng.standard_normal((5, 12)), rng.standard_normal(5)
    w = least_squares_fit(Phi, t)
    np.testing.assert_allclose(Phi @ w, t, atol=1e-12)  # p > n: interpolation
    # minimum norm: w lies in the row space, so adding a null-space vector can only make it longer
    null = np.linalg.svd(Phi)[2][-1]
    assert abs(null @ w) < 1e-12 and np.linalg.norm(w + 0.1 * null) > np.linalg.norm(w)
    np.testing.assert_allclose(least_squares_fit(Phi, t, ridge=1e-12), w, atol=1e-8)
    np.testing.assert_allclose(w, np.linalg.pinv(Phi) @ t, atol=1e-12)
    lam = 0.7  # ridge: the normal equations (Phi^T Phi + lam I) w = Phi^T t
    w_r = least_squares_fit(Phi, t, ridge=lam)
    np.testing.assert_allclose((Phi.T @ Phi + lam * np.eye(12)) @ w_r, Phi.T @ t, atol=1e-12)


def test_random_relu_features_are_seeded_and_scaled():
    a, b = RandomReLUFeatures(3, 50, rng=4), RandomReLUFeatures(3, 50, rng=4)
    x = as_generator(5).standard_normal((7, 3))
    np.testing.assert_array_equal(a(x), b(x))
    assert a(x).shape == (7, 50) and np.all(a(x) >= 0)
    np.testing.assert_allclose(a(x), np.maximum(x @ a.weight + a.bias, 0) / np.sqrt(50), atol=1e-15)
    assert a(x[0]).shape == (50,)
    assert not np.array_equal(RandomReLUFeatures(3, 50, rng=5).weight, a.weight)
    assert "num_features=50" in repr(a)


def test_bias_variance_splits_the_mean_squared_error():
    rng = as_generator(2)
    m = rng.standard_normal(6)
    f = m + 0.3 + 0.5 * rng.standard_normal((4000, 6))
    r = bias_variance(f, m)
    assert abs(r["error"] - np.mean((f - m) ** 2)) < 1e-12  # the split is exact
    assert abs(r["bias2"] - 0.09) < 0.01 and abs(r["variance"] - 0.25) < 0.02


def test_variance_of_least_squares_matches_the_closed_form():
    # Var f(x) = sigma^2 phi(x)^T (Phi^T Phi)^-1 phi(x); at the training inputs it averages sigma^2 p / n
    rng = as_generator(3)
    x, sigma = np.linspace(0, 1, 15), 0.3
    Phi = legendre_features(x, 4)
    T = sigma * rng.standard_normal((20000, 15))
    fits = (Phi @ least_squares_fit(Phi, T.T)).T
    r = bias_variance(fits, np.zeros(15))
    assert abs(r["variance"] / (sigma**2 * 5 / 15) - 1) < 0.03
    assert r["bias2"] < 1e-4


def test_kfold_indices_partition_the_data():
    folds = kfold_indices(23, 5, rng=0)
    assert len(folds) == 5
    vals = np.concatenate([v for _, v in folds])
    np.testing.assert_array_equal(np.sort(vals), np.arange(23))
    for train, val in folds:
        assert len(np.intersect1d(train, val)) == 0 and len(train) + len(val) == 23
        assert len(val) in (4, 5)
    same = kfold_indices(23, 5, rng=0)
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(folds, same))
    assert len(kfold_indices(4, 4, rng=1)) == 4  # leave-one-out


def test_cross_validate_mean_predictor_matches_leave_one_out_formula():
    # predicting with the training mean: the leave-one-out residual is (t_i - mean) * n / (n - 1)
    t = as_generator(6).standard_normal(9)
    errors = cross_validate(lambda xa, ta, xb: np.full(len(xb), ta.mean()), np.zeros((9, 1)), t, k=9, rng=0)
    expected = ((t - t.mean()) * 9 / 8) ** 2
    np.testing.assert_allclose(np.sort(errors), np.sort(expected), atol=1e-12)
    # a perfect model has zero CV error
    x = np.linspace(0, 1, 10)
    assert np.all(cross_validate(lambda xa, ta, xb: 2 * xb, x, 2 * x, k=5, rng=3) == 0)


@pytest.mark.parametrize("call, error, match", [
    (lambda: legendre_features("a", 2), TypeError, "x must be"),
    (lambda: legendre_features([0.1], -1), ValueError, "degree must be"),
    (lambda: legendre_features([0.1], 2.5), ValueError, "degree must be"),
    (lambda: legendre_features([0.1], 2, x_range=(1, 0)), ValueError, "x_range"),
    (lambda: RandomReLUFeatures(0, 5), ValueError, "in_features"),
    (lambda: RandomReLUFeatures(2, 5, rng="seed"), TypeError, "rng"),
    (lambda: RandomReLUFeatures(2, 5, rng=0)(np.zeros((3, 4))), ValueError, "x must have shape"),
    (lambda: least_squares_fit(np.ones((3, 2)), np.ones(4)), ValueError, "targets must have shape"),
    (lambda: least_squares_fit(np.ones(3), np.ones(3)), ValueError, "features must have shape"),
    (lambda: least_squares_fit(np.ones((3, 2)), np.ones(3), ridge=-1.0), ValueError, "ridge"),
    (lambda: least_squares_fit(np.ones((3, 2)), [np.nan, 1, 1]), ValueError, "targets must be finite"),
    (lambda: bias_variance(np.ones((1, 3)), np.ones(3)), ValueError, "predictions must have shape"),
    (lambda: bias_variance(np.ones((4, 3)), np.ones(2)), ValueError, "target_mean must have shape"),
    (lambda: kfold_indices(1, 2), ValueError, "n must be"),
    (lambda: kfold_indices(5, 6), ValueError, "k must be"),
    (lambda: kfold_indices(5, True), ValueError, "k must be"),
    (lambda: cross_validate("f", np.zeros(5), np.zeros(5)), TypeError, "fit_predict must be"),
    (lambda: cross_validate(lambda a, b, c: c, np.zeros(5), np.zeros(4)), ValueError, "same number of rows"),
    (lambda: cross_validate(lambda a, b, c: np.zeros(1), np.zeros(6), np.zeros(6), k=2), ValueError,
     "fit_predict must return"),
])
def test_bad_input_is_refused_with_a_named_parameter(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_work_limits_refuse_huge_requests(monkeypatch):
    import nnlib._checks as checks
    monkeypatch.setattr(checks, "MAX_ELEMENTS", 100)
    with pytest.raises(ValueError, match="above the limit"):
        legendre_features(np.zeros(50), 5)
    with pytest.raises(ValueError, match="above the limit"):
        RandomReLUFeatures(1, 500)


def test_legendre_features_budget_names_degree():
    with pytest.raises(ValueError, match=r"degree=1000000000 on x of 12 entries asks for 1\.2e\+10 entries, above "
                                         r"the limit .*MAX_ELEMENTS; raise it"):
        legendre_features(np.linspace(0.0, 1.0, 12), 10**9)
