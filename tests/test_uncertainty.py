"""Tests of nnlib.uncertainty (MC dropout, ensembles and calibration metrics, chapter 12)."""

import math

import matplotlib
import numpy as np
import pytest
import torch

matplotlib.use("Agg")

from nnlib.models import DropoutMLP  # noqa: E402
from nnlib.uncertainty import (  # noqa: E402
    deep_ensemble, ensemble_predict, ensemble_samples, expected_calibration_error, expected_entropy,
    fit_noise_variance, gaussian_nll, interval_coverage, mc_dropout_mode, mc_dropout_predict,
    mc_dropout_probs, mc_samples, model_precision, mutual_information, plot_reliability_diagram,
    predictive_entropy, predictive_from_samples, reliability_diagram, rmse,
)


@pytest.fixture
def net():
    torch.manual_seed(0)
    return DropoutMLP(1, 1, (16, 16), dropout=0.3)


X = np.linspace(-2, 2, 9)[:, None]


# ---------------------------------------------------------------- MC dropout
def test_eval_passes_identical_train_passes_differ(net):
    net.eval()
    with torch.no_grad():
        a, b = net(torch.tensor(X)), net(torch.tensor(X))
    assert torch.equal(a, b)
    s = mc_samples(net, X, T=20, rng=0)
    assert s.shape == (20, 9)
    assert np.all(s.std(0) > 0)
    assert not net.training  # the eval flag was restored


def test_mc_samples_reproducible_and_leaves_global_rng(net):
    state = torch.get_rng_state()
    a = mc_samples(net, X, T=5, rng=7)
    assert torch.equal(state, torch.get_rng_state())
    np.testing.assert_array_equal(a, mc_samples(net, torch.tensor(X), T=5, rng=7))
    assert not np.array_equal(a, mc_samples(net, X, T=5, rng=8))


def test_mode_restores_flags_and_keeps_other_layers_in_eval():
    model = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.BatchNorm1d(4), torch.nn.Dropout(0.5))
    model.train()
    with mc_dropout_mode(model):
        assert not model[1].training and model[2].training
    assert all(m.training for m in model.modules())


def test_mc_needs_dropout_and_valid_T(net):
    with pytest.raises(ValueError, match="at least one dropout layer"):
        mc_samples(DropoutMLP(1, 1, (4,), dropout=0.0), X, T=3)
    for T in (0, -1, 2.5):
        with pytest.raises(ValueError, match=r"T \(number of MC samples\) must be an integer >= 1"):
            mc_samples(net, X, T=T)
    with pytest.raises(ValueError, match="shared_mask=True needs"):
        mc_samples(torch.nn.Sequential(torch.nn.Linear(1, 1), torch.nn.Dropout(0.1)), X, shared_mask=True)


def test_shared_mask_draws_functions(net):
    same_x = np.zeros((6, 1))
    s = mc_samples(net, same_x, T=10, rng=0, shared_mask=True)
    assert np.allclose(s, s[:, :1])  # one pass = one function: equal inputs, equal outputs
    s = mc_samples(net, same_x, T=10, rng=0)
    assert not np.allclose(s, s[:, :1])
    assert all(not m.shared_mask for m in net.modules() if hasattr(m, "shared_mask"))


def test_predictive_moments_and_tau(net):
    s = np.random.default_rng(0).normal(size=(50, 4))
    p = predictive_from_samples(s, noise_var=0.25)
    np.testing.assert_allclose(p.mean, s.mean(0))
    np.testing.assert_allclose(p.var, s.var(0, ddof=0) + 0.25)
    np.testing.assert_allclose(p.std, np.sqrt(p.var))
    a = mc_dropout_predict(net, X, T=30, rng=1)
    b = mc_dropout_predict(net, X, T=30, rng=1, tau=4.0)
    np.testing.assert_allclose(b.var - a.var, 0.25)
    np.testing.assert_allclose(a.mean, a.samples.mean(0))
    c = mc_dropout_predict(net, X, T=30, rng=1, noise_var=0.25)
    np.testing.assert_allclose(c.var, b.var)
    with pytest.raises(ValueError, match="tau must be > 0"):
        mc_dropout_predict(net, X, tau=0.0)
    with pytest.raises(ValueError, match="noise_var must be >= 0"):
        mc_dropout_predict(net, X, noise_var=-1.0)
    with pytest.raises(ValueError, match="not both"):
        mc_dropout_predict(net, X, tau=1.0, noise_var=1.0)
    with pytest.raises(ValueError, match="noise_var must be >= 0"):
        predictive_from_samples(s, noise_var=-1)


def test_model_precision_hand_value_and_errors():
    # l = 1, keep 0.95, N = 20, lambda = 1e-5: tau = 0.95 / (2 * 20 * 1e-5) = 2375
    assert model_precision(1.0, 0.95, 20, 1e-5) == pytest.approx(2375.0)
    assert model_precision(2.0, 0.5, 10, 0.1) == pytest.approx(4 * 0.5 / 2.0)
    for keep in (0.0, 1.2, -0.5):
        with pytest.raises(ValueError, match=r"keep_prob must be in \(0, 1\]"):
            model_precision(1.0, keep, 20, 1e-5)
    with pytest.raises(ValueError, match="length_scale must be > 0"):
        model_precision(0.0, 0.9, 20, 1e-5)
    with pytest.raises(ValueError, match="n_data must be an integer >= 1"):
        model_precision(1.0, 0.9, 0, 1e-5)


def test_mc_dropout_probs_are_distributions():
    torch.manual_seed(0)
    clf = DropoutMLP(4, 3, (8,), dropout=0.5)
    ps = mc_dropout_probs(clf, np.random.default_rng(0).normal(size=(5, 4)), T=7, rng=0)
    assert ps.shape == (7, 5, 3)
    np.testing.assert_allclose(ps.sum(-1), 1.0, atol=1e-6)


def test_fit_noise_variance():
    rng = np.random.default_rng(0)
    y, mean = rng.normal(size=200), np.zeros(200)
    e2 = np.mean(y**2)
    assert fit_noise_variance(y, mean) == pytest.approx(e2)
    # constant model variance c: the optimum of sum log(c+s) + e^2/(c+s) is s = mean e^2 - c
    assert fit_noise_variance(y, mean, np.full(200, 0.3)) == pytest.approx(e2 - 0.3, rel=1e-4)
    assert fit_noise_variance(y, mean, np.full(200, 5.0)) == 0.0  # the model alone is already too wide
    v = rng.uniform(0, 1, 200)
    s = fit_noise_variance(y, mean, v)
    grid = np.linspace(0.0, 2.0, 2001)
    nll = [np.mean(np.log(v + g) + y**2 / (v + g)) for g in grid]
    assert abs(s - grid[int(np.argmin(nll))]) < 2e-3
    with pytest.raises(ValueError, match="shapes must match"):
        fit_noise_variance(y, mean[:5], v)


# ---------------------------------------------------------------- ensembles
def test_deep_ensemble_seeds_and_spread():
    x = torch.linspace(-1, 1, 8)[:, None]
    calls = []

    def train(model):
        calls.append(1)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        for _ in range(3):
            opt.zero_grad()
            ((model(x) - x) ** 2).mean().backward()
            opt.step()

    make = lambda: DropoutMLP(1, 1, (8,), dropout=0.0)  # noqa: E731
    a = deep_ensemble(make, train, 3, seeds=[1, 2, 3])
    b = deep_ensemble(make, train, 3, seeds=[1, 2, 3])
    assert len(calls) == 6 and all(not m.training for m in a)
    sa, sb = ensemble_samples(a, x), ensemble_samples(b, x)
    np.testing.assert_array_equal(sa, sb)
    assert sa.shape == (3, 8) and not np.allclose(sa[0], sa[1])
    p = ensemble_predict(a, x, noise_var=0.1)
    np.testing.assert_allclose(p.var, sa.var(0) + 0.1)
    with pytest.raises(ValueError, match="one seed per member"):
        deep_ensemble(make, train, 2, seeds=[0])
    with pytest.raises(ValueError, match="models must hold at least one model"):
        ensemble_samples([], x)


# ---------------------------------------------------------------- regression metrics
def test_gaussian_nll_hand_and_torch():
    assert gaussian_nll([0.0], [0.0], [1.0]) == pytest.approx(0.5 * math.log(2 * math.pi))
    assert gaussian_nll([2.0], [0.0], [4.0]) == pytest.approx(0.5 * math.log(8 * math.pi) + 0.5)
    rng = np.random.default_rng(1)
    y, m, v = rng.normal(size=50), rng.normal(size=50), rng.uniform(0.1, 2, 50)
    ref = torch.nn.functional.gaussian_nll_loss(torch.tensor(m), torch.tensor(y), torch.tensor(v), full=True)
    assert gaussian_nll(y, m, v) == pytest.approx(ref.item(), rel=1e-12)
    with pytest.raises(ValueError, match="var must be > 0"):
        gaussian_nll([0.0], [0.0], [0.0])
    with pytest.raises(ValueError, match=r"gaussian_nll: shapes must match, got y \(3,\), mean \(2,\)"):
        gaussian_nll([0, 1, 2], [0, 1], [1, 1, 1])


def test_rmse_and_coverage_hand():
    assert rmse([0, 0], [3, 4]) == pytest.approx(math.sqrt(12.5))
    # z(0.9) = 1.6449: 0 and -1 and 1.6 inside, 1.7 outside
    assert interval_coverage([0.0, 1.6, 1.7, -1.0], np.zeros(4), np.ones(4), level=0.9) == 0.75
    assert interval_coverage([1.9], [0.0], [1.0], level=0.95) == 1.0  # z(0.95) = 1.96
    y = np.random.default_rng(0).normal(size=100_000)
    assert abs(interval_coverage(y, np.zeros_like(y), np.ones_like(y)) - 0.9) < 0.005
    for level in (0.0, 1.0, 1.5):
        with pytest.raises(ValueError, match=r"level must be in \(0, 1\)"):
            interval_coverage([0.0], [0.0], [1.0], level=level)
    with pytest.raises(ValueError, match="shapes must match"):
        rmse([1, 2], [1])


# ---------------------------------------------------------------- classification metrics
def test_entropy_edge_cases():
    np.testing.assert_allclose(predictive_entropy(np.full((2, 4), 0.25)), math.log(4))
    np.testing.assert_array_equal(predictive_entropy(np.eye(3)), 0.0)  # 0 log 0 = 0, no NaN
    with pytest.raises(ValueError, match="must be probabilities"):
        predictive_entropy([[0.5, 0.6]])
    with pytest.raises(ValueError, match=r"shape \(n, classes\)"):
        predictive_entropy([0.5, 0.5])


def test_mutual_information_edge_cases():
    agree = np.tile(np.array([[[0.7, 0.2, 0.1]]]), (5, 2, 1))
    np.testing.assert_allclose(mutual_information(agree), 0.0, atol=1e-12)
    disagree = np.array([[[1.0, 0.0]], [[0.0, 1.0]]])  # two confident, opposite samples
    np.testing.assert_allclose(mutual_information(disagree), math.log(2))
    np.testing.assert_allclose(expected_entropy(disagree), 0.0)
    ps = np.random.default_rng(0).dirichlet(np.ones(4), size=(10, 6))
    h = predictive_entropy(ps.mean(0))
    mi, eh = mutual_information(ps), expected_entropy(ps)
    np.testing.assert_allclose(mi + eh, h, atol=1e-12)
    assert np.all(mi >= 0) and np.all(mi <= h)
    with pytest.raises(ValueError, match=r"shape \(samples, n, classes\)"):
        mutual_information(np.full((3, 2), 0.5))


def _synthetic(n, shift, seed=0):
    """Binary predictor with confidence c ~ U(0.5, 1) that is right with probability c - shift."""
    rng = np.random.default_rng(seed)
    c = rng.uniform(0.5, 1.0, n)
    probs = np.stack([c, 1 - c], 1)
    labels = np.where(rng.uniform(size=n) < c - shift, 0, 1)
    return probs, labels


def test_ece_calibrated_and_overconfident():
    probs, labels = _synthetic(200_000, 0.0)
    assert expected_calibration_error(probs, labels) < 0.005
    probs, labels = _synthetic(200_000, 0.2)
    assert abs(expected_calibration_error(probs, labels) - 0.2) < 0.01


def test_ece_hand_computation_and_diagram():
    probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.4, 0.6]])
    labels = np.array([0, 1, 1, 1])
    # 2 bins: (0, .5] empty; (.5, 1]: mean conf 0.75, accuracy 3/4 -> ECE 0
    assert expected_calibration_error(probs, labels, n_bins=2) == pytest.approx(0.0)
    # 10 bins: conf .6 (right), .7 (right), .8 (wrong), .9 (right): |1-.6|+|1-.7|+|0-.8|+|1-.9| over 4
    assert expected_calibration_error(probs, labels, n_bins=10) == pytest.approx((0.4 + 0.3 + 0.8 + 0.1) / 4)
    r = reliability_diagram(probs, labels, n_bins=10)
    assert r.counts.sum() == 4 and np.isnan(r.accuracy[0])
    np.testing.assert_allclose(r.bin_edges, np.linspace(0, 1, 11))
    with pytest.raises(ValueError, match=r"labels shape \(3,\) does not match probs shape \(4, 2\)"):
        reliability_diagram(probs, labels[:3])
    with pytest.raises(ValueError, match=r"labels must be integers in \[0, 2\)"):
        reliability_diagram(probs, np.array([0, 1, 2, 0]))
    with pytest.raises(ValueError, match="n_bins must be an integer >= 1"):
        expected_calibration_error(probs, labels, n_bins=0)
    ax = plot_reliability_diagram(probs, labels, n_bins=10, label="toy")
    assert "ECE" in ax.get_legend().get_texts()[1].get_text()
    plot_reliability_diagram(probs, labels, ax=ax, label="again", diagonal=False)
    assert [t.get_text() for t in ax.get_legend().get_texts()].count("perfect calibration") == 1
    import matplotlib.pyplot as plt
    plt.close("all")


# ---------------------------------------------------------------- nnlib.calibration (numpy only)
from nnlib.calibration import (  # noqa: E402
    accuracy_coverage_curve, auroc, fit_temperature, softmax_with_temperature, temperature_nll,
)


def test_auroc_matches_sklearn_with_ties():
    from sklearn.metrics import roc_auc_score

    r = np.random.default_rng(0)
    a, b = np.round(r.normal(size=300), 1), np.round(r.normal(0.7, 1, size=60), 1)  # many ties
    expected = roc_auc_score(np.r_[np.zeros(300), np.ones(60)], np.r_[a, b])
    assert abs(auroc(a, b) - expected) < 1e-12
    assert auroc([0, 1], [2, 3]) == 1.0 and auroc([2, 3], [0, 1]) == 0.0 and auroc([1, 1], [1]) == 0.5


def test_auroc_is_the_pairwise_probability():
    r = np.random.default_rng(1)
    a, b = r.integers(0, 5, 40).astype(float), r.integers(1, 6, 30).astype(float)
    pairs = (b[None, :] > a[:, None]) + 0.5 * (b[None, :] == a[:, None])
    assert abs(auroc(a, b) - pairs.mean()) < 1e-12


def test_auroc_bad_input():
    with pytest.raises(ValueError, match="scores_out must be a non-empty 1-D array"):
        auroc([0.1, 0.2], [])
    with pytest.raises(ValueError, match="scores_in must be finite"):
        auroc([np.nan, 0.2], [0.3])
    with pytest.raises(TypeError, match="scores_in"):
        auroc(None, [0.3])


def test_accuracy_coverage_curve_values():
    scores = np.array([0.3, 0.1, 0.2, 0.9])
    correct = np.array([1, 1, 0, 0])
    c = accuracy_coverage_curve(scores, correct)
    np.testing.assert_allclose(c.coverage, [0.25, 0.5, 0.75, 1.0])
    np.testing.assert_allclose(c.accuracy, [1.0, 0.5, 2 / 3, 0.5])
    assert abs(c.area - np.mean([1.0, 0.5, 2 / 3, 0.5])) < 1e-15
    assert c.accuracy_at(1.0) == 0.5 and c.accuracy_at(0.5) == 0.5 and c.accuracy_at(0.2) == 1.0


def test_accuracy_coverage_curve_ties_do_not_depend_on_order():
    s = np.r_[np.zeros(5), np.ones(5)]
    c = np.array([1, 0, 1, 1, 0, 1, 1, 0, 0, 0], dtype=bool)
    perm = np.random.default_rng(2).permutation(10)
    a, b = accuracy_coverage_curve(s, c), accuracy_coverage_curve(s[perm], c[perm])
    np.testing.assert_allclose(a.accuracy, b.accuracy, atol=1e-15)
    np.testing.assert_allclose(a.accuracy[:5], 0.6)  # the tied group counts with its mean
    # a perfect score (wrong points most uncertain) has area above the accuracy of everything
    good = accuracy_coverage_curve(np.r_[0.0, 0.1, 0.9, 1.0], [1, 1, 0, 0])
    assert good.area > good.accuracy[-1]


def test_accuracy_coverage_curve_bad_input():
    with pytest.raises(ValueError, match="correct must hold booleans or 0/1"):
        accuracy_coverage_curve([0.1, 0.2], [0.5, 1])
    with pytest.raises(ValueError, match="same shape"):
        accuracy_coverage_curve([0.1, 0.2], [1, 0, 1])
    with pytest.raises(ValueError, match="coverage must be in"):
        accuracy_coverage_curve([0.1, 0.2], [1, 0]).accuracy_at(1.5)
    with pytest.raises(ValueError, match="coverage must be > 0"):
        accuracy_coverage_curve([0.1, 0.2], [1, 0]).accuracy_at(0)


def _toy_logits(seed=0, n=400, classes=5, scale=3.0):
    r = np.random.default_rng(seed)
    z = r.normal(size=(n, classes)) * scale
    y = r.integers(0, classes, n)
    z[np.arange(n), y] += 2.0
    return z, y


def test_softmax_with_temperature_matches_torch_and_keeps_argmax():
    z, _ = _toy_logits()
    for T in (0.5, 1.0, 3.0):
        p = softmax_with_temperature(z, T)
        ref = torch.softmax(torch.tensor(z) / T, dim=-1).numpy()
        assert np.abs(p - ref).max() < 1e-12
        assert np.array_equal(p.argmax(1), z.argmax(1))


def test_temperature_nll_matches_torch_cross_entropy():
    z, y = _toy_logits(1)
    ref = torch.nn.functional.cross_entropy(torch.tensor(z) / 2.5, torch.tensor(y)).item()
    assert abs(temperature_nll(z, y, 2.5) - ref) < 1e-12


def test_fit_temperature_minimises_the_nll():
    from scipy.optimize import minimize_scalar

    z, y = _toy_logits(2)
    T = fit_temperature(z, y)
    ref = minimize_scalar(lambda t: temperature_nll(z, y, t), bounds=(0.05, 20), method="bounded",
                          options={"xatol": 1e-10}).x
    assert abs(T - ref) < 1e-6 * ref
    assert T > 1  # noisy logits of scale 3: over-confident, so the fitted T flattens them
    # recovering a known temperature: labels drawn from softmax(z / T0)
    r = np.random.default_rng(3)
    z0 = r.normal(size=(20000, 4)) * 2
    p0 = softmax_with_temperature(z0, 2.0)
    y0 = (r.random((20000, 1)) > np.cumsum(p0, 1)).sum(1)
    assert abs(fit_temperature(z0, y0) - 2.0) < 0.1


def test_fit_temperature_bad_input():
    z, y = _toy_logits()
    with pytest.raises(ValueError, match="labels must be integers in"):
        fit_temperature(z, np.full(len(y), 7))
    with pytest.raises(ValueError, match="labels must be integers of shape"):
        fit_temperature(z, y[:-1])
    with pytest.raises(ValueError, match="logits must have shape"):
        fit_temperature(z[:, :1], np.zeros(len(z), dtype=int))
    with pytest.raises(ValueError, match="max_iter must be an integer"):
        fit_temperature(z, y, max_iter=0)
    with pytest.raises(ValueError, match="temperature must be > 0"):
        temperature_nll(z, y, 0.0)
    with pytest.raises(ValueError, match=r"labels entry.*no finite T"):  # separated: NLL falls as T -> 0
        fit_temperature(np.eye(3) * 5, np.arange(3))
    with pytest.raises(ValueError, match=r"logits\[n, labels\[n\]\].*T = infinity"):  # true class below average
        fit_temperature(-np.eye(3) * 5, np.arange(3))


def test_fit_temperature_all_labels_zero_has_no_finite_optimum():
    """The bad-input sweep's logits with every label 0: g(0) = mean(E_uniform[z] - z_0) > 0, and g is
    increasing (the NLL is convex in 1/T), so the NLL is smallest at T = infinity."""
    z = np.array([[2.0, 0.1, -1.0], [0.3, 0.2, 0.1], [-1.0, 2.0, 0.5], [0.0, 0.0, 3.0]])
    y = np.zeros(4, dtype=int)
    assert np.mean(z.mean(axis=1) - z[:, 0]) > 0
    nll = [temperature_nll(z, y, T) for T in (0.5, 1.0, 2.0, 10.0, 100.0)]
    assert all(a > b for a, b in zip(nll, nll[1:]))  # keeps falling as T grows
    with pytest.raises(ValueError, match="T = infinity"):
        fit_temperature(z, y)
