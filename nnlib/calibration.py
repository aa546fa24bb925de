"""Using and recalibrating uncertainty scores: selective prediction, OOD detection, temperature scaling (chapter 12).

Numpy only (the from-scratch layer). The scores come from anywhere, e.g. the predictive
entropy or mutual information of MC dropout (:mod:`nnlib.uncertainty`).

- :func:`accuracy_coverage_curve`: reject the most uncertain points first; accuracy of what is kept.
- :func:`auroc`: how well an uncertainty score separates out-of-distribution inputs from
  in-distribution ones (the Mann-Whitney probability, ties counted one half).
- :func:`softmax_with_temperature`, :func:`temperature_nll`, :func:`fit_temperature`: one
  scalar :math:`T` that rescales the logits, fitted by validation negative log-likelihood
  (Guo et al. 2017).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import as_float_array, check_budget, check_positive, check_positive_int
from .functional import log_softmax

__all__ = ["CoverageCurve", "accuracy_coverage_curve", "auroc",
           "softmax_with_temperature", "temperature_nll", "fit_temperature"]


def _finite_1d(name: str, value) -> np.ndarray:
    arr = as_float_array(name, value)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return arr


def _logits_labels(logits, labels) -> tuple[np.ndarray, np.ndarray]:
    z = as_float_array("logits", logits)
    if z.ndim != 2 or z.shape[0] == 0 or z.shape[1] < 2:
        raise ValueError(f"logits must have shape (n, classes) with n >= 1 and classes >= 2, got {z.shape}")
    if not np.all(np.isfinite(z)):
        raise ValueError("logits must be finite (no NaN or inf)")
    y = np.asarray(labels.detach().cpu().numpy() if hasattr(labels, "detach") else labels)
    if y.shape != (z.shape[0],) or y.dtype.kind not in "iu":
        raise ValueError(f"labels must be integers of shape ({z.shape[0]},) in [0, {z.shape[1]}), "
                         f"got shape {y.shape} and dtype {y.dtype}")
    if y.min() < 0 or y.max() >= z.shape[1]:
        raise ValueError(f"labels must be integers in [0, {z.shape[1]}), got values from {y.min()} to {y.max()}")
    return z, y.astype(np.int64)


# --------------------------------------------------------------------------- selective prediction
@dataclass(frozen=True)
class CoverageCurve:
    """Accuracy of the ``k`` least uncertain points, ``k = 1 .. n``.

    ``coverage[k-1] = k / n``; ``accuracy[k-1]`` the fraction correct among them;
    ``area`` the mean of ``accuracy`` (the area under the curve, steps of width ``1/n``).
    """

    coverage: np.ndarray
    accuracy: np.ndarray
    area: float

    def accuracy_at(self, coverage: float) -> float:
        """Accuracy when the fraction ``coverage`` of the points is kept (rounded up to whole points)."""
        c = check_positive("coverage", coverage)
        if c > 1:
            raise ValueError(f"coverage must be in (0, 1], got {coverage!r}")
        k = int(np.ceil(c * len(self.coverage) - 1e-9))
        return float(self.accuracy[max(k, 1) - 1])


def accuracy_coverage_curve(scores, correct) -> CoverageCurve:
    """Selective prediction: keep the points with the *lowest* uncertainty score first.

    With the points sorted by increasing score :math:`s_{(1)} \\le \\dots \\le s_{(n)}`, the
    accuracy at coverage :math:`k/n` is :math:`A(k) = \\frac1k \\sum_{j \\le k} c_{(j)}` (chapter 12),
    and the area under the curve is :math:`\\frac1n \\sum_k A(k)`. Tied scores are broken
    at random *in expectation*: inside a group of equal scores every point counts with the
    group's mean correctness, so the result does not depend on the order of the input.

    Parameters
    ----------
    scores : array-like, shape (n,)
        Uncertainty per point (higher = less sure), e.g. predictive entropy.
    correct : array-like of bool or 0/1, shape (n,)
        Whether the prediction for each point is right.
    """
    s = _finite_1d("scores", scores)
    c = _finite_1d("correct", correct)
    if c.shape != s.shape:
        raise ValueError(f"accuracy_coverage_curve: scores {s.shape} and correct {c.shape} must have the same shape")
    if not np.all((c == 0) | (c == 1)):
        raise ValueError("correct must hold booleans or 0/1 values")
    order = np.argsort(s, kind="stable")
    s, c = s[order], c[order]
    starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])  # first index of each group of equal scores
    group = np.cumsum(np.r_[True, s[1:] != s[:-1]]) - 1
    group_mean = np.add.reduceat(c, starts) / np.diff(np.r_[starts, len(s)])
    k = np.arange(1, len(s) + 1)
    acc = np.cumsum(group_mean[group]) / k
    return CoverageCurve(k / len(s), acc, float(acc.mean()))


# --------------------------------------------------------------------------- OOD detection
def _average_ranks(x: np.ndarray) -> np.ndarray:
    """Ranks 1..n, tied values sharing the mean of their ranks."""
    order = np.argsort(x, kind="stable")
    xs = x[order]
    new = np.r_[True, xs[1:] != xs[:-1]]
    starts = np.flatnonzero(new)
    ends = np.r_[starts[1:], len(xs)]
    mean_rank = (starts + 1 + ends) / 2.0  # ranks starts+1 .. ends
    ranks = np.empty(len(x))
    ranks[order] = mean_rank[np.cumsum(new) - 1]
    return ranks


def auroc(scores_in, scores_out) -> float:
    """Area under the ROC curve of a score that should be higher on out-of-distribution inputs.

    Equals the probability that a random out-of-distribution point scores higher than a
    random in-distribution point, ties counted one half (the Mann-Whitney statistic,
    chapter 12): :math:`\\frac{1}{n_0 n_1}\\sum_{i,j} \\big([s^{out}_j > s^{in}_i] + \\tfrac12 [s^{out}_j = s^{in}_i]\\big)`,
    computed from average ranks in :math:`O(n \\log n)`. 0.5: no better than chance; 1: perfect.
    """
    a, b = _finite_1d("scores_in", scores_in), _finite_1d("scores_out", scores_out)
    ranks = _average_ranks(np.concatenate([a, b]))
    n0, n1 = len(a), len(b)
    return float((ranks[n0:].sum() - n1 * (n1 + 1) / 2) / (n0 * n1))


# --------------------------------------------------------------------------- temperature scaling
def softmax_with_temperature(logits, temperature: float) -> np.ndarray:
    """Class probabilities :math:`\\operatorname{softmax}(z / T)` for logits of shape ``(n, classes)``.

    :math:`T > 1` flattens the distribution, :math:`T < 1` sharpens it; the arg-max never changes.
    """
    z = as_float_array("logits", logits)
    if z.ndim != 2:
        raise ValueError(f"logits must have shape (n, classes), got {z.shape}")
    T = check_positive("temperature", temperature)
    return np.exp(log_softmax(z / T))


def temperature_nll(logits, labels, temperature: float) -> float:
    """Mean negative log-likelihood :math:`\\frac1n\\sum_n \\big(\\log\\sum_c e^{z_{nc}/T} - z_{n y_n}/T\\big)`."""
    z, y = _logits_labels(logits, labels)
    T = check_positive("temperature", temperature)
    return float(-log_softmax(z / T)[np.arange(len(y)), y].mean())


def fit_temperature(logits, labels, *, max_iter: int = 200) -> float:
    """The temperature :math:`T` that minimises :func:`temperature_nll` (Guo et al. 2017; chapter 12).

    In the inverse temperature :math:`\\beta = 1/T` the NLL is convex, with derivative
    :math:`g(\\beta) = \\frac1n\\sum_n \\big(\\mathbb E_{p_\\beta}[z_n] - z_{n y_n}\\big)` and second derivative
    :math:`\\frac1n\\sum_n \\operatorname{Var}_{p_\\beta}[z_n] \\ge 0`, where :math:`p_\\beta = \\operatorname{softmax}(\\beta z_n)`.
    The root of :math:`g` is bracketed by doubling and found by bisection in :math:`\\log\\beta`
    (relative precision about :math:`10^{-12}`).

    Raises ``ValueError`` when no finite optimum exists: :math:`g(0) \\ge 0` (the true class
    is not above average, so the uniform prediction, :math:`T = \\infty`, is best) or
    :math:`g < 0` up to :math:`\\beta = 10^{6}` (the logits separate the classes and the NLL keeps
    falling as :math:`T \\to 0`, which happens exactly when no point has a logit above its true class's).
    """
    z, y = _logits_labels(logits, labels)
    max_iter = check_positive_int("max_iter", max_iter)
    check_budget("logits", z.size, "MAX_ELEMENTS", "entries")
    rows = np.arange(len(y))

    def grad(beta: float) -> float:
        p = np.exp(log_softmax(beta * z))
        return float(np.mean((p * z).sum(1) - z[rows, y]))

    if grad(0.0) >= 0:
        raise ValueError("fit_temperature: logits[n, labels[n]] (the labelled classes' logits) are not above "
                         "the average logit, so the NLL is smallest at T = infinity (uniform prediction); no "
                         "finite T exists for these logits and labels")
    if np.all(z[rows, y] >= z.max(axis=1)):  # then g(beta) < 0 for every beta
        raise ValueError("fit_temperature: every row of logits is largest at its labels entry, so the NLL keeps "
                         "decreasing as T -> 0; no finite T exists for these logits and labels")
    lo, hi = 0.0, 1.0
    while grad(hi) < 0:
        lo, hi = hi, 2 * hi
        if hi > 1e6:
            raise ValueError("fit_temperature: the NLL of these logits and labels keeps decreasing up to "
                             "T = 1e-6; no finite T found")
    if lo == 0.0:  # bracket [lo, hi] with lo > 0 for bisection in log(beta)
        lo = hi / 2
        while grad(lo) >= 0:
            lo /= 2
            if lo < 1e-12:
                break
    a, b = np.log(lo), np.log(hi)
    for _ in range(max_iter):
        m = 0.5 * (a + b)
        if grad(float(np.exp(m))) < 0:
            a = m
        else:
            b = m
        if b - a < 1e-12:
            break
    return float(1.0 / np.exp(0.5 * (a + b)))
