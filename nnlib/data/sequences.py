"""Datasets: generated sequence tasks for recurrent networks (chapter 11).

* :func:`delayed_recall` -- a memory task: a token is shown once, then ``delay`` steps
  of distractor noise follow, and the network must name the token at the end. The
  longer the delay, the longer the gradient has to travel back in time.
* :func:`next_number_sequences` -- short arithmetic or periodic number sequences with
  the next number as the target at every step ("0, 2, 4, 6 -> 8").

Every generator is seeded by an explicit ``rng`` argument and returns numpy arrays
in the *batch-first* layout used throughout the book: inputs of shape
``(n, time, features)`` as ``float64``, class labels as ``int64``. Nothing here imports
torch.
"""

from __future__ import annotations

import numpy as np

from .._random import as_generator

from .._checks import check_budget, check_choice, check_non_negative, check_positive, check_positive_int

__all__ = ["delayed_recall", "next_number_sequences", "key_value_lookup", "SEQUENCE_KINDS"]

#: The families of sequences :func:`next_number_sequences` can draw.
SEQUENCE_KINDS = ("arithmetic", "periodic", "mixed")


def delayed_recall(n: int, delay: int, *, n_tokens: int = 4, noise: float = 1.0, rng=0):
    """The delayed-recall memory task: remember a token across ``delay`` noisy steps.

    Each sequence has ``delay + 1`` time steps and ``n_tokens + 1`` input channels.

    * Step 0 shows the token: channel ``y`` (the label) is 1, the others 0, and the last
      channel, a *start marker*, is 1.
    * Steps 1, ..., ``delay`` are distractors: the token channels carry independent
      Gaussian noise of standard deviation ``noise`` and the marker is 0.

    The target is the token, to be reported after the last step, so the information
    the network needs is ``delay`` steps old when it is asked for it. A classifier that
    has forgotten it scores the chance level ``1 / n_tokens``.

    Parameters
    ----------
    n : int
        Number of sequences (>= 1).
    delay : int
        Number of distractor steps between the token and the question (>= 1).
    n_tokens : int
        Number of distinct tokens (classes), >= 2.
    noise : float
        Standard deviation of the distractor noise (>= 0).
    rng : numpy Generator, int or None
        Source of randomness (the book's convention, ``nnlib._random``): an int seeds
        a fresh Generator, so the same int gives the same data.

    Returns
    -------
    X : ndarray of float64, shape (n, delay + 1, n_tokens + 1)
    y : ndarray of int64, shape (n,)
        The token of each sequence, in ``0, ..., n_tokens - 1``.
    """
    n = check_positive_int("n", n)
    delay = check_positive_int("delay", delay)
    n_tokens = check_positive_int("n_tokens", n_tokens, minimum=2)
    noise = check_non_negative("noise", noise)
    check_budget("delayed_recall (n, delay, n_tokens)", n * (delay + 1) * (n_tokens + 1), "MAX_ELEMENTS", "array entries")
    rng = as_generator(rng)
    y = rng.integers(0, n_tokens, size=n)
    X = np.zeros((n, delay + 1, n_tokens + 1))
    X[np.arange(n), 0, y] = 1.0
    X[:, 0, n_tokens] = 1.0
    X[:, 1:, :n_tokens] = noise * rng.standard_normal((n, delay, n_tokens))
    return X.astype(np.float64), y.astype(np.int64)


def _arithmetic(rng, n: int, length: int, scale: float) -> np.ndarray:
    start = rng.uniform(-1.0, 1.0, size=(n, 1))
    step = rng.uniform(-0.3, 0.3, size=(n, 1))
    return scale * (start + step * np.arange(length + 1))


def _periodic(rng, n: int, length: int, scale: float, max_period: int) -> np.ndarray:
    out = np.empty((n, length + 1))
    periods = rng.integers(2, max_period + 1, size=n)
    for k, p in enumerate(periods):
        pattern = rng.uniform(-1.0, 1.0, size=p)
        out[k] = pattern[np.arange(length + 1) % p]
    return scale * out


def next_number_sequences(n: int, length: int, *, kind: str = "mixed", max_period: int = 4,
                          scale: float = 1.0, rng=0):
    """Simple number sequences with the next number as the target at every step.

    Two families, drawn at random per sequence when ``kind="mixed"``:

    * ``"arithmetic"``: :math:`s_k = a + k d` with :math:`a \\sim U[-1, 1]` and
      :math:`d \\sim U[-0.3, 0.3]` (like 0, 2, 4, 6, 8 up to a scale). Predicting
      :math:`s_{k+1} = 2 s_k - s_{k-1}` needs one step of memory.
    * ``"periodic"``: a random pattern of period :math:`p \\in \\{2, ..., \\text{max\\_period}\\}`
      with entries in :math:`U[-1, 1]`, repeated. Predicting it needs :math:`p` steps of memory.

    Parameters
    ----------
    n : int
        Number of sequences (>= 1).
    length : int
        Number of input steps (>= 2); each sequence has ``length + 1`` numbers.
    kind : {"arithmetic", "periodic", "mixed"}
    max_period : int
        Longest period of the periodic family (>= 2).
    scale : float
        All numbers are multiplied by ``scale`` (> 0).
    rng : numpy Generator, int or None
        Source of randomness (the book's convention, ``nnlib._random``): an int seeds
        a fresh Generator, so the same int gives the same data.

    Returns
    -------
    X : ndarray of float64, shape (n, length, 1)
        The numbers :math:`s_0, ..., s_{length-1}`.
    Y : ndarray of float64, shape (n, length, 1)
        The targets :math:`s_1, ..., s_{length}`: ``Y[:, k]`` is the number after ``X[:, k]``.
    """
    n = check_positive_int("n", n)
    length = check_positive_int("length", length, minimum=2)
    kind = check_choice("kind", kind, SEQUENCE_KINDS)
    max_period = check_positive_int("max_period", max_period, minimum=2)
    check_budget("next_number_sequences (n, length, max_period)", n * (length + 1 + max_period), "MAX_ELEMENTS", "array entries")
    scale = check_positive("scale", scale)
    rng = as_generator(rng)
    if kind == "arithmetic":
        S = _arithmetic(rng, n, length, scale)
    elif kind == "periodic":
        S = _periodic(rng, n, length, scale, max_period)
    else:
        is_periodic = rng.random(n) < 0.5
        S = _arithmetic(rng, n, length, scale)
        S[is_periodic] = _periodic(rng, int(is_periodic.sum()), length, scale, max_period)
    S = S.astype(np.float64)
    return S[:, :-1, None], S[:, 1:, None]


def key_value_lookup(n: int, n_pairs: int, *, n_keys: int = 8, n_values: int = 4, rng=0):
    """A content-based lookup task: ``n_pairs`` (key, value) pairs, then a query key (chapter 13).

    Each sequence has ``n_pairs + 1`` steps and ``n_keys + n_values + 1`` input channels.
    Steps ``0, ..., n_pairs - 1`` each show one pair: a one-hot key (channels
    ``0 .. n_keys - 1``, keys distinct within a sequence) and a one-hot value (the next
    ``n_values`` channels). The last step shows a query: one of the sequence's keys, with the
    last channel (a *query marker*) set to 1 and no value. The target is the value stored with
    that key. Where the answer sits depends on the content of the query, not on a fixed
    position; guessing scores ``1 / n_values``.

    Parameters
    ----------
    n : int
        Number of sequences (>= 1).
    n_pairs : int
        Pairs per sequence, 1 <= n_pairs <= n_keys.
    n_keys : int
        Number of distinct keys (>= 1).
    n_values : int
        Number of distinct values (classes), >= 2.
    rng : numpy Generator, int or None
        Source of randomness (the book's convention, ``nnlib._random``).

    Returns
    -------
    X : ndarray of float64, shape (n, n_pairs + 1, n_keys + n_values + 1)
    y : ndarray of int64, shape (n,)
        The value paired with the query key, in ``0, ..., n_values - 1``.
    """
    n = check_positive_int("n", n)
    n_pairs = check_positive_int("n_pairs", n_pairs)
    n_keys = check_positive_int("n_keys", n_keys)
    n_values = check_positive_int("n_values", n_values, minimum=2)
    check_budget("key_value_lookup (n, n_pairs, n_keys, n_values)", n * (n_pairs + 1) * (n_keys + n_values + 1), "MAX_ELEMENTS", "array entries")
    if n_pairs > n_keys:
        raise ValueError(f"n_pairs must be <= n_keys={n_keys} (keys are distinct), got {n_pairs}")
    rng = as_generator(rng)
    keys = np.argsort(rng.random((n, n_keys)), axis=1)[:, :n_pairs]  # distinct keys per sequence
    values = rng.integers(0, n_values, size=(n, n_pairs))
    asked = rng.integers(0, n_pairs, size=n)
    rows = np.arange(n)
    X = np.zeros((n, n_pairs + 1, n_keys + n_values + 1))
    steps = np.arange(n_pairs)
    X[rows[:, None], steps, keys] = 1.0
    X[rows[:, None], steps, n_keys + values] = 1.0
    X[rows, n_pairs, keys[rows, asked]] = 1.0
    X[rows, n_pairs, -1] = 1.0
    return X.astype(np.float64), values[rows, asked].astype(np.int64)
