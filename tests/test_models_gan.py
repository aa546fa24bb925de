"""nnlib.models.gan: shapes, the two losses against hand computation, D*, JSD, training loop, bad input."""

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from nnlib.models import (GAN, discriminator_loss, generator_loss, js_divergence,  # noqa: E402
                          optimal_discriminator, train_gan)


@pytest.fixture(autouse=True)
def _float64():
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(old)


def test_shapes_and_output_layers():
    torch.manual_seed(0)
    gan = GAN(latent_size=3, out_features=5, hidden_sizes=(8, 8), discriminator_hidden_sizes=(4,))
    z = torch.randn(7, 3)
    assert gan(z).shape == (7, 5)
    assert gan.discriminate(gan(z)).shape == (7,)
    assert gan.sample(4, generator=0).shape == (4, 5)
    assert [m.out_features for m in gan.discriminator if isinstance(m, torch.nn.Linear)] == [4, 1]
    pixels = GAN(2, 64, 16, output="sigmoid").sample(10, generator=1)
    assert pixels.min() > 0 and pixels.max() < 1
    assert "latent_size=3" in repr(gan)


def test_discriminator_loss_by_hand():
    real, fake = torch.tensor([0.0, math.log(3.0)]), torch.tensor([0.0, -1.0, 2.0])
    d_real, d_fake = 1 / (1 + np.exp(-real.numpy())), 1 / (1 + np.exp(-fake.numpy()))
    by_hand = -np.mean(np.log(d_real)) - np.mean(np.log(1 - d_fake))
    assert abs(discriminator_loss(real, fake).item() - by_hand) < 1e-12
    # -log sigma(0) = log 2 and -log sigma(log 3) = log(4/3)
    assert abs(discriminator_loss(real, torch.tensor([0.0])).item() - (0.5 * (math.log(2) + math.log(4 / 3)) + math.log(2))) < 1e-12


def test_generator_losses_by_hand_and_their_gradients():
    a = torch.tensor([-3.0, 0.0, 1.5], requires_grad=True)
    d = torch.sigmoid(a).detach().numpy()
    ns = generator_loss(a)
    mm = generator_loss(a, kind="minimax")
    assert abs(ns.item() - np.mean(-np.log(d))) < 1e-12
    assert abs(mm.item() - np.mean(np.log(1 - d))) < 1e-12
    g_ns, = torch.autograd.grad(ns, a)
    g_mm, = torch.autograd.grad(mm, a)
    assert np.allclose(g_ns.numpy(), -(1 - d) / 3, rtol=0, atol=1e-12)  # saturates where D -> 1, not where D -> 0
    assert np.allclose(g_mm.numpy(), -d / 3, rtol=0, atol=1e-12)        # vanishes where D -> 0


def test_optimal_discriminator_maximises_the_pointwise_objective():
    p, q = np.array([0.2, 1.0, 3.0, 0.0]), np.array([0.6, 1.0, 1.0, 2.0])
    d = optimal_discriminator(p, q)
    assert np.allclose(d, [0.25, 0.5, 0.75, 0.0])
    ys = np.linspace(1e-4, 1 - 1e-4, 20001)
    for a, b, best in zip(p[:3], q[:3], d[:3]):
        assert abs(ys[np.argmax(a * np.log(ys) + b * np.log(1 - ys))] - best) < 1e-4


def test_value_at_the_optimum_is_minus_log4_plus_twice_the_jsd():
    rng = np.random.default_rng(0)
    p, q = rng.random(6), rng.random(6)
    p, q = p / p.sum(), q / q.sum()
    d = optimal_discriminator(p, q)
    value = np.sum(p * np.log(d)) + np.sum(q * np.log(1 - d))
    assert abs(value - (-math.log(4) + 2 * js_divergence(p, q))) < 1e-12
    assert js_divergence(p, p) == 0.0
    assert abs(js_divergence(p, q) - js_divergence(q, p)) < 1e-15
    assert abs(js_divergence([1.0, 0.0], [0.0, 1.0]) - math.log(2)) < 1e-15


def test_a_trained_discriminator_approaches_d_star_on_a_toy_case():
    # real: x = 0 with probability 3/4, x = 1 with 1/4; generated: the reverse. D*(0) = 3/4, D*(1) = 1/4.
    torch.manual_seed(0)
    disc = GAN(1, 1, (8,)).discriminator
    real, fake = torch.tensor([[0.0], [0.0], [0.0], [1.0]]), torch.tensor([[0.0], [1.0], [1.0], [1.0]])
    opt = torch.optim.Adam(disc.parameters(), lr=0.05)
    for _ in range(400):
        loss = discriminator_loss(disc(real).squeeze(-1), disc(fake).squeeze(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    d = torch.sigmoid(disc(torch.tensor([[0.0], [1.0]])).squeeze(-1)).detach().numpy()
    assert np.allclose(d, [0.75, 0.25], atol=0.01)
    optimum = -(0.75 * math.log(0.75) + 0.25 * math.log(0.25)) * 2  # -V(D*, G) for these distributions
    assert abs(loss.item() - optimum) < 1e-3


def _gaussian_data():
    return torch.as_tensor(np.random.default_rng(0).normal(3.0, 0.5, size=(500, 1)))


def test_training_is_reproducible_and_records_the_game():
    runs = []
    for _ in range(2):
        torch.manual_seed(1)
        gan = GAN(1, 1, (16,))
        history = train_gan(gan, _gaussian_data(), 30, batch_size=32, rng=5)
        runs.append((history, [p.detach().clone() for p in gan.parameters()]))
    (h1, p1), (h2, p2) = runs
    assert set(h1) == {"d_loss", "g_loss", "d_real", "d_fake"} and h1["d_loss"].shape == (30,)
    assert all(np.array_equal(h1[k], h2[k]) for k in h1)
    assert all(torch.equal(a, b) for a, b in zip(p1, p2))
    assert np.all((h1["d_real"] > 0) & (h1["d_real"] < 1))


def test_training_moves_the_generator_to_the_data():
    torch.manual_seed(0)
    gan = GAN(1, 1, (16,))
    train_gan(gan, _gaussian_data(), 600, batch_size=64, lr=3e-3, rng=0)
    mean = gan.sample(2000, generator=1).mean().item()
    assert abs(mean - 3.0) < 0.5


@pytest.mark.parametrize("call, error, words", [
    (lambda: GAN(latent_size=0), ValueError, "latent_size"),
    (lambda: GAN(2, 2, (4, 0)), ValueError, r"hidden_sizes\[1\]"),
    (lambda: GAN(2, 2, discriminator_hidden_sizes="8"), TypeError, "discriminator_hidden_sizes"),
    (lambda: GAN(output="tanh"), ValueError, "output must be one of 'linear', 'sigmoid'"),
    (lambda: GAN(2, 3).discriminate(torch.zeros(4, 2)), ValueError, r"x of GAN.* shape \(batch, 3\)"),
    (lambda: GAN(2, 3)(torch.zeros(4, 3)), ValueError, r"z of GAN.* shape \(batch, 2\)"),
    (lambda: GAN(2, 3).sample(0), ValueError, "n must be"),
    (lambda: GAN(2, 3).sample(2, generator=1.5), TypeError, "generator must be"),
    (lambda: discriminator_loss(np.zeros(3), torch.zeros(3)), TypeError, "real_logits"),
    (lambda: discriminator_loss(torch.zeros(3), torch.zeros(3, 1)), ValueError, "fake_logits must be a non-empty 1-D"),
    (lambda: generator_loss(torch.zeros(3), kind="wasserstein"), ValueError, "kind must be one of"),
    (lambda: optimal_discriminator([1.0, -1.0], [1.0, 1.0]), ValueError, "p_data must be non-negative"),
    (lambda: optimal_discriminator([0.0], [0.0]), ValueError, "p_data \\+ p_model must be > 0"),
    (lambda: optimal_discriminator([1.0], [1.0, 2.0]), ValueError, "same shape|must be equal"),
    (lambda: optimal_discriminator(None, [1.0]), TypeError, "p_data"),
    (lambda: js_divergence([0.5, 0.6], [0.5, 0.5]), ValueError, "p must sum to 1"),
    (lambda: js_divergence([1.0], [0.5, 0.5]), ValueError, "same shape"),
    (lambda: train_gan(torch.nn.Linear(1, 1), torch.zeros(4, 1), 1), TypeError, "model must be a nnlib.models.GAN"),
    (lambda: train_gan(GAN(1, 2), torch.zeros(4, 1), 1), ValueError, r"data must have shape \(n, 2\)"),
    (lambda: train_gan(GAN(1, 1), torch.zeros(4, 1), 0), ValueError, "steps"),
    (lambda: train_gan(GAN(1, 1), torch.zeros(4, 1), 1, lr=-1.0), ValueError, "lr"),
    (lambda: train_gan(GAN(1, 1), torch.zeros(4, 1), 1, betas=(1.2, 0.9)), ValueError, r"betas\[0\]"),
    (lambda: train_gan(GAN(1, 1), torch.zeros(4, 1), 1, betas=0.5), ValueError, "betas must be a pair"),
    (lambda: train_gan(GAN(1, 1), torch.zeros(4, 1), 1, loss="hinge"), ValueError, "loss must be one of"),
    (lambda: train_gan(GAN(1, 1), torch.zeros(4, 1), 1, rng="0"), TypeError, "rng"),
])
def test_bad_input_is_named(call, error, words):
    with pytest.raises(error, match=words):
        call()
