"""Tests of nnlib.optim (numpy optimiser trajectories, chapter 06)."""

import numpy as np
import pytest
try:
    import torch
except ImportError:  # numpy-only run: tests that mention torch are skipped (conftest.py)
    torch = None
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib.optim import adam_trajectory, gd_trajectory, quadratic, steps_to_tolerance

A2 = np.array([[10.0, 2.0], [2.0, 1.0]])


def _torch_path(A, x0, steps, make_opt):
    """Trajectory of a torch optimiser on E = 1/2 x^T A x, float64."""
    At = torch.tensor(A, dtype=torch.float64)
    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    opt = make_opt([x])
    path = [x.detach().clone().numpy()]
    for _ in range(steps):
        opt.zero_grad()
        (0.5 * x @ At @ x).backward()
        opt.step()
        path.append(x.detach().clone().numpy())
    return np.array(path)


@settings(max_examples=20, deadline=None)
@given(
    lr=st.floats(0.001, 0.15),
    momentum=st.sampled_from([0.0, 0.5, 0.9]),
    nesterov=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_gd_matches_torch_sgd(lr, momentum, nesterov, seed):
    nesterov = nesterov and momentum > 0
    x0 = np.random.default_rng(seed).normal(size=2)
    _, grad = quadratic(A2)
    ours = gd_trajectory(grad, x0, lr, momentum=momentum, steps=30, nesterov=nesterov)
    ref = _torch_path(A2, x0, 30, lambda p: torch.optim.SGD(p, lr=lr, momentum=momentum, nesterov=nesterov))
    np.testing.assert_allclose(ours, ref, rtol=1e-10, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(lr=st.floats(0.001, 0.5), beta1=st.sampled_from([0.0, 0.8, 0.9]), seed=st.integers(0, 1000))
def test_adam_matches_torch_adam(lr, beta1, seed):
    x0 = np.random.default_rng(seed).normal(size=2)
    _, grad = quadratic(A2)
    ours = adam_trajectory(grad, x0, lr=lr, beta1=beta1, beta2=0.99, eps=1e-8, steps=30)
    ref = _torch_path(A2, x0, 30, lambda p: torch.optim.Adam(p, lr=lr, betas=(beta1, 0.99), eps=1e-8))
    np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=1e-12)


def test_plain_gd_on_quadratic_closed_form():
    # on E = 1/2 sum lambda_i x_i^2 each coordinate shrinks by (1 - lr lambda_i) per step
    A = np.diag([1.0, 4.0])
    _, grad = quadratic(A)
    path = gd_trajectory(grad, [1.0, 1.0], lr=0.1, steps=5)
    t = np.arange(6)
    np.testing.assert_allclose(path, np.stack([0.9**t, 0.6**t], axis=1))


def test_adam_first_step_has_size_lr():
    # bias correction makes the first step lr * sign(g) (up to eps), whatever the gradient scale
    _, grad = quadratic(np.diag([100.0, 0.01]))
    path = adam_trajectory(grad, [1.0, 1.0], lr=0.01, steps=1)
    np.testing.assert_allclose(path[1] - path[0], [-0.01, -0.01], rtol=1e-5)
    # without it the first step is lr (1 - beta1) / sqrt(1 - beta2) = 3.16 lr
    raw = adam_trajectory(grad, [1.0, 1.0], lr=0.01, eps=0.0, steps=1, bias_correction=False)
    np.testing.assert_allclose(raw[1] - raw[0], -0.01 * 0.1 / np.sqrt(0.001), rtol=1e-10)


def test_momentum_beats_gd_on_ill_conditioned_quadratic():
    kappa = 100.0
    _, grad = quadratic(np.diag([1.0, kappa]))
    x0 = np.array([1.0, 1.0])
    gd = gd_trajectory(grad, x0, lr=2 / (1 + kappa), steps=2000)
    sqk = np.sqrt(kappa)
    hb = gd_trajectory(grad, x0, lr=4 / (1 + sqk) ** 2, momentum=((sqk - 1) / (sqk + 1)) ** 2, steps=2000)
    n_gd = steps_to_tolerance(gd, [0, 0], 1e-6)
    n_hb = steps_to_tolerance(hb, [0, 0], 1e-6)
    assert n_gd is not None and n_hb is not None
    assert n_hb * 5 < n_gd


def test_quadratic_energy_and_grad():
    x_star = np.array([1.0, -2.0])
    E, grad = quadratic(A2, x_star)
    assert E(x_star) == 0.0
    x = np.array([0.5, 0.3])
    r = x - x_star
    assert np.isclose(E(x), 0.5 * r @ A2 @ r)
    np.testing.assert_allclose(grad(x), A2 @ r)
    grid = np.zeros((4, 3, 2))
    assert E(grid).shape == (4, 3)


def test_steps_to_tolerance():
    path = np.array([[3.0], [0.05], [0.2], [0.01], [0.001]])
    assert steps_to_tolerance(path, [0.0], 0.1) == 3  # passing close at step 1 does not count
    assert steps_to_tolerance(path, [0.0], 10.0) == 0
    assert steps_to_tolerance(path, [0.0], 1e-4) is None
    assert steps_to_tolerance(np.array([[1.0], [np.nan]]), [0.0], 5.0) is None


def test_divergence_is_silent_and_detected():
    _, grad = quadratic(np.diag([1.0, 10.0]))
    with np.errstate(all="raise"):
        path = gd_trajectory(grad, [1.0, 1.0], lr=1.0, steps=400)
    assert not np.all(np.isfinite(path[-1]))
    assert steps_to_tolerance(path, [0.0, 0.0], 1e-3) is None


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"lr": 0.0}, "lr must be > 0"),
        ({"lr": -1.0}, "lr must be > 0"),
        ({"lr": 0.1, "momentum": 1.0}, r"momentum must be in \[0, 1\)"),
        ({"lr": 0.1, "momentum": -0.1}, "momentum"),
        ({"lr": 0.1, "steps": 0}, "steps must be an integer >= 1"),
        ({"lr": 0.1, "nesterov": True}, "nesterov=True needs momentum"),
    ],
)
def test_gd_invalid_arguments(kwargs, match):
    _, grad = quadratic(A2)
    with pytest.raises(ValueError, match=match):
        gd_trajectory(grad, [1.0, 1.0], **kwargs)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"lr": 0.0}, "lr must be > 0"),
        ({"beta1": 1.0}, r"beta1 must be in \[0, 1\)"),
        ({"beta2": -0.5}, r"beta2 must be in \[0, 1\)"),
        ({"eps": -1e-8}, "eps must be >= 0"),
        ({"steps": 2.5}, "steps"),
    ],
)
def test_adam_invalid_arguments(kwargs, match):
    _, grad = quadratic(A2)
    with pytest.raises(ValueError, match=match):
        adam_trajectory(grad, [1.0, 1.0], **kwargs)


def test_bad_start_and_bad_grad_fn():
    _, grad = quadratic(A2)
    with pytest.raises(ValueError, match="finite"):
        gd_trajectory(grad, [np.nan, 1.0], lr=0.1)
    with pytest.raises(ValueError, match="1-D"):
        gd_trajectory(grad, [[1.0, 1.0]], lr=0.1)
    with pytest.raises(ValueError, match=r"same shape as x: got \(3,\) for x of shape \(2,\)"):
        gd_trajectory(lambda x: np.ones(3), [1.0, 1.0], lr=0.1)
    with pytest.raises(ValueError, match="same shape"):
        adam_trajectory(lambda x: 0.0, [1.0, 1.0])


def test_quadratic_invalid_arguments():
    with pytest.raises(ValueError, match="square"):
        quadratic(np.ones((2, 3)))
    with pytest.raises(ValueError, match="symmetric"):
        quadratic(np.array([[1.0, 2.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="positive definite"):
        quadratic(np.diag([1.0, -1.0]))
    with pytest.raises(ValueError, match=r"x_star must have shape \(2,\)"):
        quadratic(A2, [1.0, 2.0, 3.0])
    E, grad = quadratic(A2)
    with pytest.raises(ValueError, match="last dimension 2"):
        E(np.zeros(3))
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        grad(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="tol must be > 0"):
        steps_to_tolerance(np.zeros((3, 2)), [0.0, 0.0], 0.0)
    with pytest.raises(ValueError, match="shape"):
        steps_to_tolerance(np.zeros((3, 2)), [0.0], 0.1)
