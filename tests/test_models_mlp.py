"""Tests of nnlib.models.mlp (the MLP used in chapters 05-06)."""

import math

import pytest
import torch
from torch import nn

from nnlib.models import MLP, layer_grad_norms, n_parameters


def _types(model):
    return [type(m) for m in model.net]


def test_layer_structure_default():
    model = MLP([64, 128, 10])
    assert _types(model) == [nn.Linear, nn.ReLU, nn.Linear]
    assert [(lin.in_features, lin.out_features) for lin in model.linears] == [(64, 128), (128, 10)]
    assert model(torch.zeros(3, 64)).shape == (3, 10)


@pytest.mark.parametrize(
    "activation, module", [("relu", nn.ReLU), ("tanh", nn.Tanh), ("sigmoid", nn.Sigmoid), ("identity", nn.Identity)]
)
def test_activation_choice(activation, module):
    model = MLP([3, 4, 4, 2], activation=activation)
    assert _types(model) == [nn.Linear, module, nn.Linear, module, nn.Linear]


def test_batch_norm_and_dropout_order():
    model = MLP([3, 5, 5, 2], batch_norm=True, dropout=0.3)
    assert _types(model) == [nn.Linear, nn.BatchNorm1d, nn.ReLU, nn.Dropout] * 2 + [nn.Linear]
    assert model.net[3].p == 0.3


def test_single_linear_layer_has_no_activation():
    model = MLP([4, 2], activation="tanh", batch_norm=True, dropout=0.5)
    assert _types(model) == [nn.Linear]


def test_forward_matches_manual_computation_float64():
    torch.manual_seed(0)
    model = MLP([3, 6, 4, 2], activation="tanh").double()
    x = torch.randn(7, 3, dtype=torch.float64)
    l1, l2, l3 = model.linears
    expected = l3(torch.tanh(l2(torch.tanh(l1(x)))))
    torch.testing.assert_close(model(x), expected)


def test_forward_matches_manual_batch_norm_train_and_eval():
    torch.manual_seed(1)
    model = MLP([3, 6, 2], activation="sigmoid", batch_norm=True).double()
    bn = model.net[1]
    x = torch.randn(16, 3, dtype=torch.float64)
    lin1, lin2 = model.linears
    z = lin1(x)
    zhat = (z - z.mean(0)) / torch.sqrt(z.var(0, unbiased=False) + bn.eps)
    torch.testing.assert_close(model(x), lin2(torch.sigmoid(zhat)))
    # training updated the running statistics; eval mode uses them instead of batch statistics
    torch.testing.assert_close(bn.running_mean, 0.1 * z.mean(0).detach())
    model.eval()
    zhat_eval = (z - bn.running_mean) / torch.sqrt(bn.running_var + bn.eps)
    torch.testing.assert_close(model(x), lin2(torch.sigmoid(zhat_eval)))


def test_trace_returns_every_layer():
    torch.manual_seed(0)
    model = MLP([4, 8, 6, 3], dropout=0.2)
    model.eval()
    x = torch.randn(5, 4)
    t = model.trace(x)
    assert [z.shape for z in t["z"]] == [(5, 8), (5, 6), (5, 3)]
    assert [a.shape for a in t["a"]] == [(5, 8), (5, 6)]
    torch.testing.assert_close(t["out"], model(x))
    torch.testing.assert_close(t["a"][0], torch.relu(t["z"][0]))
    # trace keeps the graph: dE/dz per layer is available
    for z in t["z"]:
        z.retain_grad()
    t["out"].sum().backward()
    assert all(z.grad is not None for z in t["z"])


@pytest.mark.parametrize(
    "init, std_fn",
    [
        ("xavier", lambda n_in, n_out: math.sqrt(2 / (n_in + n_out))),
        ("he", lambda n_in, n_out: math.sqrt(2 / n_in)),
        ("normal", lambda n_in, n_out: 0.05),
        ("default", lambda n_in, n_out: math.sqrt(1 / (3 * n_in))),
    ],
)
def test_init_standard_deviations(init, std_fn):
    torch.manual_seed(0)
    kwargs = {"init_std": 0.05} if init == "normal" else {}
    model = MLP([400, 300, 200], init=init, **kwargs)
    for lin in model.linears:
        n_out, n_in = lin.weight.shape
        std = float(lin.weight.detach().std())
        assert abs(std - std_fn(n_in, n_out)) / std_fn(n_in, n_out) < 0.02, (init, std)
        assert abs(float(lin.weight.detach().mean())) < 0.01 * std_fn(n_in, n_out) * 10
        if init != "default":
            assert torch.all(lin.bias == 0)


def test_he_stds_of_seed_example():
    # 100-80-50-5 network: He standard deviations sqrt(2/80) = 0.158 and sqrt(2/50) = 0.2
    torch.manual_seed(0)
    model = MLP([100, 80, 50, 5], init="he")
    stds = [float(lin.weight.detach().std()) for lin in model.linears[1:3]]
    assert abs(stds[0] - 0.1581) < 0.01 and abs(stds[1] - 0.2) < 0.01


def test_layer_grad_norms():
    torch.manual_seed(0)
    model = MLP([5, 4, 3])
    x = torch.randn(6, 5)
    model(x).pow(2).sum().backward()
    norms = layer_grad_norms(model)
    assert len(norms) == 2
    assert norms == [float(lin.weight.grad.norm()) for lin in model.linears]
    # works on any module with Linear layers
    seq = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    seq(torch.ones(1, 2)).sum().backward()
    assert len(layer_grad_norms(seq)) == 2


def test_layer_grad_norms_errors():
    with pytest.raises(ValueError, match="backward"):
        layer_grad_norms(MLP([2, 3, 1]))
    with pytest.raises(ValueError, match="no torch.nn.Linear"):
        layer_grad_norms(nn.Sequential(nn.ReLU()))
    with pytest.raises(TypeError):
        layer_grad_norms("model")


def test_n_parameters():
    assert n_parameters(MLP([64, 128, 10])) == 64 * 128 + 128 + 128 * 10 + 10
    assert n_parameters(MLP([4, 3, 2], batch_norm=True)) == 4 * 3 + 3 + 2 * 3 + 3 * 2 + 2


def test_deterministic_given_seed():
    torch.manual_seed(3)
    a = MLP([5, 7, 2], init="he")
    torch.manual_seed(3)
    b = MLP([5, 7, 2], init="he")
    for pa, pb in zip(a.parameters(), b.parameters()):
        assert torch.equal(pa, pb)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"sizes": [3]}, "at least 2"),
        ({"sizes": []}, "at least 2"),
        ({"sizes": 5}, "list of layer widths"),
        ({"sizes": "64"}, "list of layer widths"),
        ({"sizes": [3, 0, 2]}, r"sizes\[1\]"),
        ({"sizes": [3, 2.5, 2]}, r"sizes\[1\]"),
        ({"sizes": [3, 2], "activation": "softmax"}, "'relu', 'tanh', 'sigmoid', 'identity'"),
        ({"sizes": [3, 2], "dropout": 1.0}, r"dropout must be in \[0, 1\)"),
        ({"sizes": [3, 2], "dropout": -0.1}, r"\[0, 1\)"),
        ({"sizes": [3, 2], "init": "kaiming"}, "'default', 'xavier', 'he', 'normal'"),
        ({"sizes": [3, 2], "init": "normal"}, "init_std"),
        ({"sizes": [3, 2], "init": "normal", "init_std": 0.0}, "init_std must be > 0"),
        ({"sizes": [3, 2], "init": "he", "init_std": 0.1}, "only used with init='normal'"),
    ],
)
def test_invalid_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MLP(**kwargs)


def test_invalid_batch_norm_type_and_input_shape():
    with pytest.raises(TypeError, match="batch_norm"):
        MLP([3, 2], batch_norm="yes")
    model = MLP([3, 4, 2])
    with pytest.raises(ValueError, match=r"\(batch, 3\).*\(5, 4\)"):
        model(torch.zeros(5, 4))
    with pytest.raises(ValueError, match=r"\(batch, 3\)"):
        model.trace(torch.zeros(3))


# --------------------------------------------------------------------------- ResidualMLP, LayerNormMLP
from nnlib.models import LayerNormMLP, ResidualMLP  # noqa: E402


def test_residual_mlp_same_parameters_as_mlp_and_skips():
    torch.manual_seed(0)
    plain = MLP([3, 4, 4, 4, 2], activation="tanh")
    torch.manual_seed(0)
    res = ResidualMLP([3, 4, 4, 4, 2], activation="tanh")
    for pa, pb in zip(plain.parameters(), res.parameters()):
        assert torch.equal(pa, pb)
    x = torch.randn(5, 3)
    W = [lin.weight for lin in res.linears]
    b = [lin.bias for lin in res.linears]
    a1 = torch.tanh(x @ W[0].T + b[0])                 # 3 -> 4: no skip (widths differ)
    a2 = a1 + torch.tanh(a1 @ W[1].T + b[1])           # 4 -> 4: skip
    a3 = a2 + torch.tanh(a2 @ W[2].T + b[2])
    out = a3 @ W[3].T + b[3]
    torch.testing.assert_close(res(x), out, rtol=1e-12, atol=1e-12)
    tr = res.trace(x)
    assert len(tr["z"]) == 4 and len(tr["a"]) == 3
    torch.testing.assert_close(tr["a"][1], a2, rtol=1e-12, atol=1e-12)
    assert not torch.allclose(plain(x), res(x))


def test_residual_jacobian_is_identity_plus_layer_jacobian():
    torch.manual_seed(1)
    res = ResidualMLP([4, 4, 1], activation="tanh")
    x = torch.randn(1, 4)
    J = torch.autograd.functional.jacobian(lambda h: res.trace(h)["a"][0], x)[0, :, 0, :]
    lin = res.linears[0]
    D = torch.diag(1 - torch.tanh(lin(x)[0]) ** 2)
    torch.testing.assert_close(J, torch.eye(4) + D @ lin.weight, rtol=1e-12, atol=1e-12)


def test_residual_mlp_gradient_reaches_first_layer():
    torch.manual_seed(0)
    sizes = [8] + [8] * 20 + [2]
    x = torch.randn(16, 8)
    norms = {}
    for cls in (MLP, ResidualMLP):
        torch.manual_seed(0)
        model = cls(sizes, activation="sigmoid")
        model(x).pow(2).sum().backward()
        g = layer_grad_norms(model)
        norms[cls.__name__] = g[0] / g[-1]
    assert norms["ResidualMLP"] > 1e3 * norms["MLP"]


def test_layer_norm_mlp_structure_and_values():
    torch.manual_seed(0)
    bn = MLP([3, 5, 5, 2], batch_norm=True)
    torch.manual_seed(0)
    ln = LayerNormMLP([3, 5, 5, 2])
    assert [type(m) for m in ln.net] == [nn.Linear, nn.LayerNorm, nn.ReLU, nn.Linear, nn.LayerNorm, nn.ReLU, nn.Linear]
    for la, lb in zip(bn.linears, ln.linears):
        assert torch.equal(la.weight, lb.weight) and torch.equal(la.bias, lb.bias)
    assert "layer_norm=True" in repr(ln)
    x = torch.randn(6, 3)
    z = ln.linears[0](x)
    zhat = (z - z.mean(1, keepdim=True)) / torch.sqrt(z.var(1, unbiased=False, keepdim=True) + 1e-5)
    torch.testing.assert_close(ln.trace(x)["a"][0], torch.relu(zhat), rtol=1e-12, atol=1e-12)
    # no batch dependence, same in training and evaluation mode, works for a batch of one
    ln.train()
    one = ln(x[:1])
    torch.testing.assert_close(ln(x)[:1], one, rtol=1e-12, atol=1e-12)
    ln.eval()
    torch.testing.assert_close(ln(x[:1]), one, rtol=1e-12, atol=1e-12)


def test_residual_and_layer_norm_invalid_arguments():
    with pytest.raises(ValueError, match="at least 2"):
        ResidualMLP([3])
    with pytest.raises(ValueError, match=r"\(batch, 3\)"):
        ResidualMLP([3, 3, 1])(torch.zeros(2, 4))
    with pytest.raises(ValueError, match="'relu', 'tanh'"):
        LayerNormMLP([3, 3, 1], activation="gelu")
    with pytest.raises(TypeError, match="batch_norm"):
        LayerNormMLP([3, 3, 1], batch_norm=True)
    with pytest.raises(ValueError, match="init_std"):
        ResidualMLP([3, 3, 1], init="normal")
