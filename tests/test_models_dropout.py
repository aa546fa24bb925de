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
    with pytest.raises(ValueError, match=r"expects inputs of shape \(batch, 1\), got shape \(5,\)"):
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
