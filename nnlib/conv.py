"""Convolution and pooling from scratch, in numpy (derived in chapter 08).

Everything a convolutional layer computes, written from the equations of chapter 08
so it can be read next to the derivation:

* :func:`conv_output_size` -- the output-size formula
  :math:`\\lfloor (n + 2p - k)/s \\rfloor + 1`;
* :func:`correlate1d`, :func:`convolve1d`, :func:`correlate2d`, :func:`convolve2d` --
  single-channel cross-correlation and convolution with zero padding and stride;
* :func:`conv2d_forward`, :func:`conv2d_backward` and the small layer class
  :class:`Conv2dLayer` -- the multi-channel convolutional layer (a bank of filters,
  one bias per filter) and its gradients;
* :func:`maxpool2d_forward`, :func:`maxpool2d_backward` -- max pooling and the routing
  of its gradient to the arg-max;
* :func:`shift_images` -- translation by whole pixels (a correlation with a shifted
  one-hot kernel), used to test equivariance and to augment data.

Like deep-learning libraries, a "convolutional" layer computes a cross-correlation:
the kernel is *not* flipped. Shapes follow PyTorch: images are ``(N, C, H, W)``
(batch, channels, height, width), filter banks ``(F, C, kh, kw)``.

This module uses numpy only; the tests check it against ``torch.nn.functional``.
"""

from __future__ import annotations

import numpy as np

from ._random import as_generator
from ._checks import as_float_array, check_budget, check_positive_int

__all__ = [
    "conv_output_size",
    "correlate1d",
    "convolve1d",
    "correlate2d",
    "convolve2d",
    "conv2d_forward",
    "conv2d_backward",
    "Conv2dLayer",
    "maxpool2d_forward",
    "maxpool2d_backward",
    "shift_images",
]


# --------------------------------------------------------------------------- sizes
def _check_padding(padding) -> int:
    if isinstance(padding, bool) or not isinstance(padding, (int, np.integer)) or padding < 0:
        raise ValueError(f"padding must be an integer >= 0, got {padding!r}")
    return int(padding)


def _check_stride(stride) -> int:
    if isinstance(stride, bool) or not isinstance(stride, (int, np.integer)) or stride < 1:
        raise ValueError(f"stride must be an integer >= 1, got {stride!r}")
    return int(stride)


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    """Length of the output of a convolution along one axis.

    .. math:: n_\\text{out} = \\left\\lfloor \\frac{n + 2p - k}{s} \\right\\rfloor + 1

    The kernel fits at positions :math:`0, s, 2s, \\dots` of the padded input of
    length :math:`n + 2p` as long as the last kernel entry stays inside it. Derived in
    chapter 08, section "Padding, stride and the output size".

    Parameters
    ----------
    n : int
        Input length (>= 1).
    k : int
        Kernel length (>= 1).
    padding : int
        Zeros added on each side (>= 0).
    stride : int
        Step between two kernel positions (>= 1).

    Raises
    ------
    ValueError
        If a size is not a positive integer, or the kernel is longer than the padded input.
    """
    n = check_positive_int("input size n", n)
    k = check_positive_int("kernel size k", k)
    padding = _check_padding(padding)
    stride = _check_stride(stride)
    if k > n + 2 * padding:
        raise ValueError(f"kernel size {k} is larger than the padded input size {n} + 2*{padding} = "
                         f"{n + 2 * padding}")
    return (n + 2 * padding - k) // stride + 1


# ------------------------------------------------------------ single-channel 1-D/2-D
def _as_array(name: str, x, ndim: int) -> np.ndarray:
    arr = as_float_array(name, x)
    if arr.ndim != ndim or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty {ndim}-D array, got shape {arr.shape}")
    return arr


def correlate1d(x, w, padding: int = 0, stride: int = 1) -> np.ndarray:
    """1-D cross-correlation :math:`y_i = \\sum_{u=0}^{k-1} w_u\\, \\tilde x_{is + u}`.

    :math:`\\tilde x` is ``x`` with ``padding`` zeros on each side and :math:`s` the stride.
    The kernel slides over the signal without being flipped (chapter 08).
    """
    x = _as_array("signal x", x, 1)
    w = _as_array("kernel w", w, 1)
    return correlate2d(x[None, :], w[None, :], padding=(0, padding), stride=(1, stride))[0]


def convolve1d(x, w, padding: int = 0, stride: int = 1) -> np.ndarray:
    """1-D convolution: cross-correlation with the flipped kernel, :math:`(x * w)_i = \\sum_u w_{k-1-u} \\tilde x_{is+u}`.

    With ``padding = len(w) - 1`` and stride 1 this equals ``np.convolve(x, w, "full")``.
    """
    w = _as_array("kernel w", w, 1)
    return correlate1d(x, w[::-1], padding=padding, stride=stride)


def _pair(name, value, check):
    if isinstance(value, tuple):
        if len(value) != 2:
            raise ValueError(f"{name} must be an integer or a pair of integers, got {value!r}")
        return check(value[0]), check(value[1])
    v = check(value)
    return v, v


def correlate2d(x, w, padding=0, stride=1) -> np.ndarray:
    """2-D cross-correlation of one image with one kernel (the operation of a CNN).

    .. math:: y_{ij} = \\sum_{u=0}^{k_h-1} \\sum_{v=0}^{k_w-1} w_{uv}\\, \\tilde x_{is+u,\\, js+v}

    where :math:`\\tilde x` is the zero-padded image. Derived in chapter 08.

    Parameters
    ----------
    x : array of shape (H, W)
    w : array of shape (kh, kw)
    padding, stride : int or pair of ints (rows, columns)

    Returns
    -------
    ndarray of shape (conv_output_size(H, kh, p, s), conv_output_size(W, kw, p, s))
    """
    x = _as_array("image x", x, 2)
    w = _as_array("kernel w", w, 2)
    out = conv2d_forward(x[None, None], w[None, None], padding=padding, stride=stride)
    return out[0, 0]


def convolve2d(x, w, padding=0, stride=1) -> np.ndarray:
    """2-D convolution: cross-correlation with the kernel rotated by 180 degrees.

    .. math:: (x * w)_{ij} = \\sum_{u,v} w_{k_h-1-u,\\, k_w-1-v}\\, \\tilde x_{is+u,\\, js+v}

    With ``padding = k - 1`` (square kernel) and stride 1 this is the "full"
    convolution of ``scipy.signal.convolve2d``.
    """
    w = _as_array("kernel w", w, 2)
    return correlate2d(x, w[::-1, ::-1], padding=padding, stride=stride)


# ------------------------------------------------------------ multi-channel layer
def _check_layer_inputs(x, w, b, padding, stride):
    x = as_float_array("x", x)
    w = as_float_array("w", w)
    if x.ndim != 4:
        raise ValueError(f"conv2d: input x must have shape (N, C, H, W), got shape {x.shape}")
    if w.ndim != 4:
        raise ValueError(f"conv2d: weight w must have shape (F, C, kh, kw), got shape {w.shape}")
    if x.shape[1] != w.shape[1]:
        raise ValueError(f"conv2d: input has {x.shape[1]} channels (shape {x.shape}) but the weight "
                         f"expects {w.shape[1]} (shape {w.shape})")
    if b is not None:
        b = as_float_array("b", b)
        if b.shape != (w.shape[0],):
            raise ValueError(f"conv2d: bias b must have shape ({w.shape[0]},) for weight w of shape "
                             f"{w.shape}, got shape {b.shape}")
    ph, pw = _pair("padding", padding, _check_padding)
    sh, sw = _pair("stride", stride, _check_stride)
    H, W = x.shape[2] + 2 * ph, x.shape[3] + 2 * pw
    check_budget("conv2d padded input (N x C x H x W)", x.shape[0] * x.shape[1] * H * W,
                 "MAX_ELEMENTS", "entries", "; lower padding")
    if w.shape[2] > H or w.shape[3] > W:
        raise ValueError(f"conv2d: kernel {w.shape[2:]} (weight w of shape {w.shape}) is larger than the "
                         f"padded input {(H, W)} (input x of shape {x.shape}, padding {(ph, pw)})")
    return x, w, b, (ph, pw), (sh, sw)


def _pad(x, padding):
    ph, pw = padding
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))


def conv2d_forward(x, w, b=None, padding=0, stride=1) -> np.ndarray:
    """Forward pass of a convolutional layer (cross-correlation, as in PyTorch).

    .. math::
        z_{n,f,i,j} = b_f + \\sum_{c=0}^{C-1} \\sum_{u=0}^{k_h-1} \\sum_{v=0}^{k_w-1}
            w_{f,c,u,v}\\; \\tilde x_{n,c,\\, i s + u,\\, j s + v}

    Every output channel ``f`` is one filter that spans all ``C`` input channels; the
    same weights are used at every position (weight sharing). The loops run over the
    ``kh * kw`` kernel offsets only: for a fixed offset ``(u, v)`` the inputs it
    touches form a strided slice of the padded image. Derived in chapter 08.

    Parameters
    ----------
    x : array (N, C, H, W)
    w : array (F, C, kh, kw)
    b : array (F,) or None
    padding, stride : int or pair of ints (rows, columns)

    Returns
    -------
    ndarray of shape (N, F, H_out, W_out), sizes given by :func:`conv_output_size`.
    """
    x, w, b, padding, stride = _check_layer_inputs(x, w, b, padding, stride)
    xp = _pad(x, padding)
    F, _, kh, kw = w.shape
    Ho = (xp.shape[2] - kh) // stride[0] + 1
    Wo = (xp.shape[3] - kw) // stride[1] + 1
    out = np.zeros((x.shape[0], F, Ho, Wo))
    for u in range(kh):
        for v in range(kw):
            patch = xp[:, :, u:u + stride[0] * Ho:stride[0], v:v + stride[1] * Wo:stride[1]]
            out += np.einsum("nchw,fc->nfhw", patch, w[:, :, u, v])
    if b is not None:
        out += b[None, :, None, None]
    return out


def conv2d_backward(dout, x, w, padding=0, stride=1):
    """Backward pass of :func:`conv2d_forward`: gradients of a loss with respect to x, w and b.

    Given :math:`\\delta_{n,f,i,j} = \\partial L / \\partial z_{n,f,i,j}` (``dout``):

    .. math::
        \\frac{\\partial L}{\\partial w_{f,c,u,v}} &= \\sum_{n,i,j} \\delta_{n,f,i,j}\\,
            \\tilde x_{n,c,\\, is+u,\\, js+v} \\\\
        \\frac{\\partial L}{\\partial b_f} &= \\sum_{n,i,j} \\delta_{n,f,i,j} \\\\
        \\frac{\\partial L}{\\partial \\tilde x_{n,c,\\, is+u,\\, js+v}} &\\mathrel{+}=
            \\sum_f \\delta_{n,f,i,j}\\, w_{f,c,u,v}

    A shared weight collects the sum of the gradients of all positions that use it;
    an input pixel collects one contribution from every output whose receptive field
    contains it. The padding rows/columns are cut off at the end. Derived in chapter 08.

    Returns
    -------
    dx : array like x
    dw : array like w
    db : array (F,)
    """
    x, w, _, padding, stride = _check_layer_inputs(x, w, None, padding, stride)
    dout = as_float_array("dout", dout)
    xp = _pad(x, padding)
    F, _, kh, kw = w.shape
    Ho = (xp.shape[2] - kh) // stride[0] + 1
    Wo = (xp.shape[3] - kw) // stride[1] + 1
    expected = (x.shape[0], F, Ho, Wo)
    if dout.shape != expected:
        raise ValueError(f"conv2d backward: upstream gradient dout has shape {dout.shape}, but the output of "
                         f"input x {x.shape} with weight w {w.shape}, padding {padding} and stride {stride} "
                         f"has shape {expected}")
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    for u in range(kh):
        for v in range(kw):
            rows = slice(u, u + stride[0] * Ho, stride[0])
            cols = slice(v, v + stride[1] * Wo, stride[1])
            dw[:, :, u, v] = np.einsum("nfhw,nchw->fc", dout, xp[:, :, rows, cols])
            dxp[:, :, rows, cols] += np.einsum("nfhw,fc->nchw", dout, w[:, :, u, v])
    ph, pw = padding
    dx = dxp[:, :, ph:ph + x.shape[2], pw:pw + x.shape[3]]
    db = dout.sum(axis=(0, 2, 3))
    return dx, dw, db


class Conv2dLayer:
    """A convolutional layer in numpy that remembers its input for the backward pass.

    ``forward`` computes :func:`conv2d_forward`; ``backward(dout)`` stores the weight
    and bias gradients in ``grad_w`` and ``grad_b`` and returns the input gradient.
    Weights start as :math:`\\mathcal U(-1/\\sqrt{C k_h k_w},\\, 1/\\sqrt{C k_h k_w})`, the
    default of ``torch.nn.Conv2d``. Chapter 08.

    Parameters
    ----------
    in_channels, out_channels, kernel_size : int
    padding, stride : int
    rng : numpy Generator, int or None
        Source of the initial weights (the book's convention, ``nnlib._random``).
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, *, padding: int = 0,
                 stride: int = 1, rng=None):
        c = check_positive_int("in_channels", in_channels)
        f = check_positive_int("out_channels", out_channels)
        k = check_positive_int("kernel_size", kernel_size)
        self.padding = _check_padding(padding)
        self.stride = _check_stride(stride)
        rng = as_generator(rng)
        bound = 1.0 / np.sqrt(c * k * k)
        self.w = rng.uniform(-bound, bound, size=(f, c, k, k))
        self.b = rng.uniform(-bound, bound, size=f)
        self.grad_w = np.zeros_like(self.w)
        self.grad_b = np.zeros_like(self.b)
        self._x = None

    def forward(self, x) -> np.ndarray:
        """Output of the layer for a batch ``x`` of shape (N, C, H, W)."""
        self._x = as_float_array("x", x)
        return conv2d_forward(self._x, self.w, self.b, self.padding, self.stride)

    __call__ = forward

    def backward(self, dout) -> np.ndarray:
        """Store ``grad_w``, ``grad_b`` for the last input and return the gradient for it."""
        if self._x is None:
            raise ValueError("Conv2dLayer.backward called before forward")
        dx, self.grad_w, self.grad_b = conv2d_backward(dout, self._x, self.w, self.padding, self.stride)
        return dx


# --------------------------------------------------------------------- max pooling
def _pool_windows(x, size, stride):
    """View of x as (N, C, Ho, Wo, size, size) windows (read-only)."""
    N, C, H, W = x.shape
    Ho = (H - size) // stride + 1
    Wo = (W - size) // stride + 1
    sn, sc, sh, sw = x.strides
    return np.lib.stride_tricks.as_strided(
        x, shape=(N, C, Ho, Wo, size, size), strides=(sn, sc, sh * stride, sw * stride, sh, sw),
        writeable=False)


def _check_pool(x, size, stride):
    x = as_float_array("x", x)
    if x.ndim != 4:
        raise ValueError(f"max pooling: input x must have shape (N, C, H, W), got shape {x.shape}")
    size = check_positive_int("pool size", size)
    stride = size if stride is None else _check_stride(stride)
    if size > x.shape[2] or size > x.shape[3]:
        raise ValueError(f"pool size {size} is larger than the input {x.shape[2:]} (shape {x.shape})")
    return np.ascontiguousarray(x), size, stride


def maxpool2d_forward(x, size: int = 2, stride: int | None = None) -> np.ndarray:
    """Max pooling: :math:`y_{n,c,i,j} = \\max_{0 \\le u,v < q} x_{n,c,\\, is+u,\\, js+v}`.

    Each channel is pooled separately over ``size`` x ``size`` windows moved by
    ``stride`` (default: ``size``, non-overlapping windows). Chapter 08.
    """
    x, size, stride = _check_pool(x, size, stride)
    return _pool_windows(x, size, stride).max(axis=(4, 5))


def maxpool2d_backward(dout, x, size: int = 2, stride: int | None = None) -> np.ndarray:
    """Gradient of max pooling: each output's gradient goes to the arg-max of its window.

    .. math:: \\frac{\\partial L}{\\partial x_{n,c,\\, is+u,\\, js+v}} \\mathrel{+}=
        \\delta_{n,c,i,j}\\; [\\,(u, v) = \\arg\\max \\text{ of window } (i, j)\\,]

    The maximum is a switch: locally it is the identity for the winning input and a
    constant for the others. Ties go to the first maximum in row-major order, as in
    PyTorch. Overlapping windows add their contributions. Chapter 08.

    A NaN in ``x`` counts as its window's maximum, as in numpy and PyTorch: the forward pass
    gives NaN for that window and this gradient goes to the NaN entry (finite, as PyTorch's).
    """
    x, size, stride = _check_pool(x, size, stride)
    windows = _pool_windows(x, size, stride)
    N, C, Ho, Wo = windows.shape[:4]
    dout = as_float_array("dout", dout)
    if dout.shape != (N, C, Ho, Wo):
        raise ValueError(f"max pooling backward: upstream gradient dout has shape {dout.shape}, but pooling "
                         f"input x {x.shape} with size {size} and stride {stride} gives shape {(N, C, Ho, Wo)}")
    flat = windows.reshape(N, C, Ho, Wo, size * size).argmax(axis=-1)
    du, dv = np.divmod(flat, size)
    n, c, i, j = np.indices((N, C, Ho, Wo))
    dx = np.zeros_like(x)
    np.add.at(dx, (n, c, i * stride + du, j * stride + dv), dout)
    return dx


# ----------------------------------------------------------------------- shifts
def shift_images(images, dy: int, dx: int) -> np.ndarray:
    """Translate images by ``dy`` rows (down) and ``dx`` columns (right), filling with zeros.

    Works on the last two axes of an array of shape (..., H, W). A shift is itself a
    cross-correlation with a one-hot kernel (:math:`w_{uv} = 1` at one offset), so a
    convolutional layer commutes with it away from the borders (translation
    equivariance, chapter 08). Chapter 08 also uses it to augment the digits with
    one-pixel shifts.
    """
    x = as_float_array("images", images)
    if x.ndim < 2:
        raise ValueError(f"shift_images: images must have shape (..., H, W), got shape {x.shape}")
    for name, d, n in (("dy", dy, x.shape[-2]), ("dx", dx, x.shape[-1])):
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or abs(d) >= n:
            raise ValueError(f"{name} must be an integer with |{name}| < {n} for images of shape "
                             f"{x.shape}, got {d!r}")
    out = np.zeros_like(x)
    H, W = x.shape[-2:]
    src_r = slice(max(0, -dy), H - max(0, dy))
    dst_r = slice(max(0, dy), H - max(0, -dy))
    src_c = slice(max(0, -dx), W - max(0, dx))
    dst_c = slice(max(0, dx), W - max(0, -dx))
    out[..., dst_r, dst_c] = x[..., src_r, src_c]
    return out
