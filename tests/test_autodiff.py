"""Tests of nnlib.autodiff: every operation's value and gradient against torch.autograd
(float64, random shapes via hypothesis) and finite differences, plus the graph mechanics
(reused nodes, long chains, accumulation), dtype preservation and error messages."""

import numpy as np
import pytest
try:
    import torch
except ImportError:  # numpy-only run: tests that mention torch are skipped (conftest.py)
    torch = None
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, mutually_broadcastable_shapes

from nnlib import autodiff as ad
from nnlib.autodiff import Var
from nnlib.gradcheck import check_grad

FAST = settings(max_examples=20, deadline=None, derandomize=True)  # deterministic
shapes = array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)
seeds = st.integers(0, 2**16)


def rand(seed, shape, low=None):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)
    return np.abs(x) + low if low is not None else x


def compare(f_ours, f_torch, *arrays, rtol=1e-10, atol=1e-12):
    """Apply both functions to the same float64 inputs, backpropagate the same random seed
    gradient and compare outputs and input gradients."""
    xs = [Var(a) for a in arrays]
    ts = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out, t_out = f_ours(*xs), f_torch(*ts)
    np.testing.assert_allclose(out.val, t_out.detach().numpy(), rtol=rtol, atol=atol)
    seed = np.random.default_rng(123).normal(size=out.shape)
    out.backward(seed)
    t_out.backward(torch.tensor(seed))
    for x, t in zip(xs, ts):
        assert x.grad is not None and x.grad.shape == x.shape
        np.testing.assert_allclose(x.grad, t.grad.numpy(), rtol=rtol, atol=atol)


def fd_check(f_ours, x, tol=1e-5):
    """Finite-difference check of sum(w * f(x)) for a fixed random weighting w."""
    w = np.random.default_rng(7).normal(size=np.shape(f_ours(Var(x)).val))

    def scalar(v):
        return float(np.sum(w * f_ours(Var(v)).val))

    xv = Var(x)
    (f_ours(xv) * w).sum().backward()
    assert check_grad(scalar, x, xv.grad) < tol


# ----- elementwise binary operations with broadcasting -------------------------------
BINARY = {
    "add": (lambda a, b: a + b),
    "sub": (lambda a, b: a - b),
    "mul": (lambda a, b: a * b),
    "div": (lambda a, b: a / b),
    "pow": (lambda a, b: a ** b),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@FAST
@given(shp=mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3), seed=seeds)
def test_binary_broadcasting_vs_torch(name, shp, seed):
    a_shape, b_shape = shp.input_shapes
    op = BINARY[name]
    positive = name in ("div", "pow")
    a = rand(seed, a_shape, 0.5 if name == "pow" else None)
    b = rand(seed + 1, b_shape, 0.5 if positive else None)
    compare(op, op, a, b)                                   # Var (op) Var
    compare(lambda x: op(x, b), lambda t: op(t, torch.tensor(b)), a)  # Var (op) array
    if name != "pow":
        compare(lambda y: op(a, y), lambda t: op(torch.tensor(a), t), b)  # array (op) Var


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_with_python_scalars(name):
    op = BINARY[name]
    x = rand(0, (3, 2), 0.5)
    compare(lambda v: op(v, 2.5), lambda t: op(t, 2.5), x)
    compare(lambda v: op(1.5, v), lambda t: op(1.5, t), x)  # 1.5 ** x included


def test_pow_with_array_exponent_and_unary_neg():
    x, p = rand(1, (2, 3), 0.5), np.array([1.0, 2.0, 0.5])
    compare(lambda v: v ** p, lambda t: t ** torch.tensor(p), x)
    compare(lambda v: -v, lambda t: -t, x)
    compare(lambda v: 10.0 / v - 1 + 2 * v, lambda t: 10.0 / t - 1 + 2 * t, x)


# ----- matrix product ----------------------------------------------------------------
@FAST
@given(n=st.integers(1, 4), k=st.integers(1, 4), m=st.integers(1, 4), batch=st.integers(1, 3),
       seed=seeds)
def test_matmul_vs_torch(n, k, m, batch, seed):
    mm = lambda a, b: a @ b  # noqa: E731
    A, B = rand(seed, (n, k)), rand(seed + 1, (k, m))
    compare(mm, mm, A, B)                                 # matrix @ matrix
    compare(mm, mm, rand(seed, (k,)), B)                  # vector @ matrix
    compare(mm, mm, A, rand(seed, (k,)))                  # matrix @ vector
    compare(mm, mm, rand(seed, (k,)), rand(seed + 2, (k,)))  # dot product
    compare(mm, mm, rand(seed, (batch, n, k)), B)          # stacked @ matrix
    compare(lambda b: A @ b, lambda t: torch.tensor(A) @ t, B)  # constant on the left
    compare(lambda a: a @ B, lambda t: t @ torch.tensor(B), A)  # constant on the right
    compare(lambda b: ad.matmul(A, b), lambda t: torch.tensor(A) @ t, B)


# ----- reductions, shapes, indexing -------------------------------------------------
@FAST
@given(shape=array_shapes(min_dims=1, max_dims=3, max_side=4), seed=seeds, keepdims=st.booleans(),
       data=st.data())
def test_sum_mean_vs_torch(shape, seed, keepdims, data):
    x = rand(seed, shape)
    axis = data.draw(st.sampled_from([None, 0, -1, tuple(range(len(shape)))]))
    t_axis = tuple(range(len(shape))) if axis is None else axis
    compare(lambda v: v.sum(axis=axis, keepdims=keepdims),
            lambda t: t.sum(dim=t_axis, keepdim=keepdims), x)
    compare(lambda v: ad.mean(v, axis=axis, keepdims=keepdims),
            lambda t: t.mean(dim=t_axis, keepdim=keepdims), x)


def test_whole_sum_and_mean_of_scalar_and_reshape_transpose():
    compare(lambda v: v.sum(), lambda t: t.sum(), rand(0, ()))
    compare(lambda v: v.mean(), lambda t: t.mean(), rand(0, (3, 4)))
    compare(lambda v: v.reshape(4, 3), lambda t: t.reshape(4, 3), rand(0, (3, 4)))
    compare(lambda v: ad.reshape(v, (2, -1)), lambda t: t.reshape(2, -1), rand(0, (3, 4)))
    compare(lambda v: v.T, lambda t: t.T, rand(0, (3, 4)))
    compare(lambda v: v.T, lambda t: t.permute(2, 1, 0), rand(0, (2, 3, 4)))


@pytest.mark.parametrize("idx", [
    1, (slice(None), 2), (Ellipsis, slice(1, 3)), np.array([0, 2, 2, 1]),
    (np.array([0, 0, 2]), np.array([1, 1, 3])), np.array([True, False, True]),
], ids=["int", "column", "ellipsis", "repeated-rows", "repeated-pairs", "mask"])
def test_indexing_vs_torch(idx):
    t_idx = tuple(torch.tensor(i) if isinstance(i, np.ndarray) else i for i in idx) \
        if isinstance(idx, tuple) else (torch.tensor(idx) if isinstance(idx, np.ndarray) else idx)
    compare(lambda v: v[idx], lambda t: t[t_idx], rand(0, (3, 4)))


# ----- elementwise functions ---------------------------------------------------------
UNARY = {
    "exp": (ad.exp, torch.exp, None), "log": (ad.log, torch.log, 0.1),
    "sin": (ad.sin, torch.sin, None), "cos": (ad.cos, torch.cos, None),
    "tanh": (ad.tanh, torch.tanh, None), "sigmoid": (ad.sigmoid, torch.sigmoid, None),
    "relu": (ad.relu, torch.relu, None),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@FAST
@given(shape=shapes, seed=seeds)
def test_unary_vs_torch(name, shape, seed):
    ours, theirs, low = UNARY[name]
    x = rand(seed, shape, low)
    compare(ours, theirs, x)
    compare(lambda v: getattr(v, name)(), theirs, x)  # the method form
    fd_check(ours, np.where(np.abs(x) < 1e-3, 0.5, x))  # keep relu away from its kink


def test_sigmoid_is_stable_for_large_inputs():
    x = np.array([-800.0, -40.0, 0.0, 40.0, 800.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        compare(ad.sigmoid, torch.sigmoid, x)


@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
@FAST
@given(shape=array_shapes(min_dims=1, max_dims=3, max_side=5), seed=seeds, data=st.data())
def test_softmax_vs_torch(fn, shape, seed, data):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    x = rand(seed, shape)
    compare(lambda v: getattr(ad, fn)(v, axis=axis), lambda t: getattr(torch, fn)(t, dim=axis), 5 * x)
    fd_check(lambda v: getattr(ad, fn)(v, axis=axis), x)


def test_softmax_is_stable_for_huge_logits():
    x = np.array([[1000.0, 0.0, -1000.0], [3.0, 3.0, 3.0]])
    with np.errstate(over="raise"):
        compare(ad.log_softmax, lambda t: torch.log_softmax(t, dim=-1), x)
        compare(ad.softmax, lambda t: torch.softmax(t, dim=-1), x)


def test_composite_expression_vs_torch_and_finite_differences():
    def f(w, x, lib):
        h = (x @ w).tanh() if lib is ad else torch.tanh(x @ w)
        return (h * h + 1 / (1 + h.exp())).mean() if lib is ad else (h * h + 1 / (1 + h.exp())).mean()
    X = rand(3, (5, 4))
    W = rand(4, (4, 3))
    compare(lambda w: f(w, X, ad), lambda t: f(t, torch.tensor(X), torch), W)
    fd_check(lambda w: f(w, X, ad), W)


# ----- graph mechanics ---------------------------------------------------------------
def test_reused_node_gets_all_its_contributions():
    x = Var(3.0)
    y = x * x + x  # dy/dx = 2x + 1 = 7
    y.backward()
    assert x.grad == 7.0
    # a diamond used many times: z = (a + a) * (a + a) with a = 2x, dz/dx = 32 x
    x = Var(1.5)
    a = 2 * x
    b = a + a
    (b * b).backward()
    assert np.isclose(x.grad, 32 * 1.5)


def test_long_chain_has_no_recursion_limit():
    x = Var(np.array([1.0, 2.0]))
    y = x
    for _ in range(10_000):
        y = y + 0.001
    y = y * 1.0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 1.0])


def test_each_node_is_visited_once():
    calls = []
    x = Var(1.0)
    y = x
    for _ in range(30):  # each level uses the previous node twice: 2^30 paths
        prev = y
        y = Var(prev.val * 2, (prev, prev), lambda g, c=calls: (c.append(1) or g, g), "twice")
    y.backward()
    assert len(calls) == 30
    assert x.grad == 2.0**30


def test_gradients_accumulate_until_zero_grad():
    x = Var(np.array([1.0, -2.0]))
    (x * 3).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad, [6.0, 6.0])
    x.zero_grad()
    assert x.grad is None
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, -4.0])


def test_shared_intermediate_backward_twice_does_not_double_count():
    x = Var(2.0)
    h = x * x
    (h * 1.0).backward()
    (h * 1.0).backward()
    assert x.grad == 8.0  # 2 * dh/dx, interior grads are fresh each call


def test_backward_with_seed_and_seed_errors():
    x = Var(np.arange(6.0).reshape(2, 3))
    y = x * 2
    with pytest.raises(ValueError, match=r"not a scalar.*\(2, 3\)"):
        y.backward()
    with pytest.raises(ValueError, match=r"seed gradient grad has shape \(3,\).*\(2, 3\)"):
        y.backward(np.ones(3))
    y.backward(np.ones((2, 3)))
    np.testing.assert_array_equal(x.grad, np.full((2, 3), 2.0))
    Var(np.array([[5.0]])).backward()  # a one-element output needs no seed


def test_dtype_is_preserved_in_float32():
    rng = np.random.default_rng(0)
    x = Var(rng.normal(size=(4, 3)).astype(np.float32))
    w = Var(rng.normal(size=(3, 2)).astype(np.float32))
    c = rng.normal(size=(4, 2))  # a float64 constant is cast to float32
    h = ad.sigmoid(x @ w + c) * 2.0 - 1 / (1 + ad.exp(-x.sum(axis=1, keepdims=True)))
    z = ad.log_softmax(h.tanh() + h.relu() + ad.softmax(h) + h ** 2 + 2 ** h) + ad.sin(h).T.T
    loss = (z[1:, :] ** 2).mean() + ad.cos(x).sum() + ad.log(x * x + 1).mean()
    assert loss.dtype == np.float32
    loss.backward()
    assert x.grad.dtype == np.float32 and w.grad.dtype == np.float32
    assert Var([1, 2, 3]).dtype == np.float64  # integer input becomes float64


def test_leaves_copy_their_value():
    a = np.ones(3)
    x = Var(a)
    x.val += 1
    np.testing.assert_array_equal(a, np.ones(3))


def test_numpy_array_on_the_left_defers_to_var():
    x = Var(np.ones(3))
    for y in (np.arange(3.0) + x, np.arange(3.0) * x, np.arange(3.0) - x, np.eye(3) @ x):
        assert isinstance(y, Var)
    assert "Var" in repr(x) and "op='+'" in repr(x + 1)
    assert (x.sum()).item() == 3.0


# ----- error messages ----------------------------------------------------------------
def test_shape_errors_name_operation_and_shapes():
    a, b = Var(np.ones((2, 3))), Var(np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"matmul.*\(2, 3\).*\(4, 5\).*3 and 4"):
        a @ b
    with pytest.raises(ValueError, match=r"matmul.*\(2, 3\).*\(5,\)"):
        a @ np.ones(5)
    with pytest.raises(ValueError, match=r"matmul.*>= 1 dimension"):
        a @ Var(2.0)
    for op, name in [(np.add, "add"), (np.subtract, "subtract"), (np.multiply, "multiply"),
                     (np.divide, "divide"), (np.power, "power")]:
        with pytest.raises(ValueError, match=rf"{name}: cannot broadcast shapes \(2, 3\) and \(4, 5\)"):
            {"add": lambda: a + b, "subtract": lambda: a - b, "multiply": lambda: a * b,
             "divide": lambda: a / b, "power": lambda: a ** b}[name]()
    with pytest.raises(ValueError, match=r"add: cannot broadcast shapes \(2, 3\) and \(2,\)"):
        np.ones(2) + a
    with pytest.raises(ValueError, match=r"reshape.*\(2, 3\).*\(4,\)"):
        a.reshape(4)
    with pytest.raises(ValueError, match="base .* > 0"):
        (-2.0) ** a


# ----- every operation against finite differences ------------------------------------
_B = np.random.default_rng(11).normal(size=(3, 4))
FD_CASES = {
    "add": lambda v: v + _B[0], "radd": lambda v: _B + v, "sub": lambda v: v - _B,
    "rsub": lambda v: 1 - v, "mul": lambda v: v * _B, "div": lambda v: v / (_B ** 2 + 1),
    "rdiv": lambda v: 10.0 / (v * v + 1), "pow": lambda v: (v * v + 1) ** 1.5,
    "pow-var": lambda v: (v * v + 1) ** v, "rpow": lambda v: 2 ** v, "neg": lambda v: -v,
    "matmul": lambda v: v @ _B.T, "rmatmul": lambda v: _B.T @ v, "sum-axis": lambda v: v.sum(axis=0),
    "mean-keepdims": lambda v: v.mean(axis=1, keepdims=True), "reshape": lambda v: v.reshape(4, 3),
    "T": lambda v: v.T, "getitem": lambda v: v[np.array([0, 0, 2]), 1:],
    "log": lambda v: ad.log(v * v + 0.5), "sigmoid": ad.sigmoid, "softmax-axis0": lambda v: ad.softmax(v, axis=0),
}


@pytest.mark.parametrize("name", sorted(FD_CASES))
def test_every_operation_against_finite_differences(name):
    fd_check(FD_CASES[name], rand(5, (3, 4)))


def test_public_graph_accessors():
    x = Var(1.0)
    y = x * 2 + x
    order = y.topological_order()
    assert order[0] is x and order[-1] is y and len(order) == 3
    assert y.parents[0].parents == (x,) and x.parents == ()


def test_constants_detach_and_no_grad_match_torch():
    """requires_grad=False leaves, detach() and no_grad() behave as torch's (chapter 04)."""
    torch = pytest.importorskip("torch")
    from nnlib.autodiff import no_grad
    rng = np.random.default_rng(0)
    xv, cv = rng.normal(size=3), rng.normal(size=3)
    x, c = Var(xv), Var(cv, requires_grad=False)
    y = (x * x).detach() * x + c * x  # d/dx = x^2 (detached factor) + c
    y.sum().backward()
    xt = torch.tensor(xv, requires_grad=True)
    ct = torch.tensor(cv)
    ((xt * xt).detach() * xt + ct * xt).sum().backward()
    assert np.max(np.abs(x.grad - xt.grad.numpy())) < 1e-12
    assert c.grad is None and not c.requires_grad
    with no_grad():
        z = x * 2.0 + c
    assert not z.requires_grad and z.parents == ()
    assert (x * 2.0).requires_grad  # recording resumes after the block
    with pytest.raises(ValueError, match="backward: this Var is a constant"):
        z.sum().backward()
    with pytest.raises(TypeError, match="requires_grad must be True or False"):
        Var(1.0, requires_grad="yes")
