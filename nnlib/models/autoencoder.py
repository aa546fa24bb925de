"""Torch models: autoencoders, optionally with tied weights (chapter 07).

An autoencoder maps an input :math:`\\mathbf x` through a narrow *code*
:math:`\\mathbf h = f(\\mathbf x)` back to a reconstruction
:math:`\\hat{\\mathbf x} = g(\\mathbf h)` and is trained to make
:math:`\\hat{\\mathbf x} \\approx \\mathbf x`. Chapter 07 derives it; chapter 10 (the
variational autoencoder) starts from the digits autoencoder built by
:func:`digits_autoencoder`.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from .._checks import check_choice, check_flag, check_positive_int, check_sizes
from ._inputs import as_model_input

__all__ = ["Autoencoder", "digits_autoencoder"]

#: Activation names accepted by :class:`Autoencoder` and the functions they stand for.
#: (Module-level only, not re-exported by ``nnlib.models``.)
ACTIVATIONS = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "identity": lambda z: z,
}


class Autoencoder(nn.Module):
    """A fully connected autoencoder whose decoder mirrors its encoder.

    With ``sizes = [n_0, n_1, ..., n_L]`` the encoder has layers
    :math:`n_0 \\to n_1 \\to \\dots \\to n_L` (the code has :math:`n_L` units) and the
    decoder the same layers in reverse, :math:`n_L \\to \\dots \\to n_0`:

    .. math::
        \\mathbf h_\\ell = \\varphi(W_\\ell \\mathbf h_{\\ell-1} + \\mathbf b_\\ell), \\quad
        \\mathbf h_0 = \\mathbf x, \\qquad
        \\hat{\\mathbf h}_{\\ell-1} = \\varphi(M_\\ell \\hat{\\mathbf h}_\\ell + \\mathbf c_\\ell), \\quad
        \\hat{\\mathbf h}_L = \\mathbf h_L

    (the code layer uses ``code_activation`` and the last decoder layer
    ``output_activation`` instead of ``activation``). With ``tied=True`` the decoder
    weights are the transposed encoder weights, :math:`M_\\ell = W_\\ell^\\top`: the
    decoder owns no weight Parameter, it reads the encoder's ``weight`` Parameters
    (shared, not copied), so a gradient step on the reconstruction loss updates one
    matrix per layer with the sum of its encoder and decoder gradients. The decoder
    keeps its own biases :math:`\\mathbf c_\\ell` (they have the input's size).
    Derived in chapter 07.

    Parameters
    ----------
    sizes : sequence of int
        Layer sizes from the input to the code, at least two (e.g. ``[8, 3]``).
    activation : str
        Hidden-layer nonlinearity, one of ``ACTIVATIONS``.
    code_activation : str or None
        Nonlinearity of the code layer; ``None`` means the same as ``activation``.
        Use ``"identity"`` for an unbounded (linear) code.
    output_activation : str
        Nonlinearity of the reconstruction; ``"sigmoid"`` for data in [0, 1].
    tied : bool
        Tie the decoder weights to the transposed encoder weights.

    Attributes
    ----------
    encoder : nn.ModuleList of nn.Linear
        ``encoder[l]`` maps ``sizes[l]`` to ``sizes[l+1]``; its ``weight`` is :math:`W_{l+1}`.
    decoder : nn.ModuleList of nn.Linear, or None when tied
        ``decoder[l]`` maps ``sizes[l+1]`` back to ``sizes[l]``.
    decoder_biases : nn.ParameterList, or None when untied
        The decoder biases when the weights are tied; entry ``l`` has ``sizes[l]`` entries.
    code_size : int
        ``sizes[-1]``.

    Examples
    --------
    >>> ae = Autoencoder([8, 3], activation="sigmoid", tied=True)
    >>> code = ae.encode(torch.zeros(5, 8))          # shape (5, 3)
    >>> x_hat = ae.decode(code)                      # shape (5, 8)
    >>> x_hat2 = ae(torch.zeros(5, 8))               # encode then decode
    """

    def __init__(self, sizes: Sequence[int], activation: str = "sigmoid", *,
                 code_activation: str | None = None, output_activation: str = "sigmoid",
                 tied: bool = False):
        tied = check_flag("tied", tied)
        super().__init__()
        sizes = check_sizes("sizes", sizes)
        if len(sizes) < 2:
            raise ValueError(f"sizes needs at least an input and a code size, got {sizes!r}")
        self.sizes = sizes
        choices = tuple(ACTIVATIONS)
        self.activation = check_choice("activation", activation, choices)
        self.code_activation = check_choice(
            "code_activation", activation if code_activation is None else code_activation, choices)
        self.output_activation = check_choice("output_activation", output_activation, choices)
        self.tied = bool(tied)
        pairs = list(zip(self.sizes[:-1], self.sizes[1:]))
        self.encoder = nn.ModuleList(nn.Linear(a, b) for a, b in pairs)
        if self.tied:
            self.decoder = None
            # nn.Linear's default bias init: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = b.
            self.decoder_biases = nn.ParameterList(
                nn.Parameter(torch.empty(a).uniform_(-b ** -0.5, b ** -0.5)) for a, b in pairs)
        else:
            self.decoder = nn.ModuleList(nn.Linear(b, a) for a, b in pairs)
            self.decoder_biases = None

    @property
    def code_size(self) -> int:
        """Number of units of the code layer."""
        return self.sizes[-1]

    def _check_input(self, name: str, x: torch.Tensor, size: int) -> None:
        if x.dim() != 2 or x.shape[1] != size:
            raise ValueError(f"{name} of Autoencoder{tuple(self.sizes)} must have shape (batch, {size}), "
                             f"got shape {tuple(x.shape)}")

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """The code :math:`\\mathbf h_L = f(\\mathbf x)` of a batch ``x`` of shape (batch, sizes[0])."""
        x = as_model_input(self, "x", x)
        self._check_input("encode input", x, self.sizes[0])
        h = x
        last = len(self.encoder) - 1
        for l, layer in enumerate(self.encoder):
            act = self.code_activation if l == last else self.activation
            h = ACTIVATIONS[act](layer(h))
        return h

    def decoder_weight(self, l: int) -> torch.Tensor:
        """The matrix :math:`M_{l+1}` mapping layer ``l+1`` back to layer ``l``.

        When tied this is ``encoder[l].weight.T`` -- a view of the encoder Parameter.
        """
        return self.encoder[l].weight.t() if self.tied else self.decoder[l].weight

    def decode(self, h: torch.Tensor) -> torch.Tensor:
        """The reconstruction :math:`g(\\mathbf h)` of a batch of codes ``h`` of shape (batch, code_size)."""
        self._check_input("decode input", h, self.code_size)
        for l in reversed(range(len(self.encoder))):
            bias = self.decoder_biases[l] if self.tied else self.decoder[l].bias
            h = F.linear(h, self.decoder_weight(l), bias)
            h = ACTIVATIONS[self.output_activation if l == 0 else self.activation](h)
        return h

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Reconstruction ``decode(encode(x))``."""
        return self.decode(self.encode(x))

    def extra_repr(self) -> str:
        return (f"sizes={self.sizes}, activation={self.activation!r}, code_activation="
                f"{self.code_activation!r}, output_activation={self.output_activation!r}, tied={self.tied}")


def digits_autoencoder(code_size: int = 2, hidden_sizes: Sequence[int] = (128,), *,
                       tied: bool = False) -> Autoencoder:
    """The autoencoder of chapter 07 for the 8x8 digits (64 pixels in [0, 1]).

    ``Autoencoder([64, *hidden_sizes, code_size], activation="relu", code_activation="identity",
    output_activation="sigmoid", tied=tied)``: ReLU hidden layers, a linear
    (unbounded) code and a sigmoid output, so every reconstructed pixel lies in (0, 1).

    Chapter 07 trains it, after ``nnlib.seed(0)``, with ``nnlib.train.fit`` on the
    training digits of ``nnlib.data.load_digits().as_tensors()`` with the inputs as
    targets: ``torch.nn.MSELoss()``, ``torch.optim.Adam(model.parameters(), lr=1e-2)``,
    ``epochs=40``, ``batch_size=128`` and ``val_data=(X_val, X_val)`` (the weights of the
    best validation epoch are kept). With ``code_size=2`` this gives the 2-D latent space
    that chapter 10 (variational autoencoders) starts from; use :meth:`Autoencoder.encode`
    for codes and :meth:`Autoencoder.decode` to draw images from code points.
    :func:`nnlib.train.train_digits_autoencoder` does all of this in one call.

    Parameters
    ----------
    code_size : int
        Number of code units (2 for a plottable latent space).
    hidden_sizes : sequence of int
        Sizes of the hidden layers between the 64 pixels and the code.
    tied : bool
        Tie decoder weights to the transposed encoder weights.
    """
    tied = check_flag("tied", tied)
    code_size = check_positive_int("code_size", code_size)
    hidden_sizes = check_sizes("hidden_sizes", hidden_sizes)
    return Autoencoder([64, *hidden_sizes, code_size], activation="relu", code_activation="identity",
                       output_activation="sigmoid", tied=tied)
