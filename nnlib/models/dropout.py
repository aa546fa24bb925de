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

:class:`ConcreteDropout` learns its rate: a relaxed (Concrete) Bernoulli mask makes the
output differentiable in the drop probability, and its :meth:`ConcreteDropout.regularizer`
is the approximate KL divergence of chapter 12 with the entropy term that a fixed-rate
derivation drops (Gal, Hron & Kendall, 2017).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .._checks import (check_budget, check_choice, check_flag, check_in_range, check_positive, check_positive_int,
                       check_probability, check_sizes)
from ._inputs import as_model_input, check_features, check_tensor

__all__ = ["MCDropout", "DropoutMLP", "ConcreteDropout"]

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
        check_features(f"DropoutMLP(in_features={self.in_features})", "x", x, self.in_features, batched=False)
        return self.net(x)


class ConcreteDropout(nn.Module):
    """Dropout with a learned rate in front of a linear layer (concrete dropout, chapter 12).

    The layer computes ``layer(x * z / (1 - p))``, where ``p`` is the drop probability
    :math:`\\sigma(\\rho)` of a learned logit :math:`\\rho` (``p_logit``) and, in training
    mode, the keep-mask ``z`` is the relaxed Bernoulli draw of chapter 12,

    .. math::
        \\tilde z = \\sigma\\Big(\\frac{\\operatorname{logit}(1 - p) + \\operatorname{logit}(u)}{t}\\Big),
        \\qquad u \\sim \\mathcal U(0, 1),

    one per input unit and row, with temperature :math:`t` (``temperature``). For every
    :math:`t > 0`, :math:`P(\\tilde z > \\tfrac12) = 1 - p` exactly, and :math:`\\tilde z` tends to a
    Bernoulli(:math:`1 - p`) keep-mask as :math:`t \\to 0`; unlike the Bernoulli mask it is
    differentiable in :math:`\\rho`. In eval mode the layer is ``layer(x)`` (inverted dropout).

    Parameters
    ----------
    layer : torch.nn.Linear
        The weight layer whose input is dropped; dropping input unit :math:`k` removes
        column :math:`k` of its weight matrix.
    p : float
        Initial drop probability, in (0, 1). (Chapter 12's derivation writes the *keep*
        probability; here, as in ``torch.nn.Dropout``, ``p`` is the drop probability.)
    temperature : float
        Temperature :math:`t > 0` of the relaxed mask (Gal, Hron & Kendall use 0.1).

    Attributes
    ----------
    p_logit : torch.nn.Parameter
        :math:`\\rho = \\operatorname{logit}(p)`, trained with the other parameters.
    """

    def __init__(self, layer: nn.Linear, p: float = 0.1, *, temperature: float = 0.1):
        super().__init__()
        if not isinstance(layer, nn.Linear):
            raise TypeError(f"layer must be a torch.nn.Linear, got {type(layer).__name__}")
        p = check_in_range("p", p, 0, 1, low_inclusive=False, high_inclusive=False)
        self.temperature = check_positive("temperature", temperature)
        self.layer = layer
        dtype = layer.weight.dtype
        self.p_logit = nn.Parameter(torch.tensor(math.log(p) - math.log1p(-p), dtype=dtype))

    @property
    def p(self) -> torch.Tensor:
        """The drop probability :math:`\\sigma(\\rho)`, a 0-d tensor (differentiable)."""
        return torch.sigmoid(self.p_logit)

    def relaxed_mask(self, shape) -> torch.Tensor:
        """A relaxed keep-mask :math:`\\tilde z` of the given shape (values in [0, 1])."""
        shape = check_sizes("shape", shape)
        if not shape:
            raise ValueError("shape must list at least one dimension, like (batch, features), got ()")
        check_budget("shape", math.prod(shape), "MAX_ELEMENTS", "entries")
        return self._mask(shape)

    def _mask(self, shape) -> torch.Tensor:
        eps = torch.finfo(self.p_logit.dtype).eps
        u = torch.rand(tuple(shape), dtype=self.p_logit.dtype, device=self.p_logit.device)
        return torch.sigmoid((torch.logit(u, eps) - self.p_logit) / self.temperature)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = as_model_input(self, "x", x)
        check_features(f"ConcreteDropout({self.layer})", "x", x, self.layer.in_features, batched=False)
        if self.training:
            x = x * self._mask(x.shape) / (1 - self.p)
        return self.layer(x)

    def regularizer(self, length_scale: float) -> torch.Tensor:
        """The approximate KL divergence of chapter 12, up to a constant (a 0-d tensor).

        .. math::
            \\frac{l^2}{2 (1 - p)} \\|W'\\|^2 + \\frac{l^2}{2} \\|b\\|^2 - K\\, \\mathcal H(p),

            \\mathcal H(p) = -p \\log p - (1 - p) \\log (1 - p),

        for the prior :math:`\\mathcal N(0, l^{-2} I)`, stored weights :math:`W'` (inverted
        dropout stores :math:`(1 - p) M`, so the first term is :math:`\\frac{(1-p) l^2}{2}\\|M\\|^2`
        of the derivation) and :math:`K` input units. Add the sum over the layers, divided
        by the number of training points :math:`N`, to the mean negative log-likelihood
        (Gal, Hron & Kendall, 2017; chapter 12 derives it).

        Parameters
        ----------
        length_scale : float
            Prior length-scale :math:`l > 0`.
        """
        l2 = check_positive("length_scale", length_scale) ** 2
        rho = self.p_logit
        p = torch.sigmoid(rho)
        # H(p) written with softplus: log p = -softplus(-rho), log(1 - p) = -softplus(rho)
        entropy = p * nn.functional.softplus(-rho) + (1 - p) * nn.functional.softplus(rho)
        weight = l2 / 2 * (self.layer.weight.pow(2).sum() / (1 - p))
        bias = l2 / 2 * self.layer.bias.pow(2).sum() if self.layer.bias is not None else 0.0
        return weight + bias - self.layer.in_features * entropy

    def extra_repr(self) -> str:
        return f"p={torch.sigmoid(self.p_logit.detach()).item():.4g}, temperature={self.temperature}"
