"""Torch models: the Elman RNN, the LSTM and the GRU, written from their equations (chapter 11).

* :class:`ElmanRNN` -- :math:`\\mathbf h_t = \\tanh(U \\mathbf x_t + W \\mathbf h_{t-1} + \\mathbf b)`,
  :math:`\\mathbf y_t = V \\mathbf h_t + \\mathbf c`, with the matrices named as in chapter 11.
* :class:`LSTMCell` / :class:`LSTM` -- forget, input and output gates and a candidate,

  .. math::
      \\mathbf c_t = \\mathbf f_t \\odot \\mathbf c_{t-1} + \\mathbf i_t \\odot \\mathbf g_t, \\qquad
      \\mathbf h_t = \\mathbf o_t \\odot \\tanh(\\mathbf c_t),

  with :meth:`LSTM.from_torch` / :meth:`LSTM.to_torch` to exchange weights with
  ``torch.nn.LSTM`` (which orders its gates i, f, g, o and keeps two bias vectors).
* :class:`GRUCell` / :class:`GRU` -- reset and update gates and a candidate, one state,

  .. math::
      \\mathbf n_t = \\tanh\\big(W_n \\mathbf x_t + \\mathbf b_n + \\mathbf r_t \\odot (R_n \\mathbf h_{t-1} + \\mathbf b_{hn})\\big),

      \\mathbf h_t = (1 - \\mathbf z_t) \\odot \\mathbf n_t + \\mathbf z_t \\odot \\mathbf h_{t-1},

  with :meth:`GRU.from_torch` / :meth:`GRU.to_torch` for ``torch.nn.GRU`` (same gate order r, z, n).
* :class:`SequenceModel` -- any of the three plus a linear read-out, for sequence
  classification or regression (the memory task and next-number prediction of chapter 11).

All modules are batch-first: inputs have shape ``(batch, time, features)``.

Return values follow one rule: every recurrent layer returns ``(outputs, state)``, the
per-step outputs first, then the state.

* ``ElmanRNN(x) -> (y, h)``: the read-outs :math:`\\mathbf y_1..\\mathbf y_T` (batch, T, output_size)
  and *all* hidden states :math:`\\mathbf h_1..\\mathbf h_T` (batch, T, hidden_size), which
  back-propagation through time needs (``h[:, -1]`` is the state to carry on);
* ``LSTM(x) -> (h, (h_T, c_T))`` like ``torch.nn.LSTM``;
* ``GRU(x) -> (h, h_T)`` like ``torch.nn.GRU`` (without its leading layer axis).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .._checks import check_flag, check_choice, check_positive_int, check_real
from .._checks import as_float_array
from ._inputs import as_model_input

__all__ = ["ElmanRNN", "LSTMCell", "LSTM", "GRUCell", "GRU", "SequenceModel", "LSTM_GATES", "TORCH_LSTM_GATES",
           "GRU_GATES"]

#: Order of the gate blocks in the stacked weights of :class:`LSTMCell`.
LSTM_GATES = ("f", "i", "o", "g")
#: Order of the gate blocks in ``torch.nn.LSTM``'s ``weight_ih_l0`` etc.
TORCH_LSTM_GATES = ("i", "f", "g", "o")
#: Order of the gate blocks in :class:`GRUCell` and in ``torch.nn.GRU``'s ``weight_ih_l0`` etc.
GRU_GATES = ("r", "z", "n")

_NONLINEARITIES = {"tanh": torch.tanh, "relu": torch.relu}


def _check_input(name: str, x: torch.Tensor, input_size: int) -> None:
    if x.ndim != 3 or x.shape[2] != input_size:
        raise ValueError(f"{name}: input x must have shape (batch, time, {input_size}), got {tuple(x.shape)}")
    if x.shape[1] < 1:
        raise ValueError(f"{name}: input x needs at least one time step, got shape {tuple(x.shape)}")


def _check_step_input(name: str, x: torch.Tensor, input_size: int, param: str = "x") -> None:
    if x.ndim != 2 or x.shape[1] != input_size:
        raise ValueError(f"{name}: input {param} must have shape (batch, {input_size}), got {tuple(x.shape)}")


def _state(model: nn.Module, owner: str, name: str, s, batch: int, hidden_size: int, batch_of: str = "x") -> torch.Tensor:
    """A state argument ``name`` as a tensor of the model's dtype and shape (batch, hidden_size)."""
    s = as_model_input(model, name, s)
    if tuple(s.shape) != (batch, hidden_size):
        raise ValueError(f"{owner}: {name} must have shape ({batch}, {hidden_size}) (batch of the input {batch_of}, hidden_size), "
                         f"got {tuple(s.shape)}")
    return s


def _step_operands(model: nn.Module, owner: str, z_name: str, z, blocks: int, s_name: str, s):
    """An update step's operands: pre-activations ``z`` (batch, blocks * hidden_size) and a state (batch, hidden_size)."""
    z = as_model_input(model, z_name, z)
    width = blocks * model.hidden_size
    if z.ndim != 2 or z.shape[1] != width:
        raise ValueError(f"{owner}: {z_name} must have shape (batch, {width}) ({blocks} blocks of hidden_size), "
                         f"got {tuple(z.shape)}")
    return z, _state(model, owner, s_name, s, z.shape[0], model.hidden_size, z_name)


def _state_pair(model: nn.Module, owner: str, names: tuple, state, batch: int, hidden_size: int):
    """The LSTM's state ``(h, c)``: a pair of tensors (batch, hidden_size)."""
    if not isinstance(state, (tuple, list)) or len(state) != 2:
        raise TypeError(f"{owner}: state must be a pair ({names[0]}, {names[1]}) of tensors of shape "
                        f"(batch, {hidden_size}), got {type(state).__name__}")
    return tuple(_state(model, owner, n, s, batch, hidden_size) for n, s in zip(names, state))


class ElmanRNN(nn.Module):
    """A simple recurrent network (Elman, 1990) with per-step linear outputs.

    .. math::
        \\mathbf h_t = \\phi(U \\mathbf x_t + W \\mathbf h_{t-1} + \\mathbf b), \\qquad
        \\mathbf y_t = V \\mathbf h_t + \\mathbf c, \\qquad t = 1, \\dots, T,

    with :math:`\\phi = \\tanh` (or ReLU) and :math:`\\mathbf h_0 = \\mathbf 0` unless given.
    Derived in chapter 11 ("The recurrent network"); its gradient by back-propagation
    through time is written by hand in :mod:`nnlib.bptt`.

    Parameters
    ----------
    input_size, hidden_size, output_size : int
        Sizes of :math:`\\mathbf x_t`, :math:`\\mathbf h_t` and :math:`\\mathbf y_t`.
    nonlinearity : {"tanh", "relu"}

    Attributes
    ----------
    U : Parameter (hidden_size, input_size)   input-to-hidden weights
    W : Parameter (hidden_size, hidden_size)   recurrent (hidden-to-hidden) weights
    V : Parameter (output_size, hidden_size)   hidden-to-output weights
    b : Parameter (hidden_size,), c : Parameter (output_size,)   biases
    """

    def __init__(self, input_size: int, hidden_size: int, output_size: int, nonlinearity: str = "tanh"):
        super().__init__()
        self.input_size = check_positive_int("input_size", input_size)
        self.hidden_size = check_positive_int("hidden_size", hidden_size)
        self.output_size = check_positive_int("output_size", output_size)
        self.nonlinearity = check_choice("nonlinearity", nonlinearity, tuple(_NONLINEARITIES))
        self.U = nn.Parameter(torch.empty(hidden_size, input_size))
        self.W = nn.Parameter(torch.empty(hidden_size, hidden_size))
        self.V = nn.Parameter(torch.empty(output_size, hidden_size))
        self.b = nn.Parameter(torch.empty(hidden_size))
        self.c = nn.Parameter(torch.empty(output_size))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Uniform in :math:`\\pm 1/\\sqrt{n_{hidden}}`, like ``torch.nn.RNN``."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    @classmethod
    def from_params(cls, U, W, V, b, c, nonlinearity: str = "tanh", dtype=torch.float64) -> "ElmanRNN":
        """Build a network with the given weights (numpy arrays or tensors), e.g. those of :mod:`nnlib.bptt`."""
        U, W, V, b, c = (torch.as_tensor(as_float_array(name, p), dtype=dtype) for name, p in zip("UWVbc", (U, W, V, b, c)))
        for name, p in (("U", U), ("V", V)):
            if p.ndim != 2 or 0 in p.shape:
                raise ValueError(f"from_params: {name} must be a non-empty matrix, got shape {tuple(p.shape)}")
        hidden_size, input_size = U.shape
        expected = {"W": (hidden_size, hidden_size), "V": (V.shape[0], hidden_size), "b": (hidden_size,), "c": (V.shape[0],)}
        for name, p in zip("WVbc", (W, V, b, c)):
            if tuple(p.shape) != expected[name]:
                raise ValueError(f"from_params: {name} must have shape {expected[name]} to match U of shape "
                                 f"{tuple(U.shape)}, got {tuple(p.shape)}")
        model = cls(input_size, hidden_size, V.shape[0], nonlinearity).to(dtype)
        with torch.no_grad():
            for name, p in zip("UWVbc", (U, W, V, b, c)):
                getattr(model, name).copy_(p)
        return model

    def step(self, x_t: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        """One time step: :math:`\\mathbf h_t = \\phi(U \\mathbf x_t + W \\mathbf h_{t-1} + \\mathbf b)` (batched rows)."""
        x_t = as_model_input(self, "x_t", x_t)
        _check_step_input("ElmanRNN.step", x_t, self.input_size, "x_t")
        h = _state(self, "ElmanRNN.step", "h", h, x_t.shape[0], self.hidden_size, "x_t")
        return _NONLINEARITIES[self.nonlinearity](x_t @ self.U.T + h @ self.W.T + self.b)

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None):
        """Run the network over a batch of sequences.

        Parameters
        ----------
        x : tensor (batch, T, input_size)
        h0 : tensor (batch, hidden_size), optional (zeros by default)

        Returns
        -------
        y : tensor (batch, T, output_size)
            The outputs :math:`\\mathbf y_1, \\dots, \\mathbf y_T`.
        h : tensor (batch, T, hidden_size)
            The hidden states :math:`\\mathbf h_1, \\dots, \\mathbf h_T`.
        """
        x = as_model_input(self, "x", x)
        _check_input("ElmanRNN", x, self.input_size)
        batch, T, _ = x.shape
        h = x.new_zeros(batch, self.hidden_size) if h0 is None else _state(self, "ElmanRNN", "h0", h0, batch,
                                                                             self.hidden_size)
        phi = _NONLINEARITIES[self.nonlinearity]
        ux = x @ self.U.T + self.b  # the input drive of every step at once
        states = []
        for t in range(T):
            h = phi(ux[:, t] + h @ self.W.T)
            states.append(h)
        hs = torch.stack(states, dim=1)
        return hs @ self.V.T + self.c, hs


def _reorder_gates(t: torch.Tensor, hidden_size: int) -> torch.Tensor:
    """Reorder gate blocks between torch's (i, f, g, o) and ours (f, i, o, g).

    The permutation swaps blocks 0 <-> 1 and 2 <-> 3, so it is its own inverse.
    """
    i, f, g, o = t.split(hidden_size, dim=0)
    return torch.cat([f, i, o, g], dim=0)


class LSTMCell(nn.Module):
    """One step of a long short-term memory (Hochreiter & Schmidhuber, 1997) with a forget gate (Gers et al., 2000).

    .. math::
        \\begin{aligned}
        \\mathbf f_t &= \\sigma(W_f \\mathbf x_t + R_f \\mathbf h_{t-1} + \\mathbf b_f), &
        \\mathbf i_t &= \\sigma(W_i \\mathbf x_t + R_i \\mathbf h_{t-1} + \\mathbf b_i), \\\\
        \\mathbf g_t &= \\tanh(W_g \\mathbf x_t + R_g \\mathbf h_{t-1} + \\mathbf b_g), &
        \\mathbf o_t &= \\sigma(W_o \\mathbf x_t + R_o \\mathbf h_{t-1} + \\mathbf b_o), \\\\
        \\mathbf c_t &= \\mathbf f_t \\odot \\mathbf c_{t-1} + \\mathbf i_t \\odot \\mathbf g_t, &
        \\mathbf h_t &= \\mathbf o_t \\odot \\tanh(\\mathbf c_t).
        \\end{aligned}

    Derived gate by gate in chapter 11 ("The LSTM cell"). The four gate matrices are
    stacked in the order f, i, o, g (:data:`LSTM_GATES`: the three sigmoid gates first, so
    one call computes them) and one matrix product gives all pre-activations: ``weight_x`` is :math:`[W_f; W_i; W_o; W_g]`,
    ``weight_h`` is :math:`[R_f; R_i; R_o; R_g]` and ``bias`` is
    :math:`[\\mathbf b_f; \\mathbf b_i; \\mathbf b_o; \\mathbf b_g]`; :meth:`gate_params`
    returns the blocks of one gate.

    Parameters
    ----------
    input_size, hidden_size : int
    forget_bias : float
        Initial value of :math:`\\mathbf b_f`. A positive value (1 by default,
        Jozefowicz et al., 2015) starts the cell remembering: :math:`\\mathbf f_t \\approx 0.73`.
    """

    def __init__(self, input_size: int, hidden_size: int, forget_bias: float = 1.0):
        super().__init__()
        self.input_size = check_positive_int("input_size", input_size)
        self.hidden_size = check_positive_int("hidden_size", hidden_size)
        self.forget_bias = check_real("forget_bias", forget_bias)
        self.weight_x = nn.Parameter(torch.empty(4 * hidden_size, input_size))
        self.weight_h = nn.Parameter(torch.empty(4 * hidden_size, hidden_size))
        self.bias = nn.Parameter(torch.empty(4 * hidden_size))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Uniform in :math:`\\pm 1/\\sqrt{n_{hidden}}` (like torch), then :math:`\\mathbf b_f` = ``forget_bias``."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)
        with torch.no_grad():
            self.bias[:self.hidden_size].fill_(self.forget_bias)

    def gate_params(self, gate: str, grad: bool = False):
        """The blocks :math:`(W_k, R_k, \\mathbf b_k)` of one gate ``k`` in f, i, o, g.

        Views into the stacked parameters, or, with ``grad=True``, into their ``.grad``
        (after a backward pass).
        """
        k = LSTM_GATES.index(check_choice("gate", gate, LSTM_GATES))
        grad = check_flag("grad", grad)
        rows = slice(k * self.hidden_size, (k + 1) * self.hidden_size)
        tensors = (self.weight_x, self.weight_h, self.bias)
        if grad:
            if any(t.grad is None for t in tensors):
                raise ValueError("gate_params(grad=True): no gradients yet; call backward() first")
            tensors = tuple(t.grad for t in tensors)
        return tuple(t[rows] for t in tensors)

    def update(self, z: torch.Tensor, c: torch.Tensor, return_gates: bool = False):
        """Gates and new state from the stacked pre-activations ``z`` (batch, 4 hidden_size) and :math:`\\mathbf c_{t-1}`."""
        return_gates = check_flag("return_gates", return_gates)
        z, c = _step_operands(self, "LSTMCell.update", "z", z, 4, "c", c)
        H = self.hidden_size
        f, i, o = torch.sigmoid(z[:, :3 * H]).split(H, dim=1)  # the three gates: one call
        g = torch.tanh(z[:, 3 * H:])  # the candidate
        c = f * c + i * g
        h = o * torch.tanh(c)
        if return_gates:
            return h, c, {"f": f, "i": i, "g": g, "o": o}
        return h, c

    def forward(self, x: torch.Tensor, state=None, return_gates: bool = False):
        """One step. ``x``: (batch, input_size); ``state``: ``(h, c)`` each (batch, hidden_size), zeros by default.

        Returns ``(h, c)``, or ``(h, c, gates)`` with a dict of f, i, g, o if ``return_gates``.
        """
        return_gates = check_flag("return_gates", return_gates)
        x = as_model_input(self, "x", x)
        _check_step_input("LSTMCell", x, self.input_size)
        if state is None:
            zeros = x.new_zeros(x.shape[0], self.hidden_size)
            state = (zeros, zeros)
        h, c = _state_pair(self, "LSTMCell", ("h", "c"), state, x.shape[0], self.hidden_size)
        z = x @ self.weight_x.T + h @ self.weight_h.T + self.bias
        return self.update(z, c, return_gates)


class LSTM(nn.Module):
    """An LSTM layer: :class:`LSTMCell` applied along the time axis (batch-first).

    ``forward(x)`` returns ``(h, (h_T, c_T))`` like ``torch.nn.LSTM(..., batch_first=True)``
    with one layer. :meth:`from_torch` copies the weights of a ``torch.nn.LSTM`` (reordering
    its gates from i, f, g, o to f, i, o, g and adding its two bias vectors, since
    :math:`W\\mathbf x + \\mathbf b_{ih} + R\\mathbf h + \\mathbf b_{hh}` has one bias
    :math:`\\mathbf b = \\mathbf b_{ih} + \\mathbf b_{hh}`); :meth:`to_torch` goes the other way.
    """

    def __init__(self, input_size: int, hidden_size: int, forget_bias: float = 1.0):
        super().__init__()
        self.cell = LSTMCell(input_size, hidden_size, forget_bias)
        self.input_size, self.hidden_size = self.cell.input_size, self.cell.hidden_size

    def forward(self, x: torch.Tensor, state=None):
        """Run over ``x`` (batch, T, input_size); returns ``(h (batch, T, hidden_size), (h_T, c_T))``."""
        x = as_model_input(self, "x", x)
        _check_input("LSTM", x, self.input_size)
        batch, T, _ = x.shape
        if state is None:
            zeros = x.new_zeros(batch, self.hidden_size)
            state = (zeros, zeros)
        h, c = _state_pair(self, "LSTM", ("h0", "c0"), state, batch, self.hidden_size)
        cell = self.cell
        zx = x @ cell.weight_x.T + cell.bias  # input part of every step at once
        states = []
        for t in range(T):
            h, c = cell.update(zx[:, t] + h @ cell.weight_h.T, c)
            states.append(h)
        return torch.stack(states, dim=1), (h, c)

    @classmethod
    def from_torch(cls, lstm: nn.LSTM) -> "LSTM":
        """A copy of a one-layer, unidirectional ``torch.nn.LSTM`` (same dtype, same function)."""
        if not isinstance(lstm, nn.LSTM):
            raise TypeError(f"from_torch: lstm must be a torch.nn.LSTM, got {type(lstm).__name__}")
        if lstm.num_layers != 1 or lstm.bidirectional or lstm.proj_size != 0:
            raise ValueError("from_torch supports num_layers=1, bidirectional=False, proj_size=0; got "
                             f"num_layers={lstm.num_layers}, bidirectional={lstm.bidirectional}, "
                             f"proj_size={lstm.proj_size}")
        H = lstm.hidden_size
        dtype = lstm.weight_ih_l0.dtype
        model = cls(lstm.input_size, H).to(dtype)
        with torch.no_grad():
            model.cell.weight_x.copy_(_reorder_gates(lstm.weight_ih_l0, H))
            model.cell.weight_h.copy_(_reorder_gates(lstm.weight_hh_l0, H))
            if lstm.bias:
                model.cell.bias.copy_(_reorder_gates(lstm.bias_ih_l0 + lstm.bias_hh_l0, H))
            else:
                model.cell.bias.zero_()
        return model

    def to_torch(self) -> nn.LSTM:
        """An equivalent ``torch.nn.LSTM(batch_first=True)``: our bias goes to ``bias_ih``, ``bias_hh`` = 0."""
        H = self.hidden_size
        cell = self.cell
        lstm = nn.LSTM(self.input_size, H, batch_first=True).to(cell.weight_x.dtype)
        with torch.no_grad():
            lstm.weight_ih_l0.copy_(_reorder_gates(cell.weight_x, H))
            lstm.weight_hh_l0.copy_(_reorder_gates(cell.weight_h, H))
            lstm.bias_ih_l0.copy_(_reorder_gates(cell.bias, H))
            lstm.bias_hh_l0.zero_()
        return lstm


class GRUCell(nn.Module):
    """One step of a gated recurrent unit (Cho et al., 2014), in the convention of ``torch.nn.GRU``.

    .. math::
        \\begin{aligned}
        \\mathbf r_t &= \\sigma(W_r \\mathbf x_t + R_r \\mathbf h_{t-1} + \\mathbf b_r), \\qquad
        \\mathbf z_t = \\sigma(W_z \\mathbf x_t + R_z \\mathbf h_{t-1} + \\mathbf b_z), \\\\
        \\mathbf n_t &= \\tanh\\big(W_n \\mathbf x_t + \\mathbf b_n + \\mathbf r_t \\odot (R_n \\mathbf h_{t-1} + \\mathbf b_{hn})\\big), \\\\
        \\mathbf h_t &= (1 - \\mathbf z_t) \\odot \\mathbf n_t + \\mathbf z_t \\odot \\mathbf h_{t-1}.
        \\end{aligned}

    Derived in chapter 11 ("The gated recurrent unit"): one state, and an update gate
    :math:`\\mathbf z_t` that plays the LSTM's forget gate while :math:`1 - \\mathbf z_t` plays its
    input gate. The blocks are stacked in the order r, z, n (:data:`GRU_GATES`, torch's order):
    ``weight_x`` is :math:`[W_r; W_z; W_n]`, ``weight_h`` is :math:`[R_r; R_z; R_n]`, ``bias`` is
    :math:`[\\mathbf b_r; \\mathbf b_z; \\mathbf b_n]`. The candidate needs a second bias
    ``bias_hn`` :math:`= \\mathbf b_{hn}`, because the reset gate multiplies it (for r and z only the
    sum of torch's two biases matters, as in the LSTM).

    Parameters
    ----------
    input_size, hidden_size : int
    update_bias : float or None
        Initial value of :math:`\\mathbf b_z`; a positive value starts the unit keeping its
        state (:math:`\\mathbf z \\approx \\sigma(b_z)`). None (default) keeps torch's uniform
        initialisation.
    """

    def __init__(self, input_size: int, hidden_size: int, update_bias: float | None = None):
        super().__init__()
        self.input_size = check_positive_int("input_size", input_size)
        self.hidden_size = check_positive_int("hidden_size", hidden_size)
        self.update_bias = None if update_bias is None else check_real("update_bias", update_bias)
        self.weight_x = nn.Parameter(torch.empty(3 * hidden_size, input_size))
        self.weight_h = nn.Parameter(torch.empty(3 * hidden_size, hidden_size))
        self.bias = nn.Parameter(torch.empty(3 * hidden_size))
        self.bias_hn = nn.Parameter(torch.empty(hidden_size))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Uniform in :math:`\\pm 1/\\sqrt{n_{hidden}}` (like torch), then :math:`\\mathbf b_z` = ``update_bias`` if given."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)
        if self.update_bias is not None:
            with torch.no_grad():
                self.bias[self.hidden_size:2 * self.hidden_size].fill_(self.update_bias)

    def update(self, zx: torch.Tensor, h: torch.Tensor, return_gates: bool = False):
        """New state from the input part ``zx`` = :math:`W\\mathbf x_t + \\mathbf b` (batch, 3 hidden_size) and :math:`\\mathbf h_{t-1}`."""
        return_gates = check_flag("return_gates", return_gates)
        zx, h = _step_operands(self, "GRUCell.update", "zx", zx, 3, "h", h)
        H = self.hidden_size
        zh = h @ self.weight_h.T  # recurrent part of all three blocks: R_r h, R_z h, R_n h
        r, z = torch.sigmoid(zx[:, :2 * H] + zh[:, :2 * H]).split(H, dim=1)  # the two gates: one call
        # candidate W_n x + b_n + r * (R_n h + b_hn): the reset gate acts on the recurrent term
        n = torch.tanh(torch.addcmul(zx[:, 2 * H:], r, zh[:, 2 * H:] + self.bias_hn))
        h_new = torch.lerp(n, h, z)  # n + z * (h - n) = (1 - z) * n + z * h
        return (h_new, {"r": r, "z": z, "n": n}) if return_gates else h_new

    def forward(self, x: torch.Tensor, h: torch.Tensor | None = None, return_gates: bool = False):
        """One step. ``x``: (batch, input_size); ``h``: (batch, hidden_size), zeros by default.

        Returns the new state ``h``, or ``(h, gates)`` with a dict of r, z, n if ``return_gates``.
        """
        return_gates = check_flag("return_gates", return_gates)
        x = as_model_input(self, "x", x)
        _check_step_input("GRUCell", x, self.input_size)
        h = x.new_zeros(x.shape[0], self.hidden_size) if h is None else _state(self, "GRUCell", "h", h, x.shape[0],
                                                                                 self.hidden_size)
        return self.update(x @ self.weight_x.T + self.bias, h, return_gates)


class GRU(nn.Module):
    """A GRU layer: :class:`GRUCell` applied along the time axis (batch-first).

    ``forward(x)`` returns ``(h, h_T)`` like ``torch.nn.GRU(..., batch_first=True)`` with one
    layer (whose ``h_T`` has a leading layer axis of length 1). :meth:`from_torch` copies the
    weights of a ``torch.nn.GRU``: the gate order r, z, n is the same, the biases of r and z
    are added (:math:`\\mathbf b = \\mathbf b_{ih} + \\mathbf b_{hh}` there), and the n block of
    ``bias_hh`` becomes ``bias_hn``; :meth:`to_torch` goes the other way.
    """

    def __init__(self, input_size: int, hidden_size: int, update_bias: float | None = None):
        super().__init__()
        self.cell = GRUCell(input_size, hidden_size, update_bias)
        self.input_size, self.hidden_size = self.cell.input_size, self.cell.hidden_size

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None):
        """Run over ``x`` (batch, T, input_size); returns ``(h (batch, T, hidden_size), h_T)``."""
        x = as_model_input(self, "x", x)
        _check_input("GRU", x, self.input_size)
        batch, T, _ = x.shape
        h = x.new_zeros(batch, self.hidden_size) if h0 is None else _state(self, "GRU", "h0", h0, batch,
                                                                             self.hidden_size)
        cell = self.cell
        zx = x @ cell.weight_x.T + cell.bias  # input part of every step at once
        states = []
        for t in range(T):
            h = cell.update(zx[:, t], h)
            states.append(h)
        return torch.stack(states, dim=1), h

    @classmethod
    def from_torch(cls, gru: nn.GRU) -> "GRU":
        """A copy of a one-layer, unidirectional ``torch.nn.GRU`` (same dtype, same function)."""
        if not isinstance(gru, nn.GRU):
            raise TypeError(f"from_torch: gru must be a torch.nn.GRU, got {type(gru).__name__}")
        if gru.num_layers != 1 or gru.bidirectional:
            raise ValueError("from_torch supports num_layers=1, bidirectional=False; got "
                             f"num_layers={gru.num_layers}, bidirectional={gru.bidirectional}")
        H = gru.hidden_size
        model = cls(gru.input_size, H).to(gru.weight_ih_l0.dtype)
        with torch.no_grad():
            model.cell.weight_x.copy_(gru.weight_ih_l0)
            model.cell.weight_h.copy_(gru.weight_hh_l0)
            if gru.bias:
                model.cell.bias.copy_(gru.bias_ih_l0)
                model.cell.bias[:2 * H] += gru.bias_hh_l0[:2 * H]
                model.cell.bias_hn.copy_(gru.bias_hh_l0[2 * H:])
            else:
                model.cell.bias.zero_()
                model.cell.bias_hn.zero_()
        return model

    def to_torch(self) -> nn.GRU:
        """An equivalent ``torch.nn.GRU(batch_first=True)``: ``bias_ih`` = our bias, ``bias_hh`` = (0, 0, ``bias_hn``)."""
        H = self.hidden_size
        cell = self.cell
        gru = nn.GRU(self.input_size, H, batch_first=True).to(cell.weight_x.dtype)
        with torch.no_grad():
            gru.weight_ih_l0.copy_(cell.weight_x)
            gru.weight_hh_l0.copy_(cell.weight_h)
            gru.bias_ih_l0.copy_(cell.bias)
            gru.bias_hh_l0.zero_()
            gru.bias_hh_l0[2 * H:] = cell.bias_hn
        return gru


class SequenceModel(nn.Module):
    """A recurrent network with a linear read-out, for sequence classification or regression.

    ``cell="rnn"`` uses an :class:`ElmanRNN` (its :math:`V, \\mathbf c` are the read-out);
    ``cell="lstm"`` an :class:`LSTM` and ``cell="gru"`` a :class:`GRU`, each followed by
    ``nn.Linear(hidden_size, output_size)``.

    Parameters
    ----------
    input_size, hidden_size, output_size : int
    cell : {"lstm", "rnn", "gru"}
    readout : {"last", "all"}
        ``"last"``: one output per sequence, from the last hidden state, shape (batch, output_size)
        (e.g. logits for the memory task); ``"all"``: one output per step, shape
        (batch, T, output_size) (e.g. next-number prediction).
    forget_bias : float
        Initial forget-gate bias of the LSTM, and initial update-gate bias :math:`\\mathbf b_z`
        of the GRU (the gate that keeps the state in both); ignored for ``"rnn"``.
    """

    def __init__(self, input_size: int, hidden_size: int, output_size: int, *, cell: str = "lstm", readout: str = "last",
                 forget_bias: float = 1.0):
        super().__init__()
        self.cell_type = check_choice("cell", cell, ("lstm", "rnn", "gru"))
        self.readout = check_choice("readout", readout, ("last", "all"))
        if cell == "rnn":
            self.rnn = ElmanRNN(input_size, hidden_size, output_size)
            self.out = None
        else:
            self.rnn = (LSTM(input_size, hidden_size, forget_bias=forget_bias) if cell == "lstm"
                        else GRU(input_size, hidden_size, update_bias=forget_bias))
            self.out = nn.Linear(hidden_size, check_positive_int("output_size", output_size))

    def hidden_states(self, x: torch.Tensor) -> torch.Tensor:
        """The hidden states :math:`\\mathbf h_1, \\dots, \\mathbf h_T`, shape (batch, T, hidden_size)."""
        return self.rnn(x)[1] if self.cell_type == "rnn" else self.rnn(x)[0]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.cell_type == "rnn":
            y, _ = self.rnn(x)
        else:
            y = self.out(self.rnn(x)[0])
        return y[:, -1] if self.readout == "last" else y
