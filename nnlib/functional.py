"""Activations and losses on plain numpy arrays: the one home of each formula.

The from-scratch modules (``approximation``, ``backprop``, ``bptt``) and the chapters
import these; the autodiff engine (``nnlib.autodiff``) has its own differentiable
versions of the same functions, checked against these and against torch.

Losses return ``(E, dE/dy)``, the value and its gradient with respect to the network's
output, because the hand-written backward passes of chapters 03 and 11 start from it.
``reduction`` says how examples (rows) are combined: ``"sum"`` adds them, as the
derivations of chapter 03 do; ``"mean"`` divides by their number, as ``torch.nn`` and
``nnlib.nn`` do. Both are exact; they differ by the factor ``m`` in the learning rate.
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_choice, check_class_axis

__all__ = ["sigmoid", "softmax", "log_softmax", "half_sse", "bce_with_logits", "cross_entropy_with_logits",
           "REDUCTIONS"]

#: the allowed values of every loss's ``reduction``
REDUCTIONS = ("sum", "mean")


def sigmoid(z):
    """The logistic function :math:`\\sigma(z) = 1/(1+e^{-z})` (chapter 02), without overflow.

    Evaluates :math:`e^{-|z|}` only, which is at most 1, so no value of ``z`` (not even
    ``+-1e308``) overflows, and both tails keep full relative accuracy.
    """
    z = as_float_array("z", z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def log_softmax(Z, axis: int = -1):
    """:math:`\\log \\mathrm{softmax}(z)_k = z_k - \\max z - \\log\\sum_j e^{z_j - \\max z}` (stable)."""
    Z = as_float_array("Z", Z)
    axis = check_class_axis("Z", Z, axis)
    shifted = Z - Z.max(axis=axis, keepdims=True)  # every exponent <= 0: no overflow
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax(Z, axis: int = -1):
    """:math:`\\mathrm{softmax}(z)_k = e^{z_k - \\max z} / \\sum_j e^{z_j - \\max z}` (chapter 02, stable)."""
    Z = as_float_array("Z", Z)
    axis = check_class_axis("Z", Z, axis)
    e = np.exp(Z - Z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _reduce(total, grad, m, reduction):
    check_choice("reduction", reduction, REDUCTIONS)
    if reduction == "mean":
        return total / m, grad / m
    return total, grad


def half_sse(y, t, reduction: str = "sum", weights=None):
    """Half the sum of squared errors and its gradient (chapter 03).

    :math:`E = \\tfrac12 \\sum w\\,(y - t)^2` and :math:`\\partial E / \\partial y = w\\,(y - t)`,
    where ``weights`` :math:`w` (default 1) broadcast against ``y``; a zero weight leaves
    an entry out (chapter 11 weights the time steps of a sequence this way).
    ``reduction="mean"`` divides both by the number of examples (rows). Returns ``(E, dE/dy)``.
    """
    y, t = as_float_array("y", y), as_float_array("t", t)
    if y.shape != t.shape:
        raise ValueError(f"half_sse: y has shape {y.shape} but t has shape {t.shape}")
    r = y - t
    if weights is None:
        return _reduce(0.5 * float(np.sum(r * r)), r, max(len(y), 1), reduction)
    w = as_float_array("weights", weights)
    try:
        wr = np.broadcast_to(w, y.shape) * r
    except ValueError:
        raise ValueError(f"half_sse: weights of shape {w.shape} do not broadcast to y's shape {y.shape}") from None
    return _reduce(0.5 * float(np.sum(r * wr)), wr, max(len(y), 1), reduction)


def bce_with_logits(z, t, reduction: str = "sum"):
    """Binary cross-entropy of targets ``t`` in [0, 1] given logits ``z`` (chapter 02).

    :math:`E = \\sum [\\log(1 + e^z) - t z]` (the negative Bernoulli log-likelihood with
    :math:`p = \\sigma(z)`), computed stably with ``logaddexp``; its gradient is
    :math:`\\partial E/\\partial z = \\sigma(z) - t`. Returns ``(E, dE/dz)``.
    """
    z, t = as_float_array("z", z), as_float_array("t", t)
    if z.shape != t.shape:
        raise ValueError(f"bce_with_logits: z has shape {z.shape} but t has shape {t.shape}")
    if np.any((t < 0) | (t > 1)):
        raise ValueError(f"bce_with_logits: targets t must lie in [0, 1], got values in [{t.min()}, {t.max()}]")
    total = float(np.sum(np.logaddexp(0.0, z) - t * z))
    return _reduce(total, sigmoid(z) - t, max(len(z), 1), reduction)


def cross_entropy_with_logits(Z, labels, reduction: str = "sum"):
    """Categorical cross-entropy of integer class ``labels`` given logits ``Z`` (m, K) (chapter 02).

    :math:`E = -\\sum_i \\log \\mathrm{softmax}(z_i)_{y_i}`, with gradient
    :math:`\\partial E/\\partial Z = \\mathrm{softmax}(Z) - \\mathrm{onehot}(y)`.
    Returns ``(E, dE/dZ)``.
    """
    Z = as_float_array("Z", Z)
    labels = np.asarray(labels)
    if Z.ndim != 2 or labels.shape != (Z.shape[0],):
        raise ValueError(
            f"cross_entropy_with_logits: Z must be (m, K) and labels (m,), got Z {Z.shape} "
            f"and labels {labels.shape}")
    if not np.issubdtype(labels.dtype, np.integer) or labels.min(initial=0) < 0 \
            or labels.max(initial=0) >= Z.shape[1]:
        raise ValueError(f"labels must be integers in [0, {Z.shape[1]}), got {labels!r}")
    log_p = log_softmax(Z, axis=1)
    rows = np.arange(len(Z))
    grad = np.exp(log_p)
    grad[rows, labels] -= 1.0
    return _reduce(-float(log_p[rows, labels].sum()), grad, max(len(Z), 1), reduction)
