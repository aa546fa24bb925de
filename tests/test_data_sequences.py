"""Tests of nnlib.data.sequences: the delayed-recall memory task and next-number sequences."""

import numpy as np
import pytest

from nnlib.data import SEQUENCE_KINDS, delayed_recall, next_number_sequences


def test_delayed_recall_layout():
    X, y = delayed_recall(200, 7, n_tokens=3, noise=0.5, rng=1)
    assert X.shape == (200, 8, 4) and X.dtype == np.float64
    assert y.shape == (200,) and y.dtype == np.int64
    assert set(np.unique(y)) == {0, 1, 2}
    # step 0: one-hot token plus the start marker
    np.testing.assert_array_equal(X[:, 0, :3], np.eye(3, dtype=np.float64)[y])
    np.testing.assert_array_equal(X[:, 0, 3], np.ones(200, dtype=np.float64))
    # distractors: marker off, noise of the requested size, independent of the token
    assert np.all(X[:, 1:, 3] == 0)
    assert abs(X[:, 1:, :3].std() - 0.5) < 0.02
    assert abs(X[:, 1:, :3].mean()) < 0.02


def test_delayed_recall_is_seeded_and_noise_free_option():
    a = delayed_recall(10, 3, rng=5)
    b = delayed_recall(10, 3, rng=5)
    c = delayed_recall(10, 3, rng=6)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])
    X, _ = delayed_recall(10, 3, noise=0.0)
    assert np.all(X[:, 1:] == 0)


def test_delayed_recall_last_input_carries_no_information():
    """Only step 0 tells the token: a read-out of the last step alone is at chance."""
    X, y = delayed_recall(4000, 2, n_tokens=2, rng=0)
    last = X[:, -1, :2]
    guess = last.argmax(1)
    assert abs((guess == y).mean() - 0.5) < 0.04


@pytest.mark.parametrize("kind", SEQUENCE_KINDS)
def test_next_number_targets_are_shifted_inputs(kind):
    X, Y = next_number_sequences(50, 6, kind=kind, rng=2)
    assert X.shape == Y.shape == (50, 6, 1) and X.dtype == np.float64
    np.testing.assert_array_equal(X[:, 1:], Y[:, :-1])


def test_next_number_families():
    X, Y = next_number_sequences(30, 8, kind="arithmetic", scale=10.0, rng=0)
    S = np.concatenate([X, Y[:, -1:]], axis=1)[..., 0].astype(float)
    d = np.diff(S, axis=1)
    np.testing.assert_allclose(d, d[:, :1] * np.ones_like(d), atol=1e-5)
    assert np.all(np.abs(d[:, 0]) <= 3.0 + 1e-5)
    X, Y = next_number_sequences(30, 8, kind="periodic", max_period=3, rng=0)
    S = np.concatenate([X, Y[:, -1:]], axis=1)[..., 0]
    assert all(any(np.array_equal(s[p:], s[:-p]) for p in (2, 3)) for s in S)
    X, _ = next_number_sequences(400, 5, kind="mixed", rng=0)
    arithmetic = np.all(np.abs(np.diff(X[..., 0], 2, axis=1)) < 1e-5, axis=1)
    assert 0.3 < arithmetic.mean() < 0.7


def test_bad_arguments():
    with pytest.raises(ValueError, match="delay must be an integer >= 1"):
        delayed_recall(10, 0)
    with pytest.raises(ValueError, match="n must be an integer >= 1"):
        delayed_recall(0, 3)
    with pytest.raises(ValueError, match="n_tokens must be an integer >= 2"):
        delayed_recall(10, 3, n_tokens=1)
    with pytest.raises(ValueError, match="noise must be >= 0"):
        delayed_recall(10, 3, noise=-1)
    with pytest.raises(ValueError, match="length must be an integer >= 2"):
        next_number_sequences(10, 1)
    with pytest.raises(ValueError, match="kind must be one of 'arithmetic', 'periodic', 'mixed'"):
        next_number_sequences(10, 5, kind="geometric")
    with pytest.raises(ValueError, match="max_period must be an integer >= 2"):
        next_number_sequences(10, 5, max_period=1)
    with pytest.raises(ValueError, match="scale must be > 0"):
        next_number_sequences(10, 5, scale=0)
