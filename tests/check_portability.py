"""Run the chapters as another CPU and other seeds would: the book's portability check.

    python tests/check_portability.py                  # both passes below, every chapter
    python tests/check_portability.py chapters/06_optimisation.ipynb --shift 2
    python tests/check_portability.py --pass outputs   # only pass 1

Pass 1, ``outputs``: strict nbval (every stored output must be reproduced exactly) with
other floating-point kernels on this machine -- torch's generic CPU kernels
(``ATEN_CPU_CAPABILITY=default``), MKL's compatible code path (``MKL_CBWR=COMPATIBLE``)
and numpy's AVX-512 paths switched off (``NPY_DISABLE_CPU_FEATURES``). This is what a
reader on another x86-64 or an ARM machine meets.

Pass 2, ``claims``: the same kernels with every seed shifted (``NNLIB_SEED_SHIFT``, see
``nnlib._random``), run with ``--nbval-lax``: outputs may differ (other random numbers),
but no cell may fail, so every ``assert`` in the book must hold for other seeds too.

Exit status 0 when every pass succeeds. CI (``.ci/run``) runs both passes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def numpy_avx512_features() -> str:
    """numpy's dispatch targets that use AVX-512 on this CPU (empty on other CPUs, e.g. ARM)."""
    code = ("from numpy._core._multiarray_umath import __cpu_dispatch__ as d, __cpu_features__ as f;"
            "print(' '.join(t for t in d if ('AVX512' in t or t == 'X86_V4') and f.get(t)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def other_kernels() -> dict:
    """Environment variables that make this machine compute like a plainer CPU."""
    env = {"ATEN_CPU_CAPABILITY": "default", "MKL_CBWR": "COMPATIBLE"}
    features = numpy_avx512_features()
    if features:
        env["NPY_DISABLE_CPU_FEATURES"] = features
    return env


def run_pass(name: str, notebooks: list[str], env_extra: dict, lax: bool) -> bool:
    env = {**os.environ, **env_extra}
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", *notebooks]
    if lax:
        cmd.insert(-len(notebooks), "--nbval-lax")
    shown = " ".join(f"{k}={v!r}" for k, v in env_extra.items())
    print(f"\n=== {name}: {shown}", flush=True)
    start = time.perf_counter()
    ok = subprocess.run(cmd, cwd=ROOT, env=env).returncode == 0
    print(f"=== {name}: {'passed' if ok else 'FAILED'} in {time.perf_counter() - start:.0f} s", flush=True)
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="chapter notebooks (default: every chapter)")
    parser.add_argument("--pass", dest="passes", choices=["outputs", "claims"], action="append",
                        help="run only this pass (repeatable; default: both)")
    parser.add_argument("--shift", type=int, action="append",
                        help="seed shift for the claims pass (repeatable; default: 1)")
    parser.add_argument("--native", action="store_true",
                        help="keep this machine's own kernels (only shift the seeds)")
    args = parser.parse_args(argv)
    notebooks = [str(Path(p).resolve()) for p in args.notebooks] or \
        [str(p) for p in sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))]
    kernels = {} if args.native else other_kernels()
    ok = True
    if "outputs" in (args.passes or ["outputs", "claims"]) and not args.native:
        ok &= run_pass("outputs under other kernels", notebooks, kernels, lax=False)
    if "claims" in (args.passes or ["outputs", "claims"]):
        for shift in args.shift or [1]:
            if shift == 0:
                parser.error("--shift 0 is the stored run; give a non-zero shift")
            ok &= run_pass(f"claims with seeds shifted by {shift}", notebooks,
                           {**kernels, "NNLIB_SEED_SHIFT": str(shift)}, lax=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
