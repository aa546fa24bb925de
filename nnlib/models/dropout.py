"""Torch models: networks with dropout for MC-dropout inference (chapter 12).

Chapter 12 reads a network trained with dropout as a variational approximation of a
Bayesian neural network (Gal & Ghahramani, 2016): every dropout mask is one sample of the
weights. Two consequences shape this module.

* A dropout layer must stay usable at test time (:class:`MCDropout` is an ordinary
  inverted-dropout layer, switched on by ``train()`` as usual).
* One mask is one *function*. ``torch.nn.Dropout`` draws an independent mask for every row
  of a batch, which is what training needs (one weight sample per data point) and gives
  the right per-point predictive mean and variance, but a curve drawn through a batch of
  inputs is then not one function. With ``shared_mask = True`` an :class:`MCDropout`
  layer draws a single mask for the whole batch, so a forward pass over a grid of inputs
  draws one function from the approximate posterior.
"""

from __future__ import annotations

import torch
from torch import nn

from .._checks import check_choice, check_flag, check_positive_int, check_probability, check_sizes
from ._inputs import as_model_input, check_tensor

__all__ = ["MCDropout", "DropoutMLP"]

_ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh}


class MCDropout(nn.Dropout):
    """Inverted dropout that can share one mask across the batch.

    In training mode each unit is kept with probability :math:`1 - p` and the kept
    activations are scaled by :math:`1 / (1 - p)`, so :math:`\\mathbb E[\\text{output}]`
    equals the input (chapter 05). In eval mode it is the identity.

    Parameters
    ----------
    p : float
        Drop probability in [0, 1). (Gal & Ghahramani's :math:`p` is the *keep*
        probability, :math:`1 - p` here.)
    shared_mask : bool
        If True, one mask of shape ``(1, features...)`` is drawn per forward pass and
        broadcast over the batch dimension: the whole batch sees the same sub-network,
        i.e. one sample of the weights (chapter 12).
    """

    def __init__(self, p: float = 0.1, shared_mask: bool = False):
        shared_mask = check_flag("shared_mask", shared_mask)
        p = check_probability("p", p)
        super().__init__(p=p)
        self.shared_mask = bool(shared_mask)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_tensor("x", x)
        if not self.training or self.p == 0.0:
            return x
        if not self.shared_mask:
            return super().forward(x)
        keep = 1.0 - self.p
        mask = torch.bernoulli(torch.full((1, *x.shape[1:]), keep, dtype=x.dtype, device=x.device))
        return x * mask / keep

    def extra_repr(self) -> str:
        return f"p={self.p}, shared_mask={self.shared_mask}"


class DropoutMLP(nn.Module):
    """Fully connected network with dropout after every hidden layer (chapter 12).

    Architecture (``L = len(hidden_sizes)``):

    .. math::
        h_0 = \\mathrm{drop}_{p_{in}}(x),\\quad
        h_\\ell = \\mathrm{drop}_p\\big(\\phi(W_\\ell h_{\\ell-1} + b_\\ell)\\big),\\quad
        \\hat y = W_{L+1} h_L + b_{L+1},

    i.e. dropout acts on the input of every weight matrix except the first (unless
    ``input_dropout > 0``), which is the setting in which dropout training is variational
    inference over those weight matrices (Gal & Ghahramani, 2016).

    Parameters
    ----------
    in_features, out_features : int
        Input and output dimensions.
    hidden_sizes : sequence of int
        Widths of the hidden layers (at least one).
    dropout : float
        Drop probability of the hidden dropout layers, in [0, 1). ``p = 0`` gives an
        ordinary MLP (used for deep-ensemble members).
    activation : {"relu", "tanh"}
        Non-linearity :math:`\\phi`. The choice changes the implied prior over functions
        and hence how uncertainty behaves away from the data (chapter 12).
    input_dropout : float
        Drop probability applied to the input itself, in [0, 1) (default 0: no input
        dropout; the NYU course's MC-dropout lab uses 0.05 on a 1-D input).
    """

    def __init__(self, in_features: int = 1, out_features: int = 1, hidden_sizes=(64, 64), *,
                 dropout: float = 0.1, activation: str = "relu", input_dropout: float = 0.0):
        super().__init__()
        in_features = check_positive_int("in_features", in_features)
        out_features = check_positive_int("out_features", out_features)
        hidden_sizes = check_sizes("hidden_sizes", hidden_sizes)
        if not hidden_sizes:
            raise ValueError("hidden_sizes must list at least one layer width, got ()")
        self.dropout = check_probability("dropout", dropout)
        self.input_dropout = check_probability("input_dropout", input_dropout)
        self.activation = check_choice("activation", activation, tuple(_ACTIVATIONS))
        layers: list[nn.Module] = []
        if self.input_dropout > 0:
            layers.append(MCDropout(self.input_dropout))
        width = in_features
        for h in hidden_sizes:
            layers += [nn.Linear(width, h), _ACTIVATIONS[self.activation]()]
            if self.dropout > 0:
                layers.append(MCDropout(self.dropout))
            width = h
        layers.append(nn.Linear(width, out_features))
        self.net = nn.Sequential(*layers)
        self.in_features = in_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = as_model_input(self, "x", x)
        if x.shape[-1] != self.in_features:
            raise ValueError(f"DropoutMLP expects inputs of shape (batch, {self.in_features}), "
                             f"got shape {tuple(x.shape)}")
        return self.net(x)
