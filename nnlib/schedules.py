"""Learning-rate schedules as functions of the step number (chapter 06).

Each function is the closed form of a ``torch.optim.lr_scheduler`` class (the tests compare them
step by step): :func:`step_lr` (``StepLR``), :func:`cosine_lr` (``CosineAnnealingLR``) and
:func:`warmup_cosine_lr` (``LinearLR`` followed by ``CosineAnnealingLR`` in ``SequentialLR``).
They accept one step number or an array of them, so a whole schedule is one call.

This module is numpy-only (no torch).
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_in_range, check_positive, check_positive_int

__all__ = ["step_lr", "cosine_lr", "warmup_cosine_lr"]


def _schedule_steps(t, total=None) -> np.ndarray:
    """Step numbers ``t`` as an integer array (``0 <= t``, and ``t <= total`` when given)."""
    arr = as_float_array("t", t)
    if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)) or np.any(arr < 0):
        raise ValueError(f"t must be integer step numbers >= 0, got {t!r}")
    if total is not None and np.any(arr > total):
        raise ValueError(f"t must be <= total_steps = {total}, got a maximum of {arr.max():g}")
    return arr.astype(np.int64)


def _as_output(t, values):
    return float(values) if np.ndim(t) == 0 else values


def step_lr(t, lr: float, step_size: int, gamma: float = 0.1):
    r"""Step decay: the learning rate at step ``t`` (chapter 06), as ``torch.optim.lr_scheduler.StepLR``.

    .. math:: \eta_t = \eta_0\, \gamma^{\lfloor t / s \rfloor}

    Parameters
    ----------
    t : int or array_like of int
        Step numbers ``>= 0`` (torch's ``last_epoch``: how many times ``scheduler.step()`` ran).
    lr : float
        Initial rate :math:`\eta_0 > 0`.
    step_size : int
        :math:`s \ge 1`, steps between two decays.
    gamma : float
        Decay factor in ``(0, 1]``.

    Returns
    -------
    float or numpy.ndarray
        :math:`\eta_t`, with the shape of ``t``.
    """
    t = _schedule_steps(t)
    lr, step_size = check_positive("lr", lr), check_positive_int("step_size", step_size)
    gamma = check_in_range("gamma", gamma, 0, 1, low_inclusive=False, high_inclusive=True)
    return _as_output(t, lr * gamma ** (t // step_size))


def cosine_lr(t, lr: float, total_steps: int, min_lr: float = 0.0):
    r"""Cosine annealing from ``lr`` to ``min_lr`` in ``total_steps`` steps (chapter 06).

    .. math:: \eta_t = \eta_{\min} + \tfrac12(\eta_0 - \eta_{\min})\big(1 + \cos(\pi t / T)\big),
              \qquad 0 \le t \le T,

    the closed form of ``torch.optim.lr_scheduler.CosineAnnealingLR(T_max=T, eta_min=min_lr)``.

    Parameters
    ----------
    t : int or array_like of int
        Step numbers in ``[0, total_steps]``.
    lr : float
        Initial rate :math:`\eta_0 > 0`.
    total_steps : int
        :math:`T \ge 1`, the step at which the rate reaches ``min_lr``.
    min_lr : float
        Final rate :math:`\eta_{\min}` in ``[0, lr]``.
    """
    total_steps = check_positive_int("total_steps", total_steps)
    t = _schedule_steps(t, total_steps)
    lr = check_positive("lr", lr)
    min_lr = check_in_range("min_lr", min_lr, 0, lr, high_inclusive=True)
    return _as_output(t, min_lr + 0.5 * (lr - min_lr) * (1 + np.cos(np.pi * t / total_steps)))


def warmup_cosine_lr(t, lr: float, warmup_steps: int, total_steps: int, start_factor: float = 0.1,
                     min_lr: float = 0.0):
    r"""Linear warm-up from ``start_factor * lr`` to ``lr``, then cosine annealing to ``min_lr`` (chapter 06).

    .. math::
        \eta_t = \eta_0\Big(f + (1 - f)\frac{t}{W}\Big) \;(t < W),

        \eta_t = \text{cosine\_lr}(t - W,\ \eta_0,\ T - W,\ \eta_{\min}) \;(W \le t \le T),

    as torch's ``SequentialLR([LinearLR(start_factor=f, total_iters=W), CosineAnnealingLR(T_max=T - W,
    eta_min=min_lr)], milestones=[W])``.

    Parameters
    ----------
    t : int or array_like of int
        Step numbers in ``[0, total_steps]``.
    lr : float
        Peak rate :math:`\eta_0 > 0`.
    warmup_steps : int
        :math:`W \ge 1`, length of the warm-up; must be smaller than ``total_steps``.
    total_steps : int
        :math:`T`, the step at which the rate reaches ``min_lr``.
    start_factor : float
        :math:`f` in ``(0, 1]``: the first rate is ``f * lr``.
    min_lr : float
        Final rate in ``[0, lr]``.
    """
    warmup_steps = check_positive_int("warmup_steps", warmup_steps)
    total_steps = check_positive_int("total_steps", total_steps)
    if warmup_steps >= total_steps:
        raise ValueError(f"warmup_steps must be < total_steps = {total_steps}, got {warmup_steps}")
    t = _schedule_steps(t, total_steps)
    lr = check_positive("lr", lr)
    f = check_in_range("start_factor", start_factor, 0, 1, low_inclusive=False, high_inclusive=True)
    warm = lr * (f + (1 - f) * np.minimum(t, warmup_steps) / warmup_steps)
    cos = cosine_lr(np.maximum(t - warmup_steps, 0), lr, total_steps - warmup_steps, min_lr)
    return _as_output(t, np.where(t < warmup_steps, warm, cos))


