"""Two-dimensional neuron models in the phase plane: FitzHugh-Nagumo and the theta neuron.

Derived in chapter 01 (Neuron models, "The phase plane of a reduced model"). The
FitzHugh-Nagumo (FHN) model keeps a fast voltage-like variable ``v`` and a slow recovery
variable ``w`` of the Hodgkin-Huxley model,

.. math::
    \\frac{dv}{dt} = v - \\frac{v^3}{3} - w + I, \\qquad
    \\frac{dw}{dt} = \\varepsilon\\,(v + a - b w),

in dimensionless units (FitzHugh's parameters ``a = 0.7``, ``b = 0.8``, ``eps = 0.08``).
The theta neuron ``dtheta/dt = 1 - cos(theta) + (1 + cos(theta)) I`` is the normal form of
a saddle-node bifurcation on an invariant circle (type I excitability).

Everything is numpy only and vectorised: the state arrays may hold a population of
independent copies (one per current, or per initial condition).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnlib._checks import (as_float_array, check_broadcast, check_budget, check_callable, check_finite, check_non_negative,
                           check_positive, check_real)

__all__ = [
    "FHN_PARAMS",
    "fhn_rhs",
    "fhn_nullclines",
    "fhn_fixed_points",
    "fhn_jacobian",
    "fhn_hopf_currents",
    "classify_fixed_point",
    "rk4",
    "simulate_fhn",
    "FHNResult",
    "theta_rhs",
    "theta_rate",
    "crossing_frequency",
]

#: FitzHugh's (1961) parameters of the FHN model (dimensionless).
FHN_PARAMS = {"a": 0.7, "b": 0.8, "eps": 0.08}


def _params(a, b, eps):
    return check_real("a", a), check_positive("b", b), check_positive("eps", eps)


def fhn_rhs(v, w, I=0.0, a=0.7, b=0.8, eps=0.08):
    """Right-hand side of the FitzHugh-Nagumo equations (chapter 01).

    .. math::
        \\dot v = v - v^3/3 - w + I, \\qquad \\dot w = \\varepsilon (v + a - b w).

    ``v``, ``w`` and ``I`` broadcast against each other. Returns ``(dv/dt, dw/dt)``.
    """
    v, w, I = as_float_array("v", v), as_float_array("w", w), as_float_array("I", I)
    check_broadcast("fhn_rhs", v=v, w=w, I=I)
    a, b, eps = _params(a, b, eps)
    return v - v**3 / 3.0 + I - w, eps * (v + a - b * w)


def fhn_nullclines(v, I=0.0, a=0.7, b=0.8):
    """The two nullclines of the FHN model as functions of ``v`` (chapter 01).

    The v-nullcline (``dv/dt = 0``) is the cubic ``w = v - v^3/3 + I``; the w-nullcline
    (``dw/dt = 0``) is the line ``w = (v + a) / b``. Returns ``(w_cubic, w_line)``.
    """
    v = as_float_array("v", v)
    I = check_real("I", I)
    a, b, _ = _params(a, b, 1.0)
    return v - v**3 / 3.0 + I, (v + a) / b


def fhn_fixed_points(I=0.0, a=0.7, b=0.8):
    """Fixed points of the FHN model: the crossings of its two nullclines (chapter 01).

    Equating the nullclines gives the cubic ``v^3/3 + (1/b - 1) v + a/b - I = 0``. For
    ``b < 1`` its left side increases with ``v``, so there is exactly one fixed point; for
    ``b > 1`` there can be three. Returns an array of shape ``(k, 2)`` of ``(v*, w*)``,
    sorted by ``v*``.
    """
    I = check_real("I", I)
    a, b, _ = _params(a, b, 1.0)
    roots = np.roots([1.0 / 3.0, 0.0, 1.0 / b - 1.0, a / b - I])
    real = np.sort(roots[np.abs(roots.imag) < 1e-9 * (1.0 + np.abs(roots.real))].real)
    real = real[np.concatenate([[True], np.diff(real) > 1e-9])]  # a double root counts once
    return np.column_stack([real, (real + a) / b])


def fhn_jacobian(v, b=0.8, eps=0.08):
    """Jacobian of the FHN right-hand side at a point with voltage ``v`` (chapter 01).

    .. math::
        J = \\begin{pmatrix} 1 - v^2 & -1 \\\\ \\varepsilon & -\\varepsilon b \\end{pmatrix},

    which does not depend on ``w`` or ``I``. Returns a ``(2, 2)`` array for a scalar ``v``
    and ``(..., 2, 2)`` for an array.
    """
    v = as_float_array("v", v)
    _, b, eps = _params(0.0, b, eps)
    J = np.empty(v.shape + (2, 2))
    J[..., 0, 0], J[..., 0, 1] = 1.0 - v**2, -1.0
    J[..., 1, 0], J[..., 1, 1] = eps, -eps * b
    return J


def fhn_hopf_currents(a=0.7, b=0.8, eps=0.08):
    """The two currents at which the FHN fixed point changes stability (chapter 01).

    The trace of :func:`fhn_jacobian` is ``1 - v^2 - eps b``; it vanishes at
    ``v_H = -+sqrt(1 - eps b)``, and the fixed-point condition gives the current there,

    .. math::
        I_H = \\frac{v_H^3}{3} + \\Bigl(\\frac{1}{b} - 1\\Bigr) v_H + \\frac{a}{b}.

    The determinant at ``v_H`` is ``eps (1 - eps b^2)``; when it is positive the eigenvalues
    cross the imaginary axis as a complex pair ``+-i sqrt(eps (1 - eps b^2))`` (a Hopf
    bifurcation). Requires ``eps b^2 < 1`` (which implies ``eps b < 1``) and ``b < 1``.
    Returns ``(I_low, I_high)``: the fixed point is unstable for ``I_low < I < I_high``.
    """
    a, b, eps = _params(a, b, eps)
    if b >= 1.0 or eps * b**2 >= 1.0:
        raise ValueError(f"fhn_hopf_currents needs b < 1 and eps * b**2 < 1 (one fixed point that changes "
                         f"stability in a Hopf bifurcation), got b={b!r}, eps={eps!r}")
    v_h = np.sqrt(1.0 - eps * b)
    current = lambda v: v**3 / 3.0 + (1.0 / b - 1.0) * v + a / b  # noqa: E731
    return float(current(-v_h)), float(current(v_h))


def classify_fixed_point(J):
    """Eigenvalues, trace, determinant and type of a fixed point with 2x2 Jacobian ``J`` (chapter 01).

    With ``tau = tr J`` and ``Delta = det J`` the eigenvalues are
    ``(tau +- sqrt(tau^2 - 4 Delta)) / 2``: a saddle if ``Delta < 0``; otherwise stable if
    ``tau < 0`` and unstable if ``tau > 0``, a focus (spiral) if ``tau^2 < 4 Delta`` and a
    node if not.

    Returns
    -------
    dict
        ``{"eigenvalues": complex array (2,), "trace": float, "det": float, "kind": str}``,
        ``kind`` one of ``"saddle"``, ``"stable node"``, ``"stable focus"``,
        ``"unstable node"``, ``"unstable focus"``, ``"centre"`` (``tau = 0`` exactly).
    """
    J = check_finite("J", J)
    if J.shape != (2, 2):
        raise ValueError(f"J must have shape (2, 2), got shape {J.shape}")
    tau, delta = float(np.trace(J)), float(np.linalg.det(J))
    if delta < 0:
        kind = "saddle"
    elif tau == 0.0:
        kind = "centre"
    else:
        kind = ("stable " if tau < 0 else "unstable ") + ("focus" if tau**2 < 4 * delta else "node")
    return {"eigenvalues": np.linalg.eigvals(J).astype(complex), "trace": tau, "det": delta, "kind": kind}


def rk4(rhs, y0, duration, dt):
    """Integrate ``dy/dt = rhs(t, y)`` with the classical fixed-step Runge-Kutta method (chapter 01).

    .. math::
        k_1 = f(t, y),\\ k_2 = f(t + \\tfrac{h}{2}, y + \\tfrac{h}{2} k_1),

        k_3 = f(t + \\tfrac{h}{2}, y + \\tfrac{h}{2} k_2),\\ k_4 = f(t + h, y + h k_3),

        y \\leftarrow y + \\tfrac{h}{6}(k_1 + 2 k_2 + 2 k_3 + k_4)\\quad (\\text{error } O(h^4)).

    ``y0`` is an array of any shape (e.g. ``(2, N)`` for N copies of a 2-D system);
    ``rhs`` must return an array of that shape. ``steps = round(duration / dt)``.

    Returns ``(t, Y)``: times ``t[k] = k dt`` for ``k = 0 .. steps`` and the states
    ``Y[k]`` at those times (shape ``(steps + 1,) + y0.shape``).
    """
    rhs = check_callable("rhs", rhs, "a function rhs(t, y)")
    y = check_finite("y0", y0).copy()
    duration, dt = check_positive("duration", duration), check_positive("dt", dt)
    if dt > duration:
        raise ValueError(f"dt must be <= duration, got dt={dt!r} and duration={duration!r}")
    steps = check_budget("duration / dt", int(round(duration / dt)), "MAX_STEPS", "time steps")
    check_budget("(duration / dt) x y0.size (recorded values)", (steps + 1) * max(y.size, 1), "MAX_ELEMENTS",
                 "recorded values")
    Y = np.empty((steps + 1,) + y.shape)
    Y[0] = y
    for k in range(steps):
        t = k * dt
        k1 = rhs(t, y)
        k2 = rhs(t + dt / 2, y + dt / 2 * k1)
        k3 = rhs(t + dt / 2, y + dt / 2 * k2)
        k4 = rhs(t + dt, y + dt * k3)
        y = y + dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        Y[k + 1] = y
    return np.arange(steps + 1) * dt, Y


@dataclass
class FHNResult:
    """Output of :func:`simulate_fhn`; ``v`` and ``w`` have shape ``(steps + 1, N)``."""

    t: np.ndarray  #: time grid, shape (steps + 1,)
    v: np.ndarray  #: fast (voltage-like) variable
    w: np.ndarray  #: slow recovery variable
    I: np.ndarray  #: the constant current of each copy, shape (N,)


def simulate_fhn(I, duration, dt=0.05, *, v0=None, w0=None, a=0.7, b=0.8, eps=0.08):
    """Simulate N independent FitzHugh-Nagumo models with constant currents (chapter 01).

    Integrates :func:`fhn_rhs` with :func:`rk4`.

    Parameters
    ----------
    I : float or array (N,)
        Constant input current of each copy.
    duration, dt : float
        Simulated time and RK4 step (dimensionless time, ``0 < dt <= 0.2``: the fast
        variable's time scale is about 1, and larger steps lose accuracy on the cycle).
    v0, w0 : float or array (N,), optional
        Initial state; by default the resting state for ``I = 0`` (the fixed point of
        :func:`fhn_fixed_points` with ``I = 0``; for ``b < 1`` it is unique).
    a, b, eps : float
        Model parameters (``b > 0``, ``eps > 0``).

    Returns
    -------
    FHNResult
    """
    a, b, eps = _params(a, b, eps)
    dt = check_positive("dt", dt)
    if dt > 0.2:
        raise ValueError(f"dt must be in (0, 0.2] for the FHN model, got {dt!r}")
    rest = fhn_fixed_points(0.0, a, b)[0]
    v0 = rest[0] if v0 is None else v0
    w0 = rest[1] if w0 is None else w0
    I_arr, v0, w0 = (check_finite(n, x) for n, x in (("I", I), ("v0", v0), ("w0", w0)))
    for name, x in (("I", I_arr), ("v0", v0), ("w0", w0)):
        if x.ndim > 1:
            raise ValueError(f"{name} must be a scalar or an array of shape (N,), got shape {x.shape}")
    try:
        I_arr, v0, w0 = (np.atleast_1d(x) for x in np.broadcast_arrays(I_arr, v0, w0))
    except ValueError:
        raise ValueError(f"I, v0 and w0 must have the same length N (or be scalars), got shapes "
                         f"{np.shape(I)}, {np.shape(v0)}, {np.shape(w0)}") from None
    I_arr = I_arr.astype(float)

    def rhs(t, y):
        return np.stack([y[0] - y[0] ** 3 / 3.0 + I_arr - y[1], eps * (y[0] + a - b * y[1])])

    t, Y = rk4(rhs, np.stack([v0, w0]).astype(float), duration, dt)
    return FHNResult(t=t, v=Y[:, 0], w=Y[:, 1], I=I_arr)


def theta_rhs(theta, I):
    """Right-hand side of the theta neuron, ``1 - cos(theta) + (1 + cos(theta)) I`` (chapter 01).

    A spike is the passage of ``theta`` through ``pi``. For ``I < 0`` there are two fixed
    points, ``cos(theta*) = (1 + I) / (1 - I)`` (a stable rest state and a saddle); they
    merge at ``I = 0`` and vanish on the circle, which becomes a periodic orbit (a
    saddle-node bifurcation on an invariant circle).
    """
    theta, I = as_float_array("theta", theta), as_float_array("I", I)
    check_broadcast("theta_rhs", theta=theta, I=I)
    c = np.cos(theta)
    return 1.0 - c + (1.0 + c) * I


def theta_rate(I):
    """Firing rate of the theta neuron, ``sqrt(I) / pi`` for ``I > 0`` and 0 otherwise (chapter 01).

    With ``u = tan(theta / 2)`` the equation becomes ``du/dt = u^2 + I``, whose passage from
    ``u = -inf`` to ``u = +inf`` takes ``pi / sqrt(I)``. The rate starts at zero as the
    square root of the distance to the bifurcation (type I). Returns a float for a
    scalar, else an array.
    """
    I = check_finite("I", I)
    rate = np.sqrt(np.maximum(I, 0.0)) / np.pi
    return float(rate) if rate.ndim == 0 else rate


def crossing_frequency(t, x, level=0.0, transient=0.0):
    """Oscillation frequency from the upward crossings of ``level`` by ``x(t)`` (chapter 01).

    Crossing times are interpolated linearly between samples; crossings before
    ``transient`` are ignored. The frequency is ``(number of crossings - 1) / (last - first)``,
    i.e. one over the mean period, or 0 if fewer than two crossings remain.

    Parameters
    ----------
    t : array (steps,)
        Increasing sample times.
    x : array (steps,) or (steps, N)
        One trace, or one per column.
    level, transient : float
        The crossing level and the time before which crossings are ignored (>= 0).

    Returns
    -------
    float or array (N,)
        In cycles per unit of ``t``.
    """
    t, x = check_finite("t", t), check_finite("x", x)
    level, transient = check_real("level", level), check_non_negative("transient", transient)
    if t.ndim != 1 or t.size < 2 or np.any(np.diff(t) <= 0):
        raise ValueError(f"t must be an increasing 1-D array of at least 2 times, got shape {t.shape}")
    if x.shape[:1] != t.shape or x.ndim > 2:
        raise ValueError(f"x must have shape ({t.size},) or ({t.size}, N), got shape {x.shape}")
    X = x.reshape(t.size, -1) - level
    freqs = np.zeros(X.shape[1])
    for j in range(X.shape[1]):
        k = np.flatnonzero((X[:-1, j] < 0) & (X[1:, j] >= 0))
        times = t[k] + (t[k + 1] - t[k]) * X[k, j] / (X[k, j] - X[k + 1, j])
        times = times[times >= transient]
        if times.size > 1:
            freqs[j] = (times.size - 1) / (times[-1] - times[0])
    return float(freqs[0]) if x.ndim == 1 else freqs
