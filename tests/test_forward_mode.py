"""Tests of nnlib.forward_mode: every Dual operation's tangent against central differences and
torch.func.jvp (float64, to 1e-10), the full forward-mode Jacobian, and the error messages."""

import numpy as np
import pytest
try:
    import torch
except ImportError:  # numpy-only run: tests that mention torch are skipped (conftest.py)
    torch = None

from nnlib import forward_mode as fm
from nnlib.forward_mode import Dual, jacobian_fwd, jvp


def rng(seed):
    return np.random.default_rng(seed)


W = rng(0).normal(size=(3, 4))
M = rng(1).normal(size=(4, 4))


def lib_funcs(lib, W, M):
    """Random-ish test functions R^4 -> R^k written once for Dual (lib=fm) and torch (lib=torch).

    Each is a mixture of all the operations; log and division see positive arguments only."""
    return {
        "tanh-matmul-power": lambda x: lib.tanh(W @ x) ** 3 - 2.0 * (W @ x),
        "exp-log-div": lambda x: lib.log(1 + lib.exp(x)) / (2 + lib.sin(x)) - 3 / (x * x + 1),
        "sigmoid-cos-matmul": lambda x: lib.sigmoid(M @ lib.cos(x)) * x + x @ M,
        "dual-dual-matmul": lambda x: x.reshape(2, 2) @ lib.tanh(x).reshape(2, 2),
        "scalar output": lambda x: (lib.tanh(M @ x) * x).sum(),
        "power by array": lambda x: ((x * x + 0.5) ** np.array([0.0, 1.0, 2.5, -1.0]) if lib is fm else
                                     (x * x + 0.5) ** torch.tensor([0.0, 1.0, 2.5, -1.0])),
    }


FUNCS = lib_funcs(fm, W, M)


def central_jvp(f, x, v, h=1e-5):
    value = lambda z: f(Dual(z)).val
    return (value(x + h * v) - value(x - h * v)) / (2 * h)


@pytest.mark.parametrize("name", list(FUNCS))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_jvp_matches_central_differences(name, seed):
    x, v = rng(10 + seed).normal(size=4), rng(20 + seed).normal(size=4)
    value, tangent = jvp(FUNCS[name], x, v)
    np.testing.assert_allclose(value, FUNCS[name](Dual(x)).val)
    np.testing.assert_allclose(tangent, central_jvp(FUNCS[name], x, v), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", list(FUNCS))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_jvp_matches_torch(name, seed):
    torch_funcs = lib_funcs(torch, torch.tensor(W), torch.tensor(M))
    x, v = rng(10 + seed).normal(size=4), rng(20 + seed).normal(size=4)
    value, tangent = jvp(FUNCS[name], x, v)
    t_value, t_tangent = torch.func.jvp(torch_funcs[name], (torch.tensor(x),), (torch.tensor(v),))
    assert np.max(np.abs(value - t_value.numpy())) < 1e-10
    assert np.max(np.abs(tangent - t_tangent.numpy())) < 1e-10


def test_jacobian_fwd_matches_torch_and_shapes():
    f = FUNCS["tanh-matmul-power"]
    x = rng(3).normal(size=4)
    J = jacobian_fwd(f, x)
    t_f = lib_funcs(torch, torch.tensor(W), torch.tensor(M))["tanh-matmul-power"]
    J_t = torch.autograd.functional.jacobian(t_f, torch.tensor(x)).numpy()
    assert J.shape == (3, 4) and np.max(np.abs(J - J_t)) < 1e-10
    # matrix input, scalar output: the Jacobian has the input's shape
    G = jacobian_fwd(lambda A: (A * A).sum(), rng(4).normal(size=(2, 3)))
    assert G.shape == (2, 3)


def test_elementary_rules():
    a = np.array([0.3, 1.7, 2.2])
    d = Dual(a, np.ones(3))
    for name, deriv in [("exp", np.exp), ("log", lambda t: 1 / t), ("sin", np.cos),
                        ("cos", lambda t: -np.sin(t)), ("tanh", lambda t: 1 - np.tanh(t) ** 2),
                        ("sigmoid", lambda t: np.exp(-t) / (1 + np.exp(-t)) ** 2)]:
        out = getattr(fm, name)(d)
        np.testing.assert_allclose(out.tan, deriv(a), rtol=1e-13)
        np.testing.assert_allclose(getattr(d, name)().val, getattr(fm, name)(a).val)
    np.testing.assert_allclose((d ** 3).tan, 3 * a ** 2)
    np.testing.assert_allclose((d ** 0).tan, 0.0)
    np.testing.assert_allclose((2.0 / d).tan, -2.0 / a ** 2)
    np.testing.assert_allclose((1.0 - d).tan, -1.0)
    np.testing.assert_allclose((d - d).tan, 0.0)
    np.testing.assert_allclose(((d * d) / d).tan, 1.0)


def test_sigmoid_does_not_overflow():
    out = fm.sigmoid(Dual([-1000.0, 0.0, 1000.0], [1.0, 1.0, 1.0]))
    assert np.all(np.isfinite(out.val)) and np.all(np.isfinite(out.tan))
    np.testing.assert_allclose(out.tan, [0.0, 0.25, 0.0])


def test_broadcasting_and_constants_on_both_sides():
    d = Dual(np.ones(3), np.arange(3.0))
    out = np.array([[1.0], [2.0]]) * d + 1.0
    assert out.shape == (2, 3) and out.tan.shape == (2, 3)
    np.testing.assert_allclose(out.tan, [[0, 1, 2], [0, 2, 4]])
    out = np.eye(3) @ d
    assert isinstance(out, Dual)
    np.testing.assert_allclose(out.tan, d.tan)
    assert d[1:].tan.tolist() == [1.0, 2.0] and d.T.shape == (3,)


def test_constant_function_has_zero_jvp():
    value, tangent = jvp(lambda x: np.ones(2), np.zeros(3), np.ones(3))
    assert value.tolist() == [1.0, 1.0] and tangent.tolist() == [0.0, 0.0]


def test_no_aliasing_of_inputs():
    x = np.array([1.0, 2.0])
    d = Dual(x, x)
    d.val[0] = 5.0
    assert x[0] == 1.0 and d.tan[0] == 1.0


@pytest.mark.parametrize("call, error, words", [
    (lambda: Dual(None), TypeError, "val must be a real number"),
    (lambda: Dual("1.5"), TypeError, "val must be a real number"),
    (lambda: Dual([1.0, 2.0], [1.0 + 2j, 0.0]), TypeError, "tan must be real numbers"),
    (lambda: Dual([1.0, 2.0], [1.0]), ValueError, "tangent tan has shape (1,)"),
    (lambda: Dual(np.ones(3)) + np.ones(4), ValueError, "add: cannot combine shapes (3,) and (4,)"),
    (lambda: Dual(np.ones(3)) * "x", TypeError, "multiply: operand"),
    (lambda: Dual(np.ones((2, 3))) @ np.ones((2, 3)), ValueError, "matmul: cannot multiply shapes (2, 3) and (2, 3)"),
    (lambda: Dual(2.0) @ Dual(3.0), ValueError, ">= 1 dimension"),
    (lambda: Dual(np.ones(3)).reshape(2, 2), ValueError, "cannot reshape x of shape (3,) (3 entries) into shape (2, 2)"),
    (lambda: Dual(2.0) ** Dual(3.0), TypeError, "exponent must be a constant"),
    (lambda: Dual(2.0) ** None, TypeError, "power: exponent"),
    (lambda: jvp(3, np.ones(2), np.ones(2)), TypeError, "f must be callable"),
    (lambda: jvp(lambda x: x, np.ones(2), np.ones(3)), ValueError, "v must have the shape of x, (2,)"),
    (lambda: jvp(lambda x: x, None, np.ones(3)), TypeError, "jvp: x"),
    (lambda: jvp(lambda x: "bad", np.ones(2), np.ones(2)), TypeError, "jvp: f(x)"),
    (lambda: jacobian_fwd(lambda x: x, np.ones(0)), ValueError, "at least one entry"),
])
def test_bad_input_raises_clear_errors(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)


def test_work_limit(monkeypatch):
    from nnlib import _checks
    monkeypatch.setattr(_checks, "MAX_STEPS", 10)
    with pytest.raises(ValueError, match="above the limit"):
        jacobian_fwd(lambda x: x, np.ones(11))
