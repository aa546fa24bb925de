"""Spiking neuron models: Hodgkin-Huxley and the leaky integrate-and-fire (LIF) neuron.

Derived in chapter 01 (Neuron models). Everything is vectorised over a population of
``N`` independent neurons: an input may be a scalar (the same for every neuron), an
array of shape ``(N,)`` (one constant input per neuron) or an array of shape
``(steps, N)`` (a time-varying input, row ``k`` held constant from ``t[k]`` to
``t[k] + dt``).

Time grid convention (both models): ``steps = round(duration / dt)``,
``t[k] = k * dt`` for ``k = 0 .. steps-1``; recorded states are the values at ``t[k]``;
the simulation covers the whole interval ``[0, duration]`` and spikes are detected in it.

Units: the Hodgkin-Huxley model uses ms, mV, uA/cm^2, mS/cm^2 and uF/cm^2 (as in the
1952 papers, with the modern sign convention and a resting potential of -65 mV). The
LIF model is the dimensionless normalised model ``tau_m dv/dt = v_in - v`` with time in
seconds (threshold 1, reset 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnlib._checks import (as_float_array, check_budget, check_finite, check_flag, check_non_negative, check_positive,
                           check_real)

__all__ = [
    "HH_PARAMS",
    "hh_rates",
    "hh_steady_state",
    "simulate_hh",
    "hh_rate",
    "HHResult",
    "simulate_lif",
    "LIFResult",
    "lif_rate",
]

#: Standard squid-axon parameters (Hodgkin & Huxley 1952, resting potential shifted to -65 mV).
HH_PARAMS = {
    "C": 1.0,  # membrane capacitance, uF/cm^2
    "g_Na": 120.0,  # maximal sodium conductance, mS/cm^2
    "g_K": 36.0,  # maximal potassium conductance, mS/cm^2
    "g_L": 0.3,  # leak conductance, mS/cm^2
    "E_Na": 50.0,  # sodium reversal (zero-current) potential, mV
    "E_K": -77.0,  # potassium reversal potential, mV
    "E_L": -54.387,  # leak reversal potential, mV (makes -65 mV the resting potential)
}


# ----------------------------------------------------------------------------- helpers
def _steps(duration: float, dt: float) -> int:
    duration = check_positive("duration", duration)
    dt = check_positive("dt", dt)
    if dt > duration:
        raise ValueError(f"dt must be <= duration, got dt={dt!r} and duration={duration!r}")
    return check_budget("duration / dt", int(round(duration / dt)), "MAX_STEPS", "time steps")


def _population_input(name: str, value, steps: int) -> tuple[np.ndarray, bool]:
    """Return ``(array, time_varying)``: a ``(N,)`` array or a ``(steps, N)`` array."""
    arr = check_finite(name, value)
    if arr.size == 0:
        raise ValueError(f"{name} must hold the input of at least one neuron, got shape {arr.shape}")
    if arr.ndim == 0:
        return arr.reshape(1), False
    if arr.ndim == 1:
        return arr, False
    if arr.ndim == 2 and arr.shape[0] == steps:
        return arr, True
    raise ValueError(
        f"{name} must be a scalar, an array of shape (N,) or an array of shape "
        f"(steps, N) = ({steps}, N); got shape {arr.shape}"
    )


def _split_by_neuron(neuron_ids: list, times: list, n: int) -> list[np.ndarray]:
    """Turn parallel chunks of (neuron index, spike time) into one sorted array per neuron."""
    if not neuron_ids:
        return [np.empty(0) for _ in range(n)]
    ids = np.concatenate(neuron_ids)
    ts = np.concatenate(times)
    order = np.lexsort((ts, ids))
    ids, ts = ids[order], ts[order]
    bounds = np.searchsorted(ids, np.arange(n + 1))
    return [ts[bounds[i] : bounds[i + 1]] for i in range(n)]


# ----------------------------------------------------------------------------- Hodgkin-Huxley
def _vtrap(u):
    """``u / (1 - exp(-u))``, continuous at ``u = 0`` (where it equals 1)."""
    u = as_float_array("u", u)
    small = np.abs(u) < 1e-6
    safe = np.where(small, 1.0, u)
    return np.where(small, 1.0 + u / 2.0, safe / -np.expm1(-safe))


def hh_rates(V):
    """Opening and closing rates (1/ms) of the gates m, h, n at membrane potential ``V`` (mV).

    Implements the standard Hodgkin-Huxley rate functions (chapter 01):

    .. math::
        \\alpha_m = \\frac{0.1 (V + 40)}{1 - e^{-(V+40)/10}},\\quad
        \\beta_m = 4 e^{-(V+65)/18},

        \\alpha_h = 0.07 e^{-(V+65)/20},\\quad
        \\beta_h = \\frac{1}{1 + e^{-(V+35)/10}},

        \\alpha_n = \\frac{0.01 (V + 55)}{1 - e^{-(V+55)/10}},\\quad
        \\beta_n = 0.125 e^{-(V+65)/80}.

    The removable singularities of alpha_m and alpha_n are handled exactly.

    Returns
    -------
    dict
        ``{"m": (alpha_m, beta_m), "h": (alpha_h, beta_h), "n": (alpha_n, beta_n)}``.
    """
    V = as_float_array("V", V)
    return {
        "m": (_vtrap((V + 40.0) / 10.0), 4.0 * np.exp(-(V + 65.0) / 18.0)),
        "h": (0.07 * np.exp(-(V + 65.0) / 20.0), 1.0 / (1.0 + np.exp(-(V + 35.0) / 10.0))),
        "n": (0.1 * _vtrap((V + 55.0) / 10.0), 0.125 * np.exp(-(V + 65.0) / 80.0)),
    }


def hh_steady_state(V):
    """Steady-state values ``x_inf = a/(a+b)`` and time constants ``tau_x = 1/(a+b)`` (ms).

    Returns ``{"m": (m_inf, tau_m), "h": (h_inf, tau_h), "n": (n_inf, tau_n)}``.
    """
    return {g: (a / (a + b), 1.0 / (a + b)) for g, (a, b) in hh_rates(V).items()}


@dataclass
class HHResult:
    """Output of :func:`simulate_hh`. Arrays of states have shape ``(steps, N)``."""

    t: np.ndarray  #: time grid, ms, shape (steps,)
    V: np.ndarray  #: membrane potential, mV
    m: np.ndarray | None  #: sodium activation gate (None unless record_gates)
    h: np.ndarray | None  #: sodium inactivation gate
    n: np.ndarray | None  #: potassium activation gate
    I_ext: np.ndarray  #: input current actually applied, uA/cm^2, shape (steps, N)
    spike_times: list  #: one array of spike times (ms) per neuron
    dt: float  #: time step, ms

    @property
    def spike_counts(self) -> np.ndarray:
        """Number of spikes of each neuron, shape (N,)."""
        return np.array([len(s) for s in self.spike_times])


def simulate_hh(I_ext, duration, dt=0.01, *, V0=-65.0, threshold=0.0, record_gates=True, params=None):
    """Simulate Hodgkin-Huxley neurons (chapter 01, "The Hodgkin-Huxley model").

    Integrates the four ODEs

    .. math::
        C \\frac{dV}{dt} = I_{ext} - g_L (V - E_L) - g_{Na} m^3 h (V - E_{Na}) - g_K n^4 (V - E_K),

        \\frac{dx}{dt} = \\alpha_x(V)(1 - x) - \\beta_x(V) x,\\ x \\in \\{m, h, n\\}.

    Integrator: exponential Euler for all four variables. Over one step the gates are
    linear in ``x`` with ``V`` frozen, and ``V`` is linear in ``V`` with the gates frozen,
    so each is advanced with its exact solution
    ``x <- x_inf + (x - x_inf) exp(-dt / tau_x)``. The scheme is unconditionally stable
    (gates stay in [0, 1]); its error is first order in ``dt`` and negligible at the
    default ``dt = 0.01`` ms.

    Parameters
    ----------
    I_ext : float, array (N,) or array (steps, N)
        Injected current density in uA/cm^2 (constant, one per neuron, or time-varying).
    duration : float
        Simulated time in ms (> 0).
    dt : float
        Time step in ms, in (0, 0.1]. The fastest time scales of the model (sodium
        activation, and C/g at the peak of a spike) fall to a few hundredths of a ms;
        the exponential update stays stable for any step, but above 0.1 ms the spike
        shape and timing are no longer accurate, so larger steps are refused.
    V0 : float
        Initial membrane potential (mV); gates start at their steady state for ``V0``.
    threshold : float
        A spike is an upward crossing of this voltage (mV); its time is interpolated
        linearly within the step.
    record_gates : bool
        Store ``m``, ``h``, ``n`` traces (otherwise they are ``None``).
    params : dict, optional
        Overrides of :data:`HH_PARAMS`.

    Returns
    -------
    HHResult
    """
    record_gates = check_flag("record_gates", record_gates)
    steps = _steps(duration, dt)
    dt = float(dt)
    if dt > 0.1:
        raise ValueError(f"dt must be in (0, 0.1] ms for the Hodgkin-Huxley model, got {dt!r}")
    p = dict(HH_PARAMS)
    if params is not None and not isinstance(params, dict):
        raise TypeError(f"params must be a dict of HH parameters ({', '.join(HH_PARAMS)}), got {type(params).__name__}")
    for key, value in (params or {}).items():
        if key not in HH_PARAMS:
            raise ValueError(f"unknown HH parameter {key!r}; allowed: {', '.join(HH_PARAMS)}")
        p[key] = check_finite(key, value).item()
    for key in ("C", "g_Na", "g_K", "g_L"):
        check_positive(key, p[key]) if key == "C" else check_non_negative(key, p[key])
    I, varying = _population_input("I_ext", I_ext, steps)
    N = I.shape[-1]
    V = np.full(N, check_real("V0", V0))
    gates = {g: np.full(N, x_inf) for g, (x_inf, _) in hh_steady_state(V0).items()}
    threshold = check_real("threshold", threshold)

    check_budget("duration / dt x neurons (recorded voltages)", steps * N * (4 if record_gates else 1),
                 "MAX_ELEMENTS", "recorded values")
    V_rec = np.empty((steps, N))
    rec = {g: (np.empty((steps, N)) if record_gates else None) for g in gates}
    ids, times = [], []
    for k in range(steps):
        V_rec[k] = V
        if record_gates:
            for g in gates:
                rec[g][k] = gates[g]
        # gates: exact solution with V frozen over the step
        for g, (x_inf, tau) in hh_steady_state(V).items():
            gates[g] = x_inf + (gates[g] - x_inf) * np.exp(-dt / tau)
        m, h, n = gates["m"], gates["h"], gates["n"]
        # voltage: exact solution with the (new) gates frozen over the step
        g_na, g_k = p["g_Na"] * m**3 * h, p["g_K"] * n**4
        g_tot = g_na + g_k + p["g_L"]
        drive = I[k] if varying else I
        V_inf = (drive + g_na * p["E_Na"] + g_k * p["E_K"] + p["g_L"] * p["E_L"]) / g_tot
        V_new = V_inf + (V - V_inf) * np.exp(-dt * g_tot / p["C"])
        up = np.flatnonzero((V < threshold) & (V_new >= threshold))
        if up.size:
            frac = (threshold - V[up]) / (V_new[up] - V[up])
            ids.append(up)
            times.append(k * dt + frac * dt)
        V = V_new
    I_rec = I if varying else np.broadcast_to(I, (steps, N))
    return HHResult(
        t=np.arange(steps) * dt,
        V=V_rec,
        m=rec["m"],
        h=rec["h"],
        n=rec["n"],
        I_ext=I_rec,
        spike_times=_split_by_neuron(ids, times, N),
        dt=dt,
    )


def hh_rate(I_ext, duration=500.0, dt=0.01, *, transient=100.0, **kwargs):
    """Steady-state firing rate (Hz) of HH neurons with constant input currents (the f-I curve).

    Simulates one neuron per entry of ``I_ext`` (uA/cm^2) for ``duration`` ms, ignores the
    spikes of the first ``transient`` ms (the onset response) and returns
    ``1000 / mean inter-spike interval`` of the remaining spikes, or 0 when fewer than two
    spikes remain (the neuron is silent, or fires only at the current onset).

    Returns an array with the shape of ``I_ext`` (a float for a scalar input).
    """
    transient = check_non_negative("transient", transient)
    if transient >= check_positive("duration", duration):
        raise ValueError(f"transient must be in [0, duration={duration!r}), got {transient!r}")
    I = check_finite("I_ext", I_ext)
    if I.ndim > 1:
        raise ValueError(f"I_ext must be a scalar or an array of shape (N,), got shape {I.shape}")
    res = simulate_hh(I.reshape(-1), duration, dt, record_gates=False, **kwargs)
    late = [s[s >= transient] for s in res.spike_times]
    rates = np.array([1000.0 / np.mean(np.diff(s)) if len(s) > 1 else 0.0 for s in late])
    return float(rates[0]) if I.ndim == 0 else rates


# ----------------------------------------------------------------------------- LIF
@dataclass
class LIFResult:
    """Output of :func:`simulate_lif`."""

    t: np.ndarray  #: time grid, s, shape (steps,)
    v: np.ndarray | None  #: normalised potential at t[k], shape (steps, N), or None
    spike_times: list  #: one array of (sub-step accurate) spike times (s) per neuron
    dt: float  #: time step, s

    @property
    def spike_counts(self) -> np.ndarray:
        """Number of spikes of each neuron, shape (N,)."""
        return np.array([len(s) for s in self.spike_times])

    def isi_rate(self) -> np.ndarray:
        """Firing rate (Hz) of each neuron from its mean inter-spike interval (NaN if < 2 spikes)."""
        return np.array([1.0 / np.mean(np.diff(s)) if len(s) > 1 else np.nan for s in self.spike_times])


def simulate_lif(v_in, duration, dt=1e-4, tau_m=0.02, tau_ref=0.002, v_th=1.0, *, v_reset=0.0, v0=0.0, record_v=False):
    """Simulate normalised leaky integrate-and-fire neurons (chapter 01, "The LIF model").

    Below threshold ``tau_m dv/dt = v_in - v``. When ``v`` reaches ``v_th`` the neuron
    spikes, ``v`` is reset to ``v_reset`` and held there for ``tau_ref``.

    The input is held constant during each step, so between events ``v`` is advanced
    with the exact solution ``v(t+s) = v_in + (v(t) - v_in) exp(-s / tau_m)``. The spike
    time is not rounded to the grid: the threshold crossing is found inside the step by
    inverting that solution, ``s* = tau_m ln((v_in - v) / (v_in - v_th))``, and the
    refractory period starts at the exact spike time (so it may end mid-step; the neuron
    then integrates only for the rest of that step). With constant input the simulated
    spike times are exact up to rounding, for any ``dt < tau_m``. A neuron may spike
    several times per step if ``tau_ref < dt``.

    Parameters
    ----------
    v_in : float, array (N,) or array (steps, N)
        Normalised input (1 = threshold): constant, one per neuron, or time-varying.
    duration : float
        Simulated time in s (> 0).
    dt : float
        Time step in s, in (0, tau_m).
    tau_m : float
        Membrane time constant (s, > 0).
    tau_ref : float
        Refractory period (s, >= 0).
    v_th, v_reset : float
        Threshold and reset potential, ``v_reset < v_th``.
    v0 : float or array (N,)
        Initial potential(s), each < ``v_th``.
    record_v : bool
        Store the potential at every grid time (memory ``steps * N`` floats).

    Returns
    -------
    LIFResult
    """
    record_v = check_flag("record_v", record_v)
    steps = _steps(duration, dt)
    dt, tau_m = float(dt), check_positive("tau_m", tau_m)
    tau_ref = check_non_negative("tau_ref", tau_ref)
    if dt >= tau_m:
        raise ValueError(f"dt must be in (0, tau_m={tau_m!r}), got {dt!r}")
    v_th, v_reset = check_real("v_th", v_th), check_real("v_reset", v_reset)
    if v_reset >= v_th:
        raise ValueError(f"v_reset must be < v_th={v_th!r}, got {v_reset!r}")
    drive, varying = _population_input("v_in", v_in, steps)
    v0 = check_finite("v0", v0)
    if v0.ndim > 1:
        raise ValueError(f"v0 must be a scalar or an array of shape (N,), got shape {v0.shape}")
    if v0.ndim == 1 and drive.shape[-1] == 1:  # one input shared by len(v0) neurons
        drive = np.repeat(drive, v0.size, axis=-1)
    N = drive.shape[-1]
    if v0.ndim == 1 and v0.size != N:
        raise ValueError(f"v0 has shape {v0.shape} but v_in describes N={N} neurons")
    v = np.broadcast_to(v0, (N,)).astype(float)  # a writable copy
    if np.any(v >= v_th):
        raise ValueError(f"v0 must be < v_th={v_th!r}, got max {v.max()!r}")

    if record_v:
        check_budget("record_v (steps x neurons)", steps * N, "MAX_ELEMENTS", "recorded values")
    u_max = float(np.max(drive))
    if u_max > v_th:  # shortest inter-spike interval: refractory period + climb from reset
        isi = tau_ref + tau_m * np.log((u_max - v_reset) / (u_max - v_th))
        check_budget("v_in (spikes per neuron at the largest input)", duration / max(isi, 1e-300),
                     "MAX_STEPS", "spikes", "; or raise tau_ref, or lower v_in")
    ref = np.zeros(N)  # refractory time still to serve at the start of the step
    decay = np.exp(-dt / tau_m)
    v_rec = np.empty((steps, N)) if record_v else None
    ids, times = [], []
    for k in range(steps):
        if record_v:
            v_rec[k] = v
        u = drive[k] if varying else drive
        v_new = u + (v - u) * decay  # exact update for the neurons that are not refractory
        start = None
        r = np.flatnonzero(ref)
        if r.size:  # refractory neurons: held at v_reset, integrate only after ref runs out
            start = np.zeros(N)
            start[r] = np.minimum(ref[r], dt)
            ref[r] -= start[r]
            ur = u[r]
            v_new[r] = ur + (v_reset - ur) * np.exp((start[r] - dt) / tau_m)
        hit = np.flatnonzero(v_new >= v_th)
        if hit.size:
            s0 = 0.0 if start is None else start[hit]
            if tau_ref >= dt:  # at most one spike per step: resolve it inline (the common case)
                uh = u[hit]
                s = tau_m * np.log((uh - v[hit]) / np.maximum(uh - v_th, 1e-300))
                t_spike = s0 + np.minimum(s, dt - s0)  # offset of the crossing in the step
                ids.append(hit)
                times.append(k * dt + t_spike)
                v_new[hit], ref[hit] = v_reset, t_spike + tau_ref - dt
            else:
                v_new[hit], ref[hit] = _spikes_in_step(
                    hit, v[hit], u[hit], s0 + np.zeros(hit.size), k * dt, dt, tau_m, tau_ref, v_th, v_reset,
                    ids, times)
        v = v_new
    return LIFResult(t=np.arange(steps) * dt, v=v_rec, spike_times=_split_by_neuron(ids, times, N), dt=dt)


def _spikes_in_step(idx, v, u, start, t0, dt, tau_m, tau_ref, v_th, v_reset, ids, times):
    """Resolve the spikes of neurons ``idx`` inside the step [t0, t0 + dt].

    ``v`` is their potential at offset ``start`` in the step (where integration begins),
    ``u`` their input, and they are known to reach threshold before the step ends.
    Appends spike times to ``ids``/``times`` and returns the potential and the remaining
    refractory time at the end of the step. Loops only if ``tau_ref`` is so short that a
    neuron spikes again within the same step.
    """
    v_end = np.full(idx.size, v_reset)
    ref_end = np.zeros(idx.size)
    pos = np.arange(idx.size)
    while pos.size:
        # time to reach threshold from v (inverse of the exact solution); u > v_th here
        s = tau_m * np.log((u - v) / np.maximum(u - v_th, 1e-300))
        s = np.minimum(np.maximum(s, 0.0), dt - start)
        ids.append(idx[pos])
        times.append(t0 + start + s)
        start = start + s + tau_ref  # end of the refractory period (offset in the step)
        done = start >= dt
        if done.all():  # the usual case: refractory until a later step
            v_end[pos], ref_end[pos] = v_reset, start - dt
            break
        v_end[pos[done]], ref_end[pos[done]] = v_reset, start[done] - dt
        keep = ~done
        pos, start, u = pos[keep], start[keep], u[keep]
        # refractory period ended inside the step: integrate from the reset for the rest
        v_last = u + (v_reset - u) * np.exp(-(dt - start) / tau_m)
        v_end[pos] = v_last
        again = v_last >= v_th
        pos, start, u = pos[again], start[again], u[again]
        v = np.full(pos.size, v_reset)
    return v_end, ref_end


def lif_rate(v_in, tau_ref=0.002, tau_m=0.02):
    """Analytic steady-state firing rate G(v_in) (Hz) of the normalised LIF neuron (chapter 01).

    .. math::
        G(v_{in}) = \\frac{1}{\\tau_{ref} - \\tau_m \\ln(1 - 1/v_{in})}\\ \\text{for}\\ v_{in} > 1,
        \\qquad G(v_{in}) = 0\\ \\text{for}\\ v_{in} \\le 1.

    Vectorised over ``v_in``; returns a float for a scalar input, else an array.
    """
    x = check_finite("v_in", v_in)
    tau_ref = check_non_negative("tau_ref", tau_ref)
    tau_m = check_positive("tau_m", tau_m)
    above = x > 1.0
    safe = np.where(above, x, 2.0)
    isi = tau_ref - tau_m * np.log1p(-1.0 / safe)
    rate = np.where(above, 1.0 / isi, 0.0)
    return float(rate) if rate.ndim == 0 else rate
