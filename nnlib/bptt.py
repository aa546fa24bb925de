"""Back-propagation through time for the Elman network, by hand in numpy (chapter 11).

The network (rows are examples of a batch, columns are units)

.. math::
    \\mathbf a_t = U \\mathbf x_t + W \\mathbf h_{t-1} + \\mathbf b, \\qquad
    \\mathbf h_t = \\tanh(\\mathbf a_t),

    \\mathbf y_t = V \\mathbf h_t + \\mathbf c, \\qquad t = 1, \\dots, T,

and a loss :math:`E = \\sum_t L_t(\\mathbf y_t)` summed over time. Unrolled in time it
is a deep feed-forward network whose layers share :math:`U, W, V, \\mathbf b, \\mathbf c`,
so ordinary back-propagation applies, running backwards from :math:`t = T` to 1:

.. math::
    \\frac{\\partial E}{\\partial \\mathbf h_t} = V^\\top \\boldsymbol\\delta^y_t
        + W^\\top \\boldsymbol\\delta^a_{t+1}, \\qquad
    \\boldsymbol\\delta^a_t = (1 - \\mathbf h_t^2) \\odot \\frac{\\partial E}{\\partial \\mathbf h_t},

with :math:`\\boldsymbol\\delta^y_t = \\partial E / \\partial \\mathbf y_t` and
:math:`\\boldsymbol\\delta^a_{T+1} = \\mathbf 0`. The weight gradients are sums over time of
outer products, e.g. :math:`\\partial E/\\partial W = \\sum_t \\boldsymbol\\delta^a_t \\mathbf h_{t-1}^\\top`.
Derived in chapter 11 ("Back-propagation through time"); the same network in torch is
:class:`nnlib.models.ElmanRNN`, and the tests check these gradients against autograd.

Also here: the product of Jacobians :math:`\\partial \\mathbf h_T / \\partial \\mathbf h_t` whose
norm vanishes or explodes with the lag :math:`T - t` (chapter 11, "Vanishing and exploding
gradients"), clipping by the global gradient norm (:func:`clip_grad_norm`) and the batching of
one long stream for truncated BPTT (:func:`stream_windows`). This module uses numpy only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from ._random import as_generator
from ._checks import as_float_array, check_choice, check_finite, check_non_negative, check_positive_int
from .functional import half_sse

__all__ = [
    "RNNCache",
    "init_rnn",
    "rnn_forward",
    "bptt",
    "sequence_half_sse",
    "loss_and_grads",
    "random_recurrent_matrix",
    "spectral_radius",
    "jacobian_norms",
    "clip_grad_norm",
    "stream_windows",
]

PARAM_NAMES = ("U", "W", "V", "b", "c")


class RNNCache(NamedTuple):
    """What the forward pass keeps for the backward pass.

    ``X`` (B, T, input_size) the inputs; ``H`` (B, T + 1, hidden_size) the hidden states
    :math:`\\mathbf h_0, \\dots, \\mathbf h_T` (``H[:, 0]`` is the initial state);
    ``Y`` (B, T, output_size) the outputs :math:`\\mathbf y_1, \\dots, \\mathbf y_T`.
    """

    X: np.ndarray
    H: np.ndarray
    Y: np.ndarray


def _check_params(params: dict) -> tuple[int, int, int]:
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict with the keys {list(PARAM_NAMES)} (see init_rnn), "
                        f"got {type(params).__name__}")
    missing = [k for k in PARAM_NAMES if k not in params]
    if missing:
        raise ValueError(f"params needs the keys {list(PARAM_NAMES)}; missing {missing}")
    U, W, V, b, c = (as_float_array(f"params[{k!r}]", params[k]) for k in PARAM_NAMES)
    if U.ndim != 2 or V.ndim != 2:
        raise ValueError(f"params: U and V must be matrices, got shapes {U.shape} and {V.shape}")
    hidden_size, input_size = U.shape
    output_size = V.shape[0]
    expected = {"W": (hidden_size, hidden_size), "V": (output_size, hidden_size), "b": (hidden_size,), "c": (output_size,)}
    for name, p in zip("WVbc", (W, V, b, c)):
        if p.shape != expected[name]:
            raise ValueError(f"params: {name} must have shape {expected[name]} to match U {U.shape} and "
                             f"V {V.shape}, got {p.shape}")
    return input_size, hidden_size, output_size


def _check_cache(cache) -> RNNCache:
    if not isinstance(cache, RNNCache):
        raise TypeError(f"cache must be the RNNCache that rnn_forward returned, got {type(cache).__name__}")
    return cache


def init_rnn(input_size: int, hidden_size: int, output_size: int, rng=None, *,
             spectral_radius: float | None = None) -> dict:
    """Random parameters ``{"U", "W", "V", "b", "c"}`` of an Elman network (float64).

    Weights are uniform in :math:`\\pm 1/\\sqrt{n_{hidden}}` (like ``torch.nn.RNN``), biases
    zero. With ``spectral_radius``, :math:`W` is replaced by :func:`random_recurrent_matrix`
    with that spectral radius.
    """
    input_size, hidden_size, output_size = (check_positive_int(k, v) for k, v in
                             (("input_size", input_size), ("hidden_size", hidden_size), ("output_size", output_size)))
    rng = as_generator(rng)
    bound = 1.0 / np.sqrt(hidden_size)
    params = {"U": rng.uniform(-bound, bound, (hidden_size, input_size)),
              "W": rng.uniform(-bound, bound, (hidden_size, hidden_size)),
              "V": rng.uniform(-bound, bound, (output_size, hidden_size)),
              "b": np.zeros(hidden_size), "c": np.zeros(output_size)}
    if spectral_radius is not None:
        params["W"] = random_recurrent_matrix(hidden_size, spectral_radius, rng)
    return params


def rnn_forward(params: dict, X, h0=None) -> RNNCache:
    """Forward pass over a batch of sequences ``X`` (B, T, input_size); ``h0`` (B, hidden_size) defaults to zeros."""
    input_size, hidden_size, _ = _check_params(params)
    X = as_float_array("X", X)
    if X.ndim != 3 or X.shape[2] != input_size:
        raise ValueError(f"rnn_forward: X must have shape (batch, time, {input_size}), got {X.shape}")
    B, T, _ = X.shape
    H = np.zeros((B, T + 1, hidden_size))
    if h0 is not None:
        h0 = as_float_array("h0", h0)
        if h0.shape != (B, hidden_size):
            raise ValueError(f"rnn_forward: h0 must have shape ({B}, {hidden_size}), got {h0.shape}")
        H[:, 0] = h0
    U, W, V, b, c = (params[k] for k in PARAM_NAMES)
    for t in range(1, T + 1):
        H[:, t] = np.tanh(X[:, t - 1] @ U.T + H[:, t - 1] @ W.T + b)
    Y = H[:, 1:] @ V.T + c
    return RNNCache(X, H, Y)


def bptt(params: dict, cache: RNNCache, dY) -> dict:
    """Back-propagation through time: the gradients of :math:`E` given :math:`\\partial E/\\partial \\mathbf y_t`.

    Parameters
    ----------
    params : dict
        ``U, W, V, b, c`` as for :func:`rnn_forward`.
    cache : RNNCache
        From :func:`rnn_forward` with the same parameters.
    dY : array (B, T, output_size)
        :math:`\\partial E/\\partial \\mathbf y_t` for every example and step (zeros where a step
        has no loss, e.g. all but the last for a sequence classifier).

    Returns
    -------
    dict
        ``"U", "W", "V", "b", "c"``: gradients of the parameters (summed over the batch and
        time); ``"h"`` (B, T, hidden_size): :math:`\\partial E/\\partial \\mathbf h_t` for
        :math:`t = 1..T`; ``"h0"`` (B, hidden_size): :math:`\\partial E/\\partial \\mathbf h_0`.
    """
    _check_params(params)
    X, H, Y = _check_cache(cache)
    dY = as_float_array("dY", dY)
    if dY.shape != Y.shape:
        raise ValueError(f"bptt: dY must have the shape of the outputs {Y.shape}, got {dY.shape}")
    W, V = params["W"], params["V"]
    B, T, _ = X.shape
    grads = {k: np.zeros_like(params[k], dtype=float) for k in PARAM_NAMES}
    grads["V"] = np.einsum("bto,bth->oh", dY, H[:, 1:])
    grads["c"] = dY.sum(axis=(0, 1))
    dH = np.zeros((B, T, H.shape[2]))
    delta_next = np.zeros((B, H.shape[2]))  # dE/da_{t+1}; zero beyond the last step
    for t in range(T, 0, -1):
        dh = dY[:, t - 1] @ V + delta_next @ W  # dE/dh_t: through y_t and through h_{t+1}
        dH[:, t - 1] = dh
        delta = (1.0 - H[:, t] ** 2) * dh  # dE/da_t
        grads["W"] += delta.T @ H[:, t - 1]
        grads["U"] += delta.T @ X[:, t - 1]
        grads["b"] += delta.sum(axis=0)
        delta_next = delta
    grads["h"] = dH
    grads["h0"] = delta_next @ W
    return grads


def sequence_half_sse(Y, targets, weights=None):
    """:math:`E = \\tfrac12 \\sum_{t} \\alpha_t \\sum_{n, k} (y_{ntk} - \\tau_{ntk})^2` and ``dE/dY``.

    :func:`nnlib.functional.half_sse` with one weight :math:`\\alpha_t` per time step
    (``weights``, length T, default all ones); a zero weight leaves a step out of the
    loss. ``Y`` and ``targets`` have shape (batch, time, outputs). Returns ``(E, dY)``.
    """
    Y = as_float_array("Y", Y)
    if Y.ndim != 3:
        raise ValueError(f"sequence_half_sse: outputs Y must have shape (batch, time, outputs), got shape {Y.shape}")
    alpha = np.ones(Y.shape[1]) if weights is None else as_float_array("weights", weights)
    if alpha.shape != (Y.shape[1],):
        raise ValueError(f"half_sse: weights must have shape ({Y.shape[1]},) (one per step), got {alpha.shape}")
    targets = as_float_array("targets", targets)
    if targets.shape != Y.shape:
        raise ValueError(f"sequence_half_sse: targets must have the shape of the outputs Y {Y.shape}, got {targets.shape}")
    return half_sse(Y, targets, weights=alpha[None, :, None])


def loss_and_grads(params: dict, X, targets, weights=None, h0=None):
    """Forward pass, :func:`sequence_half_sse` and :func:`bptt` in one call: returns ``(E, grads, cache)``."""
    cache = rnn_forward(params, X, h0)
    E, dY = sequence_half_sse(cache.Y, targets, weights)
    return E, bptt(params, cache, dY), cache


def spectral_radius(W) -> float:
    """The largest absolute eigenvalue :math:`\\rho(W) = \\max_k |\\lambda_k|`."""
    W = as_float_array("W", W)
    if W.ndim != 2 or W.shape[0] != W.shape[1]:
        raise ValueError(f"spectral_radius: W must be a square matrix, got shape {W.shape}")
    check_finite("W", W)
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def random_recurrent_matrix(n: int, spectral_radius: float, rng=None) -> np.ndarray:
    """A random Gaussian :math:`n \\times n` matrix rescaled to the given spectral radius (>= 0)."""
    n = check_positive_int("n", n)
    rho = check_non_negative("spectral_radius", spectral_radius)
    G = as_generator(rng).standard_normal((n, n)) / np.sqrt(n)
    return G * (rho / np.max(np.abs(np.linalg.eigvals(G))))


def jacobian_norms(W, H, activation: str = "tanh") -> np.ndarray:
    """Norms of :math:`\\partial \\mathbf h_T / \\partial \\mathbf h_{T-k}` along one trajectory, :math:`k = 0..T`.

    For :math:`\\mathbf h_t = \\phi(U\\mathbf x_t + W\\mathbf h_{t-1} + \\mathbf b)` the chain rule gives
    a product of one Jacobian per step,

    .. math::
        \\frac{\\partial \\mathbf h_T}{\\partial \\mathbf h_{T-k}} = \\prod_{s=T-k+1}^{T}
        \\operatorname{diag}\\big(\\phi'(\\mathbf a_s)\\big)\\, W
        \\quad(\\text{latest step on the left}),

    with :math:`\\phi'(\\mathbf a_s) = 1 - \\mathbf h_s^2` for tanh and 1 for a linear network.

    Parameters
    ----------
    W : array (n, n)
    H : array (T + 1, n)
        The states :math:`\\mathbf h_0, \\dots, \\mathbf h_T` of one sequence (only used for tanh).
    activation : {"tanh", "linear"}

    Returns
    -------
    ndarray (T + 1,)
        Spectral norms; entry ``k`` belongs to the lag ``k`` (entry 0 is :math:`\\|I\\| = 1`).
    """
    check_choice("activation", activation, ("tanh", "linear"))
    W, H = check_finite("W", W), as_float_array("H", H)
    if W.ndim != 2 or W.shape[0] != W.shape[1] or H.ndim != 2 or H.shape[1] != W.shape[0]:
        raise ValueError(f"jacobian_norms: W must be (n, n) and H (T + 1, n); got W {W.shape}, H {H.shape}")
    T = H.shape[0] - 1
    J = np.eye(W.shape[0])
    norms = np.ones(T + 1)
    for k in range(1, T + 1):
        s = T - k + 1  # the step whose Jacobian joins the product on the right
        step = W if activation == "linear" else (1.0 - H[s] ** 2)[:, None] * W
        J = J @ step
        norms[k] = np.linalg.norm(J, 2)
    return norms


def clip_grad_norm(grads: dict, max_norm: float, eps: float = 0.0) -> tuple[dict, float]:
    """Clip gradients by their global norm: :math:`\\mathbf g \\leftarrow \\mathbf g \\cdot \\min(1, \\tau / \\|\\mathbf g\\|)`.

    :math:`\\|\\mathbf g\\|` is the Euclidean norm of all parameter gradients together (the
    entries of every array in ``grads`` whose key is in ``U, W, V, b, c``, as if they were one
    vector). Every array is multiplied by the same factor, so the direction of the step is kept
    and only its length is capped at :math:`\\tau` = ``max_norm`` (``inf``: no clipping).
    Pascanu et al. (2013); derived in chapter 11 ("Gradient clipping").
    ``torch.nn.utils.clip_grad_norm_`` divides by :math:`\\|\\mathbf g\\| + 10^{-6}`;
    ``eps=1e-6`` reproduces it exactly.

    Returns ``(clipped, norm)``: a new dict with the clipped parameter gradients and the norm
    :math:`\\|\\mathbf g\\|` *before* clipping (what one monitors for explosions).
    """
    tau = as_float_array("max_norm", max_norm)
    if tau.ndim != 0 or not tau >= 0:  # inf is allowed: no clipping
        raise ValueError(f"max_norm must be a number >= 0 (inf: no clipping), got {max_norm!r}")
    tau, eps = float(tau), check_non_negative("eps", eps)
    if not isinstance(grads, Mapping):
        raise TypeError(f"grads must be a dict of gradients (keys U, W, V, b, c), got {type(grads).__name__}")
    keys = [k for k in PARAM_NAMES if k in grads]
    if not keys:
        raise ValueError(f"grads needs at least one of the keys {list(PARAM_NAMES)}; got {sorted(grads)}")
    arrays = {k: as_float_array(f"grads[{k!r}]", grads[k]) for k in keys}
    norm = float(np.sqrt(sum(np.sum(a * a) for a in arrays.values())))
    factor = min(1.0, tau / (norm + eps)) if norm + eps > 0 else 1.0
    return {k: a * factor for k, a in arrays.items()}, norm


def stream_windows(stream, batch_size: int, window: int) -> np.ndarray:
    """Cut one long sequence into ``batch_size`` parallel sub-streams and those into windows, for truncated BPTT.

    The stream of :math:`N` steps is split into :math:`B` = ``batch_size`` consecutive pieces of
    :math:`L = \\lfloor N / B \\rfloor` steps (the last :math:`N - BL` steps are dropped), one per
    row of a batch, and each piece is cut into :math:`\\lfloor L / k \\rfloor` windows of
    :math:`k` = ``window`` steps (the remainder is dropped). Window :math:`j + 1` of row
    :math:`b` continues window :math:`j` of the same row, so the hidden state at the end of
    window :math:`j` is the right initial state for window :math:`j + 1`: truncated BPTT carries
    it over and back-propagates only inside a window (chapter 11, "Truncated BPTT"; the scheme
    of the NYU deep-learning notes, Canziani et al., 2019).

    Parameters
    ----------
    stream : array (N, ...)
        One long sequence, time on the first axis (e.g. inputs (N, input_size)).
    batch_size, window : int

    Returns
    -------
    ndarray (n_windows, batch_size, window, ...)
        ``out[j, b] = stream[b L + j k : b L + (j + 1) k]``; ``out[j]`` is the batch of step
        :math:`j`, in the batch-first layout of :func:`rnn_forward`.
    """
    stream = as_float_array("stream", stream)
    batch_size = check_positive_int("batch_size", batch_size)
    window = check_positive_int("window", window)
    if stream.ndim < 1:
        raise ValueError("stream must have a time axis (shape (N, ...)), got a scalar")
    length = stream.shape[0] // batch_size
    if length < window:
        raise ValueError(f"stream of {stream.shape[0]} steps is too short for batch_size={batch_size} and "
                         f"window={window}: each sub-stream needs at least {window} steps")
    n_windows = length // window
    rows = stream[:batch_size * length].reshape(batch_size, length, *stream.shape[1:])
    out = rows[:, :n_windows * window].reshape(batch_size, n_windows, window, *stream.shape[1:])
    return np.ascontiguousarray(out.swapaxes(0, 1))
