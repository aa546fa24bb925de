"""The book's reverse-mode automatic differentiation engine, on numpy arrays.

A :class:`Var` holds a numpy array ``val``. Every operation on Vars returns a new
Var that remembers its inputs (``_parents``) and a function ``_backward`` that maps
the gradient of the output, :math:`\\bar{y} = \\partial L / \\partial y`, to the
gradients of the inputs (the vector-Jacobian products
:math:`\\bar{x}_i = J_i^\\top \\bar{y}`). :meth:`Var.backward` sorts the recorded
expression graph topologically (iteratively, so long chains do not overflow the
stack) and visits every node once in reverse order, adding each node's
contributions into its parents' gradients. Derived in chapter 04.

Constants (Python numbers, numpy arrays) may appear on either side of an operator;
they are not nodes of the graph and get no gradient, so pass data as plain arrays. A Var
can be a constant too: a leaf made with ``requires_grad=False``, the result of
:meth:`Var.detach`, or anything computed inside ``with no_grad():``. An operation none of
whose inputs requires a gradient records nothing (its result is a constant leaf), as in
PyTorch, so constants cost no graph and receive no ``.grad``.
Array constants are cast to the Var's dtype, so float32 computations stay float32.
Treat ``.grad`` arrays as read-only: they may be shared between nodes.

This module is numpy-only.
"""

from __future__ import annotations

import contextlib

import numpy as np

from ._checks import as_float_array, check_axis, check_class_axis, check_flag, check_new_shape

# ``sum`` and ``mean`` are left out of __all__ so that ``from nnlib.autodiff import *`` does
# not shadow Python's built-in ``sum``; use them as ``ad.sum(x)`` or ``x.sum()``.
__all__ = [
    "Var", "exp", "log", "sin", "cos", "tanh", "sigmoid", "relu",
    "softmax", "log_softmax", "reshape", "matmul", "no_grad",
]

_grad_enabled = True  # False inside ``with no_grad():``


@contextlib.contextmanager
def no_grad():
    """Context manager: operations inside record no graph, as ``torch.no_grad()``.

    Their results are constant leaves (``requires_grad`` False): use it to evaluate a model
    or to update parameters without building a graph that backward would follow.
    """
    global _grad_enabled
    previous, _grad_enabled = _grad_enabled, False
    try:
        yield
    finally:
        _grad_enabled = previous


def _unbroadcast(g, shape):
    """Sum ``g`` down to ``shape``: the adjoint of numpy broadcasting (chapter 04).

    Broadcasting copies an input along new leading axes and along axes of length 1,
    so every copy receives a share of the gradient and the shares are added.
    """
    if g.shape == shape:
        return g
    extra = g.ndim - len(shape)
    if extra:
        g = g.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g


def _broadcast(name, fn, a, b):
    """``fn(a, b)``, re-raising numpy's broadcasting error with the operation's name."""
    try:
        return fn(a, b)
    except ValueError:
        raise ValueError(
            f"{name}: cannot broadcast shapes {np.shape(a)} and {np.shape(b)}"
        ) from None


def _matmul(a, b):
    """``a @ b`` with an error message that names both shapes."""
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(f"matmul: operands must have >= 1 dimension, got shapes {a.shape} and {b.shape}")
    try:
        return a @ b
    except ValueError:
        inner_b = b.shape[-2] if b.ndim > 1 else b.shape[0]
        why = (f"inner dimensions {a.shape[-1]} and {inner_b} differ" if a.shape[-1] != inner_b
               else "batch dimensions cannot be broadcast")
        raise ValueError(f"matmul: cannot multiply a of shape {a.shape} and b of shape {b.shape}: {why}") from None


def _matmul_grads(g, a, b, need_a=True, need_b=True):
    """Gradients of ``a @ b``: ``g @ b.T`` and ``a.T @ g`` (derived in chapter 04).

    1-D operands are treated as a row (left) or column (right) matrix, as numpy does,
    and stacked (batched) operands are reduced back to their own shapes. A gradient
    that is not needed (its operand is a constant) is not computed.
    """
    if a.ndim == 2 and b.ndim == 2:  # the common case, kept fast
        return (g @ b.T if need_a else None), (a.T @ g if need_b else None)
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    g2 = np.asarray(g)
    if b.ndim == 1:  # restore the removed axes: the column of b first, then the row of a
        g2 = g2[..., None]
    if a.ndim == 1:
        g2 = np.expand_dims(g2, -2)
    ga = gb = None
    if need_a:
        ga = _unbroadcast(g2 @ np.swapaxes(b2, -1, -2), a2.shape).reshape(a.shape)
    if need_b:
        gb = _unbroadcast(np.swapaxes(a2, -1, -2) @ g2, b2.shape).reshape(b.shape)
    return ga, gb


def _spread(g, shape, axis, keepdims):
    """The adjoint of a sum over ``axis``: copy the output gradient back to every entry."""
    if axis is not None and not keepdims:
        g = np.expand_dims(g, axis)
    return np.broadcast_to(g, shape).copy()


def _power_base_grad(a, p):
    """d/da a^p = p a^(p-1), taken as 0 where p = 0 (a^0 = 1 is constant, even at a = 0, as in torch)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.asarray(p) == 0, 0.0, p * a ** (p - 1)).astype(a.dtype, copy=False)


def _is_basic_index(idx):
    """True for integers, slices, ``...`` and ``None`` (indexing that never repeats an entry)."""
    items = idx if isinstance(idx, tuple) else (idx,)
    return all(i is None or i is Ellipsis or isinstance(i, (int, np.integer, slice)) for i in items)


class Var:
    """A node of the expression graph: a numpy array and, after backward, its gradient.

    Parameters
    ----------
    val : array_like
        The value. Leaves (no ``parents``) copy it; non-float input becomes float64.
    parents : tuple of Var, optional
        The Vars this one was computed from (empty for a leaf).
    backward : callable, optional
        ``backward(g) -> tuple`` of gradients, one per parent, given the gradient
        ``g`` of this node: the vector-Jacobian products of the operation.
    op : str, optional
        A label for the operation (used when drawing graphs).
    requires_grad : bool, optional
        For a leaf: whether it is a variable that :meth:`backward` gives a gradient (the
        default) or a constant. A computed Var requires a gradient when any parent does.

    Attributes
    ----------
    val : numpy.ndarray
    grad : numpy.ndarray or None
        :math:`\\partial L / \\partial` ``val`` after :meth:`backward`; None before.
    requires_grad : bool
    """

    __slots__ = ("val", "grad", "_parents", "_backward", "op", "requires_grad")
    __array_ufunc__ = None  # numpy defers to Var: `array * var` calls Var.__rmul__

    def __init__(self, val, parents=(), backward=None, op="", requires_grad=True):
        requires_grad = check_flag("requires_grad", requires_grad)
        if parents and not (_grad_enabled and any(p.requires_grad for p in parents)):
            parents, backward, requires_grad = (), None, False  # nothing to differentiate: a constant
        if not parents:
            val = np.array(as_float_array("val", val, dtype=None))  # a leaf owns a copy of its value
        elif type(val) is not np.ndarray:
            val = np.asarray(val)
        if val.dtype.kind != "f":
            val = val.astype(np.float64)
        self.val = val
        self.grad = None
        self._parents = parents
        self._backward = backward
        self.op = op
        self.requires_grad = requires_grad

    # ----- array-like conveniences -------------------------------------------------
    shape = property(lambda self: self.val.shape)
    ndim = property(lambda self: self.val.ndim)
    size = property(lambda self: self.val.size)
    dtype = property(lambda self: self.val.dtype)

    def __repr__(self):
        return f"Var({self.val!r}, op={self.op!r})" if self.op else f"Var({self.val!r})"

    @property
    def parents(self) -> tuple:
        """The Vars this one was computed from (empty for a leaf)."""
        return self._parents

    def detach(self) -> "Var":
        """A constant leaf with a copy of this value: gradients do not flow back through it."""
        return Var(self.val, requires_grad=False)

    def item(self) -> float:
        """The value of a one-element Var as a Python float."""
        return self.val.item()

    def _const(self, c):
        """A constant operand: Python numbers stay weak scalars, arrays get our dtype."""
        if isinstance(c, (int, float)) and not isinstance(c, bool):
            return c
        return as_float_array("operand", c, dtype=self.val.dtype)

    # ----- the backward pass -------------------------------------------------------
    def topological_order(self):
        """All nodes this Var depends on, each listed after its parents (iterative DFS)."""
        order, seen = [], set()
        stack = [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:  # all parents of `node` are already in `order`
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend((p, False) for p in node._parents if p not in seen)
        return order

    def backward(self, grad=None):
        """Accumulate :math:`\\partial` ``self`` :math:`/\\partial v` into ``v.grad`` of every leaf ``v``.

        Nodes are visited once each, in reverse topological order, so a node used
        several times receives the sum of all its contributions before it passes its
        gradient on (chapter 04). Leaf gradients accumulate over calls until
        :meth:`zero_grad`; intermediate nodes get fresh gradients on every call.

        Parameters
        ----------
        grad : array_like, optional
            The seed :math:`\\partial L / \\partial` ``self``, of ``self``'s shape.
            Required unless ``self`` has exactly one element (then it defaults to 1).
        """
        if not self.requires_grad:
            raise ValueError("backward: this Var is a constant (requires_grad=False, detached, or computed "
                             "under no_grad), so nothing depends on a variable")
        if grad is None:
            if self.val.size != 1:
                raise ValueError(
                    f"backward: output has shape {self.val.shape}, not a scalar; pass a seed "
                    f"gradient grad of that shape, e.g. backward(np.ones({self.val.shape}))")
            grad = np.ones_like(self.val)
        else:
            grad = np.array(as_float_array("grad", grad), dtype=self.val.dtype)  # a copy: never aliased
            if grad.shape != self.val.shape:
                raise ValueError(f"backward: the seed gradient grad has shape {grad.shape} but the output "
                                 f"has shape {self.val.shape}")
        order = self.topological_order()
        for node in order:
            if node._parents:
                node.grad = None  # interior gradients are recomputed from scratch
        self.grad = grad if self.grad is None else self.grad + grad
        for node in reversed(order):
            if node._parents and node.grad is not None:
                for parent, g in zip(node._parents, node._backward(node.grad)):
                    if not parent.requires_grad:
                        continue  # a constant: no gradient
                    g = np.asarray(g, dtype=parent.val.dtype)  # a float32 leaf gets a float32 gradient
                    parent.grad = g if parent.grad is None else parent.grad + g

    def zero_grad(self):
        """Forget the accumulated gradient (``grad`` becomes None, as in PyTorch)."""
        self.grad = None

    # ----- arithmetic (elementwise, with broadcasting) -----------------------------
    def __add__(self, other):
        a = self.val
        if isinstance(other, Var):
            b = other.val
            out = _broadcast("add", np.add, a, b)
            return Var(out, (self, other),
                       lambda g: (_unbroadcast(g, a.shape), _unbroadcast(g, b.shape)), "+")
        out = _broadcast("add", np.add, a, self._const(other))
        return Var(out, (self,), lambda g: (_unbroadcast(g, a.shape),), "+")

    __radd__ = __add__  # addition commutes

    def __neg__(self):
        return Var(-self.val, (self,), lambda g: (-g,), "neg")

    def __sub__(self, other):
        a = self.val
        if isinstance(other, Var):
            b = other.val
            out = _broadcast("subtract", np.subtract, a, b)
            return Var(out, (self, other),
                       lambda g: (_unbroadcast(g, a.shape), _unbroadcast(-g, b.shape)), "-")
        out = _broadcast("subtract", np.subtract, a, self._const(other))
        return Var(out, (self,), lambda g: (_unbroadcast(g, a.shape),), "-")

    def __rsub__(self, other):  # other - self
        a = self.val
        out = _broadcast("subtract", np.subtract, self._const(other), a)
        return Var(out, (self,), lambda g: (_unbroadcast(-g, a.shape),), "-")

    def __mul__(self, other):
        a = self.val
        if isinstance(other, Var):
            b = other.val
            out = _broadcast("multiply", np.multiply, a, b)
            return Var(out, (self, other),
                       lambda g: (_unbroadcast(g * b, a.shape), _unbroadcast(g * a, b.shape)), "*")
        b = self._const(other)
        out = _broadcast("multiply", np.multiply, a, b)
        return Var(out, (self,), lambda g: (_unbroadcast(g * b, a.shape),), "*")

    __rmul__ = __mul__

    def __truediv__(self, other):
        a = self.val
        if isinstance(other, Var):
            b = other.val
            out = _broadcast("divide", np.divide, a, b)
            return Var(out, (self, other),
                       lambda g: (_unbroadcast(g / b, a.shape),
                                  _unbroadcast(-g * out / b, b.shape)), "/")
        b = self._const(other)
        out = _broadcast("divide", np.divide, a, b)
        return Var(out, (self,), lambda g: (_unbroadcast(g / b, a.shape),), "/")

    def __rtruediv__(self, other):  # other / self: d/da (c / a) = -c / a^2 = -out / a
        a = self.val
        out = _broadcast("divide", np.divide, self._const(other), a)
        return Var(out, (self,), lambda g: (_unbroadcast(-g * out / a, a.shape),), "/")

    def __pow__(self, other):
        a = self.val
        if isinstance(other, Var):  # d/da a^b = b a^(b-1),  d/db a^b = a^b log a
            b = other.val
            out = _broadcast("power", np.power, a, b)

            def backward(g):
                with np.errstate(divide="ignore", invalid="ignore"):
                    # at a = 0 with b >= 0, a^b log a -> 0 (the limit; torch agrees)
                    d_b = np.where((a == 0) & (b >= 0), 0.0, out * np.log(a))
                return (_unbroadcast(g * _power_base_grad(a, b), a.shape),
                        _unbroadcast(g * d_b, b.shape))
            return Var(out, (self, other), backward, "**")
        p = self._const(other)
        out = _broadcast("power", np.power, a, p)
        return Var(out, (self,), lambda g: (_unbroadcast(g * _power_base_grad(a, p), a.shape),), "**")

    def __rpow__(self, other):  # c ** self, d/da c^a = c^a log c (needs c > 0)
        a, c = self.val, self._const(other)
        if np.any(np.asarray(c) <= 0):
            raise ValueError(f"power: the base of c ** Var must be > 0 to be differentiable, got {other!r}")
        out = _broadcast("power", np.power, c, a)
        log_c = np.log(np.asarray(c, dtype=a.dtype))  # as an array of our dtype, not a float64
        return Var(out, (self,), lambda g: (_unbroadcast(g * out * log_c, a.shape),), "**")

    # ----- matrix product ----------------------------------------------------------
    def __matmul__(self, other):
        a = self.val
        if isinstance(other, Var):
            b = other.val
            return Var(_matmul(a, b), (self, other), lambda g: _matmul_grads(g, a, b), "@")
        b = self._const(other)
        return Var(_matmul(a, b), (self,), lambda g: _matmul_grads(g, a, b, need_b=False), "@")

    def __rmatmul__(self, other):  # other @ self: only the right operand is a Var
        a, b = self._const(other), self.val
        return Var(_matmul(a, b), (self,), lambda g: _matmul_grads(g, a, b, need_a=False)[1:], "@")

    # ----- reductions and shape ----------------------------------------------------
    def sum(self, axis=None, keepdims=False):
        """Sum over ``axis`` (all axes by default); every input entry gets the output's gradient."""
        keepdims, axis = check_flag("keepdims", keepdims), check_axis("axis", axis, self.ndim)
        a = self.val
        out = a.sum(axis=axis, keepdims=keepdims)
        return Var(out, (self,), lambda g: (_spread(g, a.shape, axis, keepdims),), "sum")

    def mean(self, axis=None, keepdims=False):
        """Mean over ``axis``: like :meth:`sum`, with the gradient divided by the count ``n``."""
        keepdims, axis = check_flag("keepdims", keepdims), check_axis("axis", axis, self.ndim)
        a = self.val
        out = a.mean(axis=axis, keepdims=keepdims)
        n = a.size / max(np.size(out), 1)
        return Var(out, (self,), lambda g: (_spread(g / n, a.shape, axis, keepdims),), "mean")

    def reshape(self, *shape):
        """Same entries, new shape (``reshape(2, 3)`` or ``reshape((2, 3))``)."""
        a = self.val
        out = a.reshape(check_new_shape("shape", shape, a.shape))
        return Var(out, (self,), lambda g: (np.reshape(g, a.shape),), "reshape")

    @property
    def T(self):
        """The transpose (axes reversed); its gradient is the transposed gradient."""
        return Var(self.val.T, (self,), lambda g: (np.transpose(g),), "T")

    def __getitem__(self, idx):
        """``x[idx]``; the gradient is scattered back (repeated indices add up)."""
        a = self.val
        out = a[idx]

        def backward(g):
            full = np.zeros_like(a)
            if _is_basic_index(idx):
                full[idx] = g
            else:
                np.add.at(full, idx, g)
            return (full,)
        return Var(out, (self,), backward, "[]")

    # ----- elementwise functions ---------------------------------------------------
    def exp(self):
        out = np.exp(self.val)
        return Var(out, (self,), lambda g: (g * out,), "exp")

    def log(self):
        a = self.val
        return Var(np.log(a), (self,), lambda g: (g / a,), "log")

    def sin(self):
        a = self.val
        return Var(np.sin(a), (self,), lambda g: (g * np.cos(a),), "sin")

    def cos(self):
        a = self.val
        return Var(np.cos(a), (self,), lambda g: (-g * np.sin(a),), "cos")

    def tanh(self):
        out = np.tanh(self.val)
        return Var(out, (self,), lambda g: (g * (1 - out * out),), "tanh")

    def sigmoid(self):
        """:math:`\\sigma(a) = 1/(1+e^{-a})`, computed without overflow; :math:`\\sigma' = \\sigma(1-\\sigma)`."""
        a = self.val
        e = np.exp(-np.abs(a))  # in (0, 1]: never overflows
        out = np.where(a >= 0, 1 / (1 + e), e / (1 + e))
        return Var(out, (self,), lambda g: (g * out * (1 - out),), "sigmoid")

    def relu(self):
        a = self.val
        return Var(np.maximum(a, 0), (self,), lambda g: (g * (a > 0),), "relu")


def _var(x, name: str = "x"):
    """``x`` itself if it is a Var, else a leaf Var of it (strict conversion; errors name ``name``)."""
    return x if isinstance(x, Var) else Var(as_float_array(name, x, dtype=None))


def _elementwise(name, formula):
    def fn(x):
        return getattr(_var(x), name)()
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise {formula} of a Var or array (the method ``Var.{name}``)."
    return fn


exp = _elementwise("exp", ":math:`e^x`")
log = _elementwise("log", "natural logarithm")
sin = _elementwise("sin", "sine")
cos = _elementwise("cos", "cosine")
tanh = _elementwise("tanh", "hyperbolic tangent")
sigmoid = _elementwise("sigmoid", "logistic function :math:`1/(1+e^{-x})`")
relu = _elementwise("relu", ":math:`\\max(x, 0)`")


def sum(x, axis=None, keepdims=False):  # noqa: A001 (mirrors numpy's name)
    """Sum of the entries of ``x`` (along ``axis``)."""
    keepdims = check_flag("keepdims", keepdims)
    return _var(x).sum(axis=axis, keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    """Mean of the entries of ``x`` (along ``axis``)."""
    keepdims = check_flag("keepdims", keepdims)
    return _var(x).mean(axis=axis, keepdims=keepdims)


def reshape(x, *shape):
    """``x`` with a new shape."""
    return _var(x).reshape(*shape)


def matmul(a, b):
    """The matrix product ``a @ b``."""
    return _var(a, "a") @ _var(b, "b")


def log_softmax(x, axis=-1):
    """:math:`\\log \\mathrm{softmax}(x)_i = x_i - \\log\\sum_j e^{x_j}` along ``axis``, stably.

    Subtracting :math:`m = \\max_j x_j` first keeps every exponent :math:`\\le 0`.
    Gradient (chapter 04): :math:`\\bar{x} = \\bar{y} - \\mathrm{softmax}(x)\\sum_j \\bar{y}_j`.
    """
    x = _var(x)
    axis = check_class_axis("x", x.val, axis)
    shifted = x.val - x.val.max(axis=axis, keepdims=True)
    out = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))

    def backward(g):
        return (g - np.exp(out) * g.sum(axis=axis, keepdims=True),)
    return Var(out, (x,), backward, "log_softmax")


def softmax(x, axis=-1):
    """:math:`\\mathrm{softmax}(x)_i = e^{x_i - m} / \\sum_j e^{x_j - m}` along ``axis``.

    Gradient (chapter 04): :math:`\\bar{x} = s \\odot (\\bar{y} - \\sum_j \\bar{y}_j s_j)`.
    """
    x = _var(x)
    axis = check_class_axis("x", x.val, axis)
    e = np.exp(x.val - x.val.max(axis=axis, keepdims=True))
    s = e / e.sum(axis=axis, keepdims=True)

    def backward(g):
        return (s * (g - (g * s).sum(axis=axis, keepdims=True)),)
    return Var(s, (x,), backward, "softmax")
