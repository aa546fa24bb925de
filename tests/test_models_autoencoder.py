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
