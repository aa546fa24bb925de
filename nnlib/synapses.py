"""Synapses: post-synaptic current filters, spike trains, and a two-population LIF network.

Derived in chapter 01 (Neuron models), sections "Synapses" and "A small spiking network".
Time is in seconds, as for the normalised LIF model of :mod:`nnlib.neurons`.

A spike train is represented on a uniform time grid ``t`` (step ``dt``) as a sum of
discretised Dirac deltas: a spike in the bin ``[t[k], t[k] + dt)`` adds ``1/dt`` to
entry ``k``, so that the train integrates (sums times ``dt``) to the number of spikes.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import lgamma

import numpy as np

from nnlib._checks import check_flag, check_finite, check_positive
from nnlib.neurons import LIFResult, simulate_lif

__all__ = ["psc_filter", "spike_train", "filter_spikes", "LIFNetworkResult", "simulate_lif_network"]


def psc_filter(t, tau_s, n=0):
    """Post-synaptic current filter ``h(t) = k t^n exp(-t / tau_s)`` for ``t >= 0``, 0 before.

    The constant ``k = 1 / (n! tau_s^(n+1))`` makes the area under ``h`` equal to 1, because
    ``int_0^inf t^n e^{-t/tau} dt = n! tau^(n+1)`` (chapter 01). ``n = 0`` is a jump
    followed by an exponential decay; ``n >= 1`` rises smoothly and peaks at ``t = n tau_s``.

    Parameters
    ----------
    t : float or array
        Times (s) after the spike arrived.
    tau_s : float
        Synaptic time constant (s, > 0).
    n : int
        Non-negative integer order.
    """
    t = check_finite("t", t)
    tau_s = check_positive("tau_s", tau_s)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    n = int(n)
    tp = np.maximum(t, 0.0)
    # k t^n e^{-t/tau} evaluated in log space: n! and tau^(n+1) overflow for large n
    log_h = -tp / tau_s - lgamma(n + 1) - (n + 1) * np.log(tau_s)
    if n > 0:
        with np.errstate(divide="ignore"):
            log_h = log_h + n * np.log(tp)  # log 0 = -inf gives h(0) = 0
    return np.where(t >= 0, np.exp(log_h), 0.0)


def _grid_step(t) -> tuple[np.ndarray, float]:
    t = check_finite("t", t)
    if t.ndim != 1 or t.size < 2:
        raise ValueError(f"t must be a 1-D time grid with at least 2 points, got shape {t.shape}")
    d = np.diff(t)
    dt = float(d.mean())
    if dt <= 0 or np.max(np.abs(d - dt)) > 1e-6 * dt:
        raise ValueError("t must be increasing and uniformly spaced")
    return t, dt


def spike_train(spike_times, t):
    """Spike train(s) as discretised sums of Dirac deltas on the uniform grid ``t``.

    ``a(t) = sum_p delta(t - t_p)`` becomes an array with ``1/dt`` in the bin of each
    spike (bins ``[t[k], t[k] + dt)``; spikes outside the grid are ignored).

    Parameters
    ----------
    spike_times : array (P,) or list of N arrays
        Spike times (s) of one neuron, or one array per neuron (e.g. ``result.spike_times``).
    t : array (steps,)
        Uniform time grid.

    Returns
    -------
    ndarray
        Shape ``(steps,)`` for one neuron, ``(steps, N)`` for a list of N neurons.
    """
    t, dt = _grid_step(t)
    single = not isinstance(spike_times, (list, tuple))
    trains = [spike_times] if single else spike_times
    out = np.zeros((t.size, len(trains)))
    for j, times in enumerate(trains):
        times = check_finite("spike_times", times)
        if times.ndim != 1:
            raise ValueError(f"spike_times of each neuron must be a 1-D array, got shape {times.shape} "
                             "(pass one neuron's spike times as a numpy array, several as a list of arrays)")
        k = np.floor((times - t[0]) / dt + 1e-9).astype(int)
        k = k[(k >= 0) & (k < t.size)]
        np.add.at(out[:, j], k, 1.0 / dt)
    return out[:, 0] if single else out


def filter_spikes(train, h, dt):
    """Causal convolution ``s = a * h`` of spike train(s) with a sampled filter (chapter 01).

    ``s[k] = dt * sum_{j <= k} a[j] h[k - j]``, the Riemann sum of
    ``s(t) = int a(t') h(t - t') dt' = sum_p h(t - t_p)``: every spike contributes one
    copy of the filter starting in its bin. Computed with the FFT along the time axis.

    Parameters
    ----------
    train : array (steps,) or (steps, N)
        Spike train(s) from :func:`spike_train` (or any signal on the grid).
    h : array (L,)
        Filter sampled at ``0, dt, 2 dt, ...`` (e.g. ``psc_filter(t - t[0], tau_s)``).
    dt : float
        Grid step (s).

    Returns
    -------
    ndarray with the shape of ``train``.
    """
    a = check_finite("train", train)
    h = check_finite("h", h)
    dt = check_positive("dt", dt)
    if a.ndim not in (1, 2) or a.shape[0] == 0 or h.ndim != 1 or h.size == 0:
        raise ValueError(f"train must be 1-D or 2-D with at least one step and h a non-empty 1-D filter, "
                         f"got shapes {a.shape} and {h.shape}")
    steps = a.shape[0]
    h = h[:steps]
    nfft = 1 << int(np.ceil(np.log2(steps + h.size - 1)))
    H = np.fft.rfft(h, nfft)
    A = np.fft.rfft(a, nfft, axis=0)
    spec = A * (H if a.ndim == 1 else H[:, None])
    return dt * np.fft.irfft(spec, nfft, axis=0)[:steps]


@dataclass
class LIFNetworkResult:
    """Output of :func:`simulate_lif_network`."""

    pre: LIFResult  #: the input population
    s: np.ndarray  #: filtered spike trains of the input population, shape (steps, N)
    z: np.ndarray  #: input of the output population, W s + b, shape (steps, M)
    post: LIFResult  #: the output population


def simulate_lif_network(v_in, W, b, duration, dt=1e-4, *, tau_s=0.005, n=0, tau_m=0.02, tau_ref=0.002,
                         v0_pre=0.0, v0_post=0.0, record_v=False):
    """Two populations of LIF neurons connected through synapses (chapter 01).

    1. The N input neurons receive ``v_in`` (float, (N,) or (steps, N)) and spike
       (:func:`nnlib.neurons.simulate_lif`).
    2. Their spike trains ``a_j`` are filtered by the PSC filter: ``s_j = a_j * h``.
    3. The M output neurons receive ``z_i(t) = sum_j W_ij s_j(t) + b_i``, i.e.
       ``z = W s + b``, and spike in turn.

    The connection is feed-forward, so the three stages are computed one after the other,
    each vectorised over neurons and time. Because ``h`` has area 1, an input neuron
    firing at a steady rate ``r`` contributes on average ``W_ij r`` to ``z_i``.

    Parameters
    ----------
    v_in : float, array (N,) or (steps, N)
        Input of the first population.
    W : array (M, N)
        Connection weights (row i: the weights onto output neuron i).
    b : float or array (M,)
        Biases of the output neurons.
    duration, dt, tau_m, tau_ref, record_v
        As for :func:`nnlib.neurons.simulate_lif` (shared by both populations).
    tau_s, n
        Synaptic time constant (s) and order of the PSC filter (:func:`psc_filter`).
    v0_pre, v0_post : float or array
        Initial potentials of the two populations.
    """
    record_v = check_flag("record_v", record_v)
    W = check_finite("W", W)
    if W.ndim != 2:
        raise ValueError(f"W must be a 2-D array of shape (M, N), got shape {W.shape}")
    b = check_finite("b", b)
    if b.ndim > 1 or (b.ndim == 1 and b.size != W.shape[0]):
        raise ValueError(f"b must be a scalar or have shape ({W.shape[0]},) to match W {W.shape}, got {b.shape}")
    if check_positive("tau_s", tau_s) <= check_positive("dt", dt):
        raise ValueError(f"dt must be in (0, tau_s={tau_s!r}), got {dt!r}")
    pre = simulate_lif(v_in, duration, dt, tau_m, tau_ref, v0=v0_pre, record_v=record_v)
    if len(pre.spike_times) != W.shape[1]:
        raise ValueError(f"v_in drives N={len(pre.spike_times)} input neurons, but W has shape {W.shape} "
                         f"(one column per input neuron)")
    a = spike_train(pre.spike_times, pre.t)
    s = filter_spikes(a, psc_filter(pre.t - pre.t[0], tau_s, n), pre.dt)
    z = s @ W.T + b
    post = simulate_lif(z, duration, dt, tau_m, tau_ref, v0=v0_post, record_v=record_v)
    return LIFNetworkResult(pre=pre, s=s, z=z, post=post)
