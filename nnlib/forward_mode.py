"""Forward-mode automatic differentiation with dual numbers (derived in chapter 04).

A dual number :math:`a + b\\,\\varepsilon` with :math:`\\varepsilon^2 = 0` carries a value
:math:`a` and a *tangent* :math:`b`. Taylor's theorem with :math:`\\varepsilon^2 = 0` gives

.. math:: f(a + b\\,\\varepsilon) = f(a) + f'(a)\\, b\\, \\varepsilon ,

so evaluating a program on duals computes, alongside its value, the directional
derivative of every intermediate in the direction of the input tangent. For
:math:`f: \\mathbb{R}^n \\to \\mathbb{R}^m` one pass with input tangent :math:`v` gives the
Jacobian-vector product :math:`J v` (one column of :math:`J` when :math:`v` is a unit
vector), without storing any graph: :func:`jvp`, :func:`jacobian_fwd`.

A :class:`Dual` holds two float64 numpy arrays of the same shape, ``val`` and ``tan``.
Constants (numbers, arrays) may appear on either side of an operator; they have tangent
zero. Shapes broadcast as in numpy, for the value and the tangent alike.

This module is numpy-only.
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_axis, check_budget, check_new_shape

__all__ = ["Dual", "jvp", "jacobian_fwd", "exp", "log", "sin", "cos", "tanh", "sigmoid"]


def _const(c, op):
    """A constant operand as a float64 array (a Dual, or anything else numeric)."""
    if isinstance(c, Dual):
        return c
    return as_float_array(f"{op}: operand", c)


def _broadcast(op, fn, a, b):
    """``fn(a, b)``, re-raising numpy's shape error with the operation's name and both shapes."""
    try:
        return fn(a, b)
    except ValueError:
        raise ValueError(f"{op}: cannot combine shapes {np.shape(a)} and {np.shape(b)}") from None


def _new(val, tan):
    """A Dual from arrays that are already float64 and of matching shapes (no checks)."""
    out = object.__new__(Dual)
    out.val, out.tan = val, tan
    return out


class Dual:
    """A dual number :math:`a + b\\,\\varepsilon`, :math:`\\varepsilon^2 = 0`, on numpy arrays (chapter 04).

    Every operation applies the rule :math:`f(a + b\\varepsilon) = f(a) + f'(a)\\,b\\,\\varepsilon`:
    the new value is the ordinary result and the new tangent is the derivative of the
    operation applied to the operands' tangents (a Jacobian-vector product).

    Parameters
    ----------
    val : array_like
        The value :math:`a` (converted to float64).
    tan : array_like, optional
        The tangent :math:`b`, the same shape as ``val``; zeros (a constant) by default.

    Attributes
    ----------
    val, tan : numpy.ndarray
        float64 arrays of the same shape.
    """

    __slots__ = ("val", "tan")
    __array_ufunc__ = None  # numpy defers to Dual: `array @ dual` calls Dual.__rmatmul__

    def __init__(self, val, tan=None):
        val = np.array(as_float_array("val", val))
        if tan is None:
            tan = np.zeros_like(val)
        else:
            tan = np.array(as_float_array("tan", tan))
            if tan.shape != val.shape:
                raise ValueError(f"Dual: the tangent tan has shape {tan.shape} but the value val has shape "
                                 f"{val.shape}; they must be equal")
        self.val, self.tan = val, tan

    shape = property(lambda self: self.val.shape)
    ndim = property(lambda self: self.val.ndim)
    size = property(lambda self: self.val.size)

    def __repr__(self):
        return f"Dual(val={self.val!r}, tan={self.tan!r})"

    # ----- sums and products: (a + b e) op (c + d e) ----------------------------------
    def __add__(self, other):
        """:math:`(a + b\\varepsilon) + (c + d\\varepsilon) = (a + c) + (b + d)\\varepsilon`."""
        o = _const(other, "add")
        if isinstance(o, Dual):
            val = _broadcast("add", np.add, self.val, o.val)
            return _new(val, np.broadcast_to(self.tan + o.tan, val.shape).copy())
        val = _broadcast("add", np.add, self.val, o)
        return _new(val, np.broadcast_to(self.tan, val.shape).copy())

    __radd__ = __add__

    def __neg__(self):
        return _new(-self.val, -self.tan)

    def __sub__(self, other):
        """:math:`(a + b\\varepsilon) - (c + d\\varepsilon) = (a - c) + (b - d)\\varepsilon`."""
        return self + (-_const(other, "subtract"))

    def __rsub__(self, other):
        return (-self) + _const(other, "subtract")

    def __mul__(self, other):
        """Product rule: :math:`(a + b\\varepsilon)(c + d\\varepsilon) = ac + (bc + ad)\\varepsilon`."""
        o = _const(other, "multiply")
        if isinstance(o, Dual):
            val = _broadcast("multiply", np.multiply, self.val, o.val)
            return _new(val, np.broadcast_to(self.tan * o.val + self.val * o.tan, val.shape).copy())
        val = _broadcast("multiply", np.multiply, self.val, o)
        return _new(val, np.broadcast_to(self.tan * o, val.shape).copy())

    __rmul__ = __mul__

    def __truediv__(self, other):
        """Quotient rule: :math:`(a + b\\varepsilon)/(c + d\\varepsilon) = a/c + (b - (a/c) d)/c\\;\\varepsilon`."""
        o = _const(other, "divide")
        if isinstance(o, Dual):
            val = _broadcast("divide", np.divide, self.val, o.val)
            return _new(val, np.broadcast_to((self.tan - val * o.tan) / o.val, val.shape).copy())
        val = _broadcast("divide", np.divide, self.val, o)
        return _new(val, np.broadcast_to(self.tan / o, val.shape).copy())

    def __rtruediv__(self, other):
        """:math:`c/(a + b\\varepsilon) = c/a - (c/a^2)\\, b\\,\\varepsilon`."""
        c = _const(other, "divide")
        val = _broadcast("divide", np.divide, c, self.val)
        return _new(val, np.broadcast_to(-val * self.tan / self.val, val.shape).copy())

    def __pow__(self, p):
        """Power by a constant: :math:`(a + b\\varepsilon)^p = a^p + p\\,a^{p-1} b\\,\\varepsilon`.

        The derivative is taken as 0 where :math:`p = 0` (:math:`a^0 = 1` is constant).
        A Dual exponent is refused: write ``exp(p * log(a))`` for :math:`a^p` with both varying.
        """
        if isinstance(p, Dual):
            raise TypeError("power: the exponent must be a constant number or array, not a Dual; "
                            "write exp(p * log(a)) for a varying exponent")
        p = as_float_array("power: exponent", p)
        val = _broadcast("power", np.power, self.val, p)
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = np.where(p == 0, 0.0, p * self.val ** (p - 1))
        return _new(val, np.broadcast_to(slope * self.tan, val.shape).copy())

    # ----- matrix product: (A + Ad e)(B + Bd e) = AB + (Ad B + A Bd) e ----------------
    def __matmul__(self, other):
        """Product rule for matrices: :math:`(A + \\dot A\\varepsilon)(B + \\dot B\\varepsilon) = AB + (\\dot A B + A \\dot B)\\varepsilon`."""
        o = _const(other, "matmul")
        if isinstance(o, Dual):
            return _new(_matmul(self.val, o.val), _matmul(self.tan, o.val) + _matmul(self.val, o.tan))
        return _new(_matmul(self.val, o), _matmul(self.tan, o))

    def __rmatmul__(self, other):  # constant @ Dual
        c = _const(other, "matmul")
        return _new(_matmul(c, self.val), _matmul(c, self.tan))

    # ----- reductions and shape ---------------------------------------------------------
    def sum(self, axis=None):
        """Sum over ``axis`` (all axes by default); the tangent is summed the same way (linear)."""
        axis = check_axis("axis", axis, self.ndim)
        return _new(np.asarray(self.val.sum(axis=axis)), np.asarray(self.tan.sum(axis=axis)))

    def __getitem__(self, idx):
        """``x[idx]``: indexing is linear, so the tangent is indexed the same way."""
        return _new(np.asarray(self.val[idx]), np.asarray(self.tan[idx]))

    def reshape(self, *shape):
        """Same entries, new shape, for value and tangent alike (``reshape(2, 3)`` or ``reshape((2, 3))``)."""
        shape = check_new_shape("shape", shape, self.val.shape)
        return _new(self.val.reshape(shape), self.tan.reshape(shape))

    @property
    def T(self):
        """The transpose of value and tangent."""
        return _new(self.val.T, self.tan.T)

    # ----- elementwise functions: f(a + b e) = f(a) + f'(a) b e -------------------------
    def exp(self):
        """:math:`\\exp' = \\exp`."""
        out = np.exp(self.val)
        return _new(out, out * self.tan)

    def log(self):
        """:math:`\\log'(a) = 1/a`."""
        return _new(np.log(self.val), self.tan / self.val)

    def sin(self):
        """:math:`\\sin' = \\cos`."""
        return _new(np.sin(self.val), np.cos(self.val) * self.tan)

    def cos(self):
        """:math:`\\cos' = -\\sin`."""
        return _new(np.cos(self.val), -np.sin(self.val) * self.tan)

    def tanh(self):
        """:math:`\\tanh' = 1 - \\tanh^2`."""
        out = np.tanh(self.val)
        return _new(out, (1 - out * out) * self.tan)

    def sigmoid(self):
        """:math:`\\sigma(a) = 1/(1+e^{-a})` without overflow; :math:`\\sigma' = \\sigma(1-\\sigma)`."""
        e = np.exp(-np.abs(self.val))
        out = np.where(self.val >= 0, 1 / (1 + e), e / (1 + e))
        return _new(out, out * (1 - out) * self.tan)


def _matmul(a, b):
    """``a @ b`` with an error that names both shapes."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        raise ValueError(f"matmul: operands must have >= 1 dimension, got shapes {np.shape(a)} and {np.shape(b)}")
    try:
        return a @ b
    except ValueError:
        raise ValueError(f"matmul: cannot multiply shapes {np.shape(a)} and {np.shape(b)}") from None


def _dual(x, name: str = "x"):
    """``x`` itself if it is a Dual, else a constant Dual of it (strict conversion; errors name ``name``)."""
    return x if isinstance(x, Dual) else Dual(as_float_array(name, x))


def _elementwise(name):
    def fn(x):
        return getattr(_dual(x), name)()
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise {name} of a Dual or array (the method ``Dual.{name}``; chapter 04)."
    return fn


exp = _elementwise("exp")
log = _elementwise("log")
sin = _elementwise("sin")
cos = _elementwise("cos")
tanh = _elementwise("tanh")
sigmoid = _elementwise("sigmoid")


def jvp(f, x, v):
    """Value and Jacobian-vector product of ``f`` at ``x`` in direction ``v``: one forward pass.

    Evaluates ``f(Dual(x, v))``; by :math:`f(x + v\\varepsilon) = f(x) + J(x) v\\,\\varepsilon`
    (chapter 04) the result's value is :math:`f(x)` and its tangent is :math:`J v`.

    Parameters
    ----------
    f : callable
        Maps a Dual of the shape of ``x`` to a Dual (written with Dual operations,
        numbers and numpy constants). A non-Dual result is a constant: :math:`Jv = 0`.
    x : array_like
        The point.
    v : array_like
        The direction, the same shape as ``x``.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        :math:`f(x)` and :math:`J v`, of the shape of the output.
    """
    if not callable(f):
        raise TypeError(f"jvp: f must be callable, got {type(f).__name__}")
    x = as_float_array("jvp: x", x)
    v = as_float_array("jvp: v", v)
    if v.shape != x.shape:
        raise ValueError(f"jvp: v must have the shape of x, {x.shape}, got {v.shape}")
    out = f(Dual(x, v))
    if isinstance(out, Dual):
        return out.val, out.tan
    val = np.array(as_float_array("jvp: f(x)", out))
    return val, np.zeros_like(val)


def jacobian_fwd(f, x):
    """The full Jacobian of ``f`` at ``x`` by forward mode: one :func:`jvp` per input entry.

    Column :math:`j` is :math:`J e_j`, so :math:`n` = ``x.size`` passes give the
    ``f(x).shape + x.shape`` array :math:`\\partial f_i / \\partial x_j` (chapter 04).
    """
    x = as_float_array("jacobian_fwd: x", x)
    check_budget("jacobian_fwd: x.size (forward passes)", x.size)
    columns = []
    for j in range(x.size):
        e_j = np.zeros(x.size)
        e_j[j] = 1.0
        columns.append(jvp(f, x, e_j.reshape(x.shape))[1])
    if not columns:
        raise ValueError("jacobian_fwd: x must have at least one entry")
    return np.stack(columns, axis=-1).reshape(columns[0].shape + x.shape)
