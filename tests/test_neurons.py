"""Tests of nnlib.neurons (HH, LIF, lif_rate) and nnlib.synapses (PSC filters, spike trains, networks)."""

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib import neurons as nr
from nnlib import synapses as sy


# ----------------------------------------------------------------------------- lif_rate
def test_lif_rate_formula_and_defaults():
    v = 2.0
    expected = 1.0 / (0.002 - 0.02 * np.log(1 - 1 / v))
    assert nr.lif_rate(v) == pytest.approx(expected, rel=1e-12)
    assert isinstance(nr.lif_rate(v), float)
    assert nr.lif_rate(3.0, tau_ref=0.0, tau_m=0.01) == pytest.approx(1 / (0.01 * np.log(1.5)))


def test_lif_rate_is_zero_at_and_below_threshold_and_vectorised():
    v = np.array([[-3.0, 0.0, 0.5], [1.0, 1.0 + 1e-12, 5.0]])
    r = nr.lif_rate(v)
    assert r.shape == v.shape
    np.testing.assert_array_equal(r[0], 0.0)
    assert r[1, 0] == 0.0
    assert 0 < r[1, 1] < 2.0  # continuous at the threshold (slowly: G ~ -1/(tau_m ln(v_in - 1)))
    assert r[1, 2] == pytest.approx(nr.lif_rate(5.0))


@settings(max_examples=50, deadline=None, derandomize=True)
@given(
    v=st.floats(1.001, 1e6),
    tau_ref=st.floats(0.0, 0.01),
    tau_m=st.floats(1e-3, 0.1),
)
def test_lif_rate_bounded_by_refractory_limit(v, tau_ref, tau_m):
    r = nr.lif_rate(v, tau_ref=tau_ref, tau_m=tau_m)
    assert r > 0
    if tau_ref > 0:
        assert r < 1 / tau_ref
    assert nr.lif_rate(v * 1.5, tau_ref=tau_ref, tau_m=tau_m) >= r  # monotone in the input


# ----------------------------------------------------------------------------- simulate_lif
@pytest.mark.parametrize("v_in", [1.1, 1.5, 2.0, 4.0])
def test_lif_simulated_rate_matches_analytic_within_one_percent(v_in):
    res = nr.simulate_lif(v_in, 1.0, dt=1e-4)
    rate = res.isi_rate()[0]
    assert abs(rate - nr.lif_rate(v_in)) / nr.lif_rate(v_in) < 0.01
    # the sub-step spike times are in fact exact up to rounding
    assert rate == pytest.approx(nr.lif_rate(v_in), rel=1e-9)


def test_lif_vectorised_equals_one_by_one_and_time_varying_equals_constant():
    v = np.array([0.5, 1.1, 1.5, 2.0, 4.0])
    together = nr.simulate_lif(v, 0.3)
    varying = nr.simulate_lif(np.tile(v, (3000, 1)), 0.3)
    for j, vj in enumerate(v):
        alone = nr.simulate_lif(vj, 0.3)
        np.testing.assert_allclose(together.spike_times[j], alone.spike_times[0], rtol=0, atol=1e-12)
        np.testing.assert_allclose(varying.spike_times[j], alone.spike_times[0], rtol=0, atol=1e-12)
    assert together.spike_counts[0] == 0
    np.testing.assert_array_equal(together.spike_counts, [len(s) for s in together.spike_times])


def test_lif_first_spike_time_is_exact():
    # from v(0) = 0 the threshold is reached at t = -tau_m ln(1 - 1/v_in)
    v = np.array([1.1, 1.5, 2.0, 4.0])
    res = nr.simulate_lif(v, 0.1)
    first = np.array([s[0] for s in res.spike_times])
    np.testing.assert_allclose(first, -0.02 * np.log(1 - 1 / v), rtol=1e-10)


@pytest.mark.parametrize("tau_ref", [0.0, 3e-5, 2.5e-4])
def test_lif_refractory_period_shorter_than_dt_still_exact(tau_ref):
    v = np.array([4.0, 100.0, 1e4])  # the last one spikes many times per step
    res = nr.simulate_lif(v, 0.02, dt=1e-4, tau_ref=tau_ref)
    np.testing.assert_allclose(res.isi_rate(), nr.lif_rate(v, tau_ref=tau_ref), rtol=1e-8)


def test_lif_recorded_voltage_shapes_and_bounds():
    rng = np.random.default_rng(0)
    v0 = rng.uniform(0, 0.9, 7)
    res = nr.simulate_lif(1.5, 0.2, v0=v0, record_v=True)
    assert res.t.shape == (2000,) and res.v.shape == (2000, 7)
    np.testing.assert_allclose(res.v[0], v0)
    assert res.v.max() < 1.0 and res.v.min() >= 0.0
    assert len(res.spike_times) == 7
    # during the refractory period the potential is held at the reset value
    s = res.spike_times[0][0]
    k = int(np.ceil(s / res.dt))
    np.testing.assert_array_equal(res.v[k : k + 19, 0], 0.0)
    assert nr.simulate_lif(1.5, 0.2).v is None


def test_lif_subthreshold_trajectory_is_exact_exponential():
    res = nr.simulate_lif(0.8, 0.1, record_v=True)
    np.testing.assert_allclose(res.v[:, 0], 0.8 * (1 - np.exp(-res.t / 0.02)), atol=1e-12)


def test_lif_speed_smoke():
    v = np.random.default_rng(0).uniform(0, 5, 1000)
    start = time.perf_counter()
    res = nr.simulate_lif(v, 1.0, dt=1e-4)
    assert time.perf_counter() - start < 5.0  # typically ~0.2 s; generous for shared CI machines
    assert res.spike_counts.sum() > 0


# ----------------------------------------------------------------------------- Hodgkin-Huxley
def test_hh_spikes_for_large_current_and_rests_otherwise():
    res = nr.simulate_hh(np.array([-5.0, 0.0, 10.0]), 100.0)
    assert res.V.shape == (10000, 3) and res.t.shape == (10000,)
    assert res.m.shape == res.h.shape == res.n.shape == (10000, 3)
    counts = res.spike_counts
    assert counts[0] == 0 and counts[1] == 0 and counts[2] >= 5
    assert res.V[:, 0].max() < -64.9  # hyperpolarised by the negative current
    assert res.V[-1, 0] < -70
    assert abs(res.V[-1, 1] + 65) < 0.1  # rest
    assert res.V[:, 2].max() > 30  # the spike overshoots 0 mV
    for g in (res.m, res.h, res.n):
        assert g.min() >= 0 and g.max() <= 1


def test_hh_rate_f_i_curve():
    rates = nr.hh_rate(np.array([0.0, 5.0, 10.0, 20.0]), 300.0, dt=0.025)
    assert rates[0] == 0 and rates[1] == 0  # below the rheobase for repetitive firing
    assert 60 < rates[2] < 75 and rates[3] > rates[2]
    assert isinstance(nr.hh_rate(10.0, 200.0, dt=0.025), float)


def test_hh_time_varying_current_and_rate_functions():
    I = np.zeros((5000, 1))
    I[1000:1100] = 40.0  # a 1 ms pulse triggers one spike
    res = nr.simulate_hh(I, 50.0, record_gates=False)
    assert res.spike_counts[0] == 1 and res.m is None
    assert 10.0 < res.spike_times[0][0] < 15.0
    # the removable singularities of alpha_m (V = -40) and alpha_n (V = -55) are smooth
    for V, g in ((-40.0, "m"), (-55.0, "n")):
        a = [nr.hh_rates(V + d)[g][0] for d in (-1e-7, 0.0, 1e-7)]
        assert np.all(np.isfinite(a)) and abs(a[0] - a[2]) < 1e-6 and abs(a[1] - a[0]) < 1e-6
    m_inf, tau = nr.hh_steady_state(-65.0)["m"]
    assert 0 < m_inf < 0.1 and 0 < tau < 1


# ----------------------------------------------------------------------------- synapses
@pytest.mark.parametrize("n", [0, 1, 2])
def test_psc_filter_has_unit_area_and_peaks_at_n_tau(n):
    tau = 0.01
    t = np.linspace(0, 30 * tau, 300_001)
    h = sy.psc_filter(t, tau, n)
    assert np.trapezoid(h, t) == pytest.approx(1.0, abs=1e-6)
    assert t[np.argmax(h)] == pytest.approx(n * tau, abs=1e-6)
    assert np.all(sy.psc_filter(-t[1:], tau, n) == 0)


def test_spike_train_area_and_shapes():
    t = np.arange(0, 0.1, 1e-3)
    a = sy.spike_train(np.array([0.0105, 0.05, 0.0502, 0.5]), t)  # the last one is off the grid
    assert a.shape == (100,)
    assert a.sum() * 1e-3 == pytest.approx(3.0)
    assert a[10] == pytest.approx(1000.0) and a[50] == pytest.approx(2000.0)
    many = sy.spike_train([np.array([0.01]), np.array([]), np.array([0.02, 0.03])], t)
    assert many.shape == (100, 3)
    np.testing.assert_allclose(many.sum(0) * 1e-3, [1, 0, 2])


def test_filter_spikes_is_sum_of_shifted_filters():
    dt = 1e-4
    t = np.arange(0, 0.2, dt)
    spikes = np.array([0.01, 0.013, 0.1])
    a = sy.spike_train([spikes, spikes[:1]], t)
    s = sy.filter_spikes(a, sy.psc_filter(t, 0.005, 1), dt)
    k = np.round(spikes / dt).astype(int)
    direct = sum(sy.psc_filter(t - t[ki], 0.005, 1) for ki in k)
    np.testing.assert_allclose(s[:, 0], direct, atol=1e-9)
    np.testing.assert_allclose(s[:, 1], sy.psc_filter(t - t[k[0]], 0.005, 1), atol=1e-9)
    s1 = sy.filter_spikes(a[:, 0], sy.psc_filter(t, 0.005, 1), dt)
    np.testing.assert_allclose(s1, s[:, 0])


def test_lif_network_mean_drive_is_weighted_rates():
    rng = np.random.default_rng(1)
    N, M = 6, 3
    v_in = rng.uniform(1.2, 3.0, N)
    W = rng.normal(0, 0.02, (M, N))
    net = sy.simulate_lif_network(v_in, W, 1.2, 1.0, v0_pre=rng.uniform(0, 0.9, N))
    assert net.s.shape == (10000, N) and net.z.shape == (10000, M)
    rates = net.pre.spike_counts / 1.0
    # the PSC filter has area 1: the mean synaptic current is the firing rate
    np.testing.assert_allclose(net.s.mean(0), rates, rtol=0.05)
    np.testing.assert_allclose(net.z.mean(0), W @ rates + 1.2, rtol=0.05)
    assert len(net.post.spike_times) == M


# ----------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(duration=-1.0), "duration must be > 0"),
        (dict(duration=0.0), "duration must be > 0"),
        (dict(dt=0.0), "dt must be > 0"),
        (dict(dt=0.02, duration=0.1), r"dt must be in \(0, tau_m"),
        (dict(dt=0.05), r"dt must be <= duration|dt must be in"),
        (dict(tau_m=-0.02), "tau_m must be > 0"),
        (dict(tau_ref=-0.001), "tau_ref must be >= 0"),
        (dict(v_in=np.nan), "v_in must be finite"),
        (dict(v_in=np.array([1.0, np.inf])), "v_in must be finite"),
        (dict(v_in=np.ones((7, 2))), r"shape \(steps, N\)"),
        (dict(v_in=np.ones((2, 2, 2))), r"shape \(steps, N\)"),
        (dict(v0=1.0), "v0 must be < v_th"),
        (dict(v0=np.zeros(3), v_in=np.ones(2)), "v0 has shape"),
        (dict(v_reset=1.0), "v_reset must be < v_th"),
        (dict(duration=np.inf), "duration must be finite"),
    ],
)
def test_simulate_lif_errors(kwargs, match):
    args = dict(v_in=1.5, duration=0.01)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        nr.simulate_lif(**args)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: nr.lif_rate(np.nan), "v_in must be finite"),
        (lambda: nr.lif_rate(2.0, tau_ref=-1.0), "tau_ref must be >= 0"),
        (lambda: nr.lif_rate(2.0, tau_m=0.0), "tau_m must be > 0"),
        (lambda: nr.simulate_hh(10.0, -5.0), "duration must be > 0"),
        (lambda: nr.simulate_hh(10.0, 5.0, dt=0.5), r"dt must be in \(0, 0.1\]"),
        (lambda: nr.simulate_hh(np.nan, 5.0), "I_ext must be finite"),
        (lambda: nr.simulate_hh(np.ones((3, 2)), 5.0), r"shape \(steps, N\)"),
        (lambda: nr.simulate_hh(1.0, 5.0, params={"g_X": 1.0}), "unknown HH parameter"),
        (lambda: nr.simulate_hh(1.0, 5.0, params={"C": -1.0}), "C must be > 0"),
        (lambda: nr.hh_rate(1.0, 100.0, transient=100.0), r"transient must be in \[0"),
        (lambda: nr.hh_rate(np.ones((2, 2)), 200.0), r"shape \(N,\)"),
        (lambda: sy.psc_filter(0.1, 0.0), "tau_s must be > 0"),
        (lambda: sy.psc_filter(0.1, 0.01, n=-1), "n must be a non-negative integer"),
        (lambda: sy.psc_filter(0.1, 0.01, n=1.5), "n must be a non-negative integer"),
        (lambda: sy.psc_filter(np.nan, 0.01), "t must be finite"),
        (lambda: sy.spike_train(np.array([0.1]), np.array([0.0, 0.1, 0.3])), "uniformly spaced"),
        (lambda: sy.spike_train(np.array([0.1]), np.zeros((2, 2))), "1-D time grid"),
        (lambda: sy.spike_train([0.01, 0.02], np.arange(0, 0.1, 0.01)), "must be a 1-D array"),
        (lambda: sy.filter_spikes(np.ones((3, 2, 2)), np.ones(3), 0.1), "must be 1-D or 2-D"),
        (lambda: sy.filter_spikes(np.ones(3), np.ones(3), -0.1), "dt must be > 0"),
        (lambda: sy.simulate_lif_network(np.ones(3), np.ones((2, 4)), 0.0, 0.01), r"v_in drives N=3 input neurons, but W has shape \(2, 4\)"),
        (lambda: sy.simulate_lif_network(np.ones(3), np.ones(3), 0.0, 0.01), "W must be a 2-D array"),
        (lambda: sy.simulate_lif_network(np.ones(3), np.ones((2, 3)), np.ones(3), 0.01), "b must be a scalar"),
        (lambda: sy.simulate_lif_network(np.ones(3), np.ones((2, 3)), 0.0, 0.01, tau_s=1e-4), "tau_s"),
    ],
)
def test_other_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_lif_network_names_v_in_when_it_does_not_match_W():
    with pytest.raises(ValueError, match=r"v_in drives N=1 input neurons, but W has shape \(1, 2\)"):
        sy.simulate_lif_network(1.5, np.array([[0.5, 0.5]]), 0.0, 0.01)
