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


# ------------------------------------------------------------------ storage rules
from nnlib import _checks  # noqa: E402
from nnlib.data import letters  # noqa: E402
from nnlib.boltzmann import boltzmann_distribution, boltzmann_gradient, enumerate_states, glauber  # noqa: E402
from nnlib.hopfield import covariance_threshold, energy, hopfield_weights  # noqa: E402


def storkey_literal(X):
    """Storkey's rule written with explicit sums over k, for comparison."""
    M, n = X.shape
    W = np.zeros((n, n))
    for xi in X:
        h = np.array([[sum(W[i, k] * xi[k] for k in range(n) if k not in (i, j)) for j in range(n)]
                      for i in range(n)])
        new = W.copy()
        for i, j in itertools.product(range(n), range(n)):
            if i != j:
                new[i, j] += (xi[i] * xi[j] - xi[i] * h[j, i] - h[i, j] * xi[j]) / n
        W = new
    return W


def test_hebb_rule_is_the_default_and_store_keeps_old_calls():
    X = random_patterns(np.random.default_rng(5), 4, 20)
    np.testing.assert_allclose(hopfield_weights(X), X.T @ X / 4 - np.eye(20))
    np.testing.assert_allclose(Hopfield(20).store(X).W, Hopfield(20).store(X, rule="hebb").W)
    np.testing.assert_allclose(Hopfield(20).store(X, bias=True, rule="hebb").b, -X.mean(axis=0))


@pytest.mark.parametrize("rule", ["hebb", "storkey", "covariance"])
def test_every_rule_gives_symmetric_weights_with_zero_diagonal(rule):
    rng = np.random.default_rng(6)
    X = np.where(rng.random((7, 30)) < 0.3, 1, -1)
    W = hopfield_weights(X, rule)
    assert W.shape == (30, 30) and np.allclose(W, W.T) and np.all(np.diag(W) == 0)
    net = Hopfield(30).store(X, rule=rule)
    np.testing.assert_allclose(net.W, W)


def test_storkey_matches_its_definition_term_by_term():
    X = random_patterns(np.random.default_rng(7), 3, 9)
    np.testing.assert_allclose(hopfield_weights(X, "storkey"), storkey_literal(X), atol=1e-12)
    xi = X[0]  # one pattern: W = (xi xi^T - I) / n
    np.testing.assert_allclose(hopfield_weights(xi, "storkey"), (np.outer(xi, xi) - np.eye(9)) / 9)


def test_storkey_stores_letters_that_hebb_cannot():
    abce = letters("ABCE", flat=True)
    hebb, storkey = Hopfield(100).store(abce), Hopfield(100).store(abce, rule="storkey")
    assert not hebb.is_fixed_point(abce).any()
    assert storkey.is_fixed_point(abce).all()


def test_covariance_rule_equals_hebb_for_zero_mean_patterns():
    assert WALSH.mean() == 0
    np.testing.assert_allclose(hopfield_weights(WALSH, "covariance"), hopfield_weights(WALSH, "hebb"))
    net = Hopfield(16).store(WALSH, rule="covariance")
    assert np.all(net.b == 0) and np.allclose(covariance_threshold(WALSH), 0)


def test_covariance_rule_formula_and_threshold_centre_the_margins():
    rng = np.random.default_rng(8)
    X = np.where(rng.random((5, 200)) < 0.2, 1, -1)
    a = X.mean()
    D = X - a
    W = D.T @ D / 5
    np.fill_diagonal(W, 0)
    np.testing.assert_allclose(hopfield_weights(X, "covariance"), W)
    c = 199 * (1 - a * a) / 5
    np.testing.assert_allclose(covariance_threshold(X), a * c)
    net = Hopfield(200).store(X, rule="covariance")
    np.testing.assert_allclose(net.b, a * c)
    margin = X * net.field(X) / c  # about 1 for the bits +1 and for the bits -1 alike
    assert abs(margin[X == 1].mean() - 1) < 0.15 and abs(margin[X == -1].mean() - 1) < 0.15
    assert net.is_fixed_point(X).all() and not Hopfield(200).store(X).is_fixed_point(X).any()


def test_bad_rule_raises_clear_error():
    with pytest.raises(ValueError, match="rule must be one of 'hebb', 'storkey', 'covariance'; got 'oja'"):
        Hopfield(16).store(WALSH, rule="oja")
    with pytest.raises(ValueError, match="rule must be one of"):
        hopfield_weights(WALSH, rule=None)
    with pytest.raises(ValueError, match=r"-1 and \+1"):
        hopfield_weights([[0, 1, 1]], "storkey")


# ------------------------------------------------------------------ Boltzmann machine
def random_network(seed, n, scale=1.0):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(n, n)) * scale
    W = (A + A.T) / 2
    np.fill_diagonal(W, 0)
    return W, rng.normal(size=n) * scale


def test_energy_function_matches_method_and_checks_input():
    W, b = random_network(0, 6)
    net = Hopfield(6)
    net.W, net.b = W, b
    S = enumerate_states(6)
    np.testing.assert_allclose(energy(W, b, S), net.energy(S))
    assert energy(W, None, S[3]) == pytest.approx(-0.5 * S[3] @ W @ S[3])
    with pytest.raises(ValueError, match="symmetric"):
        energy(np.triu(np.ones((3, 3)), 1), None, [1, 1, 1])
    with pytest.raises(ValueError, match=r"x must have shape \(6,\)"):
        energy(W, b, np.ones(5))


def test_enumerate_states_order_and_budget():
    S = enumerate_states(3)
    np.testing.assert_array_equal(S, np.array(list(itertools.product([-1, 1], repeat=3))))
    index = (S > 0) @ (2 ** np.arange(2, -1, -1))
    np.testing.assert_array_equal(index, np.arange(8))
    with pytest.raises(ValueError, match=r"enumerate_states\(n=30\).*MAX_ELEMENTS.*glauber"):
        enumerate_states(30)


def test_boltzmann_distribution_is_exp_minus_energy_over_T():
    W, b = random_network(1, 5)
    for T in (0.5, 1.0, 3.0):
        S, p = boltzmann_distribution(W, b, temperature=T)
        assert abs(p.sum() - 1) < 1e-12 and np.all(p > 0)
        E = energy(W, b, S)
        np.testing.assert_allclose(np.log(p) - np.log(p[0]), -(E - E[0]) / T, atol=1e-10)
    _, uniform = boltzmann_distribution(np.zeros((4, 4)))
    np.testing.assert_allclose(uniform, 1 / 16)
    _, hot = boltzmann_distribution(W, b, temperature=1e6)
    assert np.abs(hot - 1 / 32).max() < 1e-5
    _, big = boltzmann_distribution(W * 1e3, b * 1e3)  # no overflow: the ground state takes it all
    assert np.isfinite(big).all() and big.max() > 0.999
    with pytest.raises(ValueError, match="zero diagonal"):
        boltzmann_distribution(np.eye(3))
    with pytest.raises(ValueError, match="temperature must be > 0"):
        boltzmann_distribution(W, b, temperature=0)


def test_glauber_samples_the_boltzmann_distribution():
    W, b = random_network(2, 4, scale=0.7)
    S, p = boltzmann_distribution(W, b, temperature=1.5)
    x0 = np.where(np.random.default_rng(3).random((100, 4)) < 0.5, 1.0, -1.0)
    samples = glauber(W, b, x0, 400, temperature=1.5, rng=4)[50:]
    assert samples.shape == (350, 100, 4)
    index = ((samples > 0) @ (2 ** np.arange(3, -1, -1))).ravel()
    freq = np.bincount(index, minlength=16) / index.size
    assert 0.5 * np.abs(freq - p).sum() < 0.02
    np.testing.assert_array_equal(glauber(W, b, x0, 5, rng=9), glauber(W, b, x0, 5, rng=9))
    assert glauber(W, b, x0[0], 3, rng=0).shape == (3, 4)


def test_glauber_at_low_temperature_descends_like_recall():
    X = random_patterns(np.random.default_rng(4), 3, 40)
    net = Hopfield(40).store(X)
    cue = flip_bits(X, fraction=0.1, rng=5)
    out = glauber(net.W, net.b, cue, 10, temperature=1e-6, rng=6)
    np.testing.assert_array_equal(out[-1], X)
    assert np.all(np.diff(energy(net.W, net.b, out.reshape(-1, 40)).reshape(10, 3), axis=0) <= 1e-9)


def test_glauber_bad_input():
    W, b = random_network(5, 3)
    with pytest.raises(ValueError, match="temperature must be > 0"):
        glauber(W, b, np.ones(3), 2, temperature=-1)
    with pytest.raises(ValueError, match="sweeps must be an integer >= 1"):
        glauber(W, b, np.ones(3), 0)
    with pytest.raises(ValueError, match=r"\(3,\) or \(B, 3\)"):
        glauber(W, b, np.ones(4), 2)
    with pytest.raises(ValueError, match="MAX_STEPS"):
        glauber(W, b, np.ones(3), _checks.MAX_STEPS)


def test_boltzmann_gradient_is_positive_minus_negative_phase():
    W, b = random_network(6, 5, scale=0.5)
    data = random_patterns(np.random.default_rng(7), 12, 5)
    dW, db, L = boltzmann_gradient(W, b, data)
    S, p = boltzmann_distribution(W, b)
    assert L == pytest.approx(np.mean([np.log(p[(d > 0) @ (2 ** np.arange(4, -1, -1))]) for d in data]))
    assert np.allclose(dW, dW.T) and np.all(np.diag(dW) == 0)
    eps = 1e-6
    for i, j in [(0, 1), (2, 4)]:  # the pair weight w_ij appears as W_ij and W_ji
        E = np.zeros((5, 5))
        E[i, j] = E[j, i] = eps
        numeric = (boltzmann_gradient(W + E, b, data)[2] - boltzmann_gradient(W - E, b, data)[2]) / (2 * eps)
        assert abs(numeric - dW[i, j]) < 1e-6
    e = np.zeros(5)
    e[3] = eps
    numeric = (boltzmann_gradient(W, b + e, data)[2] - boltzmann_gradient(W, b - e, data)[2]) / (2 * eps)
    assert abs(numeric - db[3]) < 1e-6


def test_boltzmann_learning_matches_the_data_moments():
    data = np.array([[1, 1, 1, -1], [1, 1, -1, -1], [-1, -1, 1, 1], [1, 1, 1, 1], [-1, 1, -1, 1]])
    W, b = np.zeros((4, 4)), np.zeros(4)
    L0 = boltzmann_gradient(W, b, data)[2]
    for _ in range(3000):
        dW, db, L = boltzmann_gradient(W, b, data)
        W, b = W + 0.2 * dW, b + 0.2 * db
    assert L > L0 + 0.3 and np.abs(dW).max() < 1e-3 and np.abs(db).max() < 1e-3
    with pytest.raises(ValueError, match=r"data must have shape \(K, 4\)"):
        boltzmann_gradient(W, b, data[:, :3])
