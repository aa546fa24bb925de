"""A micro-framework of layers, losses and optimisers on :mod:`nnlib.autodiff`.

Layers and losses; the optimisers that update their parameters are in
:mod:`nnlib.optim`. The names follow ``torch.nn`` / ``torch.optim`` so that code written with it reads
like PyTorch code: ``model = Sequential(Linear(64, 128), ReLU(), Linear(128, 10))``,
``loss = CrossEntropyLoss()(model(X), y)``, ``opt.zero_grad(); loss.backward();
opt.step()``. One difference: :class:`Linear` stores its weight as an
``(in_features, out_features)`` matrix and computes ``x @ W + b``, the orientation of
the derivation in chapters 03 and 04 (PyTorch stores the transpose). Built in
chapter 04.

This module is numpy-only.
"""

from __future__ import annotations

import numpy as np

from ._random import as_generator
from ._checks import as_float_array, check_flag, check_in_range, check_non_negative, check_positive, check_positive_int
from .autodiff import Var, _var

__all__ = [
    "Module", "Linear", "Sequential", "ReLU", "Tanh", "Sigmoid",
    "mse_loss", "binary_cross_entropy", "cross_entropy",
    "MSELoss", "BCELoss", "CrossEntropyLoss",
]


# ----- modules ----------------------------------------------------------------------
class Module:
    """Base class: holds parameters (Var attributes) and sub-modules (Module attributes).

    Subclasses implement ``forward``; calling the module calls ``forward``.
    Every :class:`~nnlib.autodiff.Var` stored as an attribute (directly or in a list)
    is a trainable parameter.
    """

    training = True

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must implement forward()")

    def _children(self):
        for value in vars(self).values():
            items = value if isinstance(value, (list, tuple)) else (value,)
            for item in items:
                if isinstance(item, (Var, Module)):
                    yield item

    def parameters(self) -> list:
        """All parameters of this module and its sub-modules, in definition order."""
        params, seen = [], set()
        for child in self._children():
            for p in child.parameters() if isinstance(child, Module) else (child,):
                if p not in seen:
                    seen.add(p)
                    params.append(p)
        return params

    def zero_grad(self):
        """Reset the gradient of every parameter."""
        for p in self.parameters():
            p.grad = None

    def train(self, mode: bool = True):
        """Set training mode (recursively); returns ``self``."""
        mode = check_flag("mode", mode)
        self.training = bool(mode)
        for child in self._children():
            if isinstance(child, Module):
                child.train(mode)
        return self

    def eval(self):
        """Set evaluation mode (``train(False)``); returns ``self``."""
        return self.train(False)


class Linear(Module):
    """Affine layer :math:`y = x W + b`, with :math:`W \\in \\mathbb{R}^{n_{in} \\times n_{out}}`.

    Initialised like ``torch.nn.Linear``: every entry of ``W`` and ``b`` is drawn from
    :math:`U(-1/\\sqrt{n_{in}}, 1/\\sqrt{n_{in}})`.

    Parameters
    ----------
    in_features, out_features : int
    bias : bool, optional
    rng : numpy Generator, int or None
        Source of the initial weights (the book's convention, ``nnlib._random``):
        None means the stream ``nnlib.seed`` set.
    dtype : numpy dtype, optional
        float64 (default) or float32.
    """

    def __init__(self, in_features, out_features, bias=True, *, rng=None, dtype=np.float64):
        bias = check_flag("bias", bias)
        self.in_features = check_positive_int("in_features", in_features)
        self.out_features = check_positive_int("out_features", out_features)
        uniform = as_generator(rng).uniform
        bound = 1.0 / np.sqrt(in_features)
        self.weight = Var(uniform(-bound, bound, (in_features, out_features)).astype(dtype))
        self.bias = Var(uniform(-bound, bound, out_features).astype(dtype)) if bias else None

    def forward(self, x):
        x = x if isinstance(x, Var) else as_float_array("x", x, dtype=self.weight.dtype)
        if x.shape[-1:] != (self.in_features,):
            raise ValueError(f"Linear: input x has shape {x.shape} but the layer expects "
                             f"(..., {self.in_features}) features")
        y = x @ self.weight
        return y if self.bias is None else y + self.bias

    def __repr__(self):
        return f"Linear({self.in_features}, {self.out_features}, bias={self.bias is not None})"


class Sequential(Module):
    """Apply the given modules one after the other."""

    def __init__(self, *layers):
        for i, layer in enumerate(layers):
            if not callable(layer):
                raise TypeError(f"Sequential: every layer must be callable, but layer{i} is {layer!r}")
        self.layers = list(layers)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def __getitem__(self, i):
        return self.layers[i]

    def __len__(self):
        return len(self.layers)

    def __repr__(self):
        inner = "\n".join(f"  ({i}): {layer!r}" for i, layer in enumerate(self.layers))
        return f"Sequential(\n{inner}\n)"


class ReLU(Module):
    """Elementwise :math:`\\max(x, 0)`."""

    def forward(self, x):
        return _var(x).relu()

    def __repr__(self):
        return "ReLU()"


class Tanh(Module):
    """Elementwise :math:`\\tanh(x)`."""

    def forward(self, x):
        return _var(x).tanh()

    def __repr__(self):
        return "Tanh()"


class Sigmoid(Module):
    """Elementwise logistic function :math:`1/(1+e^{-x})`."""

    def forward(self, x):
        return _var(x).sigmoid()

    def __repr__(self):
        return "Sigmoid()"


# ----- losses -----------------------------------------------------------------------
def _same_shape(name, pred, target, pred_name="pred"):
    target = as_float_array("target", target, dtype=pred.val.dtype)
    if target.shape != pred.val.shape:
        raise ValueError(f"{name}: prediction {pred_name} has shape {pred.val.shape} but target has shape "
                         f"{target.shape}")
    return target


def mse_loss(pred, target):
    """Mean squared error :math:`\\frac{1}{n}\\sum_i (\\hat{y}_i - y_i)^2` (chapter 02)."""
    pred = _var(pred, "pred")
    diff = pred - _same_shape("mse_loss", pred, target)
    return (diff * diff).mean()


def binary_cross_entropy(prob, target):
    """:math:`-\\frac{1}{n}\\sum_i [y_i \\log p_i + (1-y_i)\\log(1-p_i)]` from probabilities.

    As in PyTorch, each logarithm is clamped at :math:`-100` so that a probability of
    exactly 0 or 1 gives a finite loss, and the gradient
    :math:`(p - y) / (p (1 - p)) / n` uses :math:`\\max(p(1-p), 10^{-12})`.
    """
    prob = _var(prob, "prob")
    y = _same_shape("binary_cross_entropy", prob, target, "prob")
    p = prob.val
    if np.any((p < 0) | (p > 1)):
        raise ValueError(f"binary_cross_entropy: probabilities prob must lie in [0, 1], got values in [{p.min()}, {p.max()}]")
    if np.any((y < 0) | (y > 1)):
        raise ValueError(f"binary_cross_entropy: target must lie in [0, 1], got values in [{y.min()}, {y.max()}]")
    with np.errstate(divide="ignore"):
        log_p, log_q = np.maximum(np.log(p), -100), np.maximum(np.log1p(-p), -100)
    loss = -np.mean(y * log_p + (1 - y) * log_q)

    def backward(g):
        return (g * (p - y) / np.maximum(p * (1 - p), 1e-12) / p.size,)
    return Var(np.asarray(loss, dtype=p.dtype), (prob,), backward, "bce")


def cross_entropy(logits, targets):
    """Mean cross-entropy of integer class ``targets`` under ``softmax(logits)`` (chapter 04).

    :math:`L = -\\frac{1}{N}\\sum_n \\log \\mathrm{softmax}(z_n)_{y_n}`, computed with the
    stable log-softmax; one fused node whose gradient is
    :math:`\\partial L / \\partial z = (\\mathrm{softmax}(z) - \\mathrm{onehot}(y)) / N`.

    Parameters
    ----------
    logits : Var or array, shape (N, C)
    targets : int array, shape (N,), values in ``[0, C)``
    """
    logits = _var(logits, "logits")
    z = logits.val
    t = np.asarray(targets)
    if z.ndim != 2:
        raise ValueError(f"cross_entropy: logits must have shape (N, C), got shape {z.shape}")
    if t.shape != z.shape[:1] or t.dtype.kind not in "iu":
        raise ValueError(f"cross_entropy: targets must be integers of shape ({z.shape[0]},), "
                         f"got {t.dtype} of shape {t.shape}")
    if t.size and (t.min() < 0 or t.max() >= z.shape[1]):
        raise ValueError(f"cross_entropy: targets must be in [0, {z.shape[1]}), "
                         f"got values in [{t.min()}, {t.max()}]")
    rows = np.arange(z.shape[0])
    shifted = z - z.max(axis=1, keepdims=True)  # every exponent <= 0: no overflow
    e = np.exp(shifted)
    total = e.sum(axis=1)
    loss = np.mean(np.log(total) - shifted[rows, t])  # -log softmax(z)_y, averaged

    def backward(g):
        d = e / total[:, None]  # softmax(z)
        d[rows, t] -= 1
        return (d * (g / z.shape[0]),)
    return Var(np.asarray(loss, dtype=z.dtype), (logits,), backward, "cross_entropy")


class MSELoss(Module):
    """``MSELoss()(pred, target)``: see :func:`mse_loss`."""

    def forward(self, pred, target):
        return mse_loss(pred, target)


class BCELoss(Module):
    """``BCELoss()(prob, target)``: see :func:`binary_cross_entropy`."""

    def forward(self, prob, target):
        return binary_cross_entropy(prob, target)


class CrossEntropyLoss(Module):
    """``CrossEntropyLoss()(logits, targets)``: see :func:`cross_entropy`."""

    def forward(self, logits, targets):
        return cross_entropy(logits, targets)


# ----- optimisers -------------------------------------------------------------------

