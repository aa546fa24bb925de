"""Tests of nnlib.models.cnn: shapes, parameter counts, feature maps, errors, a quick fit."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from nnlib.conv import conv2d_forward, maxpool2d_forward
from nnlib.models import CNN



def n_params(model):
    return sum(p.numel() for p in model.parameters())


def test_shapes_flat_and_image_input():
    torch.manual_seed(0)
    net = CNN(channels=(16, 32), hidden_size=64)
    x = torch.rand(5, 64)
    out = net(x)
    assert out.shape == (5, 10)
    torch.testing.assert_close(out, net(x.reshape(5, 1, 8, 8)))
    maps = net.feature_maps(x)
    assert [tuple(m.shape) for m in maps] == [(5, 16, 8, 8), (5, 32, 4, 4)]
    assert net.filters.shape == (16, 1, 3, 3)


def test_parameter_count():
    # conv 1->16 (3x3): 160; conv 16->32: 4640; FC 32*2*2 -> 64: 8256; 64 -> 10: 650
    assert n_params(CNN(channels=(16, 32), hidden_size=64)) == 160 + 4640 + 8256 + 650
    assert n_params(CNN(channels=(4,), hidden_size=0)) == 40 + 4 * 16 * 10 + 10


def test_first_block_equals_numpy_conv():
    torch.manual_seed(1)
    net = CNN(channels=(3,), hidden_size=0).double()
    x = torch.rand(2, 1, 8, 8, dtype=torch.float64)
    conv = net.blocks[0][0]
    z = conv2d_forward(x.numpy(), conv.weight.detach().numpy(), conv.bias.detach().numpy(), padding=1)
    np.testing.assert_allclose(net.feature_maps(x)[0].detach().numpy(), np.maximum(z, 0), atol=1e-12)
    pooled = maxpool2d_forward(np.maximum(z, 0))
    np.testing.assert_allclose(net.blocks[0](x).detach().numpy(), pooled, atol=1e-12)


def test_learns_a_tiny_problem():
    # Horizontal vs vertical bars: a CNN fits them in a few steps.
    torch.manual_seed(2)
    x = torch.zeros(16, 1, 8, 8)
    y = torch.arange(16) % 2
    for i in range(16):
        r = i // 2
        if y[i] == 0:
            x[i, 0, r, :] = 1
        else:
            x[i, 0, :, r] = 1
    net = CNN(channels=(4,), hidden_size=0, num_classes=2)
    opt = torch.optim.Adam(net.parameters(), lr=0.05)
    for _ in range(60):
        opt.zero_grad()
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
    assert (net(x).argmax(1) == y).all()


@pytest.mark.parametrize("kwargs, match", [
    ({"channels": ()}, "at least one"),
    ({"channels": (0,)}, r"channels\[0\]"),
    ({"kernel_size": 4}, "odd"),
    ({"hidden_size": -1}, "hidden_size must be an integer >= 0"),
    ({"channels": (4, 4, 4, 4)}, "too small"),
    ({"image_shape": (8, 8)}, "image_shape must be"),
    ({"num_classes": 0}, "num_classes"),
])
def test_bad_construction(kwargs, match):
    with pytest.raises(ValueError, match=match):
        CNN(**kwargs)


def test_bad_input_shape():
    net = CNN()
    with pytest.raises(ValueError, match=r"\(N, 1, 8, 8\) or \(N, 64\), got shape \(2, 3, 8, 8\)"):
        net(torch.zeros(2, 3, 8, 8))
    with pytest.raises(ValueError, match=r"got shape \(2, 63\)"):
        net(torch.zeros(2, 63))


# ------------------------------------------------------------ ResidualBlock
from nnlib.models import ResidualBlock  # noqa: E402


def test_residual_block_is_x_plus_f():
    torch.manual_seed(3)
    block = ResidualBlock(4).double()
    x = torch.rand(2, 4, 6, 6, dtype=torch.float64)
    torch.testing.assert_close(block(x), torch.relu(x + block.residual(x)))
    plain = ResidualBlock(4, skip=False).double()
    plain.load_state_dict(block.state_dict())
    torch.testing.assert_close(plain(x), torch.relu(block.residual(x)))
    assert block(x).shape == x.shape


def test_residual_block_zero_init_is_identity_and_jacobian():
    torch.manual_seed(4)
    block = ResidualBlock(2, zero_init=True).double()
    x = torch.rand(1, 2, 4, 4, dtype=torch.float64)
    torch.testing.assert_close(block(x), x)        # relu(x + 0) = x for x >= 0
    J = torch.autograd.functional.jacobian(block, x).reshape(32, 32)
    torch.testing.assert_close(J, torch.eye(32, dtype=torch.float64))


@pytest.mark.parametrize("kwargs, error, match", [
    ({"channels": 0}, ValueError, "channels"),
    ({"channels": 2, "kernel_size": 2}, ValueError, "odd"),
    ({"channels": 2, "skip": "yes"}, TypeError, "skip"),
    ({"channels": 2, "zero_init": 1}, TypeError, "zero_init"),
])
def test_residual_block_bad_construction(kwargs, error, match):
    with pytest.raises(error, match=match):
        ResidualBlock(**kwargs)


def test_residual_block_bad_input():
    block = ResidualBlock(3)
    with pytest.raises(ValueError, match=r"input x must have shape \(N, 3, H, W\)"):
        block(torch.zeros(1, 2, 4, 4))
    with pytest.raises(TypeError, match="x"):
        block(None)
