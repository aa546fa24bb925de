"""Tests of nnlib.models.vae: the closed-form KL, the reparameterisation, the ELBO, shapes, errors."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib.models import (VAE, ELBOTerms, elbo_loss, gaussian_kl, gaussian_kl_mc, importance_log_likelihood,
                          log_normal_diag, reconstruction_nll)


def test_kl_is_zero_at_the_prior():
    mu, logvar = torch.zeros(3, 4), torch.zeros(3, 4)
    kl = gaussian_kl(mu, logvar)
    assert kl.shape == (3,)
    assert torch.equal(kl, torch.zeros(3))
    assert np.array_equal(gaussian_kl(np.zeros((2, 5)), np.zeros((2, 5))), np.zeros(2))


def test_kl_closed_form_matches_monte_carlo():
    g = torch.Generator().manual_seed(0)
    mu = torch.tensor([[0.0, 0.0], [1.5, -0.5], [0.3, 2.0], [-1.0, 0.2]], dtype=torch.float64)
    logvar = torch.tensor([[0.0, 0.0], [-1.0, 0.5], [-3.0, -2.0], [1.0, 0.3]], dtype=torch.float64)
    est, se = gaussian_kl_mc(mu, logvar, n_samples=200_000, generator=g)
    exact = gaussian_kl(mu, logvar)
    assert torch.all((est - exact).abs() <= 5 * se + 1e-12), (est, exact, se)
    assert se[1:].max() < 0.01


def test_kl_matches_torch_distributions_float64():
    torch.manual_seed(1)
    mu, logvar = torch.randn(6, 3, dtype=torch.float64), torch.randn(6, 3, dtype=torch.float64)
    q = torch.distributions.Normal(mu, torch.exp(0.5 * logvar))
    p = torch.distributions.Normal(torch.zeros_like(mu), torch.ones_like(mu))
    ref = torch.distributions.kl_divergence(q, p).sum(-1)
    torch.testing.assert_close(gaussian_kl(mu, logvar), ref)
    np.testing.assert_allclose(gaussian_kl(mu.numpy(), logvar.numpy()), ref.numpy())


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.floats(-5, 5), st.floats(-5, 5)), min_size=1, max_size=6))
def test_kl_is_non_negative(pairs):
    mu = torch.tensor([p[0] for p in pairs], dtype=torch.float64)[None]
    logvar = torch.tensor([p[1] for p in pairs], dtype=torch.float64)[None]
    assert gaussian_kl(mu, logvar).item() >= 0.0


def test_log_normal_matches_torch():
    torch.manual_seed(2)
    z, mu, logvar = (torch.randn(5, 3, dtype=torch.float64) for _ in range(3))
    ref = torch.distributions.Normal(mu, torch.exp(0.5 * logvar)).log_prob(z).sum(-1)
    torch.testing.assert_close(log_normal_diag(z, mu, logvar), ref)


def test_shapes():
    torch.manual_seed(0)
    vae = VAE(64, (32, 16), 3)
    x = torch.rand(7, 64)
    mu, logvar = vae.encode(x)
    assert mu.shape == logvar.shape == (7, 3)
    z = vae.reparameterize(mu, logvar)
    assert z.shape == (7, 3)
    assert vae.reparameterize(mu, logvar, n_samples=4).shape == (4, 7, 3)
    assert vae.decode(z).shape == (7, 64)
    decoded, mu2, logvar2 = vae(x)
    assert decoded.shape == (7, 64) and mu2.shape == (7, 3)
    assert vae.reconstruct(x).shape == (7, 64)
    s = vae.sample(5, generator=torch.Generator().manual_seed(0))
    assert s.shape == (5, 64) and ((s > 0) & (s < 1)).all()
    terms = vae.loss(x, beta=0.5)
    assert isinstance(terms, ELBOTerms) and terms.loss.shape == terms.kl.shape == ()
    assert importance_log_likelihood(vae, x, 8).shape == (7,)
    assert VAE(latent_size=1).encode(torch.rand(2, 64))[0].shape == (2, 1)


def test_gradients_flow_through_the_reparameterised_sample():
    g = torch.Generator().manual_seed(3)
    mu = torch.randn(4, 2, dtype=torch.float64, requires_grad=True)
    logvar = torch.randn(4, 2, dtype=torch.float64, requires_grad=True)
    z = VAE.reparameterize(mu, logvar, generator=g)
    eps = (z - mu) / torch.exp(0.5 * logvar)  # the noise that was drawn
    (z ** 2).sum().backward()
    # d(z^2)/dmu = 2z,  d(z^2)/dlogvar = 2z * eps * sigma / 2
    torch.testing.assert_close(mu.grad, 2 * z.detach())
    torch.testing.assert_close(logvar.grad, (z * eps * torch.exp(0.5 * logvar)).detach())


def test_loss_gradient_reaches_encoder_and_decoder():
    torch.manual_seed(4)
    vae = VAE(64, (16,), 2)
    vae.loss(torch.rand(8, 64)).loss.backward()
    for name, p in vae.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name


def test_elbo_terms_bernoulli():
    torch.manual_seed(5)
    x = torch.rand(6, 10)
    logits = torch.randn(6, 10)
    mu, logvar = torch.randn(6, 2), torch.randn(6, 2)
    terms = elbo_loss(x, logits, mu, logvar, beta=2.0)
    rec = F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / 6
    kl = gaussian_kl(mu, logvar).mean()
    torch.testing.assert_close(terms.reconstruction, rec)
    torch.testing.assert_close(terms.kl, kl)
    torch.testing.assert_close(terms.loss, rec + 2.0 * kl)
    # K samples of the decoder output: the reconstruction term is averaged over them
    stacked = torch.stack([logits, logits + 1.0])
    rec2 = elbo_loss(x, stacked, mu, logvar).reconstruction
    torch.testing.assert_close(rec2, 0.5 * (rec + F.binary_cross_entropy_with_logits(logits + 1, x, reduction="sum") / 6))


def test_gaussian_reconstruction_is_a_normalised_nll():
    torch.manual_seed(6)
    x, mean = torch.randn(3, 4, dtype=torch.float64), torch.randn(3, 4, dtype=torch.float64)
    ref = -torch.distributions.Normal(mean, 0.3).log_prob(x).sum(-1)
    torch.testing.assert_close(reconstruction_nll(x, mean, "gaussian", obs_std=0.3), ref)
    vae = VAE(4, (8,), 2, likelihood="gaussian", obs_std=0.3)
    assert vae.reconstruct(torch.rand(2, 4)).shape == (2, 4)


def test_importance_estimate_with_one_sample_is_the_elbo_in_expectation():
    torch.manual_seed(7)
    vae = VAE(16, (8,), 2).double()
    x = torch.rand(5, 16, dtype=torch.float64)
    g = torch.Generator().manual_seed(0)
    ll1 = importance_log_likelihood(vae, x.repeat(4000, 1), 1, g).reshape(4000, 5).mean(0)
    with torch.no_grad():
        mu, logvar = vae.encode(x)
        z = vae.reparameterize(mu, logvar, 4000, g)
        elbo = -reconstruction_nll(x, vae.decode(z), "bernoulli").mean(0) - gaussian_kl(mu, logvar)
    torch.testing.assert_close(ll1, elbo, atol=0.05, rtol=0)
    ll100 = importance_log_likelihood(vae, x, 2000, g)
    assert torch.all(ll100 >= elbo - 0.01)  # the bound tightens with more samples


def test_bad_input_raises():
    with pytest.raises(ValueError, match=r"latent_size must be an integer >= 1, got 0"):
        VAE(64, (32,), 0)
    with pytest.raises(ValueError, match=r"hidden_sizes\[0\] must be an integer >= 1"):
        VAE(64, (0,), 2)
    with pytest.raises(ValueError, match=r"likelihood must be one of 'bernoulli', 'gaussian'"):
        VAE(likelihood="poisson")
    with pytest.raises(ValueError, match=r"obs_std must be > 0"):
        VAE(likelihood="gaussian", obs_std=0.0)
    vae = VAE(64, (16,), 2)
    x = torch.rand(3, 64)
    with pytest.raises(ValueError, match=r"beta must be >= 0, got -1"):
        vae.loss(x, beta=-1)
    with pytest.raises(ValueError, match=r"beta must be finite"):
        vae.loss(x, beta=math.nan)
    with pytest.raises(ValueError, match=r"must have shape \(batch, 64\), got shape \(3, 10\)"):
        vae.encode(torch.rand(3, 10))
    with pytest.raises(ValueError, match=r"must have shape \(\.\.\., 2\), got shape \(3, 5\)"):
        vae.decode(torch.rand(3, 5))
    with pytest.raises(ValueError, match=r"mu has shape \(3, 2\) but logvar has shape \(3, 4\)"):
        gaussian_kl(torch.zeros(3, 2), torch.zeros(3, 4))
    with pytest.raises(ValueError, match=r"n_samples must be an integer >= 1"):
        gaussian_kl_mc(torch.zeros(1, 2), torch.zeros(1, 2), n_samples=0)
    with pytest.raises(ValueError, match=r"decoded has shape \(3, 5\) but x has shape \(3, 64\)"):
        reconstruction_nll(x, torch.zeros(3, 5))


# --- latent diagnostics of chapter 10: per-dimension KL, aggregate posterior, Gaussian-fit KL ---

from nnlib.models import aggregate_posterior_moments, gaussian_fit_kl, kl_per_dimension  # noqa: E402


def test_kl_per_dimension_sums_to_the_kl_term():
    gen = np.random.default_rng(0)
    mu, logvar = gen.normal(size=(7, 4)), gen.normal(size=(7, 4))
    per_dim = kl_per_dimension(mu, logvar)
    assert per_dim.shape == (4,) and np.all(per_dim >= 0)
    np.testing.assert_allclose(per_dim.sum(), gaussian_kl(mu, logvar).mean(), rtol=1e-12)
    np.testing.assert_allclose(per_dim[1], np.mean(0.5 * (np.exp(logvar[:, 1]) + mu[:, 1] ** 2 - 1 - logvar[:, 1])))
    # torch tensors are accepted; an unused dimension (mu = 0, sigma = 1 for every example) has KL 0
    mu[:, 2], logvar[:, 2] = 0.0, 0.0
    assert kl_per_dimension(torch.as_tensor(mu), torch.as_tensor(logvar))[2] == 0.0


def test_aggregate_posterior_moments_match_samples_of_the_mixture():
    gen = np.random.default_rng(1)
    mu, logvar = gen.normal(size=(5, 3)), gen.normal(scale=0.5, size=(5, 3))
    mean, cov = aggregate_posterior_moments(mu, logvar)
    n = 400_000  # sample the mixture: a random component, then its Gaussian
    k = gen.integers(0, 5, size=n)
    z = mu[k] + np.exp(0.5 * logvar[k]) * gen.standard_normal((n, 3))
    np.testing.assert_allclose(mean, z.mean(0), atol=0.01)
    np.testing.assert_allclose(cov, np.cov(z.T), atol=0.02)
    np.testing.assert_allclose(cov, cov.T)
    # one component: the moments are its own
    m1, c1 = aggregate_posterior_moments(mu[:1], logvar[:1])
    np.testing.assert_allclose(m1, mu[0])
    np.testing.assert_allclose(c1, np.diag(np.exp(logvar[0])))


def test_gaussian_fit_kl_matches_torch_and_bounds_the_mixture_kl():
    gen = np.random.default_rng(2)
    a = gen.normal(size=(3, 3))
    cov, mean = a @ a.T + 0.5 * np.eye(3), gen.normal(size=3)
    q = torch.distributions.MultivariateNormal(torch.as_tensor(mean), torch.as_tensor(cov))
    p = torch.distributions.MultivariateNormal(torch.zeros(3, dtype=torch.float64), torch.eye(3, dtype=torch.float64))
    assert gaussian_fit_kl(mean, cov) == pytest.approx(torch.distributions.kl_divergence(q, p).item(), rel=1e-10)
    assert gaussian_fit_kl(np.zeros(2), np.eye(2)) == 0.0
    # diagonal covariance: the same as gaussian_kl
    assert gaussian_fit_kl(mean, np.diag([0.5, 2.0, 1.0])) == pytest.approx(
        gaussian_kl(mean, np.log([0.5, 2.0, 1.0])), rel=1e-12)
    # for a two-component mixture in 1-D, KL(mixture || N(0, 1)) by quadrature is above the Gaussian fit's
    mu, logvar = np.array([[-1.5], [1.5]]), np.array([[-1.0], [-1.0]])
    m, c = aggregate_posterior_moments(mu, logvar)
    z = np.linspace(-12, 12, 24001)
    dens = 0.5 * sum(np.exp(-0.5 * (z - u) ** 2 / np.exp(lv) - 0.5 * lv) / np.sqrt(2 * np.pi)
                     for u, lv in zip(mu[:, 0], logvar[:, 0]))
    kl_mix = np.sum(dens * (np.log(dens) + 0.5 * z ** 2 + 0.5 * np.log(2 * np.pi))) * (z[1] - z[0])
    assert gaussian_fit_kl(m, c) < kl_mix < kl_per_dimension(mu, logvar).sum()


def test_latent_diagnostics_bad_input():
    with pytest.raises(ValueError, match=r"mu has shape \(3, 2\) but logvar has shape \(3, 4\)"):
        kl_per_dimension(np.zeros((3, 2)), np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"must have shape \(n, d\)"):
        aggregate_posterior_moments(np.zeros(3), np.zeros(3))
    with pytest.raises(TypeError, match=r"logvar must be a real number or array, got NoneType"):
        aggregate_posterior_moments(np.zeros((2, 2)), None)
    with pytest.raises(TypeError, match=r"mu must be real numbers"):
        kl_per_dimension(np.array([["a"]]), np.zeros((1, 1)))
    with pytest.raises(ValueError, match=r"mean must have shape \(d,\) and cov shape \(d, d\)"):
        gaussian_fit_kl(np.zeros(2), np.eye(3))
    with pytest.raises(ValueError, match=r"cov must be symmetric"):
        gaussian_fit_kl(np.zeros(2), np.array([[1.0, 0.5], [0.0, 1.0]]))
    with pytest.raises(ValueError, match=r"cov must be positive definite"):
        gaussian_fit_kl(np.zeros(2), np.diag([1.0, -1.0]))
    with pytest.raises(TypeError, match=r"cov must be a real number or array"):
        gaussian_fit_kl(np.zeros(2), "identity")
