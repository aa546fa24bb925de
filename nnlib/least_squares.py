"""Least squares as a test bed for optimisers (chapter 06).

The loss :math:`E(w) = \\frac1{2n}\\|\\tilde X w - y\\|^2` is exactly quadratic, with a Hessian
that depends only on the inputs (:func:`least_squares_hessian`), so the condition number
(:func:`condition_number`) of the inputs decides how fast gradient descent converges, and
mini-batch SGD on it (:func:`least_squares_sgd`) has a gradient noise that can be computed.

This module is numpy-only (no torch).
"""

from __future__ import annotations

import numpy as np

from ._checks import check_budget, check_finite, check_flag, check_positive_int
from ._random import as_generator

__all__ = ["least_squares_hessian", "condition_number", "least_squares_sgd"]


def _design(X, intercept: bool) -> np.ndarray:
    X = check_finite("X", X)
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"X must be a non-empty 2-D array (examples, features), got shape {X.shape}")
    intercept = check_flag("intercept", intercept)
    return np.hstack([X, np.ones((len(X), 1))]) if intercept else X


def least_squares_hessian(X, intercept: bool = True) -> np.ndarray:
    r"""Hessian of the least-squares loss :math:`E(w) = \frac1{2n}\|\tilde X w - y\|^2` (chapter 06).

    .. math:: H = \frac1n \tilde X^\top \tilde X,

    where :math:`\tilde X` is ``X`` with a column of ones appended when ``intercept`` (the bias is
    then the last weight). ``H`` does not depend on ``y`` or ``w``: the loss is exactly quadratic.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Inputs, one row per example.
    intercept : bool
        Append the constant feature 1.

    Returns
    -------
    numpy.ndarray, shape (d, d) or (d + 1, d + 1)
    """
    Xt = _design(X, intercept)
    return Xt.T @ Xt / len(Xt)


def condition_number(A) -> float:
    r"""Condition number :math:`\kappa = \lambda_{\max} / \lambda_{\min}` of a symmetric matrix (chapter 06).

    Returns ``inf`` when :math:`\lambda_{\min} \le 0` (a singular or indefinite matrix, on which
    gradient descent does not converge linearly). Gradient descent on a quadratic with Hessian ``A``
    needs about :math:`\frac{\kappa}{2}\ln(1/\varepsilon)` steps to reduce the error by :math:`\varepsilon`.
    """
    A = check_finite("A", A)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] == 0:
        raise ValueError(f"A must be a square matrix, got shape {A.shape}")
    if not np.allclose(A, A.T):
        raise ValueError("A must be symmetric (A == A.T)")
    lam = np.linalg.eigvalsh(A)
    return float(lam[-1] / lam[0]) if lam[0] > 0 else float("inf")


def least_squares_sgd(X, y, lrs, batch_size: int = 1, n_runs: int = 1, rng=None, intercept: bool = True):
    r"""Mini-batch SGD on :math:`E(w) = \frac1{2n}\|\tilde X w - y\|^2`, several independent runs at once (chapter 06).

    Step :math:`t` draws, for every run, ``batch_size`` examples with replacement and updates

    .. math:: w_{t+1} = w_t - \eta_t\, \frac1B \sum_{i \in S_t} \tilde x_i\,(\tilde x_i^\top w_t - y_i),

    from :math:`w_0 = 0`, with the learning rate :math:`\eta_t` = ``lrs[t]`` (a schedule such as
    ``nnlib.schedules.cosine_lr``). Returns the full training loss :math:`E(w_t)` of every run after every step.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Inputs.
    y : array_like, shape (n,)
        Targets.
    lrs : array_like, shape (T,)
        Learning rate of each step, each >= 0.
    batch_size : int
        :math:`B \ge 1`.
    n_runs : int
        Number of independent runs (each with its own batches), computed together.
    rng : numpy.random.Generator, int or None
        Source of the batches (see ``nnlib.as_generator``).
    intercept : bool
        Append the constant feature 1 (a bias).

    Returns
    -------
    numpy.ndarray, shape (n_runs, T + 1)
        :math:`E(w_0), \dots, E(w_T)` of each run.
    """
    Xt = _design(X, intercept)
    y = check_finite("y", y)
    if y.shape != (len(Xt),):
        raise ValueError(f"y must have shape ({len(Xt)},) to match X, got {y.shape}")
    lrs = check_finite("lrs", lrs)
    if lrs.ndim != 1 or lrs.size == 0 or np.any(lrs < 0):
        raise ValueError(f"lrs must be a non-empty 1-D array of learning rates >= 0, got shape {lrs.shape}")
    batch_size, n_runs = check_positive_int("batch_size", batch_size), check_positive_int("n_runs", n_runs)
    check_budget("least_squares_sgd", lrs.size * n_runs, "MAX_STEPS", "run-steps")
    check_budget("least_squares_sgd", n_runs * batch_size * Xt.shape[1] + n_runs * len(Xt), "MAX_ELEMENTS",
                 "array entries per step")
    gen = as_generator(rng)
    n, d = Xt.shape
    W = np.zeros((n_runs, d))
    losses = np.empty((n_runs, lrs.size + 1))
    losses[:, 0] = 0.5 * np.mean(y**2)
    for t, lr in enumerate(lrs):
        idx = gen.integers(0, n, size=(n_runs, batch_size))
        Xb = Xt[idx]                                             # (runs, B, d)
        resid = np.einsum("rbd,rd->rb", Xb, W) - y[idx]
        W -= lr * np.einsum("rbd,rb->rd", Xb, resid) / batch_size
        losses[:, t + 1] = 0.5 * np.mean((W @ Xt.T - y) ** 2, axis=1)
    return losses
