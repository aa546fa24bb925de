"""Bad input is refused clearly, before any work starts (nnlib._checks and its users).

One test per failure mode that a sweep over the public API found: hangs, silent wrong
answers and errors that did not name the parameter.
"""

import time

import numpy as np
import pytest

from nnlib import _checks, approximation, functional
from nnlib.autodiff import Var
from nnlib.backprop import bce_with_logits
from nnlib.bptt import sequence_half_sse
from nnlib.conv import conv2d_forward, shift_images
from nnlib.data.sequences import delayed_recall, key_value_lookup, next_number_sequences
from nnlib.data.toy import train_val_test_split
from nnlib.gradcheck import check_grad, numerical_grad
from nnlib.hopfield import Hopfield
from nnlib.neurons import simulate_hh, simulate_lif
from nnlib.nn import Linear, binary_cross_entropy, mse_loss
from nnlib.optim import Adam
from nnlib.plot import image_grid
from nnlib.synapses import psc_filter
from nnlib.widgets import frame_slider

try:  # the torch-backed half of nnlib (tests that mention torch are skipped without it)
    import torch

    from nnlib.models import LSTM, MLP, VAE, ElmanRNN
    from nnlib.train import accuracy, fit
except ImportError:
    torch = None


@pytest.mark.parametrize("bad, error, words", [
    (None, TypeError, "v_in must be a real number or array, got NoneType"),
    ("1.5", TypeError, "v_in must be a real number or array, got str"),
    (1.5 + 1j, TypeError, "v_in must be real numbers .* got complex"),
    (np.array([1.5, None], dtype=object), TypeError, "v_in must be real numbers .* dtype object"),
])
def test_strict_conversion_names_the_parameter(bad, error, words):
    with pytest.raises(error, match=words):
        simulate_lif(bad, 0.1)


@pytest.mark.parametrize("call, words", [
    (lambda: simulate_lif(1e20, 0.001, tau_ref=0.0), "spikes"),       # used to loop forever
    (lambda: simulate_lif(1.5, 1e6), "time steps"),                   # 1e10 steps
    (lambda: simulate_hh(10.0, 1e6, record_gates=False), "time steps"),
    (lambda: Hopfield(10**6), "weights"),
    (lambda: conv2d_forward(np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 3, 3)), padding=10**6), "entries"),
])
def test_oversized_work_is_refused_before_it_starts(call, words):
    start = time.perf_counter()
    with pytest.raises(ValueError, match=f"{words}, above the limit"):
        call()
    assert time.perf_counter() - start < 1.0


def test_limits_can_be_raised_deliberately(monkeypatch):
    monkeypatch.setattr(_checks, "MAX_STEPS", 5)
    with pytest.raises(ValueError, match="MAX_STEPS"):
        simulate_lif(1.5, 0.001, dt=1e-4)


def test_frame_slider_refuses_a_budget_overrun_after_one_frame():
    import matplotlib.pyplot as plt
    drawn = []

    def draw(v):
        drawn.append(v)
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.imshow(np.random.default_rng(v).random((200, 200)))
        return fig
    with pytest.raises(ValueError, match="max_bytes"):
        frame_slider(draw, max_bytes=50_000, v=list(range(100)))
    assert len(drawn) == 1


def test_losses_refuse_targets_outside_0_1():
    with pytest.raises(ValueError, match=r"target must lie in \[0, 1\]"):
        binary_cross_entropy(np.array([0.5, 0.5]), np.array([0.0, 2.0]))
    with pytest.raises(ValueError, match=r"targets t must lie in \[0, 1\]"):
        bce_with_logits(np.zeros(2), np.array([-1.0, 0.0]))
    vae = VAE(4, hidden_sizes=[3], latent_size=2)
    with pytest.raises(ValueError, match=r"Bernoulli decoder needs data x in \[0, 1\]"):
        vae.loss(torch.full((2, 4), 3.0))


def test_accuracy_nan_in_nan_out_and_integer_targets():
    assert np.isnan(accuracy(torch.tensor([[np.nan, 0.0], [1.0, 0.0]]), torch.tensor([0, 0])))
    with pytest.raises(ValueError, match="whole numbers"):
        accuracy(torch.tensor([[0.0, 1.0]]), torch.tensor([0.5]))


def test_sequence_loss_needs_three_axes():
    with pytest.raises(ValueError, match=r"\(batch, time, outputs\)"):
        sequence_half_sse(np.zeros((2, 3)), np.zeros((2, 3)))


def test_check_grad_never_returns_nan():
    with pytest.raises(ValueError, match="not finite"), np.errstate(invalid="ignore"):
        check_grad(lambda x: float(np.sum(np.log(x))), np.array([-1.0]), np.array([1.0]))


def test_linear_honours_an_integer_seed():
    a, b = Linear(3, 2, rng=0), Linear(3, 2, rng=0)
    assert np.array_equal(a.weight.val, b.weight.val)
    assert not np.array_equal(a.weight.val, Linear(3, 2, rng=1).weight.val)


def test_adam_needs_positive_eps():
    with pytest.raises(ValueError, match="eps must be > 0"):
        Adam([Var(np.ones(2))], eps=0.0)


def test_fit_refuses_another_models_optimizer():
    model, other = MLP([2, 3, 1]), MLP([2, 3, 1])
    opt = torch.optim.SGD(other.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="holds none of this model's parameters"):
        fit(model, (torch.zeros(4, 2), torch.zeros(4, 1)), torch.nn.functional.mse_loss, opt, 1)


def test_models_accept_arrays_and_other_float_dtypes():
    model = MLP([2, 3, 1])
    expected = model(torch.ones(4, 2))
    for x in (np.ones((4, 2)), [[1.0, 1.0]] * 4, torch.ones(4, 2, dtype=torch.float32)):
        torch.testing.assert_close(model(x), expected)
    with pytest.raises(TypeError, match="x must be real numbers"):
        model(np.ones((4, 2)) + 1j)


@pytest.mark.parametrize("make", [lambda: ElmanRNN(2, 3, 1), lambda: LSTM(2, 3)])
def test_recurrent_models_need_a_time_step(make):
    with pytest.raises(ValueError, match="at least one time step"):
        make()(torch.zeros(4, 0, 2))


def test_autodiff_matches_torch_at_base_zero_and_keeps_dtypes():
    for p in (0.0, 2.0):
        x = Var(np.array([0.0, 1.0]))
        (x ** p).sum().backward()
        t = torch.tensor([0.0, 1.0], requires_grad=True)
        (t ** p).sum().backward()
        np.testing.assert_array_equal(x.grad, t.grad.numpy())
    x, y = Var(np.array([0.0, 2.0])), Var(np.array([2.0, 0.0]))
    (x ** y).sum().backward()
    assert np.all(np.isfinite(x.grad)) and np.all(np.isfinite(y.grad))
    seed = np.ones(2)
    v = Var(np.array([1.0, 2.0]))
    (v * 1.0).backward(seed)
    seed[0] = 5.0
    assert v.grad[0] == 1.0, "the seed gradient must not be aliased into .grad"
    f = Var(np.array([1.0, 2.0], dtype=np.float32))
    (f * np.array([1.0, 2.0])).sum().backward()
    assert f.grad.dtype == np.float32
    with pytest.raises(TypeError, match="complex"):
        Var(np.array([1 + 1j]))


def test_psc_filter_large_order_stays_normalised():
    t = np.linspace(0, 6.0, 60_001)
    h = psc_filter(t, 0.01, n=200)
    assert np.all(np.isfinite(h))
    assert abs(np.trapezoid(h, t) - 1.0) < 1e-3


def test_image_grid_needs_a_column():
    with pytest.raises(ValueError, match="ncols must be an integer >= 1"):
        image_grid(np.zeros((2, 8, 8)), ncols=0)


@pytest.mark.parametrize("bad", ["False", None, 2, np.nan])
def test_flags_must_be_bools(bad):
    with pytest.raises(TypeError, match="record_v must be True or False"):
        simulate_lif(1.5, 0.01, record_v=bad)


def test_numbers_are_not_bools():
    with pytest.raises(TypeError, match="tau_m must be a number, got the bool True"):
        simulate_lif(1.5, 0.01, tau_m=True)


# ----- found by the second sweep (tests/bad_input_sweep.py) -------------------------------------
@pytest.mark.parametrize("call, error, words", [
    (lambda: _checks.as_float_array("x", True), TypeError, "x must be a real number or array, got the bool"),
    (lambda: Var(np.ones(2)) + (1 + 2j), TypeError, "operand must be real numbers"),
    (lambda: Var(np.ones(2)) * np.ones(2, dtype=complex), TypeError, "operand must be real numbers"),
    (lambda: mse_loss(Var(np.ones(2)), np.ones(2) + 1j),
     TypeError, "target must be real numbers"),
    (lambda: train_val_test_split(np.array([[1], [None]] * 5, dtype=object), np.zeros(10)), TypeError, "X must be real numbers"),
    (lambda: shift_images(np.ones((1, 4, 4)) + 1j, 1, 0),
     TypeError, "images must be real numbers"),
    (lambda: numerical_grad(np.sum, None), TypeError, "x must be"),
])
def test_complex_object_and_bool_input_is_refused(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_one_hidden_layer_and_standardizer_check_their_fields():
    from nnlib.approximation import OneHiddenLayer
    from nnlib.data.regression import Standardizer
    with pytest.raises(ValueError, match=r"theta must be a 1-D array with one entry per hidden unit"):
        OneHiddenLayer(np.ones(3), np.ones(2), np.ones(3), 0.0)
    with pytest.raises(TypeError, match="alpha must be a real number or array"):
        OneHiddenLayer(np.ones(3), np.ones(3), "abc", 0.0)
    with pytest.raises(ValueError, match="c .* must be a single number"):
        OneHiddenLayer(np.ones(3), np.ones(3), np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match="std must be > 0"):
        Standardizer(0.0, 0.0)
    with pytest.raises(TypeError, match="mean must be"):
        Standardizer(None, 1.0)
    with pytest.raises(ValueError, match="power must be one of"):
        Standardizer(0.0, 2.0).inverse_scale(1.0, power=3)


def test_update_rules_check_arrays_and_hyperparameters():
    from nnlib.optim import adam_step, sgd_step
    x, g = np.zeros(3), np.ones(3)
    with pytest.raises(TypeError, match="x must be a float numpy array"):
        sgd_step([0.0, 0.0, 0.0], g, np.zeros(3), lr=0.1)
    with pytest.raises(ValueError, match=r"g must have the shape of x, \(3,\)"):
        sgd_step(x, np.ones(2), np.zeros(3), lr=0.1)
    with pytest.raises(ValueError, match="momentum must be in"):
        sgd_step(x, g, np.zeros(3), lr=0.1, momentum=1.5)
    with pytest.raises(ValueError, match="lr must be >= 0"):
        sgd_step(x, g, np.zeros(3), lr=-0.1)
    with pytest.raises(ValueError, match="beta1 must be in"):
        adam_step(x, g, np.zeros(3), np.zeros(3), t=1, lr=0.1, beta1=1.0)
    with pytest.raises(ValueError, match="t must be an integer >= 1"):
        adam_step(x, g, np.zeros(3), np.zeros(3), t=0, lr=0.1)


@pytest.mark.parametrize("call", [
    lambda: delayed_recall(10, 3, n_tokens=10**9),
    lambda: next_number_sequences(10, 5, max_period=10**9),
    lambda: key_value_lookup(10**6, 10**3),
])
def test_oversized_datasets_are_refused_before_allocating(call):
    start = time.perf_counter()
    with pytest.raises(ValueError, match="asks for .*, above the limit"):
        call()
    assert time.perf_counter() - start < 1.0


@pytest.mark.skipif(torch is None, reason="needs torch")
def test_vae_terms_and_calibration_refuse_complex_and_wrong_types():
    from nnlib.models.vae import gaussian_kl, log_normal_diag, reconstruction_nll
    from nnlib.uncertainty import reliability_diagram
    z = torch.zeros(2, 3)
    with pytest.raises(TypeError, match="gaussian_kl: mu must be a real floating tensor"):
        gaussian_kl(z.to(torch.complex128), z)
    with pytest.raises(TypeError, match="log_normal_diag: z must be a torch tensor"):
        log_normal_diag(np.zeros((2, 3)), z, z)
    with pytest.raises(ValueError, match="must broadcast"):
        log_normal_diag(torch.zeros(2, 4), z, z)
    with pytest.raises(TypeError, match="reconstruction_nll: x must be a real floating tensor"):
        reconstruction_nll(torch.zeros(2, 3, dtype=torch.long), z)
    assert float(gaussian_kl(np.zeros(3), np.zeros(3))) == 0.0  # numpy arrays still work
    with pytest.raises(ValueError, match="labels must be integers"):
        reliability_diagram(np.full((2, 2), 0.5), np.array([0.5, 1.0]))


@pytest.mark.parametrize("call, words", [
    (lambda: functional.softmax(np.ones((2, 3)), axis=2), r"axis must be an integer in \[-2, 1\]"),
    (lambda: functional.log_softmax(np.ones(3), axis=None), "axis must be an integer"),
    (lambda: Var(np.ones((2, 3))).sum(axis=1.5), "axis must be an integer, a tuple of integers or None"),
    (lambda: Var(np.ones((2, 3))).reshape(3, "2"), "shape entries must be integers"),
    (lambda: approximation.sup_error(np.sin, np.cos, interval=(1.0,)), "interval must be a pair"),
    (lambda: approximation.sup_error("sin", np.cos), "f must be a function of an array"),
])
def test_axes_shapes_intervals_and_functions_are_checked(call, words):
    with pytest.raises((TypeError, ValueError), match=words):
        call()


@pytest.mark.parametrize("call, words", [
    (lambda: Var(np.ones((2, 3))).reshape(4, 2), r"cannot reshape x of shape \(2, 3\) \(6 entries\) into shape \(4, 2\)"),
    (lambda: Var(np.ones((2, 3))).reshape(-1, -1), r"into shape \(-1, -1\)"),
    (lambda: Var(np.ones((2, 3))).reshape(None, 2), "shape entries must be integers"),
])
def test_reshape_names_the_shape(call, words):
    with pytest.raises((TypeError, ValueError), match=words):
        call()
    assert Var(np.ones((2, 3))).reshape(-1, 2).val.shape == (3, 2)  # numpy's -1 rule still works


def _torch_calls():
    """Bad arguments of the torch-backed API: each must raise naming its parameter."""
    from nnlib.models import GRUCell, LSTMCell, MultiHeadSelfAttention
    from nnlib.uncertainty import deep_ensemble, ensemble_samples, mc_dropout_mode, mc_samples
    from nnlib.train import evaluate
    from nnlib.models import DropoutMLP
    net, x = MLP([2, 3, 1]), torch.zeros(4, 2)
    data = (x, torch.zeros(4, 1))
    mse = torch.nn.functional.mse_loss
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    drop = DropoutMLP(2, 1, (3,), dropout=0.5)
    return [
        (lambda: fit(None, data, mse, opt, 1), TypeError, "model must be a torch.nn.Module"),
        (lambda: fit(net, data, "mse", opt, 1), TypeError, "loss_fn must be a function"),
        (lambda: fit(net, data, mse, "sgd", 1), TypeError, "optimizer must be a torch.optim.Optimizer"),
        (lambda: fit(net, data, mse, opt, 1, metrics=[accuracy]), TypeError, "metrics must be a dict"),
        (lambda: evaluate(net, data, mse, metrics={"acc": 1.0}), TypeError, r"metrics\['acc'\] must be a function"),
        (lambda: accuracy(None, torch.zeros(3)), TypeError, "outputs must be a torch tensor"),
        (lambda: accuracy(torch.zeros(3), [0, 1, 0]), TypeError, "targets must be a tensor"),
        (lambda: mc_samples("net", x, 2), TypeError, "model must be a torch.nn.Module"),
        (lambda: mc_samples(drop, x, 2, transform=3.0), TypeError, "transform must be a function"),
        (lambda: mc_dropout_mode(None).__enter__(), TypeError, "model must be a torch.nn.Module"),
        (lambda: ensemble_samples([], x), ValueError, "models must hold at least one model"),
        (lambda: ensemble_samples([net, "b"], x), TypeError, r"models\[1\] must be a torch.nn.Module"),
        (lambda: deep_ensemble(None, lambda m: None, 2), TypeError, "make_model must be a function"),
        (lambda: deep_ensemble(lambda: net, lambda m: None, 2, seeds=[0, "a"]), TypeError, r"seeds\[1\] must be an integer"),
        (lambda: ElmanRNN(2, 4, 1).step(None, torch.zeros(1, 4)), TypeError, "x_t must be a real number"),
        (lambda: ElmanRNN(2, 4, 1).step(torch.zeros(1, 3), torch.zeros(1, 4)), ValueError, r"input x_t must have shape \(batch, 2\)"),
        (lambda: ElmanRNN(2, 4, 1).step(torch.zeros(1, 2), "h"), TypeError, "h must be a real number"),
        (lambda: ElmanRNN.from_params(None, np.eye(2), np.ones((1, 2)), np.zeros(2), np.zeros(1)), TypeError, "U must be"),
        (lambda: ElmanRNN.from_params(np.ones(2), np.eye(2), np.ones((1, 2)), np.zeros(2), np.zeros(1)), ValueError, "U must be a non-empty matrix"),
        (lambda: LSTMCell(2, 3).update(torch.zeros(1, 5), torch.zeros(1, 3)), ValueError, r"z must have shape \(batch, 12\)"),
        (lambda: LSTMCell(2, 3).update(torch.zeros(1, 12), None), TypeError, "c must be a real number"),
        (lambda: GRUCell(2, 3).update(torch.zeros(1, 9), torch.zeros(2, 3)), ValueError, r"h must have shape \(1, 3\)"),
        (lambda: MultiHeadSelfAttention(4, 2)("x"), TypeError, "x must be a real number"),
        (lambda: MultiHeadSelfAttention.from_torch(None), TypeError, "mha must be a torch.nn.MultiheadAttention"),
    ]


@pytest.mark.skipif(torch is None, reason="needs torch")
def test_torch_side_names_the_bad_argument():
    for call, error, words in _torch_calls():
        with pytest.raises(error, match=words):
            call()
    # what is valid stays valid: numpy input is converted, as for every model
    from nnlib.models import MultiHeadSelfAttention
    y, w = MultiHeadSelfAttention(4, 2)(np.zeros((1, 3, 4)))
    assert tuple(y.shape) == (1, 3, 4)


def _numpy_calls():
    """Bad arguments of the numpy-only API found by the sweep: each must raise naming its parameter."""
    from nnlib import backprop, bptt, conv, nn, plot, widgets
    from nnlib.data.letters import letters
    from nnlib.data.regression import load_co2, make_xsinx
    from nnlib.data.toy import spirals
    from nnlib.hopfield import hamming, to_bipolar
    from nnlib.perceptron import threshold_unit
    from nnlib.phase_plane import fhn_rhs
    params = backprop.init_params([2, 3, 1], rng=0)
    X = np.zeros((4, 2))
    rnn = bptt.init_rnn(1, 3, 1, rng=0)
    cache = bptt.rnn_forward(rnn, np.zeros((2, 4, 1)))
    return [
        (lambda: backprop.forward(None, X, ["tanh", "sigmoid"]), TypeError, "params must be a list"),
        (lambda: backprop.forward(params, X, 3.0), TypeError, "activations must be a list"),
        (lambda: backprop.backward(params, "cache", np.zeros((4, 1)), ["tanh", "sigmoid"]), TypeError, "cache must be the Cache"),
        (lambda: backprop.gradient_descent(None, X, np.zeros((4, 1)), ["tanh", "sigmoid"], lr=0.1, epochs=1), TypeError, "params must be a list"),
        (lambda: backprop.activation("TANH"), ValueError, "name must be one of"),
        (lambda: backprop.flatten_params(None), TypeError, "params must be a non-empty list"),
        (lambda: backprop.unflatten_params(np.zeros(13), 1.5), TypeError, "like must be a non-empty list"),
        (lambda: bptt.rnn_forward(None, np.zeros((2, 4, 1))), TypeError, "params must be a dict"),
        (lambda: bptt.bptt(rnn, (1, 2, 3), np.zeros((2, 4, 1))), TypeError, "cache must be the RNNCache"),
        (lambda: bptt.sequence_half_sse(cache.Y, None), TypeError, "targets must be a real number"),
        (lambda: bptt.sequence_half_sse(cache.Y, np.zeros((4, 1))), ValueError, "targets must have the shape of the outputs Y"),
        (lambda: bptt.spectral_radius(np.full((2, 2), np.nan)), ValueError, "W must be finite"),
        (lambda: conv.conv2d_forward(np.zeros((1, 5, 5)), np.zeros((1, 1, 3, 3))), ValueError, "input x must have shape"),
        (lambda: conv.conv2d_backward(np.zeros((1, 1, 5, 5)), np.zeros((1, 1, 5, 5)), np.zeros((1, 1, 3, 3)), padding=0),
         ValueError, r"padding \(0, 0\) and stride"),
        (lambda: conv.shift_images(np.zeros(0), 1, 0), ValueError, "images must have shape"),
        (lambda: nn.Sequential(nn.Linear(2, 2, rng=0), None), TypeError, "layer1 is None"),
        (lambda: nn.mse_loss(np.zeros(3), np.zeros((3, 1))), ValueError, "prediction pred has shape"),
        (lambda: nn.binary_cross_entropy(np.full(3, 2.0), np.zeros(3)), ValueError, "probabilities prob must lie in"),
        (lambda: Var(np.ones((2, 2))) @ Var(np.ones(3)), ValueError, r"a of shape \(2, 2\) and b of shape \(3,\)"),
        (lambda: check_grad(None, np.zeros(2), np.zeros(2)), TypeError, "f must be a function"),
        (lambda: check_grad(np.sum, np.zeros(2), "g"), TypeError, "analytic_grad must be"),
        (lambda: approximation.piece(np.zeros(3), None, 1.0, 5.0), TypeError, "left must be"),
        (lambda: approximation.smooth_step(np.zeros(5), np.zeros(2), 5.0), ValueError, r"smooth_step: x of shape \(5,\), center of shape \(2,\) do not broadcast"),
        (lambda: hamming(None, np.zeros((2, 6))), TypeError, "a must be a real number or array"),
        (lambda: hamming(np.zeros(3), np.zeros((2, 6))), ValueError, "a and b must be arrays of equal length"),
        (lambda: to_bipolar([0, 2]), ValueError, "x01 must be an array of 0s and 1s"),
        (lambda: image_grid(np.zeros((2, 4)), labels=1.5), TypeError, "labels must be a sequence"),
        (lambda: image_grid(np.zeros((2, 4)), vmin="abc"), TypeError, "vmin must be"),
        (lambda: image_grid(np.zeros((2, 4)), cmap=["gray"]), TypeError, "cmap must be a matplotlib colormap"),
        (lambda: plot.decision_regions(None, X, np.zeros(4, dtype=int)), TypeError, "predict must be a function"),
        (lambda: plot.decision_regions(lambda p: 0, X, np.zeros(4, dtype=int)), ValueError, "predict must return one label per point"),
        (lambda: plot.learning_curves("h"), TypeError, "histories must be a nnlib.train.History"),
        (lambda: plot.histograms("a"), TypeError, "arrays must be a dict"),
        (lambda: widgets.frame_slider(lambda a: 1.0, a=[1, 2]), TypeError, "draw must return a matplotlib Figure"),
        (lambda: widgets.frame_slider(lambda a: None, a=None), ValueError, "needs a non-empty sequence"),
        (lambda: letters(1.5), TypeError, "names must be a string"),
        (lambda: make_xsinx(5, clusters=None), TypeError, "clusters must be a sequence"),
        (lambda: load_co2(start_year=np.zeros(2)), TypeError, "start_year must be a single number"),
        (lambda: spirals(turns="abc"), TypeError, "turns must be"),
        (lambda: next_number_sequences(2, 4, scale=None), TypeError, "scale must be"),
        (lambda: threshold_unit([[0.0, np.nan]], [1.0, 1.0], 0.5), ValueError, "x must be finite"),
        (lambda: simulate_lif(np.array([]), 0.1), ValueError, "v_in must hold the input of at least one neuron"),
        (lambda: simulate_lif(1.5, 0.1, v_th=np.ones(2)), TypeError, "v_th must be a single number"),
        (lambda: simulate_hh(10.0, 1.0, params="g_Na"), TypeError, "params must be a dict of HH parameters"),
        (lambda: fhn_rhs(np.zeros(3), np.zeros(2)), ValueError, r"v of shape \(3,\), w of shape \(2,\), I of shape \(\) do not"),
    ]


def test_numpy_side_names_the_bad_argument():
    for call, error, words in _numpy_calls():
        with pytest.raises(error, match=words):
            call()
