"""Torch models: convolutional networks for small images such as the 8x8 digits (chapter 08).

:class:`CNN` stacks blocks of convolution -> ReLU -> max pooling (the layer structure
derived in chapter 08 and computed from scratch in :mod:`nnlib.conv`) and ends with
one or two fully connected layers that output class scores (logits).
:class:`ResidualBlock` is the block :math:`\\mathrm{ReLU}(x + F(x))` of residual networks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from .._checks import check_budget, check_flag, check_positive_int, check_sizes
from ._inputs import as_model_input

__all__ = ["CNN", "ResidualBlock"]


class CNN(nn.Module):
    """A small convolutional classifier: ``[conv -> ReLU -> max-pool] x B -> (FC -> ReLU) -> FC``.

    Block ``b`` is ``Conv2d(c_{b-1}, c_b, kernel_size, padding=kernel_size // 2)`` (an odd
    kernel keeps the image size, "same" padding), a ReLU and ``MaxPool2d(pool)``,
    which divides height and width by ``pool`` (rounding down). The feature maps of
    the last block are flattened and fed to ``Linear(., hidden_size) -> ReLU ->
    Linear(hidden_size, num_classes)``, or directly to ``Linear(., num_classes)`` when
    ``hidden_size`` is 0. The output are logits (use ``nn.CrossEntropyLoss``). Chapter 08.

    Parameters
    ----------
    channels : sequence of int
        Number of filters of each convolutional block, e.g. ``(16, 32)``.
    kernel_size : int
        Odd kernel size of every convolution.
    hidden_size : int
        Units of the hidden fully connected layer (0: none).
    num_classes : int
        Number of outputs.
    image_shape : tuple (C, H, W)
        Shape of one input image. Inputs may be given as ``(N, C, H, W)`` or flattened
        as ``(N, C*H*W)`` (the digits of ``nnlib.data.load_digits`` are ``(N, 64)``).
    pool : int
        Max-pooling window and stride (1: no pooling).

    Examples
    --------
    >>> net = CNN(channels=(16, 32), hidden_size=64)      # for 8x8 digits
    >>> logits = net(torch.zeros(5, 64))             # shape (5, 10)
    >>> maps = net.feature_maps(torch.zeros(5, 64))  # one (5, c_b, h_b, w_b) tensor per block
    """

    def __init__(self, channels: Sequence[int] = (16, 32), kernel_size: int = 3, hidden_size: int = 64,
                 num_classes: int = 10, image_shape: Sequence[int] = (1, 8, 8), pool: int = 2):
        super().__init__()
        channels = check_sizes("channels", channels)
        if not channels:
            raise ValueError("channels must list at least one convolutional block, got []")
        kernel_size = check_positive_int("kernel_size", kernel_size)
        if kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd (for 'same' padding), got {kernel_size}")
        if isinstance(hidden_size, bool) or not isinstance(hidden_size, int) or hidden_size < 0:
            raise ValueError(f"hidden_size must be an integer >= 0, got {hidden_size!r}")
        num_classes = check_positive_int("num_classes", num_classes)
        pool = check_positive_int("pool", pool)
        if isinstance(image_shape, (str, bytes)) or not hasattr(image_shape, "__len__") or len(image_shape) != 3:
            raise ValueError(f"image_shape must be (channels, height, width), got {image_shape!r}")
        self.image_shape = tuple(check_positive_int("image_shape entry", s) for s in image_shape)

        c_in, h, w = self.image_shape
        blocks = []
        for c_out in channels:
            if h < pool or w < pool:
                raise ValueError(f"image_shape {self.image_shape} is too small for {len(channels)} "
                                 f"pooling blocks of size {pool}")
            blocks.append(nn.Sequential(
                nn.Conv2d(c_in, c_out, kernel_size, padding=kernel_size // 2),
                nn.ReLU(),
                nn.MaxPool2d(pool),
            ))
            c_in, h, w = c_out, h // pool, w // pool
        self.blocks = nn.ModuleList(blocks)
        n_flat = c_in * h * w
        check_budget("CNN head weights (flattened features x hidden_size)", n_flat * max(hidden_size, num_classes),
                     "MAX_ELEMENTS", "weights")
        if hidden_size:
            self.head = nn.Sequential(nn.Flatten(), nn.Linear(n_flat, hidden_size), nn.ReLU(),
                                      nn.Linear(hidden_size, num_classes))
        else:
            self.head = nn.Sequential(nn.Flatten(), nn.Linear(n_flat, num_classes))

    def _as_images(self, x: torch.Tensor) -> torch.Tensor:
        x = as_model_input(self, "x", x)
        size = math.prod(self.image_shape)
        if x.dim() == 2 and x.shape[1] == size:
            return x.reshape(len(x), *self.image_shape)
        if x.dim() == 4 and tuple(x.shape[1:]) == self.image_shape:
            return x
        c, h, w = self.image_shape
        raise ValueError(f"CNN: input x must have shape (N, {c}, {h}, {w}) or (N, {size}), "
                         f"got shape {tuple(x.shape)}")

    def feature_maps(self, x: torch.Tensor) -> list[torch.Tensor]:
        """The ReLU feature maps of every block (before its pooling), for visualisation."""
        h = self._as_images(x)
        maps = []
        for block in self.blocks:
            conv, relu, pool = block
            a = relu(conv(h))
            maps.append(a)
            h = pool(a)
        return maps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class logits of shape (N, num_classes)."""
        h = self._as_images(x)
        for block in self.blocks:
            h = block(h)
        return self.head(h)

    @property
    def filters(self) -> torch.Tensor:
        """The first layer's filter bank, shape (channels[0], C, k, k) (a detached copy)."""
        return self.blocks[0][0].weight.detach().clone()


class ResidualBlock(nn.Module):
    """A residual block: ``relu(x + conv2(relu(conv1(x))))``, or without the skip ``relu(conv2(relu(conv1(x))))``.

    .. math:: h = \\mathrm{ReLU}\\big(x + F(x)\\big), \\qquad
        F(x) = W_2 \\star \\mathrm{ReLU}(W_1 \\star x + b_1) + b_2

    Both convolutions keep the number of channels and, with "same" padding, the image size,
    so :math:`x` and :math:`F(x)` can be added. The Jacobian of :math:`x + F(x)` is
    :math:`I + \\partial F/\\partial x`: the gradient reaches the block's input through the
    identity even where :math:`\\partial F/\\partial x` is small, which keeps deep stacks
    trainable (He et al., 2016). Chapter 08, "Residual blocks".

    Parameters
    ----------
    channels : int
        Channels of the input and of both convolutions.
    kernel_size : int
        Odd kernel size of both convolutions.
    skip : bool
        False drops the identity path (the same layers as a plain block, for comparison).
    zero_init : bool
        Start ``conv2`` at zero weights and bias, so that :math:`F = 0` and the block computes
        ``relu(x)`` (the identity on non-negative input) at initialisation.
    """

    def __init__(self, channels: int, kernel_size: int = 3, skip: bool = True, zero_init: bool = False):
        super().__init__()
        channels = check_positive_int("channels", channels)
        kernel_size = check_positive_int("kernel_size", kernel_size)
        if kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd (for 'same' padding), got {kernel_size}")
        self.skip = check_flag("skip", skip)
        zero_init = check_flag("zero_init", zero_init)
        self.conv1 = nn.Conv2d(channels, channels, kernel_size, padding=kernel_size // 2)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size, padding=kernel_size // 2)
        if zero_init:
            nn.init.zeros_(self.conv2.weight)
            nn.init.zeros_(self.conv2.bias)

    def residual(self, x: torch.Tensor) -> torch.Tensor:
        """The residual branch :math:`F(x)`."""
        return self.conv2(torch.relu(self.conv1(x)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``relu(x + F(x))`` (``relu(F(x))`` when ``skip`` is False); x of shape (N, channels, H, W)."""
        x = as_model_input(self, "x", x)
        if x.dim() != 4 or x.shape[1] != self.conv1.in_channels:
            raise ValueError(f"ResidualBlock: input x must have shape (N, {self.conv1.in_channels}, H, W), "
                             f"got shape {tuple(x.shape)}")
        f = self.residual(x)
        return torch.relu(x + f if self.skip else f)
