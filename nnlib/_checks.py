"""Input validation shared by every nnlib module.

One helper per kind of check, so that every error message in the library has the
same shape: what was wrong, the value received, and the allowed values.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "check_finite",
    "check_positive",
    "check_non_negative",
    "check_in_range",
    "check_probability",
    "check_choice",
    "check_shape",
    "check_positive_int",
]


def check_finite(name: str, value) -> np.ndarray:
    """Return ``value`` as a float array, raising ``ValueError`` if any entry is NaN or infinite."""
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf), got {value!r}")
    return arr


def check_positive(name: str, value) -> float:
    """Return ``value`` as a float, raising ``ValueError`` unless it is finite and > 0."""
    v = float(check_finite(name, value))
    if v <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return v


def check_non_negative(name: str, value) -> float:
    """Return ``value`` as a float, raising ``ValueError`` unless it is finite and >= 0."""
    v = float(check_finite(name, value))
    if v < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return v


def check_in_range(name: str, value, low, high, *, low_inclusive=True, high_inclusive=False) -> float:
    """Return ``value`` as a float, raising ``ValueError`` unless it lies in the given interval.

    The message spells the interval with brackets, e.g. ``[0, 1)``.
    """
    v = float(check_finite(name, value))
    ok_low = v >= low if low_inclusive else v > low
    ok_high = v <= high if high_inclusive else v < high
    if not (ok_low and ok_high):
        interval = f"{'[' if low_inclusive else '('}{low}, {high}{']' if high_inclusive else ')'}"
        raise ValueError(f"{name} must be in {interval}, got {value!r}")
    return v


def check_probability(name: str, value) -> float:
    """Return ``value`` as a float in ``[0, 1)`` (e.g. a dropout rate), else raise ``ValueError``."""
    return check_in_range(name, value, 0, 1, low_inclusive=True, high_inclusive=False)


def check_choice(name: str, value, choices) -> object:
    """Return ``value`` if it is one of ``choices``, else raise ``ValueError`` listing them."""
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {allowed}; got {value!r}")
    return value


def check_positive_int(name: str, value) -> int:
    """Return ``value`` as an int, raising ``ValueError`` unless it is an integer >= 1."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    return int(value)


def check_shape(name: str, array, expected: tuple) -> None:
    """Raise ``ValueError`` unless ``array.shape`` matches ``expected``.

    ``None`` in ``expected`` matches any length along that axis.
    """
    shape = np.shape(array)
    if len(shape) != len(expected) or any(e is not None and e != s for e, s in zip(expected, shape)):
        want = "(" + ", ".join("any" if e is None else str(e) for e in expected) + ")"
        raise ValueError(f"{name} must have shape {want}, got shape {shape}")
