"""Predictive uncertainty: MC dropout, deep ensembles and calibration metrics (chapter 12).

Prediction: :func:`mc_samples` (``T`` passes with dropout on), :func:`mc_dropout_predict`
(mean and variance with the :math:`\\tau^{-1}` term of :func:`model_precision`),
:func:`deep_ensemble` / :func:`ensemble_predict`, :func:`fit_noise_variance`.
Regression metrics: :func:`gaussian_nll`, :func:`rmse`, :func:`interval_coverage`.
Classification metrics: :func:`predictive_entropy`, :func:`expected_entropy`,
:func:`mutual_information`, :func:`expected_calibration_error`, :func:`reliability_diagram`,
:func:`plot_reliability_diagram`.

Every function accepts numpy arrays or torch tensors and returns numpy arrays or floats.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import torch
from torch import nn

from ._random import _shifted, torch_seed
from . import seed as _seed
from ._checks import check_callable, check_flag, as_float_array, check_budget, check_in_range, check_non_negative, check_positive, check_positive_int
from .models._inputs import as_model_input, check_module, check_modules
from .models.dropout import MCDropout

__all__ = [
    "Predictive", "mc_dropout_mode", "mc_samples", "mc_dropout_predict", "mc_dropout_probs",
    "model_precision", "predictive_from_samples", "fit_noise_variance",
    "deep_ensemble", "ensemble_samples", "ensemble_predict",
    "gaussian_nll", "rmse", "interval_coverage",
    "predictive_entropy", "expected_entropy", "mutual_information",
    "ReliabilityDiagram", "reliability_diagram", "expected_calibration_error",
    "plot_reliability_diagram",
]


# --------------------------------------------------------------------------- helpers
def _f64(name: str, a) -> np.ndarray:
    """Convert an array-like or tensor to a float64 numpy array, rejecting NaN/inf."""
    if isinstance(a, torch.Tensor):
        a = a.detach().cpu().numpy()
    arr = as_float_array(name, a)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return arr


def _same_shape(op: str, **arrays) -> None:
    shapes = {k: np.shape(v) for k, v in arrays.items()}
    if len(set(shapes.values())) > 1:
        desc = ", ".join(f"{k} {s}" for k, s in shapes.items())
        raise ValueError(f"{op}: shapes must match, got {desc}")


def _probs(name: str, p, *, ndim: int) -> np.ndarray:
    """Validate class probabilities: last axis sums to 1, entries in [0, 1]."""
    p = _f64(name, p)
    if p.ndim != ndim:
        want = "(n, classes)" if ndim == 2 else "(samples, n, classes)"
        raise ValueError(f"{name} must have shape {want}, got shape {p.shape}")
    if p.min() < 0 or p.max() > 1 or not np.allclose(p.sum(-1), 1.0, atol=1e-3):
        raise ValueError(f"{name} must be probabilities: entries in [0, 1] summing to 1 over the last axis")
    return p


def _finite_outputs(samples: np.ndarray) -> np.ndarray:
    if not np.all(np.isfinite(samples)):
        raise ValueError("the model's outputs contain NaN or inf, so no predictive mean and variance exist; "
                         "check that the input x is finite")
    return samples


def _stack(outs) -> np.ndarray:
    """Stack per-pass outputs to float64 numpy; squeeze a trailing output axis of size 1."""
    if not all(isinstance(o, torch.Tensor) for o in outs):
        bad = next(type(o).__name__ for o in outs if not isinstance(o, torch.Tensor))
        raise TypeError(f"each pass must give a tensor; got {bad} (a transform must return a tensor)")
    s = torch.stack(outs).double().cpu().numpy()
    return s[..., 0] if s.ndim >= 3 and s.shape[-1] == 1 else s


# --------------------------------------------------------------------------- MC dropout
@dataclass(frozen=True)
class Predictive:
    """A Gaussian summary of a predictive distribution: per-point ``mean`` and ``var``.

    ``samples`` holds the stochastic predictions it was computed from (``None`` if not
    kept): shape ``(T, n)`` or ``(T, n, D)``.
    """

    mean: np.ndarray
    var: np.ndarray
    samples: np.ndarray | None = None

    @property
    def std(self) -> np.ndarray:
        return np.sqrt(self.var)


@contextlib.contextmanager
def mc_dropout_mode(model: nn.Module, *, shared_mask: bool = False):
    """Context manager: every dropout layer in training mode, everything else in eval mode.

    Batch-norm and similar layers keep using their running statistics; only the dropout
    masks stay random. The previous train/eval flags (and ``shared_mask`` flags) are
    restored on exit. Raises ``ValueError`` if the model has no dropout layer, because
    "MC dropout" without dropout would return ``T`` identical passes and zero variance.
    """
    check_module("model", model)
    shared_mask = check_flag("shared_mask", shared_mask)
    drops = [m for m in model.modules() if isinstance(m, nn.modules.dropout._DropoutNd)]
    if not drops:
        raise ValueError("MC dropout needs a model with at least one dropout layer "
                         "(torch.nn.Dropout or nnlib.models.MCDropout), found none")
    if shared_mask and not all(isinstance(m, MCDropout) for m in drops):
        raise ValueError("shared_mask=True needs every dropout layer to be nnlib.models.MCDropout")
    flags = [(m, m.training) for m in model.modules()]
    shared = [(m, m.shared_mask) for m in drops if isinstance(m, MCDropout)]
    try:
        model.eval()
        for m in drops:
            m.train()
            if shared_mask:
                m.shared_mask = True
        yield model
    finally:
        for m, was_training in flags:
            m.training = was_training
        for m, flag in shared:
            m.shared_mask = flag


def mc_samples(model: nn.Module, x, T: int = 100, *, rng: int | None = None,
               shared_mask: bool = False, transform: Callable | None = None) -> np.ndarray:
    """``T`` stochastic forward passes with dropout on: samples :math:`\\hat y_t(x)`.

    Each pass draws fresh dropout masks, i.e. a fresh weight sample
    :math:`\\hat\\omega_t \\sim q(\\omega)` (chapter 12). Passes run under ``torch.no_grad``.

    Parameters
    ----------
    model : torch.nn.Module
        A network with dropout layers.
    x : array-like or Tensor
        Inputs, shape ``(n, ...)`` as the model expects.
    T : int
        Number of passes (>= 1).
    rng : int, optional
        If given, the masks come from torch's generator seeded with ``rng`` (shifted by
        ``NNLIB_SEED_SHIFT``, see ``nnlib._random``) inside a forked RNG, so the result is
        reproducible and the global torch RNG is left untouched. None: torch's global stream.
    shared_mask : bool
        One mask per pass for the whole batch (one *function* per pass); needs
        :class:`nnlib.models.MCDropout` layers. Does not change per-point statistics.
    transform : callable, optional
        Applied to each pass's output, e.g. ``lambda z: torch.softmax(z, -1)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(T, *output_shape)``; a trailing output axis of size 1 is squeezed.
    """
    shared_mask = check_flag("shared_mask", shared_mask)
    T = check_positive_int("T (number of MC samples)", T)
    check_module("model", model)
    if transform is not None:
        check_callable("transform", transform, "a function applied to each pass's output")
    xt = as_model_input(model, "x", x)
    check_budget("T (number of MC samples)", T * max(len(xt), 1), "MAX_STEPS", "forward passes x inputs")
    forked = torch.random.fork_rng(devices=[]) if rng is not None else contextlib.nullcontext()
    with forked, torch.no_grad(), mc_dropout_mode(model, shared_mask=shared_mask):
        if rng is not None:
            torch.manual_seed(torch_seed(rng, "rng"))
        outs = []
        for _ in range(T):
            out = model(xt)
            outs.append(transform(out) if transform is not None else out)
    return _stack(outs)


def model_precision(length_scale: float, keep_prob: float, n_data: int, weight_decay: float) -> float:
    """Model precision :math:`\\tau = l^2 p / (2 N \\lambda)` of MC dropout (Gal & Ghahramani 2016).

    Derived in chapter 12 by matching the dropout objective
    :math:`\\frac{1}{2N}\\sum_n \\|y_n - \\hat y_n\\|^2 + \\lambda \\sum_i \\|W_i\\|^2`
    with the variational objective for a prior :math:`\\mathcal N(0, l^{-2} I)` on the
    weights and Gaussian noise of precision :math:`\\tau`. Careful with conventions: with
    ``nn.MSELoss()`` (mean of *un-halved* squares) and ``optimizer(weight_decay=wd)``
    (a penalty :math:`\\tfrac{wd}{2}\\|W\\|^2`) the objective above has :math:`\\lambda = wd/4` on
    the stored weights, and inverted dropout stores :math:`p M`, so on the derivation's
    :math:`M` it is :math:`\\lambda = p^2\\, wd / 4` (chapter 12, exercise on conventions).

    Parameters
    ----------
    length_scale : float
        Prior length-scale :math:`l > 0`.
    keep_prob : float
        Keep probability :math:`p \\in (0, 1]` (``1 - dropout_p`` in PyTorch terms).
    n_data : int
        Number of training points :math:`N`.
    weight_decay : float
        :math:`\\lambda > 0` in the objective above.
    """
    l = check_positive("length_scale", length_scale)
    p = check_in_range("keep_prob", keep_prob, 0, 1, low_inclusive=False, high_inclusive=True)
    n = check_positive_int("n_data", n_data)
    lam = check_positive("weight_decay", weight_decay)
    return l**2 * p / (2 * n * lam)


def predictive_from_samples(samples, *, noise_var: float = 0.0) -> Predictive:
    """Moment-match stochastic predictions: mean and variance over the first axis.

    .. math::
        \\mathbb E[y^*] \\approx \\frac1T \\sum_t \\hat y_t,\\qquad
        \\mathrm{Var}[y^*] \\approx \\sigma^2 + \\frac1T \\sum_t \\hat y_t^2 - \\mathbb E[y^*]^2

    (per output; the variance is the population variance, ``ddof = 0``, as in the
    estimator of chapter 12), where :math:`\\sigma^2` = ``noise_var`` (:math:`\\tau^{-1}`).
    """
    s = _f64("samples", samples)
    if s.ndim < 1 or s.shape[0] < 1:
        raise ValueError(f"samples must have a leading sample axis of length >= 1, got shape {s.shape}")
    return Predictive(s.mean(0), s.var(0) + check_non_negative("noise_var", noise_var), s)


def mc_dropout_predict(model: nn.Module, x, T: int = 100, *, tau: float | None = None,
                       noise_var: float | None = None, rng: int | None = None) -> Predictive:
    """MC-dropout predictive mean and variance (eqs. of chapter 12, Gal & Ghahramani 2016).

    Mean = average of ``T`` dropout passes; variance = their population variance
    plus :math:`\\tau^{-1}` (the aleatoric part), given either as the model precision
    ``tau`` (> 0) or directly as ``noise_var`` = :math:`\\tau^{-1}` (>= 0). Neither: no noise term.
    """
    if tau is not None and noise_var is not None:
        raise ValueError("give the noise as tau or as noise_var = 1/tau, not both")
    if tau is not None:
        noise = 1.0 / check_positive("tau", tau)
    else:
        noise = 0.0 if noise_var is None else check_non_negative("noise_var", noise_var)
    return predictive_from_samples(_finite_outputs(mc_samples(model, x, T, rng=rng)), noise_var=noise)


def mc_dropout_probs(model: nn.Module, x, T: int = 100, *, rng: int | None = None) -> np.ndarray:
    """Softmax probabilities of ``T`` dropout passes of a classifier: shape ``(T, n, classes)``."""
    return mc_samples(model, x, T, rng=rng, transform=lambda z: torch.softmax(z, dim=-1))


def fit_noise_variance(y, mean, model_var=0.0) -> float:
    """Observation-noise variance :math:`\\sigma^2 \\ge 0` that minimises the Gaussian NLL.

    Minimises :math:`\\sum_n \\log(v_n + \\sigma^2) + (y_n - \\mu_n)^2 / (v_n + \\sigma^2)` over
    :math:`\\sigma^2` for fixed model variances :math:`v_n` (closed form
    :math:`\\overline{(y-\\mu)^2}` when all :math:`v_n = 0`; exactly 0 when the derivative at
    0 is non-negative, i.e. the model variances alone already over-cover). Use it on held-out data to
    choose :math:`\\tau^{-1}` for MC dropout or the noise of an ensemble (chapter 12).
    """
    y, mean = _f64("y", y), _f64("mean", mean)
    v = np.broadcast_to(_f64("model_var", model_var), y.shape) if np.ndim(model_var) == 0 else _f64("model_var", model_var)
    _same_shape("fit_noise_variance", y=y, mean=mean, model_var=v)
    if v.min() < 0:
        raise ValueError("model_var must be >= 0")
    e2 = (y - mean) ** 2
    if np.all(v == 0):
        return float(e2.mean())
    if v.min() > 0 and np.mean(1 / v - e2 / v**2) >= 0:
        return 0.0  # the objective increases at 0: the model variance alone is already wide enough
    from scipy.optimize import minimize_scalar

    def nll(log_s):
        tot = v + math.exp(log_s)
        return float(np.mean(np.log(tot) + e2 / tot))

    hi = math.log(max(e2.mean(), v.mean(), 1e-12) * 10)
    res = minimize_scalar(nll, bounds=(hi - 35.0, hi), method="bounded", options={"xatol": 1e-6})
    return float(math.exp(res.x))


# --------------------------------------------------------------------------- deep ensembles
def deep_ensemble(make_model: Callable[[], nn.Module], train: Callable[[nn.Module], object],
                  n_members: int = 5, *, seeds: Sequence[int] | None = None) -> list[nn.Module]:
    """Train ``n_members`` networks that differ only in their random seed (Lakshminarayanan et al. 2017).

    For member ``k``: ``nnlib.seed(seeds[k])`` (initialisation and data shuffling), then
    ``model = make_model()`` and ``train(model)`` (e.g. a call to ``nnlib.train.fit``).
    Returns the trained models in eval mode.
    """
    check_callable("make_model", make_model, "a function make_model() -> torch.nn.Module")
    check_callable("train", train, "a function train(model)")
    n_members = check_positive_int("n_members", n_members)
    if seeds is None:
        seeds = list(range(n_members))
    elif isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__len__"):
        raise TypeError(f"seeds must be a list of integer seeds, got {type(seeds).__name__}")
    else:
        for k, s in enumerate(seeds):
            _shifted(f"seeds[{k}]", s)  # raises for a seed that is not an integer in range
        seeds = [int(s) for s in seeds]
    if len(seeds) != n_members:
        raise ValueError(f"need one seed per member: n_members={n_members}, got {len(seeds)} seeds")
    models = []
    for s in seeds:
        _seed(s)
        model = make_model()
        if not isinstance(model, nn.Module):
            raise TypeError(f"make_model must return a torch.nn.Module, got {type(model).__name__}")
        train(model)
        models.append(model.eval())
    return models


def ensemble_samples(models: Sequence[nn.Module], x, *, transform: Callable | None = None) -> np.ndarray:
    """Predictions of every member (eval mode, no grad): shape ``(K, *output_shape)``."""
    models = check_modules("models", models)
    if transform is not None:
        check_callable("transform", transform, "a function applied to each member's output")
    outs = []
    with torch.no_grad():
        for m in models:
            was = m.training
            m.eval()
            out = m(as_model_input(m, "x", x))
            outs.append(transform(out) if transform is not None else out)
            m.train(was)
    return _stack(outs)


def ensemble_predict(models: Sequence[nn.Module], x, *, noise_var: float = 0.0) -> Predictive:
    """Ensemble mean and variance: the spread of the members plus ``noise_var``."""
    return predictive_from_samples(_finite_outputs(ensemble_samples(models, x)), noise_var=noise_var)


# --------------------------------------------------------------------------- regression metrics
def gaussian_nll(y, mean, var) -> float:
    """Average negative log-likelihood of ``y`` under :math:`\\mathcal N(\\mu, v)`, in nats.

    :math:`\\frac1n \\sum_n \\tfrac12 \\log(2\\pi v_n) + (y_n-\\mu_n)^2/(2 v_n)`. Equals
    ``torch.nn.functional.gaussian_nll_loss(mean, y, var, full=True)``.
    """
    y, mean, var = _f64("y", y), _f64("mean", mean), _f64("var", var)
    _same_shape("gaussian_nll", y=y, mean=mean, var=var)
    if var.min() <= 0:
        raise ValueError(f"var must be > 0 everywhere, got min {var.min():.4g}")
    return float(np.mean(0.5 * np.log(2 * np.pi * var) + (y - mean) ** 2 / (2 * var)))


def rmse(y, mean) -> float:
    """Root mean squared error :math:`\\sqrt{\\frac1n\\sum_n (y_n - \\mu_n)^2}`."""
    y, mean = _f64("y", y), _f64("mean", mean)
    _same_shape("rmse", y=y, mean=mean)
    return float(np.sqrt(np.mean((y - mean) ** 2)))


def interval_coverage(y, mean, var, level: float = 0.9) -> float:
    """Fraction of ``y`` inside the central Gaussian interval :math:`\\mu \\pm z\\sqrt v`.

    :math:`z = \\Phi^{-1}((1 + \\text{level}) / 2)` (1.645 for level 0.9). A calibrated
    predictive distribution covers a fraction close to ``level``.
    """
    level = check_in_range("level", level, 0, 1, low_inclusive=False, high_inclusive=False)
    y, mean, var = _f64("y", y), _f64("mean", mean), _f64("var", var)
    _same_shape("interval_coverage", y=y, mean=mean, var=var)
    if var.min() < 0:
        raise ValueError("var must be >= 0")
    z = math.sqrt(2.0) * float(torch.special.erfinv(torch.tensor(level, dtype=torch.float64)))
    return float(np.mean(np.abs(y - mean) <= z * np.sqrt(var)))


# --------------------------------------------------------------------------- classification
def _entropy(p: np.ndarray) -> np.ndarray:
    t = torch.from_numpy(p)
    return (-torch.special.xlogy(t, t).sum(-1)).numpy()  # 0 log 0 = 0


def predictive_entropy(probs) -> np.ndarray:
    """Entropy :math:`H[\\bar p] = -\\sum_c \\bar p_c \\log \\bar p_c` (nats) of each row of ``(n, C)`` probabilities.

    Pass the MC-averaged probabilities to get the total predictive uncertainty. Ranges
    from 0 (one-hot) to :math:`\\log C` (uniform).
    """
    return _entropy(_probs("probs", probs, ndim=2))


def expected_entropy(prob_samples) -> np.ndarray:
    """:math:`\\frac1T\\sum_t H[p_t]` for samples of shape ``(T, n, C)``: the aleatoric part."""
    return _entropy(_probs("prob_samples", prob_samples, ndim=3)).mean(0)


def mutual_information(prob_samples) -> np.ndarray:
    """Mutual information between label and weights, :math:`H[\\bar p] - \\frac1T\\sum_t H[p_t]`.

    The epistemic part of the predictive entropy (chapter 12): zero when all ``T``
    samples agree, at most :math:`\\log C`. Input shape ``(T, n, C)``; output ``(n,)``,
    clipped at 0 against round-off.
    """
    ps = _probs("prob_samples", prob_samples, ndim=3)
    return np.maximum(_entropy(ps.mean(0)) - _entropy(ps).mean(0), 0.0)


@dataclass(frozen=True)
class ReliabilityDiagram:
    """Per-bin statistics of confidence :math:`\\max_c p_c` (NaN in empty bins)."""

    bin_edges: np.ndarray
    confidence: np.ndarray
    accuracy: np.ndarray
    counts: np.ndarray


def reliability_diagram(probs, labels, n_bins: int = 10) -> ReliabilityDiagram:
    """Bin predictions by confidence into ``n_bins`` equal-width bins of (0, 1].

    For each bin: mean confidence, accuracy (fraction whose arg-max equals the label)
    and count (Guo et al. 2017).
    """
    p = _probs("probs", probs, ndim=2)
    labels = np.asarray(labels.detach().cpu() if isinstance(labels, torch.Tensor) else labels)
    if labels.shape != p.shape[:1]:
        raise ValueError(f"reliability_diagram: labels shape {labels.shape} does not match "
                         f"probs shape {p.shape} (need ({p.shape[0]},))")
    if labels.dtype.kind not in "iuf" or (labels.dtype.kind == "f" and not np.all(labels == np.round(labels))):
        raise ValueError(f"labels must be integers in [0, {p.shape[1]}), got dtype {labels.dtype}"
                         + (" with non-integer values" if labels.dtype.kind == "f" else ""))
    if labels.size and (labels.min() < 0 or labels.max() >= p.shape[1]):
        raise ValueError(f"labels must be integers in [0, {p.shape[1]})")
    n_bins = check_positive_int("n_bins", n_bins)
    conf, correct = p.max(1), (p.argmax(1) == labels).astype(float)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    idx = np.clip(np.ceil(conf * n_bins).astype(int) - 1, 0, n_bins - 1)  # bins (a, b]
    counts = np.bincount(idx, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_conf = np.bincount(idx, conf, n_bins) / counts
        acc = np.bincount(idx, correct, n_bins) / counts
    return ReliabilityDiagram(edges, mean_conf, acc, counts)


def expected_calibration_error(probs, labels, n_bins: int = 10) -> float:
    """ECE :math:`= \\sum_b \\frac{n_b}{n} |\\mathrm{acc}_b - \\mathrm{conf}_b|` over confidence bins (Guo et al. 2017)."""
    r = reliability_diagram(probs, labels, n_bins)
    full = r.counts > 0
    return float(np.sum(r.counts[full] / r.counts.sum() * np.abs(r.accuracy[full] - r.confidence[full])))


def plot_reliability_diagram(probs, labels, n_bins: int = 10, *, ax=None, label: str | None = None,
                             color: str | None = None, diagonal: bool = True):
    """Draw accuracy against confidence per bin, with the diagonal of perfect calibration.

    Returns the matplotlib Axes. The legend entry shows the ECE. Pass ``diagonal=False``
    when adding a second curve to the same axes.
    """
    import matplotlib.pyplot as plt

    r = reliability_diagram(probs, labels, n_bins)
    ece = expected_calibration_error(probs, labels, n_bins)
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    full = r.counts > 0
    if diagonal:
        ax.plot([0, 1], [0, 1], "k:", lw=1, label="perfect calibration")
    name = f"{label}, " if label else ""
    ax.plot(r.confidence[full], r.accuracy[full], "o-", color=color, label=f"{name}ECE = {ece:.3f}")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence (max probability)")
    ax.set_ylabel("accuracy")
    ax.legend(loc="upper left")
    return ax
