"""Backpropagation written out by hand for fully connected networks (numpy only).

Derived in chapter 03. The network is a stack of layers in the **row-vector
convention**: one example is a row, a mini-batch of ``m`` examples is an ``(m, n)``
matrix, and layer :math:`\\ell = 1, \\dots, L` computes

.. math::

    Z^\\ell = A^{\\ell-1} W^\\ell + b^\\ell, \\qquad A^\\ell = f_\\ell(Z^\\ell),
    \\qquad A^0 = X,

with :math:`W^\\ell` of shape ``(n_{l-1}, n_l)`` (rows: inputs, columns: units) and
:math:`b^\\ell` of shape ``(n_l,)``. The backward pass is the :math:`\\delta` recursion

.. math::

    \\delta^L = f_L'(Z^L) \\odot \\frac{\\partial E}{\\partial A^L}, \\qquad
    \\delta^\\ell = f_\\ell'(Z^\\ell) \\odot \\bigl(\\delta^{\\ell+1} (W^{\\ell+1})^\\top\\bigr),

    \\frac{\\partial E}{\\partial W^\\ell} = (A^{\\ell-1})^\\top \\delta^\\ell, \\qquad
    \\frac{\\partial E}{\\partial b^\\ell} = \\textstyle\\sum_{\\text{rows}} \\delta^\\ell,

where :math:`\\delta^\\ell = \\partial E / \\partial Z^\\ell`. For one example the weight
gradient is the outer product of the layer's input and its :math:`\\delta`; for a batch
the matrix product sums these outer products over the examples.

The losses (:func:`~nnlib.functional.half_sse`, :func:`~nnlib.functional.bce_with_logits`, :func:`~nnlib.functional.cross_entropy_with_logits`)
and :func:`~nnlib.functional.softmax` live in :mod:`nnlib.functional` and are re-exported here for
chapter 03, which uses them next to the backward pass.

Parameters are a list of ``(W, b)`` pairs, one per layer; activations are given by name
(one per layer, see :data:`ACTIVATIONS`). The ReLU derivative at 0 is taken to be 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._random import as_generator
from ._checks import (as_float_array, check_choice, check_non_negative,
                      check_positive, check_positive_int, check_sizes)
from .functional import REDUCTIONS, bce_with_logits, cross_entropy_with_logits, half_sse, sigmoid, softmax

__all__ = [
    "ACTIVATIONS",
    "activation",
    "Cache",
    "init_params",
    "forward",
    "backward",
    "loss_and_grads",
    "flatten_params",
    "unflatten_params",
    "GDResult",
    "gradient_descent",
]

#: Allowed activation names.
ACTIVATIONS = ("identity", "sigmoid", "tanh", "relu")


# name -> (f(z), f'(z) written in terms of z and a = f(z))
_ACT = {
    "identity": (lambda z: z, lambda z, a: np.ones_like(z)),
    "sigmoid": (sigmoid, lambda z, a: a * (1.0 - a)),
    "tanh": (np.tanh, lambda z, a: 1.0 - a * a),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(z.dtype)),
}


def activation(name: str):
    """Return ``(f, fprime)`` for an activation name.

    ``fprime(z, a)`` is the derivative :math:`f'(z)`, computed from the pre-activation
    ``z`` and/or the activation ``a = f(z)`` whichever is cheaper: :math:`\\sigma' = a(1-a)`,
    :math:`\\tanh' = 1 - a^2`, :math:`\\mathrm{relu}'(z) = [z > 0]` (0 at the kink).
    """
    check_choice("name", name, ACTIVATIONS)
    return _ACT[name]


@dataclass
class Cache:
    """What the forward pass keeps for the backward pass.

    Attributes
    ----------
    zs : list of ndarray
        Pre-activations :math:`Z^1, \\dots, Z^L`.
    activations : list of ndarray
        :math:`A^0 = X, A^1, \\dots, A^L`; the last one is the network's output.
    """

    zs: list
    activations: list

    @property
    def output(self) -> np.ndarray:
        """The network's output :math:`A^L`."""
        return self.activations[-1]


def _check_params(params, activations):
    for name, value in (("params", params), ("activations", activations)):
        if isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
            raise TypeError(f"{name} must be a list (one entry per layer), got {type(value).__name__} {value!r}")
    if len(params) == 0:
        raise ValueError("params must contain at least one (W, b) layer, got an empty list")
    if len(activations) != len(params):
        raise ValueError(
            f"need one activation per layer: {len(params)} layers in params but "
            f"{len(activations)} activations {list(activations)!r}")
    for name in activations:
        check_choice("activation", name, ACTIVATIONS)
    for i, (W, b) in enumerate(params):
        if np.ndim(W) != 2 or np.shape(b) != (np.shape(W)[1],):
            raise ValueError(
                f"layer {i + 1}: W must be 2-D of shape (n_in, n_out) and b of shape (n_out,), "
                f"got W {np.shape(W)} and b {np.shape(b)}")
        if i > 0 and np.shape(params[i - 1][0])[1] != np.shape(W)[0]:
            raise ValueError(
                f"layer {i + 1}: W has shape {np.shape(W)} but the previous layer has "
                f"{np.shape(params[i - 1][0])[1]} outputs (A @ W needs them equal)")


def init_params(sizes, rng=None, scale: float | None = None):
    """Random parameters for layer widths ``sizes = [n_0, n_1, ..., n_L]``.

    Weights :math:`W^\\ell_{ij} \\sim \\mathcal N(0, s^2)` with :math:`s` = ``scale``, or
    :math:`s = 1/\\sqrt{n_{\\ell-1}}` when ``scale`` is None; biases are 0. (Chapter 06
    derives better choices.) ``rng``: a Generator, an int seed or None (the book's
    convention, ``nnlib._random``).
    """
    sizes = check_sizes("sizes", sizes)
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least 2 widths (inputs and outputs), got {sizes!r}")
    if scale is not None:
        scale = check_positive("scale", scale)
    gen = as_generator(rng)
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        s = scale if scale is not None else 1.0 / np.sqrt(n_in)
        params.append((gen.normal(0.0, s, size=(n_in, n_out)), np.zeros(n_out)))
    return params


def forward(params, X, activations) -> Cache:
    """Forward pass :math:`Z^\\ell = A^{\\ell-1} W^\\ell + b^\\ell,\\ A^\\ell = f_\\ell(Z^\\ell)`.

    Parameters
    ----------
    params : list of (W, b)
        ``W`` of shape ``(n_in, n_out)``, ``b`` of shape ``(n_out,)``.
    X : ndarray, shape (m, n_0)
        One example per row.
    activations : sequence of str
        One name per layer, from :data:`ACTIVATIONS`.

    Returns
    -------
    Cache
        All :math:`Z^\\ell` and :math:`A^\\ell`; ``cache.output`` is :math:`A^L`.
    """
    _check_params(params, activations)
    X = as_float_array("X", X)
    if X.ndim != 2 or X.shape[1] != np.shape(params[0][0])[0]:
        raise ValueError(
            f"X must have shape (m, {np.shape(params[0][0])[0]}) to multiply W of layer 1 "
            f"{np.shape(params[0][0])}, got X {X.shape}")
    return _forward(params, X, activations)


def _forward(params, X, activations) -> Cache:
    zs, acts = [], [X]
    for (W, b), name in zip(params, activations):
        z = acts[-1] @ W + b
        zs.append(z)
        acts.append(_ACT[name][0](z))
    return Cache(zs, acts)


def backward(params, cache: Cache, grad_output, activations):
    """Backward pass: the :math:`\\delta` recursion and the outer-product weight gradients.

    Parameters
    ----------
    params, activations
        As given to :func:`forward`.
    cache : Cache
        The result of :func:`forward` on the same parameters.
    grad_output : ndarray, shape (m, n_L)
        :math:`\\partial E / \\partial A^L`, the derivative of the loss with respect to the
        network's output (e.g. the second value returned by :func:`~nnlib.functional.half_sse`).

    Returns
    -------
    grads : list of (dW, db)
        :math:`\\partial E/\\partial W^\\ell = (A^{\\ell-1})^\\top\\delta^\\ell` and
        :math:`\\partial E/\\partial b^\\ell` = column sums of :math:`\\delta^\\ell`.
    deltas : list of ndarray
        :math:`\\delta^1, \\dots, \\delta^L`, each of shape ``(m, n_l)``.
    """
    _check_params(params, activations)
    if not isinstance(cache, Cache):
        raise TypeError(f"cache must be the Cache that forward returned, got {type(cache).__name__}")
    grad_output = as_float_array("grad_output", grad_output)
    if grad_output.shape != cache.output.shape:
        raise ValueError(
            f"grad_output must have the shape of the network output {cache.output.shape}, "
            f"got {grad_output.shape}")
    return _backward(params, cache, grad_output, activations)


def _backward(params, cache, grad_output, activations):
    L = len(params)
    deltas = [None] * L
    grads = [None] * L
    fprime = _ACT[activations[-1]][1]
    delta = fprime(cache.zs[-1], cache.activations[-1]) * grad_output        # delta^L
    for ell in range(L - 1, -1, -1):                                          # layers L..1
        deltas[ell] = delta
        grads[ell] = (cache.activations[ell].T @ delta, delta.sum(axis=0))    # outer products
        if ell > 0:
            fprime = _ACT[activations[ell - 1]][1]
            W = params[ell][0]
            delta = fprime(cache.zs[ell - 1], cache.activations[ell]) * (delta @ W.T)
    return grads, deltas


_LOSSES = {"half_sse": half_sse, "bce_with_logits": bce_with_logits,
           "cross_entropy_with_logits": cross_entropy_with_logits}


def loss_and_grads(params, X, t, activations, loss: str = "half_sse", reduction: str = "sum"):
    """One forward and one backward pass: returns ``(E, grads)``.

    ``loss`` names one of :func:`~nnlib.functional.half_sse`, :func:`~nnlib.functional.bce_with_logits` (use an ``"identity"``
    last layer: the loss takes logits) or :func:`~nnlib.functional.cross_entropy_with_logits`.
    """
    check_choice("loss", loss, tuple(_LOSSES))
    check_choice("reduction", reduction, REDUCTIONS)
    cache = forward(params, X, activations)
    E, grad_out = _LOSSES[loss](cache.output, t, reduction)
    grads, _ = backward(params, cache, grad_out, activations)
    return E, grads


def flatten_params(params) -> np.ndarray:
    """Concatenate all ``W`` and ``b`` into one vector (for finite differences)."""
    if isinstance(params, (str, bytes)) or not hasattr(params, "__len__") or len(params) == 0:
        raise TypeError(f"params must be a non-empty list of (W, b) pairs, got {params!r}")
    return np.concatenate([np.ravel(p) for layer in params for p in layer])


def unflatten_params(theta, like):
    """Inverse of :func:`flatten_params`: cut ``theta`` into the shapes of ``like``."""
    theta = as_float_array("theta", theta)
    if isinstance(like, (str, bytes)) or not hasattr(like, "__len__") or len(like) == 0:
        raise TypeError(f"like must be a non-empty list of (W, b) pairs, got {like!r}")
    n = sum(np.size(p) for layer in like for p in layer)
    if theta.shape != (n,):
        raise ValueError(f"theta must have shape ({n},) to fill the parameters, got {theta.shape}")
    out, k = [], 0
    for W, b in like:
        W_new = theta[k:k + np.size(W)].reshape(np.shape(W))
        k += np.size(W)
        b_new = theta[k:k + np.size(b)].reshape(np.shape(b))
        k += np.size(b)
        out.append((W_new, b_new))
    return out


@dataclass
class GDResult:
    """Result of :func:`gradient_descent`.

    Attributes
    ----------
    params : list of (W, b)
        The final parameters.
    losses : list of float
        The loss before every update, plus the loss at the final parameters.
    converged : bool
        Whether the loss fell below ``tol``. Then ``len(losses) - 1`` is the number of
        updates (epochs of full-batch descent) it took.
    """

    params: list
    losses: list
    converged: bool

    @property
    def epochs(self) -> int:
        """Number of parameter updates that were made."""
        return len(self.losses) - 1


def gradient_descent(params, X, t, activations, *, lr: float, epochs: int,
                     loss: str = "half_sse", reduction: str = "sum", tol: float | None = None):
    """Full-batch gradient descent :math:`\\theta \\leftarrow \\theta - \\eta \\nabla E(\\theta)`.

    With ``reduction="sum"`` the gradient is summed over the examples, as in the worked
    examples of chapter 03. Stops after ``epochs`` updates, or as soon as the loss is below
    ``tol``. The input ``params`` are not modified. Returns a :class:`GDResult`.
    """
    lr = check_positive("lr", lr)
    epochs = check_positive_int("epochs", epochs)
    if tol is not None:
        tol = check_non_negative("tol", tol)
    _check_params(params, activations)
    params = [(np.array(W, dtype=float), np.array(b, dtype=float)) for W, b in params]
    X = as_float_array("X", X)
    E, grads = loss_and_grads(params, X, t, activations, loss, reduction)   # validates once
    losses = []
    for _ in range(epochs + 1):
        if losses:   # later epochs skip the input checks
            cache = _forward(params, X, activations)
            E, grad_out = _LOSSES[loss](cache.output, t, reduction)
            grads, _ = _backward(params, cache, grad_out, activations)
        losses.append(E)
        if not np.isfinite(E) or (tol is not None and E < tol) or len(losses) == epochs + 1:
            break
        params = [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads)]
    return GDResult(params, losses, tol is not None and losses[-1] < tol)
