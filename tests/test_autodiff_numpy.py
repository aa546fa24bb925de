"""nnlib.autodiff and nnlib.nn checked by central differences alone (no torch needed).

test_autodiff.py and test_nn.py compare every operation with torch.autograd; this file
checks the same gradients against finite differences, so the numpy core is verified in an
environment without torch too (CI runs the unit tests that way).
"""

import numpy as np
import pytest

from nnlib import autodiff as ad
from nnlib import nn
from nnlib.gradcheck import check_grad

RNG = np.random.default_rng(0)
UNARY = {
    "exp": ad.exp, "log": ad.log, "sin": ad.sin, "cos": ad.cos, "tanh": ad.tanh,
    "sigmoid": ad.sigmoid, "relu": ad.relu,
    "softmax": lambda v: ad.softmax(v) * np.arange(1.0, 4.0),
    "log_softmax": lambda v: ad.log_softmax(v) * np.arange(1.0, 4.0),
    "square": lambda v: v ** 2, "reciprocal": lambda v: 1.0 / v, "rpow": lambda v: 2.0 ** v,
    "sum-axis": lambda v: v.sum(axis=0) * np.arange(1.0, 4.0), "mean": lambda v: v.mean() * v,
    "transpose-matmul": lambda v: v.T @ v, "reshape": lambda v: v.reshape(3, 2) ** 3,
    "index": lambda v: v[1:, ::-1] * 2.0,
}


def _value_and_grad(op, x):
    v = ad.Var(x)
    op(v).sum().backward()
    return v.grad


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_and_shape_ops_match_finite_differences(name):
    op = UNARY[name]
    x = RNG.uniform(0.5, 2.0, size=(2, 3))  # positive (log, reciprocal) and away from relu's kink
    err = check_grad(lambda a: float(op(ad.Var(a)).sum().val), x, _value_and_grad(op, x))
    assert err < 1e-6, f"{name}: relative error {err:.2e}"


@pytest.mark.parametrize("name, op", [
    ("add", lambda a, b: a + b), ("sub", lambda a, b: a - b), ("mul", lambda a, b: a * b),
    ("div", lambda a, b: a / b), ("pow", lambda a, b: a ** b), ("matmul", lambda a, b: a @ b.T),
])
def test_binary_ops_and_broadcasting_match_finite_differences(name, op):
    a, b = RNG.uniform(0.5, 2.0, size=(2, 3)), RNG.uniform(0.5, 2.0, size=(2, 3))
    if name != "matmul":
        b = b[:1]  # broadcast over rows
    va, vb = ad.Var(a), ad.Var(b)
    op(va, vb).sum().backward()
    f_a = lambda x: float(op(ad.Var(x), ad.Var(b)).sum().val)  # noqa: E731
    f_b = lambda x: float(op(ad.Var(a), ad.Var(x)).sum().val)  # noqa: E731
    assert check_grad(f_a, a, va.grad) < 1e-6 and check_grad(f_b, b, vb.grad) < 1e-6


def test_reused_node_and_long_chain():
    x = ad.Var(np.array([0.3]))
    y = x
    for _ in range(5000):  # deep graph: no recursion limit
        y = y * 1.0001 + x * 1e-4
    y.sum().backward()
    f = lambda a: float(np.sum(_chain(a)))  # noqa: E731
    assert check_grad(f, np.array([0.3]), x.grad) < 1e-6


def _chain(a):
    y = a
    for _ in range(5000):
        y = y * 1.0001 + a * 1e-4
    return y


def test_mlp_losses_match_finite_differences():
    model = nn.Sequential(nn.Linear(4, 5, rng=1), nn.Tanh(), nn.Linear(5, 3, rng=2))
    X, labels = RNG.standard_normal((6, 4)), RNG.integers(0, 3, 6)
    W = model.layers[0].weight if hasattr(model, "layers") else model.parameters()[0]
    loss = nn.cross_entropy(model(X), labels)
    loss.backward()

    def f(w):
        saved = W.val.copy()
        W.val[...] = w
        value = float(nn.cross_entropy(model(X), labels).val)
        W.val[...] = saved
        return value
    assert check_grad(f, W.val.copy(), W.grad) < 1e-6


def test_numpy_functional_agrees_with_the_autodiff_ops():
    from nnlib import functional as F
    z = RNG.standard_normal((4, 5)) * 30
    np.testing.assert_allclose(F.sigmoid(z), ad.sigmoid(ad.Var(z)).val, rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(F.softmax(z), ad.softmax(ad.Var(z)).val, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(F.log_softmax(z), ad.log_softmax(ad.Var(z)).val, rtol=1e-12)
    labels = RNG.integers(0, 5, 4)
    E, _ = F.cross_entropy_with_logits(z, labels, reduction="mean")
    assert abs(E - nn.cross_entropy(z, labels).item()) < 1e-12 * max(1.0, abs(E))


@pytest.mark.parametrize("fn, name", [("softmax", "Z"), ("log_softmax", "Z"), (ad.softmax, "x"), (ad.log_softmax, "x")])
def test_softmax_over_an_empty_axis_names_the_input_and_the_axis(fn, name):
    """A softmax's outputs sum to 1, so it has no value on an empty axis; empty batches are fine."""
    from nnlib import functional as F
    fn = getattr(F, fn) if isinstance(fn, str) else fn
    with pytest.raises(ValueError, match=rf"{name} has no entries along axis -1"):
        fn(np.array([]))
    with pytest.raises(ValueError, match=rf"{name} has no entries along axis 0"):
        fn(np.zeros((0, 3)), axis=0)
    out = fn(np.zeros((0, 3)))
    assert np.shape(getattr(out, "val", out)) == (0, 3)
