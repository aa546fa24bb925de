"""Benchmark: one training step of the same MLP in nnlib.autodiff and in torch eager.

The step is forward, cross-entropy loss, backward and an SGD-with-momentum update of an
MLP 64-128-128-10 (ReLU) on a batch of 128 random inputs, in float32 and float64.
Both implementations start from the same weights and see the same data, and run
interleaved in the same process so they share the machine's conditions. Prints the
median time per step and the ratio nnlib / torch (below 1 means nnlib is faster).

Run:  python benchmarks/bench_autodiff.py [--steps 300] [--repeats 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
import torch
from threadpoolctl import threadpool_limits

from nnlib import nn, optim

SIZES = (64, 128, 128, 10)
BATCH = 128


def make_models(dtype, seed=0):
    """The same MLP in nnlib and torch (torch weights copied from nnlib's, transposed)."""
    rng = np.random.default_rng(seed)
    layers, torch_layers = [], []
    for i, (n_in, n_out) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        lin = nn.Linear(n_in, n_out, rng=rng, dtype=dtype)
        t_lin = torch.nn.Linear(n_in, n_out, dtype=getattr(torch, np.dtype(dtype).name))
        with torch.no_grad():
            t_lin.weight.copy_(torch.from_numpy(lin.weight.val.T.copy()))
            t_lin.bias.copy_(torch.from_numpy(lin.bias.val.copy()))
        layers.append(lin)
        torch_layers.append(t_lin)
        if i < len(SIZES) - 2:
            layers.append(nn.ReLU())
            torch_layers.append(torch.nn.ReLU())
    return nn.Sequential(*layers), torch.nn.Sequential(*torch_layers)


def train_step(model, opt, loss_fn, x, y):
    """One forward, backward and update; nnlib.nn and torch.nn share the interface."""
    loss = loss_fn(model(x), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss


def time_steps(step, args, steps):
    t0 = time.perf_counter()
    for _ in range(steps):
        step(*args)
    return (time.perf_counter() - t0) / steps


def bench(dtype, steps, repeats):
    model, t_model = make_models(dtype)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(BATCH, SIZES[0])).astype(dtype)
    y = rng.integers(0, SIZES[-1], BATCH)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)
    opt = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    t_opt = torch.optim.SGD(t_model.parameters(), lr=0.01, momentum=0.9)
    ours = (model, opt, nn.CrossEntropyLoss(), x, y)
    theirs = (t_model, t_opt, torch.nn.CrossEntropyLoss(), tx, ty)

    # Sanity check: the first step gives the same loss in both frameworks.
    l0, t0 = train_step(*ours).item(), train_step(*theirs).item()
    assert abs(l0 - t0) < 1e-4 * max(1.0, abs(t0)), (l0, t0)
    for _ in range(20):  # warm-up
        train_step(*ours)
        train_step(*theirs)
    t_ours, t_theirs = [], []
    for _ in range(repeats):  # interleave so both see the same machine load
        t_ours.append(time_steps(train_step, ours, steps))
        t_theirs.append(time_steps(train_step, theirs, steps))
    return statistics.median(t_ours), statistics.median(t_theirs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300, help="steps per timing")
    parser.add_argument("--repeats", type=int, default=7, help="timings per framework (median)")
    parser.add_argument("--threads", type=int, nargs="+", default=sorted({1, os.cpu_count() or 1}),
                        help="thread counts to try (numpy BLAS and torch alike)")
    args = parser.parse_args()
    print(f"MLP {'-'.join(map(str, SIZES))}, batch {BATCH}, SGD momentum, cross-entropy; "
          f"torch {torch.__version__}, numpy {np.__version__}")
    print(f"{'threads':>7s} {'dtype':8s} {'nnlib [us/step]':>16s} {'torch [us/step]':>16s} {'ratio':>7s}")
    default_threads = torch.get_num_threads()
    for threads in args.threads:
        torch.set_num_threads(threads)
        with threadpool_limits(limits=threads):
            for dtype in (np.float32, np.float64):
                ours, theirs = bench(dtype, args.steps, args.repeats)
                print(f"{threads:7d} {np.dtype(dtype).name:8s} {ours * 1e6:16.1f} "
                      f"{theirs * 1e6:16.1f} {ours / theirs:7.2f}", flush=True)
    torch.set_num_threads(default_threads)


if __name__ == "__main__":
    main()
