"""Tests for nnlib.data.toy: the small generated datasets of chapters 02-06."""

import numpy as np
import pytest

from nnlib.data.toy import (
    dose_response,
    dose_response_mean,
    noisy_mapping,
    spirals,
    to_tensor_dataset,
    train_val_test_split,
    xor,
)


# ---------------------------------------------------------------- xor
def test_xor_truth_table():
    X, y = xor()
    assert X.shape == (4, 2) and y.shape == (4,)
    assert X.dtype == np.float64 and y.dtype == np.float64
    np.testing.assert_array_equal(y, np.logical_xor(X[:, 0], X[:, 1]).astype(np.float64))
    assert {tuple(row) for row in X.astype(int)} == {(0, 0), (0, 1), (1, 0), (1, 1)}


def test_xor_least_squares_is_constant_half():
    """The fact chapter 02 builds on: the best linear fit to XOR is w = 0, b = 1/2."""
    X, y = xor()
    A = np.hstack([X, np.ones((4, 1))]).astype(float)
    coef, *_ = np.linalg.lstsq(A, y.astype(float), rcond=None)
    np.testing.assert_allclose(coef, [0.0, 0.0, 0.5], atol=1e-12)


# ---------------------------------------------------------------- noisy_mapping
def test_noisy_mapping_shapes_dtypes_and_seed():
    X, y, P = noisy_mapping(n=50, num_classes=4, dim=5, noise=0.1, rng=3, return_prototypes=True)
    assert X.shape == (50, 5) and X.dtype == np.float64
    assert y.shape == (50,) and y.dtype == np.int64
    assert P.shape == (4, 5) and P.dtype == np.float64
    assert set(np.unique(y)) <= set(range(4))
    assert np.all((P >= -0.5) & (P < 2.5))
    X2, y2 = noisy_mapping(n=50, num_classes=4, dim=5, noise=0.1, rng=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = noisy_mapping(n=50, num_classes=4, dim=5, noise=0.1, rng=4)
    assert not np.array_equal(X, X3)


def test_noisy_mapping_noise_level():
    X, y, P = noisy_mapping(n=4000, noise=0.3, rng=0, return_prototypes=True)
    residual = X - P[y]
    assert abs(residual.std() - 0.3) < 0.01
    assert abs(residual.mean()) < 0.01
    Xz, yz, Pz = noisy_mapping(n=20, noise=0.0, rng=1, return_prototypes=True)
    np.testing.assert_array_equal(Xz, Pz[yz])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n": 0}, "n must be an integer >= 1"),
        ({"num_classes": 1}, "num_classes must be an integer >= 2"),
        ({"dim": 0}, "dim must be an integer >= 1"),
        ({"noise": -0.1}, "noise must be >= 0"),
        ({"noise": float("nan")}, "noise must be finite"),
    ],
)
def test_noisy_mapping_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        noisy_mapping(**kwargs)


# ---------------------------------------------------------------- spirals
def test_spirals_shapes_balance_and_seed():
    X, y = spirals(n_per_class=40, num_classes=3, noise=0.05, rng=1)
    assert X.shape == (120, 2) and X.dtype == np.float64
    assert y.shape == (120,) and y.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(y), [40, 40, 40])
    X2, _ = spirals(n_per_class=40, num_classes=3, noise=0.05, rng=1)
    np.testing.assert_array_equal(X, X2)


def test_spirals_noiseless_radius_and_arms():
    X, y = spirals(n_per_class=25, num_classes=2, noise=0.0)
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(r[y == 0], np.linspace(0.1, 1.0, 25), atol=1e-6)
    # the two arms are point reflections of each other (angle offset pi)
    np.testing.assert_allclose(X[y == 1], -X[y == 0], atol=1e-6)


def test_spirals_not_linearly_separable():
    """Least squares on the +-1 labels classifies the two spirals near chance."""
    X, y = spirals(n_per_class=200, noise=0.0)
    A = np.hstack([X, np.ones((len(X), 1))]).astype(float)
    coef, *_ = np.linalg.lstsq(A, 2.0 * y - 1, rcond=None)
    acc = np.mean((A @ coef > 0) == (y == 1))
    assert acc < 0.75


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_per_class": 0}, "n_per_class must be an integer >= 1"),
        ({"num_classes": 1}, "num_classes must be an integer >= 2"),
        ({"noise": -1.0}, "noise must be >= 0"),
        ({"turns": 0.0}, "turns must be > 0"),
    ],
)
def test_spirals_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        spirals(**kwargs)


# ---------------------------------------------------------------- dose_response
def test_dose_response_shapes_sorted_and_seed():
    x, t = dose_response(n=12, noise=0.1, rng=5)
    assert x.shape == (12, 1) and t.shape == (12, 1)
    assert x.dtype == np.float64 and t.dtype == np.float64
    assert np.all(np.diff(x[:, 0]) >= 0)
    assert np.all((x >= 0) & (x <= 1))
    x2, t2 = dose_response(n=12, noise=0.1, rng=5)
    np.testing.assert_array_equal(t, t2)


def test_dose_response_noise_and_mean():
    x, t = dose_response(n=5000, noise=0.2, rng=0, x_range=(-1.0, 2.0))
    assert x.min() >= -1 and x.max() <= 2
    resid = t[:, 0] - dose_response_mean(x[:, 0])
    assert abs(resid.std() - 0.2) < 0.01
    x0, t0 = dose_response(n=7, noise=0.0, rng=2)
    np.testing.assert_allclose(t0[:, 0], dose_response_mean(x0[:, 0]), atol=1e-6)
    assert dose_response_mean(0.0) == pytest.approx(1.2)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n": 0}, "n must be an integer >= 1"),
        ({"n": 2.5}, "n must be an integer >= 1"),
        ({"noise": -0.01}, "noise must be >= 0"),
        ({"x_range": (1.0, 0.0)}, "low < high"),
        ({"x_range": (0.0,)}, "x_range must be a pair"),
    ],
)
def test_dose_response_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        dose_response(**kwargs)


# ---------------------------------------------------------------- train_val_test_split
def test_split_sizes_disjoint_and_covering():
    X = np.arange(50, dtype=np.float64)[:, None]
    y = np.arange(50)
    (Xtr, ytr), (Xva, yva), (Xte, yte) = train_val_test_split(X, y, (0.6, 0.2, 0.2), rng=1)
    assert (len(ytr), len(yva), len(yte)) == (30, 10, 10)
    allidx = np.concatenate([ytr, yva, yte])
    np.testing.assert_array_equal(np.sort(allidx), np.arange(50))
    # rows stay paired with their labels
    np.testing.assert_array_equal(Xtr[:, 0].astype(int), ytr)
    assert Xtr.dtype == np.float64 and ytr.dtype == y.dtype


def test_split_seeded_and_shuffled():
    X = np.arange(100)[:, None]
    y = np.arange(100)
    a = train_val_test_split(X, y, rng=0)
    b = train_val_test_split(X, y, rng=0)
    c = train_val_test_split(X, y, rng=1)
    np.testing.assert_array_equal(a[0][1], b[0][1])
    assert not np.array_equal(a[0][1], c[0][1])
    assert not np.array_equal(a[0][1], np.arange(60))


def test_split_allows_empty_test_part():
    X = np.zeros((10, 2))
    y = np.zeros(10)
    (_, ytr), (_, yva), (_, yte) = train_val_test_split(X, y, (0.8, 0.2, 0.0))
    assert (len(ytr), len(yva), len(yte)) == (8, 2, 0)


@pytest.mark.parametrize(
    "X, y, fractions, match",
    [
        (np.zeros((0, 2)), np.zeros(0), (0.6, 0.2, 0.2), "at least one sample"),
        (np.zeros((5, 2)), np.zeros(4), (0.6, 0.2, 0.2), r"X.shape=\(5, 2\) and y.shape=\(4,\)"),
        (np.zeros((5, 2)), np.zeros(5), (0.6, 0.2, 0.3), "sum to 1"),
        (np.zeros((5, 2)), np.zeros(5), (1.2, -0.2, 0.0), r"lie in \[0, 1\]"),
        (np.zeros((5, 2)), np.zeros(5), (0.5, 0.5), "three entries"),
        (np.zeros((5, 2)), np.zeros(5), "abc", "three numbers"),
        (np.zeros((5, 2)), np.zeros(5), (0.0, 0.5, 0.5), "training part would be empty"),
    ],
)
def test_split_bad_input(X, y, fractions, match):
    with pytest.raises(ValueError, match=match):
        train_val_test_split(X, y, fractions)


# ---------------------------------------------------------------- to_tensor_dataset
def test_to_tensor_dataset_dtypes_and_items():
    torch = pytest.importorskip("torch")
    X, y = noisy_mapping(n=10, rng=0)
    ds = to_tensor_dataset(X, y)
    assert len(ds) == 10
    xi, yi = ds[3]
    assert xi.dtype == torch.float64 and yi.dtype == torch.int64
    np.testing.assert_array_equal(xi.numpy(), X[3])
    assert int(yi) == y[3]
    x, t = dose_response(n=6, noise=0.1, rng=0)
    ds2 = to_tensor_dataset(x.astype(np.float64), t)
    assert ds2.tensors[0].dtype == torch.float64 and ds2.tensors[1].shape == (6, 1)


def test_to_tensor_dataset_bad_input():
    pytest.importorskip("torch")
    with pytest.raises(ValueError, match="same number of samples"):
        to_tensor_dataset(np.zeros((3, 2)), np.zeros(2))
    with pytest.raises(ValueError, match="at least one sample"):
        to_tensor_dataset(np.zeros((0, 2)), np.zeros(0))
    with pytest.raises(TypeError, match="X must be real numbers"):
        to_tensor_dataset(np.array([["a"], ["b"]]), np.zeros(2))


# ---------------------------------------------------------------- property: the split is a partition
from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 200), f_train=st.floats(0.05, 1.0), share=st.floats(0.0, 1.0), seed=st.integers(0, 10**6))
def test_split_is_a_partition(n, f_train, share, seed):
    f_val = share * (1 - f_train)
    fractions = (f_train, f_val, 1 - f_train - f_val)
    X, y = np.arange(n)[:, None], np.arange(n)
    if round(f_train * n) == 0:
        with pytest.raises(ValueError, match="training part would be empty"):
            train_val_test_split(X, y, fractions, rng=seed)
        return
    parts = train_val_test_split(X, y, fractions, rng=seed)
    np.testing.assert_array_equal(np.sort(np.concatenate([p[1] for p in parts])), np.arange(n))
    assert len(parts[0][1]) == round(f_train * n)
    for Xp, yp in parts:
        np.testing.assert_array_equal(Xp[:, 0], yp)
