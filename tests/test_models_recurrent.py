"""Tests of nnlib.models.recurrent: the Elman RNN, the LSTM and the GRU written from the equations."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib import bptt
from nnlib.models import (GRU, GRU_GATES, LSTM, LSTM_GATES, ElmanRNN, GRUCell, LSTMCell, SequenceModel,
                          TORCH_LSTM_GATES, n_parameters)


def _torch_lstm(input_size, hidden_size, seed, bias=True):
    torch.manual_seed(seed)
    lstm = torch.nn.LSTM(input_size, hidden_size, batch_first=True, bias=bias).double()
    with torch.no_grad():  # biases of both vectors non-trivial
        for p in lstm.parameters():
            p.uniform_(-0.8, 0.8)
    return lstm


def _reorder_torch_grad(g, H):
    i, f, gg, o = g.split(H)
    return torch.cat([f, i, o, gg])


@settings(max_examples=15, deadline=None)
@given(input_size=st.integers(1, 4), hidden_size=st.integers(1, 5), batch=st.integers(1, 3), T=st.integers(1, 6),
       seed=st.integers(0, 1000))
def test_lstm_equals_torch_outputs_and_gradients(input_size, hidden_size, batch, T, seed):
    lstm = _torch_lstm(input_size, hidden_size, seed)
    ours = LSTM.from_torch(lstm)
    g = torch.Generator().manual_seed(seed + 1)
    x = torch.randn(batch, T, input_size, dtype=torch.float64, generator=g)
    h0 = torch.randn(batch, hidden_size, dtype=torch.float64, generator=g)
    c0 = torch.randn(batch, hidden_size, dtype=torch.float64, generator=g)
    w_out = torch.randn(batch, T, hidden_size, dtype=torch.float64, generator=g)

    x_t, x_o = x.clone().requires_grad_(), x.clone().requires_grad_()
    out_t, (hT_t, cT_t) = lstm(x_t, (h0[None], c0[None]))
    out_o, (hT_o, cT_o) = ours(x_o, (h0, c0))
    torch.testing.assert_close(out_o, out_t, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(hT_o, hT_t[0], rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(cT_o, cT_t[0], rtol=1e-12, atol=1e-12)

    ((out_t * w_out).sum() + cT_t.sum()).backward()
    ((out_o * w_out).sum() + cT_o.sum()).backward()
    H = hidden_size
    torch.testing.assert_close(x_o.grad, x_t.grad, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(ours.cell.weight_x.grad, _reorder_torch_grad(lstm.weight_ih_l0.grad, H),
                               rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(ours.cell.weight_h.grad, _reorder_torch_grad(lstm.weight_hh_l0.grad, H),
                               rtol=1e-12, atol=1e-12)
    # the gradient of the one bias equals that of each of torch's two bias vectors
    torch.testing.assert_close(ours.cell.bias.grad, _reorder_torch_grad(lstm.bias_ih_l0.grad, H),
                               rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(ours.cell.bias.grad, _reorder_torch_grad(lstm.bias_hh_l0.grad, H),
                               rtol=1e-12, atol=1e-12)


def test_to_torch_round_trip_and_no_bias():
    torch.manual_seed(0)
    ours = LSTM(3, 4).double()
    back = ours.to_torch()
    x = torch.randn(2, 5, 3, dtype=torch.float64)
    torch.testing.assert_close(back(x)[0], ours(x)[0], rtol=1e-12, atol=1e-12)
    again = LSTM.from_torch(back)
    for a, b in zip(again.parameters(), ours.parameters()):
        torch.testing.assert_close(a, b)
    nobias = _torch_lstm(2, 3, 1, bias=False)
    torch.testing.assert_close(LSTM.from_torch(nobias)(x[..., :2])[0], nobias(x[..., :2])[0],
                               rtol=1e-12, atol=1e-12)


def test_cell_equations_by_hand():
    """One step of LSTMCell against the equations written out gate by gate."""
    torch.manual_seed(3)
    cell = LSTMCell(2, 3).double()
    x, h, c = (torch.randn(4, n, dtype=torch.float64) for n in (2, 3, 3))
    pre = {}
    for name in LSTM_GATES:
        Wg, Rg, bg = cell.gate_params(name)
        pre[name] = x @ Wg.T + h @ Rg.T + bg
    f, i, o = (torch.sigmoid(pre[k]) for k in "fio")
    g = torch.tanh(pre["g"])
    c_new = f * c + i * g
    h_new, c_out, gates = cell(x, (h, c), return_gates=True)
    torch.testing.assert_close(c_out, c_new)
    torch.testing.assert_close(h_new, o * torch.tanh(c_new))
    torch.testing.assert_close(gates["f"], f)
    # the cell applied step by step equals the layer
    lstm = LSTM(2, 3).double()
    lstm.cell.load_state_dict(cell.state_dict())
    xs = torch.randn(4, 3, 2, dtype=torch.float64)
    state = None
    for t in range(3):
        state = cell(xs[:, t], state)
    torch.testing.assert_close(lstm(xs)[1][0], state[0])


def test_forget_gate_alone_keeps_or_erases_the_cell():
    cell = LSTMCell(1, 2, forget_bias=0.0).double()
    with torch.no_grad():
        for p in cell.parameters():
            p.zero_()
        cell.gate_params("f")[2].fill_(50.0)  # f = 1
        cell.gate_params("i")[2].fill_(-50.0)  # i = 0
    c = torch.tensor([[0.3, -0.7]], dtype=torch.float64)
    _, c1 = cell(torch.ones(1, 1, dtype=torch.float64), (torch.zeros(1, 2, dtype=torch.float64), c))
    torch.testing.assert_close(c1, c)


def test_forget_bias_initialisation_and_gate_order():
    cell = LSTMCell(3, 5, forget_bias=2.5)
    assert torch.all(cell.gate_params("f")[2] == 2.5)
    assert LSTM_GATES == ("f", "i", "o", "g") and TORCH_LSTM_GATES == ("i", "f", "g", "o")
    assert cell.weight_x.shape == (20, 3) and cell.weight_h.shape == (20, 5)


def test_elman_matches_torch_rnn():
    torch.manual_seed(0)
    ref = torch.nn.RNN(3, 4, batch_first=True).double()
    model = ElmanRNN.from_params(ref.weight_ih_l0.detach(), ref.weight_hh_l0.detach(), torch.randn(2, 4),
                                 (ref.bias_ih_l0 + ref.bias_hh_l0).detach(), torch.zeros(2))
    x = torch.randn(5, 7, 3, dtype=torch.float64)
    y, h = model(x)
    torch.testing.assert_close(h, ref(x)[0], rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(y, h @ model.V.T + model.c)


def test_elman_autograd_equals_numpy_bptt():
    rng = np.random.default_rng(0)
    params = bptt.init_rnn(3, 5, 2, rng)
    params["b"], params["c"] = rng.normal(size=5), rng.normal(size=2)
    X, targets, h0 = rng.normal(size=(4, 6, 3)), rng.normal(size=(4, 6, 2)), rng.normal(size=(4, 5))
    E, grads, _ = bptt.loss_and_grads(params, X, targets, h0=h0)
    model = ElmanRNN.from_params(**params)
    h0_t = torch.tensor(h0, requires_grad=True)
    y, _ = model(torch.tensor(X), h0_t)
    loss = 0.5 * ((y - torch.tensor(targets)) ** 2).sum()
    loss.backward()
    assert abs(loss.item() - E) < 1e-12
    for name in "UWVbc":
        np.testing.assert_allclose(getattr(model, name).grad.numpy(), grads[name], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h0_t.grad.numpy(), grads["h0"], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("cell", ["lstm", "rnn", "gru"])
def test_sequence_model_shapes(cell):
    torch.manual_seed(0)
    x = torch.randn(3, 7, 5)
    assert SequenceModel(5, 6, 4, cell=cell)(x).shape == (3, 4)
    model = SequenceModel(5, 6, 1, cell=cell, readout="all")
    assert model(x).shape == (3, 7, 1)
    assert model.hidden_states(x).shape == (3, 7, 6)


def test_bad_input():
    with pytest.raises(ValueError, match="input x must have shape"):
        LSTM(3, 4)(torch.randn(2, 5, 2))
    with pytest.raises(ValueError, match="input x must have shape"):
        ElmanRNN(3, 4, 1)(torch.randn(5, 3))
    with pytest.raises(ValueError, match=r"h0 must have shape \(2, 4\)"):
        ElmanRNN(3, 4, 1)(torch.randn(2, 5, 3), torch.zeros(3, 4))
    with pytest.raises(ValueError, match=r"c0 must have shape"):
        LSTM(3, 4)(torch.randn(2, 5, 3), (torch.zeros(2, 4), torch.zeros(2, 3)))
    with pytest.raises(ValueError, match="hidden_size must be an integer >= 1"):
        LSTM(3, 0)
    with pytest.raises(ValueError, match="cell must be one of 'lstm', 'rnn', 'gru'"):
        SequenceModel(3, 4, 2, cell="transformer")
    with pytest.raises(ValueError, match="readout must be one of"):
        SequenceModel(3, 4, 2, readout="first")
    with pytest.raises(ValueError, match="nonlinearity must be one of"):
        ElmanRNN(3, 4, 1, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="gate must be one of"):
        LSTMCell(2, 2).gate_params("z")
    with pytest.raises(ValueError, match="num_layers=1"):
        LSTM.from_torch(torch.nn.LSTM(2, 3, num_layers=2))
    with pytest.raises(TypeError, match="torch.nn.LSTM"):
        LSTM.from_torch(torch.nn.GRU(2, 3))
    with pytest.raises(TypeError, match="state must be a pair"):
        LSTM(3, 4)(torch.randn(2, 5, 3), "hc")
    with pytest.raises(TypeError, match="forget_bias"):
        LSTMCell(2, 2, forget_bias=np.ones(2))
    # states given as numpy arrays or lists are converted like the input
    lstm = LSTM(3, 4).double()
    x = torch.randn(2, 5, 3, dtype=torch.float64)
    zeros = np.zeros((2, 4))
    torch.testing.assert_close(lstm(x, (zeros, zeros.tolist()))[0], lstm(x)[0])
    with pytest.raises(ValueError, match="W must have shape"):
        ElmanRNN.from_params(np.zeros((4, 3)), np.zeros((3, 3)), np.zeros((1, 4)), np.zeros(4), np.zeros(1))


def _torch_gru(input_size, hidden_size, seed, bias=True):
    torch.manual_seed(seed)
    gru = torch.nn.GRU(input_size, hidden_size, batch_first=True, bias=bias).double()
    with torch.no_grad():  # every bias block non-trivial, b_hn in particular
        for p in gru.parameters():
            p.uniform_(-0.8, 0.8)
    return gru


@settings(max_examples=15, deadline=None)
@given(input_size=st.integers(1, 4), hidden_size=st.integers(1, 5), batch=st.integers(1, 3), T=st.integers(1, 6),
       seed=st.integers(0, 1000))
def test_gru_equals_torch_outputs_and_gradients(input_size, hidden_size, batch, T, seed):
    gru = _torch_gru(input_size, hidden_size, seed)
    ours = GRU.from_torch(gru)
    g = torch.Generator().manual_seed(seed + 1)
    x = torch.randn(batch, T, input_size, dtype=torch.float64, generator=g)
    h0 = torch.randn(batch, hidden_size, dtype=torch.float64, generator=g)
    w_out = torch.randn(batch, T, hidden_size, dtype=torch.float64, generator=g)

    x_t, x_o = x.clone().requires_grad_(), x.clone().requires_grad_()
    h0_t, h0_o = h0[None].clone().requires_grad_(), h0.clone().requires_grad_()
    out_t, hT_t = gru(x_t, h0_t)
    out_o, hT_o = ours(x_o, h0_o)
    torch.testing.assert_close(out_o, out_t, rtol=1e-10, atol=1e-10)
    torch.testing.assert_close(hT_o, hT_t[0], rtol=1e-10, atol=1e-10)

    ((out_t * w_out).sum() + hT_t.pow(2).sum()).backward()
    ((out_o * w_out).sum() + hT_o.pow(2).sum()).backward()
    H = hidden_size
    close = dict(rtol=1e-10, atol=1e-10)
    torch.testing.assert_close(x_o.grad, x_t.grad, **close)
    torch.testing.assert_close(h0_o.grad, h0_t.grad[0], **close)
    torch.testing.assert_close(ours.cell.weight_x.grad, gru.weight_ih_l0.grad, **close)
    torch.testing.assert_close(ours.cell.weight_h.grad, gru.weight_hh_l0.grad, **close)
    torch.testing.assert_close(ours.cell.bias.grad, gru.bias_ih_l0.grad, **close)
    # r and z: one bias is the sum of torch's two, so both get its gradient; n: b_hn on its own
    torch.testing.assert_close(ours.cell.bias.grad[:2 * H], gru.bias_hh_l0.grad[:2 * H], **close)
    torch.testing.assert_close(ours.cell.bias_hn.grad, gru.bias_hh_l0.grad[2 * H:], **close)


def test_gru_round_trip_and_no_bias():
    torch.manual_seed(0)
    ours = GRU(3, 4, update_bias=0.7).double()
    with torch.no_grad():
        ours.cell.bias_hn.uniform_(-1, 1)
    back = ours.to_torch()
    assert isinstance(back, torch.nn.GRU) and back.batch_first
    x = torch.randn(2, 5, 3, dtype=torch.float64)
    torch.testing.assert_close(back(x)[0], ours(x)[0], rtol=1e-12, atol=1e-12)
    again = GRU.from_torch(back)
    for (name, a), b in zip(again.named_parameters(), ours.parameters()):
        torch.testing.assert_close(a, b, msg=name)
    nobias = _torch_gru(2, 3, 1, bias=False)
    torch.testing.assert_close(GRU.from_torch(nobias)(x[..., :2])[0], nobias(x[..., :2])[0], rtol=1e-12, atol=1e-12)


def test_gru_cell_equations_by_hand():
    """One GRUCell step against the equations written out gate by gate; the cell step by step equals the layer."""
    torch.manual_seed(2)
    cell = GRUCell(2, 3).double()
    x, h = torch.randn(4, 2, dtype=torch.float64), torch.randn(4, 3, dtype=torch.float64)
    W, R, b = (t.split(3) for t in (cell.weight_x, cell.weight_h, cell.bias))
    r = torch.sigmoid(x @ W[0].T + h @ R[0].T + b[0])
    z = torch.sigmoid(x @ W[1].T + h @ R[1].T + b[1])
    n = torch.tanh(x @ W[2].T + b[2] + r * (h @ R[2].T + cell.bias_hn))
    h_new, gates = cell(x, h, return_gates=True)
    torch.testing.assert_close(h_new, (1 - z) * n + z * h)
    for name, value in zip(GRU_GATES, (r, z, n)):
        torch.testing.assert_close(gates[name], value)
    layer = GRU(2, 3).double()
    layer.cell.load_state_dict(cell.state_dict())
    xs = torch.randn(4, 5, 2, dtype=torch.float64)
    state = None
    for t in range(5):
        state = cell(xs[:, t], state)
    torch.testing.assert_close(layer(xs)[1], state)


def test_gru_update_gate_keeps_the_state_and_init():
    cell = GRUCell(1, 2, update_bias=50.0).double()  # z = 1: h_t = h_{t-1} whatever the input
    assert torch.all(cell.bias[2:4] == 50.0) and GRU_GATES == ("r", "z", "n")
    h = torch.tensor([[0.3, -0.7]], dtype=torch.float64)
    torch.testing.assert_close(cell(torch.full((1, 1), 5.0, dtype=torch.float64), h), h)
    assert cell.weight_x.shape == (6, 1) and cell.weight_h.shape == (6, 2) and cell.bias_hn.shape == (2,)
    # default: torch's uniform initialisation everywhere, parameter count 3 (n_h n_in + n_h^2 + n_h) + n_h
    torch.manual_seed(0)
    plain = GRU(5, 16)
    bound = 1 / 16 ** 0.5
    assert all(p.abs().max() <= bound for p in plain.parameters())
    assert n_parameters(plain) == 3 * (16 * 5 + 16 * 16 + 16) + 16 == sum(
        p.numel() for p in torch.nn.GRU(5, 16).parameters()) - 2 * 16
    model = SequenceModel(5, 6, 4, cell="gru", forget_bias=2.0)
    assert torch.all(model.rnn.cell.bias[6:12] == 2.0)


def test_gru_bad_input():
    with pytest.raises(ValueError, match="input x must have shape"):
        GRU(3, 4)(torch.randn(2, 5, 2))
    with pytest.raises(ValueError, match=r"GRU: h0 must have shape \(2, 4\)"):
        GRU(3, 4)(torch.randn(2, 5, 3), torch.zeros(3, 4))
    with pytest.raises(ValueError, match="input x must have shape"):
        GRUCell(3, 4)(torch.randn(2, 5, 3))
    with pytest.raises(ValueError, match=r"GRUCell: h must have shape"):
        GRUCell(3, 4)(torch.randn(2, 3), torch.zeros(2, 5))
    with pytest.raises(ValueError, match="hidden_size must be an integer >= 1"):
        GRU(3, 0)
    with pytest.raises(ValueError, match="input_size must be an integer >= 1"):
        GRUCell(-1, 2)
    with pytest.raises(ValueError, match="update_bias"):
        GRUCell(2, 2, update_bias=float("nan"))
    with pytest.raises(TypeError, match="return_gates must be True or False"):
        GRUCell(2, 2)(torch.zeros(1, 2), return_gates="yes")
    with pytest.raises(TypeError, match="torch.nn.GRU"):
        GRU.from_torch(torch.nn.LSTM(2, 3))
    with pytest.raises(ValueError, match="num_layers=1"):
        GRU.from_torch(torch.nn.GRU(2, 3, num_layers=2))
    with pytest.raises(ValueError, match="bidirectional"):
        GRU.from_torch(torch.nn.GRU(2, 3, bidirectional=True))
    with pytest.raises(TypeError, match="x"):
        GRU(2, 3)(None)
    with pytest.raises(TypeError, match="h0"):
        GRU(2, 3)(torch.zeros(1, 4, 2), "zeros")
    with pytest.raises(TypeError, match="update_bias"):
        GRUCell(2, 2, update_bias=np.ones(3))
    with pytest.raises(TypeError, match="gru must be a torch.nn.GRU"):
        GRU.from_torch(None)
