"""More convolution operators in numpy: receptive fields, dilation, 1x1 and transposed convolution (chapter 08).

The companion of :mod:`nnlib.conv` for the second half of chapter 08:

* :func:`receptive_field` -- the recursion :math:`r_l = r_{l-1} + (k_l - 1) d_l j_{l-1}`,
  :math:`j_l = j_{l-1} s_l` for a stack of (kernel, stride, dilation) layers;
* :func:`dilate_kernel` -- a dilated kernel as an ordinary kernel with zeros inserted,
  of size :math:`k + (k-1)(d-1)`;
* :func:`gradient_footprint` -- which input pixels a single output unit of such a stack
  depends on, found by back-propagating a one-hot gradient with
  :func:`nnlib.conv.conv2d_backward`;
* :func:`conv1x1` -- the 1x1 convolution, a linear map across channels at every pixel;
* :func:`conv_transpose2d` -- the transposed convolution, the adjoint of
  :func:`nnlib.conv.conv2d_forward`;
* :func:`blur_subsample` and :func:`shift_change` -- anti-aliased subsampling and the relative
  change of a feature map under a shift of the input (translation equivariance).

Shapes follow PyTorch, as in :mod:`nnlib.conv`: images ``(N, C, H, W)``, filter banks
``(F, C, kh, kw)``. Numpy only.
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_budget, check_callable, check_positive_int
from .conv import _check_padding, _check_stride, conv2d_backward, conv2d_forward, shift_images

__all__ = [
    "receptive_field",
    "dilate_kernel",
    "gradient_footprint",
    "conv1x1",
    "conv_transpose2d",
    "blur_subsample",
    "shift_change",
]


def _layers(layers) -> list[tuple[int, int, int]]:
    if isinstance(layers, (str, bytes)) or not hasattr(layers, "__iter__"):
        raise TypeError(f"layers must be a sequence of (kernel, stride) or (kernel, stride, dilation) "
                        f"tuples, got {layers!r}")
    out = []
    for i, layer in enumerate(layers):
        if isinstance(layer, (str, bytes)) or not hasattr(layer, "__len__") or len(layer) not in (2, 3):
            raise ValueError(f"layers[{i}] must be (kernel, stride) or (kernel, stride, dilation), got {layer!r}")
        k = check_positive_int(f"layers[{i}] kernel", layer[0])
        s = check_positive_int(f"layers[{i}] stride", layer[1])
        d = check_positive_int(f"layers[{i}] dilation", layer[2]) if len(layer) == 3 else 1
        out.append((k, s, d))
    return out


def receptive_field(layers) -> tuple[list[int], list[int]]:
    """Receptive field sizes and jumps of a stack of convolution or pooling layers (one axis).

    Layer :math:`l` has kernel size :math:`k_l`, stride :math:`s_l` and dilation :math:`d_l`.
    Neighbouring units of layer :math:`l-1` lie :math:`j_{l-1}` input pixels apart, and a unit
    of layer :math:`l` spans :math:`k_l` of them at spacing :math:`d_l`, so

    .. math::
        r_l = r_{l-1} + (k_l - 1)\\, d_l\\, j_{l-1}, \\qquad j_l = j_{l-1}\\, s_l,
        \\qquad r_0 = j_0 = 1 .

    A pooling window of size :math:`q` and stride :math:`q` is the layer ``(q, q)``. Padding
    moves the field but does not change its size. Derived in chapter 08, section
    "Receptive fields".

    Parameters
    ----------
    layers : sequence of (kernel, stride) or (kernel, stride, dilation)
        Positive integers, input side first.

    Returns
    -------
    sizes, jumps : lists of int, length ``len(layers) + 1``
        ``sizes[l]`` is :math:`r_l` and ``jumps[l]`` is :math:`j_l` (entry 0 is the input).
    """
    sizes, jumps = [1], [1]
    for k, s, d in _layers(layers):
        sizes.append(sizes[-1] + (k - 1) * d * jumps[-1])
        jumps.append(jumps[-1] * s)
    return sizes, jumps


def dilate_kernel(w, dilation: int) -> np.ndarray:
    """Insert ``dilation - 1`` zeros between neighbouring entries of a kernel (last two axes).

    A dilated ("atrous") convolution with kernel :math:`w` reads the input at offsets
    :math:`d u, d v`: :math:`y_{ij} = \\sum_{u,v} w_{uv}\\, x_{i + du,\\, j + dv}`. That is an
    ordinary cross-correlation with the kernel :math:`w^{(d)}_{du, dv} = w_{uv}` (zero
    elsewhere), of size :math:`k + (k-1)(d-1)` per axis. Chapter 08.

    Parameters
    ----------
    w : array of shape (..., kh, kw)
    dilation : int >= 1

    Returns
    -------
    ndarray of shape (..., kh + (kh-1)(d-1), kw + (kw-1)(d-1))
    """
    w = as_float_array("kernel w", w)
    if w.ndim < 2 or w.size == 0:
        raise ValueError(f"kernel w must have shape (..., kh, kw) with at least one entry, got shape {w.shape}")
    d = check_positive_int("dilation", dilation)
    kh, kw = w.shape[-2:]
    shape = w.shape[:-2] + (kh + (kh - 1) * (d - 1), kw + (kw - 1) * (d - 1))
    check_budget("dilated kernel entries", int(np.prod(shape)), "MAX_ELEMENTS", "entries", "; lower dilation")
    out = np.zeros(shape)
    out[..., ::d, ::d] = w
    return out


def gradient_footprint(layers, size: int) -> np.ndarray:
    """Gradient of the centre output unit of a stack of layers with respect to the input image.

    Every layer ``(k, s, d)`` of ``layers`` is a single-channel valid cross-correlation with
    an all-positive :math:`k \\times k` kernel (entries :math:`1/k^2`, an average pooling when
    :math:`s = k`), dilated by :math:`d` (:func:`dilate_kernel`) and moved with stride
    :math:`s`. A one-hot gradient at the centre unit of the last output is sent back with
    :func:`nnlib.conv.conv2d_backward`, layer by layer. Because all weights are positive,
    no contributions cancel: the non-zero entries of the result are exactly the input pixels
    the unit depends on, and their bounding box has the side :math:`r_L` of
    :func:`receptive_field`. Chapter 08.

    Parameters
    ----------
    layers : sequence of (kernel, stride) or (kernel, stride, dilation)
    size : int
        Height and width of the square input image.

    Returns
    -------
    ndarray of shape (size, size), non-negative.
    """
    layers = _layers(layers)
    size = check_positive_int("size", size)
    check_budget("gradient_footprint image (size x size)", size * size, "MAX_ELEMENTS", "pixels")
    kernels, inputs, n = [], [], size
    for i, (k, s, d) in enumerate(layers):
        w = dilate_kernel(np.full((1, 1, k, k), 1.0 / k**2), d)
        if w.shape[-1] > n:
            raise ValueError(f"size {size} is too small: layer {i} (kernel {k}, dilation {d}) needs an input of "
                             f"at least {w.shape[-1]} pixels but gets {n}")
        kernels.append(w)
        inputs.append(np.zeros((1, 1, n, n)))  # only the shape matters for the input gradient
        n = (n - w.shape[-1]) // s + 1
    grad = np.zeros((1, 1, n, n))
    grad[0, 0, n // 2, n // 2] = 1.0
    for (k, s, d), w, x in zip(reversed(layers), reversed(kernels), reversed(inputs)):
        grad = conv2d_backward(grad, x, w, stride=s)[0]
    return grad[0, 0]


def conv1x1(x, w, b=None) -> np.ndarray:
    """A 1x1 convolution: the same linear map across channels at every pixel.

    .. math:: z_{n,f,i,j} = b_f + \\sum_{c} w_{f,c}\\, x_{n,c,i,j}

    It is :func:`nnlib.conv.conv2d_forward` with a kernel of size 1 (weight ``w[:, :, None, None]``),
    and it is a matrix product :math:`W \\mathbf x_{ij}` of the :math:`F \\times C` matrix
    :math:`W` with the channel vector of each pixel. It mixes channels, never neighbouring
    pixels. Chapter 08.

    Parameters
    ----------
    x : array (N, C, H, W)
    w : array (F, C)
    b : array (F,) or None

    Returns
    -------
    ndarray (N, F, H, W)
    """
    x = as_float_array("x", x)
    w = as_float_array("w", w)
    if x.ndim != 4:
        raise ValueError(f"conv1x1: input x must have shape (N, C, H, W), got shape {x.shape}")
    if w.ndim != 2 or w.shape[1] != x.shape[1]:
        raise ValueError(f"conv1x1: weight w must have shape (F, {x.shape[1]}) for input x of shape {x.shape}, "
                         f"got shape {w.shape}")
    z = np.einsum("fc,nchw->nfhw", w, x)
    if b is not None:
        b = as_float_array("b", b)
        if b.shape != (w.shape[0],):
            raise ValueError(f"conv1x1: bias b must have shape ({w.shape[0]},), got shape {b.shape}")
        z = z + b[None, :, None, None]
    return z


def conv_transpose2d(y, w, b=None, padding: int = 0, stride: int = 1, output_padding: int = 0) -> np.ndarray:
    """Transposed convolution: the adjoint of :func:`nnlib.conv.conv2d_forward` (without bias).

    The convolution is linear in its input, :math:`z = T x`. Its transpose :math:`T^\\top`
    scatters every input value back along the kernel:

    .. math::
        x'_{n,c,\\, is+u,\\, js+v} \\mathrel{+}= \\sum_{f} y_{n,f,i,j}\\, w_{f,c,u,v}

    on the padded grid, whose ``padding`` border is cut off at the end; then
    :math:`\\langle T x, y\\rangle = \\langle x, T^\\top y\\rangle` for all :math:`x, y`. The
    output size per axis is :math:`(n-1)s - 2p + k + a`, with ``output_padding`` :math:`a < s`
    choosing among the input sizes that a strided convolution maps to :math:`n`. The same sum
    is the input gradient of a convolution (chapter 08). With
    stride :math:`s > 1` it enlarges its input: a learned upsampling. The weight ``w`` has the
    shape of the convolution's, ``(F, C, kh, kw)``, as in ``torch.nn.functional.conv_transpose2d``.

    Parameters
    ----------
    y : array (N, F, H, W)
    w : array (F, C, kh, kw)
    b : array (C,) or None
        Added to every output pixel of channel ``c``.
    padding, stride, output_padding : int

    Returns
    -------
    ndarray (N, C, (H-1)s - 2p + kh + a, (W-1)s - 2p + kw + a)
    """
    y = as_float_array("y", y)
    w = as_float_array("w", w)
    if y.ndim != 4:
        raise ValueError(f"conv_transpose2d: input y must have shape (N, F, H, W), got shape {y.shape}")
    if w.ndim != 4 or w.shape[0] != y.shape[1] or w.size == 0:
        raise ValueError(f"conv_transpose2d: weight w must have shape ({y.shape[1]}, C, kh, kw) for input y of "
                         f"shape {y.shape}, got shape {w.shape}")
    p, s = _check_padding(padding), _check_stride(stride)
    a = output_padding
    if isinstance(a, bool) or not isinstance(a, (int, np.integer)) or not 0 <= a < s:
        raise ValueError(f"output_padding must be an integer with 0 <= output_padding < stride = {s}, got {a!r}")
    N, _, H, W = y.shape
    _, C, kh, kw = w.shape
    Hp, Wp = (H - 1) * s + kh + a, (W - 1) * s + kw + a
    if Hp - 2 * p < 1 or Wp - 2 * p < 1:
        raise ValueError(f"conv_transpose2d: padding {p} removes the whole output of size {(Hp, Wp)}")
    check_budget(f"conv_transpose2d output {(N, C, Hp, Wp)} from y {y.shape}, w {w.shape} and stride={s}",
                 N * C * Hp * Wp, "MAX_ELEMENTS", "entries")
    out = np.zeros((N, C, Hp, Wp))
    for u in range(kh):
        for v in range(kw):
            out[:, :, u:u + s * H:s, v:v + s * W:s] += np.einsum("nfhw,fc->nchw", y, w[:, :, u, v])
    out = out[:, :, p:Hp - p, p:Wp - p]
    if b is not None:
        b = as_float_array("b", b)
        if b.shape != (C,):
            raise ValueError(f"conv_transpose2d: bias b must have shape ({C},), got shape {b.shape}")
        out = out + b[None, :, None, None]
    return out


def blur_subsample(x, stride: int = 2) -> np.ndarray:
    """Low-pass filter each channel with the binomial kernel, then keep every ``stride``-th pixel.

    The kernel is :math:`\\tfrac1{16}(1, 2, 1)^\\top (1, 2, 1)` with "same" zero padding. Plain
    subsampling keeps only the pixels on a coarse grid, so a feature that varies from one
    pixel to the next is aliased: a one-pixel shift of the input changes which values are kept.
    Blurring first removes most of that fast variation, the anti-aliasing of signal processing
    (chapter 08, "Translation equivariance and aliasing").

    Parameters
    ----------
    x : array (N, C, H, W)
    stride : int >= 1

    Returns
    -------
    ndarray (N, C, ceil(H / stride), ceil(W / stride))
    """
    x = as_float_array("x", x)
    if x.ndim != 4:
        raise ValueError(f"blur_subsample: input x must have shape (N, C, H, W), got shape {x.shape}")
    s = _check_stride(stride)
    N, C, H, W = x.shape
    kernel = np.outer([1.0, 2.0, 1.0], [1.0, 2.0, 1.0]) / 16
    blurred = conv2d_forward(x.reshape(N * C, 1, H, W), kernel[None, None], padding=1)
    return blurred.reshape(N, C, H, W)[:, :, ::s, ::s]


def _check_shift(name: str, pair, size=None) -> tuple[int, int]:
    """``pair`` = (rows, columns) as two ints; with ``size`` = (H, W), each smaller in size than that axis."""
    if (not isinstance(pair, (tuple, list)) or len(pair) != 2
            or any(isinstance(d, (bool, np.bool_)) or not isinstance(d, (int, np.integer)) for d in pair)):
        raise ValueError(f"{name} must be a pair (rows, columns) of integers, got {pair!r}")
    if size is not None and not all(abs(d) < n for d, n in zip(pair, size)):
        raise ValueError(f"{name} must move by less than the size {tuple(size)} of the maps it shifts, got {pair!r}")
    return int(pair[0]), int(pair[1])


def shift_change(f, images, shift, out_shift=(0, 0)) -> np.ndarray:
    """Relative change of a feature map when its input is shifted, one number per image.

    .. math:: e_n = \\frac{\\lVert f(S_{\\Delta} x_n) - S_{\\Delta'} f(x_n) \\rVert}{\\lVert f(x_n)\\rVert}

    :math:`S_\\Delta` moves an image by ``shift`` = (rows down, columns right) with zero fill
    (:func:`nnlib.conv.shift_images`) and :math:`S_{\\Delta'}` moves the feature map by
    ``out_shift``. :math:`e_n = 0` with ``out_shift = shift`` is translation equivariance, with
    ``out_shift = (0, 0)`` invariance. Images whose feature map is zero give NaN. Chapter 08.

    Parameters
    ----------
    f : callable
        Maps images (N, C, H, W) to feature maps (N, F, H', W').
    images : array (N, C, H, W)
    shift, out_shift : pairs of ints

    Returns
    -------
    ndarray (N,)
    """
    f = check_callable("f", f, "a function from images (N, C, H, W) to feature maps")
    x = as_float_array("images", images)
    if x.ndim != 4:
        raise ValueError(f"shift_change: images must have shape (N, C, H, W), got shape {x.shape}")
    shift = _check_shift("shift", shift, x.shape[2:])
    out_shift = _check_shift("out_shift", out_shift)
    fx = as_float_array("f(images)", f(x))
    fsx = as_float_array("f(shifted images)", f(shift_images(x, *shift)))
    if fx.ndim != 4 or fx.shape != fsx.shape or len(fx) != len(x):
        raise ValueError(f"f must map images {x.shape} to feature maps (N, F, H', W') of one shape, got "
                         f"{fx.shape} and {fsx.shape}")
    diff = fsx - shift_images(fx, *_check_shift("out_shift", out_shift, fx.shape[2:]))
    norm = np.sqrt((fx**2).sum(axis=(1, 2, 3)))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.sqrt((diff**2).sum(axis=(1, 2, 3))) / norm
