"""From-scratch first-order optimisers on numpy arrays, for studying trajectories (chapter 06).

Each function runs one optimiser on a gradient function ``grad_fn(x) -> array`` from a starting
point ``x0`` and returns the whole trajectory, one row per iterate, so a chapter can plot the path
on a loss surface and count the steps it takes to converge. The update rules follow PyTorch's
``torch.optim.SGD`` and ``torch.optim.Adam`` exactly (the tests check this in float64):

- gradient descent with (heavy-ball) momentum :func:`gd_trajectory`,
- Adam with bias correction :func:`adam_trajectory`.

:func:`quadratic` builds the test problem E(x) = 1/2 (x - x*)^T A (x - x*) and
:func:`steps_to_tolerance` counts iterations until an iterate is within a tolerance of x*.

This module is numpy-only (no torch).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ._checks import check_finite, check_in_range, check_non_negative, check_positive, check_positive_int

__all__ = ["gd_trajectory", "adam_trajectory", "quadratic", "steps_to_tolerance"]


def _start(x0) -> np.ndarray:
    x = check_finite("x0", x0).astype(float).copy()
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"x0 must be a non-empty 1-D array, got shape {np.shape(x0)}")
    return x


def _grad(grad_fn: Callable, x: np.ndarray) -> np.ndarray:
    g = np.asarray(grad_fn(x), dtype=float)
    if g.shape != x.shape:
        raise ValueError(
            f"grad_fn must return an array of the same shape as x: got {g.shape} for x of shape {x.shape}"
        )
    return g


def gd_trajectory(grad_fn: Callable, x0, lr: float, momentum: float = 0.0, steps: int = 100,
                  *, nesterov: bool = False) -> np.ndarray:
    """Run gradient descent with optional heavy-ball momentum; return all iterates.

    With momentum ``beta`` (derived in chapter 06 from a ball rolling with friction)

    .. math:: v_{t+1} = \\beta v_t + \\nabla E(x_t), \\qquad x_{t+1} = x_t - \\eta\\, v_{t+1},

    with ``v_0 = 0``; ``beta = 0`` is plain gradient descent x_{t+1} = x_t - eta grad E(x_t).
    With ``nesterov=True`` the step uses the look-ahead form of ``torch.optim.SGD``:
    x_{t+1} = x_t - eta (grad E(x_t) + beta v_{t+1}).

    Parameters
    ----------
    grad_fn : callable
        ``grad_fn(x)`` returns the gradient at ``x`` (same shape as ``x``).
    x0 : array_like, shape (d,)
        Starting point.
    lr : float
        Learning rate ``eta > 0``.
    momentum : float
        ``beta`` in ``[0, 1)``.
    steps : int
        Number of updates (>= 1).
    nesterov : bool
        Use Nesterov's variant (needs ``momentum > 0``).

    Returns
    -------
    numpy.ndarray, shape (steps + 1, d)
        ``x_0, x_1, ..., x_steps``. A learning rate that is too large makes the iterates grow
        without bound; overflow then gives ``inf``/``nan`` rows silently (no warning), which a
        plot or :func:`steps_to_tolerance` treats as "not converged".
    """
    x = _start(x0)
    lr = check_positive("lr", lr)
    momentum = check_in_range("momentum", momentum, 0, 1)
    steps = check_positive_int("steps", steps)
    if nesterov and momentum == 0:
        raise ValueError("nesterov=True needs momentum in (0, 1), got momentum=0")
    path = np.empty((steps + 1, x.size))
    path[0] = x
    v = np.zeros_like(x)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps):
            g = _grad(grad_fn, x)
            v = momentum * v + g
            x = x - lr * (g + momentum * v if nesterov else v)
            path[t + 1] = x
    return path


def adam_trajectory(grad_fn: Callable, x0, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
                    eps: float = 1e-8, steps: int = 100, *, bias_correction: bool = True) -> np.ndarray:
    """Run Adam (Kingma & Ba 2015); return all iterates.

    .. math::
        m_t = \\beta_1 m_{t-1} + (1-\\beta_1) g_t, \\quad
        v_t = \\beta_2 v_{t-1} + (1-\\beta_2) g_t^2, \\quad
        \\hat m_t = \\frac{m_t}{1-\\beta_1^t}, \\quad \\hat v_t = \\frac{v_t}{1-\\beta_2^t}, \\quad
        x_t = x_{t-1} - \\eta \\frac{\\hat m_t}{\\sqrt{\\hat v_t} + \\epsilon}

    (chapter 06 derives the bias correction). ``bias_correction=False`` drops the two divisions,
    to show what the correction is for.

    Parameters
    ----------
    grad_fn : callable
        ``grad_fn(x)`` returns the gradient at ``x``.
    x0 : array_like, shape (d,)
        Starting point.
    lr : float
        Step size ``eta > 0``.
    beta1, beta2 : float
        Decay rates of the first and second moment averages, each in ``[0, 1)``.
    eps : float
        Small constant ``>= 0`` added to the denominator. With ``eps = 0`` a coordinate
        whose gradient has been exactly 0 so far takes no step (the limit of the update),
        instead of 0/0.
    steps : int
        Number of updates (>= 1).
    bias_correction : bool
        Divide the moment estimates by ``1 - beta**t`` (the standard algorithm) or not.

    Returns
    -------
    numpy.ndarray, shape (steps + 1, d)
        ``x_0, x_1, ..., x_steps``.
    """
    x = _start(x0)
    lr = check_positive("lr", lr)
    beta1 = check_in_range("beta1", beta1, 0, 1)
    beta2 = check_in_range("beta2", beta2, 0, 1)
    eps = check_non_negative("eps", eps)
    steps = check_positive_int("steps", steps)
    path = np.empty((steps + 1, x.size))
    path[0] = x
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            g = _grad(grad_fn, x)
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            if bias_correction:
                m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
            else:
                m_hat, v_hat = m, v
            denom = np.sqrt(v_hat) + eps
            x = x - lr * np.divide(m_hat, denom, out=np.zeros_like(m_hat), where=denom != 0)
            path[t] = x
    return path


def quadratic(A, x_star=None) -> tuple[Callable, Callable]:
    """Return ``(E, grad_E)`` for E(x) = 1/2 (x - x*)^T A (x - x*) with a symmetric positive definite A.

    ``E`` accepts points of shape ``(..., d)`` (so it can be evaluated on a whole grid for contour
    plots) and returns shape ``(...)``; ``grad_E(x) = A (x - x*)`` takes a single point ``(d,)``.
    The condition number ``lambda_max / lambda_min`` of A controls how hard the problem is
    for gradient descent (chapter 06).

    Parameters
    ----------
    A : array_like, shape (d, d)
        Symmetric positive definite matrix (the Hessian of E).
    x_star : array_like, shape (d,), optional
        The minimiser (default: the origin).
    """
    A = check_finite("A", A)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] == 0:
        raise ValueError(f"A must be a square matrix, got shape {A.shape}")
    if not np.allclose(A, A.T):
        raise ValueError("A must be symmetric (A == A.T)")
    if np.linalg.eigvalsh(A).min() <= 0:
        raise ValueError(f"A must be positive definite, got eigenvalues {np.linalg.eigvalsh(A)}")
    d = A.shape[0]
    x_star = np.zeros(d) if x_star is None else check_finite("x_star", x_star)
    if x_star.shape != (d,):
        raise ValueError(f"x_star must have shape ({d},) to match A {A.shape}, got {x_star.shape}")

    def energy(x):
        x = np.asarray(x, dtype=float)
        if x.ndim == 0 or x.shape[-1] != d:
            raise ValueError(f"E expects points with last dimension {d}, got shape {x.shape}")
        r = x - x_star
        return 0.5 * np.einsum("...i,ij,...j->...", r, A, r)

    def grad(x):
        x = np.asarray(x, dtype=float)
        if x.shape != (d,):
            raise ValueError(f"grad_E expects a point of shape ({d},), got {x.shape}")
        return A @ (x - x_star)

    return energy, grad


def steps_to_tolerance(path, x_star, tol: float) -> int | None:
    """Return the first step ``t`` with ``||x_s - x*|| <= tol`` for every ``s >= t``, or ``None``.

    Requiring the distance to *stay* below ``tol`` ignores a trajectory that passes close to the
    minimum by chance and swings away again (momentum does this).

    Parameters
    ----------
    path : array_like, shape (T, d)
        A trajectory such as the output of :func:`gd_trajectory`.
    x_star : array_like, shape (d,)
        The minimiser.
    tol : float
        Tolerance on the Euclidean distance (> 0).
    """
    path = np.asarray(path, dtype=float)
    x_star = np.asarray(x_star, dtype=float)
    if path.ndim != 2 or x_star.shape != path.shape[1:]:
        raise ValueError(
            f"path must have shape (T, d) and x_star shape (d,), got {path.shape} and {x_star.shape}"
        )
    tol = check_positive("tol", tol)
    with np.errstate(over="ignore", invalid="ignore"):
        dist = np.sqrt(np.sum((path - x_star) ** 2, axis=1))
    outside = np.flatnonzero(~(dist <= tol))  # NaN counts as outside
    if outside.size == 0:
        return 0
    last_out = int(outside[-1])
    return None if last_out == len(dist) - 1 else last_out + 1
