"""Tests of nnlib.attention: attention and the modern Hopfield update in numpy (chapter 13),
against torch in float64 and against central differences."""

import numpy as np
import pytest

try:
    import torch
except ImportError:  # the numpy-only tests still run; conftest skips those that need torch
    torch = None

from nnlib.attention import (MHA_PARAMS, causal_mask, hopfield_energy, hopfield_update, multi_head_attention,
                             multi_head_attention_backward, positional_encoding, scaled_dot_product_attention,
                             scaled_dot_product_attention_backward)
from nnlib.gradcheck import check_grad

TOL = 1e-10


def _qkv(seed, B=2, Tq=5, Tk=5, d=4, dv=3):
    r = np.random.default_rng(seed)
    return r.standard_normal((B, Tq, d)), r.standard_normal((B, Tk, d)), r.standard_normal((B, Tk, dv))


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sdpa_equals_torch_forward_and_backward(causal, seed):
    q, k, v = _qkv(seed)
    out, A = scaled_dot_product_attention(q, k, v, mask="causal" if causal else None)
    tq, tk, tv = (torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (q, k, v))
    tout = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, is_causal=causal)
    assert np.max(np.abs(out - tout.detach().numpy())) < TOL
    assert np.allclose(A.sum(-1), 1.0)
    if causal:
        assert np.all(A[..., np.triu_indices(5, 1)[0], np.triu_indices(5, 1)[1]] == 0)
    dout = np.random.default_rng(seed + 10).standard_normal(out.shape)
    tout.backward(torch.tensor(dout))
    for mine, theirs in zip(scaled_dot_product_attention_backward(dout, q, k, v, A), (tq, tk, tv)):
        assert np.max(np.abs(mine - theirs.grad.numpy())) < TOL


def test_sdpa_boolean_mask_and_rectangular():
    q, k, v = _qkv(3, Tq=3, Tk=6)
    mask = np.random.default_rng(0).random((3, 6)) < 0.6
    mask[:, 0] = True
    out, A = scaled_dot_product_attention(q, k, v, mask=mask)
    tout = torch.nn.functional.scaled_dot_product_attention(*(torch.tensor(a) for a in (q, k, v)),
                                                            attn_mask=torch.tensor(mask))
    assert np.max(np.abs(out - tout.numpy())) < TOL
    assert np.all(A[:, ~mask] == 0)


@pytest.mark.parametrize("causal", [False, True])
def test_sdpa_backward_finite_differences(causal):
    q, k, v = _qkv(4, B=1, Tq=4, Tk=4, d=3, dv=2)
    mask = "causal" if causal else None
    dout = np.random.default_rng(5).standard_normal((1, 4, 2))
    out, A = scaled_dot_product_attention(q, k, v, mask)
    dq, dk, dv = scaled_dot_product_attention_backward(dout, q, k, v, A)
    loss = lambda qq, kk, vv: float(np.sum(scaled_dot_product_attention(qq, kk, vv, mask)[0] * dout))
    assert check_grad(lambda x: loss(x, k, v), q, dq) < 1e-6
    assert check_grad(lambda x: loss(q, x, v), k, dk) < 1e-6
    assert check_grad(lambda x: loss(q, k, x), v, dv) < 1e-6


def _torch_mha(d, h, seed):
    """The random torch module of test_models_transformer and its weights as nnlib.attention's params."""
    from tests.test_models_transformer import _torch_mha as random_torch_mha

    mha = random_torch_mha(d, h, seed)
    W = mha.in_proj_weight.detach().numpy()
    b = mha.in_proj_bias.detach().numpy()
    params = {"W_q": W[:d], "W_k": W[d:2 * d], "W_v": W[2 * d:], "W_o": mha.out_proj.weight.detach().numpy(),
              "b_q": b[:d], "b_k": b[d:2 * d], "b_v": b[2 * d:], "b_o": mha.out_proj.bias.detach().numpy()}
    return mha, {n: p.copy() for n, p in params.items()}


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("h", [1, 2, 3])
def test_mha_equals_torch_forward_and_backward(causal, h):
    d, T, B = 6, 5, 2
    mha, params = _torch_mha(d, h, seed=h)
    r = np.random.default_rng(h)
    xq, xk, xv = r.standard_normal((B, T, d)), r.standard_normal((B, T, d)), r.standard_normal((B, T, d))
    out, A = multi_head_attention(xq, xk, xv, params, h, mask="causal" if causal else None)
    tx = [torch.tensor(a, requires_grad=True) for a in (xq, xk, xv)]
    tmask = torch.ones(T, T, dtype=torch.bool).triu(1) if causal else None  # torch: True = NOT allowed
    tout, tA = mha(*tx, attn_mask=tmask, need_weights=True, average_attn_weights=False)
    assert np.max(np.abs(out - tout.detach().numpy())) < TOL
    assert np.max(np.abs(A - tA.detach().numpy())) < TOL
    dout = r.standard_normal(out.shape)
    tout.backward(torch.tensor(dout))
    grads = multi_head_attention_backward(dout, xq, xk, xv, params, h, mask="causal" if causal else None)
    for name, t in zip(("query", "key", "value"), tx):
        assert np.max(np.abs(grads[name] - t.grad.numpy())) < TOL
    W_in, b_in = mha.in_proj_weight.grad.numpy(), mha.in_proj_bias.grad.numpy()
    mine_W = np.concatenate([grads["W_q"], grads["W_k"], grads["W_v"]])
    mine_b = np.concatenate([grads["b_q"], grads["b_k"], grads["b_v"]])
    assert np.max(np.abs(mine_W - W_in)) < TOL and np.max(np.abs(mine_b - b_in)) < TOL
    assert np.max(np.abs(grads["W_o"] - mha.out_proj.weight.grad.numpy())) < TOL
    assert np.max(np.abs(grads["b_o"] - mha.out_proj.bias.grad.numpy())) < TOL


def test_mha_backward_finite_differences():
    d, h = 4, 2
    _, params = _torch_mha(d, h, seed=7)
    x = np.random.default_rng(8).standard_normal((1, 3, d))
    dout = np.random.default_rng(9).standard_normal((1, 3, d))
    grads = multi_head_attention_backward(dout, x, x, x, params, h, mask="causal")

    def loss_param(name):
        def f(p):
            return float(np.sum(multi_head_attention(x, x, x, {**params, name: p}, h, "causal")[0] * dout))
        return f
    for name in MHA_PARAMS:
        assert check_grad(loss_param(name), params[name], grads[name]) < 1e-6, name
    self_grad = grads["query"] + grads["key"] + grads["value"]
    f = lambda xx: float(np.sum(multi_head_attention(xx, xx, xx, params, h, "causal")[0] * dout))
    assert check_grad(f, x, self_grad) < 1e-6


def test_positional_encoding():
    P = positional_encoding(7, 6)
    assert P.shape == (7, 6)
    assert np.allclose(P[0, 0::2], 0) and np.allclose(P[0, 1::2], 1)
    assert np.isclose(P[3, 2], np.sin(3 / 10000 ** (2 / 6)))
    assert positional_encoding(4, 5).shape == (4, 5)


def test_hopfield_update_is_attention_and_lowers_energy():
    r = np.random.default_rng(0)
    X = r.choice([-1.0, 1.0], size=(10, 20))
    xi = X[0] + 0.8 * r.standard_normal(20)
    beta = 0.3
    new, p = hopfield_update(X, xi, beta, return_weights=True)
    out, A = scaled_dot_product_attention(xi[None, None], X[None], X[None])
    # attention with scale 1/sqrt(d): equal to the update with beta = 1/sqrt(d)
    same = hopfield_update(X, xi, 1 / np.sqrt(20))
    assert np.max(np.abs(out[0, 0] - same)) < TOL
    assert np.isclose(p.sum(), 1.0) and new.shape == xi.shape
    assert hopfield_energy(X, new, beta) <= hopfield_energy(X, xi, beta) + 1e-12
    batch = hopfield_update(X, np.stack([xi, xi]), beta, steps=3)
    assert batch.shape == (2, 20)
    assert np.max(np.abs(batch[0] - hopfield_update(X, xi, beta, steps=3))) < TOL


def test_causal_mask():
    assert np.array_equal(causal_mask(3), np.array([[1, 0, 0], [1, 1, 0], [1, 1, 1]], dtype=bool))


def test_bad_input():
    q, k, v = _qkv(0)
    with pytest.raises(ValueError, match="same width"):
        scaled_dot_product_attention(q, k[..., :3], v)
    with pytest.raises(ValueError, match="same number of steps"):
        scaled_dot_product_attention(q, k, v[:, :4])
    with pytest.raises(ValueError, match="mask"):
        scaled_dot_product_attention(q, k, v, mask="future")
    with pytest.raises(TypeError, match="boolean"):
        scaled_dot_product_attention(q, k, v, mask=np.ones((5, 5)))
    with pytest.raises(ValueError, match="at least one key"):
        scaled_dot_product_attention(q, k, v, mask=np.zeros((5, 5), dtype=bool))
    with pytest.raises(TypeError, match="q"):
        scaled_dot_product_attention(None, k, v)
    _, params = _torch_mha(6, 2, 0)
    x = np.zeros((1, 3, 6))
    with pytest.raises(ValueError, match="num_heads must divide"):
        multi_head_attention(x, x, x, params, 4)
    with pytest.raises(ValueError, match="missing"):
        multi_head_attention(x, x, x, {"W_q": params["W_q"]}, 2)
    with pytest.raises(ValueError, match="params\\['W_o'\\]"):
        multi_head_attention(x, x, x, {**params, "W_o": np.eye(5)}, 2)
    with pytest.raises(ValueError, match="num_heads"):
        multi_head_attention(x, x, x, params, 0)
    with pytest.raises(ValueError, match="T must be"):
        positional_encoding(0, 4)
    with pytest.raises(ValueError, match="beta must be > 0"):
        hopfield_update(np.eye(3), np.ones(3), beta=0.0)
    with pytest.raises(ValueError, match="xi must have shape"):
        hopfield_update(np.eye(3), np.ones(4), beta=1.0)
    with pytest.raises(TypeError, match="return_weights"):
        hopfield_update(np.eye(3), np.ones(3), beta=1.0, return_weights="yes")
