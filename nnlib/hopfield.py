"""Hopfield networks: storage rules, energy, recall, capacity.

Derived in chapter 09. States are bipolar vectors ``x`` in {-1, +1}^n. With symmetric
weights ``W`` (zero diagonal) and bias ``b``, neuron ``i`` has the local field
``h_i = sum_j W_ij x_j + b_i`` and updates to ``x_i <- sign(h_i)`` (a zero field keeps the
state). The energy ``E(x) = -1/2 x^T W x - b^T x`` never increases under asynchronous
updates (chapter 09, theorem "energy descent"). Functions accept one state ``(n,)`` or a
batch ``(B, n)``. Storage rules: Hebb, Storkey, covariance (:func:`hopfield_weights`). The same energy at a
temperature ``T > 0`` is the subject of :mod:`nnlib.boltzmann`. numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._random import as_generator
from ._checks import (as_float_array, check_budget, check_choice, check_in_range,
                      check_positive_int)

__all__ = ["Hopfield", "RecallResult", "hamming", "flip_bits", "to_bipolar", "hopfield_weights",
           "covariance_threshold", "StorageTest", "storage_test", "recall_fraction", "energy"]

#: the storage rules of :func:`hopfield_weights` and :meth:`Hopfield.store`
RULES = ("hebb", "storkey", "covariance")

# A field with |h| below this (relative to the largest possible field) counts as zero:
# it absorbs round-off, while true non-zero fields of Hebbian networks are >= 1/M.
_TIE_RTOL = 1e-9


# ----------------------------------------------------------------------------- helpers
def _bipolar(name: str, x) -> np.ndarray:
    """Return ``x`` as a float64 array, raising ValueError unless every entry is -1 or +1."""
    arr = np.asarray(as_float_array(name, x)) if np.asarray(x).dtype != bool else np.asarray(x)
    numeric = arr.dtype != bool and np.issubdtype(arr.dtype, np.number)
    bad = ~((arr == 1) | (arr == -1)) if numeric else np.ones(arr.shape, dtype=bool)
    if bad.any():
        found = np.unique(arr[bad])[:5].tolist() if numeric else f"an array of dtype {arr.dtype}"
        raise ValueError(f"{name} must contain only the values -1 and +1, found {found} "
                         "(convert 0/1 data explicitly with to_bipolar)")
    return arr.astype(float)


def to_bipolar(x01) -> np.ndarray:
    """Convert a 0/1 (or boolean) array to the bipolar values -1/+1: ``x = 2 x01 - 1``.

    Raises ``ValueError`` if an entry is not 0 or 1 (e.g. data that is already bipolar).
    """
    arr = np.asarray(x01)
    arr = arr.astype(np.int64) if arr.dtype == bool else arr
    numeric = np.issubdtype(arr.dtype, np.number)
    bad = ~((arr == 0) | (arr == 1)) if numeric else np.ones(arr.shape, dtype=bool)
    if bad.any():
        found = np.unique(arr[bad])[:5].tolist() if numeric else f"dtype {arr.dtype}"
        raise ValueError(f"to_bipolar: x01 must be an array of 0s and 1s (allowed values 0, 1), found {found}")
    return (2 * arr - 1).astype(np.int64)


def hamming(a, b) -> np.ndarray | int:
    """Number of positions (along the last axis) where ``a`` and ``b`` differ.

    Broadcasts over leading axes: ``hamming(states (B, n), pattern (n,))`` gives ``(B,)``.
    The last axes must have equal length, otherwise ``ValueError`` names both shapes.
    """
    a, b = as_float_array("a", a, dtype=None), as_float_array("b", b, dtype=None)
    if a.ndim == 0 or b.ndim == 0 or a.shape[-1] != b.shape[-1]:
        raise ValueError("hamming: a and b must be arrays of equal length along the last axis, "
                         f"got shapes {a.shape} and {b.shape}")
    d = np.count_nonzero(a != b, axis=-1)
    return int(d) if np.ndim(d) == 0 else d


def flip_bits(x, *, fraction=None, count=None, rng=None) -> np.ndarray:
    """Return a copy of bipolar ``x`` with exactly ``k`` randomly chosen entries negated.

    ``x`` has shape (n,) or (B, n); ``k = count`` (an int in [0, n]) or
    ``k = round(fraction * n)`` (fraction in [0, 1]); give exactly one of the two. Each row
    gets its own ``k`` distinct positions, drawn from ``rng`` (Generator, seed or None).
    Flipping exactly ``k`` bits makes the noise level precise: a Hamming distance of ``k``.
    """
    arr = _bipolar("x", x)
    n = arr.shape[-1] if arr.ndim else 0
    if arr.ndim not in (1, 2) or n == 0:
        raise ValueError(f"x must have shape (n,) or (B, n), got shape {arr.shape}")
    if (fraction is None) == (count is None):
        raise ValueError("flip_bits needs exactly one of fraction= (in [0, 1]) or count= (in [0, n])")
    if fraction is not None:
        k = int(round(check_in_range("fraction", fraction, 0, 1, high_inclusive=True) * n))
    else:
        if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or not 0 <= count <= n:
            raise ValueError(f"count must be an integer in [0, {n}], got {count!r}")
        k = int(count)
    rng = as_generator(rng)
    rows = arr.reshape(-1, n).copy()
    # k smallest of n uniform keys per row = k distinct positions chosen uniformly
    idx = np.argsort(rng.random(rows.shape), axis=1)[:, :k]
    np.put_along_axis(rows, idx, -np.take_along_axis(rows, idx, axis=1), axis=1)
    return rows.reshape(arr.shape).astype(np.asarray(x).dtype)


@dataclass
class RecallResult:
    """Outcome of :meth:`Hopfield.recall` (one state, or arrays over a batch).

    Attributes
    ----------
    state : array (n,) or (B, n)
        Final state(s), entries -1/+1.
    energies : array (S + 1,) or (S + 1, B)
        ``energies[0]`` is the energy of the initial state, ``energies[k]`` the energy
        after sweep ``k``; a state that stopped early repeats its last value.
    converged : bool or bool array (B,)
        True if the final state is a fixed point (a full sweep changed nothing).
    sweeps : int or int array (B,)
        Sweeps performed on that state, counting the last one that confirmed it stopped.
    period : int or int array (B,)
        1 = fixed point, 2 = two-cycle (synchronous mode only), 0 = still moving after
        ``max_sweeps`` sweeps.
    """

    state: np.ndarray
    energies: np.ndarray
    converged: np.ndarray | bool
    sweeps: np.ndarray | int
    period: np.ndarray | int


# ----------------------------------------------------------------------------- dynamics
def _tolerance(W: np.ndarray, b: np.ndarray) -> float:
    scale = np.abs(W).sum(axis=-1).max() + np.abs(b).max()
    return _TIE_RTOL * max(1.0, float(scale))


def _async_single(x, h, W, perm, tol) -> int:
    """One asynchronous sweep of one state, event-driven: jump to the next unstable neuron.

    Equivalent to visiting every neuron of ``perm`` in turn (a stable neuron does nothing),
    but costs O(n) numpy work per *flip* instead of per neuron. Flipping x_i changes every
    field by 2 x_i W[i, :] (row = column, W is symmetric). Returns the number of flips.
    """
    flips, pos, n = 0, 0, len(perm)
    while pos < n:
        rest = perm[pos:]
        unstable = x[rest] * h[rest] < -tol
        k = int(np.argmax(unstable))
        if not unstable[k]:
            break
        i = rest[k]
        x[i] = -x[i]
        h += 2.0 * x[i] * W[i]
        flips += 1
        pos += k + 1
    return flips


def _async_batch(X, H, W, net, perm, tol) -> np.ndarray:
    """One asynchronous sweep of states ``X`` (S, n); state ``s`` belongs to network
    ``W[net[s]]`` (W has shape (T, n, n)).

    All states visit the neurons in the same order ``perm``. Neuron ``i`` flips where
    ``x_i h_i < 0``; the fields of those states are then corrected by ``2 x_i W[i, :]``.
    Returns the number of flips per state, shape (S,).
    """
    flips = np.zeros(len(X), dtype=np.int64)
    for i in perm:
        s = np.flatnonzero(X[:, i] * H[:, i] < -tol)
        if s.size:
            new = -X[s, i]
            X[s, i] = new
            H[s] += 2.0 * new[:, None] * W[net[s], i, :]
            flips[s] += 1
    return flips


def _run_async(X, W, b, net, rng, max_sweeps):
    """Asynchronous dynamics until every state is stable or ``max_sweeps`` is reached.

    X: (S, n) float array, modified in place; state ``s`` evolves in network ``net[s]`` with
    weights ``W[net[s]]`` (W: (T, n, n), b: (T, n)). Only states still moving are simulated
    in each sweep. Returns energies (K + 1, S), converged (S,), sweeps (S,).
    """
    S, n = X.shape
    tol = _tolerance(W, b)
    H = np.empty_like(X)
    for t in np.unique(net):
        H[net == t] = X[net == t] @ W[t]
    H += b[net]
    energies = [-0.5 * np.einsum("sn,sn->s", X, H + b[net])]
    converged = np.zeros(S, dtype=bool)
    sweeps = np.zeros(S, dtype=np.int64)
    for _ in range(max_sweeps):
        perm = rng.permutation(n)
        act = np.flatnonzero(~converged)
        if S == 1:
            flips = np.array([_async_single(X[0], H[0], W[0], perm, tol)])
        else:
            Xa, Ha = X[act], H[act]
            flips = _async_batch(Xa, Ha, W, net[act], perm, tol)
            X[act], H[act] = Xa, Ha
        sweeps[act] += 1
        converged[act] = flips == 0
        energies.append(-0.5 * np.einsum("sn,sn->s", X, H + b[net]))
        if converged.all():
            break
    return np.array(energies), converged, sweeps


def _run_sync(X, W, b, max_sweeps):
    """Synchronous dynamics ``x <- sign(W x + b)`` for states X (B, n), stopping each state
    at a fixed point or a two-cycle. Returns energies (S + 1, B), period (B,), sweeps (B,)."""
    B, n = X.shape
    tol = _tolerance(W, b)
    energy = lambda Z: -0.5 * np.einsum("bn,bn->b", Z @ W, Z) - Z @ b  # noqa: E731
    prev = np.full_like(X, np.nan)
    period = np.zeros(B, dtype=np.int64)
    sweeps = np.zeros(B, dtype=np.int64)
    energies = [energy(X)]
    for _ in range(max_sweeps):
        active = period == 0
        H = X @ W + b
        new = np.where(H > tol, 1.0, np.where(H < -tol, -1.0, X))
        new[~active] = X[~active]
        sweeps[active] += 1
        fixed = active & (new == X).all(axis=1)
        cycle = active & ~fixed & (new == prev).all(axis=1)
        period[fixed], period[cycle] = 1, 2
        prev, X = X, new
        energies.append(energy(X))
        if (period > 0).all():
            break
    return X, np.array(energies), period, sweeps


def _check_W(W, n: int | None = None) -> np.ndarray:
    """Return ``W`` as a float array, checked: finite, square (``(n, n)`` if ``n`` given), symmetric."""
    W = np.array(as_float_array("W", W))
    n = W.shape[0] if n is None and W.ndim == 2 else n
    if W.shape != (n, n) or not np.all(np.isfinite(W)):
        raise ValueError(f"W must be a finite array of shape ({n}, {n}), got shape {W.shape}")
    if not np.allclose(W, W.T):
        raise ValueError("W must be symmetric (W == W.T), the assumption of the energy "
                         f"theorem; got max |W - W.T| = {np.abs(W - W.T).max():.3g}")
    return W


def _check_b(b, n: int) -> np.ndarray:
    """``b`` as a finite float array of shape (n,); None means zeros."""
    b = np.zeros(n) if b is None else np.array(as_float_array("b", b))
    if b.shape != (n,) or not np.all(np.isfinite(b)):
        raise ValueError(f"b must be a finite array of shape ({n},), got shape {b.shape}")
    return b


def energy(W, b, x):
    """Hopfield (Ising) energy ``E(x) = -1/2 x^T W x - b^T x`` (chapter 09, eq. ``eq-09-energy``).

    Parameters
    ----------
    W : array (n, n), symmetric
    b : array (n,) or None (zero bias)
    x : array (n,) or (B, n) of -1/+1

    Returns
    -------
    float, or array (B,) for a batch of states.
    """
    W = _check_W(W)
    b = _check_b(b, len(W))
    X = _bipolar("x", x)
    if X.ndim not in (1, 2) or X.shape[-1] != len(W):
        raise ValueError(f"x must have shape ({len(W)},) or (B, {len(W)}) for W of shape {W.shape}, "
                         f"got shape {X.shape}")
    E = -0.5 * np.einsum("...n,...n->...", X @ W, X) - X @ b
    return float(E) if np.ndim(E) == 0 else E


# ----------------------------------------------------------------------------- storage rules
def _pattern_matrix(patterns) -> np.ndarray:
    """``patterns`` (n,) or (M, n) of -1/+1 as a float matrix (M, n), else ValueError."""
    X = _bipolar("patterns", patterns)
    if X.ndim not in (1, 2) or X.shape[-1] == 0:
        raise ValueError(f"patterns must have shape (n,) or (M, n), got shape {X.shape}")
    return X.reshape(-1, X.shape[-1])


def hopfield_weights(patterns, rule: str = "hebb") -> np.ndarray:
    """Weights ``W`` (n, n) that store bipolar ``patterns`` (M, n): symmetric, zero diagonal.

    ``rule="hebb"`` (chapter 09, eq. ``eq-09-hebb``): the average co-activation,
    ``W = X^T X / M - I``, i.e. ``W_ij = (1/M) sum_mu xi_i^mu xi_j^mu`` for ``i != j``.

    ``rule="storkey"`` (Storkey 1997; chapter 09, eq. ``eq-09-storkey``): the patterns are added
    one at a time, each relative to the fields that the weights learnt so far already produce,

    ``W_ij <- W_ij + (xi_i xi_j - xi_i h_ji - h_ij xi_j) / n``,  ``h_ij = sum_{k != i, j} W_ik xi_k``,

    starting from ``W = 0`` and keeping the diagonal at zero. Local (``W_ij`` changes with
    quantities available at neurons ``i`` and ``j``) and incremental.

    ``rule="covariance"`` (chapter 09, eq. ``eq-09-covariance``): Hebb's rule applied to the
    deviations from the mean activity ``a = (1/(M n)) sum_mu sum_i xi_i^mu``,
    ``W_ij = (1/M) sum_mu (xi_i^mu - a)(xi_j^mu - a)`` for ``i != j``. It equals Hebb's rule when
    ``a = 0`` and removes the common crosstalk ``~ n a^2`` of biased (e.g. sparse) patterns.
    Its signal is ``c (xi_i - a)``; the threshold of :func:`covariance_threshold`, which
    :meth:`Hopfield.store` adds with this rule, centres it to ``c xi_i``.

    Parameters
    ----------
    patterns : array (M, n) or (n,) of -1/+1
    rule : {"hebb", "storkey", "covariance"}
    """
    check_choice("rule", rule, RULES)
    X = _pattern_matrix(patterns)
    M, n = X.shape
    check_budget("n * n (weight matrix)", n * n, "MAX_ELEMENTS", "weights")
    if rule == "hebb":
        return X.T @ X / M - np.eye(n)
    if rule == "covariance":
        D = X - X.mean()
        W = D.T @ D / M
        np.fill_diagonal(W, 0.0)
        return W
    check_budget("M * n (Storkey: neuron updates)", M * n, "MAX_STEPS", "steps")
    W = np.zeros((n, n))
    for xi in X:
        H = (W @ xi)[:, None] - W * xi[None, :]  # H[i, j] = h_ij (W_ii = 0 drops k = i)
        W += (np.outer(xi, xi) - xi[:, None] * H.T - H * xi[None, :]) / n
        np.fill_diagonal(W, 0.0)
    return W


def covariance_threshold(patterns) -> np.ndarray:
    """Bias ``b`` (n,) that goes with the covariance rule (chapter 09, eq. ``eq-09-covariance``).

    With covariance weights, the field of a stored pattern is on average
    ``h_i = c (xi_i - a)`` with ``c = (n - 1)(1 - a^2) / M``: a margin ``c (1 - a)`` for the
    bits +1 and ``c (1 + a)`` for the bits -1. The bias ``b_i = a c`` (the same for every
    neuron) makes both margins ``c``. It is 0 for zero-mean patterns.
    """
    X = _pattern_matrix(patterns)
    (M, n), a = X.shape, X.mean()
    return np.full(n, a * (n - 1) * (1 - a * a) / M)


# ----------------------------------------------------------------------------- the network
class Hopfield:
    """A Hopfield network of ``n`` bipolar neurons (chapter 09).

    Attributes
    ----------
    n : int
        Number of neurons.
    W : array (n, n)
        Symmetric weights with zero diagonal, set by :meth:`store`: by default
        ``W = X^T X / M - I`` for the ``M`` patterns in the rows of ``X`` (Hebb's rule;
        other rules: :func:`hopfield_weights`).
    b : array (n,)
        Bias added to every local field; zero unless ``store(..., bias=...)`` sets it.
        Assigning ``W`` or ``b`` checks shape, finiteness and (for ``W``) symmetry; edit
        them in place only in ways that keep ``W`` symmetric.
    patterns : array (M, n) or None
        The patterns stored by the last call of :meth:`store`.
    """

    def __init__(self, n: int):
        self.n = check_positive_int("n", n)
        check_budget("n * n (weight matrix)", self.n ** 2, "MAX_ELEMENTS", "weights")
        self.W = np.zeros((self.n, self.n))
        self.b = np.zeros(self.n)
        self.patterns = None

    def __repr__(self) -> str:
        m = 0 if self.patterns is None else len(self.patterns)
        return f"Hopfield(n={self.n}, stored={m})"

    # -- input checks
    def _states(self, name: str, x) -> np.ndarray:
        arr = np.asarray(x) if np.asarray(x).dtype == bool else as_float_array(name, x)
        if arr.ndim not in (1, 2) or arr.shape[-1] != self.n:
            raise ValueError(f"{name} must have shape ({self.n},) or (B, {self.n}) for a network of "
                             f"n={self.n} neurons, got shape {arr.shape}")
        return _bipolar(name, arr)

    # -- parameters: checked when assigned (store() assigns them too)
    @property
    def W(self) -> np.ndarray:
        return self._W

    @W.setter
    def W(self, value):
        self._W = _check_W(value, self.n)

    @property
    def b(self) -> np.ndarray:
        return self._b

    @b.setter
    def b(self, value):
        self._b = _check_b(value, self.n)

    # -- learning
    def store(self, patterns, bias=None, rule: str = "hebb") -> "Hopfield":
        """Store bipolar ``patterns`` (M, n), replacing earlier memories.

        ``rule="hebb"`` (default): ``W = (1/M) sum_s x^(s) x^(s)^T - I``, the average
        co-activation of each pair of neurons, with the self-connections removed (chapter 09,
        eq. ``eq-09-hebb``). ``"storkey"`` and ``"covariance"``: see :func:`hopfield_weights`.

        Parameters
        ----------
        patterns : array (M, n) or (n,) of -1/+1
        bias : None, bool or array (n,), default None
            None: the rule's own bias, ``b = 0`` for Hebb and Storkey and
            :func:`covariance_threshold` for the covariance rule. False: ``b = 0``. True: ``b = -(1/M) sum_s x^(s)``, a threshold equal to each
            neuron's mean activity over the patterns (it leans against the direction that
            all patterns share). An array: used as ``b`` directly.
        rule : {"hebb", "storkey", "covariance"}
            The storage rule (:func:`hopfield_weights`).

        Returns
        -------
        self
        """
        check_choice("rule", rule, RULES)
        X = self._states("patterns", patterns)
        X = X.reshape(-1, self.n)
        self.W = hopfield_weights(X, rule)
        if bias is True:
            self.b = -X.mean(axis=0)
        elif bias is None and rule == "covariance":
            self.b = covariance_threshold(X)
        elif bias is False or bias is None:
            self.b = np.zeros(self.n)
        else:
            if np.shape(bias) != (self.n,):
                raise ValueError(f"bias must be None, True, False or an array of shape ({self.n},), "
                                 f"got shape {np.shape(bias)}")
            self.b = bias
        self.patterns = X.copy()
        return self

    # -- state functions
    def field(self, x) -> np.ndarray:
        """Local fields ``h = W x + b`` of state(s) ``x``; same shape as ``x``."""
        W, b = self._W, self._b
        return self._states("x", x) @ W + b  # W is symmetric: x W = W x

    def energy(self, x):
        """Hopfield energy ``E(x) = -1/2 x^T W x - b^T x`` (:func:`energy`); a float, or (B,) for a batch."""
        return energy(self._W, self._b, self._states("x", x))

    def is_fixed_point(self, x):
        """True where no neuron would change: ``x_i h_i >= 0`` for all ``i`` (ties keep their state)."""
        W, b = self._W, self._b
        X = self._states("x", x)
        ok = ((X * (X @ W + b)) >= -_tolerance(W, b)).all(axis=-1)
        return bool(ok) if np.ndim(ok) == 0 else ok

    # -- dynamics
    def recall(self, x, mode: str = "async", max_sweeps: int = 100, rng=None) -> RecallResult:
        """Run the network from state(s) ``x`` until it stops, and return a :class:`RecallResult`.

        ``mode="async"``: each sweep visits all neurons once in a fresh random order and
        sets ``x_i <- sign(h_i)`` using the current state (energy never increases); stops
        after a sweep with no change. ``mode="sync"``: all neurons at once,
        ``x <- sign(W x + b)``; stops at a fixed point or a two-cycle. A neuron with
        ``h_i = 0`` keeps its state in both modes.

        Parameters
        ----------
        x : array (n,) or (B, n) of -1/+1
            Initial state(s). A batch is simulated in parallel; in async mode all its
            states use the same random order in each sweep.
        mode : {"async", "sync"}
        max_sweeps : int >= 1
        rng : numpy.random.Generator, int or None
            Source of the neuron orders (async mode only).
        """
        check_choice("mode", mode, ("async", "sync"))
        max_sweeps = check_positive_int("max_sweeps", max_sweeps)
        W, b = self._W, self._b
        X = self._states("x", x)
        single = X.ndim == 1
        X = X.reshape(-1, self.n).copy()
        if mode == "async":
            net = np.zeros(len(X), dtype=np.int64)  # every state runs in the same network
            rng = as_generator(rng)
            energies, converged, sweeps = _run_async(X, W[None], b[None], net, rng, max_sweeps)
            period = converged.astype(np.int64)
        else:
            X, energies, period, sweeps = _run_sync(X, W, b, max_sweeps)
            converged = period == 1
        if single:
            return RecallResult(X[0], energies[:, 0], bool(converged[0]), int(sweeps[0]), int(period[0]))
        return RecallResult(X, energies, converged, sweeps, period)


# ----------------------------------------------------------------------------- capacity
@dataclass
class StorageTest:
    """Outcome of :func:`storage_test`: one entry per stored pattern (``trials * m`` of them).

    ``unstable[k]``: bits of pattern ``k`` with ``x_i h_i < 0``, i.e. that the first update
    would flip (0 means the pattern itself is a fixed point). ``errors[k]``: Hamming distance
    between pattern ``k`` and the fixed point reached from it by asynchronous updates.
    """

    n: int
    m: int
    unstable: np.ndarray
    errors: np.ndarray


def storage_test(n: int, m: int, *, trials: int = 1, max_sweeps: int = 50, rng=None) -> StorageTest:
    """Store ``m`` random patterns in ``n`` neurons with Hebb's rule and test each of them.

    For each of ``trials`` independent networks, ``m`` random patterns (bits +-1 with
    probability 1/2) are stored; the network is started *at* each pattern and run
    asynchronously to a fixed point. All ``trials * m`` runs are simulated in parallel
    (one weight matrix per trial). Chapter 09 uses it for the capacity curve.
    """
    n, m = check_positive_int("n", n), check_positive_int("m", m)
    trials = check_positive_int("trials", trials)
    rng = as_generator(rng)
    P = rng.choice(np.array([-1.0, 1.0]), size=(trials, m, n))
    W = np.einsum("tmi,tmj->tij", P, P) / m - np.eye(n)
    H = np.einsum("tmi,tij->tmj", P, W)
    unstable = np.count_nonzero(P * H < -_tolerance(W, np.zeros(1)), axis=2).ravel()
    X = P.reshape(trials * m, n).copy()
    net = np.repeat(np.arange(trials), m)
    _run_async(X, W, np.zeros((trials, n)), net, rng, check_positive_int("max_sweeps", max_sweeps))
    errors = np.count_nonzero(X != P.reshape(trials * m, n), axis=1)
    return StorageTest(n, m, unstable, errors)


def recall_fraction(n: int, m: int, *, trials: int = 1, tolerance: float = 0.02, max_sweeps: int = 50,
                    rng=None) -> float:
    """Fraction of ``m`` random patterns in ``n`` neurons that are *recalled*.

    A pattern counts as recalled when the fixed point reached from it (see
    :func:`storage_test`) differs from it in at most ``tolerance * n`` bits;
    ``tolerance=0`` demands that the pattern itself is a fixed point.
    """
    tolerance = check_in_range("tolerance", tolerance, 0, 1, high_inclusive=True)
    res = storage_test(n, m, trials=trials, max_sweeps=max_sweeps, rng=rng)
    return float(np.mean(res.errors <= tolerance * n))
