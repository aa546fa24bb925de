"""Input validation shared by every nnlib module.

One helper per kind of check, so that every error message in the library has the
same shape: the parameter's name, what is allowed, and the value received.

Conversion is strict: numbers and arrays are converted once, here, and ``None``,
strings, complex and object input are refused with a ``TypeError`` naming the
parameter (numpy would otherwise turn ``None`` into NaN, ``"1.5"`` into 1.5 and drop
an imaginary part with only a warning).

Work limits: a call that would allocate more than :data:`MAX_ELEMENTS` array entries
or loop more than :data:`MAX_STEPS` times is refused *before* any work starts, with a
``ValueError`` that says how much was asked for. The limits are module attributes;
raise them (``nnlib._checks.MAX_STEPS = 10**9``) to allow bigger runs deliberately.
"""

from __future__ import annotations

import numpy as np

#: largest number of array entries one call may allocate (float64: 8 bytes each, so 800 MB)
MAX_ELEMENTS = 100_000_000
#: largest number of loop iterations (time steps, samples, sweeps, frames) one call may run
MAX_STEPS = 10_000_000

__all__ = [
    "MAX_ELEMENTS",
    "MAX_STEPS",
    "as_float_array",
    "check_budget",
    "check_finite",
    "check_flag",
    "check_positive",
    "check_non_negative",
    "check_in_range",
    "check_probability",
    "check_choice",
    "check_shape",
    "check_positive_int",
]


def _kind(value) -> str:
    return f"{type(value).__name__} {value!r}" if np.ndim(value) == 0 else type(value).__name__


def as_float_array(name: str, value, *, dtype=float) -> np.ndarray:
    """Convert ``value`` (a real number, array or nested list) to a float array, strictly.

    Raises ``TypeError`` naming ``name`` for None, strings, a single bool, complex numbers and
    object arrays (anything numpy could only convert by guessing). Boolean *arrays* become 0/1.
    NaN and inf pass through (IEEE arithmetic: non-finite in, non-finite out).
    ``dtype=None`` keeps a floating dtype (float32 stays float32) and makes anything else float64.
    """
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a real number or array, got {_kind(value)}")
    if isinstance(value, (bool, np.bool_)):  # a flag where numbers belong is a mistake (bool arrays are fine)
        raise TypeError(f"{name} must be a real number or array, got the bool {value!r}")
    if hasattr(value, "detach") and hasattr(value, "numpy"):  # a torch tensor
        value = value.detach().cpu().numpy()
    try:
        raw = np.asarray(value)
    except ValueError as exc:  # ragged nested lists
        raise TypeError(f"{name} must be a real number or rectangular array, got {type(value).__name__}: {exc}") from None
    if raw.dtype.kind in "OUSV" or raw.dtype.kind == "c":
        what = "complex" if raw.dtype.kind == "c" else f"dtype {raw.dtype}"
        raise TypeError(f"{name} must be real numbers (int, float or bool), got {what} input")
    if dtype is None:
        dtype = raw.dtype if raw.dtype.kind == "f" else np.float64
    return raw.astype(dtype, copy=False)


def check_budget(name: str, amount, limit_name: str = "MAX_STEPS", unit: str = "steps", hint: str = "") -> int:
    """Refuse work above a documented limit before it starts (see the module docstring)."""
    limit = globals()[limit_name]
    if amount > limit:
        raise ValueError(f"{name} asks for {amount:.3g}{' ' + unit if unit else ''}, above the limit of {limit:.3g} "
                         f"(nnlib._checks.{limit_name}; raise it to allow this deliberately){hint}")
    return int(amount)


def check_finite(name: str, value) -> np.ndarray:
    """Return ``value`` as a float array, raising ``ValueError`` if any entry is NaN or infinite."""
    arr = as_float_array(name, value)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf), got {value!r}")
    return arr


def check_real(name: str, value) -> float:
    """Return ``value`` as a float, raising unless it is one finite real number (not a bool)."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a number, got the bool {value!r}")
    arr = check_finite(name, value)
    if arr.ndim != 0:
        raise TypeError(f"{name} must be a single number, got an array of shape {arr.shape}")
    return float(arr)


def check_positive(name: str, value) -> float:
    """Return ``value`` as a float, raising ``ValueError`` unless it is finite and > 0."""
    v = check_real(name, value)
    if v <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return v


def check_non_negative(name: str, value) -> float:
    """Return ``value`` as a float, raising ``ValueError`` unless it is finite and >= 0."""
    v = check_real(name, value)
    if v < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return v


def check_in_range(name: str, value, low, high, *, low_inclusive=True, high_inclusive=False) -> float:
    """Return ``value`` as a float, raising ``ValueError`` unless it lies in the given interval.

    The message spells the interval with brackets, e.g. ``[0, 1)``.
    """
    v = check_real(name, value)
    ok_low = v >= low if low_inclusive else v > low
    ok_high = v <= high if high_inclusive else v < high
    if not (ok_low and ok_high):
        interval = f"{'[' if low_inclusive else '('}{low}, {high}{']' if high_inclusive else ')'}"
        raise ValueError(f"{name} must be in {interval}, got {value!r}")
    return v


def check_probability(name: str, value) -> float:
    """Return ``value`` as a float in ``[0, 1)`` (e.g. a dropout rate), else raise ``ValueError``."""
    return check_in_range(name, value, 0, 1, low_inclusive=True, high_inclusive=False)


def check_flag(name: str, value) -> bool:
    """Return ``value`` if it is a bool (Python or numpy), else raise ``TypeError`` naming ``name``.

    A flag given as a string (``"False"`` is truthy), None or a number is refused rather
    than silently interpreted.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")
    return bool(value)


def check_choice(name: str, value, choices) -> object:
    """Return ``value`` if it is one of ``choices``, else raise ``ValueError`` listing them.

    A bool is not taken for the integer it equals (``True`` is not the choice ``1``).
    """
    is_bool_for_number = isinstance(value, bool) and not any(isinstance(c, bool) for c in choices)
    if is_bool_for_number or not isinstance(value, (str, int, float, bool, type(None))) or value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {allowed}; got {value!r}")
    return value


def check_positive_int(name: str, value, minimum: int = 1) -> int:
    """Return ``value`` as an int, raising ``ValueError`` unless it is an integer >= ``minimum`` (>= 1).

    Counts (samples, units, epochs, steps) above :data:`MAX_STEPS` are refused as well:
    no count that large fits the book's CPU budget, and refusing it early is what keeps
    a mistyped ``10**9`` from allocating or looping for hours.
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return check_budget(name, int(value), "MAX_STEPS", "")  # message: "n asks for 1e+09, above ..."


def check_axis(name: str, axis, ndim: int, *, allow_none: bool = True):
    """Return ``axis`` if it is a valid axis (or tuple of axes) of an array with ``ndim`` axes.

    ``None`` (all axes) is allowed when ``allow_none``; negative axes count from the end.
    """
    if axis is None and allow_none:
        return None
    axes = axis if isinstance(axis, tuple) else (axis,)
    for a in axes:
        if isinstance(a, (bool, np.bool_)) or not isinstance(a, (int, np.integer)) or not -ndim <= a < ndim:
            allowed = "an integer" + (", a tuple of integers or None" if allow_none else "")
            raise ValueError(f"{name} must be {allowed} in [-{ndim}, {ndim - 1}] for an array with {ndim} "
                             f"axes, got {axis!r}")
    return axis


def check_class_axis(name: str, array, axis) -> int:
    """Return ``axis``, a valid axis of ``array`` along which it has at least one entry.

    For a softmax over ``axis``: its outputs sum to 1, which no empty vector does, so an
    axis of length 0 is refused with a ``ValueError`` naming ``name`` and the axis.
    """
    axis = check_axis("axis", axis, np.ndim(array), allow_none=False)
    if np.shape(array)[axis] == 0:
        raise ValueError(f"{name} has no entries along axis {axis} (shape {np.shape(array)}); a softmax over "
                         f"that axis needs at least one")
    return axis


def check_interval(name: str, interval) -> tuple[float, float]:
    """Return ``interval`` as a pair of finite floats ``(a, b)`` with ``a < b``."""
    try:
        a, b = (check_real(f"{name}[{i}]", v) for i, v in enumerate(interval))
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (a, b) of finite numbers with a < b, got {interval!r}") from None
    if not a < b:
        raise ValueError(f"{name} must satisfy a < b, got {interval!r}")
    return a, b


def check_callable(name: str, value, what: str = "a function") -> object:
    """Return ``value`` if it can be called, else raise ``TypeError`` saying what was expected."""
    if not callable(value):
        raise TypeError(f"{name} must be {what}, got {type(value).__name__} {value!r}")
    return value


def check_sizes(name: str, values) -> list[int]:
    """Return ``values``, a sequence of layer widths or channel counts, as a list of integers >= 1.

    Raises ``TypeError`` naming ``name`` for anything that is not a sequence, and the
    ``ValueError`` of :func:`check_positive_int` naming ``name[i]`` for a bad entry. Callers
    check how many entries they need.
    """
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"{name} must be a sequence of integers like (128,), got {values!r}")
    return [check_positive_int(f"{name}[{i}]", v) for i, v in enumerate(values)]


def check_shape(name: str, array, expected: tuple) -> None:
    """Raise ``ValueError`` unless ``array.shape`` matches ``expected``.

    ``None`` in ``expected`` matches any length along that axis.
    """
    shape = np.shape(array)
    if len(shape) != len(expected) or any(e is not None and e != s for e, s in zip(expected, shape)):
        want = "(" + ", ".join("any" if e is None else str(e) for e in expected) + ")"
        raise ValueError(f"{name} must have shape {want}, got shape {shape}")


def check_new_shape(name: str, shape, old_shape: tuple, what: str = "x") -> tuple:
    """The target of a reshape as a tuple of ints, checked against ``old_shape``.

    ``shape`` is what ``reshape(*shape)`` received: integers (``reshape(2, 3)``) or one
    tuple/list (``reshape((2, 3))``); each entry an integer >= 0, or one -1 for "the rest"
    (numpy's rule). Raises ``TypeError``/``ValueError`` naming ``name`` and ``what``.
    """
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    for n in shape:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"{name} entries must be integers >= 0 (or one -1), got {type(n).__name__} in {shape!r}")
        if n < -1:
            raise ValueError(f"{name} entries must be integers >= 0 (or one -1), got {shape!r}")
    shape = tuple(int(n) for n in shape)
    size = int(np.prod(old_shape))
    known = int(np.prod([n for n in shape if n != -1]))
    if shape.count(-1) > 1 or (-1 in shape and (known == 0 or size % known)) or (-1 not in shape and known != size):
        raise ValueError(f"cannot reshape {what} of shape {tuple(old_shape)} ({size} entries) into {name} {shape}")
    return shape


def check_broadcast(op: str, **arrays) -> tuple:
    """Raise ``ValueError`` naming every argument unless the arrays broadcast together; return the common shape."""
    try:
        return np.broadcast_shapes(*(np.shape(a) for a in arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{name} of shape {np.shape(a)}" for name, a in arrays.items())
        raise ValueError(f"{op}: {shapes} do not broadcast together") from None
