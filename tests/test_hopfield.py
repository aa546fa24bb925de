"""Tests of nnlib.hopfield (chapter 09)."""

import itertools
import time

import numpy as np
import pytest

from nnlib.hopfield import Hopfield, flip_bits, hamming, recall_fraction, storage_test, to_bipolar

# Four mutually orthogonal 16-bit patterns (rows of a 16 x 16 Hadamard matrix).
WALSH = np.array([
    [1] * 8 + [-1] * 8,
    [1, 1, 1, 1, -1, -1, -1, -1] * 2,
    [1, -1] * 8,
    [1, 1, -1, -1] * 4,
])


def random_patterns(rng, m, n):
    return rng.choice(np.array([-1, 1]), size=(m, n))


# ------------------------------------------------------------------ storage and energy
def test_hebbian_storage_formula_matches_sum_of_outer_products():
    rng = np.random.default_rng(0)
    X = random_patterns(rng, 5, 12)
    net = Hopfield(12).store(X)
    W = sum(np.outer(x, x) for x in X) / 5
    np.fill_diagonal(W, 0.0)
    np.testing.assert_allclose(net.W, W)
    np.testing.assert_allclose(net.W, X.T @ X / 5 - np.eye(12))
    assert np.allclose(net.W, net.W.T) and np.all(np.diag(net.W) == 0)
    assert np.all(net.b == 0)


def test_bias_options():
    X = WALSH[:3]
    assert np.allclose(Hopfield(16).store(X, bias=True).b, -X.mean(axis=0))
    b = np.linspace(-1, 1, 16)
    assert np.allclose(Hopfield(16).store(X, bias=b).b, b)
    with pytest.raises(ValueError, match=r"shape \(16,\)"):
        Hopfield(16).store(X, bias=np.zeros(3))


def test_store_replaces_earlier_memories_and_single_pattern():
    net = Hopfield(16).store(WALSH)
    net.store(WALSH[0])  # one pattern given as a vector
    assert net.patterns.shape == (1, 16)
    np.testing.assert_allclose(net.W, np.outer(WALSH[0], WALSH[0]) - np.eye(16))


def test_energy_formula_and_batch():
    rng = np.random.default_rng(1)
    net = Hopfield(10).store(random_patterns(rng, 3, 10), bias=True)
    S = random_patterns(rng, 7, 10)
    E = net.energy(S)
    assert E.shape == (7,)
    for s, e in zip(S, E):
        assert np.isclose(e, -0.5 * s @ net.W @ s - net.b @ s)
        assert np.isclose(net.energy(s), e)
    assert isinstance(net.energy(S[0]), float)


def test_orthogonal_patterns_are_eigenvectors_and_fixed_points():
    net = Hopfield(16).store(WALSH)
    np.testing.assert_allclose(WALSH @ net.W, 3 * WALSH)  # (N/M - 1) X
    assert net.is_fixed_point(WALSH).all()
    assert net.is_fixed_point(-WALSH).all()  # inverses are fixed points too
    res = net.recall(WALSH, rng=0)
    assert res.converged.all() and (res.sweeps == 1).all()
    np.testing.assert_array_equal(res.state, WALSH)


def test_all_single_bit_errors_are_corrected():
    net = Hopfield(16).store(WALSH)
    for k, i in itertools.product(range(4), range(16)):
        x = WALSH[k].copy()
        x[i] *= -1
        for mode in ("async", "sync"):
            assert hamming(net.recall(x, mode=mode, rng=k).state, WALSH[k]) == 0


# ------------------------------------------------------------------ dynamics
@pytest.mark.parametrize("seed", range(20))
def test_async_energy_never_increases_on_random_networks(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 60))
    net = Hopfield(n).store(random_patterns(rng, int(rng.integers(1, 15)), n), bias=bool(seed % 2))
    if seed % 3 == 0:  # any symmetric zero-diagonal W with any bias works as well
        A = rng.normal(size=(n, n))
        net.W = A + A.T
        np.fill_diagonal(net.W, 0)
        net.b = rng.normal(size=n)
    res = net.recall(random_patterns(rng, 8, n), rng=seed)
    assert np.all(np.diff(res.energies, axis=0) <= 1e-9)
    assert res.converged.all()
    assert net.is_fixed_point(res.state).all()
    np.testing.assert_allclose(res.energies[-1], net.energy(res.state))


def test_sync_two_cycle_where_async_converges():
    net = Hopfield(2)
    net.W = np.array([[0.0, 1.0], [1.0, 0.0]])
    x0 = np.array([1, -1])
    sync = net.recall(x0, mode="sync", max_sweeps=10)
    assert sync.period == 2 and not sync.converged
    # x0 -> -x0 -> x0: the repeat is detected after two sweeps
    np.testing.assert_array_equal(sync.state, x0)
    assert sync.sweeps == 2 and np.allclose(sync.energies, sync.energies[0])
    asyn = net.recall(x0, mode="async", rng=0)
    assert asyn.converged and asyn.period == 1
    assert abs(asyn.state.sum()) == 2  # both neurons agree: (1, 1) or (-1, -1)


def test_sync_two_cycle_in_orthogonal_network():
    net = Hopfield(16).store(WALSH)
    x0 = -np.ones(16)  # orthogonal to every stored pattern: h = -x, so all neurons flip
    sync = net.recall(x0, mode="sync")
    assert sync.period == 2
    asyn = net.recall(x0, mode="async", rng=0)
    assert asyn.converged and net.is_fixed_point(asyn.state)


def test_batch_equals_one_by_one_async():
    rng = np.random.default_rng(3)
    P = random_patterns(rng, 6, 80)
    net = Hopfield(80).store(P)
    X = flip_bits(P, fraction=0.3, rng=4)
    batch = net.recall(X, rng=7)
    for k in range(len(X)):
        single = net.recall(X[k], rng=7)
        np.testing.assert_array_equal(single.state, batch.state[k])
        assert single.sweeps == batch.sweeps[k]


def test_zero_field_keeps_state():
    net = Hopfield(3)  # W = 0, b = 0: every field is zero, nothing moves
    x = np.array([1, -1, 1])
    for mode in ("async", "sync"):
        res = net.recall(x, mode=mode, rng=0)
        np.testing.assert_array_equal(res.state, x)
        assert res.converged and res.sweeps == 1


def test_max_sweeps_reports_not_converged():
    net = Hopfield(2)
    net.W = np.array([[0.0, 1.0], [1.0, 0.0]])
    res = net.recall(np.array([[1, -1]]), mode="sync", max_sweeps=1)
    assert res.period[0] == 0 and not res.converged[0] and res.energies.shape == (2, 1)


def test_recall_speed_1000_neurons():
    rng = np.random.default_rng(0)
    P = random_patterns(rng, 50, 1000)
    net = Hopfield(1000).store(P)
    x = flip_bits(P[0], fraction=0.2, rng=1)
    start = time.perf_counter()
    res = net.recall(x, rng=2)
    elapsed = time.perf_counter() - start
    assert hamming(res.state, P[0]) == 0
    assert elapsed < 1.0, f"recall of 1000 neurons took {elapsed:.3f} s"


# ------------------------------------------------------------------ helpers
def test_hamming():
    a = np.array([1, -1, 1, 1])
    assert hamming(a, a) == 0 and hamming(a, -a) == 4
    np.testing.assert_array_equal(hamming(np.stack([a, -a]), a), [0, 4])
    with pytest.raises(ValueError, match=r"\(4,\) and \(3,\)"):
        hamming(a, a[:3])


def test_flip_bits_exact_count_and_fraction():
    rng = np.random.default_rng(0)
    X = random_patterns(rng, 50, 40)
    Y = flip_bits(X, count=7, rng=1)
    assert (hamming(X, Y) == 7).all() and Y.dtype == X.dtype
    assert (hamming(X, flip_bits(X, fraction=0.25, rng=2)) == 10).all()
    assert hamming(X[0], flip_bits(X[0], fraction=1.0, rng=3)) == 40
    np.testing.assert_array_equal(flip_bits(X, count=5, rng=9), flip_bits(X, count=5, rng=9))
    with pytest.raises(ValueError, match="exactly one"):
        flip_bits(X, rng=0)
    with pytest.raises(ValueError, match="exactly one"):
        flip_bits(X, count=1, fraction=0.1)
    with pytest.raises(ValueError, match=r"fraction must be in \[0, 1\]"):
        flip_bits(X, fraction=1.5)
    with pytest.raises(ValueError, match=r"count must be an integer in \[0, 40\]"):
        flip_bits(X, count=41)


def test_to_bipolar():
    np.testing.assert_array_equal(to_bipolar([0, 1, 1, 0]), [-1, 1, 1, -1])
    np.testing.assert_array_equal(to_bipolar(np.array([True, False])), [1, -1])
    with pytest.raises(ValueError, match="0s and 1s"):
        to_bipolar([-1, 1])


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize("bad", [[0, 1, 1, 0], [0.5, 1, -1, 1], [2, 1, -1, 1], [True, False, True, True]])
def test_non_bipolar_patterns_raise(bad):
    with pytest.raises(ValueError, match=r"-1 and \+1"):
        Hopfield(4).store(np.array(bad))
    with pytest.raises(ValueError, match=r"-1 and \+1"):
        Hopfield(4).recall(np.array(bad))


def test_wrong_lengths_raise_with_both_shapes():
    net = Hopfield(16).store(WALSH)
    with pytest.raises(ValueError, match=r"n=16.*\(4, 15\)"):
        Hopfield(16).store(WALSH[:, :15])
    with pytest.raises(ValueError, match=r"\(16,\).*\(15,\)"):
        net.recall(WALSH[0, :15])
    with pytest.raises(ValueError, match=r"\(2, 4, 16\)"):
        net.energy(np.stack([WALSH, WALSH]))


def test_bad_arguments_raise():
    net = Hopfield(16).store(WALSH)
    with pytest.raises(ValueError, match="'async', 'sync'"):
        net.recall(WALSH[0], mode="parallel")
    with pytest.raises(ValueError, match="max_sweeps"):
        net.recall(WALSH[0], max_sweeps=0)
    with pytest.raises(ValueError, match="n must be an integer >= 1"):
        Hopfield(0)


# ------------------------------------------------------------------ capacity
def test_storage_test_and_recall_fraction():
    low = storage_test(200, 10, trials=3, rng=0)  # load 0.05: essentially perfect
    assert low.errors.shape == (30,) and low.unstable.shape == (30,)
    assert np.mean(low.errors == 0) > 0.95
    assert recall_fraction(200, 10, trials=3, rng=0) > 0.95
    high = recall_fraction(200, 60, trials=1, rng=0)  # load 0.3: far above capacity
    assert high < 0.2
    assert recall_fraction(200, 10, trials=3, rng=5) == recall_fraction(200, 10, trials=3, rng=5)


def test_assigned_weights_are_checked():
    net = Hopfield(3)
    with pytest.raises(ValueError, match="symmetric"):
        net.W = np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    with pytest.raises(ValueError, match=r"\(3, 3\).*\(2, 2\)"):
        net.W = np.zeros((2, 2))
    with pytest.raises(ValueError, match=r"b must be a finite array of shape \(3,\)"):
        net.b = [0.0, np.nan, 1.0]
