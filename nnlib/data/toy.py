"""Datasets: small generated datasets for chapters 02-06.

* :func:`xor` -- the four points of the XOR truth table (chapter 02).
* :func:`noisy_mapping` -- noisy copies of a few random prototype vectors, one
  prototype per class: the "discrete mapping" classification task (chapter 05).
* :func:`spirals` -- interleaved 2-D spirals, a classic task no linear model can
  solve (chapters 02, 06).
* :func:`dose_response` -- a tiny noisy 1-D regression set (a drug dose and the
  blood-sugar level it produces), used to show overfitting (chapter 05).
* :func:`train_val_test_split` -- a seeded random split into three parts.
* :func:`to_tensor_dataset` -- wrap arrays as a ``torch.utils.data.TensorDataset``.

Every generator is seeded by an explicit ``rng`` argument and returns numpy arrays:
inputs as ``float64`` of shape ``(n, d)``, class labels as ``int64`` of shape ``(n,)``
and regression targets as ``float64`` of shape ``(n, 1)``. Nothing here imports torch
at module level (only :func:`to_tensor_dataset` needs it).
"""

from __future__ import annotations

import numpy as np

from .._random import as_generator

from .._checks import as_float_array, check_flag, check_non_negative, check_positive_int, check_real

__all__ = [
    "xor",
    "noisy_mapping",
    "spirals",
    "dose_response",
    "dose_response_mean",
    "train_val_test_split",
    "to_tensor_dataset",
]


def xor():
    """The XOR truth table as a four-point dataset.

    Returns
    -------
    X : ndarray, shape (4, 2), float64
        The inputs ``[[0, 0], [0, 1], [1, 0], [1, 1]]``.
    y : ndarray, shape (4,), float64
        The targets ``x1 XOR x2 = [0, 1, 1, 0]`` (floats, ready for a squared or a
        binary cross-entropy loss; ``y.astype(np.int64)`` gives class labels).

    Notes
    -----
    Chapter 02 shows that least squares with a linear model gives ``w = 0, b = 1/2``
    on these four points, while a two-unit ReLU network represents XOR exactly.
    """
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    y = np.array([0, 1, 1, 0], dtype=np.float64)
    return X, y


def noisy_mapping(n=300, num_classes=3, dim=6, noise=0.1, rng=0, *, return_prototypes=False):
    """Noisy copies of random prototype vectors: a ``dim``-D classification task.

    One prototype vector :math:`a_k \\in \\mathbb{R}^{dim}` is drawn per class,
    uniformly in :math:`[-0.5, 2.5)` in every coordinate. Each sample picks a class
    :math:`k` uniformly at random and is the prototype plus isotropic Gaussian noise,

    .. math:: x = a_k + \\text{noise}\\,\\varepsilon,\\qquad \\varepsilon \\sim \\mathcal N(0, I).

    The network has to learn the discrete mapping prototype -> class (chapter 05).

    Parameters
    ----------
    n : int
        Number of samples (>= 1).
    num_classes : int
        Number of classes, i.e. of prototypes (>= 2).
    dim : int
        Dimension of the input vectors (>= 1).
    noise : float
        Standard deviation of the Gaussian noise (>= 0).
    rng : numpy Generator, int or None
        Source of randomness (the book's convention, ``nnlib._random``): an int seeds
        a fresh Generator, so the same int gives the same data.
    return_prototypes : bool
        Also return the prototype matrix.

    Returns
    -------
    X : ndarray, shape (n, dim), float64
    y : ndarray, shape (n,), int64
        Class labels in ``0 .. num_classes - 1``.
    prototypes : ndarray, shape (num_classes, dim), float64
        Only when ``return_prototypes`` is true.
    """
    return_prototypes = check_flag("return_prototypes", return_prototypes)
    n = check_positive_int("n", n)
    num_classes = check_positive_int("num_classes", num_classes, minimum=2)
    dim = check_positive_int("dim", dim)
    noise = check_non_negative("noise", noise)
    rng = as_generator(rng)
    prototypes = rng.uniform(-0.5, 2.5, size=(num_classes, dim))
    y = rng.integers(num_classes, size=n)
    X = prototypes[y] + noise * rng.standard_normal((n, dim))
    out = (X.astype(np.float64), y.astype(np.int64))
    if return_prototypes:
        out = out + (prototypes.astype(np.float64),)
    return out


def spirals(n_per_class=100, num_classes=2, noise=0.1, rng=0, *, turns=1.0):
    """Interleaved 2-D spirals, one arm per class.

    Arm :math:`k` consists of the points at radius :math:`r \\in [0.1, 1]` (evenly
    spaced) and angle :math:`\\varphi = 2\\pi k / K + 2\\pi\\,\\text{turns}\\; r`,
    to which isotropic Gaussian noise of standard deviation ``noise`` is added:

    .. math:: x = r\\,(\\cos\\varphi, \\sin\\varphi) + \\text{noise}\\,\\varepsilon.

    Parameters
    ----------
    n_per_class : int
        Points per arm (>= 1).
    num_classes : int
        Number of arms / classes (>= 2).
    noise : float
        Standard deviation of the positional noise (>= 0), in units of the outer radius.
    rng : numpy Generator, int or None
        Source of randomness (the book's convention, ``nnlib._random``): an int seeds
        a fresh Generator, so the same int gives the same data.
    turns : float
        How many full turns each arm makes (> 0).

    Returns
    -------
    X : ndarray, shape (num_classes * n_per_class, 2), float64
    y : ndarray, shape (num_classes * n_per_class,), int64
    """
    n_per_class = check_positive_int("n_per_class", n_per_class)
    num_classes = check_positive_int("num_classes", num_classes, minimum=2)
    noise = check_non_negative("noise", noise)
    turns = check_real("turns", turns)
    if turns <= 0:
        raise ValueError(f"turns must be > 0, got {turns!r}")
    rng = as_generator(rng)
    r = np.tile(np.linspace(0.1, 1.0, n_per_class), num_classes)
    y = np.repeat(np.arange(num_classes), n_per_class)
    phi = 2 * np.pi * y / num_classes + 2 * np.pi * turns * r
    X = np.stack([r * np.cos(phi), r * np.sin(phi)], axis=1)
    X = X + noise * rng.standard_normal(X.shape)
    return X.astype(np.float64), y.astype(np.int64)


def dose_response_mean(x):
    """The noiseless curve behind :func:`dose_response`.

    .. math:: m(x) = 1.2 - 0.7\\,x + 0.3 \\sin(2\\pi x)

    a smooth, mildly nonlinear fall of the blood-sugar level with the dose
    :math:`x \\in [0, 1]` (arbitrary units).
    """
    x = as_float_array("x", x)
    return 1.2 - 0.7 * x + 0.3 * np.sin(2 * np.pi * x)


def dose_response(n=8, noise=0.1, rng=0, *, x_range=(0.0, 1.0)):
    """A tiny noisy 1-D regression set: blood-sugar level against drug dose.

    Doses are drawn uniformly in ``x_range``, responses are
    :func:`dose_response_mean` plus Gaussian noise,

    .. math:: t = m(x) + \\text{noise}\\,\\varepsilon,\\qquad \\varepsilon\\sim\\mathcal N(0,1).

    With a handful of points (the default 8) a large network fits the training
    points exactly and wiggles between them: the overfitting example of chapter 05.
    Call again with a different ``rng`` and a large ``n`` for a test set from the
    same distribution.

    Parameters
    ----------
    n : int
        Number of samples (>= 1).
    noise : float
        Standard deviation of the response noise (>= 0).
    rng : numpy Generator, int or None
        Source of randomness (the book's convention, ``nnlib._random``): an int seeds
        a fresh Generator, so the same int gives the same data.
    x_range : tuple of two floats
        ``(low, high)`` with ``low < high``: the interval of doses.

    Returns
    -------
    x : ndarray, shape (n, 1), float64
        Doses, sorted in increasing order.
    t : ndarray, shape (n, 1), float64
        Responses.
    """
    n = check_positive_int("n", n)
    noise = check_non_negative("noise", noise)
    low, high = _check_range("x_range", x_range)
    rng = as_generator(rng)
    x = np.sort(rng.uniform(low, high, size=n))
    t = dose_response_mean(x) + noise * rng.standard_normal(n)
    return x[:, None].astype(np.float64), t[:, None].astype(np.float64)


def _check_range(name, value):
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (low, high) of floats with low < high, got {value!r}") from None
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"{name} must be a pair (low, high) of finite floats with low < high, got {value!r}")
    return low, high


def _check_xy(X, y):
    X = as_float_array("X", X)
    y = np.asarray(y)
    if y.dtype.kind not in "biuf":
        raise TypeError(f"y must be real numbers or integer labels, got dtype {y.dtype}")
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError(f"X and y must be arrays with a sample axis, got shapes {X.shape} and {y.shape}")
    if len(X) == 0:
        raise ValueError(f"X must contain at least one sample, got shape {X.shape}")
    if len(X) != len(y):
        raise ValueError(
            f"X and y must have the same number of samples, got X.shape={X.shape} and y.shape={y.shape}"
        )
    return X, y


def train_val_test_split(X, y, fractions=(0.6, 0.2, 0.2), rng=0):
    """Split a dataset at random into training, validation and test parts.

    The samples are shuffled with ``as_generator(rng)``; the first
    ``round(f_train n)`` go to training, the next ``round(f_val n)`` to validation
    and the rest to testing, so the three parts are disjoint and cover the data.

    Parameters
    ----------
    X, y : array_like
        Inputs and targets with the same first dimension ``n >= 1``.
    fractions : tuple of three floats
        ``(f_train, f_val, f_test)``, each in ``[0, 1]``, summing to 1, with a
        training part of at least one sample.
    rng : numpy Generator, int or None
        Source of randomness (the book's convention, ``nnlib._random``): an int seeds
        a fresh Generator, so the same int gives the same data.

    Returns
    -------
    (X_train, y_train), (X_val, y_val), (X_test, y_test)
        Three pairs of numpy arrays (dtypes preserved).
    """
    X, y = _check_xy(X, y)
    try:
        f = tuple(float(v) for v in fractions)
    except (TypeError, ValueError):
        raise ValueError(f"fractions must be three numbers (train, val, test), got {fractions!r}") from None
    if len(f) != 3:
        raise ValueError(f"fractions must have three entries (train, val, test), got {len(f)}: {fractions!r}")
    if not all(np.isfinite(v) and 0 <= v <= 1 for v in f) or abs(sum(f) - 1) > 1e-6:
        raise ValueError(f"fractions must lie in [0, 1] and sum to 1, got {fractions!r} (sum {sum(f):.6g})")
    n = len(X)
    n_train = int(round(f[0] * n))
    n_val = min(int(round(f[1] * n)), n - n_train)
    if n_train < 1:
        raise ValueError(
            f"the training part would be empty: fractions[0]={f[0]} of n={n} samples; "
            "use more data or a larger training fraction"
        )
    perm = as_generator(rng).permutation(n)
    parts = np.split(perm, [n_train, n_train + n_val])
    return tuple((X[idx], y[idx]) for idx in parts)


def to_tensor_dataset(X, y):
    """Wrap numpy arrays as a ``torch.utils.data.TensorDataset``.

    Floating-point arrays become ``float64`` tensors; integer targets (class labels)
    become ``int64`` tensors, as ``torch.nn.CrossEntropyLoss`` expects.

    Parameters
    ----------
    X, y : array_like
        Inputs and targets with the same first dimension ``n >= 1``.

    Returns
    -------
    torch.utils.data.TensorDataset
        ``dataset[i] == (X[i], y[i])`` as tensors; ``len(dataset) == n``.
    """
    import torch
    from torch.utils.data import TensorDataset

    X, y = _check_xy(X, y)

    def as_tensor(a):
        if np.issubdtype(a.dtype, np.integer) or a.dtype == bool:
            return torch.as_tensor(a.astype(np.int64))
        if np.issubdtype(a.dtype, np.floating):
            return torch.as_tensor(np.ascontiguousarray(a, dtype=np.float64))
        raise TypeError(f"arrays must have a numeric dtype (integer or floating), got {a.dtype}")

    return TensorDataset(as_tensor(X), as_tensor(y))
