"""Tests of nnlib.models.dropout (the MC-dropout networks of chapter 12)."""

import pytest
import torch
from torch import nn

from nnlib.models import DropoutMLP, MCDropout


def test_structure_and_shapes():
    model = DropoutMLP(3, 2, (8, 5), dropout=0.2, activation="tanh")
    types = [type(m) for m in model.net]
    assert types == [nn.Linear, nn.Tanh, MCDropout, nn.Linear, nn.Tanh, MCDropout, nn.Linear]
    assert model(torch.zeros(4, 3)).shape == (4, 2)
    assert all(m.p == 0.2 for m in model.net if isinstance(m, MCDropout))


def test_input_dropout_and_no_dropout():
    assert isinstance(DropoutMLP(1, 1, (4,), input_dropout=0.05).net[0], MCDropout)
    plain = DropoutMLP(1, 1, (4, 4), dropout=0.0)
    assert not any(isinstance(m, nn.Dropout) for m in plain.modules())


@pytest.mark.parametrize("p", [1.0, -0.1, 1.5])
def test_bad_dropout_rate(p):
    with pytest.raises(ValueError, match=r"dropout must be in \[0, 1\)"):
        DropoutMLP(1, 1, (4,), dropout=p)
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        MCDropout(p)


def test_bad_arguments():
    with pytest.raises(ValueError, match="activation must be one of 'relu', 'tanh'"):
        DropoutMLP(1, 1, (4,), activation="sigmoid")
    with pytest.raises(ValueError, match="at least one layer"):
        DropoutMLP(1, 1, ())
    with pytest.raises(ValueError, match=r"hidden_sizes\[1\] must be an integer >= 1"):
        DropoutMLP(1, 1, (4, 0))
    with pytest.raises(ValueError, match=r"x of DropoutMLP\(in_features=1\) must have shape \(\.\.\., 1\), got shape \(5,\)"):
        DropoutMLP(1, 1, (4,))(torch.zeros(5))


def test_eval_mode_is_deterministic_train_mode_is_not():
    torch.manual_seed(0)
    model = DropoutMLP(1, 1, (32, 32), dropout=0.3)
    x = torch.linspace(-1, 1, 11)[:, None]
    model.eval()
    torch.testing.assert_close(model(x), model(x), rtol=0, atol=0)
    model.train()
    assert not torch.equal(model(x), model(x))


def test_mcdropout_matches_torch_dropout_and_is_unbiased():
    x = torch.randn(6, 10, dtype=torch.float64)
    ours, ref = MCDropout(0.4), nn.Dropout(0.4)
    torch.manual_seed(3)
    a = ours(x)
    torch.manual_seed(3)
    torch.testing.assert_close(a, ref(x))
    # inverted dropout: E[output] = input
    torch.manual_seed(4)
    mean = torch.stack([ours(torch.ones(1000, 10, dtype=torch.float64)) for _ in range(20)]).mean()
    assert abs(mean.item() - 1.0) < 0.02
    assert torch.equal(ours.eval()(x), x)


def test_shared_mask_gives_one_function_per_pass():
    torch.manual_seed(0)
    layer = MCDropout(0.5, shared_mask=True)
    out = layer(torch.ones(7, 20))
    assert torch.equal(out, out[:1].expand(7, 20))  # every row saw the same mask
    assert set(out.unique().tolist()) <= {0.0, 2.0}
    layer.shared_mask = False
    out = layer(torch.ones(7, 20))
    assert not torch.equal(out, out[:1].expand(7, 20))
    assert "shared_mask=False" in repr(layer)


# --------------------------------------------------------------------------- concrete dropout
import math  # noqa: E402

import numpy as np  # noqa: E402

from nnlib.models import ConcreteDropout  # noqa: E402


def _concrete(p=0.2, in_features=5, out_features=3, temperature=0.1):
    torch.manual_seed(0)
    return ConcreteDropout(nn.Linear(in_features, out_features).double(), p, temperature=temperature)


@pytest.mark.parametrize("p", [0.1, 0.3, 0.7])
def test_concrete_mask_statistics_match_p(p):
    layer = _concrete(p)
    torch.manual_seed(1)
    z = layer.relaxed_mask((20000, 5))
    assert z.dtype == torch.float64 and 0 <= z.min() and z.max() <= 1
    # P(z > 1/2) = 1 - p exactly for every temperature; binomial sd ~ 0.0014
    assert abs((z > 0.5).double().mean().item() - (1 - p)) < 0.006
    # at a low temperature the relaxed mask is nearly binary, so its mean is also 1 - p
    cold = _concrete(p, temperature=0.01)
    torch.manual_seed(2)
    zc = cold.relaxed_mask((20000, 5))
    assert abs(zc.mean().item() - (1 - p)) < 0.006
    assert ((zc < 0.01) | (zc > 0.99)).double().mean() > 0.95


def test_concrete_forward_is_unbiased_in_train_mode_and_plain_in_eval_mode():
    layer = _concrete(0.3, temperature=0.01)
    x = torch.ones(4000, 5, dtype=torch.float64)
    torch.manual_seed(3)
    out = layer(x)
    torch.testing.assert_close(out.mean(0), layer.layer(x[:1])[0], atol=0.05, rtol=0)
    layer.eval()
    torch.testing.assert_close(layer(x[:2]), layer.layer(x[:2]), rtol=0, atol=0)


def test_concrete_regularizer_matches_hand_computation():
    layer = _concrete(0.2, in_features=5)
    W, b = layer.layer.weight.detach(), layer.layer.bias.detach()
    l = 0.7
    H = -(0.2 * math.log(0.2) + 0.8 * math.log(0.8))
    hand = l**2 / (2 * 0.8) * (W**2).sum().item() + l**2 / 2 * (b**2).sum().item() - 5 * H
    assert math.isclose(layer.regularizer(l).item(), hand, rel_tol=1e-12)
    assert math.isclose(layer.p.item(), 0.2, rel_tol=1e-12)
    # in terms of the derivation's M = W' / (1 - p): (1 - p) l^2 / 2 ||M||^2
    M = W / 0.8
    assert math.isclose(l**2 / (2 * 0.8) * (W**2).sum().item(), 0.8 * l**2 / 2 * (M**2).sum().item(), rel_tol=1e-12)


def test_concrete_regularizer_gradient_in_p_has_the_right_sign():
    # no weights: only the entropy term, which pulls p towards 1/2
    for p, sign in [(0.1, -1), (0.9, 1)]:
        layer = _concrete(p)
        with torch.no_grad():
            layer.layer.weight.zero_()
            layer.layer.bias.zero_()
        layer.regularizer(1.0).backward()
        g = layer.p_logit.grad.item()
        assert math.isfinite(g) and np.sign(g) == sign
        # d/drho of -K H(sigma(rho)) = K rho p (1 - p)
        rho = math.log(p / (1 - p))
        assert math.isclose(g, 5 * rho * p * (1 - p), rel_tol=1e-10)
    # large weights at p = 1/2: the weight term l^2 ||W'||^2 / (2 (1 - p)) grows with p
    layer = _concrete(0.5)
    with torch.no_grad():
        layer.layer.weight.fill_(3.0)
    layer.regularizer(1.0).backward()
    assert layer.p_logit.grad.item() > 0


def test_concrete_data_term_gradient_pushes_p_down_when_dropout_hurts_the_fit():
    # y = w . x fitted exactly by the layer: any dropout adds error, so dMSE/dp > 0
    layer = _concrete(0.3, in_features=5, out_features=1)
    x = torch.randn(2000, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        y = layer.layer(x)
    torch.manual_seed(4)
    loss = nn.functional.mse_loss(layer(x), y)
    loss.backward()
    g = layer.p_logit.grad.item()
    assert math.isfinite(g) and g > 0


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(p=0.0), ValueError, r"p must be in \(0, 1\)"),
    (dict(p=1.0), ValueError, r"p must be in \(0, 1\)"),
    (dict(p="0.1"), TypeError, "p"),
    (dict(temperature=0.0), ValueError, "temperature must be > 0"),
    (dict(temperature=float("nan")), ValueError, "temperature"),
])
def test_concrete_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        ConcreteDropout(nn.Linear(2, 1), **kwargs)


def test_concrete_bad_layer_and_inputs():
    with pytest.raises(TypeError, match="layer must be a torch.nn.Linear, got Conv1d"):
        ConcreteDropout(nn.Conv1d(1, 1, 2))
    layer = _concrete(0.2, in_features=5)
    with pytest.raises(ValueError, match=r"x of ConcreteDropout\(.*\) must have shape \(\.\.\., 5\), got shape \(2, 4\)"):
        layer(torch.zeros(2, 4, dtype=torch.float64))
    with pytest.raises(TypeError, match="x must be a real tensor"):
        layer(torch.zeros(2, 5, dtype=torch.complex128))
    with pytest.raises(TypeError, match="x"):
        layer(None)
    with pytest.raises(ValueError, match="length_scale must be > 0"):
        layer.regularizer(-1.0)
    assert "p=0.2, temperature=0.1" in repr(layer)


def test_concrete_relaxed_mask_checks_its_shape():
    layer = _concrete(0.2)
    with pytest.raises(ValueError, match=r"shape\[1\] must be an integer >= 1"):
        layer.relaxed_mask((3, 0))
    with pytest.raises(TypeError, match="shape must be a sequence"):
        layer.relaxed_mask(None)
    with pytest.raises(ValueError, match="shape asks for .* entries, above the limit"):
        layer.relaxed_mask((10**6, 10**6))
    with pytest.raises(ValueError, match="at least one dimension"):
        layer.relaxed_mask(())


def test_concrete_forward_casts_its_input_to_the_layer_dtype():
    layer = ConcreteDropout(nn.Linear(5, 2), 0.2)  # float32 layer (default dtype of this test session)
    out = layer.eval()(torch.ones(3, 5, dtype=torch.float64))
    assert out.dtype == layer.layer.weight.dtype
