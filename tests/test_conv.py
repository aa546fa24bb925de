"""Tests of nnlib.conv: convolution, the conv layer and max pooling from scratch vs torch."""

import numpy as np
import pytest
try:
    import torch
except ImportError:  # numpy-only run: tests that mention torch are skipped (conftest.py)
    torch = None
F = torch.nn.functional if torch is not None else None
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import signal

from nnlib.conv import (Conv2dLayer, conv2d_backward, conv2d_forward, conv_output_size, convolve1d,
                        convolve2d, correlate1d, correlate2d, maxpool2d_backward, maxpool2d_forward,
                        shift_images)


# The 6x6 "4" of chapter 08 (the running example of Guessoum & Brahimi's slides).
FOUR = np.zeros((6, 6))
FOUR[1:4, 1] = 255
FOUR[2:5, 3] = 255
FOUR[3, 1:5] = 255
HORIZONTAL_LINE = np.array([[0, 0, 0], [1, 1, 1], [0, 0, 0]])
VERTICAL_BAR = np.array([[-1, 1, -1]] * 3)


def relu(z):
    return np.maximum(z, 0)


# ------------------------------------------------------------------ output size
@pytest.mark.parametrize("n, k, p, s, expected", [
    (6, 3, 0, 1, 4), (6, 2, 0, 1, 5), (6, 3, 0, 3, 2), (6, 3, 1, 1, 6), (8, 3, 1, 2, 4),
    (100, 3, 0, 1, 98), (7, 3, 0, 2, 3), (5, 5, 0, 1, 1),
])
def test_conv_output_size(n, k, p, s, expected):
    assert conv_output_size(n, k, p, s) == expected


@pytest.mark.parametrize("args, match", [
    ((6, 3, 0, 0), "stride"), ((6, 3, -1, 1), "padding"), ((6, 9, 1, 1), "larger than the padded"),
    ((0, 3, 0, 1), "input size"), ((6, 0, 0, 1), "kernel size"), ((6, 3, 0, 1.5), "stride"),
])
def test_conv_output_size_errors(args, match):
    with pytest.raises(ValueError, match=match):
        conv_output_size(*args)


# --------------------------------------------------------- the slides' worked example
def test_hand_worked_four():
    fmap = relu(correlate2d(FOUR, HORIZONTAL_LINE))
    assert fmap[0, 0] == 255 and fmap[2, 1] == 765
    np.testing.assert_array_equal(relu(correlate2d(FOUR, VERTICAL_BAR)),
                                  [[510, 0, 255, 0], [510, 0, 0, 0], [255, 0, 255, 0], [0, 0, 0, 0]])
    np.testing.assert_array_equal(relu(correlate2d(FOUR, VERTICAL_BAR.T)),
                                  [[0, 0, 0, 0], [0, 0, 0, 0], [255, 0, 255, 0], [0, 0, 0, 0]])
    padded = relu(correlate2d(FOUR, VERTICAL_BAR, padding=1))
    np.testing.assert_array_equal(padded, relu(correlate2d(np.pad(FOUR, 1), VERTICAL_BAR)))
    np.testing.assert_array_equal(padded[:, 1], [255, 510, 510, 255, 0, 0])
    np.testing.assert_array_equal(relu(correlate2d(FOUR, VERTICAL_BAR.T, padding=1))[3],
                                  [0, 255, 0, 255, 0, 255])


def test_three_channel_example():
    x = np.array([[[1, 1, 1], [0, 0, 0], [0, 0, 0]],
                  [[0, 0, 2], [0, 0, 2], [0, 0, 2]],
                  [[3, 0, 0], [0, 3, 0], [0, 0, 3]]], dtype=float)
    w = np.array([[[1, 1], [0, 0]], [[0, 1], [0, 1]], [[1, 0], [0, 1]]], dtype=float)
    out = conv2d_forward(x[None], w[None], np.array([0.5]))
    np.testing.assert_allclose(out[0, 0], [[8.5, 6.5], [0.5, 10.5]])


def test_maxpool_of_feature_map():
    fmap = relu(correlate2d(FOUR, VERTICAL_BAR))
    np.testing.assert_array_equal(maxpool2d_forward(fmap[None, None])[0, 0], [[510, 255], [255, 255]])


# ----------------------------------------------------------- 1-D and 2-D vs scipy
def test_1d_against_numpy():
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=11), rng.normal(size=4)
    np.testing.assert_allclose(correlate1d(x, w), np.correlate(x, w, "valid"))
    np.testing.assert_allclose(convolve1d(x, w), np.convolve(x, w, "valid"))
    np.testing.assert_allclose(convolve1d(x, w, padding=3), np.convolve(x, w, "full"))
    np.testing.assert_allclose(correlate1d(x, w, stride=2), np.correlate(x, w, "valid")[::2])


def test_2d_against_scipy():
    rng = np.random.default_rng(1)
    x, w = rng.normal(size=(7, 9)), rng.normal(size=(3, 2))
    np.testing.assert_allclose(correlate2d(x, w), signal.correlate2d(x, w, "valid"))
    np.testing.assert_allclose(convolve2d(x, w), signal.convolve2d(x, w, "valid"))
    w3 = rng.normal(size=(3, 3))
    np.testing.assert_allclose(convolve2d(x, w3, padding=2), signal.convolve2d(x, w3, "full"))
    np.testing.assert_allclose(correlate2d(x, w3, padding=1), signal.correlate2d(x, w3, "same"))
    np.testing.assert_allclose(correlate2d(x, w3, stride=2), signal.correlate2d(x, w3, "valid")[::2, ::2])


def test_convolution_is_correlation_with_flipped_kernel():
    rng = np.random.default_rng(2)
    x, w = rng.normal(size=(6, 6)), rng.normal(size=(3, 3))
    np.testing.assert_allclose(convolve2d(x, w), correlate2d(x, w[::-1, ::-1]))
    sym = w + w[::-1, ::-1]
    np.testing.assert_allclose(convolve2d(x, sym), correlate2d(x, sym))


# --------------------------------------------------------- multi-channel vs torch
def _torch_conv(x, w, b, padding, stride):
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    bt = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    return xt, wt, bt, F.conv2d(xt, wt, bt, stride=stride, padding=padding)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 3), c=st.integers(1, 3), f=st.integers(1, 4), h=st.integers(3, 9),
       w=st.integers(3, 9), k=st.integers(1, 3), padding=st.integers(0, 2), stride=st.integers(1, 3),
       seed=st.integers(0, 10_000))
def test_conv2d_forward_backward_against_torch(n, c, f, h, w, k, padding, stride, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, c, h, w))
    wt_ = rng.normal(size=(f, c, k, k))
    b = rng.normal(size=f)
    xt, wt, bt, out_t = _torch_conv(x, wt_, b, padding, stride)
    out = conv2d_forward(x, wt_, b, padding=padding, stride=stride)
    assert out.shape == (n, f, conv_output_size(h, k, padding, stride), conv_output_size(w, k, padding, stride))
    np.testing.assert_allclose(out, out_t.detach().numpy(), rtol=1e-10, atol=1e-10)
    dout = rng.normal(size=out.shape)
    out_t.backward(torch.tensor(dout))
    dx, dw, db = conv2d_backward(dout, x, wt_, padding=padding, stride=stride)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(dw, wt.grad.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(db, bt.grad.numpy(), rtol=1e-10, atol=1e-10)


def test_rectangular_kernel_and_pairs_against_torch():
    rng = np.random.default_rng(3)
    x, w, b = rng.normal(size=(2, 2, 7, 8)), rng.normal(size=(3, 2, 2, 3)), rng.normal(size=3)
    xt, wt, bt, out_t = _torch_conv(x, w, b, (1, 2), (2, 1))
    np.testing.assert_allclose(conv2d_forward(x, w, b, padding=(1, 2), stride=(2, 1)),
                               out_t.detach().numpy(), atol=1e-12)
    out_t.sum().backward()
    dx, dw, db = conv2d_backward(np.ones(out_t.shape), x, w, padding=(1, 2), stride=(2, 1))
    np.testing.assert_allclose(dx, xt.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(dw, wt.grad.numpy(), atol=1e-12)


def test_conv2d_layer_class():
    rng = np.random.default_rng(4)
    layer = Conv2dLayer(2, 3, 3, padding=1, rng=rng)
    x = rng.normal(size=(4, 2, 5, 5))
    y = layer(x)
    assert y.shape == (4, 3, 5, 5)
    dx = layer.backward(np.ones_like(y))
    _, dw, db = conv2d_backward(np.ones_like(y), x, layer.w, padding=1)
    np.testing.assert_allclose(layer.grad_w, dw)
    np.testing.assert_allclose(layer.grad_b, db)
    assert dx.shape == x.shape
    with pytest.raises(ValueError, match="before forward"):
        Conv2dLayer(1, 1, 3).backward(np.zeros((1, 1, 1, 1)))


def test_shared_weight_gradient_is_sum_over_positions():
    # Summing the output of a 1x1 kernel over all positions: dL/dw = sum of all inputs.
    x = np.arange(12.0).reshape(1, 1, 3, 4)
    _, dw, db = conv2d_backward(np.ones((1, 1, 3, 4)), x, np.ones((1, 1, 1, 1)))
    assert dw[0, 0, 0, 0] == x.sum() and db[0] == 12


# --------------------------------------------------------------------- pooling
@pytest.mark.parametrize("size, stride", [(2, None), (3, None), (2, 1), (3, 2)])
def test_maxpool_against_torch(size, stride):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 3, 7, 6))
    xt = torch.tensor(x, requires_grad=True)
    out_t = F.max_pool2d(xt, size, stride=stride)
    out = maxpool2d_forward(x, size, stride)
    np.testing.assert_allclose(out, out_t.detach().numpy())
    dout = rng.normal(size=out.shape)
    out_t.backward(torch.tensor(dout))
    np.testing.assert_allclose(maxpool2d_backward(dout, x, size, stride), xt.grad.numpy(), atol=1e-12)


def test_maxpool_routes_gradient_to_argmax():
    x = np.array([[[[1.0, 5.0], [2.0, 3.0]]]])
    dx = maxpool2d_backward(np.array([[[[7.0]]]]), x)
    np.testing.assert_array_equal(dx, [[[[0, 7], [0, 0]]]])


# ------------------------------------------------------------------- bad input
@pytest.mark.parametrize("x_shape, w_shape, b_shape, kwargs, match", [
    ((1, 3, 5, 5), (2, 1, 3, 3), (2,), {}, r"3 channels \(shape \(1, 3, 5, 5\)\).*expects 1"),
    ((3, 5, 5), (2, 3, 3, 3), (2,), {}, r"\(N, C, H, W\), got shape \(3, 5, 5\)"),
    ((1, 1, 5, 5), (1, 3, 3), (1,), {}, r"\(F, C, kh, kw\)"),
    ((1, 1, 5, 5), (2, 1, 3, 3), (3,), {}, r"bias b must have shape \(2,\)"),
    ((1, 1, 2, 2), (1, 1, 3, 3), (1,), {}, r"kernel \(3, 3\).*larger than the padded input \(2, 2\)"),
    ((1, 1, 5, 5), (1, 1, 3, 3), (1,), {"stride": 0}, "stride must be an integer >= 1"),
    ((1, 1, 5, 5), (1, 1, 3, 3), (1,), {"padding": -1}, "padding must be an integer >= 0"),
    ((1, 1, 5, 5), (1, 1, 3, 3), (1,), {"stride": (1, 2, 3)}, "pair of integers"),
])
def test_conv2d_bad_input(x_shape, w_shape, b_shape, kwargs, match):
    with pytest.raises(ValueError, match=match):
        conv2d_forward(np.zeros(x_shape), np.zeros(w_shape), np.zeros(b_shape), **kwargs)


def test_bad_input_other_functions():
    with pytest.raises(ValueError, match=r"2-D array, got shape \(5,\)"):
        correlate2d(np.zeros(5), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="larger than the padded"):
        correlate2d(np.zeros((2, 2)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="larger than the padded"):
        correlate1d(np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match=r"upstream gradient dout has shape \(1, 1, 2, 2\)"):
        conv2d_backward(np.zeros((1, 1, 2, 2)), np.zeros((1, 1, 5, 5)), np.zeros((1, 1, 3, 3)))
    with pytest.raises(ValueError, match="pool size 3 is larger"):
        maxpool2d_forward(np.zeros((1, 1, 2, 2)), 3)
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        maxpool2d_forward(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="upstream gradient"):
        maxpool2d_backward(np.zeros((1, 1, 3, 3)), np.zeros((1, 1, 4, 4)))
    with pytest.raises(ValueError, match="stride"):
        maxpool2d_forward(np.zeros((1, 1, 4, 4)), 2, 0)


# ----------------------------------------------------------------------- shifts
@pytest.mark.parametrize("dy, dx", [(1, 0), (-1, 0), (0, 2), (-2, -1), (0, 0)])
def test_shift_is_correlation_with_one_hot_kernel(dy, dx):
    rng = np.random.default_rng(6)
    x = rng.normal(size=(7, 6))
    kernel = np.zeros((5, 5))
    kernel[2 - dy, 2 - dx] = 1
    np.testing.assert_allclose(shift_images(x, dy, dx), correlate2d(x, kernel, padding=2))


def test_shift_batch_and_equivariance():
    rng = np.random.default_rng(7)
    x = np.zeros((2, 1, 9, 9))
    x[:, :, 2:6, 2:6] = rng.normal(size=(2, 1, 4, 4))  # content away from the border
    w = rng.normal(size=(3, 1, 3, 3))
    shifted_then_conv = conv2d_forward(shift_images(x, 1, 2), w, padding=1)
    conv_then_shifted = shift_images(conv2d_forward(x, w, padding=1), 1, 2)
    np.testing.assert_allclose(shifted_then_conv, conv_then_shifted, atol=1e-12)
    with pytest.raises(ValueError, match=r"\|dy\| < 9"):
        shift_images(x, 9, 0)
    with pytest.raises(ValueError, match="dx must be an integer"):
        shift_images(x, 0, 0.5)
    with pytest.raises(ValueError, match=r"\(\.\.\., H, W\)"):
        shift_images(np.zeros(3), 0, 0)


# ------------------------------------------------------------ nnlib.conv_ops
from nnlib.conv_ops import (blur_subsample, conv1x1, conv_transpose2d, dilate_kernel,  # noqa: E402
                            gradient_footprint, receptive_field, shift_change)


def test_receptive_field_recursion():
    # conv 3, pool 2, conv 3 (the digits CNN): r = 1, 3, 4, 8; jumps 1, 1, 2, 2
    assert receptive_field([(3, 1), (2, 2), (3, 1)]) == ([1, 3, 4, 8], [1, 1, 2, 2])
    assert receptive_field([(3, 1, 1), (3, 1, 2), (3, 1, 4)])[0] == [1, 3, 7, 15]
    assert receptive_field([]) == ([1], [1])
    # L stride-1 3x3 layers: 2L + 1
    assert receptive_field([(3, 1)] * 5)[0][-1] == 11


@pytest.mark.parametrize("layers", [[(3, 1)] * 3, [(3, 1), (2, 2), (3, 1), (2, 2)], [(5, 2), (3, 1, 2)],
                                    [(3, 1, 1), (3, 1, 2), (3, 1, 4)], [(3, 1, 2), (3, 1, 2)]])
def test_gradient_footprint_matches_receptive_field(layers):
    g = gradient_footprint(layers, 41)
    assert g.shape == (41, 41) and (g >= 0).all()
    rows, cols = np.nonzero(g)
    r = receptive_field(layers)[0][-1]
    assert rows.max() - rows.min() + 1 == r and cols.max() - cols.min() + 1 == r
    np.testing.assert_allclose(g.sum(), 1.0)  # every kernel averages: the weights sum to one


def test_gridding_of_equal_dilations():
    g = gradient_footprint([(3, 1, 2), (3, 1, 2)], 21)
    assert (g > 0).sum() == 25                   # only every second pixel of the 9 x 9 field
    assert (gradient_footprint([(3, 1, 1), (3, 1, 2)], 21) > 0).sum() == 49  # 7 x 7, no holes


def test_dilate_kernel_against_torch():
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=(2, 3, 11, 11)), rng.normal(size=(4, 3, 3, 3))
    for d in (1, 2, 3):
        wd = dilate_kernel(w, d)
        assert wd.shape == (4, 3, 3 + 2 * (d - 1), 3 + 2 * (d - 1))
        ref = F.conv2d(torch.tensor(x), torch.tensor(w), dilation=d, padding=d).numpy()
        np.testing.assert_allclose(conv2d_forward(x, wd, padding=d), ref, atol=1e-12)


def test_conv1x1_is_matrix_product_and_conv():
    rng = np.random.default_rng(4)
    x, w, b = rng.normal(size=(2, 3, 4, 5)), rng.normal(size=(6, 3)), rng.normal(size=6)
    z = conv1x1(x, w, b)
    np.testing.assert_allclose(z, conv2d_forward(x, w[:, :, None, None], b), atol=1e-12)
    np.testing.assert_allclose(z[1, :, 2, 3], w @ x[1, :, 2, 3] + b, atol=1e-12)


@pytest.mark.parametrize("stride, padding, output_padding", [(1, 0, 0), (1, 1, 0), (2, 0, 0), (2, 1, 1), (3, 2, 2)])
def test_conv_transpose_against_torch_and_adjoint(stride, padding, output_padding):
    rng = np.random.default_rng(5)
    w, b = rng.normal(size=(4, 3, 3, 3)), rng.normal(size=3)
    y = rng.normal(size=(2, 4, 5, 5))
    out = conv_transpose2d(y, w, b, padding=padding, stride=stride, output_padding=output_padding)
    ref = F.conv_transpose2d(torch.tensor(y), torch.tensor(w), torch.tensor(b), stride=stride, padding=padding,
                             output_padding=output_padding).numpy()
    np.testing.assert_allclose(out, ref, atol=1e-12)
    # adjoint of the convolution that maps the output size back to 5 x 5
    x = rng.normal(size=out.shape)
    z = conv2d_forward(x, w, padding=padding, stride=stride)
    assert z.shape == y.shape
    xt = conv_transpose2d(y, w, padding=padding, stride=stride, output_padding=output_padding)
    assert abs((z * y).sum() - (x * xt).sum()) < 1e-10
    np.testing.assert_allclose(conv2d_backward(y, x, w, padding=padding, stride=stride)[0], xt, atol=1e-12)


def test_blur_subsample_and_shift_change():
    ones = blur_subsample(np.ones((1, 2, 6, 6)))
    assert ones.shape == (1, 2, 3, 3) and ones[0, 0, 1, 1] == 1.0
    rng = np.random.default_rng(6)
    x = np.pad(rng.random((3, 1, 5, 5)), ((0, 0), (0, 0), (3, 3), (3, 3)))
    w = rng.normal(size=(2, 1, 3, 3))
    conv = lambda im: conv2d_forward(im, w, padding=1)  # noqa: E731
    assert shift_change(conv, x, (1, -1), (1, -1)).max() < 1e-12       # equivariant
    assert shift_change(conv, x, (1, 0)).min() > 0.1                   # not invariant
    strided = lambda im: conv2d_forward(im, w, padding=1, stride=2)  # noqa: E731
    assert shift_change(strided, x, (2, 0), (1, 0)).max() < 1e-12      # shifts by the stride survive
    assert np.isnan(shift_change(conv, np.zeros((1, 1, 5, 5)), (1, 0))).all()


def test_conv_ops_bad_input():
    with pytest.raises(TypeError, match="layers"):
        receptive_field(3)
    with pytest.raises(ValueError, match=r"layers\[0\]"):
        receptive_field([(3,)])
    with pytest.raises(ValueError, match=r"layers\[1\] dilation"):
        receptive_field([(3, 1), (3, 1, 0)])
    with pytest.raises(ValueError, match="dilation"):
        dilate_kernel(np.ones((3, 3)), 0)
    with pytest.raises(ValueError, match="kernel w"):
        dilate_kernel(np.ones(3), 2)
    with pytest.raises(ValueError, match="size 5 is too small"):
        gradient_footprint([(3, 1)] * 3, 5)
    with pytest.raises(ValueError, match="size"):
        gradient_footprint([(3, 1)], 0)
    with pytest.raises(ValueError, match=r"weight w must have shape \(F, 3\)"):
        conv1x1(np.ones((1, 3, 2, 2)), np.ones((2, 4)))
    with pytest.raises(ValueError, match="input x"):
        conv1x1(np.ones((3, 2, 2)), np.ones((2, 3)))
    with pytest.raises(ValueError, match="bias b"):
        conv1x1(np.ones((1, 3, 2, 2)), np.ones((2, 3)), np.ones(3))
    with pytest.raises(TypeError, match="x"):
        conv1x1(None, np.ones((2, 3)))
    with pytest.raises(ValueError, match="output_padding"):
        conv_transpose2d(np.ones((1, 2, 3, 3)), np.ones((2, 1, 3, 3)), stride=2, output_padding=2)
    with pytest.raises(ValueError, match="weight w"):
        conv_transpose2d(np.ones((1, 2, 3, 3)), np.ones((3, 1, 3, 3)))
    with pytest.raises(ValueError, match="stride"):
        conv_transpose2d(np.ones((1, 2, 3, 3)), np.ones((2, 1, 3, 3)), stride=0)
    with pytest.raises(ValueError, match="padding"):
        conv_transpose2d(np.ones((1, 2, 3, 3)), np.ones((2, 1, 3, 3)), padding=-1)
    with pytest.raises(ValueError, match="removes the whole output"):
        conv_transpose2d(np.ones((1, 2, 1, 1)), np.ones((2, 1, 1, 1)), padding=1)
    with pytest.raises(ValueError, match="stride"):
        blur_subsample(np.ones((1, 1, 4, 4)), 0)
    with pytest.raises(TypeError, match="f must be"):
        shift_change("conv", np.ones((1, 1, 4, 4)), (1, 0))
    with pytest.raises(ValueError, match="shift"):
        shift_change(lambda x: x, np.ones((1, 1, 4, 4)), 1)
    with pytest.raises(ValueError, match="out_shift"):
        shift_change(lambda x: x, np.ones((1, 1, 4, 4)), (1, 0), (0, 0, 0))
    with pytest.raises(ValueError, match="images"):
        shift_change(lambda x: x, np.ones((4, 4)), (1, 0))


def test_maxpool_treats_nan_as_the_maximum_as_torch_does():
    """A NaN wins its window: the forward pass gives NaN there and the gradient goes to the NaN entry."""
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    x[0, 0, 0, 0] = x[0, 0, 3, 2] = np.nan
    xt = torch.tensor(x, requires_grad=True)
    yt = F.max_pool2d(xt, 2)
    yt.backward(torch.ones_like(yt))
    y = maxpool2d_forward(x)
    np.testing.assert_array_equal(np.isnan(y), np.isnan(yt.detach().numpy()))
    dx = maxpool2d_backward(np.ones((1, 1, 2, 2)), x)
    np.testing.assert_array_equal(dx, xt.grad.numpy())
    assert dx[0, 0, 0, 0] == 1.0 and dx[0, 0, 3, 2] == 1.0


@pytest.mark.parametrize("bad", [(1, float("nan")), (1, float("inf")), (1, 1j), ("a", "b"), (1,), 1])
@pytest.mark.parametrize("which", ["shift", "out_shift"])
def test_shift_change_names_shift_and_out_shift(which, bad):
    images = np.random.default_rng(0).random((2, 1, 6, 6))
    kwargs = dict(shift=(1, 0), out_shift=(1, 0))
    kwargs[which] = bad
    with pytest.raises(ValueError, match=rf"^{which} must be a pair \(rows, columns\) of integers"):
        shift_change(lambda x: x, images, **kwargs)
    kwargs[which] = (6, 0)
    with pytest.raises(ValueError, match=rf"^{which} must move by less than the size \(6, 6\)"):
        shift_change(lambda x: x, images, **kwargs)
    kwargs[which] = [1, 0]  # a list is a pair too
    assert shift_change(lambda x: x, images, **kwargs).max() < 1e-12


def test_conv_transpose2d_budget_names_stride():
    with pytest.raises(ValueError, match=r"conv_transpose2d output \(2, 1, 2000000003, 2000000003\) from y "
                                         r"\(2, 2, 3, 3\), w \(2, 1, 3, 3\) and stride=1000000000 asks for"):
        conv_transpose2d(np.ones((2, 2, 3, 3)), np.ones((2, 1, 3, 3)), stride=10**9)
