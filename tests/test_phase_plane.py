"""Tests of nnlib.phase_plane (FitzHugh-Nagumo, RK4, fixed points, theta neuron, frequencies)."""

import numpy as np
import pytest

from nnlib import _checks
from nnlib import phase_plane as pp


# ----------------------------------------------------------------------------- FHN algebra
def test_fhn_rhs_values_and_broadcasting():
    dv, dw = pp.fhn_rhs(1.0, 0.5, I=0.2)
    assert dv == pytest.approx(1.0 - 1.0 / 3.0 - 0.5 + 0.2)
    assert dw == pytest.approx(0.08 * (1.0 + 0.7 - 0.8 * 0.5))
    dv, dw = pp.fhn_rhs(np.zeros((3, 1)), np.zeros(4), I=np.arange(4.0))
    assert dv.shape == (3, 4) and dw.shape == (3, 4)


def test_fixed_point_lies_on_both_nullclines_and_zeroes_the_rhs():
    for I in (-0.5, 0.0, 0.33, 1.0, 2.0):
        fp = pp.fhn_fixed_points(I)
        assert fp.shape == (1, 2)  # b < 1: exactly one
        v, w = fp[0]
        w_cubic, w_line = pp.fhn_nullclines(v, I)
        assert abs(w_cubic - w) < 1e-10 and abs(w_line - w) < 1e-10
        assert np.max(np.abs(pp.fhn_rhs(v, w, I))) < 1e-10


def test_three_fixed_points_for_b_above_one():
    fp = pp.fhn_fixed_points(0.0, a=0.0, b=2.0)  # v^3/3 - v/2 = 0: v = 0, +-sqrt(3/2)
    np.testing.assert_allclose(fp[:, 0], [-np.sqrt(1.5), 0.0, np.sqrt(1.5)], atol=1e-10)


def test_jacobian_matches_central_differences():
    v, w, I, h = -0.4, 0.3, 0.5, 1e-6
    num = np.empty((2, 2))
    for j, (dv, dw) in enumerate(((h, 0.0), (0.0, h))):
        plus, minus = pp.fhn_rhs(v + dv, w + dw, I), pp.fhn_rhs(v - dv, w - dw, I)
        num[:, j] = (np.array(plus) - np.array(minus)) / (2 * h)
    assert np.max(np.abs(num - pp.fhn_jacobian(v))) < 1e-8
    assert pp.fhn_jacobian(np.zeros(5)).shape == (5, 2, 2)


def test_hopf_currents_trace_changes_sign_with_imaginary_eigenvalues():
    low, high = pp.fhn_hopf_currents()
    assert low == pytest.approx(0.331281, abs=1e-6) and high == pytest.approx(1.418719, abs=1e-6)
    for I_c in (low, high):
        fp = pp.fhn_fixed_points(I_c)[0]
        info = pp.classify_fixed_point(pp.fhn_jacobian(fp[0]))
        assert abs(info["trace"]) < 1e-10
        assert info["eigenvalues"].imag.max() == pytest.approx(np.sqrt(0.08 * (1 - 0.08 * 0.8**2)), rel=1e-8)
    kinds = [pp.classify_fixed_point(pp.fhn_jacobian(pp.fhn_fixed_points(I)[0, 0]))["kind"]
             for I in (low - 0.01, low + 0.01, 1.0, high + 0.01)]
    assert kinds == ["stable focus", "unstable focus", "unstable node", "stable focus"]


def test_classify_fixed_point_kinds():
    assert pp.classify_fixed_point([[1.0, 0.0], [0.0, -1.0]])["kind"] == "saddle"
    assert pp.classify_fixed_point([[-1.0, 0.0], [0.0, -2.0]])["kind"] == "stable node"
    assert pp.classify_fixed_point([[0.5, -1.0], [1.0, 0.5]])["kind"] == "unstable focus"
    assert pp.classify_fixed_point([[0.0, -1.0], [1.0, 0.0]])["kind"] == "centre"
    ev = pp.classify_fixed_point([[-0.1, -1.0], [1.0, -0.1]])["eigenvalues"]
    np.testing.assert_allclose(sorted(ev, key=lambda z: z.imag), [-0.1 - 1j, -0.1 + 1j])


# ----------------------------------------------------------------------------- integration
def test_rk4_is_fourth_order_on_exponential_decay():
    errors = []
    for dt in (0.2, 0.1):
        t, Y = pp.rk4(lambda t, y: -y, np.array([1.0]), 2.0, dt)
        assert Y.shape == (t.size, 1) and t[-1] == pytest.approx(2.0)
        errors.append(abs(Y[-1, 0] - np.exp(-2.0)))
    assert 14 < errors[0] / errors[1] < 18  # 2^4 = 16


def test_simulate_fhn_rest_stays_put_and_cycle_is_periodic():
    res = pp.simulate_fhn([0.0, 0.5], 400.0, 0.05)
    assert res.v.shape == (8001, 2) and res.I.shape == (2,)
    rest = pp.fhn_fixed_points(0.0)[0]
    assert np.max(np.abs(res.v[:, 0] - rest[0])) < 1e-10  # starts at the I = 0 rest state
    f = pp.crossing_frequency(res.t, res.v, 0.0, transient=150.0)
    assert f[0] == 0.0 and 0.02 < f[1] < 0.03


def test_simulate_fhn_initial_conditions_broadcast():
    res = pp.simulate_fhn(0.5, 1.0, 0.1, v0=[0.0, 1.0, 2.0], w0=0.0)
    np.testing.assert_array_equal(res.v[0], [0.0, 1.0, 2.0])
    assert res.I.shape == (3,)


# ----------------------------------------------------------------------------- theta neuron, frequencies
def test_theta_rate_matches_simulation():
    I = np.array([-0.1, 0.01, 0.25])
    t, Y = pp.rk4(lambda t, th: pp.theta_rhs(th, I), np.zeros(3), 200.0, 0.02)
    f = pp.crossing_frequency(t, -np.cos(Y), 0.0, transient=20.0)
    assert f[0] == 0.0
    assert np.max(np.abs(f[1:] - pp.theta_rate(I[1:]))) < 1e-4
    assert pp.theta_rate(-1.0) == 0.0 and isinstance(pp.theta_rate(0.25), float)
    assert pp.theta_rate(0.25) == pytest.approx(0.5 / np.pi)


def test_crossing_frequency_of_a_sine_and_interpolation():
    t = np.linspace(0.0, 10.0, 1001)
    x = np.sin(2 * np.pi * 0.7 * t + 0.3)
    assert pp.crossing_frequency(t, x) == pytest.approx(0.7, rel=1e-5)
    both = pp.crossing_frequency(t, np.column_stack([x, np.zeros_like(t)]))
    assert both.shape == (2,) and both[1] == 0.0


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("call, match", [
    (lambda: pp.fhn_rhs(0.0, 0.0, eps=0.0), "eps must be > 0"),
    (lambda: pp.fhn_rhs(0.0, 0.0, b=-1.0), "b must be > 0"),
    (lambda: pp.fhn_fixed_points(float("nan")), "I must be finite"),
    (lambda: pp.fhn_hopf_currents(b=1.5), "b < 1"),
    (lambda: pp.classify_fixed_point(np.eye(3)), r"shape \(2, 2\)"),
    (lambda: pp.rk4(lambda t, y: y, [1.0], 1.0, 2.0), "dt must be <= duration"),
    (lambda: pp.rk4(lambda t, y: y, [1.0], -1.0, 0.1), "duration must be > 0"),
    (lambda: pp.simulate_fhn(0.5, 10.0, dt=0.5), r"dt must be in \(0, 0.2\]"),
    (lambda: pp.simulate_fhn([0.1, 0.2], 10.0, v0=[0.0, 1.0, 2.0]), "same length N"),
    (lambda: pp.simulate_fhn(np.zeros((2, 2)), 10.0), "shape \\(N,\\)"),
    (lambda: pp.theta_rate(float("inf")), "I must be finite"),
    (lambda: pp.crossing_frequency([0.0, 1.0, 0.5], [0.0, 1.0, 0.0]), "increasing"),
    (lambda: pp.crossing_frequency([0.0, 1.0], [0.0, 1.0, 2.0]), "x must have shape"),
    (lambda: pp.crossing_frequency([0.0, 1.0], [0.0, 1.0], transient=-1.0), "transient must be >= 0"),
])
def test_bad_values_raise_value_error_naming_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("call, match", [
    (lambda: pp.fhn_rhs("1", 0.0), "v must be a real number"),
    (lambda: pp.fhn_jacobian(None), "v must be a real number"),
    (lambda: pp.fhn_nullclines(0.0, I=[1.0, 2.0]), "I must be a single number"),
    (lambda: pp.rk4([1.0], [1.0], 1.0, 0.1), "rhs must be a function"),
    (lambda: pp.simulate_fhn(None, 10.0), "I must be a real number"),
    (lambda: pp.theta_rhs(0.0, 1j), "complex"),
    (lambda: pp.crossing_frequency([0.0, 1.0], [0.0, 1.0], level=True), "level must be a number"),
])
def test_wrong_types_raise_type_error(call, match):
    with pytest.raises(TypeError, match=match):
        call()


def test_work_limit_is_checked_before_integrating(monkeypatch):
    monkeypatch.setattr(_checks, "MAX_STEPS", 1000)
    with pytest.raises(ValueError, match="above the limit"):
        pp.rk4(lambda t, y: -y, [1.0], 1000.0, 0.1)
    with pytest.raises(ValueError, match="above the limit"):
        pp.simulate_fhn(0.5, 1000.0, 0.1)
