"""Torch models: multi-head self-attention, a transformer encoder block and a sequence classifier (chapter 13).

* :class:`MultiHeadSelfAttention` -- :math:`\\operatorname{softmax}(Q_i K_i^\\top/\\sqrt{d_h}) V_i` in
  every head, written out, with the weight layout of ``torch.nn.MultiheadAttention``
  (``in_proj_weight``, ``in_proj_bias``, ``out_proj``) so weights can be copied both ways.
* :class:`TransformerBlock` -- pre-norm encoder block (Vaswani et al., 2017; layer norm of
  Ba et al., 2016): :math:`\\mathbf h = \\mathbf x + \\operatorname{MHA}(\\operatorname{LN}(\\mathbf x))`,
  :math:`\\mathbf y = \\mathbf h + \\operatorname{MLP}(\\operatorname{LN}(\\mathbf h))`.
* :class:`TransformerClassifier` -- linear input projection, sinusoidal positional encoding,
  blocks and a linear read-out, with the interface of :class:`nnlib.models.SequenceModel`.

All modules are batch-first: inputs have shape ``(batch, time, features)``.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .._checks import check_choice, check_flag, check_positive_int
from ..attention import positional_encoding
from ._inputs import as_model_input

__all__ = ["MultiHeadSelfAttention", "TransformerBlock", "TransformerClassifier"]


class MultiHeadSelfAttention(nn.Module):
    """Multi-head self-attention written from its equation (chapter 13, eq. ``eq-13-mha``).

    .. math::
        [Q\\,K\\,V] = X W_{in}^\\top + \\mathbf b_{in},

        \\operatorname{head}_i = \\operatorname{softmax}\\!\\Big(\\frac{Q_i K_i^\\top}{\\sqrt{d_h}}\\Big) V_i,

        Y = [\\operatorname{head}_1 \\dots \\operatorname{head}_h] W_o^\\top + \\mathbf b_o,

    with :math:`d_h = d_{model} / h`. ``in_proj_weight`` stacks :math:`W_q, W_k, W_v` as in
    ``torch.nn.MultiheadAttention``; :meth:`from_torch` copies such a module's weights.

    Parameters
    ----------
    d_model : int
    num_heads : int, a divisor of ``d_model``
    """

    def __init__(self, d_model: int, num_heads: int):
        super().__init__()
        self.d_model = check_positive_int("d_model", d_model)
        self.num_heads = check_positive_int("num_heads", num_heads)
        if d_model % num_heads:
            raise ValueError(f"num_heads must divide d_model={d_model}, got num_heads={num_heads}")
        self.in_proj_weight = nn.Parameter(torch.empty(3 * d_model, d_model))
        self.in_proj_bias = nn.Parameter(torch.zeros(3 * d_model))
        self.out_proj = nn.Linear(d_model, d_model)
        nn.init.xavier_uniform_(self.in_proj_weight)  # torch's initialisation
        nn.init.zeros_(self.out_proj.bias)

    @classmethod
    def from_torch(cls, mha: nn.MultiheadAttention) -> "MultiHeadSelfAttention":
        """A copy of a ``torch.nn.MultiheadAttention`` (with biases, equal q/k/v widths)."""
        if not isinstance(mha, nn.MultiheadAttention):
            raise TypeError(f"from_torch: mha must be a torch.nn.MultiheadAttention, got {type(mha).__name__}")
        if mha.in_proj_weight is None or mha.in_proj_bias is None:
            raise ValueError("from_torch needs a MultiheadAttention with bias=True and equal kdim/vdim")
        model = cls(mha.embed_dim, mha.num_heads).to(mha.in_proj_weight.dtype)
        with torch.no_grad():
            model.in_proj_weight.copy_(mha.in_proj_weight)
            model.in_proj_bias.copy_(mha.in_proj_bias)
            model.out_proj.load_state_dict(mha.out_proj.state_dict())
        return model

    def forward(self, x: torch.Tensor, causal: bool = False):
        """Self-attention over ``x`` (batch, T, d_model).

        ``causal=True`` lets step ``t`` attend only to steps ``s <= t``.
        Returns ``(y, weights)``: y (batch, T, d_model), weights (batch, num_heads, T, T).
        """
        causal = check_flag("causal", causal)
        x = as_model_input(self, "x", x)
        if x.ndim != 3 or x.shape[2] != self.d_model:
            raise ValueError(f"MultiHeadSelfAttention: input x must have shape (batch, T, {self.d_model}), "
                             f"got {tuple(x.shape)}")
        B, T, d = x.shape
        h = self.num_heads
        qkv = x @ self.in_proj_weight.T + self.in_proj_bias
        q, k, v = (t.reshape(B, T, h, d // h).transpose(1, 2) for t in qkv.split(d, dim=2))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d // h)
        if causal:
            allowed = torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
            scores = scores.masked_fill(~allowed, float("-inf"))
        weights = torch.softmax(scores, dim=-1)
        heads = (weights @ v).transpose(1, 2).reshape(B, T, d)
        return self.out_proj(heads), weights


class TransformerBlock(nn.Module):
    """A pre-norm transformer encoder block (chapter 13, eq. ``eq-13-block``).

    .. math::
        \\mathbf h = \\mathbf x + \\operatorname{MHA}(\\operatorname{LN}_1(\\mathbf x)), \\qquad
        \\mathbf y = \\mathbf h + W_2\\, \\operatorname{ReLU}(W_1 \\operatorname{LN}_2(\\mathbf h) + \\mathbf b_1) + \\mathbf b_2,

    the MLP acting on every step separately.

    Parameters
    ----------
    d_model, num_heads : int
    dim_feedforward : int
        Width of the MLP's hidden layer (default ``2 * d_model``).
    """

    def __init__(self, d_model: int, num_heads: int, dim_feedforward: int | None = None):
        super().__init__()
        self.attn = MultiHeadSelfAttention(d_model, num_heads)
        dim_feedforward = 2 * self.attn.d_model if dim_feedforward is None else check_positive_int("dim_feedforward", dim_feedforward)
        self.norm1 = nn.LayerNorm(d_model)
        self.norm2 = nn.LayerNorm(d_model)
        self.mlp = nn.Sequential(nn.Linear(d_model, dim_feedforward), nn.ReLU(), nn.Linear(dim_feedforward, d_model))

    def forward(self, x: torch.Tensor, causal: bool = False):
        """Returns ``(y, weights)`` with y of the shape of ``x`` and the attention weights (batch, heads, T, T)."""
        x = as_model_input(self, "x", x)
        a, weights = self.attn(self.norm1(x), causal=causal)
        h = x + a
        return h + self.mlp(self.norm2(h)), weights


class TransformerClassifier(nn.Module):
    """A small transformer for sequence classification or regression (chapter 13).

    :math:`\\mathbf z_t = W_{in} \\mathbf x_t + \\mathbf b_{in} + \\mathbf p_t` (:math:`\\mathbf p_t` the
    sinusoidal encoding of :func:`nnlib.attention.positional_encoding`), then ``n_blocks``
    :class:`TransformerBlock` s, a final layer norm and a linear read-out. Same interface as
    :class:`nnlib.models.SequenceModel`, so :func:`nnlib.train.fit` trains it.

    Parameters
    ----------
    input_size, d_model, output_size : int
    num_heads, n_blocks : int
    dim_feedforward : int, optional (default ``2 * d_model``)
    readout : {"last", "all"}
        ``"last"``: one output per sequence, from the last step, shape (batch, output_size);
        ``"all"``: one output per step, shape (batch, T, output_size).
    causal : bool
        Causal self-attention (step ``t`` sees only steps ``s <= t``).
    max_len : int
        Longest sequence (the positional encodings are precomputed up to it).
    """

    def __init__(self, input_size: int, d_model: int, output_size: int, *, num_heads: int = 2, n_blocks: int = 1,
                 dim_feedforward: int | None = None, readout: str = "last", causal: bool = False, max_len: int = 512):
        super().__init__()
        self.input_size = check_positive_int("input_size", input_size)
        self.readout = check_choice("readout", readout, ("last", "all"))
        self.causal = check_flag("causal", causal)
        self.max_len = check_positive_int("max_len", max_len)
        check_positive_int("n_blocks", n_blocks)
        self.embed = nn.Linear(input_size, check_positive_int("d_model", d_model))
        self.blocks = nn.ModuleList(TransformerBlock(d_model, num_heads, dim_feedforward) for _ in range(n_blocks))
        self.norm = nn.LayerNorm(d_model)
        self.out = nn.Linear(d_model, check_positive_int("output_size", output_size))
        self.register_buffer("pos", torch.as_tensor(positional_encoding(max_len, d_model),
                                                    dtype=self.embed.weight.dtype), persistent=False)

    def features(self, x: torch.Tensor):
        """The last block's output (batch, T, d_model) and the list of attention weights of every block."""
        x = as_model_input(self, "x", x)
        if x.ndim != 3 or x.shape[2] != self.input_size:
            raise ValueError(f"TransformerClassifier: input x must have shape (batch, T, {self.input_size}), "
                             f"got {tuple(x.shape)}")
        T = x.shape[1]
        if not 1 <= T <= self.max_len:
            raise ValueError(f"TransformerClassifier: sequences need 1 to max_len={self.max_len} steps, got {T}")
        z = self.embed(x) + self.pos[:T].to(x.dtype)
        maps = []
        for block in self.blocks:
            z, w = block(z, causal=self.causal)
            maps.append(w)
        return self.norm(z), maps

    def attention_maps(self, x: torch.Tensor) -> list:
        """The attention weights of every block, each (batch, num_heads, T, T), without gradients."""
        with torch.no_grad():
            return self.features(x)[1]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.out(self.features(x)[0])
        return y[:, -1] if self.readout == "last" else y
