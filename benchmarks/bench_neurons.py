"""Benchmark: a population of LIF neurons in nnlib vs Nengo's LIF model, in the same run.

Both simulate 1,000 normalised LIF neurons (tau_m = 20 ms, tau_ref = 2 ms) for 1 s at
dt = 0.1 ms with constant inputs spread over [1.1, 4], and both are checked against the
analytic rate G(v_in) (chapter 01). Nengo is the reference simulator that Orchard's
CS 479 course uses; its LIF step is also vectorised numpy. Prints wall times, their ratio and the
rate errors. This is a benchmark, not a test: numbers depend on the machine.

    python benchmarks/bench_neurons.py
"""

import time

import numpy as np

from nnlib.neurons import lif_rate, simulate_lif

N, DURATION, DT, TAU_M, TAU_REF = 1000, 1.0, 1e-4, 0.02, 0.002


def best_of(fn, repeats=5):
    """Smallest wall time of ``repeats`` calls, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def nnlib_rates(v_in):
    return simulate_lif(v_in, DURATION, dt=DT, tau_m=TAU_M, tau_ref=TAU_REF).spike_counts / DURATION


def nengo_rates(v_in):
    import nengo

    lif = nengo.neurons.LIF(tau_rc=TAU_M, tau_ref=TAU_REF)
    voltage, refractory, spikes = np.zeros(N), np.zeros(N), np.zeros(N)
    counts = np.zeros(N)
    for _ in range(int(round(DURATION / DT))):
        lif.step(DT, v_in, spikes, voltage, refractory)
        counts += spikes > 0
    return counts / DURATION


def main():
    v_in = np.linspace(1.1, 4.0, N)
    exact = lif_rate(v_in, tau_ref=TAU_REF, tau_m=TAU_M)
    rows = [("nnlib.neurons.simulate_lif", *best_of(lambda: nnlib_rates(v_in)))]
    try:
        rows.append(("nengo.neurons.LIF.step loop", *best_of(lambda: nengo_rates(v_in))))
    except ImportError:
        print("nengo is not installed (pip install -r requirements.txt); timing nnlib only")
    print(f"{N} LIF neurons, {DURATION} s at dt = {DT * 1e3} ms ({int(DURATION / DT)} steps)")
    print(f"{'simulator':32} {'best time':>10} {'max |rate - G| (Hz)':>20}")
    for name, seconds, rates in rows:
        print(f"{name:32} {seconds * 1e3:8.1f} ms {np.max(np.abs(rates - exact)):20.3f}")
    if len(rows) == 2:
        print(f"time ratio nnlib / nengo: {rows[0][1] / rows[1][1]:.2f}")
    print("(spike counts in a 1 s window differ from G by up to 1 spike; chapter 01 uses "
          "inter-spike intervals for the 1% match)")


if __name__ == "__main__":
    main()
