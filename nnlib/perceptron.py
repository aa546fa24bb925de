"""Threshold units, the perceptron and the counting of linear dichotomies (chapter 02).

Chapter 02 derives four classical results on single threshold units and this module
computes them:

- the McCulloch–Pitts threshold unit :math:`H(w^\\top x - \\theta)` (:func:`threshold_unit`);
- Rosenblatt's perceptron learning rule :math:`w \\leftarrow w + y\\,x` on a mistake
  (:func:`perceptron_fit`);
- Novikoff's bound :math:`(R/\\gamma)^2` on the number of mistakes on separable data
  (:func:`novikoff_bound`, with data of a known margin from :func:`margin_data`);
- Cover's count :math:`C(P, N) = 2\\sum_{k=0}^{N-1}\\binom{P-1}{k}` of the dichotomies of
  :math:`P` points in general position in :math:`\\mathbb R^N` that a hyperplane through the
  origin realises (:func:`cover_count`, :func:`cover_fraction`), checked with an exact
  linear-programming test of separability (:func:`is_linearly_separable`).

numpy only (scipy is imported inside :func:`is_linearly_separable`).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb

import numpy as np

from ._checks import (as_float_array, check_budget, check_finite, check_flag, check_in_range, check_positive_int, check_real,
                      check_shape)
from ._random import as_generator

__all__ = [
    "threshold_unit",
    "PerceptronResult",
    "perceptron_fit",
    "margin_data",
    "novikoff_bound",
    "cover_count",
    "cover_fraction",
    "is_linearly_separable",
]


def _points_and_labels(X, y):
    """Check a design matrix ``X`` (P, N) and labels ``y`` in {-1, +1} of length P."""
    X = as_float_array("X", X)
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"X must be a non-empty 2-D array (points, features), got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X must be finite (no NaN or inf)")
    y = as_float_array("y", y)
    check_shape("y", y, (X.shape[0],))
    if not np.all((y == 1) | (y == -1)):
        raise ValueError(f"y must hold labels -1 and +1 only, got the values {np.unique(y)}")
    return X, y


def _with_bias(X, bias):
    """Append the constant input 1 (the bias trick) when ``bias`` is True."""
    return np.hstack([X, np.ones((X.shape[0], 1))]) if check_flag("bias", bias) else X


def threshold_unit(x, weights, threshold):
    """McCulloch–Pitts unit: :math:`y = H(w^\\top x - \\theta)`, 1 if :math:`w^\\top x \\ge \\theta`, else 0.

    Chapter 02, "Threshold logic units".

    Parameters
    ----------
    x : array_like, shape (..., n)
        Inputs (one per row).
    weights : array_like, shape (n,)
        The weights :math:`w`.
    threshold : float
        The threshold :math:`\\theta`.

    Returns
    -------
    ndarray of int, shape (...)
        The outputs 0 or 1.
    """
    x = check_finite("x", x)  # a NaN input has no 0/1 output: refuse it rather than answer 0
    w = check_finite("weights", weights)
    if w.ndim != 1 or x.ndim < 1 or x.shape[-1] != w.shape[0]:
        raise ValueError(f"weights must have shape (n,) with n = x.shape[-1]; got weights {w.shape}, x {x.shape}")
    theta = check_real("threshold", threshold)
    return (x @ w >= theta).astype(int)


@dataclass
class PerceptronResult:
    """What :func:`perceptron_fit` returns.

    Attributes
    ----------
    weights : ndarray
        Final weights; with ``bias=True`` the last entry is the bias.
    mistakes : int
        Number of updates (mistakes) made in all.
    converged : bool
        True if the last epoch made no mistake (the weights separate the data).
    epochs : int
        Number of epochs run.
    mistakes_per_epoch : ndarray of int
        Mistakes in each epoch.
    history : ndarray, shape (mistakes + 1, n)
        The weights before the first update and after every update.
    """

    weights: np.ndarray
    mistakes: int
    converged: bool
    epochs: int
    mistakes_per_epoch: np.ndarray
    history: np.ndarray


def perceptron_fit(X, y, *, bias=True, max_epochs=100, shuffle=False, rng=None):
    """Rosenblatt's perceptron rule, from :math:`w = 0`: on a mistake, :math:`w \\leftarrow w + y\\,x`.

    A point is a mistake when :math:`y\\,w^\\top x \\le 0` (labels :math:`y = \\pm 1`; a point on
    the boundary counts as a mistake). Epochs sweep through the data until one makes no
    mistake or ``max_epochs`` have run. On separable data the number of mistakes is at most
    :math:`(R/\\gamma)^2` (Novikoff; :func:`novikoff_bound`). Chapter 02, "The perceptron".

    Parameters
    ----------
    X : array_like, shape (P, N)
        Inputs.
    y : array_like, shape (P,)
        Labels -1 or +1.
    bias : bool
        Append the constant input 1, so that the last weight is a bias.
    max_epochs : int
        Largest number of sweeps (``max_epochs * P`` is checked against ``MAX_STEPS``).
    shuffle : bool
        Present the points in a fresh random order each epoch (else in the given order).
    rng : Generator, int or None
        Randomness of the order when ``shuffle`` is True.

    Returns
    -------
    PerceptronResult
    """
    X, y = _points_and_labels(X, y)
    Xb = _with_bias(X, bias)
    max_epochs = check_positive_int("max_epochs", max_epochs)
    check_budget("max_epochs * P", max_epochs * len(y))
    gen = as_generator(rng) if check_flag("shuffle", shuffle) else None
    w = np.zeros(Xb.shape[1])
    history, per_epoch = [w.copy()], []
    for _ in range(max_epochs):
        order = gen.permutation(len(y)) if gen is not None else range(len(y))
        mistakes = 0
        for i in order:
            if y[i] * (w @ Xb[i]) <= 0:  # wrong side of the boundary, or on it
                w = w + y[i] * Xb[i]
                history.append(w.copy())
                mistakes += 1
        per_epoch.append(mistakes)
        if mistakes == 0:
            break
    return PerceptronResult(w, len(history) - 1, per_epoch[-1] == 0, len(per_epoch),
                            np.array(per_epoch), np.array(history))


def margin_data(n_points, n_features, margin, rng=None):
    """Points on the unit sphere of :math:`\\mathbb R^N`, labelled by a random hyperplane, with a margin.

    A unit vector :math:`u` is drawn uniformly; points are drawn uniformly on the sphere
    and kept only if :math:`|u^\\top x| \\ge` ``margin``; the label is the sign of
    :math:`u^\\top x`. So :math:`R = \\max\\|x\\| = 1` and :math:`u` separates the data with
    margin :math:`\\gamma_u = \\min_i y_i u^\\top x_i \\ge` ``margin``. Chapter 02, "The convergence
    theorem".

    Parameters
    ----------
    n_points, n_features : int
    margin : float in [0, 0.5]
        Smallest allowed :math:`|u^\\top x|`.
    rng : Generator, int or None

    Returns
    -------
    X : ndarray, shape (n_points, n_features)
    y : ndarray, shape (n_points,), values -1.0 and +1.0
    u : ndarray, shape (n_features,), unit norm
    """
    P = check_positive_int("n_points", n_points)
    N = check_positive_int("n_features", n_features)
    if N < 2:
        raise ValueError(f"n_features must be >= 2 (one feature leaves no room for a margin), got {n_features!r}")
    margin = check_in_range("margin", margin, 0.0, 0.5, high_inclusive=True)
    check_budget("n_points * n_features", P * N, "MAX_ELEMENTS", "entries")
    gen = as_generator(rng)
    u = gen.normal(size=N)
    u /= np.linalg.norm(u)
    kept, found = [], 0
    for _ in range(1000):  # rejection sampling, 2P candidates per round
        Z = gen.normal(size=(2 * P, N))
        Z /= np.linalg.norm(Z, axis=1, keepdims=True)
        Z = Z[np.abs(Z @ u) >= margin]
        kept.append(Z)
        found += len(Z)
        if found >= P:
            break
    else:
        raise ValueError(f"margin {margin!r} is too large for n_features={N}: too few points were accepted")
    X = np.vstack(kept)[:P]
    return X, np.sign(X @ u), u


def novikoff_bound(X, y, u, *, bias=False):
    """Novikoff's mistake bound :math:`(R/\\gamma_u)^2` for the perceptron started at :math:`w = 0`.

    :math:`R = \\max_i \\|x_i\\|` and :math:`\\gamma_u = \\min_i y_i\\, u^\\top x_i / \\|u\\|`, the margin
    of the separating vector :math:`u`. Chapter 02, equation ``eq-02-novikoff``.

    Parameters
    ----------
    X : array_like, shape (P, N)
    y : array_like, shape (P,)
        Labels -1 or +1.
    u : array_like, shape (N,) or (N + 1,) with ``bias``
        A vector that separates the (augmented) data; need not be normalised.
    bias : bool
        Append the constant input 1 to every point (as :func:`perceptron_fit` does).

    Returns
    -------
    float
        The bound; raises ``ValueError`` if ``u`` does not separate the data.
    """
    X, y = _points_and_labels(X, y)
    Xb = _with_bias(X, bias)
    u = as_float_array("u", u)
    if u.shape != (Xb.shape[1],):
        raise ValueError(f"u must have shape ({Xb.shape[1]},) for X with {X.shape[1]} features and bias={bias} "
                         f"(one more entry with bias=True), got shape {u.shape}")
    norm = np.linalg.norm(u)
    if not np.isfinite(norm) or norm == 0:
        raise ValueError(f"u must be a finite non-zero vector, got {u!r}")
    gamma = np.min(y * (Xb @ u)) / norm
    if gamma <= 0:
        raise ValueError(f"the data X, y are not separated by u (bias={bias}): the margin min y_i u.x_i / |u| "
                         f"is {gamma:.3g}, it must be > 0")
    R = np.max(np.linalg.norm(Xb, axis=1))
    return float((R / gamma) ** 2)


def cover_count(n_points, n_features):
    """Cover's count of linearly separable dichotomies, an exact integer.

    .. math::

        C(P, N) = 2 \\sum_{k=0}^{N-1} \\binom{P-1}{k}

    dichotomies of :math:`P` points in general position in :math:`\\mathbb R^N` are realised by
    a hyperplane through the origin (with a bias, use :math:`N+1`). Chapter 02, equation
    ``eq-02-cover``.
    """
    P = check_positive_int("n_points", n_points)
    N = check_positive_int("n_features", n_features)
    return 2 * sum(comb(P - 1, k) for k in range(min(N, P)))


def cover_fraction(n_points, n_features):
    """The fraction :math:`C(P, N)/2^P` of dichotomies that are linearly separable (chapter 02).

    It is 1 for :math:`P \\le N`, exactly 1/2 at :math:`P = 2N` and tends to 0 for :math:`P/N > 2`.
    """
    P = check_positive_int("n_points", n_points)
    return float(cover_count(P, n_features) / 2**P)  # exact integers, one rounding


def is_linearly_separable(X, y, *, bias=False):
    """Exact test: is there a :math:`w` (and bias :math:`b`) with :math:`y_i (w^\\top x_i + b) > 0` for all i?

    Strict separation is equivalent, after scaling :math:`w`, to the feasibility of the
    linear program :math:`y_i (w^\\top x_i + b) \\ge 1`, which ``scipy.optimize.linprog``
    (HiGHS) decides. Without ``bias`` the hyperplane passes through the origin, as in
    Cover's count. Chapter 02, "Counting dichotomies".

    On the rare problem where HiGHS reports neither "feasible" nor "infeasible" (numerical
    trouble on a nearly separable dichotomy), the margin LP
    :math:`\\max t` subject to :math:`y_i w^\\top x_i \\ge t`, :math:`|w_j| \\le 1`, :math:`t \\le 1`,
    which always has a solution, decides instead: separable if :math:`t^* > 10^{-9}\\max_i\\|x_i\\|`.

    Parameters
    ----------
    X : array_like, shape (P, N)
    y : array_like, shape (P,)
        Labels -1 or +1.
    bias : bool

    Returns
    -------
    bool
    """
    from scipy.optimize import linprog

    X, y = _points_and_labels(X, y)
    A = -(y[:, None] * _with_bias(X, bias))  # rows -y_i x_i: A w <= -1 means y_i w.x_i >= 1
    P, n = A.shape
    res = linprog(np.zeros(n), A_ub=A, b_ub=-np.ones(P), bounds=[(None, None)] * n, method="highs")
    if res.status in (0, 2):  # 0: feasible, 2: infeasible
        return res.status == 0
    c = np.zeros(n + 1)
    c[-1] = -1.0  # maximise the margin t
    res = linprog(c, A_ub=np.hstack([A, np.ones((P, 1))]), b_ub=np.zeros(P),
                  bounds=[(-1.0, 1.0)] * n + [(None, 1.0)], method="highs")
    if res.status != 0:
        raise RuntimeError(f"linprog could not decide separability: {res.message}")
    return bool(-res.fun > 1e-9 * np.max(np.linalg.norm(A, axis=1)))
