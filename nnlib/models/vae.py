"""Torch models: the variational autoencoder and its loss, the negative ELBO (chapter 10).

A VAE is a latent-variable model :math:`p_\\theta(\\mathbf x) = \\int p_\\theta(\\mathbf x \\mid
\\mathbf z)\\, p(\\mathbf z)\\, d\\mathbf z` with prior :math:`p(\\mathbf z) = \\mathcal N(\\mathbf 0, I)`,
trained together with an *encoder* :math:`q_\\phi(\\mathbf z \\mid \\mathbf x) = \\mathcal N(\\boldsymbol
\\mu_\\phi(\\mathbf x), \\operatorname{diag} \\boldsymbol\\sigma^2_\\phi(\\mathbf x))` by maximising the
evidence lower bound

.. math::
    \\mathcal L(\\mathbf x) = \\mathbb E_{q_\\phi(\\mathbf z \\mid \\mathbf x)}
    \\big[\\log p_\\theta(\\mathbf x \\mid \\mathbf z)\\big]
    - \\mathrm{KL}\\big(q_\\phi(\\mathbf z \\mid \\mathbf x) \\,\\|\\, \\mathcal N(\\mathbf 0, I)\\big)
    \\le \\log p_\\theta(\\mathbf x).

Chapter 10 derives the bound, the closed-form KL term (:func:`gaussian_kl`) and the
reparameterisation :math:`\\mathbf z = \\boldsymbol\\mu + \\boldsymbol\\sigma \\odot \\boldsymbol
\\varepsilon` (:meth:`VAE.reparameterize`). All quantities are in nats and per example
(summed over pixels and latent dimensions, not averaged).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .._checks import (as_float_array, check_choice, check_non_negative,
                       check_positive, check_positive_int)
from ._inputs import as_model_input, check_features, check_hidden_sizes, check_real_tensors
from .mlp import linear_stack

__all__ = [
    "VAE",
    "ELBOTerms",
    "LIKELIHOODS",
    "gaussian_kl",
    "gaussian_kl_mc",
    "log_normal_diag",
    "reconstruction_nll",
    "elbo_loss",
    "importance_log_likelihood",
    "kl_per_dimension",
    "aggregate_posterior_moments",
    "gaussian_fit_kl",
]

#: Decoder likelihoods :math:`p_\theta(\mathbf x \mid \mathbf z)` accepted by :class:`VAE`.
LIKELIHOODS = ("bernoulli", "gaussian")

_LOG_2PI = math.log(2 * math.pi)


def _check_same_shape(op: str, a, b, name_a: str = "mu", name_b: str = "logvar") -> None:
    if tuple(a.shape) != tuple(b.shape):
        raise ValueError(f"{op}: {name_a} has shape {tuple(a.shape)} but {name_b} has shape {tuple(b.shape)}; "
                         "they must be equal")


def gaussian_kl(mu, logvar):
    """Closed-form :math:`\\mathrm{KL}(\\mathcal N(\\boldsymbol\\mu, \\operatorname{diag}\\boldsymbol\\sigma^2)
    \\,\\|\\, \\mathcal N(\\mathbf 0, I))` per example.

    .. math::
        \\mathrm{KL} = \\tfrac12 \\sum_{j=1}^d \\big(\\sigma_j^2 + \\mu_j^2 - 1 - \\log \\sigma_j^2\\big),
        \\qquad \\log \\sigma_j^2 = \\texttt{logvar}_j .

    Derived in chapter 10 ("The KL term in closed form"). Works on torch tensors
    (differentiable) and on numpy arrays.

    Parameters
    ----------
    mu, logvar : tensor or array of shape (..., d)
        Means and log-variances of the diagonal Gaussian; the last axis is the latent one.

    Returns
    -------
    tensor or array of shape (...)
        One KL divergence (in nats) per example; 0 exactly when ``mu = 0`` and ``logvar = 0``.
    """
    if isinstance(mu, torch.Tensor) and isinstance(logvar, torch.Tensor):
        check_real_tensors("gaussian_kl", mu=mu, logvar=logvar)
    else:  # numpy arrays (or lists): converted strictly
        mu, logvar = as_float_array("mu", mu), as_float_array("logvar", logvar)
    _check_same_shape("gaussian_kl", mu, logvar)
    expm1 = torch.expm1 if isinstance(logvar, torch.Tensor) else np.expm1
    # expm1(v) - v = e^v - 1 - v without the cancellation of 1 - 1 for tiny v
    return 0.5 * (expm1(logvar) - logvar + mu ** 2).sum(-1)


def log_normal_diag(z, mu, logvar):
    """Log density of a diagonal Gaussian, summed over the last axis.

    .. math::
        \\log \\mathcal N(\\mathbf z; \\boldsymbol\\mu, \\operatorname{diag}\\boldsymbol\\sigma^2)
        = -\\tfrac12 \\sum_j \\Big(\\log 2\\pi + \\log\\sigma_j^2 + \\frac{(z_j - \\mu_j)^2}{\\sigma_j^2}\\Big).

    ``z``, ``mu`` and ``logvar`` are torch tensors that broadcast against each other
    (e.g. ``z`` of shape (K, n, d) with ``mu`` of shape (n, d)); pass ``mu = 0``,
    ``logvar = 0`` tensors for the standard-normal prior.
    """
    check_real_tensors("log_normal_diag", z=z, mu=mu, logvar=logvar)
    try:
        torch.broadcast_shapes(z.shape, mu.shape, logvar.shape)
    except RuntimeError:
        raise ValueError(f"log_normal_diag: z {tuple(z.shape)}, mu {tuple(mu.shape)} and logvar "
                         f"{tuple(logvar.shape)} must broadcast against each other") from None
    return -0.5 * (_LOG_2PI + logvar + (z - mu) ** 2 * torch.exp(-logvar)).sum(-1)


def gaussian_kl_mc(mu, logvar, n_samples: int = 1000, generator: torch.Generator | None = None):
    """Monte Carlo estimate of :func:`gaussian_kl` and its standard error.

    Draws :math:`\\mathbf z_k = \\boldsymbol\\mu + \\boldsymbol\\sigma \\odot \\boldsymbol\\varepsilon_k`,
    :math:`k = 1..K`, and averages :math:`\\log q(\\mathbf z_k) - \\log p(\\mathbf z_k)`, which is the
    definition :math:`\\mathrm{KL}(q\\,\\|\\,p) = \\mathbb E_q[\\log q(\\mathbf z) - \\log p(\\mathbf z)]`
    (chapter 10). Used to check the closed form.

    Returns
    -------
    (estimate, standard_error) : two tensors of shape ``mu.shape[:-1]``
    """
    n_samples = check_positive_int("n_samples", n_samples)
    mu, logvar = (t if isinstance(t, torch.Tensor) else torch.as_tensor(as_float_array(name, t))
                  for name, t in (("mu", mu), ("logvar", logvar)))
    check_real_tensors("gaussian_kl_mc", mu=mu, logvar=logvar)
    _check_same_shape("gaussian_kl_mc", mu, logvar)
    eps = torch.randn((n_samples, *mu.shape), generator=generator, dtype=mu.dtype)
    z = mu + torch.exp(0.5 * logvar) * eps
    zeros = torch.zeros_like(mu)
    log_ratio = log_normal_diag(z, mu, logvar) - log_normal_diag(z, zeros, zeros)
    std_err = log_ratio.std(0) / math.sqrt(n_samples) if n_samples > 1 else torch.full_like(log_ratio[0], math.inf)
    return log_ratio.mean(0), std_err


def reconstruction_nll(x: torch.Tensor, decoded: torch.Tensor, likelihood: str = "bernoulli",
                       obs_std: float = 1.0) -> torch.Tensor:
    """:math:`-\\log p_\\theta(\\mathbf x \\mid \\mathbf z)` per example, summed over the features.

    - ``"bernoulli"``: ``decoded`` are logits :math:`\\ell_i`, pixel probabilities
      :math:`\\hat x_i = \\operatorname{sigmoid}(\\ell_i)`, and
      :math:`-\\log p = -\\sum_i \\big[x_i \\log \\hat x_i + (1 - x_i) \\log(1 - \\hat x_i)\\big]`
      (the binary cross-entropy, computed stably from the logits). For grey values
      :math:`x_i \\in (0, 1)` this is a cross-entropy, not a normalised likelihood.
    - ``"gaussian"``: ``decoded`` are means :math:`\\hat{\\mathbf x}` and the noise has fixed standard
      deviation ``obs_std`` :math:`= s`:
      :math:`-\\log p = \\frac{\\|\\mathbf x - \\hat{\\mathbf x}\\|^2}{2 s^2} + \\frac D2 \\log(2\\pi s^2)`.

    ``x`` has shape (n, D); ``decoded`` has shape (n, D) or (K, n, D) (K samples of z).
    """
    check_choice("likelihood", likelihood, LIKELIHOODS)
    check_real_tensors("reconstruction_nll", x=x, decoded=decoded)
    if tuple(decoded.shape[-2:]) != tuple(x.shape) or x.dim() != 2:
        raise ValueError(f"reconstruction_nll: decoded has shape {tuple(decoded.shape)} but x has shape "
                         f"{tuple(x.shape)}; expected x of shape (n, D) and decoded (n, D) or (K, n, D)")
    if likelihood == "bernoulli":
        if bool(((x < 0) | (x > 1)).any()):
            raise ValueError("reconstruction_nll: a Bernoulli decoder needs data x in [0, 1], got values in "
                             f"[{x.min().item():.4g}, {x.max().item():.4g}]; use likelihood='gaussian'")
        target = x.expand_as(decoded)
        return F.binary_cross_entropy_with_logits(decoded, target, reduction="none").sum(-1)
    s = check_positive("obs_std", obs_std)
    d = x.shape[-1]
    return ((x - decoded) ** 2).sum(-1) / (2 * s * s) + 0.5 * d * math.log(2 * math.pi * s * s)


class ELBOTerms(NamedTuple):
    """The terms of the (β-weighted) negative ELBO, each averaged over the batch (nats per example).

    ``loss = reconstruction + beta * kl`` is what gradient descent minimises; with
    ``beta = 1`` it is the negative ELBO, an upper bound on :math:`-\\log p_\\theta(\\mathbf x)`.
    """

    loss: torch.Tensor
    reconstruction: torch.Tensor
    kl: torch.Tensor


def elbo_loss(x: torch.Tensor, decoded: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor,
              beta: float = 1.0, *, likelihood: str = "bernoulli", obs_std: float = 1.0) -> ELBOTerms:
    """β-weighted negative ELBO of a batch, with its two terms returned separately.

    .. math::
        \\text{loss} = \\frac1n \\sum_{i=1}^n \\ell_i,

        \\ell_i = -\\log p_\\theta(\\mathbf x_i \\mid \\mathbf z_i)
        + \\beta\\, \\mathrm{KL}\\big(q_\\phi(\\mathbf z \\mid \\mathbf x_i) \\,\\|\\, \\mathcal N(\\mathbf 0, I)\\big),

        \\mathbf z_i \\sim q_\\phi(\\mathbf z \\mid \\mathbf x_i),

    the one-sample estimate of the reconstruction term plus the closed-form KL
    (chapter 10; β > 1 is the β-VAE of Higgins et al. 2017, β = 1 the VAE).

    Parameters
    ----------
    x : tensor (n, D)
        The batch.
    decoded : tensor (n, D) or (K, n, D)
        Decoder output for sampled codes (logits or means, see :func:`reconstruction_nll`);
        with K samples the reconstruction term is averaged over them.
    mu, logvar : tensors (n, d)
        Encoder output.
    beta : float >= 0
        Weight of the KL term.
    """
    beta = check_non_negative("beta", beta)
    check_real_tensors("elbo_loss", x=x, decoded=decoded, mu=mu, logvar=logvar)
    _check_same_shape("elbo_loss", mu, logvar)
    if mu.dim() != 2 or mu.shape[0] != x.shape[0]:
        raise ValueError(f"elbo_loss: mu has shape {tuple(mu.shape)} but x has shape {tuple(x.shape)}; "
                         "expected mu of shape (n, d) for x of shape (n, D)")
    rec = reconstruction_nll(x, decoded, likelihood, obs_std)
    if rec.dim() == 2:  # K samples per example
        rec = rec.mean(0)
    rec, kl = rec.mean(), gaussian_kl(mu, logvar).mean()
    return ELBOTerms(rec + beta * kl, rec, kl)


class VAE(nn.Module):
    """A fully connected variational autoencoder with a Gaussian encoder and prior N(0, I).

    Encoder: :math:`\\mathbf h = \\mathrm{relu}(\\dots \\mathrm{relu}(W_1 \\mathbf x + \\mathbf b_1))`,
    then two linear heads :math:`\\boldsymbol\\mu = W_\\mu \\mathbf h + \\mathbf b_\\mu` and
    :math:`\\log \\boldsymbol\\sigma^2 = W_v \\mathbf h + \\mathbf b_v` (the log-variance is unconstrained,
    so :math:`\\sigma^2 = e^{\\log\\sigma^2} > 0` always). Decoder: the mirror image,
    :math:`\\mathbf z \\to` hidden layers (reversed) :math:`\\to` ``in_features`` outputs, read as

    - ``likelihood="bernoulli"`` (default, for pixels in [0, 1]): logits of independent
      Bernoulli pixels; :meth:`reconstruct` and :meth:`sample` return the probabilities
      ``sigmoid(logits)``;
    - ``likelihood="gaussian"``: the means of independent Gaussians of fixed standard
      deviation ``obs_std`` (the reconstruction term is then a scaled squared error).

    Derived in chapter 10. ``forward`` always *samples* the code (in training and in
    evaluation mode alike), because the ELBO is an expectation over :math:`q_\\phi`;
    :meth:`reconstruct` decodes the mean code deterministically.

    Parameters
    ----------
    in_features : int
        Number of input features (64 for the 8x8 digits).
    hidden_sizes : sequence of int
        Hidden-layer widths of the encoder (the decoder uses them in reverse).
    latent_size : int
        Dimension d of the latent code, at least 1.
    likelihood : {"bernoulli", "gaussian"}
    obs_std : float
        Observation noise standard deviation of the Gaussian decoder (unused for Bernoulli).

    Examples
    --------
    >>> vae = VAE(64, (128,), 2)
    >>> x = torch.rand(5, 64)
    >>> logits, mu, logvar = vae(x)        # shapes (5, 64), (5, 2), (5, 2)
    >>> terms = vae.loss(x, beta=1.0)      # ELBOTerms(loss, reconstruction, kl)
    """

    def __init__(self, in_features: int = 64, hidden_sizes: Sequence[int] = (128,), latent_size: int = 2, *,
                 likelihood: str = "bernoulli", obs_std: float = 1.0):
        super().__init__()
        self.in_features = check_positive_int("in_features", in_features)
        self.latent_size = check_positive_int("latent_size", latent_size)
        self.hidden_sizes = check_hidden_sizes("hidden_sizes", hidden_sizes)
        self.likelihood = check_choice("likelihood", likelihood, LIKELIHOODS)
        self.obs_std = check_positive("obs_std", obs_std)
        enc_sizes = [self.in_features, *self.hidden_sizes]
        self.encoder = nn.Sequential(*linear_stack(enc_sizes, nn.ReLU, last_activation=True))
        self.mu_head = nn.Linear(enc_sizes[-1], self.latent_size)
        self.logvar_head = nn.Linear(enc_sizes[-1], self.latent_size)
        self.decoder = nn.Sequential(*linear_stack([self.latent_size, *reversed(self.hidden_sizes), self.in_features],
                                                   nn.ReLU))

    def _check(self, name: str, t: torch.Tensor, size: int) -> None:
        check_features(f"VAE(in_features={self.in_features}, latent_size={self.latent_size})", name, t, size)

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The parameters ``(mu, logvar)`` of :math:`q_\\phi(\\mathbf z \\mid \\mathbf x)`, each (batch, latent_size)."""
        x = as_model_input(self, "x", x)
        self._check("encode: input x", x, self.in_features)
        h = self.encoder(x)
        return self.mu_head(h), self.logvar_head(h)

    @staticmethod
    def reparameterize(mu: torch.Tensor, logvar: torch.Tensor, n_samples: int | None = None,
                       generator: torch.Generator | None = None) -> torch.Tensor:
        """A sample :math:`\\mathbf z = \\boldsymbol\\mu + \\boldsymbol\\sigma \\odot \\boldsymbol\\varepsilon`,
        :math:`\\boldsymbol\\varepsilon \\sim \\mathcal N(\\mathbf 0, I)`, :math:`\\boldsymbol\\sigma = e^{\\log\\sigma^2 / 2}`.

        The randomness sits in :math:`\\boldsymbol\\varepsilon`, which does not depend on the
        parameters, so gradients flow to ``mu`` and ``logvar`` (chapter 10, "The
        reparameterisation trick"). With ``n_samples=K`` returns shape ``(K, *mu.shape)``.
        """
        check_real_tensors("reparameterize", mu=mu, logvar=logvar)
        _check_same_shape("reparameterize", mu, logvar)
        shape = mu.shape if n_samples is None else (check_positive_int("n_samples", n_samples), *mu.shape)
        eps = torch.randn(shape, generator=generator, dtype=mu.dtype, device=mu.device)
        return mu + torch.exp(0.5 * logvar) * eps

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Decoder output for codes ``z`` of shape (..., latent_size): logits (Bernoulli) or means (Gaussian)."""
        z = as_model_input(self, "z", z)
        check_features(f"VAE(in_features={self.in_features}, latent_size={self.latent_size})", "decode input z", z,
                       self.latent_size, batched=False)
        return self.decoder(z)

    def mean_image(self, decoded: torch.Tensor) -> torch.Tensor:
        """Turn decoder output into the expected pixel values (``sigmoid`` of logits for Bernoulli)."""
        check_real_tensors("mean_image", decoded=decoded)
        if decoded.shape[-1] != self.in_features:
            raise ValueError(f"mean_image: decoded must have shape (..., {self.in_features}), got {tuple(decoded.shape)}")
        return torch.sigmoid(decoded) if self.likelihood == "bernoulli" else decoded

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(decoded, mu, logvar)``: encode, draw one reparameterised code, decode it."""
        mu, logvar = self.encode(x)
        return self.decode(self.reparameterize(mu, logvar)), mu, logvar

    def loss(self, x: torch.Tensor, beta: float = 1.0) -> ELBOTerms:
        """The β-weighted negative ELBO of a batch, one sample of z per example (:func:`elbo_loss`)."""
        decoded, mu, logvar = self(x)
        return elbo_loss(x, decoded, mu, logvar, beta, likelihood=self.likelihood, obs_std=self.obs_std)

    @torch.no_grad()
    def reconstruct(self, x: torch.Tensor) -> torch.Tensor:
        """Deterministic reconstruction: decode the mean code, return expected pixel values."""
        mu, _ = self.encode(x)
        return self.mean_image(self.decode(mu))

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """Generate ``n`` examples: :math:`\\mathbf z \\sim \\mathcal N(\\mathbf 0, I)`, return expected pixel values."""
        z = torch.randn(check_positive_int("n", n), self.latent_size, generator=generator)
        return self.mean_image(self.decode(z))

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, hidden_sizes={self.hidden_sizes}, latent_size={self.latent_size}, "
                f"likelihood={self.likelihood!r}")


@torch.no_grad()
def importance_log_likelihood(model: VAE, x: torch.Tensor, n_samples: int = 100,
                              generator: torch.Generator | None = None) -> torch.Tensor:
    """Importance-sampling estimate of :math:`\\log p_\\theta(\\mathbf x)` per example, proposal :math:`q_\\phi`.

    .. math::
        \\log p_\\theta(\\mathbf x) \\approx \\log \\frac1K \\sum_{k=1}^K
        \\frac{p_\\theta(\\mathbf x \\mid \\mathbf z_k)\\, p(\\mathbf z_k)}{q_\\phi(\\mathbf z_k \\mid \\mathbf x)},
        \\qquad \\mathbf z_k \\sim q_\\phi(\\mathbf z \\mid \\mathbf x),

    computed with ``logsumexp``. Its expectation is a lower bound on
    :math:`\\log p_\\theta(\\mathbf x)` that equals the ELBO for K = 1 and tightens as K
    grows (chapter 10, exercise on the importance-weighted bound).
    """
    n_samples = check_positive_int("n_samples", n_samples)
    if not isinstance(model, VAE):
        raise TypeError(f"model must be a nnlib.models.VAE, got {type(model).__name__}")
    mu, logvar = model.encode(x)
    z = model.reparameterize(mu, logvar, n_samples, generator)               # (K, n, d)
    log_px_z = -reconstruction_nll(x, model.decode(z), model.likelihood, model.obs_std)
    zeros = torch.zeros_like(mu)
    log_w = log_px_z + log_normal_diag(z, zeros, zeros) - log_normal_diag(z, mu, logvar)
    return torch.logsumexp(log_w, 0) - math.log(n_samples)


def _mu_logvar_arrays(op: str, mu, logvar) -> tuple[np.ndarray, np.ndarray]:
    mu, logvar = as_float_array("mu", mu), as_float_array("logvar", logvar)
    _check_same_shape(op, mu, logvar)
    if mu.ndim != 2 or mu.shape[0] == 0 or mu.shape[1] == 0:
        raise ValueError(f"{op}: mu and logvar must have shape (n, d) with n, d >= 1, got {mu.shape}")
    return mu, logvar


def kl_per_dimension(mu, logvar) -> np.ndarray:
    """The KL term of each latent dimension, averaged over the examples (chapter 10, "Posterior collapse").

    .. math::
        \\mathrm{KL}_j = \\frac1n \\sum_{i=1}^n \\tfrac12 \\big(\\sigma_{ij}^2 + \\mu_{ij}^2 - 1 - \\log\\sigma_{ij}^2\\big),

        \\sum_j \\mathrm{KL}_j = \\frac1n \\sum_i \\mathrm{KL}\\big(q(\\mathbf z \\mid \\mathbf x_i) \\,\\|\\, \\mathcal N(\\mathbf 0, I)\\big),

    the one-dimensional terms of :func:`gaussian_kl`. A dimension with :math:`\\mathrm{KL}_j \\approx 0`
    has :math:`q = \\mathcal N(0, 1)` for every example: it carries no information (an inactive unit).

    Parameters
    ----------
    mu, logvar : arrays or tensors of shape (n, d)
        Encoder output for n examples.

    Returns
    -------
    ndarray of shape (d,)
        Nats per example in each latent dimension.
    """
    mu, logvar = _mu_logvar_arrays("kl_per_dimension", mu, logvar)
    return gaussian_kl(mu[..., None], logvar[..., None]).mean(0)


def aggregate_posterior_moments(mu, logvar) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance of the aggregate posterior :math:`q(\\mathbf z) = \\frac1n \\sum_i q(\\mathbf z \\mid \\mathbf x_i)`.

    For the mixture of the diagonal Gaussians :math:`\\mathcal N(\\boldsymbol\\mu_i, \\operatorname{diag}\\boldsymbol\\sigma_i^2)`
    (law of total expectation and of total variance, chapter 10, "The aggregate posterior"):

    .. math::
        \\mathbb E_q[\\mathbf z] = \\bar{\\boldsymbol\\mu} = \\frac1n \\sum_i \\boldsymbol\\mu_i,

        \\operatorname{Cov}_q[\\mathbf z] = \\frac1n \\sum_i \\operatorname{diag}\\boldsymbol\\sigma_i^2
        + \\frac1n \\sum_i (\\boldsymbol\\mu_i - \\bar{\\boldsymbol\\mu})(\\boldsymbol\\mu_i - \\bar{\\boldsymbol\\mu})^\\top .

    Parameters
    ----------
    mu, logvar : arrays or tensors of shape (n, d)
        Encoder output for the n examples of the mixture.

    Returns
    -------
    (mean, cov) : ndarrays of shapes (d,) and (d, d)
    """
    mu, logvar = _mu_logvar_arrays("aggregate_posterior_moments", mu, logvar)
    mean = mu.mean(0)
    centred = mu - mean
    return mean, np.diag(np.exp(logvar).mean(0)) + centred.T @ centred / len(mu)


def gaussian_fit_kl(mean, cov) -> float:
    """:math:`\\mathrm{KL}\\big(\\mathcal N(\\mathbf m, C) \\,\\|\\, \\mathcal N(\\mathbf 0, I)\\big)` for a full covariance C.

    .. math::
        \\mathrm{KL} &= \\tfrac12 \\big(\\operatorname{tr} C + \\mathbf m^\\top \\mathbf m - d - \\log\\det C\\big)

        &= \\tfrac12 \\|\\mathbf m\\|^2 + \\tfrac12 \\sum_k (\\lambda_k - 1 - \\log \\lambda_k),

    with :math:`\\lambda_k` the eigenvalues of C. Applied to the moments of a distribution q
    (:func:`aggregate_posterior_moments`), it is a lower bound on :math:`\\mathrm{KL}(q \\,\\|\\, \\mathcal N(\\mathbf 0, I))`:
    the Gaussian has the largest entropy for given moments (chapter 10, "The aggregate posterior").

    Parameters
    ----------
    mean : array of shape (d,)
    cov : array of shape (d, d), symmetric positive definite

    Returns
    -------
    float
        The divergence in nats.
    """
    mean, cov = as_float_array("mean", mean), as_float_array("cov", cov)
    if mean.ndim != 1 or cov.shape != (len(mean), len(mean)):
        raise ValueError(f"gaussian_fit_kl: mean must have shape (d,) and cov shape (d, d), got {mean.shape} and {cov.shape}")
    if not np.allclose(cov, cov.T, rtol=0, atol=1e-10 * np.abs(cov).max()):
        raise ValueError("gaussian_fit_kl: cov must be symmetric")
    eig = np.linalg.eigvalsh(cov)
    if not eig.min() > 0:
        raise ValueError(f"gaussian_fit_kl: cov must be positive definite, got smallest eigenvalue {eig.min():.3g}")
    return float(0.5 * (mean @ mean) + 0.5 * (eig - 1 - np.log(eig)).sum())
