"""Tests of nnlib.backprop: hand-written backprop against finite differences and torch."""

import numpy as np
import pytest
try:
    import torch
except ImportError:  # numpy-only run: tests that mention torch are skipped (conftest.py)
    torch = None
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib import backprop as bp
from nnlib.gradcheck import check_grad


def _net(rng, sizes, acts):
    params = bp.init_params(sizes, rng)
    # non-zero biases so that every term of the gradient is exercised
    return [(W, rng.normal(0, 0.3, size=b.shape)) for W, b in params]


def _loss_of_theta(theta, like, X, t, acts, loss):
    params = bp.unflatten_params(theta, like)
    cache = bp.forward(params, X, acts)
    return bp._LOSSES[loss](cache.output, t)[0]


@settings(max_examples=20, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 4), min_size=2, max_size=4),
    hidden=st.sampled_from(["sigmoid", "tanh", "relu", "identity"]),
    m=st.integers(1, 3),
    seed=st.integers(0, 10_000),
)
def test_backward_matches_finite_differences(sizes, hidden, m, seed):
    rng = np.random.default_rng(seed)
    acts = [hidden] * (len(sizes) - 2) + ["sigmoid"]
    params = _net(rng, sizes, acts)
    X = rng.normal(size=(m, sizes[0]))
    t = rng.uniform(size=(m, sizes[-1]))
    E, grads = bp.loss_and_grads(params, X, t, acts, "half_sse")
    theta = bp.flatten_params(params)
    err = check_grad(lambda th: _loss_of_theta(th, params, X, t, acts, "half_sse"),
                     theta, bp.flatten_params(grads))
    # relu kinks are hit with probability 0 for random Gaussian inputs
    assert err < 1e-5, err


@pytest.mark.parametrize("loss", ["half_sse", "bce_with_logits", "cross_entropy_with_logits"])
@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_against_torch_autograd(loss, reduction):
    rng = np.random.default_rng(1)
    sizes, acts = [3, 5, 4, 3], ["tanh", "relu", "identity"]
    params = _net(rng, sizes, acts)
    X = rng.normal(size=(6, 3))
    if loss == "cross_entropy_with_logits":
        t = rng.integers(0, 3, size=6)
    else:
        t = rng.uniform(size=(6, 3))
    E, grads = bp.loss_and_grads(params, X, t, acts, loss, reduction)

    tparams = [(torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True))
               for W, b in params]
    a = torch.tensor(X)
    for (W, b), name in zip(tparams, acts):
        z = a @ W + b
        a = {"tanh": torch.tanh, "relu": torch.relu, "identity": lambda v: v}[name](z)
    tt = torch.tensor(t)
    red = reduction
    if loss == "half_sse":
        E_t = 0.5 * ((a - tt) ** 2).sum()
        if red == "mean":
            E_t = E_t / len(X)
    elif loss == "bce_with_logits":
        E_t = torch.nn.functional.binary_cross_entropy_with_logits(a, tt, reduction="sum")
        if red == "mean":
            E_t = E_t / len(X)
    else:
        E_t = torch.nn.functional.cross_entropy(a, tt, reduction=red)
    E_t.backward()
    assert E == pytest.approx(E_t.item(), rel=1e-12)
    for (dW, db), (W, b) in zip(grads, tparams):
        np.testing.assert_allclose(dW, W.grad.numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(db, b.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_delta_recursion_and_outer_product():
    rng = np.random.default_rng(2)
    acts = ["sigmoid", "sigmoid"]
    params = _net(rng, [2, 3, 1], acts)
    x = rng.normal(size=(1, 2))
    cache = bp.forward(params, x, acts)
    grads, deltas = bp.backward(params, cache, np.ones((1, 1)), acts)
    a1 = cache.activations[1]
    expected = a1 * (1 - a1) * (deltas[1] @ params[1][0].T)
    np.testing.assert_allclose(deltas[0], expected)
    np.testing.assert_allclose(grads[0][0], np.outer(x, deltas[0]))


def test_seed002_xor_relu_network():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
    params = [(np.ones((2, 2)), np.array([0.0, -1.0])), (np.array([[1.0], [-2.0]]), np.zeros(1))]
    cache = bp.forward(params, X, ["relu", "identity"])
    np.testing.assert_array_equal(cache.output.ravel(), [0, 1, 1, 0])


def test_relu_derivative_at_zero_is_zero():
    f, fprime = bp.activation("relu")
    z = np.array([-1.0, 0.0, 2.0])
    np.testing.assert_array_equal(fprime(z, f(z)), [0, 0, 1])


def test_softmax_seed004_example():
    np.testing.assert_allclose(bp.softmax([1.5, -0.9, 0.6]),
                               [0.667874356, 0.060588195, 0.27153745], atol=1e-9)
    assert np.all(np.isfinite(bp.softmax([1000.0, 0.0])))


def test_sigmoid_is_stable():
    f, _ = bp.activation("sigmoid")
    with np.errstate(over="raise"):
        np.testing.assert_allclose(f(np.array([-1000.0, 0.0, 1000.0])), [0.0, 0.5, 1.0])
    # full relative accuracy in the far tail, where 1 - sigma(-z) would cancel
    np.testing.assert_allclose(f(np.array([-40.0])), 1.0 / (1.0 + np.exp(40.0)), rtol=1e-14)


def test_flatten_roundtrip():
    rng = np.random.default_rng(3)
    params = _net(rng, [3, 2, 4], ["tanh", "identity"])
    back = bp.unflatten_params(bp.flatten_params(params), params)
    for (W, b), (W2, b2) in zip(params, back):
        np.testing.assert_array_equal(W, W2)
        np.testing.assert_array_equal(b, b2)
    assert bp.flatten_params(params).size == 3 * 2 + 2 + 2 * 4 + 4


def test_gradient_descent_power_plant_relu_412_epochs():
    # The power-plant example of Guessoum & Brahimi's slides (after Kelleher et al., ch. 8),
    # weights as reconstructed in chapter 03.
    X = np.array([[0.04, 0.81], [0.84, 0.58], [0.50, 0.07], [0.53, 1.00]])
    t = np.array([[0.94], [0.13], [0.57], [0.36]])
    params = [
        # neuron 4 (middle column) is not identifiable from the text; it is dead under ReLU
        (np.array([[-0.20, 0.09, 0.11], [0.11, -0.13, -0.02]]), np.array([0.10, -0.19, 0.04])),
        (np.array([[-0.04, 0.20], [0.10, 0.14], [0.06, -0.09]]), np.array([0.15, 0.12])),
        (np.array([[0.12], [-0.50]]), np.array([0.10])),
    ]
    res = bp.gradient_descent(params, X, t, ["relu"] * 3, lr=0.1, epochs=1000, tol=1e-4)
    assert res.converged and res.epochs == 412
    assert np.all(np.diff(res.losses) < 0)


def test_gradient_descent_does_not_modify_input():
    rng = np.random.default_rng(4)
    params = _net(rng, [2, 2, 1], ["tanh", "identity"])
    before = bp.flatten_params(params).copy()
    bp.gradient_descent(params, rng.normal(size=(3, 2)), rng.normal(size=(3, 1)),
                        ["tanh", "identity"], lr=0.1, epochs=5)
    np.testing.assert_array_equal(bp.flatten_params(params), before)


def test_errors_name_the_problem():
    rng = np.random.default_rng(5)
    params = _net(rng, [2, 3, 1], ["tanh", "identity"])
    with pytest.raises(ValueError, match=r"X must have shape \(m, 2\).*\(5, 3\)"):
        bp.forward(params, np.zeros((5, 3)), ["tanh", "identity"])
    with pytest.raises(ValueError, match="one activation per layer"):
        bp.forward(params, np.zeros((5, 2)), ["tanh"])
    with pytest.raises(ValueError, match="activation must be one of"):
        bp.forward(params, np.zeros((5, 2)), ["tanh", "softsign"])
    bad = [params[0], (np.zeros((4, 1)), np.zeros(1))]
    with pytest.raises(ValueError, match=r"layer 2: W has shape \(4, 1\).*3 outputs"):
        bp.forward(bad, np.zeros((5, 2)), ["tanh", "identity"])
    cache = bp.forward(params, np.zeros((5, 2)), ["tanh", "identity"])
    with pytest.raises(ValueError, match=r"grad_output must have the shape.*\(5, 1\).*\(5,\)"):
        bp.backward(params, cache, np.zeros(5), ["tanh", "identity"])
    with pytest.raises(ValueError, match="lr must be > 0"):
        bp.gradient_descent(params, np.zeros((5, 2)), np.zeros((5, 1)), ["tanh", "identity"],
                            lr=-1, epochs=3)
    with pytest.raises(ValueError, match=r"half_sse: y has shape \(5, 1\) but t has shape \(5,\)"):
        bp.half_sse(np.zeros((5, 1)), np.zeros(5))
    with pytest.raises(ValueError, match="labels must be integers"):
        bp.cross_entropy_with_logits(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match=r"theta must have shape \(13,\)"):
        bp.unflatten_params(np.zeros(3), params)
    with pytest.raises(ValueError, match="reduction must be one of"):
        bp.half_sse(np.zeros(2), np.zeros(2), reduction="max")
    with pytest.raises(ValueError, match="sizes"):
        bp.init_params([3], rng)
