"""Attention from scratch in numpy: the modern Hopfield update and the transformer's attention (chapter 13).

* :func:`hopfield_energy` and :func:`hopfield_update` -- the modern (continuous) Hopfield
  network of Ramsauer et al. (2021), with the log-sum-exp energy

  .. math::
      E(\\boldsymbol\\xi) = -\\beta^{-1} \\log \\sum_{\\mu=1}^{M} \\exp(\\beta\\, \\mathbf x_\\mu^\\top \\boldsymbol\\xi)
      + \\tfrac12 \\boldsymbol\\xi^\\top \\boldsymbol\\xi

  and its update :math:`\\boldsymbol\\xi^{new} = X^\\top \\operatorname{softmax}(\\beta X \\boldsymbol\\xi)`.
* :func:`scaled_dot_product_attention` and :func:`scaled_dot_product_attention_backward` --
  :math:`\\operatorname{softmax}(Q K^\\top / \\sqrt d)\\, V` (Vaswani et al., 2017) and its
  gradients with respect to :math:`Q, K, V`.
* :func:`multi_head_attention` and :func:`multi_head_attention_backward` -- several heads
  with explicit projections :math:`W_q, W_k, W_v, W_o` and biases, laid out like
  ``torch.nn.MultiheadAttention``.
* :func:`causal_mask` and :func:`positional_encoding` (sinusoidal).

All functions are batch-first: a sequence is an array ``(..., T, d)``. Nothing here imports torch.
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_budget, check_positive, check_positive_int
from .functional import softmax

__all__ = ["hopfield_energy", "hopfield_update", "causal_mask", "scaled_dot_product_attention",
           "scaled_dot_product_attention_backward", "multi_head_attention", "multi_head_attention_backward",
           "positional_encoding", "MHA_PARAMS"]

#: Names of the parameters of :func:`multi_head_attention`, in order.
MHA_PARAMS = ("W_q", "W_k", "W_v", "W_o", "b_q", "b_k", "b_v", "b_o")


def _patterns_and_state(X, xi):
    X = as_float_array("X", X)
    xi = as_float_array("xi", xi)
    if X.ndim != 2:
        raise ValueError(f"X must be a matrix of stored patterns, shape (M, N), got shape {X.shape}")
    if xi.ndim not in (1, 2) or xi.shape[-1] != X.shape[1]:
        raise ValueError(f"xi must have shape ({X.shape[1]},) or (B, {X.shape[1]}) to match X of shape "
                         f"{X.shape}, got shape {xi.shape}")
    return X, xi


def hopfield_energy(X, xi, beta: float):
    """Energy of the modern Hopfield network (chapter 13, eq. ``eq-13-energy``).

    .. math::
        E(\\boldsymbol\\xi) = -\\beta^{-1} \\log \\sum_{\\mu} \\exp(\\beta\\, \\mathbf x_\\mu^\\top \\boldsymbol\\xi)
        + \\tfrac12 \\boldsymbol\\xi^\\top \\boldsymbol\\xi

    (the constant of Ramsauer et al., 2021, which does not depend on :math:`\\boldsymbol\\xi`, is dropped).

    Parameters
    ----------
    X : array (M, N)
        The stored patterns, one per row.
    xi : array (N,) or (B, N)
        State(s).
    beta : float > 0
        Inverse temperature.

    Returns
    -------
    float, or array (B,) for a batch of states.
    """
    X, xi = _patterns_and_state(X, xi)
    beta = check_positive("beta", beta)
    s = beta * xi @ X.T  # (..., M)
    top = s.max(axis=-1, keepdims=True)
    lse = (top + np.log(np.exp(s - top).sum(axis=-1, keepdims=True)))[..., 0]
    E = -lse / beta + 0.5 * np.sum(xi * xi, axis=-1)
    return float(E) if np.ndim(E) == 0 else E


def hopfield_update(X, xi, beta: float, steps: int = 1, return_weights: bool = False):
    """The update of the modern Hopfield network (chapter 13, eq. ``eq-13-update``).

    .. math::
        \\boldsymbol\\xi^{new} = X^\\top \\operatorname{softmax}(\\beta X \\boldsymbol\\xi)

    One step of the concave-convex procedure on :func:`hopfield_energy`: it never raises the
    energy, and it is attention with the state as query and the patterns as keys and values.

    Parameters
    ----------
    X : array (M, N)
    xi : array (N,) or (B, N)
    beta : float > 0
    steps : int >= 1
        Number of updates applied in turn.
    return_weights : bool
        Also return the softmax weights of the last step, shape (M,) or (B, M).

    Returns
    -------
    xi_new : array of the shape of ``xi``, or ``(xi_new, weights)``.
    """
    X, xi = _patterns_and_state(X, xi)
    beta = check_positive("beta", beta)
    steps = check_positive_int("steps", steps)
    if not isinstance(return_weights, (bool, np.bool_)):
        raise TypeError(f"return_weights must be True or False, got {type(return_weights).__name__} {return_weights!r}")
    for _ in range(steps):
        p = softmax(beta * xi @ X.T, axis=-1)
        xi = p @ X
    return (xi, p) if return_weights else xi


def causal_mask(T: int) -> np.ndarray:
    """Boolean (T, T) mask, True where query ``t`` may attend to key ``s`` (``s <= t``), chapter 13."""
    T = check_positive_int("T", T)
    check_budget("causal_mask", T * T, "MAX_ELEMENTS", "entries")
    return np.tril(np.ones((T, T), dtype=bool))


def _check_mask(mask, Tq: int, Tk: int):
    if mask is None:
        return None
    if isinstance(mask, str):
        if mask != "causal":
            raise ValueError(f"mask must be None, 'causal' or a boolean array, got {mask!r}")
        if Tq != Tk:
            raise ValueError(f"mask='causal' needs as many queries as keys, got {Tq} and {Tk}")
        return causal_mask(Tq)
    m = np.asarray(mask)
    if m.dtype != bool:
        raise TypeError(f"mask must be a boolean array (True = may attend), got dtype {m.dtype}")
    if m.shape[-2:] != (Tq, Tk):
        raise ValueError(f"mask must end in shape ({Tq}, {Tk}) (queries, keys), got shape {m.shape}")
    if not m.any(axis=-1).all():
        raise ValueError("mask: every query must be allowed to attend to at least one key (a row of False "
                         "would divide by zero in the softmax)")
    return m


def scaled_dot_product_attention(q, k, v, mask=None):
    """Scaled dot-product attention (chapter 13, eq. ``eq-13-attention``).

    .. math::
        A = \\operatorname{softmax}\\!\\Big(\\frac{Q K^\\top}{\\sqrt d}\\Big), \\qquad
        \\operatorname{Attention}(Q, K, V) = A V,

    with the softmax over the keys (last axis) and :math:`d` the width of queries and keys.

    Parameters
    ----------
    q : array (..., T_q, d)
    k : array (..., T_k, d)
    v : array (..., T_k, d_v)
    mask : None, "causal" or boolean array (..., T_q, T_k)
        True where a query may attend to a key (torch's convention for boolean masks);
        masked scores are set to :math:`-\\infty` before the softmax.

    Returns
    -------
    out : array (..., T_q, d_v)
    weights : array (..., T_q, T_k)
        The attention matrix :math:`A`; each row sums to 1.
    """
    q, k, v = (as_float_array(n, a) for n, a in (("q", q), ("k", k), ("v", v)))
    if q.ndim < 2 or k.ndim < 2 or v.ndim < 2:
        raise ValueError(f"q, k, v must be at least 2-D (..., T, d), got shapes {q.shape}, {k.shape}, {v.shape}")
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"q and k must have the same width d, got {q.shape[-1]} and {k.shape[-1]}")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(f"k and v must have the same number of steps, got {k.shape[-2]} and {v.shape[-2]}")
    if q.shape[-1] == 0:
        raise ValueError("q and k must have width d >= 1")
    m = _check_mask(mask, q.shape[-2], k.shape[-2])
    S = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if m is not None:
        S = np.where(m, S, -np.inf)
    A = softmax(S, axis=-1)
    return A @ v, A


def scaled_dot_product_attention_backward(dout, q, k, v, weights):
    """Gradients of scaled dot-product attention (chapter 13, eq. ``eq-13-attention-grad``).

    With :math:`S = Q K^\\top/\\sqrt d`, :math:`A = \\operatorname{softmax}(S)` row-wise,
    :math:`O = A V` and the upstream gradient :math:`\\bar O = \\partial L/\\partial O`:

    .. math::
        \\bar V = A^\\top \\bar O, \\quad \\bar A = \\bar O V^\\top,

        \\bar S = A \\odot \\big(\\bar A - (\\bar A \\odot A)\\mathbf 1 \\mathbf 1^\\top\\big),

        \\bar Q = \\bar S K / \\sqrt d, \\quad \\bar K = \\bar S^\\top Q / \\sqrt d.

    The third equation is the softmax Jacobian :math:`\\operatorname{diag}(\\mathbf a) - \\mathbf a \\mathbf a^\\top`
    applied to each row. Masked entries have :math:`A = 0` and so get no gradient.

    Parameters
    ----------
    dout : array (..., T_q, d_v)
    q, k, v : the inputs of :func:`scaled_dot_product_attention`
    weights : array (..., T_q, T_k), the weights it returned

    Returns
    -------
    dq, dk, dv : arrays of the shapes of ``q``, ``k``, ``v``
    """
    dout, q, k, v, A = (as_float_array(n, a) for n, a in
                        (("dout", dout), ("q", q), ("k", k), ("v", v), ("weights", weights)))
    if min(a.ndim for a in (dout, q, k, v, A)) < 2:
        raise ValueError("dout, q, k, v and weights must have at least 2 dimensions (..., T, d), got shapes "
                         f"{dout.shape}, {q.shape}, {k.shape}, {v.shape} and {A.shape}")
    if A.shape[-2:] != (q.shape[-2], k.shape[-2]) or dout.shape[-2:] != (q.shape[-2], v.shape[-1]):
        raise ValueError(f"weights must end in shape ({q.shape[-2]}, {k.shape[-2]}) and dout in "
                         f"({q.shape[-2]}, {v.shape[-1]}), got {A.shape} and {dout.shape}")
    scale = 1.0 / np.sqrt(q.shape[-1])
    dv = np.swapaxes(A, -1, -2) @ dout
    dA = dout @ np.swapaxes(v, -1, -2)
    dS = A * (dA - np.sum(dA * A, axis=-1, keepdims=True))
    dq = dS @ k * scale
    dk = np.swapaxes(dS, -1, -2) @ q * scale
    return dq, dk, dv


def _mha_params(params, d_model: int):
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict with keys {MHA_PARAMS}, got {type(params).__name__}")
    missing = [n for n in MHA_PARAMS if n not in params]
    if missing:
        raise ValueError(f"params is missing {missing}; it needs {MHA_PARAMS}")
    P = {n: as_float_array(f"params[{n!r}]", params[n]) for n in MHA_PARAMS}
    for n in MHA_PARAMS:
        want = (d_model, d_model) if n.startswith("W") else (d_model,)
        if P[n].shape != want:
            raise ValueError(f"params[{n!r}] must have shape {want} for inputs of width {d_model}, got {P[n].shape}")
    return P


def _split(x, h):  # (B, T, d) -> (B, h, T, d/h)
    B, T, d = x.shape
    return x.reshape(B, T, h, d // h).transpose(0, 2, 1, 3)


def _merge(x):  # (B, h, T, d/h) -> (B, T, d)
    B, h, T, dh = x.shape
    return x.transpose(0, 2, 1, 3).reshape(B, T, h * dh)


def _mha_inputs(query, key, value, num_heads):
    query, key, value = (as_float_array(n, a) for n, a in (("query", query), ("key", key), ("value", value)))
    for n, a in (("query", query), ("key", key), ("value", value)):
        if a.ndim != 3:
            raise ValueError(f"{n} must have shape (batch, T, d_model), got shape {a.shape}")
    if key.shape != value.shape or query.shape[0] != key.shape[0] or query.shape[2] != key.shape[2]:
        raise ValueError(f"query (B, T_q, d), key and value (B, T_k, d) must agree, got shapes "
                         f"{query.shape}, {key.shape}, {value.shape}")
    num_heads = check_positive_int("num_heads", num_heads)
    if query.shape[2] % num_heads:
        raise ValueError(f"num_heads must divide d_model={query.shape[2]}, got num_heads={num_heads}")
    return query, key, value, num_heads


def multi_head_attention(query, key, value, params, num_heads: int, mask=None):
    """Multi-head attention with explicit weights (chapter 13, eq. ``eq-13-mha``).

    .. math::
        \\operatorname{head}_i = \\operatorname{Attention}(Q_i, K_i, V_i),

        [Q_1 \\dots Q_h] = X_q W_q^\\top + \\mathbf b_q \\ \\text{(same for } K, V),

        \\operatorname{out} = [\\operatorname{head}_1 \\dots \\operatorname{head}_h] W_o^\\top + \\mathbf b_o.

    Weights act like ``torch.nn.Linear`` (``x @ W.T + b``): ``W_q, W_k, W_v`` are the three
    blocks of ``torch.nn.MultiheadAttention.in_proj_weight`` and ``W_o`` its ``out_proj.weight``.

    Parameters
    ----------
    query : array (B, T_q, d_model)
    key, value : arrays (B, T_k, d_model)
    params : dict with ``W_q, W_k, W_v, W_o`` (d_model, d_model) and ``b_q, b_k, b_v, b_o`` (d_model,)
    num_heads : int, a divisor of d_model; each head has width d_model / num_heads
    mask : None, "causal" or boolean (T_q, T_k), True = may attend

    Returns
    -------
    out : array (B, T_q, d_model)
    weights : array (B, num_heads, T_q, T_k), the attention matrix of each head
    """
    query, key, value, h = _mha_inputs(query, key, value, num_heads)
    P = _mha_params(params, query.shape[2])
    Q, K, V = (_split(x @ P["W_" + n].T + P["b_" + n], h) for x, n in ((query, "q"), (key, "k"), (value, "v")))
    heads, A = scaled_dot_product_attention(Q, K, V, mask)
    return _merge(heads) @ P["W_o"].T + P["b_o"], A


def multi_head_attention_backward(dout, query, key, value, params, num_heads: int, mask=None):
    """Gradients of :func:`multi_head_attention` (chapter 13): the chain rule through its four steps.

    Projections (``y = x W^T + b``: :math:`\\bar W = \\bar Y^\\top X`, :math:`\\bar{\\mathbf b} = \\mathbf 1^\\top \\bar Y`,
    :math:`\\bar X = \\bar Y W`), the split into heads, and
    :func:`scaled_dot_product_attention_backward` in every head. The forward pass is recomputed.

    Returns
    -------
    grads : dict
        ``"query"``, ``"key"``, ``"value"`` (the inputs' gradients; when the same array is passed
        for all three, as in self-attention, its gradient is their sum) and one entry per name in
        :data:`MHA_PARAMS`.
    """
    query, key, value, h = _mha_inputs(query, key, value, num_heads)
    P = _mha_params(params, query.shape[2])
    dout = as_float_array("dout", dout)
    if dout.shape != query.shape:
        raise ValueError(f"dout must have the shape of the output {query.shape}, got {dout.shape}")
    inputs = {"q": query, "k": key, "v": value}
    proj = {n: inputs[n] @ P["W_" + n].T + P["b_" + n] for n in "qkv"}
    Q, K, V = (_split(proj[n], h) for n in "qkv")
    heads, A = scaled_dot_product_attention(Q, K, V, mask)
    concat = _merge(heads)
    grads = {"W_o": np.einsum("bti,btj->ij", dout, concat), "b_o": dout.sum(axis=(0, 1))}
    dQ, dK, dV = scaled_dot_product_attention_backward(_split(dout @ P["W_o"], h), Q, K, V, A)
    for n, dX, name in (("q", dQ, "query"), ("k", dK, "key"), ("v", dV, "value")):
        dproj = _merge(dX)
        grads["W_" + n] = np.einsum("bti,btj->ij", dproj, inputs[n])
        grads["b_" + n] = dproj.sum(axis=(0, 1))
        grads[name] = dproj @ P["W_" + n]
    return grads


def positional_encoding(T: int, d: int) -> np.ndarray:
    """Sinusoidal positional encoding (chapter 13, eq. ``eq-13-posenc``; Vaswani et al., 2017).

    .. math::
        P_{t, 2i} = \\sin(t / 10000^{2i/d}), \\qquad P_{t, 2i+1} = \\cos(t / 10000^{2i/d}),

        t = 0, \\dots, T-1.

    Parameters
    ----------
    T : int >= 1, number of positions
    d : int >= 1, width (an odd ``d`` drops the last cosine)

    Returns
    -------
    array (T, d)
    """
    T = check_positive_int("T", T)
    d = check_positive_int("d", d)
    check_budget("positional_encoding", T * d, "MAX_ELEMENTS", "entries")
    t = np.arange(T)[:, None]
    freq = 10000.0 ** (-np.arange(0, d, 2) / d)
    P = np.zeros((T, d))
    P[:, 0::2] = np.sin(t * freq)
    P[:, 1::2] = np.cos(t * freq[: d // 2])
    return P
