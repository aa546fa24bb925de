"""From-scratch first-order optimisers on numpy arrays (chapters 04 and 06).

One home for each update rule: :func:`sgd_step` (gradient descent with heavy-ball or
Nesterov momentum) and :func:`adam_step` update an array in place. Two front ends use them:

- the classes :class:`SGD` and :class:`Adam` update the parameters (``Var``) of an
  ``nnlib.nn`` model, with the interface of ``torch.optim`` (``zero_grad``, ``step``);
- the trajectory functions below run one optimiser on an explicit function.

Each trajectory function runs one optimiser on a gradient function ``grad_fn(x) -> array`` from a starting
point ``x0`` and returns the whole trajectory, one row per iterate, so a chapter can plot the path
on a loss surface and count the steps it takes to converge. The update rules follow PyTorch's
``torch.optim.SGD`` and ``torch.optim.Adam`` exactly (the tests check this in float64):

- gradient descent with (heavy-ball) momentum :func:`gd_trajectory`,
- Adam with bias correction :func:`adam_trajectory`.

:func:`quadratic` builds the test problem E(x) = 1/2 (x - x*)^T A (x - x*) and
:func:`steps_to_tolerance` counts iterations until an iterate is within a tolerance of x*.
:func:`nesterov_trajectory` runs Nesterov's method in its look-ahead form.
Learning-rate schedules are in ``nnlib.schedules``; least squares as a test bed for conditioning
and gradient noise in ``nnlib.least_squares``.

This module is numpy-only (no torch).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .autodiff import Var
from ._checks import as_float_array, check_callable, check_flag, check_finite, check_in_range, check_non_negative, check_positive, check_positive_int

__all__ = ["sgd_step", "adam_step", "Optimizer", "SGD", "Adam",
           "gd_trajectory", "adam_trajectory", "quadratic", "steps_to_tolerance",
           "nesterov_trajectory"]


# --------------------------------------------------------------------------- update rules
def _check_step_arrays(x, g, **state) -> np.ndarray:
    """An update rule's arrays: ``x`` and its ``state`` (written in place) float ndarrays, ``g`` real; one shape.

    Returns ``g`` as a float array (a list of numbers is a valid gradient).
    """
    g = as_float_array("g", g)
    if g.shape != np.shape(x):
        raise ValueError(f"g must have the shape of x, {np.shape(x)}, got {g.shape}")
    for name, a in {"x": x, **state}.items():
        if not isinstance(a, np.ndarray) or a.dtype.kind != "f":
            raise TypeError(f"{name} must be a float numpy array (it is updated in place), got {type(a).__name__}"
                            + (f" of dtype {a.dtype}" if isinstance(a, np.ndarray) else ""))
        if a.shape != x.shape:
            raise ValueError(f"{name} must have the shape of x, {x.shape}, got {a.shape}")
    return g


def sgd_step(x, g, velocity, lr: float, momentum: float = 0.0, nesterov: bool = False) -> None:
    r"""One step of gradient descent with momentum, in place (chapter 06).

    .. math:: v \leftarrow \beta v + g, \qquad
              x \leftarrow x - \eta\,(g + \beta v \text{ if Nesterov, else } v)

    With ``momentum = 0`` this is plain gradient descent :math:`x \leftarrow x - \eta g`.
    ``x`` and ``velocity`` are updated in place; ``velocity`` starts at 0 (so the first
    step is :math:`v_1 = g_1`, as in ``torch.optim.SGD``).
    """
    nesterov = check_flag("nesterov", nesterov)
    g = _check_step_arrays(x, g, velocity=velocity)
    lr, momentum = check_non_negative("lr", lr), check_in_range("momentum", momentum, 0.0, 1.0)
    velocity *= momentum
    velocity += g
    x -= lr * (g + momentum * velocity if nesterov else velocity)


def adam_step(x, g, m, v, t: int, lr: float, beta1: float = 0.9, beta2: float = 0.999,
              eps: float = 1e-8, bias_correction: bool = True) -> None:
    r"""Step ``t`` (1, 2, ...) of Adam (Kingma & Ba 2015), in place (chapter 06).

    .. math::
        m \leftarrow \beta_1 m + (1-\beta_1) g, \quad
        v \leftarrow \beta_2 v + (1-\beta_2) g^2,

        x \leftarrow x - \eta \frac{m / (1-\beta_1^t)}{\sqrt{v / (1-\beta_2^t)} + \epsilon}

    ``bias_correction=False`` drops the two divisions. Where the denominator is exactly 0
    (possible only with ``eps = 0`` and a gradient that has always been 0) the step is 0,
    the limit of the update, instead of 0/0. A negative entry of ``v`` (an average of squares)
    is refused.
    """
    bias_correction = check_flag("bias_correction", bias_correction)
    g = _check_step_arrays(x, g, m=m, v=v)
    if np.any(v < 0):
        raise ValueError(f"v must be >= 0 (a running average of g**2), got a smallest entry {v.min():.3g}")
    t, lr, eps = check_positive_int("t", t), check_non_negative("lr", lr), check_non_negative("eps", eps)
    beta1, beta2 = check_in_range("beta1", beta1, 0.0, 1.0), check_in_range("beta2", beta2, 0.0, 1.0)
    m *= beta1
    m += (1 - beta1) * g
    v *= beta2
    v += (1 - beta2) * g * g
    if bias_correction:
        m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    else:
        m_hat, v_hat = m, v
    denom = np.sqrt(v_hat) + eps
    x -= lr * np.divide(m_hat, denom, out=np.zeros_like(m_hat), where=denom != 0)


# --------------------------------------------------------------------------- optimiser classes
class Optimizer:
    """Base class: a list of parameters and ``zero_grad``; subclasses implement ``step``."""

    def __init__(self, params, lr):
        if isinstance(params, (str, bytes)) or not hasattr(params, "__iter__"):
            raise TypeError(f"{type(self).__name__}: params must be an iterable of Vars (e.g. model.parameters()), "
                            f"got {type(params).__name__}")
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__}: params is empty; pass the parameters to update, e.g. model.parameters()")
        for p in self.params:
            if not isinstance(p, Var):
                raise TypeError(f"{type(self).__name__}: parameters must be Vars, got {type(p).__name__}")
        self.lr = check_non_negative("lr", lr)

    def zero_grad(self):
        """Reset every parameter's gradient."""
        for p in self.params:
            p.grad = None

    def step(self):
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent with momentum and L2 weight decay, as ``torch.optim.SGD``.

    .. math::

        g_t = \\nabla_\\theta L + \\lambda \\theta_{t-1}, \\quad
        b_t = \\mu b_{t-1} + g_t \\;(b_1 = g_1), \\quad
        \\theta_t = \\theta_{t-1} - \\eta\\, b_t

    Parameters
    ----------
    params : iterable of Var
    lr : float
        Learning rate :math:`\\eta \\ge 0`.
    momentum : float, optional
        :math:`\\mu \\in [0, 1)`.
    weight_decay : float, optional
        :math:`\\lambda \\ge 0`.
    """

    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        super().__init__(params, lr)
        self.momentum = check_in_range("momentum", momentum, 0, 1)
        self.weight_decay = check_non_negative("weight_decay", weight_decay)
        self._buffers = [None] * len(self.params)

    def step(self):
        """Update every parameter that has a gradient (in place)."""
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        for i, p in enumerate(self.params):
            g = p.grad
            if g is None:
                continue
            if wd:
                g = g + wd * p.val
            if self._buffers[i] is None:
                self._buffers[i] = np.zeros_like(p.val)
            sgd_step(p.val, g, self._buffers[i], lr, mu)


class Adam(Optimizer):
    """Adam (Kingma & Ba) with L2 weight decay, as ``torch.optim.Adam``.

    .. math::

        m_t = \\beta_1 m_{t-1} + (1-\\beta_1) g_t, \\quad
        v_t = \\beta_2 v_{t-1} + (1-\\beta_2) g_t^2,

        \\theta_t = \\theta_{t-1} - \\eta\\,
        \\frac{m_t / (1-\\beta_1^t)}{\\sqrt{v_t / (1-\\beta_2^t)} + \\epsilon}

    with :math:`g_t = \\nabla_\\theta L + \\lambda \\theta_{t-1}`.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)):
            raise TypeError(f"betas must be a pair (beta1, beta2), got {type(betas).__name__} {betas!r}")
        if len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = (check_in_range("betas[0] (beta1)", betas[0], 0, 1), check_in_range("betas[1] (beta2)", betas[1], 0, 1))
        self.eps = check_positive("eps", eps)  # eps = 0 divides by zero where a gradient vanishes
        self.weight_decay = check_non_negative("weight_decay", weight_decay)
        self.t = 0
        self._m = [np.zeros_like(p.val) for p in self.params]
        self._v = [np.zeros_like(p.val) for p in self.params]

    def step(self):
        """One Adam update of every parameter that has a gradient (in place)."""
        self.t += 1
        b1, b2 = self.betas
        for p, m, v in zip(self.params, self._m, self._v):
            g = p.grad
            if g is None:
                continue
            if self.weight_decay:
                g = g + self.weight_decay * p.val
            adam_step(p.val, g, m, v, self.t, self.lr, b1, b2, self.eps)



def _start(x0) -> np.ndarray:
    x = check_finite("x0", x0).astype(float).copy()
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"x0 must be a non-empty 1-D array, got shape {np.shape(x0)}")
    return x


def _grad(grad_fn: Callable, x: np.ndarray) -> np.ndarray:
    check_callable("grad_fn", grad_fn, "a function grad_fn(x) -> array")
    g = np.asarray(grad_fn(x), dtype=float)
    if g.shape != x.shape:
        raise ValueError(
            f"grad_fn must return an array of the same shape as x: got {g.shape} for x of shape {x.shape}"
        )
    return g


def gd_trajectory(grad_fn: Callable, x0, lr: float, momentum: float = 0.0, steps: int = 100,
                  *, nesterov: bool = False) -> np.ndarray:
    """Run gradient descent with optional heavy-ball momentum; return all iterates.

    With momentum ``beta`` (derived in chapter 06 from a ball rolling with friction)

    .. math:: v_{t+1} = \\beta v_t + \\nabla E(x_t), \\qquad x_{t+1} = x_t - \\eta\\, v_{t+1},

    with ``v_0 = 0``; ``beta = 0`` is plain gradient descent x_{t+1} = x_t - eta grad E(x_t).
    With ``nesterov=True`` the step uses the look-ahead form of ``torch.optim.SGD``:
    x_{t+1} = x_t - eta (grad E(x_t) + beta v_{t+1}).

    Parameters
    ----------
    grad_fn : callable
        ``grad_fn(x)`` returns the gradient at ``x`` (same shape as ``x``).
    x0 : array_like, shape (d,)
        Starting point.
    lr : float
        Learning rate ``eta > 0``.
    momentum : float
        ``beta`` in ``[0, 1)``.
    steps : int
        Number of updates (>= 1).
    nesterov : bool
        Use Nesterov's variant (needs ``momentum > 0``).

    Returns
    -------
    numpy.ndarray, shape (steps + 1, d)
        ``x_0, x_1, ..., x_steps``. A learning rate that is too large makes the iterates grow
        without bound; overflow then gives ``inf``/``nan`` rows silently (no warning), which a
        plot or :func:`steps_to_tolerance` treats as "not converged".
    """
    nesterov = check_flag("nesterov", nesterov)
    x = _start(x0)
    lr = check_positive("lr", lr)
    momentum = check_in_range("momentum", momentum, 0, 1)
    steps = check_positive_int("steps", steps)
    if nesterov and momentum == 0:
        raise ValueError("nesterov=True needs momentum in (0, 1), got momentum=0")
    path = np.empty((steps + 1, x.size))
    path[0] = x
    v = np.zeros_like(x)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps):
            sgd_step(x, _grad(grad_fn, x), v, lr, momentum, nesterov)
            path[t + 1] = x
    return path


def adam_trajectory(grad_fn: Callable, x0, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
                    eps: float = 1e-8, steps: int = 100, *, bias_correction: bool = True) -> np.ndarray:
    """Run Adam (Kingma & Ba 2015); return all iterates.

    .. math::
        m_t = \\beta_1 m_{t-1} + (1-\\beta_1) g_t, \\quad
        v_t = \\beta_2 v_{t-1} + (1-\\beta_2) g_t^2,

        \\hat m_t = \\frac{m_t}{1-\\beta_1^t}, \\quad \\hat v_t = \\frac{v_t}{1-\\beta_2^t}, \\quad
        x_t = x_{t-1} - \\eta \\frac{\\hat m_t}{\\sqrt{\\hat v_t} + \\epsilon}

    (chapter 06 derives the bias correction). ``bias_correction=False`` drops the two divisions,
    to show what the correction is for.

    Parameters
    ----------
    grad_fn : callable
        ``grad_fn(x)`` returns the gradient at ``x``.
    x0 : array_like, shape (d,)
        Starting point.
    lr : float
        Step size ``eta > 0``.
    beta1, beta2 : float
        Decay rates of the first and second moment averages, each in ``[0, 1)``.
    eps : float
        Small constant ``>= 0`` added to the denominator. With ``eps = 0`` a coordinate
        whose gradient has been exactly 0 so far takes no step (the limit of the update),
        instead of 0/0.
    steps : int
        Number of updates (>= 1).
    bias_correction : bool
        Divide the moment estimates by ``1 - beta**t`` (the standard algorithm) or not.

    Returns
    -------
    numpy.ndarray, shape (steps + 1, d)
        ``x_0, x_1, ..., x_steps``.
    """
    bias_correction = check_flag("bias_correction", bias_correction)
    x = _start(x0)
    lr = check_positive("lr", lr)
    beta1 = check_in_range("beta1", beta1, 0, 1)
    beta2 = check_in_range("beta2", beta2, 0, 1)
    eps = check_non_negative("eps", eps)
    steps = check_positive_int("steps", steps)
    path = np.empty((steps + 1, x.size))
    path[0] = x
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            adam_step(x, _grad(grad_fn, x), m, v, t, lr, beta1, beta2, eps, bias_correction)
            path[t] = x
    return path


def quadratic(A, x_star=None) -> tuple[Callable, Callable]:
    """Return ``(E, grad_E)`` for E(x) = 1/2 (x - x*)^T A (x - x*) with a symmetric positive definite A.

    ``E`` accepts points of shape ``(..., d)`` (so it can be evaluated on a whole grid for contour
    plots) and returns shape ``(...)``; ``grad_E(x) = A (x - x*)`` takes a single point ``(d,)``.
    The condition number ``lambda_max / lambda_min`` of A controls how hard the problem is
    for gradient descent (chapter 06).

    Parameters
    ----------
    A : array_like, shape (d, d)
        Symmetric positive definite matrix (the Hessian of E).
    x_star : array_like, shape (d,), optional
        The minimiser (default: the origin).
    """
    A = check_finite("A", A)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] == 0:
        raise ValueError(f"A must be a square matrix, got shape {A.shape}")
    if not np.allclose(A, A.T):
        raise ValueError("A must be symmetric (A == A.T)")
    if np.linalg.eigvalsh(A).min() <= 0:
        raise ValueError(f"A must be positive definite, got eigenvalues {np.linalg.eigvalsh(A)}")
    d = A.shape[0]
    x_star = np.zeros(d) if x_star is None else check_finite("x_star", x_star)
    if x_star.shape != (d,):
        raise ValueError(f"x_star must have shape ({d},) to match A {A.shape}, got {x_star.shape}")

    def energy(x):
        x = as_float_array("x", x)
        if x.ndim == 0 or x.shape[-1] != d:
            raise ValueError(f"E expects points with last dimension {d}, got shape {x.shape}")
        r = x - x_star
        return 0.5 * np.einsum("...i,ij,...j->...", r, A, r)

    def grad(x):
        x = as_float_array("x", x)
        if x.shape != (d,):
            raise ValueError(f"grad_E expects a point of shape ({d},), got {x.shape}")
        return A @ (x - x_star)

    return energy, grad


def steps_to_tolerance(path, x_star, tol: float) -> int | None:
    """Return the first step ``t`` with ``||x_s - x*|| <= tol`` for every ``s >= t``, or ``None``.

    Requiring the distance to *stay* below ``tol`` ignores a trajectory that passes close to the
    minimum by chance and swings away again (momentum does this).

    Parameters
    ----------
    path : array_like, shape (T, d)
        A trajectory such as the output of :func:`gd_trajectory`.
    x_star : array_like, shape (d,)
        The minimiser.
    tol : float
        Tolerance on the Euclidean distance (> 0).
    """
    path = as_float_array("path", path)
    x_star = as_float_array("x_star", x_star)
    if path.ndim != 2 or x_star.shape != path.shape[1:]:
        raise ValueError(
            f"path must have shape (T, d) and x_star shape (d,), got {path.shape} and {x_star.shape}"
        )
    tol = check_positive("tol", tol)
    with np.errstate(over="ignore", invalid="ignore"):
        dist = np.sqrt(np.sum((path - x_star) ** 2, axis=1))
    outside = np.flatnonzero(~(dist <= tol))  # NaN counts as outside
    if outside.size == 0:
        return 0
    last_out = int(outside[-1])
    return None if last_out == len(dist) - 1 else last_out + 1


# --------------------------------------------------------------------------- Nesterov, look-ahead form
def nesterov_trajectory(grad_fn: Callable, x0, lr: float, momentum: float, steps: int = 100):
    r"""Nesterov's accelerated gradient in its look-ahead form; return the iterates and the look-ahead points.

    With the displacement ("velocity") :math:`v_0 = 0` (chapter 06, after Sutskever et al. 2013)

    .. math:: v_{t+1} = \mu v_t - \eta\,\nabla E(x_t + \mu v_t), \qquad x_{t+1} = x_t + v_{t+1}:

    the gradient is taken at the look-ahead point :math:`y_t = x_t + \mu v_t`, where momentum alone
    would carry the iterate. The look-ahead points obey ``torch.optim.SGD(nesterov=True)``'s update
    (and :func:`gd_trajectory` with ``nesterov=True``): with :math:`b_t = -v_{t+1}/\eta`,
    :math:`b_t = \mu b_{t-1} + \nabla E(y_t)` and :math:`y_{t+1} = y_t - \eta(\nabla E(y_t) + \mu b_t)`.

    Parameters
    ----------
    grad_fn : callable
        ``grad_fn(x)`` returns the gradient at ``x`` (same shape as ``x``).
    x0 : array_like, shape (d,)
        Starting point (``y_0 = x_0``).
    lr : float
        Learning rate ``eta > 0``.
    momentum : float
        ``mu`` in ``[0, 1)``.
    steps : int
        Number of updates (>= 1).

    Returns
    -------
    x, y : numpy.ndarray, each of shape (steps + 1, d)
        The iterates :math:`x_t` and the look-ahead points :math:`y_t = x_t + \mu v_t`.
    """
    x = _start(x0)
    lr = check_positive("lr", lr)
    momentum = check_in_range("momentum", momentum, 0, 1)
    steps = check_positive_int("steps", steps)
    xs, ys = np.empty((steps + 1, x.size)), np.empty((steps + 1, x.size))
    v = np.zeros_like(x)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps):
            xs[t], ys[t] = x, x + momentum * v
            v = momentum * v - lr * _grad(grad_fn, ys[t])
            x = x + v
        xs[steps], ys[steps] = x, x + momentum * v
    return xs, ys
