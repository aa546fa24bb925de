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

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .._checks import (as_float_array, check_budget, check_choice, check_finite, check_flag, check_in_range,
                       check_non_negative, check_positive, check_positive_int, check_sizes)
from .._random import as_generator, torch_generator
from ._inputs import as_model_input, check_features

__all__ = ["Autoencoder", "digits_autoencoder", "corrupt", "CorruptedPairs", "contractive_penalty",
           "kl_sparsity", "kl_sparsity_grad", "principal_angles", "train_linear_autoencoder"]

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
        check_features(f"Autoencoder{tuple(self.sizes)}", name, x, size)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """The code :math:`\\mathbf h_L = f(\\mathbf x)` of a batch ``x`` of shape (batch, sizes[0])."""
        x = as_model_input(self, "x", x)
        self._check_input("encode: input x", x, self.sizes[0])
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
        if isinstance(l, bool) or not isinstance(l, (int, np.integer)) or not 0 <= l < len(self.encoder):
            raise ValueError(f"l must be a layer index in [0, {len(self.encoder) - 1}], got {l!r}")
        return self.encoder[l].weight.t() if self.tied else self.decoder[l].weight

    def decode(self, h: torch.Tensor) -> torch.Tensor:
        """The reconstruction :math:`g(\\mathbf h)` of a batch of codes ``h`` of shape (batch, code_size)."""
        h = as_model_input(self, "h", h)
        self._check_input("decode: input h", h, self.code_size)
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


# --------------------------------------------------------------------------- regularised autoencoders
# Denoising, contractive and sparse autoencoders, and the linear autoencoder's link to PCA
# (chapter 07, "Beyond the bottleneck" and "Linear autoencoders find the principal subspace").

#: Corruption processes accepted by :func:`corrupt`.
CORRUPTIONS = ("gaussian", "mask")


def _as_tensor(name: str, x) -> torch.Tensor:
    if isinstance(x, torch.Tensor):
        if not x.is_floating_point():
            raise TypeError(f"{name} must be a real floating tensor, got dtype {x.dtype}")
        return x
    return torch.as_tensor(as_float_array(name, x), dtype=torch.get_default_dtype())


def corrupt(x, kind: str = "gaussian", level: float = 0.1, *, rng=None) -> torch.Tensor:
    """A corrupted copy :math:`\\tilde{\\mathbf x} \\sim q(\\tilde{\\mathbf x} \\mid \\mathbf x)` of a batch.

    ``"gaussian"``: :math:`\\tilde{\\mathbf x} = \\mathbf x + \\sigma\\boldsymbol\\varepsilon`,
    :math:`\\boldsymbol\\varepsilon \\sim \\mathcal N(0, I)`, with :math:`\\sigma` = ``level``;
    ``"mask"``: every entry is set to 0 independently with probability ``level``. A denoising
    autoencoder is trained to map :math:`\\tilde{\\mathbf x}` back to the clean
    :math:`\\mathbf x` (chapter 07, equation ``eq-07-dae``).

    Parameters
    ----------
    x : tensor or array
        The clean batch (any shape).
    kind : str
        One of ``CORRUPTIONS``.
    level : float
        Noise standard deviation (``"gaussian"``, >= 0) or masking probability (``"mask"``, in [0, 1]).
    rng : int, torch.Generator or None
        Randomness (see ``nnlib.torch_generator``); None uses torch's global stream.
    """
    x = _as_tensor("x", x)
    kind = check_choice("kind", kind, CORRUPTIONS)
    level = (check_non_negative("level", level) if kind == "gaussian"
             else check_in_range("level", level, 0, 1, high_inclusive=True))
    generator = torch_generator(rng)
    if kind == "gaussian":
        return x + level * torch.randn(x.shape, generator=generator, dtype=x.dtype)
    return x * (torch.rand(x.shape, generator=generator, dtype=x.dtype) >= level)


class CorruptedPairs(torch.utils.data.Dataset):
    """Pairs :math:`(\\tilde{\\mathbf x}, \\mathbf x)`, corrupted anew each time an item is read.

    Give it to :func:`nnlib.train.fit` as ``train_data`` to train a denoising autoencoder:
    every epoch sees a fresh draw of :func:`corrupt` (torch's global stream, which
    ``nnlib.seed`` sets). Chapter 07.

    Parameters
    ----------
    X : tensor or array of shape (N, n)
        The clean examples.
    kind, level : see :func:`corrupt`
    """

    def __init__(self, X, kind: str = "gaussian", level: float = 0.1):
        corrupt(torch.zeros(1), kind, level)  # checks kind and level once
        X = _as_tensor("X", X)
        if X.dim() != 2:
            raise ValueError(f"X must have shape (N, n), got shape {tuple(X.shape)}")
        self.X, self.kind, self.level = X, kind, level

    def __len__(self) -> int:
        return len(self.X)

    def __getitem__(self, i):
        x = self.X[i]
        return corrupt(x, self.kind, self.level), x

    def __getitems__(self, indices):
        # Batched read (torch's DataLoader uses it when present): one noise draw per batch.
        x = self.X[torch.as_tensor(indices)]
        return list(zip(corrupt(x, self.kind, self.level), x))


_DERIVATIVES = {"sigmoid": lambda h: h * (1 - h), "tanh": lambda h: 1 - h ** 2}


def contractive_penalty(layer: nn.Linear, x, activation: str = "sigmoid") -> torch.Tensor:
    """Squared Frobenius norm of the encoder Jacobian, :math:`\\|J_f(\\mathbf x)\\|_F^2`, per example.

    For one layer :math:`\\mathbf h = \\varphi(W\\mathbf x + \\mathbf b)` the Jacobian is
    :math:`J = \\operatorname{diag}(\\varphi'(\\mathbf a))\\,W`, so

    .. math::
        \\|J\\|_F^2 = \\sum_j \\varphi'(a_j)^2 \\sum_i W_{ji}^2, \\qquad
        \\varphi' = h_j(1-h_j) \\text{ (sigmoid)}, \\quad 1-h_j^2 \\text{ (tanh)}

    (chapter 07, equation ``eq-07-cae-closed``). Differentiable, so it can be added to a loss
    (the contractive autoencoder of Rifai et al., 2011).

    Parameters
    ----------
    layer : torch.nn.Linear
        The encoder layer (weight :math:`W` of shape (k, n), bias :math:`\\mathbf b`).
    x : tensor or array of shape (batch, n)
    activation : {"sigmoid", "tanh"}

    Returns
    -------
    tensor of shape (batch,)
    """
    if not isinstance(layer, nn.Linear):
        raise TypeError(f"layer must be a torch.nn.Linear, got {type(layer).__name__}")
    activation = check_choice("activation", activation, tuple(_DERIVATIVES))
    x = _as_tensor("x", x).to(layer.weight.dtype)
    if x.dim() != 2 or x.shape[1] != layer.in_features:
        raise ValueError(f"x must have shape (batch, {layer.in_features}), got shape {tuple(x.shape)}")
    h = ACTIVATIONS[activation](layer(x))
    return (_DERIVATIVES[activation](h) ** 2) @ (layer.weight ** 2).sum(1)


def _check_code(h, rho: float):
    h = _as_tensor("h", h)
    if h.dim() != 2:
        raise ValueError(f"h must have shape (batch, k), got shape {tuple(h.shape)}")
    rho = check_in_range("rho", rho, 0, 1, low_inclusive=False)
    return h, rho


def kl_sparsity(h, rho: float = 0.05) -> torch.Tensor:
    """Sparsity penalty :math:`\\sum_j \\mathrm{KL}(\\rho \\,\\|\\, \\hat\\rho_j)` on the mean code activations.

    .. math::
        \\hat\\rho_j = \\frac1N \\sum_{p=1}^N h_j^{(p)}, \\qquad
        \\mathrm{KL}(\\rho\\,\\|\\,\\hat\\rho_j) = \\rho \\ln\\frac{\\rho}{\\hat\\rho_j}
        + (1-\\rho) \\ln\\frac{1-\\rho}{1-\\hat\\rho_j}

    for code units with values in (0, 1) (sigmoid); chapter 07, equation ``eq-07-kl-sparse``.
    Its gradient is :func:`kl_sparsity_grad`.

    Parameters
    ----------
    h : tensor of shape (batch, k)
        Codes of a batch, entries in (0, 1).
    rho : float in (0, 1)
        Target mean activation.
    """
    h, rho = _check_code(h, rho)
    rho_hat = h.mean(0)
    return (rho * torch.log(rho / rho_hat) + (1 - rho) * torch.log((1 - rho) / (1 - rho_hat))).sum()


def kl_sparsity_grad(h, rho: float = 0.05) -> torch.Tensor:
    """Gradient of :func:`kl_sparsity` with respect to every code entry :math:`h_j^{(p)}`.

    .. math::
        \\frac{\\partial}{\\partial h_j^{(p)}} \\sum_i \\mathrm{KL}(\\rho\\,\\|\\,\\hat\\rho_i)
        = \\frac1N \\Big(-\\frac{\\rho}{\\hat\\rho_j} + \\frac{1-\\rho}{1-\\hat\\rho_j}\\Big)

    (chapter 07, equation ``eq-07-kl-grad``): the same for every example, because
    :math:`\\hat\\rho_j` is an average. Returns a tensor of the shape of ``h``.
    """
    h, rho = _check_code(h, rho)
    rho_hat = h.mean(0)
    return ((-rho / rho_hat + (1 - rho) / (1 - rho_hat)) / len(h)).expand_as(h).clone()


def principal_angles(A, B) -> np.ndarray:
    """Principal angles (radians, ascending) between the column spaces of ``A`` and ``B``.

    With orthonormal bases :math:`Q_A, Q_B` (QR), the cosines of the angles are the singular
    values of :math:`Q_A^\\top Q_B` and their sines those of :math:`Q_B - Q_A Q_A^\\top Q_B`;
    the angles are computed from both (``arctan2``), which keeps small angles accurate
    (chapter 07, equation ``eq-07-angles``).

    Parameters
    ----------
    A, B : arrays of shape (n, p) and (n, q), full column rank, p, q <= n
    """
    A, B = check_finite("A", A), check_finite("B", B)
    if A.ndim != 2 or B.ndim != 2 or A.shape[0] != B.shape[0]:
        raise ValueError("A and B must be matrices with the same number of rows, "
                         f"got shapes {A.shape} and {B.shape}")
    if A.shape[1] > A.shape[0] or B.shape[1] > B.shape[0] or 0 in A.shape or 0 in B.shape:
        raise ValueError(f"A and B need 1 <= columns <= rows, got shapes {A.shape} and {B.shape}")
    if A.shape[1] < B.shape[1]:
        A, B = B, A
    QA, QB = np.linalg.qr(A)[0], np.linalg.qr(B)[0]
    cos = np.linalg.svd(QA.T @ QB, compute_uv=False)                      # descending
    sin = np.sort(np.linalg.svd(QB - QA @ (QA.T @ QB), compute_uv=False))  # ascending
    return np.arctan2(sin[:len(cos)], cos)


def train_linear_autoencoder(X, code_size: int, *, steps: int = 3000, lr: float | None = None,
                             init_scale: float = 0.1, rng=None):
    """Full-batch gradient descent on a linear autoencoder :math:`\\hat{\\mathbf x} = M W \\mathbf x`.

    The data are centred; with :math:`C = X^\\top X / N` and :math:`P = MW` the loss (mean over
    examples of the squared error) and its gradients are

    .. math::
        L = \\operatorname{tr}\\big((I-P)\\,C\\,(I-P)^\\top\\big),

        \\frac{\\partial L}{\\partial M} = -2\\,(I-P)\\,C\\,W^\\top, \\quad
        \\frac{\\partial L}{\\partial W} = -2\\,M^\\top (I-P)\\,C

    (chapter 07, equation ``eq-07-linear-grads``). Numpy, float64.

    Parameters
    ----------
    X : array of shape (N, n)
    code_size : int
        :math:`k`, at most ``n``.
    steps : int
        Number of gradient steps.
    lr : float or None
        Step size; None means :math:`0.4/\\lambda_{\\max}(C)`.
    init_scale : float
        Standard deviation of the Gaussian initial weights.
    rng : Generator, int or None (see ``nnlib.as_generator``)

    Returns
    -------
    W : (k, n) array, M : (n, k) array, losses : (steps,) array (loss before each step)
    """
    X = check_finite("X", X)
    if X.ndim != 2:
        raise ValueError(f"X must have shape (N, n), got shape {X.shape}")
    n = X.shape[1]
    k = check_positive_int("code_size", code_size)
    if k > n:
        raise ValueError(f"code_size must be <= the number of features {n}, got {k}")
    steps = check_budget("steps", check_positive_int("steps", steps))
    init_scale = check_positive("init_scale", init_scale)
    Xc = X - X.mean(0)
    C = Xc.T @ Xc / len(Xc)
    lr = 0.4 / max(np.linalg.eigvalsh(C)[-1], 1e-300) if lr is None else check_positive("lr", lr)
    generator = as_generator(rng)
    W = init_scale * generator.standard_normal((k, n))
    M = init_scale * generator.standard_normal((n, k))
    losses = np.empty(steps)
    eye = np.eye(n)
    for s in range(steps):
        R = eye - M @ W
        RC = R @ C
        losses[s] = np.trace(RC @ R.T)
        M, W = M + 2 * lr * RC @ W.T, W + 2 * lr * M.T @ RC
    return W, M, losses
