"""Multi-layer perceptrons with a choice of activation, initialisation, dropout and batch norm.

Used in chapter 05 (generalisation: dropout) and chapter 06 (optimisation: depth, vanishing and
exploding gradients, initialisation, batch normalisation). The network is a plain stack

    Linear -> [BatchNorm1d] -> activation -> [Dropout]     (once per hidden layer)
    Linear                                                 (output layer, no activation)

so ``MLP([64, 128, 10])`` maps 64 inputs through 128 hidden units to 10 outputs (logits).
``ResidualMLP`` adds identity skip connections around the hidden layers of equal width and
``LayerNormMLP`` normalises each example over its units instead of each unit over the batch.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .._checks import check_choice, check_positive, check_positive_int, check_probability, check_sizes
from ._inputs import as_model_input

__all__ = ["MLP", "ResidualMLP", "LayerNormMLP", "layer_grad_norms", "n_parameters", "ACTIVATIONS", "INITS"]

#: Allowed values of ``MLP(activation=...)``.
ACTIVATIONS = ("relu", "tanh", "sigmoid", "identity")
#: Allowed values of ``MLP(init=...)``.
INITS = ("default", "xavier", "he", "normal")

_ACTIVATION_MODULES = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "identity": nn.Identity,
}


def _check_sizes(sizes) -> list[int]:
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
        raise ValueError(f"sizes must be a list of layer widths like [64, 128, 10], got {sizes!r}")
    if len(sizes) < 2:
        raise ValueError(
            f"sizes must list at least 2 widths (inputs and outputs), got {list(sizes)!r}"
        )
    return check_sizes("sizes", sizes)


def _init_linear(layer: nn.Linear, init: str, init_std: float | None) -> None:
    """Initialise one ``nn.Linear`` in place (derived in chapter 06, section on initialisation).

    - ``"default"``: PyTorch's own scheme, weights and biases ~ U(-1/sqrt(n_in), 1/sqrt(n_in)),
      i.e. Var(W) = 1 / (3 n_in).
    - ``"xavier"``: W ~ N(0, 2 / (n_in + n_out)) (Glorot & Bengio 2010), biases 0.
    - ``"he"``: W ~ N(0, 2 / n_in) (He et al. 2015), biases 0.
    - ``"normal"``: W ~ N(0, init_std**2), biases 0.
    """
    if init == "default":
        layer.reset_parameters()
        return
    n_out, n_in = layer.weight.shape
    if init == "xavier":
        std = math.sqrt(2.0 / (n_in + n_out))
    elif init == "he":
        std = math.sqrt(2.0 / n_in)
    else:  # "normal"
        std = init_std
    with torch.no_grad():
        layer.weight.normal_(0.0, std)
        layer.bias.zero_()


def linear_stack(sizes, activation, *, last_activation: bool = False) -> list[nn.Module]:
    """``Linear`` layers from ``sizes[0]`` to ``sizes[-1]`` with a fresh ``activation()`` after each but
    the last (after the last too if ``last_activation``): the body of the VAE's and the GAN's networks.
    ``activation`` is a module class or a function returning a module, e.g. ``nn.ReLU``."""
    layers: list[nn.Module] = []
    for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(n_in, n_out))
        if last_activation or k < len(sizes) - 2:
            layers.append(activation())
    return layers


class MLP(nn.Module):
    """A fully connected network: ``Linear -> [BatchNorm1d] -> activation -> [Dropout]`` per hidden layer.

    Each hidden layer computes (chapter 06 derives every piece)

    .. math:: z^{(l)} = W^{(l)} a^{(l-1)} + b^{(l)}, \\qquad a^{(l)} = \\varphi(\\mathrm{BN}(z^{(l)})),

    and the last layer is linear (it returns logits or regression outputs, no activation).

    Parameters
    ----------
    sizes : sequence of int
        Layer widths from input to output, e.g. ``[64, 128, 10]`` (at least two entries).
    activation : {"relu", "tanh", "sigmoid", "identity"}
        Non-linearity of every hidden layer.
    dropout : float
        Dropout probability in ``[0, 1)`` applied after each hidden activation (inverted dropout,
        chapter 05). ``0`` adds no dropout layers.
    batch_norm : bool
        If true, a ``BatchNorm1d`` sits between each hidden ``Linear`` and its activation.
    init : {"default", "xavier", "he", "normal"}
        Weight initialisation of every ``Linear`` layer: PyTorch's default
        (U(±1/sqrt(n_in)), Var(W) = 1/(3 n_in)), Xavier/Glorot N(0, 2/(n_in+n_out)),
        He/Kaiming N(0, 2/n_in), or N(0, init_std²). The last three set biases to 0.
    init_std : float, optional
        Standard deviation of the weights; required with ``init="normal"`` and only allowed there.

    Attributes
    ----------
    net : torch.nn.Sequential
        The layers in order.
    linears : list of torch.nn.Linear
        The ``Linear`` layers from input to output (``len(sizes) - 1`` of them).

    Examples
    --------
    >>> model = MLP([64, 128, 10], activation="tanh", init="xavier")
    >>> model(torch.zeros(5, 64)).shape
    torch.Size([5, 10])
    """

    def __init__(
        self,
        sizes,
        activation: str = "relu",
        dropout: float = 0.0,
        batch_norm: bool = False,
        init: str = "default",
        init_std: float | None = None,
    ):
        super().__init__()
        sizes = _check_sizes(sizes)
        check_choice("activation", activation, ACTIVATIONS)
        dropout = check_probability("dropout", dropout)
        if not isinstance(batch_norm, bool):
            raise TypeError(f"batch_norm must be True or False, got {batch_norm!r}")
        check_choice("init", init, INITS)
        if init == "normal":
            if init_std is None:
                raise ValueError("init='normal' needs init_std > 0 (the weights' standard deviation)")
            init_std = check_positive("init_std", init_std)
        elif init_std is not None:
            raise ValueError(f"init_std is only used with init='normal', got init={init!r}")

        self.sizes = sizes
        self.activation = activation
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.init = init
        self.init_std = init_std

        layers: list[nn.Module] = []
        self._hidden_ends: list[int] = []  # index in ``net`` of the last module of each hidden layer
        self.linears: list[nn.Linear] = []
        n_layers = len(sizes) - 1
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            linear = nn.Linear(n_in, n_out)
            _init_linear(linear, init, init_std)
            layers.append(linear)
            self.linears.append(linear)
            if i < n_layers - 1:  # hidden layer
                if batch_norm:
                    layers.append(nn.BatchNorm1d(n_out))
                layers.append(_ACTIVATION_MODULES[activation]())
                if dropout > 0:
                    layers.append(nn.Dropout(dropout))
                self._hidden_ends.append(len(layers) - 1)
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return the outputs (logits), shape ``(batch, sizes[-1])``."""
        return self.net(self._checked_input(x))

    def _checked_input(self, x) -> torch.Tensor:
        """``x`` as a tensor of the model's dtype, checked to have shape (batch, sizes[0])."""
        x = as_model_input(self, "x", x)
        if x.ndim != 2 or x.shape[1] != self.sizes[0]:
            raise ValueError(f"{type(self).__name__}: input x must have shape (batch, {self.sizes[0]}), "
                             f"got {tuple(x.shape)}")
        return x

    def trace(self, x: torch.Tensor) -> dict[str, list[torch.Tensor]]:
        """Run the network and keep every layer's pre-activation and activation.

        Returns ``{"z": [z1, ..., zL], "a": [a1, ..., a_{L-1}], "out": output}`` where ``z[l]`` is
        the output of the l-th ``Linear`` (before batch norm and the non-linearity) and ``a[l]``
        the hidden layer's output after its activation (and dropout). The tensors are still part
        of the autograd graph, so ``z[l].retain_grad()`` before ``backward()`` gives dE/dz per
        layer (chapter 06 measures these to show vanishing gradients).
        """
        x = self._checked_input(x)
        zs, activations = [], []
        h = x
        for i, module in enumerate(self.net):
            h = module(h)
            if isinstance(module, nn.Linear):
                zs.append(h)
            if i in self._hidden_ends:
                activations.append(h)
        return {"z": zs, "a": activations, "out": h}

    def extra_repr(self) -> str:
        return (
            f"sizes={self.sizes}, activation={self.activation!r}, dropout={self.dropout}, "
            f"batch_norm={self.batch_norm}, init={self.init!r}"
        )


def layer_grad_norms(model: nn.Module) -> list[float]:
    """Return the Frobenius norm of the gradient of every ``Linear`` weight, input layer first.

    ``||dE/dW^{(l)}||_F`` for each layer ``l`` (chapter 06 uses it to measure vanishing and
    exploding gradients). Call after ``loss.backward()``.

    Raises
    ------
    ValueError
        If the model has no ``Linear`` layer or a weight has no gradient yet.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"layer_grad_norms: model must be a torch.nn.Module, got {type(model).__name__}")
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if not linears:
        raise ValueError("layer_grad_norms: the model has no torch.nn.Linear layer")
    norms = []
    for i, layer in enumerate(linears):
        if layer.weight.grad is None:
            raise ValueError(
                f"layer_grad_norms: Linear layer {i} has no gradient; call loss.backward() first"
            )
        norms.append(float(layer.weight.grad.norm()))
    return norms


def n_parameters(model: nn.Module) -> int:
    """Return the number of trainable parameters (entries of tensors with ``requires_grad``)."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"n_parameters: model must be a torch.nn.Module, got {type(model).__name__}")
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


class ResidualMLP(MLP):
    """An :class:`MLP` with an identity skip connection around every hidden layer that keeps its width.

    A hidden layer whose input and output widths are equal computes (chapter 06, after He et al. 2016)

    .. math:: a^{(l)} = a^{(l-1)} + \\varphi\\big(W^{(l)} a^{(l-1)} + b^{(l)}\\big),

    so its Jacobian is :math:`I + \\mathrm{diag}(\\varphi'(z^{(l)}))\\, W^{(l)}`; the other layers are
    those of :class:`MLP`. The parameters, their order and their initialisation are exactly those of
    ``MLP`` with the same arguments, so the same seed gives the same weights with and without the
    skips. Arguments and attributes as in :class:`MLP`.

    Examples
    --------
    >>> model = ResidualMLP([64] + [32] * 20 + [10])
    >>> model(torch.zeros(5, 64)).shape
    torch.Size([5, 10])
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return the outputs (logits), shape ``(batch, sizes[-1])``."""
        x = as_model_input(self, "x", x)
        return self.trace(x)["out"]

    def trace(self, x: torch.Tensor) -> dict[str, list[torch.Tensor]]:
        """As :meth:`MLP.trace`; ``a[l]`` includes the skip connection."""
        x = self._checked_input(x)
        zs, activations = [], []
        h = block_input = x
        for i, module in enumerate(self.net):
            h = module(h)
            if isinstance(module, nn.Linear):
                zs.append(h)
            if i in self._hidden_ends:
                if h.shape == block_input.shape:
                    h = h + block_input                      # the skip connection
                activations.append(h)
                block_input = h
        return {"z": zs, "a": activations, "out": h}


class LayerNormMLP(MLP):
    """An :class:`MLP` with layer normalisation between each hidden ``Linear`` and its activation.

    For one example with pre-activations :math:`z_1, \\dots, z_n` of a hidden layer (chapter 06,
    after Ba et al. 2016)

    .. math:: \\mu = \\frac1n\\sum_j z_j, \\quad \\sigma^2 = \\frac1n\\sum_j (z_j - \\mu)^2, \\quad
              y_j = \\gamma_j \\frac{z_j - \\mu}{\\sqrt{\\sigma^2 + \\epsilon}} + \\beta_j :

    the statistics are taken over the units of one example, not over the batch, so the layer is
    the same in training and evaluation mode and works with a batch of one. The parameters and
    initial weights are those of ``MLP(..., batch_norm=True)`` with the same seed (``LayerNorm``
    instead of ``BatchNorm1d``, both with :math:`\\gamma = 1, \\beta = 0`). Arguments as in
    :class:`MLP`, without ``batch_norm``.
    """

    def __init__(self, sizes, activation: str = "relu", dropout: float = 0.0, init: str = "default",
                 init_std: float | None = None):
        super().__init__(sizes, activation=activation, dropout=dropout, batch_norm=True, init=init,
                         init_std=init_std)
        for i, module in enumerate(self.net):
            if isinstance(module, nn.BatchNorm1d):
                self.net[i] = nn.LayerNorm(module.num_features)
        self.batch_norm = False

    def extra_repr(self) -> str:
        return super().extra_repr().replace("batch_norm=False", "layer_norm=True")
