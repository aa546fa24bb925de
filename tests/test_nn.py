"""Tests of nnlib.nn: layers, losses and optimisers against their torch equivalents."""

import numpy as np
import pytest
try:
    import torch
except ImportError:  # numpy-only run: tests that mention torch are skipped (conftest.py)
    torch = None

from nnlib import nn, optim
from nnlib.autodiff import Var


def mlp_pair(sizes=(5, 7, 3), act=(nn.Tanh, torch.nn.Tanh), seed=0):
    """The same MLP in nnlib and torch (float64, torch weights = nnlib weights transposed)."""
    rng = np.random.default_rng(seed)
    ours, theirs = [], []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        lin = nn.Linear(n_in, n_out, rng=rng)
        t_lin = torch.nn.Linear(n_in, n_out, dtype=torch.float64)
        with torch.no_grad():
            t_lin.weight.copy_(torch.tensor(lin.weight.val.T))
            t_lin.bias.copy_(torch.tensor(lin.bias.val))
        ours.append(lin)
        theirs.append(t_lin)
        if i < len(sizes) - 2:
            ours.append(act[0]())
            theirs.append(act[1]())
    return nn.Sequential(*ours), torch.nn.Sequential(*theirs)


def assert_params_equal(model, t_model, rtol=1e-12, atol=1e-14):
    for p, (name, t) in zip(model.parameters(), t_model.named_parameters()):
        t_val = t.detach().numpy()
        np.testing.assert_allclose(p.val, t_val.T if "weight" in name else t_val, rtol=rtol, atol=atol)


def test_linear_init_shapes_and_bounds():
    lin = nn.Linear(16, 4, rng=np.random.default_rng(0), dtype=np.float32)
    assert lin.weight.shape == (16, 4) and lin.bias.shape == (4,)
    assert lin.weight.dtype == np.float32
    assert np.all(np.abs(lin.weight.val) <= 0.25) and np.all(np.abs(lin.bias.val) <= 0.25)
    assert np.std(nn.Linear(100, 200, rng=np.random.default_rng(1)).weight.val) == pytest.approx(
        0.1 / np.sqrt(3), rel=0.05)  # U(-b, b) has standard deviation b / sqrt(3)
    assert len(nn.Linear(3, 2, bias=False).parameters()) == 1


@pytest.mark.parametrize("act", [(nn.ReLU, torch.nn.ReLU), (nn.Tanh, torch.nn.Tanh),
                                 (nn.Sigmoid, torch.nn.Sigmoid)], ids=["relu", "tanh", "sigmoid"])
def test_mlp_forward_backward_vs_torch(act):
    model, t_model = mlp_pair((5, 8, 6, 3), act)
    x = np.random.default_rng(1).normal(size=(10, 5))
    out, t_out = model(x), t_model(torch.tensor(x))
    np.testing.assert_allclose(out.val, t_out.detach().numpy(), rtol=1e-12)
    (out * out).sum().backward()
    (t_out * t_out).sum().backward()
    for p, (name, t) in zip(model.parameters(), t_model.named_parameters()):
        g = t.grad.numpy()
        np.testing.assert_allclose(p.grad, g.T if "weight" in name else g, rtol=1e-10, atol=1e-12)


def test_module_parameters_zero_grad_and_modes():
    model, _ = mlp_pair((4, 3, 2))
    params = model.parameters()
    assert [p.shape for p in params] == [(4, 3), (3,), (3, 2), (2,)]
    assert len(model) == 3 and isinstance(model[0], nn.Linear)
    model(np.ones((2, 4))).sum().backward()
    assert all(p.grad is not None for p in params)
    model.zero_grad()
    assert all(p.grad is None for p in params)
    assert model.eval() is model and not model.training and not model[0].training
    assert model.train().training and model[2].training
    assert "Linear(4, 3" in repr(model)


def test_module_shares_parameters_once_and_needs_forward():
    lin = nn.Linear(2, 2)
    twice = nn.Sequential(lin, nn.Tanh(), lin)
    assert len(twice.parameters()) == 2
    with pytest.raises(NotImplementedError):
        nn.Module()(1)
    with pytest.raises(TypeError, match="callable"):
        nn.Sequential(nn.ReLU(), 3)
    with pytest.raises(ValueError, match=r"\(5, 3\).*\(\.\.\., 2\)"):
        lin(np.ones((5, 3)))


# ----- losses ------------------------------------------------------------------------
def test_losses_vs_torch():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(6, 4)) * 3
    y_int = rng.integers(0, 4, 6)
    y_real = rng.normal(size=(6, 4))
    y_bin = rng.integers(0, 2, (6, 4)).astype(float)
    cases = [
        (nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss(), lambda v: v, y_int, torch.tensor(y_int)),
        (nn.MSELoss(), torch.nn.MSELoss(), lambda v: v, y_real, torch.tensor(y_real)),
        (nn.BCELoss(), torch.nn.BCELoss(), lambda v: v.sigmoid(), y_bin, torch.tensor(y_bin)),
    ]
    for loss_fn, t_loss_fn, pre, y, ty in cases:
        x, tx = Var(z), torch.tensor(z, requires_grad=True)
        t_pre = torch.sigmoid if isinstance(loss_fn, nn.BCELoss) else (lambda t: t)
        loss, t_loss = loss_fn(pre(x), y), t_loss_fn(t_pre(tx), ty)
        assert loss.shape == () and loss.val == pytest.approx(t_loss.item(), rel=1e-12)
        loss.backward()
        t_loss.backward()
        np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_cross_entropy_is_stable_and_float32():
    z = np.array([[1000.0, 0.0, -1000.0], [0.0, 0.0, 0.0]], dtype=np.float32)
    x = Var(z)
    with np.errstate(over="raise", invalid="raise"):
        loss = nn.cross_entropy(x, np.array([1, 2]))
        loss.backward()
    t = torch.nn.functional.cross_entropy(torch.tensor(z), torch.tensor([1, 2]))
    assert loss.dtype == np.float32 and x.grad.dtype == np.float32
    assert loss.item() == pytest.approx(t.item(), rel=1e-6)


def test_bce_clamps_like_torch():
    p = np.array([0.0, 1.0, 0.5, 1.0])
    y = np.array([1.0, 0.0, 1.0, 1.0])
    x, tx = Var(p), torch.tensor(p, requires_grad=True)
    loss, t_loss = nn.binary_cross_entropy(x, y), torch.nn.functional.binary_cross_entropy(tx, torch.tensor(y))
    assert loss.item() == pytest.approx(t_loss.item(), rel=1e-12)
    loss.backward()
    t_loss.backward()
    np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-8)  # +-2.5e11 at the clamp


def test_loss_errors():
    with pytest.raises(ValueError, match=r"targets must be in \[0, 3\)"):
        nn.cross_entropy(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match=r"integers of shape \(2,\)"):
        nn.cross_entropy(np.zeros((2, 3)), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"shape \(N, C\)"):
        nn.cross_entropy(np.zeros(3), np.array([0]))
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(3, 2\)"):
        nn.mse_loss(np.zeros((2, 3)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        nn.binary_cross_entropy(np.array([1.5]), np.array([1.0]))


# ----- optimisers --------------------------------------------------------------------
def run_steps(make_opt, make_t_opt, steps=3):
    model, t_model = mlp_pair((5, 7, 3), (nn.ReLU, torch.nn.ReLU))
    opt, t_opt = make_opt(model.parameters()), make_t_opt(t_model.parameters())
    rng = np.random.default_rng(2)
    for _ in range(steps):
        x, y = rng.normal(size=(8, 5)), rng.integers(0, 3, 8)
        loss = nn.cross_entropy(model(x), y)
        t_loss = torch.nn.functional.cross_entropy(t_model(torch.tensor(x)), torch.tensor(y))
        assert loss.item() == pytest.approx(t_loss.item(), rel=1e-10)
        opt.zero_grad()
        t_opt.zero_grad()
        loss.backward()
        t_loss.backward()
        opt.step()
        t_opt.step()
        assert_params_equal(model, t_model)


def test_sgd_plain_momentum_and_weight_decay_match_torch():
    run_steps(lambda p: optim.SGD(p, lr=0.1), lambda p: torch.optim.SGD(p, lr=0.1), steps=1)
    run_steps(lambda p: optim.SGD(p, lr=0.1, momentum=0.9),
              lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9))
    run_steps(lambda p: optim.SGD(p, lr=0.05, momentum=0.5, weight_decay=0.01),
              lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.5, weight_decay=0.01))


def test_adam_matches_torch():
    run_steps(lambda p: optim.Adam(p, lr=0.01), lambda p: torch.optim.Adam(p, lr=0.01), steps=1)
    run_steps(lambda p: optim.Adam(p, lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1),
              lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1))


def test_optimisers_skip_parameters_without_gradient_and_keep_float32():
    w = Var(np.ones(3, dtype=np.float32))
    v = Var(np.ones(2, dtype=np.float32))
    for opt in (optim.SGD([w, v], lr=0.1, momentum=0.9, weight_decay=0.1), optim.Adam([w, v])):
        (w * w).sum().backward()
        opt.step()
        opt.zero_grad()
        assert w.grad is None and w.dtype == np.float32
        np.testing.assert_array_equal(v.val, np.ones(2))


@pytest.mark.parametrize("make, match", [
    (lambda p: optim.SGD(p, lr=-0.1), r"lr must be >= 0"),
    (lambda p: optim.SGD(p, lr=0.1, momentum=1.0), r"momentum must be in \[0, 1\)"),
    (lambda p: optim.SGD(p, lr=0.1, momentum=-0.5), r"momentum must be in \[0, 1\)"),
    (lambda p: optim.SGD(p, lr=0.1, weight_decay=-1), r"weight_decay must be >= 0"),
    (lambda p: optim.Adam(p, lr=-1e-3), r"lr must be >= 0"),
    (lambda p: optim.Adam(p, betas=(1.0, 0.999)), r"betas\[0\] \(beta1\) must be in \[0, 1\)"),
    (lambda p: optim.Adam(p, betas=(0.9, 1.5)), r"betas\[1\] \(beta2\) must be in \[0, 1\)"),
    (lambda p: optim.Adam(p, betas=(0.9,)), r"pair"),
    (lambda p: optim.Adam(p, eps=0.0), r"eps must be > 0"),
    (lambda p: optim.Adam(p, lr=float("nan")), r"lr must be finite"),
    (lambda p: optim.SGD([], lr=0.1), r"params is empty"),
])
def test_invalid_hyperparameters(make, match):
    with pytest.raises(ValueError, match=match):
        make([Var(np.ones(2))])


def test_optimiser_rejects_non_vars():
    with pytest.raises(TypeError, match="Vars"):
        optim.SGD([np.ones(2)], lr=0.1)


def test_mlp_learns_a_small_problem():
    # Two Gaussian blobs: a few hundred SGD steps separate them perfectly.
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(-1, 0.5, (50, 2)), rng.normal(1, 0.5, (50, 2))])
    y = np.repeat([0, 1], 50)
    model = nn.Sequential(nn.Linear(2, 8, rng=rng), nn.ReLU(), nn.Linear(8, 2, rng=rng))
    opt = optim.SGD(model.parameters(), lr=0.2, momentum=0.9)
    for _ in range(100):
        loss = nn.CrossEntropyLoss()(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < 0.1
    assert np.mean(model(x).val.argmax(axis=1) == y) > 0.97


@pytest.mark.parametrize("x", [np.ones((2, 3)) + 1j, np.array([[None, "x", 1.0]], dtype=object)])
def test_linear_and_sequential_name_x_for_non_real_input(x):
    from nnlib import nn as nnl
    layer = nnl.Linear(3, 2, rng=0)
    for model in (layer, nnl.Sequential(layer, nnl.ReLU())):
        with pytest.raises(TypeError, match=r"^x must be real"):
            model(x)
    np.testing.assert_allclose(layer([[1.0, 2.0, 3.0]]).val, layer(np.array([[1.0, 2.0, 3.0]])).val)
