"""Tests of nnlib.models.autoencoder: shapes, tied weights (shared, not copied), errors."""

import pytest
import torch
import torch.nn.functional as F

from nnlib.models import Autoencoder, digits_autoencoder



def test_shapes_and_api():
    torch.manual_seed(0)
    ae = Autoencoder([8, 5, 3])
    x = torch.rand(4, 8)
    h = ae.encode(x)
    assert h.shape == (4, 3) and ae.code_size == 3
    assert ae.decode(h).shape == (4, 8)
    torch.testing.assert_close(ae(x), ae.decode(ae.encode(x)))
    assert ((0 < h) & (h < 1)).all()  # sigmoid code by default


def test_untied_matches_explicit_equations():
    torch.manual_seed(1)
    ae = Autoencoder([6, 4, 2], activation="tanh", code_activation="identity", output_activation="sigmoid")
    x = torch.randn(3, 6)
    e0, e1 = ae.encoder
    d0, d1 = ae.decoder
    h1 = torch.tanh(e0(x))
    code = e1(h1)
    x_hat = torch.sigmoid(d0(torch.tanh(d1(code))))
    torch.testing.assert_close(ae.encode(x), code)
    torch.testing.assert_close(ae(x), x_hat)


def test_tied_decoder_has_no_weight_parameter():
    ae = Autoencoder([8, 5, 3], tied=True)
    names = dict(ae.named_parameters())
    assert ae.decoder is None
    assert set(names) == {"encoder.0.weight", "encoder.0.bias", "encoder.1.weight", "encoder.1.bias",
                          "decoder_biases.0", "decoder_biases.1"}
    assert [tuple(p.shape) for p in ae.decoder_biases] == [(8,), (5,)]
    untied = Autoencoder([8, 5, 3])
    n_tied = sum(p.numel() for p in ae.parameters())
    n_untied = sum(p.numel() for p in untied.parameters())
    assert n_untied - n_tied == 8 * 5 + 5 * 3


def test_tied_weights_are_shared_views_not_copies():
    torch.manual_seed(2)
    ae = Autoencoder([8, 3], tied=True)
    M = ae.decoder_weight(0)
    assert M.shape == (8, 3)
    assert M.data_ptr() == ae.encoder[0].weight.data_ptr()
    with torch.no_grad():
        ae.encoder[0].weight.add_(1.0)
    torch.testing.assert_close(ae.decoder_weight(0), ae.encoder[0].weight.t())


def test_tied_gradient_is_sum_of_encoder_and_decoder_paths():
    torch.manual_seed(3)
    ae = Autoencoder([8, 3], activation="sigmoid", tied=True).double()
    x = torch.rand(5, 8, dtype=torch.float64)
    loss = F.binary_cross_entropy(ae(x), x)
    loss.backward()
    W = ae.encoder[0].weight
    assert W.grad is not None and W.grad.abs().sum() > 0
    # The same loss with two separate copies of W: the tied gradient is their sum.
    We = W.detach().clone().requires_grad_()
    Wd = W.detach().clone().requires_grad_()
    h = torch.sigmoid(F.linear(x, We, ae.encoder[0].bias.detach()))
    x_hat = torch.sigmoid(F.linear(h, Wd.t(), ae.decoder_biases[0].detach()))
    F.binary_cross_entropy(x_hat, x).backward()
    torch.testing.assert_close(W.grad, We.grad + Wd.grad)


def test_tied_training_step_keeps_transpose():
    torch.manual_seed(4)
    ae = Autoencoder([8, 3], tied=True)
    opt = torch.optim.SGD(ae.parameters(), lr=0.5, momentum=0.9)
    x = (torch.rand(5, 8) > 0.5).double()
    losses = []
    for _ in range(20):
        opt.zero_grad()
        loss = F.binary_cross_entropy(ae(x), x)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]
    torch.testing.assert_close(ae.decoder_weight(0), ae.encoder[0].weight.t())


def test_digits_autoencoder():
    torch.manual_seed(5)
    ae = digits_autoencoder(code_size=2)
    assert ae.sizes == [64, 128, 2]
    x = torch.rand(7, 64)
    z = ae.encode(x)
    assert z.shape == (7, 2)
    out = ae.decode(z)
    assert out.shape == (7, 64) and ((out > 0) & (out < 1)).all()
    assert digits_autoencoder(4, hidden_sizes=(16,), tied=True).sizes == [64, 16, 4]


@pytest.mark.parametrize("kwargs, match", [
    ({"sizes": [8]}, "at least an input and a code size"),
    ({"sizes": [8, 0]}, r"sizes\[1\] must be an integer >= 1"),
    ({"sizes": [8, 3], "activation": "softplus"}, "activation must be one of"),
    ({"sizes": [8, 3], "code_activation": "gelu"}, "code_activation must be one of"),
    ({"sizes": [8, 3], "output_activation": "softmax"}, "output_activation must be one of"),
])
def test_bad_construction(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Autoencoder(**kwargs)


def test_bad_input_shapes():
    ae = Autoencoder([8, 3])
    with pytest.raises(ValueError, match=r"shape \(batch, 8\), got shape \(2, 7\)"):
        ae(torch.zeros(2, 7))
    with pytest.raises(ValueError, match=r"shape \(batch, 3\), got shape \(2, 8\)"):
        ae.decode(torch.zeros(2, 8))
    with pytest.raises(ValueError, match=r"got shape \(8,\)"):
        ae.encode(torch.zeros(8))
    with pytest.raises(ValueError, match="code_size"):
        digits_autoencoder(0)


def test_train_digits_autoencoder_is_deterministic():
    from nnlib.train import train_digits_autoencoder

    m1, h1 = train_digits_autoencoder(2, epochs=2, hidden_sizes=(16,))
    m2, h2 = train_digits_autoencoder(2, epochs=2, hidden_sizes=(16,))
    assert len(h1.train_loss) == 2 and len(h1.val_loss) == 2
    assert h1.val_loss == h2.val_loss
    for p, q in zip(m1.parameters(), m2.parameters()):
        torch.testing.assert_close(p, q, rtol=0, atol=0)
    assert m1.encode(torch.zeros(3, 64)).shape == (3, 2)


# --------------------------------------------------------------------------- regularised autoencoders
import numpy as np  # noqa: E402

from nnlib.models.autoencoder import (CorruptedPairs, contractive_penalty, corrupt, kl_sparsity,  # noqa: E402
                                      kl_sparsity_grad, principal_angles, train_linear_autoencoder)


def test_corrupt_gaussian_and_mask_statistics():
    x = torch.full((200, 50), 0.5, dtype=torch.float64)
    noisy = corrupt(x, "gaussian", 0.3, rng=0)
    assert noisy.shape == x.shape and noisy.dtype == torch.float64
    assert abs((noisy - x).std().item() - 0.3) < 0.01 and abs((noisy - x).mean().item()) < 0.01
    masked = corrupt(x, "mask", 0.25, rng=1)
    assert set(masked.unique().tolist()) == {0.0, 0.5}
    assert abs((masked == 0).double().mean().item() - 0.25) < 0.01
    torch.testing.assert_close(corrupt(x, "gaussian", 0.3, rng=2), corrupt(x, "gaussian", 0.3, rng=2))
    torch.testing.assert_close(corrupt(x, "gaussian", 0.0), x)
    torch.testing.assert_close(corrupt(x, "mask", 0.0), x)
    assert corrupt(np.zeros((2, 3)), "mask", 1.0).abs().sum() == 0  # arrays are converted


@pytest.mark.parametrize("args, kwargs, error, match", [
    ((torch.zeros(2, 3), "salt"), {}, ValueError, "kind must be one of"),
    ((torch.zeros(2, 3), "gaussian", -0.1), {}, ValueError, "level must be >= 0"),
    ((torch.zeros(2, 3), "mask", 1.5), {}, ValueError, "level"),
    ((torch.zeros(2, 3), "gaussian", "big"), {}, TypeError, "level"),
    ((torch.zeros(2, 3, dtype=torch.int64),), {}, TypeError, "x must be a real floating tensor"),
    (("pixels",), {}, TypeError, "x must be"),
    ((torch.zeros(2, 3),), {"rng": 1.5}, TypeError, "rng must be"),
])
def test_corrupt_bad_input(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        corrupt(*args, **kwargs)


def test_corrupted_pairs_fresh_noise_and_batched_reads():
    X = torch.rand(10, 4, dtype=torch.float64)
    pairs = CorruptedPairs(X, "gaussian", 0.2)
    assert len(pairs) == 10
    (a, x1), (b, x2) = pairs[3], pairs[3]
    torch.testing.assert_close(x1, X[3])
    assert not torch.equal(a, b)  # a fresh draw on every read
    batch = pairs.__getitems__([1, 2, 5])
    assert len(batch) == 3 and all(torch.equal(x, X[i]) for (_, x), i in zip(batch, [1, 2, 5]))
    loader = torch.utils.data.DataLoader(pairs, batch_size=4)
    noisy, clean = next(iter(loader))
    assert noisy.shape == clean.shape == (4, 4)
    with pytest.raises(ValueError, match=r"X must have shape \(N, n\)"):
        CorruptedPairs(torch.zeros(3))
    with pytest.raises(ValueError, match="kind must be one of"):
        CorruptedPairs(X, "blur")


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_contractive_penalty_matches_autograd_jacobian(activation):
    torch.manual_seed(6)
    layer = torch.nn.Linear(7, 4).double()
    x = torch.randn(5, 7, dtype=torch.float64)
    phi = torch.sigmoid if activation == "sigmoid" else torch.tanh
    jac = torch.stack([torch.autograd.functional.jacobian(lambda v: phi(layer(v)), xi) for xi in x])
    penalty = contractive_penalty(layer, x, activation)
    assert penalty.shape == (5,)
    torch.testing.assert_close(penalty, jac.pow(2).sum((1, 2)), rtol=0, atol=1e-12)
    penalty.sum().backward()  # differentiable: usable as a training penalty
    assert layer.weight.grad is not None and layer.weight.grad.abs().sum() > 0


def test_contractive_penalty_bad_input():
    layer = torch.nn.Linear(3, 2).double()
    with pytest.raises(TypeError, match="layer must be a torch.nn.Linear"):
        contractive_penalty(torch.nn.ReLU(), torch.zeros(1, 3))
    with pytest.raises(ValueError, match="activation must be one of"):
        contractive_penalty(layer, torch.zeros(1, 3), "relu")
    with pytest.raises(ValueError, match=r"x must have shape \(batch, 3\)"):
        contractive_penalty(layer, torch.zeros(1, 4))
    with pytest.raises(TypeError, match="x must be"):
        contractive_penalty(layer, None)


def test_kl_sparsity_value_and_gradient():
    h = torch.full((4, 3), 0.05, dtype=torch.float64)
    assert kl_sparsity(h, 0.05).item() == pytest.approx(0.0, abs=1e-15)  # rho_hat = rho: no penalty
    torch.manual_seed(7)
    h = torch.rand(6, 3, dtype=torch.float64).requires_grad_()
    rho_hat = h.detach().mean(0)
    expected = (0.1 * torch.log(0.1 / rho_hat) + 0.9 * torch.log(0.9 / (1 - rho_hat))).sum()
    penalty = kl_sparsity(h, 0.1)
    torch.testing.assert_close(penalty.detach(), expected)
    penalty.backward()
    torch.testing.assert_close(kl_sparsity_grad(h.detach(), 0.1), h.grad, rtol=0, atol=1e-14)
    assert kl_sparsity(h.detach(), 0.1).item() > 0


@pytest.mark.parametrize("fn", [kl_sparsity, kl_sparsity_grad])
def test_kl_sparsity_bad_input(fn):
    with pytest.raises(ValueError, match=r"rho must be in \(0, 1\)"):
        fn(torch.full((2, 2), 0.5), 0.0)
    with pytest.raises(ValueError, match=r"h must have shape \(batch, k\)"):
        fn(torch.full((2,), 0.5), 0.1)
    with pytest.raises(TypeError, match="h must be"):
        fn("codes", 0.1)


def test_principal_angles():
    gen = np.random.default_rng(0)
    A = gen.standard_normal((10, 3))
    R = gen.standard_normal((3, 3))  # invertible: the same column space
    np.testing.assert_allclose(principal_angles(A, A @ R), 0, atol=1e-12)
    e = np.eye(3)
    t = 0.3
    angles = principal_angles(e[:, :2], np.column_stack([e[:, 0], np.cos(t) * e[:, 1] + np.sin(t) * e[:, 2]]))
    np.testing.assert_allclose(angles, [0, t], atol=1e-14)
    tiny = principal_angles(e[:, :1], (e[:, 0] + 1e-9 * e[:, 1])[:, None])  # small angles stay accurate
    np.testing.assert_allclose(tiny, [1e-9], rtol=1e-6)
    B = gen.standard_normal((10, 2))
    assert principal_angles(A, B).shape == (2,) == principal_angles(B, A).shape
    np.testing.assert_allclose(principal_angles(A, B), principal_angles(B, A), atol=1e-12)


def test_principal_angles_bad_input():
    with pytest.raises(ValueError, match="same number of rows"):
        principal_angles(np.zeros((4, 2)), np.zeros((5, 2)))
    with pytest.raises(ValueError, match="columns <= rows"):
        principal_angles(np.ones((2, 3)), np.ones((2, 1)))
    with pytest.raises(ValueError, match="A must be finite"):
        principal_angles(np.full((3, 1), np.nan), np.ones((3, 1)))
    with pytest.raises(TypeError, match="B must be"):
        principal_angles(np.ones((3, 1)), None)


def test_linear_autoencoder_finds_the_principal_subspace():
    gen = np.random.default_rng(1)
    X = gen.standard_normal((300, 6)) * np.array([3.0, 2.0, 1.5, 0.5, 0.3, 0.2])
    W, M, losses = train_linear_autoencoder(X, 3, steps=2000, rng=4)
    assert W.shape == (3, 6) and M.shape == (6, 3) and losses.shape == (2000,)
    Xc = X - X.mean(0)
    s = np.linalg.svd(Xc, compute_uv=False)
    assert losses[-1] == pytest.approx((s[3:] ** 2).sum() / len(X), rel=1e-6)  # Eckart-Young
    assert np.all(np.diff(losses) <= 1e-12)
    V3 = np.linalg.svd(Xc, full_matrices=False)[2][:3].T
    assert principal_angles(M, V3).max() < 1e-3 and principal_angles(W.T, V3).max() < 1e-3
    W2, M2, _ = train_linear_autoencoder(X, 3, steps=10, rng=4)
    np.testing.assert_array_equal(W2, train_linear_autoencoder(X, 3, steps=10, rng=4)[0])


@pytest.mark.parametrize("kwargs, error, match", [
    ({"X": np.ones(5), "code_size": 1}, ValueError, r"X must have shape \(N, n\)"),
    ({"X": np.ones((5, 3)), "code_size": 4}, ValueError, "code_size must be <= the number of features 3"),
    ({"X": np.ones((5, 3)), "code_size": 0}, ValueError, "code_size"),
    ({"X": np.ones((5, 3)), "code_size": 1, "steps": 10 ** 12}, ValueError, "steps asks for"),
    ({"X": np.ones((5, 3)), "code_size": 1, "lr": -1.0}, ValueError, "lr must be > 0"),
    ({"X": np.ones((5, 3)), "code_size": 1, "init_scale": 0}, ValueError, "init_scale must be > 0"),
    ({"X": np.ones((5, 3)), "code_size": 1, "rng": "seed"}, TypeError, "rng must be"),
    ({"X": "data", "code_size": 1}, TypeError, "X must be"),
])
def test_train_linear_autoencoder_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        train_linear_autoencoder(**kwargs)
