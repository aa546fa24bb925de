"""Finite-difference gradient checks that work on any scalar function of an array.

A gradient computed by hand (chapter 03) or by an automatic differentiation engine
(chapter 04) can be checked against the definition of the derivative. The central
difference

.. math::

    \\frac{\\partial f}{\\partial x_i} \\approx
    \\frac{f(x + \\varepsilon e_i) - f(x - \\varepsilon e_i)}{2 \\varepsilon}

has a truncation error of order :math:`\\varepsilon^2` (the even terms of the two
Taylor series cancel) and a rounding error of order :math:`u |f| / \\varepsilon`
(:math:`u \\approx 10^{-16}` in float64), so :math:`\\varepsilon \\approx 10^{-6}`
balances the two to about :math:`10^{-10}`. Derived in chapter 03.

This module is numpy-only.
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_callable, check_positive

__all__ = ["numerical_grad", "check_grad"]


def _scalar(f, x) -> float:
    check_callable("f", f, "a function f(array) -> scalar")
    out = np.asarray(f(x))
    if out.size != 1:
        raise ValueError(
            f"numerical_grad: f must return a scalar, got an output of shape {out.shape}"
        )
    return float(out.reshape(()))


def numerical_grad(f, x, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of a scalar function ``f`` at ``x``.

    Computes :math:`g_i = (f(x + \\varepsilon e_i) - f(x - \\varepsilon e_i)) / (2\\varepsilon)`
    for every entry ``i`` of ``x`` (``2 * x.size`` evaluations of ``f``). Derived in
    chapter 03, section on finite differences.

    Parameters
    ----------
    f : callable
        ``f(array) -> scalar``. It is called with float64 arrays of the shape of ``x``.
    x : array_like
        The point. It is copied to float64 (an ``eps`` of ``1e-6`` is below float32
        resolution) and never modified.
    eps : float, optional
        The step :math:`\\varepsilon > 0`.

    Returns
    -------
    numpy.ndarray
        float64 array of the same shape as ``x``.
    """
    eps = check_positive("eps", eps)
    x = np.array(as_float_array("x", x), dtype=np.float64)  # a private copy we may perturb
    grad = np.empty_like(x)
    flat_x, flat_g = x.reshape(-1), grad.reshape(-1)  # views on the copies
    for i in range(flat_x.size):
        old = flat_x[i]
        flat_x[i] = old + eps
        f_plus = _scalar(f, x)
        flat_x[i] = old - eps
        f_minus = _scalar(f, x)
        flat_x[i] = old
        flat_g[i] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def check_grad(f, x, analytic_grad, eps: float = 1e-6) -> float:
    """Maximum relative error between an analytic gradient and central differences.

    The error of entry ``i`` is

    .. math::

        e_i = \\frac{|a_i - n_i|}{\\max(|a_i|, |n_i|, \\delta)}, \\qquad
        \\delta = \\max\\bigl(10^{-3} \\max_j \\max(|a_j|, |n_j|),\\; 10^{-8}\\bigr),

    where :math:`a` is the analytic and :math:`n` the numerical gradient. The floor
    :math:`\\delta` stops entries that are (almost) zero, where finite differences only
    see rounding noise, from dividing by zero: such entries are compared on the scale
    of the gradient as a whole. Returns :math:`\\max_i e_i`; values below about
    :math:`10^{-6}` mean the gradients agree in float64.

    Parameters
    ----------
    f : callable
        Scalar function of an array, as in :func:`numerical_grad`.
    x : array_like
        The point at which both gradients are taken.
    analytic_grad : array_like or callable
        The gradient to check, of the shape of ``x``, or a function ``x -> gradient``.
    eps : float, optional
        Finite-difference step.

    Returns
    -------
    float
        The maximum relative error (0.0 for an empty ``x``).
    """
    x = as_float_array("x", x)
    a = analytic_grad(x.copy()) if callable(analytic_grad) else analytic_grad
    a = as_float_array("analytic_grad", a)
    if a.shape != x.shape:
        raise ValueError(
            f"check_grad: analytic_grad has shape {a.shape} but x has shape {x.shape}"
        )
    n = numerical_grad(f, x, eps)
    if x.size == 0:
        return 0.0
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(n))):
        which = "analytic_grad" if not np.all(np.isfinite(a)) else "f (its finite differences)"
        raise ValueError(f"check_grad: {which} is not finite (NaN or inf) at x; a gradient check "
                         "needs finite values, so no error can be reported")
    big = np.maximum(np.abs(a), np.abs(n))
    floor = max(1e-3 * float(big.max()), 1e-8)
    return float(np.max(np.abs(a - n) / np.maximum(big, floor)))
