"""Model capacity with closed-form least squares: bias and variance, double descent, cross-validation (chapter 05).

Every model here is linear in its parameters, :math:`f(x) = \\phi(x)^\\top w`, with a fixed feature
map :math:`\\phi` (Legendre polynomials, :func:`legendre_features`, or random ReLU units,
:class:`RandomReLUFeatures`) and weights from one linear solve (:func:`least_squares_fit`). A fit
takes microseconds, so the chapter can repeat it over hundreds of training sets and measure the
bias and the variance of a model class (:func:`bias_variance`), the test error as the number of
features passes the number of training points, and the k-fold cross-validation estimate of the
error (:func:`kfold_indices`, :func:`cross_validate`).

This module is numpy-only (no torch).
"""

from __future__ import annotations

import numpy as np

from ._checks import (as_float_array, check_budget, check_callable, check_finite, check_interval,
                      check_non_negative, check_positive_int)
from ._random import as_generator

__all__ = ["legendre_features", "RandomReLUFeatures", "least_squares_fit", "bias_variance",
           "kfold_indices", "cross_validate"]


def legendre_features(x, degree: int, x_range=(0.0, 1.0)) -> np.ndarray:
    r"""Legendre features :math:`\phi_j(x) = P_j(u)`, :math:`j = 0, \dots,` ``degree`` (chapter 05).

    The input is first mapped affinely from ``x_range`` = :math:`(a, b)` to :math:`[-1, 1]`,
    :math:`u = 2(x - a)/(b - a) - 1`. Legendre polynomials span the same functions as the
    monomials :math:`1, x, \dots, x^{\text{degree}}`, but their design matrix is far better
    conditioned, so fits of high degree stay accurate in float64.

    Parameters
    ----------
    x : array_like, any shape
        Scalar inputs (e.g. doses); a stack of training sets of shape ``(R, n)`` is fine.
    degree : int
        Highest degree (>= 0); the model has ``degree + 1`` parameters.
    x_range : pair of floats
        ``(a, b)`` with ``a < b``: the interval mapped to ``[-1, 1]``.

    Returns
    -------
    numpy.ndarray, shape ``x.shape + (degree + 1,)``
    """
    x = as_float_array("x", x)
    if isinstance(degree, bool) or not isinstance(degree, (int, np.integer)) or degree < 0:
        raise ValueError(f"degree must be an integer >= 0, got {degree!r}")
    a, b = check_interval("x_range", x_range)
    check_budget(f"legendre_features with degree={degree} on x of {x.size} entries", x.size * (int(degree) + 1),
                 "MAX_ELEMENTS", "entries")
    u = 2.0 * (x - a) / (b - a) - 1.0
    return np.polynomial.legendre.legvander(u.reshape(-1), int(degree)).reshape(x.shape + (int(degree) + 1,))


class RandomReLUFeatures:
    r"""A frozen random layer: :math:`\phi_j(x) = \max(0,\ v_j^\top x + c_j)/\sqrt p` (chapter 05).

    The weights :math:`v_j \sim \mathcal N(0, I_d/d)` and biases :math:`c_j \sim \mathcal N(0, 1)` of
    the ``num_features`` = :math:`p` hidden ReLU units are drawn once and never trained; only the
    output weights are fitted, by :func:`least_squares_fit`. The model is a two-layer network whose
    first layer is frozen at its random initialisation. The factor :math:`1/\sqrt p` keeps
    :math:`\phi(x)^\top\phi(x')` of order one for any :math:`p` (it does not change the minimum-norm
    predictions, which are invariant to a common scale of the features).

    Parameters
    ----------
    in_features : int
        Input dimension :math:`d` (>= 1).
    num_features : int
        Number of random ReLU units :math:`p` (>= 1).
    rng : numpy Generator, int or None
        Source of the random weights (the book's ``rng=`` convention).

    Attributes
    ----------
    weight : numpy.ndarray, shape (in_features, num_features)
    bias : numpy.ndarray, shape (num_features,)
    """

    def __init__(self, in_features: int, num_features: int, rng=None):
        self.in_features = check_positive_int("in_features", in_features)
        self.num_features = check_positive_int("num_features", num_features)
        check_budget("RandomReLUFeatures", self.in_features * self.num_features, "MAX_ELEMENTS",
                     "entries")
        rng = as_generator(rng)
        self.weight = rng.standard_normal((self.in_features, self.num_features)) / np.sqrt(self.in_features)
        self.bias = rng.standard_normal(self.num_features)

    def __call__(self, x) -> np.ndarray:
        """The features of inputs ``x`` of shape ``(..., in_features)``: shape ``(..., num_features)``."""
        x = as_float_array("x", x)
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(f"x must have shape (..., {self.in_features}) (last axis: in_features), "
                             f"got shape {x.shape}")
        rows = x.size // self.in_features
        check_budget("RandomReLUFeatures", rows * self.num_features, "MAX_ELEMENTS", "entries")
        return np.maximum(x @ self.weight + self.bias, 0.0) / np.sqrt(self.num_features)

    def __repr__(self) -> str:
        return f"RandomReLUFeatures(in_features={self.in_features}, num_features={self.num_features})"


def least_squares_fit(features, targets, ridge=0.0) -> np.ndarray:
    r"""Least-squares weights in closed form: ridge, or the minimum-norm solution (chapter 05).

    With :math:`\Phi` = ``features`` (:math:`n \times p`) and :math:`t` = ``targets``,

    .. math::
       \hat w = \arg\min_w \|\Phi w - t\|^2 + \lambda\|w\|^2 = (\Phi^\top\Phi + \lambda I)^{-1}\Phi^\top t
       \quad (\lambda > 0),

       \hat w = \Phi^{+} t \quad (\lambda = 0),

    where :math:`\Phi^+` is the Moore–Penrose pseudo-inverse. For :math:`\lambda = 0` and
    :math:`p \le n` (full column rank) this is ordinary least squares; for :math:`p > n` there are
    infinitely many interpolating weights and :math:`\Phi^+ t` is the one of smallest norm, which
    is also the limit of the ridge solution as :math:`\lambda \to 0`.

    Parameters
    ----------
    features : array_like, shape (..., n, p)
        Design matrices; leading axes are a stack of independent problems.
    targets : array_like, shape (..., n) or (..., n, k)
        Targets, one column per output.
    ridge : float
        :math:`\lambda \ge 0`.

    Returns
    -------
    numpy.ndarray, shape (..., p) or (..., p, k)
    """
    Phi = check_finite("features", features)
    t = check_finite("targets", targets)
    lam = check_non_negative("ridge", ridge)
    if Phi.ndim < 2:
        raise ValueError(f"features must have shape (..., n, p), got shape {Phi.shape}")
    vector = t.ndim == Phi.ndim - 1
    T = t[..., None] if vector else t
    if T.ndim != Phi.ndim or T.shape[-2] != Phi.shape[-2]:
        raise ValueError(f"targets must have shape (..., n) or (..., n, k) with n = {Phi.shape[-2]} matching "
                         f"features of shape {Phi.shape}, got shape {t.shape}")
    n, p = Phi.shape[-2:]
    check_budget("least_squares_fit", Phi.size // max(n, 1) * p, "MAX_ELEMENTS", "entries")
    U, s, Vt = np.linalg.svd(Phi, full_matrices=False)      # Phi = sum_i s_i a_i b_i^T
    if lam > 0:
        factor = s / (s**2 + lam)                          # ridge: s_i / (s_i^2 + lambda)
    else:                                                  # pseudo-inverse: 1 / s_i, round-off values dropped
        keep = s > max(n, p) * np.finfo(float).eps * s[..., :1]
        factor = np.where(keep, 1.0 / np.where(keep, s, 1.0), 0.0)
    w = np.swapaxes(Vt, -1, -2) @ (factor[..., None] * (np.swapaxes(U, -1, -2) @ T))
    return w[..., 0] if vector else w


def bias_variance(predictions, target_mean) -> dict:
    r"""Squared bias and variance of a model class, from its fits to many training sets (chapter 05).

    ``predictions[r, i]`` is the prediction at input :math:`x_i` of the model fitted to training
    set :math:`r`; ``target_mean[i]`` is the true regression function :math:`m(x_i)`. With
    :math:`\bar f(x_i)` the mean prediction over the training sets,

    .. math::
       \text{bias}^2 = \frac1M\sum_i \bigl(\bar f(x_i) - m(x_i)\bigr)^2,

       \text{variance} = \frac1M\sum_i \frac1R\sum_r \bigl(f_r(x_i) - \bar f(x_i)\bigr)^2,

    the two terms of the decomposition of the expected squared error
    :math:`\mathbb E[(f(x) - t)^2] = \sigma^2 + \text{bias}^2 + \text{variance}`, averaged over the inputs.
    Their sum equals the mean of :math:`(f_r(x_i) - m(x_i))^2` over ``r`` and ``i`` exactly.

    Parameters
    ----------
    predictions : array_like, shape (R, M)
        Predictions of ``R`` >= 2 fitted models at ``M`` inputs.
    target_mean : array_like, shape (M,)
        The noiseless target at the same inputs.

    Returns
    -------
    dict with float entries ``"bias2"``, ``"variance"`` and ``"error"`` (= bias2 + variance,
    the expected squared distance from the true function).
    """
    f = check_finite("predictions", predictions)
    m = check_finite("target_mean", target_mean)
    if f.ndim != 2 or f.shape[0] < 2:
        raise ValueError(f"predictions must have shape (R, M) with R >= 2 training sets, got shape {f.shape}")
    if m.shape != (f.shape[1],):
        raise ValueError(f"target_mean must have shape ({f.shape[1]},) to match predictions of shape {f.shape}, "
                         f"got shape {m.shape}")
    mean = f.mean(axis=0)
    bias2 = float(np.mean((mean - m) ** 2))
    variance = float(np.mean((f - mean) ** 2))
    return {"bias2": bias2, "variance": variance, "error": bias2 + variance}


def kfold_indices(n: int, k: int, rng=None) -> list:
    r"""Random partition of ``range(n)`` into ``k`` folds for cross-validation (chapter 05).

    The indices are shuffled once and cut into ``k`` folds whose sizes differ by at most one.
    Fold :math:`j` is the validation set of round :math:`j`; the other folds are its training set.
    ``k = n`` is leave-one-out cross-validation.

    Parameters
    ----------
    n : int
        Number of examples (>= 2).
    k : int
        Number of folds, ``2 <= k <= n``.
    rng : numpy Generator, int or None
        Source of the shuffle (the book's ``rng=`` convention).

    Returns
    -------
    list of ``k`` pairs ``(train_idx, val_idx)`` of sorted integer arrays; the ``val_idx`` are
    disjoint and together cover ``range(n)``.
    """
    n = check_positive_int("n", n, minimum=2)  # one example to train on, one to validate
    k = check_positive_int("k", k)
    if not 2 <= k <= n:
        raise ValueError(f"k must be an integer with 2 <= k <= n = {n}, got {k!r}")
    order = as_generator(rng).permutation(n)
    folds = np.array_split(order, k)
    return [(np.sort(np.concatenate(folds[:j] + folds[j + 1:])), np.sort(fold))
            for j, fold in enumerate(folds)]


def cross_validate(fit_predict, x, t, k: int = 5, rng=None) -> np.ndarray:
    r"""k-fold cross-validation of the squared error of a fitting procedure (chapter 05).

    For every fold :math:`j` of :func:`kfold_indices`, ``fit_predict(x_train, t_train, x_val)``
    fits a model on the other folds and returns its predictions on fold :math:`j`; the result is
    the mean squared error on each fold,

    .. math:: \widehat{E}_j = \frac1{|V_j|}\sum_{i \in V_j}\bigl(\hat f^{(-j)}(x_i) - t_i\bigr)^2,
       \qquad \widehat{E}_{\text{CV}} = \frac1k\sum_j \widehat{E}_j .

    Parameters
    ----------
    fit_predict : callable
        ``fit_predict(x_train, t_train, x_val) -> predictions`` with the shape of ``t[val_idx]``.
    x : array_like, shape (n, ...)
        Inputs, one example per row.
    t : array_like, shape (n,) or (n, k_out)
        Targets.
    k : int
        Number of folds, ``2 <= k <= n``.
    rng : numpy Generator, int or None
        Source of the fold assignment.

    Returns
    -------
    numpy.ndarray, shape (k,)
        The validation error of every fold; its mean is the cross-validation estimate.
    """
    fit_predict = check_callable("fit_predict", fit_predict, "a function fit_predict(x_train, t_train, x_val)")
    x = as_float_array("x", x)
    t = as_float_array("t", t)
    if x.ndim == 0 or t.ndim == 0 or len(x) != len(t):
        raise ValueError(f"x and t must have the same number of rows (examples), "
                         f"got shapes {x.shape} and {t.shape}")
    errors = []
    for train, val in kfold_indices(len(x), k, rng):
        pred = as_float_array("fit_predict(...)", fit_predict(x[train], t[train], x[val]))
        if pred.shape != t[val].shape:
            raise ValueError(f"fit_predict must return predictions of shape {t[val].shape} (that of t[val]), "
                             f"got shape {pred.shape}")
        errors.append(float(np.mean((pred - t[val]) ** 2)))
    return np.array(errors)
