"""Tests of nnlib.bptt: back-propagation through time by hand, against torch autograd and finite differences."""

import numpy as np
import pytest
try:
    import torch
except ImportError:  # numpy-only run: tests that mention torch are skipped (conftest.py)
    torch = None
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib import bptt
from nnlib.gradcheck import numerical_grad


def _torch_loss(params, X, targets, weights, h0):
    P = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    h = torch.tensor(h0, requires_grad=True)
    Xt, Tt = torch.tensor(X), torch.tensor(targets)
    E = 0.0
    for t in range(X.shape[1]):
        h_prev = h
        h = torch.tanh(Xt[:, t] @ P["U"].T + h_prev @ P["W"].T + P["b"])
        if t == 0:
            h_first = h
            h_first.retain_grad()
        y = h @ P["V"].T + P["c"]
        E = E + 0.5 * weights[t] * ((y - Tt[:, t]) ** 2).sum()
    return E, P, h_first


@settings(max_examples=20, deadline=None)
@given(batch=st.integers(1, 3), T=st.integers(1, 7), input_size=st.integers(1, 3), hidden_size=st.integers(1, 5),
       output_size=st.integers(1, 3), seed=st.integers(0, 10_000))
def test_bptt_equals_autograd(batch, T, input_size, hidden_size, output_size, seed):
    rng = np.random.default_rng(seed)
    params = bptt.init_rnn(input_size, hidden_size, output_size, rng)
    params["b"], params["c"] = rng.normal(size=hidden_size), rng.normal(size=output_size)
    X, targets = rng.normal(size=(batch, T, input_size)), rng.normal(size=(batch, T, output_size))
    h0, weights = rng.normal(size=(batch, hidden_size)), rng.uniform(0, 2, size=T)
    E, grads, cache = bptt.loss_and_grads(params, X, targets, weights=weights, h0=h0)
    E_t, P, h_first = _torch_loss(params, X, targets, weights, h0)
    E_t.backward()
    assert abs(E - E_t.item()) <= 1e-10 * max(1.0, abs(E))
    for name in bptt.PARAM_NAMES:
        np.testing.assert_allclose(grads[name], P[name].grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(grads["h"][:, 0], h_first.grad.numpy(), rtol=1e-9, atol=1e-12)
    assert grads["h"].shape == (batch, T, hidden_size) and grads["h0"].shape == (batch, hidden_size)


def test_bptt_matches_finite_differences():
    rng = np.random.default_rng(1)
    params = bptt.init_rnn(2, 3, 1, rng)
    X, targets = rng.normal(size=(2, 5, 2)), rng.normal(size=(2, 5, 1))
    _, grads, _ = bptt.loss_and_grads(params, X, targets)
    for name in ("U", "W"):
        def f(w, name=name):
            return bptt.loss_and_grads({**params, name: w}, X, targets)[0]
        np.testing.assert_allclose(grads[name], numerical_grad(f, params[name].copy()), rtol=1e-5, atol=1e-8)


def test_loss_only_at_the_end():
    rng = np.random.default_rng(2)
    params = bptt.init_rnn(2, 4, 1, rng)
    X, targets = rng.normal(size=(3, 6, 2)), rng.normal(size=(3, 6, 1))
    w = np.zeros(6)
    w[-1] = 1.0
    E, grads, cache = bptt.loss_and_grads(params, X, targets, weights=w)
    assert E == pytest.approx(0.5 * np.sum((cache.Y[:, -1] - targets[:, -1]) ** 2))
    # dE/dh_t for t < T comes only through W: dE/dh_{t} = W^T (1 - h_{t+1}^2) dE/dh_{t+1}
    H = cache.H
    for t in range(5):
        expected = (grads["h"][:, t + 1] * (1 - H[:, t + 2] ** 2)) @ params["W"]
        np.testing.assert_allclose(grads["h"][:, t], expected, atol=1e-14)


def test_jacobian_norms_linear_and_tanh():
    rng = np.random.default_rng(0)
    # a normal matrix (orthogonal times rho): every product W^k has norm rho^k exactly
    Q, _ = np.linalg.qr(rng.normal(size=(6, 6)))
    H = rng.uniform(-0.5, 0.5, size=(11, 6))
    np.testing.assert_allclose(bptt.jacobian_norms(0.9 * Q, H, "linear"), 0.9 ** np.arange(11), rtol=1e-10)
    W = bptt.random_recurrent_matrix(6, 1.3, rng)
    assert bptt.spectral_radius(W) == pytest.approx(1.3)
    norms = bptt.jacobian_norms(W, H, "tanh")
    J = np.eye(6)
    for s in range(10, 7, -1):
        J = J @ (np.diag(1 - H[s] ** 2) @ W)
    assert norms[3] == pytest.approx(np.linalg.norm(J, 2))
    assert norms[0] == 1.0


def test_bad_input():
    rng = np.random.default_rng(0)
    params = bptt.init_rnn(2, 3, 1, rng)
    with pytest.raises(ValueError, match=r"X must have shape \(batch, time, 2\)"):
        bptt.rnn_forward(params, np.zeros((4, 2)))
    with pytest.raises(ValueError, match="missing"):
        bptt.rnn_forward({"U": params["U"]}, np.zeros((1, 4, 2)))
    with pytest.raises(ValueError, match="W must have shape"):
        bptt.rnn_forward({**params, "W": np.zeros((2, 2))}, np.zeros((1, 4, 2)))
    cache = bptt.rnn_forward(params, np.zeros((1, 4, 2)))
    with pytest.raises(ValueError, match="dY must have the shape"):
        bptt.bptt(params, cache, np.zeros((1, 3, 1)))
    with pytest.raises(ValueError, match="targets must have the shape of the outputs Y"):
        bptt.sequence_half_sse(np.zeros((1, 4, 1)), np.zeros((1, 4, 2)))
    with pytest.raises(ValueError, match="spectral_radius must be >= 0"):
        bptt.random_recurrent_matrix(3, -1.0, rng)
    with pytest.raises(ValueError, match="activation must be one of"):
        bptt.jacobian_norms(np.eye(2), np.zeros((3, 2)), "relu")
    with pytest.raises(ValueError, match="square"):
        bptt.spectral_radius(np.zeros((2, 3)))


def _random_grads(rng, scale=1.0):
    shapes = {"U": (4, 2), "W": (4, 4), "V": (1, 4), "b": (4,), "c": (1,)}
    return {k: scale * rng.normal(size=s) for k, s in shapes.items()}


@pytest.mark.parametrize("scale", [0.01, 1.0, 100.0])
def test_clip_grad_norm_rule(scale):
    rng = np.random.default_rng(3)
    grads = _random_grads(rng, scale)
    grads["h0"] = rng.normal(size=(2, 4))  # not a parameter: ignored
    norm = np.sqrt(sum(np.sum(grads[k] ** 2) for k in bptt.PARAM_NAMES))
    clipped, reported = bptt.clip_grad_norm(grads, 1.0)
    assert set(clipped) == set(bptt.PARAM_NAMES)
    assert abs(reported - norm) < 1e-12 * norm
    factor = min(1.0, 1.0 / norm)
    for k in bptt.PARAM_NAMES:
        np.testing.assert_allclose(clipped[k], grads[k] * factor, rtol=1e-14)
    new_norm = np.sqrt(sum(np.sum(clipped[k] ** 2) for k in bptt.PARAM_NAMES))
    assert new_norm <= 1.0 + 1e-12 and (norm > 1 or abs(new_norm - norm) < 1e-15)


def test_clip_grad_norm_equals_torch():
    rng = np.random.default_rng(4)
    for scale in (0.05, 3.0, 1e4):
        grads = _random_grads(rng, scale)
        params = [torch.zeros(grads[k].shape, requires_grad=True) for k in bptt.PARAM_NAMES]
        for p, k in zip(params, bptt.PARAM_NAMES):
            p.grad = torch.tensor(grads[k])
        torch_norm = torch.nn.utils.clip_grad_norm_(params, 2.0)
        clipped, norm = bptt.clip_grad_norm(grads, 2.0, eps=1e-6)
        assert abs(norm - torch_norm.item()) < 1e-10 * norm
        for p, k in zip(params, bptt.PARAM_NAMES):
            np.testing.assert_allclose(clipped[k], p.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_clip_grad_norm_bad_input():
    with pytest.raises(ValueError, match="max_norm"):
        bptt.clip_grad_norm({"W": np.ones((2, 2))}, -1.0)
    with pytest.raises(ValueError, match="grads needs at least one of the keys"):
        bptt.clip_grad_norm({"weights": np.ones(2)}, 1.0)
    with pytest.raises(TypeError, match="grads must be a dict"):
        bptt.clip_grad_norm([np.ones(2)], 1.0)
    with pytest.raises(TypeError, match="grads\\['W'\\]"):
        bptt.clip_grad_norm({"W": "big"}, 1.0)
    zero, norm = bptt.clip_grad_norm({"W": np.zeros((2, 2))}, 1.0)
    assert norm == 0.0 and np.all(zero["W"] == 0)


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 60), batch_size=st.integers(1, 5), window=st.integers(1, 6), features=st.integers(0, 2))
def test_stream_windows_layout(n, batch_size, window, features):
    shape = (n,) if features == 0 else (n, features)
    stream = np.arange(np.prod(shape), dtype=float).reshape(shape)
    length = n // batch_size
    if length < window:
        with pytest.raises(ValueError, match="too short"):
            bptt.stream_windows(stream, batch_size, window)
        return
    out = bptt.stream_windows(stream, batch_size, window)
    n_windows = length // window
    assert out.shape == (n_windows, batch_size, window) + shape[1:]
    for j in range(n_windows):
        for b in range(batch_size):
            start = b * length + j * window
            np.testing.assert_array_equal(out[j, b], stream[start:start + window])
    # each row, read window after window, is one unbroken piece of the stream
    rows = out.swapaxes(0, 1).reshape(batch_size, n_windows * window, *shape[1:])
    for b in range(batch_size):
        np.testing.assert_array_equal(rows[b], stream[b * length:b * length + n_windows * window])


def test_stream_windows_carried_state_equals_one_long_run():
    """Running the windows one after another, carrying the last state, equals one run over each sub-stream."""
    rng = np.random.default_rng(5)
    params = bptt.init_rnn(2, 3, 1, rng)
    stream = rng.normal(size=(61, 2))
    windows = bptt.stream_windows(stream, 3, 4)  # 3 rows of 20 steps, 5 windows of 4
    h = np.zeros((3, 3))
    states = []
    for X in windows:
        cache = bptt.rnn_forward(params, X, h0=h)
        h = cache.H[:, -1]
        states.append(cache.H[:, 1:])
    whole = bptt.rnn_forward(params, stream[:60].reshape(3, 20, 2)).H[:, 1:]
    np.testing.assert_allclose(np.concatenate(states, axis=1), whole, rtol=1e-13, atol=1e-15)


def test_stream_windows_bad_input():
    with pytest.raises(ValueError, match="window must be an integer >= 1"):
        bptt.stream_windows(np.zeros(10), 2, 0)
    with pytest.raises(ValueError, match="batch_size must be an integer >= 1"):
        bptt.stream_windows(np.zeros(10), 1.5, 2)
    with pytest.raises(ValueError, match="time axis"):
        bptt.stream_windows(3.0, 1, 1)
    with pytest.raises(TypeError, match="stream"):
        bptt.stream_windows(None, 1, 1)
