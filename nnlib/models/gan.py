"""Torch models: a generative adversarial network, its two losses and its training loop (chapter 10).

A generator :math:`G` maps noise :math:`\\mathbf z \\sim p(\\mathbf z) = \\mathcal N(\\mathbf 0, I)` to
samples :math:`G(\\mathbf z)` with some distribution :math:`p_g`; a discriminator :math:`D(\\mathbf x)
\\in (0, 1)` estimates the probability that :math:`\\mathbf x` is a real example rather than a
generated one. The two play the minimax game of Goodfellow et al. (2014),

.. math::
    \\min_G \\max_D V(D, G), \\qquad
    V(D, G) = \\mathbb E_{p_{\\text{data}}}[\\log D(\\mathbf x)]
    + \\mathbb E_{p(\\mathbf z)}[\\log(1 - D(G(\\mathbf z)))] .

Chapter 10 derives :math:`V` from the cross-entropy of a real-versus-generated classifier, the
optimal discriminator :math:`D^* = p_{\\text{data}} / (p_{\\text{data}} + p_g)`
(:func:`optimal_discriminator`) and :math:`V(D^*, G) = -\\log 4 + 2\\,\\mathrm{JSD}(p_{\\text{data}}
\\,\\|\\, p_g)` (:func:`js_divergence`), which is smallest when :math:`p_g = p_{\\text{data}}`, where
:math:`D^* = \\tfrac12` everywhere. The discriminator here outputs *logits*
:math:`a = \\operatorname{logit} D`, and the losses use :math:`-\\log \\sigma(a) = \\operatorname{softplus}(-a)`
and :math:`-\\log(1 - \\sigma(a)) = \\operatorname{softplus}(a)`, which are exact for any logit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .._checks import as_float_array, check_choice, check_in_range, check_positive, check_positive_int
from .._random import torch_generator
from ._inputs import as_model_input, check_features, check_hidden_sizes, check_real_tensors
from .mlp import linear_stack

__all__ = ["GAN", "GENERATOR_LOSSES", "discriminator_loss", "generator_loss", "optimal_discriminator",
           "js_divergence", "train_gan"]

#: The generator losses :func:`generator_loss` accepts.
GENERATOR_LOSSES = ("non_saturating", "minimax")
#: The output layers :class:`GAN` accepts for its generator.
_OUTPUTS = ("linear", "sigmoid")


class GAN(nn.Module):
    """A generator and a discriminator, both fully connected (chapter 10).

    - ``generator``: :math:`\\mathbf z \\in \\mathbb R^{\\text{latent\\_size}}` → ReLU layers of widths
      ``hidden_sizes`` → ``out_features`` outputs, linear (``output="linear"``, for real-valued data)
      or squashed into (0, 1) by a sigmoid (``output="sigmoid"``, for pixels).
    - ``discriminator``: ``out_features`` inputs → LeakyReLU(0.2) layers of widths
      ``discriminator_hidden_sizes`` (default: ``hidden_sizes``) → one logit
      :math:`a(\\mathbf x)`, with :math:`D(\\mathbf x) = \\sigma(a(\\mathbf x))`.

    Parameters
    ----------
    latent_size : int
        Dimension of the noise :math:`\\mathbf z \\sim \\mathcal N(\\mathbf 0, I)`.
    out_features : int
        Dimension of a sample (2 for points in the plane, 64 for the 8x8 digits).
    hidden_sizes : sequence of int
        Hidden widths of the generator.
    discriminator_hidden_sizes : sequence of int or None
        Hidden widths of the discriminator; None uses ``hidden_sizes``.
    output : {"linear", "sigmoid"}
        The generator's output layer.

    Examples
    --------
    >>> gan = GAN(latent_size=2, out_features=2, hidden_sizes=(32, 32))
    >>> x = gan.sample(5)              # (5, 2): G(z) for z ~ N(0, I)
    >>> logits = gan.discriminate(x)   # (5,): logit D(x)
    """

    def __init__(self, latent_size: int = 2, out_features: int = 2, hidden_sizes: Sequence[int] = (64, 64), *,
                 discriminator_hidden_sizes: Sequence[int] | None = None, output: str = "linear"):
        super().__init__()
        self.latent_size = check_positive_int("latent_size", latent_size)
        self.out_features = check_positive_int("out_features", out_features)
        self.hidden_sizes = check_hidden_sizes("hidden_sizes", hidden_sizes)
        self.discriminator_hidden_sizes = (self.hidden_sizes if discriminator_hidden_sizes is None else
                                           check_hidden_sizes("discriminator_hidden_sizes", discriminator_hidden_sizes))
        self.output = check_choice("output", output, _OUTPUTS)
        g_layers = linear_stack([self.latent_size, *self.hidden_sizes, self.out_features], nn.ReLU)
        self.generator = nn.Sequential(*g_layers, *([nn.Sigmoid()] if self.output == "sigmoid" else []))
        self.discriminator = nn.Sequential(
            *linear_stack([self.out_features, *self.discriminator_hidden_sizes, 1], lambda: nn.LeakyReLU(0.2)))

    def _check(self, name: str, t: torch.Tensor, size: int) -> None:
        check_features(f"GAN(latent_size={self.latent_size}, out_features={self.out_features})", name, t, size)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """Generated samples :math:`G(\\mathbf z)`, shape (batch, out_features), for noise z (batch, latent_size)."""
        z = as_model_input(self, "z", z)
        self._check("z", z, self.latent_size)
        return self.generator(z)

    def discriminate(self, x: torch.Tensor) -> torch.Tensor:
        """The discriminator's logits :math:`a(\\mathbf x) = \\log \\frac{D(\\mathbf x)}{1 - D(\\mathbf x)}`, shape (batch,)."""
        x = as_model_input(self, "x", x)
        self._check("x", x, self.out_features)
        return self.discriminator(x).squeeze(-1)

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """``n`` samples :math:`G(\\mathbf z)`, :math:`\\mathbf z \\sim \\mathcal N(\\mathbf 0, I)`, without gradients."""
        dtype = next(self.parameters()).dtype
        z = torch.randn(check_positive_int("n", n), self.latent_size, generator=torch_generator(generator, "generator"),
                        dtype=dtype)
        return self.generator(z)

    def extra_repr(self) -> str:
        return (f"latent_size={self.latent_size}, out_features={self.out_features}, "
                f"hidden_sizes={self.hidden_sizes}, output={self.output!r}")


def _logits(op: str, name: str, t) -> torch.Tensor:
    check_real_tensors(op, **{name: t})
    if t.dim() != 1 or t.numel() == 0:
        raise ValueError(f"{op}: {name} must be a non-empty 1-D tensor of logits (one per example), "
                         f"got shape {tuple(t.shape)}")
    return t


def discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """The discriminator's loss: the cross-entropy of a real (label 1) versus generated (label 0) classifier.

    .. math::
        \\mathcal L_D = -\\frac1n \\sum_{i=1}^n \\log D(\\mathbf x_i)
        - \\frac1m \\sum_{j=1}^m \\log\\big(1 - D(G(\\mathbf z_j))\\big) = -\\hat V(D, G),

    computed from the logits as the mean of :math:`\\operatorname{softplus}(-a(\\mathbf x_i))` plus the
    mean of :math:`\\operatorname{softplus}(a(G(\\mathbf z_j)))` (chapter 10, "Generative adversarial
    networks"). Minimising it over D maximises the sample estimate of V.

    Parameters
    ----------
    real_logits : tensor (n,)
        Discriminator logits on real examples.
    fake_logits : tensor (m,)
        Discriminator logits on generated examples.
    """
    real_logits = _logits("discriminator_loss", "real_logits", real_logits)
    fake_logits = _logits("discriminator_loss", "fake_logits", fake_logits)
    return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()


def generator_loss(fake_logits: torch.Tensor, kind: str = "non_saturating") -> torch.Tensor:
    """The generator's loss on the discriminator's logits for generated samples (chapter 10).

    .. math::
        \\text{non\\_saturating:}\\quad \\mathcal L_G = -\\frac1m \\sum_j \\log D(G(\\mathbf z_j))
        = \\frac1m \\sum_j \\operatorname{softplus}(-a_j),

        \\text{minimax:}\\quad \\mathcal L_G = \\frac1m \\sum_j \\log\\big(1 - D(G(\\mathbf z_j))\\big)
        = -\\frac1m \\sum_j \\operatorname{softplus}(a_j).

    ``"minimax"`` is the generator's part of V itself; its derivative with respect to a logit is
    :math:`-D`, which vanishes when the discriminator rejects the samples (early in training).
    ``"non_saturating"`` has derivative :math:`-(1 - D)`, about −1 in that regime, and the same
    fixed point; it is the loss used in practice.

    Parameters
    ----------
    fake_logits : tensor (m,)
        Discriminator logits on generated examples.
    kind : {"non_saturating", "minimax"}
    """
    check_choice("kind", kind, GENERATOR_LOSSES)
    fake_logits = _logits("generator_loss", "fake_logits", fake_logits)
    if kind == "non_saturating":
        return F.softplus(-fake_logits).mean()
    return -F.softplus(fake_logits).mean()


def optimal_discriminator(p_data, p_model) -> np.ndarray:
    """The best discriminator for a fixed generator, pointwise (chapter 10).

    .. math::
        D^*(\\mathbf x) = \\frac{p_{\\text{data}}(\\mathbf x)}{p_{\\text{data}}(\\mathbf x) + p_g(\\mathbf x)},

    the maximiser of :math:`p_{\\text{data}} \\log D + p_g \\log(1 - D)` at every point.

    Parameters
    ----------
    p_data, p_model : arrays of the same shape
        The two densities (or probabilities) at the same points; non-negative, and not both
        zero at any point (there :math:`D^*` is undefined).

    Returns
    -------
    ndarray
        :math:`D^*` at each point, in [0, 1].
    """
    p_data, p_model = as_float_array("p_data", p_data), as_float_array("p_model", p_model)
    if p_data.shape != p_model.shape:
        raise ValueError(f"optimal_discriminator: p_data has shape {p_data.shape} but p_model has shape "
                         f"{p_model.shape}; they must be equal")
    for name, p in (("p_data", p_data), ("p_model", p_model)):
        if not np.all(p >= 0):  # also refuses NaN
            raise ValueError(f"{name} must be non-negative densities (no NaN), got a minimum of {np.nanmin(p)!r}")
    total = p_data + p_model
    if not np.all(total > 0):
        raise ValueError("optimal_discriminator: p_data + p_model must be > 0 at every point (D* is undefined "
                         "where both densities vanish)")
    return p_data / total


def js_divergence(p, q) -> float:
    """Jensen–Shannon divergence of two discrete distributions, in nats (chapter 10).

    .. math::
        \\mathrm{JSD}(p \\,\\|\\, q) = \\tfrac12 \\mathrm{KL}(p \\,\\|\\, m) + \\tfrac12 \\mathrm{KL}(q \\,\\|\\, m),
        \\qquad m = \\tfrac12 (p + q),

    with :math:`0 \\le \\mathrm{JSD} \\le \\log 2`; 0 exactly when p = q, :math:`\\log 2` when their
    supports are disjoint. For densities, pass probabilities of grid cells (density times cell size).

    Parameters
    ----------
    p, q : arrays of the same shape
        Non-negative, each summing to 1 (within 1e-6).
    """
    p, q = as_float_array("p", p), as_float_array("q", q)
    if p.shape != q.shape or p.size == 0:
        raise ValueError(f"js_divergence: p and q must be non-empty and of the same shape, got {p.shape} and {q.shape}")
    for name, v in (("p", p), ("q", q)):
        if not np.all(v >= 0):
            raise ValueError(f"{name} must be non-negative probabilities (no NaN), got a minimum of {np.nanmin(v)!r}")
        if not abs(v.sum() - 1) <= 1e-6:
            raise ValueError(f"{name} must sum to 1 (probabilities), got a sum of {v.sum():.6g}")
    m = 0.5 * (p + q)
    kl = lambda a: float(np.sum(a[a > 0] * np.log(a[a > 0] / m[a > 0])))  # noqa: E731
    return 0.5 * kl(p) + 0.5 * kl(q)


def train_gan(model: GAN, data, steps: int, *, batch_size: int = 128, lr: float = 1e-3,
              betas: tuple[float, float] = (0.5, 0.999), loss: str = "non_saturating", rng=None) -> dict:
    """Train a :class:`GAN` by alternating gradient steps on the discriminator and the generator.

    Each of the ``steps`` iterations (chapter 10, "Training by alternating updates"):

    1. draws a mini-batch of ``batch_size`` real examples (uniformly, with replacement) and as many
       samples :math:`G(\\mathbf z)`, and takes one Adam step on :func:`discriminator_loss`
       (the generator is held fixed: its samples are detached);
    2. draws fresh noise and takes one Adam step on :func:`generator_loss` of kind ``loss``
       for the generator's parameters (the discriminator is held fixed).

    Parameters
    ----------
    model : GAN
    data : tensor or array (n, out_features)
        The real examples.
    steps : int
        Number of alternating iterations.
    batch_size : int
    lr : float
        Adam's learning rate, the same for both players.
    betas : pair of floats in [0, 1)
        Adam's decay rates; a small first one (0.5) damps the oscillations of the game.
    loss : {"non_saturating", "minimax"}
        The generator's loss.
    rng : int, torch.Generator or None
        Seed of the mini-batches and the noise (None: torch's global stream).

    Returns
    -------
    dict of ndarrays of shape (steps,)
        ``"d_loss"``, ``"g_loss"`` (the losses before each update), ``"d_real"`` and ``"d_fake"``
        (the mean of :math:`D` on the real and on the generated batch of the discriminator step).
    """
    if not isinstance(model, GAN):
        raise TypeError(f"model must be a nnlib.models.GAN, got {type(model).__name__}")
    x = as_model_input(model, "data", data)
    if x.dim() != 2 or x.shape[1] != model.out_features or x.shape[0] == 0:
        raise ValueError(f"data must have shape (n, {model.out_features}) with n >= 1, got shape {tuple(x.shape)}")
    steps = check_positive_int("steps", steps)
    batch_size = check_positive_int("batch_size", batch_size)
    lr = check_positive("lr", lr)
    if isinstance(betas, (str, bytes)) or not hasattr(betas, "__len__") or len(betas) != 2:
        raise ValueError(f"betas must be a pair of numbers in [0, 1), got {betas!r}")
    betas = tuple(check_in_range(f"betas[{i}]", b, 0, 1) for i, b in enumerate(betas))
    check_choice("loss", loss, GENERATOR_LOSSES)
    gen = torch_generator(rng)
    opt_d = torch.optim.Adam(model.discriminator.parameters(), lr=lr, betas=betas)
    opt_g = torch.optim.Adam(model.generator.parameters(), lr=lr, betas=betas)
    record = np.zeros((4, steps))
    for t in range(steps):
        real = x[torch.randint(len(x), (batch_size,), generator=gen)]
        z = torch.randn(batch_size, model.latent_size, generator=gen, dtype=x.dtype)
        with torch.no_grad():
            fake = model.generator(z)
        real_logits, fake_logits = model.discriminator(real).squeeze(-1), model.discriminator(fake).squeeze(-1)
        d_loss = discriminator_loss(real_logits, fake_logits)
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        z = torch.randn(batch_size, model.latent_size, generator=gen, dtype=x.dtype)
        g_loss = generator_loss(model.discriminator(model.generator(z)).squeeze(-1), loss)
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        with torch.no_grad():
            record[:, t] = (d_loss.item(), g_loss.item(), torch.sigmoid(real_logits).mean().item(),
                            torch.sigmoid(fake_logits).mean().item())
    return dict(zip(("d_loss", "g_loss", "d_real", "d_fake"), record))
