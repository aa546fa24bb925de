"""The book's one convention for randomness.

Every stochastic function in ``nnlib`` takes ``rng=``, resolved by :func:`as_generator`:

* a ``numpy.random.Generator`` is used as it is;
* an ``int`` seeds a fresh Generator (so the same int gives the same numbers);
* ``None`` means the library's stream, which :func:`seed` resets.

:func:`seed` also seeds Python's ``random``, numpy's legacy global generator and torch,
so one ``nnlib.seed(0)`` at the top of a chapter fixes every random number in it.

Seed shift (the "true for any seed" check)
------------------------------------------
When the environment variable ``NNLIB_SEED_SHIFT`` holds an integer ``k``, every seed
that passes through this module (``seed(n)`` and integer ``rng=`` values) becomes
``n + k``. Running a chapter with ``NNLIB_SEED_SHIFT=1`` therefore re-runs every
experiment on other random numbers; a claim whose ``assert`` still holds is not the
product of one lucky seed (``tests/check_portability.py`` does this for every chapter).
"""

from __future__ import annotations

import os
import random

import numpy as np

__all__ = ["seed", "as_generator", "torch_generator", "seed_shift", "torch_seed"]

MAX_SEED = 2**32 - 1  # numpy's legacy generator and torch accept seeds up to this value
_stream = np.random.default_rng(0)


def seed_shift() -> int:
    """The integer in ``NNLIB_SEED_SHIFT`` (0 when unset); added to every seed."""
    text = os.environ.get("NNLIB_SEED_SHIFT", "").strip()
    if not text:
        return 0
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"NNLIB_SEED_SHIFT must be an integer, got {text!r}") from None


def _shifted(name: str, n) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"{name} must be an integer seed in [0, {MAX_SEED}], got {type(n).__name__} {n!r}")
    if not 0 <= n <= MAX_SEED:
        raise ValueError(f"{name} must be an integer seed in [0, {MAX_SEED}], got {n!r}")
    return (int(n) + seed_shift()) % (MAX_SEED + 1)


def seed(n: int) -> np.random.Generator:
    """Seed every random source the book uses and return the library's stream.

    Seeds Python's ``random``, numpy's legacy global generator, torch (when installed)
    and the stream that ``rng=None`` means in every ``nnlib`` function, all with
    ``n`` (plus ``NNLIB_SEED_SHIFT``, see the module docstring).

    Parameters
    ----------
    n : int
        A seed in ``[0, 2**32 - 1]``.

    Returns
    -------
    numpy.random.Generator
        The freshly seeded library stream, for code that wants an explicit generator.
    """
    global _stream
    s = _shifted("n", n)
    random.seed(s)
    np.random.seed(s)
    try:
        import torch
    except ImportError:
        pass
    else:
        torch.manual_seed(s)
    _stream = np.random.default_rng(s)
    return _stream


def as_generator(rng=None, name: str = "rng") -> np.random.Generator:
    """Resolve an ``rng=`` argument: a Generator as is, an int as a seed, None as the library stream.

    Raises ``TypeError`` naming ``name`` for anything else (a float, a string, a legacy
    ``RandomState``), so a wrong argument never silently means "unseeded".
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be the parameter's name as a string, got {type(name).__name__}")
    if rng is None:
        return _stream
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(_shifted(name, rng))
    raise TypeError(f"{name} must be a numpy Generator, an integer seed or None "
                    f"(the stream nnlib.seed set), got {type(rng).__name__} {rng!r}")


def torch_seed(n: int, name: str = "seed") -> int:
    """The integer to give ``torch.manual_seed`` for the book seed ``n`` (shift applied)."""
    return _shifted(name, n)


def torch_generator(rng=None, name: str = "rng"):
    """Resolve an ``rng=`` argument for torch code: an int gives a seeded ``torch.Generator``.

    ``None`` returns ``None`` (torch's global generator, which :func:`seed` seeds) and a
    ``torch.Generator`` is used as it is; anything else raises ``TypeError`` naming ``name``.
    """
    import torch

    if rng is None or isinstance(rng, torch.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return torch.Generator().manual_seed(_shifted(name, rng))
    raise TypeError(f"{name} must be a torch.Generator, an integer seed or None "
                    f"(torch's global stream, which nnlib.seed sets), got {type(rng).__name__} {rng!r}")
