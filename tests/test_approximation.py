"""Tests for nnlib.approximation: the constructive universal approximation of chapter 02."""

import numpy as np
import pytest

from nnlib.approximation import (
    OneHiddenLayer,
    piece,
    sigmoid,
    smooth_step,
    staircase,
    staircase_network,
    sup_error,
)


def f_smooth(x):
    return np.sin(2 * np.pi * x) + 0.4 * np.sin(5 * np.pi * x)


def test_sigmoid_values_symmetry_and_no_overflow():
    z = np.array([-1e308, -800.0, -2.0, 0.0, 2.0, 800.0, 1e308])
    with np.errstate(over="raise"):
        s = sigmoid(z)
    np.testing.assert_allclose(s[[0, 1, 3, 5, 6]], [0, 0, 0.5, 1, 1])
    np.testing.assert_allclose(s[4], 1 / (1 + np.exp(-2.0)))
    x = np.linspace(-30, 30, 301)
    np.testing.assert_allclose(sigmoid(x) + sigmoid(-x), 1.0, atol=1e-15)


def test_smooth_step_tends_to_heaviside():
    x = np.array([-0.1, -0.01, 0.01, 0.1]) + 0.3
    np.testing.assert_allclose(smooth_step(x, 0.3, 1e3), [0, 0, 1, 1], atol=5e-5)
    np.testing.assert_allclose(smooth_step(x, 0.3, 1e5), [0, 0, 1, 1], atol=1e-12)
    assert smooth_step(0.3, 0.3, 50.0) == pytest.approx(0.5)
    # distance from the step is sigma(-w d) < exp(-w d)
    d = np.linspace(0.01, 1, 50)
    assert np.all(1 - smooth_step(d, 0.0, 7.0) < np.exp(-7.0 * d))


def test_piece_is_a_bump():
    x = np.array([-0.5, 0.25, 0.5, 0.75, 1.5])
    p = piece(x, 0.2, 0.6, 1e4)
    np.testing.assert_allclose(p, [0, 1, 1, 1, 0], atol=1e-12)


def test_staircase_sum_of_pieces_equals_network():
    x = np.linspace(-0.2, 1.2, 701)
    for n in (1, 2, 7, 30):
        net = staircase_network(f_smooth, n, 40.0 * n)
        np.testing.assert_allclose(staircase(f_smooth, n, 40.0 * n, x), net(x), atol=1e-10)
        assert net.n_hidden == n - 1


def test_network_parameters_are_the_jumps():
    net = staircase_network(lambda x: x**2, 4, 100.0, interval=(0.0, 2.0))
    mids = np.array([0.25, 0.75, 1.25, 1.75])
    np.testing.assert_allclose(net.c, mids[0] ** 2)
    np.testing.assert_allclose(net.alpha, np.diff(mids**2))
    np.testing.assert_allclose(-net.theta / net.w, [0.5, 1.0, 1.5])
    # infinitely steep limit: the staircase itself
    steep = OneHiddenLayer(net.w * 1e6, net.theta * 1e6, net.alpha, net.c)
    np.testing.assert_allclose(steep(np.array([0.1, 0.6, 1.1, 1.9])), mids**2)


def test_sup_error_shrinks_like_one_over_n_when_steepness_scales():
    ns = [4, 8, 16, 32, 64, 128]
    errs = [sup_error(f_smooth, staircase_network(f_smooth, n, 10.0 * n)) for n in ns]
    assert all(b < a for a, b in zip(errs, errs[1:]))
    slope = np.polyfit(np.log(ns[2:]), np.log(errs[2:]), 1)[0]
    assert -1.15 < slope < -0.85


def test_error_bound_of_chapter_02_holds():
    """sup|f - G_N| <= omega(h/2) + omega(h) (1 + 2/(e^{wh} - 1)) with omega(d) <= L d."""
    lipschitz = 2 * np.pi + 0.4 * 5 * np.pi
    for n, s in [(5, 0.5), (10, 2.0), (40, 5.0), (100, 20.0)]:
        h = 1.0 / n
        bound = lipschitz * h / 2 + lipschitz * h * (1 + 2 / np.expm1(s))
        assert sup_error(f_smooth, staircase_network(f_smooth, n, s / h)) <= bound


def test_fixed_steepness_hits_a_floor():
    errs = [sup_error(f_smooth, staircase_network(f_smooth, n, 10.0)) for n in (64, 128, 256)]
    assert min(errs) > 0.1


def test_hidden_shape_and_call_shape():
    net = staircase_network(f_smooth, 6, 50.0)
    assert net.hidden(np.zeros(7)).shape == (7, 5)
    assert net(np.zeros((2, 3))).shape == (2, 3)


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: staircase_network(f_smooth, 0, 1.0), ValueError, "n_pieces must be an integer >= 1"),
        (lambda: staircase_network(f_smooth, 4, -1.0), ValueError, "steepness must be > 0"),
        (lambda: staircase_network(f_smooth, 4, 1.0, interval=(1, 0)), ValueError, "a < b"),
        (lambda: staircase_network(f_smooth, 4, 1.0, interval=3), ValueError, "pair"),
        (lambda: staircase_network(3.0, 4, 1.0), TypeError, "f must be a function of an array"),
        (lambda: staircase_network(lambda x: np.nan * x, 4, 1.0), ValueError, "finite"),
        (lambda: piece(0.0, 0.0, 0.0, 1.0), ValueError, "width must be > 0"),
        (lambda: sup_error(f_smooth, f_smooth, n_points=1), ValueError, ">= 2"),
        (lambda: sup_error(f_smooth, f_smooth, interval=(1, 1)), ValueError, "a < b"),
    ],
)
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
