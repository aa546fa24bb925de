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


# --------------------------------------------------------------------------- Nesterov (look-ahead form)
from nnlib.least_squares import condition_number, least_squares_hessian, least_squares_sgd  # noqa: E402
from nnlib.optim import nesterov_trajectory  # noqa: E402
from nnlib.schedules import cosine_lr, step_lr, warmup_cosine_lr  # noqa: E402


@pytest.mark.parametrize("lr, momentum", [(0.05, 0.9), (0.1, 0.5), (0.02, 0.0)])
def test_nesterov_lookahead_points_are_torch_iterates(lr, momentum):
    x0 = np.array([1.0, -2.0])
    _, grad = quadratic(A2)
    xs, ys = nesterov_trajectory(grad, x0, lr, momentum, steps=40)
    assert xs.shape == ys.shape == (41, 2)
    np.testing.assert_allclose(ys[0], x0)
    if momentum > 0:
        ref = _torch_path(A2, x0, 40, lambda p: torch.optim.SGD(p, lr=lr, momentum=momentum, nesterov=True))
        np.testing.assert_allclose(ys, ref, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(ys, gd_trajectory(grad, x0, lr, momentum, steps=40, nesterov=True),
                                   rtol=1e-10, atol=1e-12)
    else:  # no momentum: plain gradient descent, x and y coincide
        np.testing.assert_allclose(xs, gd_trajectory(grad, x0, lr, steps=40), rtol=1e-12)
        np.testing.assert_allclose(xs, ys)


def test_nesterov_definition_and_rate():
    # v_{t+1} = mu v_t - lr grad(x_t + mu v_t), x_{t+1} = x_t + v_{t+1}, written out for two steps
    lam, lr, mu = 2.0, 0.1, 0.8
    _, grad = quadratic(np.array([[lam]]))
    xs, ys = nesterov_trajectory(grad, [1.0], lr, mu, steps=2)
    v1 = -lr * lam * 1.0
    x1 = 1.0 + v1
    v2 = mu * v1 - lr * lam * (x1 + mu * v1)
    np.testing.assert_allclose(xs[:, 0], [1.0, x1, x1 + v2])
    np.testing.assert_allclose(ys[1:, 0], [x1 + mu * v1, x1 + v2 + mu * v2])
    # kappa = 100, lr = 1/lambda_max, mu = (sqrt k - 1)/(sqrt k + 1): flat direction has the double root 0.9
    _, grad = quadratic(np.diag([1.0, 100.0]))
    xs, _ = nesterov_trajectory(grad, [1.0, 1.0], 0.01, 9 / 11, steps=400)
    rate = abs(xs[-1, 0] / xs[-101, 0]) ** (1 / 100)
    assert abs(rate - 0.9 * (400 / 300) ** (1 / 100)) < 5e-4  # a double root: x_t ~ t 0.9^t


@pytest.mark.parametrize(
    "kwargs, match",
    [({"lr": 0.0}, "lr must be > 0"), ({"momentum": 1.0}, r"momentum must be in \[0, 1\)"),
     ({"steps": 0}, "steps must be an integer >= 1")],
)
def test_nesterov_invalid_arguments(kwargs, match):
    _, grad = quadratic(A2)
    args = {"lr": 0.1, "momentum": 0.5, **kwargs}
    with pytest.raises(ValueError, match=match):
        nesterov_trajectory(grad, [1.0, 1.0], **args)
    with pytest.raises(ValueError, match="finite"):
        nesterov_trajectory(grad, [np.inf, 1.0], 0.1, 0.5)


# --------------------------------------------------------------------------- learning-rate schedules
def _torch_lrs(make_sched, steps, lr=0.3):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr)
    sched = make_sched(opt)
    lrs = []
    for _ in range(steps + 1):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return np.array(lrs)


def test_schedules_match_torch():
    S = torch.optim.lr_scheduler
    t = np.arange(101)
    np.testing.assert_allclose(step_lr(t, 0.3, 30, 0.5), _torch_lrs(lambda o: S.StepLR(o, 30, 0.5), 100),
                               rtol=1e-12)
    np.testing.assert_allclose(cosine_lr(t, 0.3, 100, 0.01),
                               _torch_lrs(lambda o: S.CosineAnnealingLR(o, 100, eta_min=0.01), 100),
                               rtol=1e-10, atol=1e-14)
    seq = lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.2, total_iters=10),  # noqa: E731
                                       S.CosineAnnealingLR(o, 90, eta_min=0.0)], milestones=[10])
    np.testing.assert_allclose(warmup_cosine_lr(t, 0.3, 10, 100, start_factor=0.2), _torch_lrs(seq, 100),
                               rtol=1e-10, atol=1e-14)


def test_schedules_values_and_shapes():
    assert step_lr(0, 1.0, 5) == 1.0 and step_lr(5, 1.0, 5) == pytest.approx(0.1)
    assert isinstance(cosine_lr(3, 1.0, 10), float)
    assert cosine_lr(0, 1.0, 10) == 1.0 and cosine_lr(10, 1.0, 10, 0.1) == pytest.approx(0.1)
    assert cosine_lr(5, 1.0, 10) == pytest.approx(0.5)
    w = warmup_cosine_lr(np.arange(11), 1.0, 4, 10, start_factor=0.5)
    np.testing.assert_allclose(w[:5], [0.5, 0.625, 0.75, 0.875, 1.0])
    assert w.shape == (11,) and w[-1] == pytest.approx(0.0, abs=1e-15)
    assert np.all(np.diff(w[4:]) < 0)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: step_lr(-1, 1.0, 5), "t must be integer step numbers >= 0"),
        (lambda: step_lr(1.5, 1.0, 5), "t must be integer"),
        (lambda: step_lr("3", 1.0, 5), "t must be a real number"),
        (lambda: step_lr(1, 0.0, 5), "lr must be > 0"),
        (lambda: step_lr(1, 1.0, 0), "step_size must be an integer >= 1"),
        (lambda: step_lr(1, 1.0, 5, gamma=0.0), r"gamma must be in \(0, 1\]"),
        (lambda: cosine_lr(11, 1.0, 10), "t must be <= total_steps = 10"),
        (lambda: cosine_lr(1, 1.0, 10, min_lr=2.0), r"min_lr must be in \[0, 1.0\]"),
        (lambda: cosine_lr(1, 1.0, 2.5), "total_steps must be an integer"),
        (lambda: warmup_cosine_lr(1, 1.0, 10, 10), "warmup_steps must be < total_steps = 10"),
        (lambda: warmup_cosine_lr(1, 1.0, 2, 10, start_factor=0.0), r"start_factor must be in \(0, 1\]"),
        (lambda: warmup_cosine_lr(1, 1.0, True, 10), "warmup_steps must be an integer"),
    ],
)
def test_schedules_invalid_arguments(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


# --------------------------------------------------------------------------- least squares
def test_least_squares_hessian_and_condition_number():
    X = np.array([[1.0, 2.0], [3.0, 0.0], [-1.0, 1.0]])
    Xt = np.hstack([X, np.ones((3, 1))])
    np.testing.assert_allclose(least_squares_hessian(X), Xt.T @ Xt / 3)
    np.testing.assert_allclose(least_squares_hessian(X, intercept=False), X.T @ X / 3)
    # one input with mean m and variance s^2: H = [[m^2 + s^2, m], [m, 1]]
    x = np.array([[3.0], [5.0]])                   # m = 4, s = 1
    np.testing.assert_allclose(least_squares_hessian(x), [[17.0, 4.0], [4.0, 1.0]])
    lam = np.linalg.eigvalsh([[17.0, 4.0], [4.0, 1.0]])
    assert condition_number(least_squares_hessian(x)) == pytest.approx(lam[1] / lam[0])
    assert condition_number(np.diag([2.0, 8.0])) == 4.0
    assert condition_number(np.diag([0.0, 1.0])) == np.inf
    # standardised, uncorrelated inputs: kappa -> 1
    assert condition_number(least_squares_hessian(np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]]))) == 1.0


def test_least_squares_sgd_full_batch_is_gradient_descent():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(5, 2)), rng.normal(size=5)
    # batch of size n drawn with replacement is random; compare with explicit per-step GD on the same batches
    lrs = np.array([0.1, 0.05, 0.2])
    losses = least_squares_sgd(X, y, lrs, batch_size=3, n_runs=2, rng=7)
    gen = np.random.default_rng(7)
    Xt = np.hstack([X, np.ones((5, 1))])
    for r_losses in [losses]:
        W = np.zeros((2, 3))
        expected = [[0.5 * np.mean(y**2)] * 2]
        for lr in lrs:
            idx = gen.integers(0, 5, size=(2, 3))
            for r in range(2):
                Xb = Xt[idx[r]]
                W[r] -= lr * Xb.T @ (Xb @ W[r] - y[idx[r]]) / 3
            expected.append([0.5 * np.mean((Xt @ W[r] - y) ** 2) for r in range(2)])
        np.testing.assert_allclose(r_losses, np.array(expected).T, rtol=1e-12)


def test_least_squares_sgd_noise_floor_proportional_to_lr():
    gen = np.random.default_rng(1)
    X = gen.normal(size=(400, 3))
    y = X @ [1.0, -1.0, 0.5] + 0.5 * gen.normal(size=400)
    Xt = np.hstack([X, np.ones((400, 1))])
    w = np.linalg.lstsq(Xt, y, rcond=None)[0]
    e_min = 0.5 * np.mean((Xt @ w - y) ** 2)
    floors = [np.mean(least_squares_sgd(X, y, np.full(1500, lr), 2, 8, rng=3)[:, 500:] - e_min) for lr in (0.01, 0.04)]
    assert 3.0 < floors[1] / floors[0] < 5.0


def test_least_squares_invalid_arguments():
    X, y = np.ones((4, 2)), np.ones(4)
    with pytest.raises(ValueError, match="2-D"):
        least_squares_hessian(np.ones(3))
    with pytest.raises(TypeError, match="intercept must be True or False"):
        least_squares_hessian(X, intercept=1)
    with pytest.raises(ValueError, match="X must be finite"):
        least_squares_hessian([[np.nan, 1.0]])
    with pytest.raises(ValueError, match="symmetric"):
        condition_number([[1.0, 2.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="square"):
        condition_number(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"y must have shape \(4,\)"):
        least_squares_sgd(X, np.ones(3), [0.1])
    with pytest.raises(ValueError, match="lrs must be a non-empty 1-D array"):
        least_squares_sgd(X, y, [-0.1])
    with pytest.raises(ValueError, match="batch_size must be an integer >= 1"):
        least_squares_sgd(X, y, [0.1], batch_size=0)
    with pytest.raises(ValueError, match="n_runs must be an integer >= 1"):
        least_squares_sgd(X, y, [0.1], n_runs=1.5)
    with pytest.raises(ValueError, match="above the limit"):
        least_squares_sgd(X, y, np.full(10, 0.1), n_runs=2_000_000)
    with pytest.raises(TypeError, match="y must be a real number"):
        least_squares_sgd(X, "y", [0.1])


def test_adam_step_refuses_a_negative_second_moment_and_takes_a_list_gradient():
    from nnlib.optim import adam_step, sgd_step
    x, m, v = np.ones(2), np.zeros(2), np.array([0.01, 0.04])
    with pytest.raises(ValueError, match=r"v must be >= 0 .* -0\.04"):
        adam_step(x, np.array([0.5, -0.5]), m, -v, t=1, lr=0.1)
    x1, m1, v1 = x.copy(), m.copy(), v.copy()
    adam_step(x1, np.array([0.5, -0.5]), m1, v1, t=2, lr=0.1)
    x2, m2, v2 = x.copy(), m.copy(), v.copy()
    adam_step(x2, [0.5, -0.5], m2, v2, t=2, lr=0.1)  # a list of numbers is a valid gradient
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(v1, v2)
    y1, y2, w1, w2 = np.ones(2), np.ones(2), np.zeros(2), np.zeros(2)
    sgd_step(y1, np.array([0.5, -0.5]), w1, lr=0.1, momentum=0.5, nesterov=True)
    sgd_step(y2, [0.5, -0.5], w2, lr=0.1, momentum=0.5, nesterov=True)
    np.testing.assert_array_equal(y1, y2)
    with pytest.raises(TypeError, match="g must be real numbers"):
        adam_step(x, [0.5, "a"], m, v, t=1, lr=0.1)
