"""Stochastic units and Boltzmann machines on the Hopfield energy (chapter 09).

At a temperature ``T > 0`` the energy ``E(x) = -1/2 x^T W x - b^T x`` of :mod:`nnlib.hopfield`
defines the Boltzmann distribution ``P(x) ~ exp(-E(x)/T)`` over bipolar states. It is sampled
by Glauber dynamics (:func:`glauber`) and, for small ``n``, enumerated exactly
(:func:`boltzmann_distribution`); :func:`boltzmann_gradient` is the learning rule of a fully
visible Boltzmann machine (positive minus negative phase). numpy only.
"""

from __future__ import annotations

import numpy as np

from ._random import as_generator
from ._checks import check_budget, check_positive, check_positive_int
from .functional import sigmoid
from .hopfield import _bipolar, _check_W, _check_b, energy

__all__ = ["enumerate_states", "boltzmann_distribution", "glauber", "boltzmann_gradient"]


def _boltzmann_params(W, b):
    W = _check_W(W)
    if np.any(np.diag(W) != 0):
        raise ValueError("W must have a zero diagonal (no self-connections) for the Boltzmann "
                         f"functions; got max |W_ii| = {np.abs(np.diag(W)).max():.3g}")
    return W, _check_b(b, len(W))


def enumerate_states(n: int) -> np.ndarray:
    """All ``2**n`` bipolar states, shape (2**n, n): row ``k`` is ``k`` in binary (most
    significant bit first) with 0 written as -1. Refused above ``nnlib._checks.MAX_ELEMENTS``
    entries (n of about 20)."""
    n = check_positive_int("n", n)
    check_budget(f"enumerate_states(n={n}) (2**n x n entries)", float(2 ** n) * n, "MAX_ELEMENTS", "entries",
                 hint="; exact enumeration is for tiny networks only, sample with glauber instead")
    bits = (np.arange(2 ** n)[:, None] >> np.arange(n - 1, -1, -1)[None, :]) & 1
    return 2.0 * bits - 1.0


def boltzmann_distribution(W, b=None, temperature: float = 1.0):
    """The Boltzmann distribution of the Hopfield energy, by enumerating every state (chapter 09).

    ``P(x) = exp(-E(x)/T) / Z`` with ``Z = sum_x exp(-E(x)/T)`` and ``E`` of :func:`nnlib.hopfield.energy`
    (eq. ``eq-09-boltzmann``). Computed stably (the largest exponent is subtracted first).

    Returns
    -------
    states : array (2**n, n)
        :func:`enumerate_states` ``(n)``.
    p : array (2**n,)
        Their probabilities (sum 1).
    """
    W, b = _boltzmann_params(W, b)
    states, log_p = _log_boltzmann(W, b, check_positive("temperature", temperature))
    return states, np.exp(log_p)


def _log_boltzmann(W, b, T):
    """All states and their log-probabilities ``-E/T - log Z`` (log-sum-exp, no overflow)."""
    states = enumerate_states(len(W))
    logits = -energy(W, b, states) / T
    top = logits.max()
    return states, logits - (top + np.log(np.sum(np.exp(logits - top))))


def glauber(W, b, x, sweeps: int, *, temperature: float = 1.0, rng=None) -> np.ndarray:
    """Glauber dynamics: stochastic asynchronous updates at temperature ``T`` (chapter 09).

    Each sweep visits every neuron once in a fresh random order (shared by a batch) and sets
    ``x_i = +1`` with probability ``sigma(2 h_i / T)``, else ``-1``, where ``h_i = sum_j W_ij x_j + b_i``
    and ``sigma`` is the logistic function (eq. ``eq-09-glauber``). This satisfies detailed balance
    for ``P(x) ~ exp(-E(x)/T)``, so the chain samples the Boltzmann distribution; ``T -> 0`` gives
    the deterministic update ``x_i <- sgn(h_i)``.

    Parameters
    ----------
    W : array (n, n), symmetric with zero diagonal
    b : array (n,) or None
    x : array (n,) or (B, n) of -1/+1
        Initial state(s); a batch runs ``B`` independent chains.
    sweeps : int >= 1
    temperature : float > 0
    rng : numpy.random.Generator, int or None

    Returns
    -------
    array (sweeps, n) or (sweeps, B, n): the state after every sweep.
    """
    W, b = _boltzmann_params(W, b)
    n = len(W)
    T = check_positive("temperature", temperature)
    sweeps = check_positive_int("sweeps", sweeps)
    X = _bipolar("x", x)
    if X.ndim not in (1, 2) or X.shape[-1] != n:
        raise ValueError(f"x must have shape ({n},) or (B, {n}) for W of shape {W.shape}, got shape {X.shape}")
    single = X.ndim == 1
    X = X.reshape(-1, n).copy()
    check_budget("sweeps * B * n (recorded states)", sweeps * X.size, "MAX_ELEMENTS", "entries")
    check_budget("sweeps * n (single-neuron updates)", sweeps * n, "MAX_STEPS", "steps")
    rng = as_generator(rng)
    H = X @ W + b
    out = np.empty((sweeps,) + X.shape)
    for t in range(sweeps):
        for i in rng.permutation(n):
            new = np.where(rng.random(len(X)) < sigmoid(2.0 * H[:, i] / T), 1.0, -1.0)
            H += (new - X[:, i])[:, None] * W[i]
            X[:, i] = new
        out[t] = X
    return out[:, 0] if single else out


def boltzmann_gradient(W, b, data):
    """Exact log-likelihood gradient of a fully visible Boltzmann machine (T = 1; chapter 09).

    For ``P(x) = exp(-E(x)) / Z`` and data ``x^(1..K)``, the mean log-likelihood
    ``L = -(1/K) sum_k E(x^(k)) - log Z`` has (eq. ``eq-09-bm-grad``)

    ``dL/dW_ij = <x_i x_j>_data - <x_i x_j>_model`` (i != j; the diagonal is 0),
    ``dL/db_i = <x_i>_data - <x_i>_model``,

    the positive phase minus the negative phase. The model averages are computed exactly by
    :func:`boltzmann_distribution` (small ``n`` only). The derivative is taken with respect to
    the pair weight ``w_ij = W_ij = W_ji`` (both entries change together), so ``dW`` is
    symmetric; gradient ascent is ``W += lr * dW``, ``b += lr * db``.

    Returns
    -------
    dW : array (n, n), db : array (n,), L : float (the mean log-likelihood at ``W, b``)
    """
    W, b = _boltzmann_params(W, b)
    D = _bipolar("data", data)
    if D.ndim != 2 or D.shape[1] != len(W):
        raise ValueError(f"data must have shape (K, {len(W)}), got shape {D.shape}")
    states, log_p = _log_boltzmann(W, b, 1.0)
    p = np.exp(log_p)
    log_Z = float(-energy(W, b, states[0]) - log_p[0])  # log P(x) = -E(x) - log Z at any state
    dW = D.T @ D / len(D) - states.T @ (p[:, None] * states)
    np.fill_diagonal(dW, 0.0)
    db = D.mean(axis=0) - p @ states
    return dW, db, float(-energy(W, b, D).mean() - log_Z)
