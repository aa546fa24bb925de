"""Tests of nnlib.models.transformer: self-attention, the encoder block and the classifier (chapter 13)."""

import numpy as np
import pytest
import torch

from nnlib.attention import multi_head_attention
from nnlib.data import delayed_recall, key_value_lookup
from nnlib.models import MultiHeadSelfAttention, TransformerBlock, TransformerClassifier
from nnlib.train import fit


def _torch_mha(d, h, seed):
    """A torch MultiheadAttention (float64) with random weights and biases in [-0.7, 0.7]."""
    torch.manual_seed(seed)
    mha = torch.nn.MultiheadAttention(d, h, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        for p in mha.parameters():
            p.uniform_(-0.7, 0.7)
    return mha


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("h", [1, 2, 4])
def test_self_attention_equals_torch(causal, h):
    mha = _torch_mha(8, h, h)
    mine = MultiHeadSelfAttention.from_torch(mha)
    x = torch.randn(3, 6, 8, dtype=torch.float64, generator=torch.Generator().manual_seed(h))
    xa, xb = x.clone().requires_grad_(), x.clone().requires_grad_()
    y, w = mine(xa, causal=causal)
    mask = torch.ones(6, 6, dtype=torch.bool).triu(1) if causal else None
    ty, tw = mha(xb, xb, xb, attn_mask=mask, average_attn_weights=False)
    assert torch.max(torch.abs(y - ty)) < 1e-10 and torch.max(torch.abs(w - tw)) < 1e-10
    g = torch.randn(y.shape, dtype=torch.float64, generator=torch.Generator().manual_seed(9))
    y.backward(g)
    ty.backward(g)
    assert torch.max(torch.abs(xa.grad - xb.grad)) < 1e-10
    assert torch.max(torch.abs(mine.in_proj_weight.grad - mha.in_proj_weight.grad)) < 1e-10


def test_self_attention_equals_numpy():
    mha = _torch_mha(6, 3, 0)
    mine = MultiHeadSelfAttention.from_torch(mha)
    x = np.random.default_rng(0).standard_normal((2, 4, 6))
    W, b = mine.in_proj_weight.detach().numpy(), mine.in_proj_bias.detach().numpy()
    params = {"W_q": W[:6], "W_k": W[6:12], "W_v": W[12:], "W_o": mine.out_proj.weight.detach().numpy(),
              "b_q": b[:6], "b_k": b[6:12], "b_v": b[12:], "b_o": mine.out_proj.bias.detach().numpy()}
    out, A = multi_head_attention(x, x, x, params, 3, mask="causal")
    y, w = mine(torch.tensor(x), causal=True)
    assert np.max(np.abs(out - y.detach().numpy())) < 1e-10 and np.max(np.abs(A - w.detach().numpy())) < 1e-10


def test_shapes_and_fit():
    torch.manual_seed(0)
    model = TransformerClassifier(5, 8, 4, num_heads=2, n_blocks=2).double()
    X, y = delayed_recall(64, 6, rng=0)
    assert model(X).shape == (64, 4)
    maps = model.attention_maps(X)
    assert len(maps) == 2 and maps[0].shape == (64, 2, 7, 7)
    assert torch.allclose(maps[0].sum(-1), torch.ones(64, 2, 7, dtype=torch.float64))
    every = TransformerClassifier(5, 8, 3, readout="all", causal=True).double()
    assert every(X).shape == (64, 7, 3)
    assert every.attention_maps(X)[0][0, 0].triu(1).abs().max() == 0
    data = tuple(torch.as_tensor(a) for a in key_value_lookup(64, 3, rng=1))
    kv = TransformerClassifier(13, 8, 4).double()
    hist = fit(kv, data, torch.nn.CrossEntropyLoss(), torch.optim.Adam(kv.parameters(), lr=0.01), epochs=2,
               batch_size=32)
    assert len(hist.train_loss) == 2
    block = TransformerBlock(8, 2).double()
    out, w = block(torch.zeros(2, 3, 8, dtype=torch.float64))
    assert out.shape == (2, 3, 8) and w.shape == (2, 2, 3, 3)


def test_bad_input():
    with pytest.raises(ValueError, match="num_heads must divide"):
        MultiHeadSelfAttention(6, 4)
    with pytest.raises(ValueError, match="d_model"):
        TransformerClassifier(3, 0, 2)
    with pytest.raises(ValueError, match="readout"):
        TransformerClassifier(3, 4, 2, readout="first")
    with pytest.raises(TypeError, match="causal"):
        TransformerClassifier(3, 4, 2, causal="yes")
    model = TransformerClassifier(3, 4, 2, max_len=5)
    with pytest.raises(ValueError, match="shape"):
        model(torch.zeros(2, 4, 2))
    with pytest.raises(ValueError, match="max_len"):
        model(torch.zeros(2, 6, 3))
    with pytest.raises(TypeError, match="x"):
        model(None)
    with pytest.raises(TypeError, match="MultiheadAttention"):
        MultiHeadSelfAttention.from_torch(torch.nn.Linear(2, 2))


def test_key_value_lookup_data():
    X, y = key_value_lookup(50, 4, n_keys=6, n_values=3, rng=0)
    assert X.shape == (50, 5, 10) and X.dtype == np.float64 and y.dtype == np.int64
    for x, target in zip(X, y):
        key = np.argmax(x[-1, :6])
        step = np.nonzero(x[:-1, key])[0]
        assert len(step) == 1 and np.argmax(x[step[0], 6:9]) == target
        assert x[-1, -1] == 1 and np.all(x[:-1, -1] == 0)
    assert np.array_equal(key_value_lookup(5, 2, rng=3)[0], key_value_lookup(5, 2, rng=3)[0])
    with pytest.raises(ValueError, match="n_pairs"):
        key_value_lookup(5, 9, n_keys=8)
