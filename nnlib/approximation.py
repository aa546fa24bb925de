"""The constructive universal approximation theorem in one dimension (chapter 02).

Chapter 02 proves that one hidden layer of sigmoid units can approximate any
continuous function on an interval uniformly well, by building the network
explicitly:

1. a *steep sigmoid* :math:`\\sigma(w(x-b))` is almost the Heaviside step
   :math:`H(x-b)` when the steepness :math:`w` is large (:func:`smooth_step`);
2. the difference of two steps is a *piece*, a bump of height one on
   :math:`[b, b+\\delta)` (:func:`piece`);
3. a sum of pieces with heights :math:`f(m_j)` taken at the midpoints
   :math:`m_j` of :math:`N` equal cells is a staircase close to :math:`f`
   (:func:`staircase`); telescoping the sum turns it into an ordinary network
   with :math:`N-1` hidden units (:func:`staircase_network`):

.. math::

    G_N(x) = f(m_1) + \\sum_{j=2}^{N} \\bigl(f(m_j) - f(m_{j-1})\\bigr)\\,
             \\sigma\\bigl(w\\,(x - a_{j-1})\\bigr),

where :math:`a_j = a + j h`, :math:`h = (b-a)/N`, are the cell boundaries.
numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import as_float_array, check_broadcast, check_callable, check_interval, check_positive, check_positive_int, check_real
from .functional import sigmoid

__all__ = [
    "smooth_step",
    "piece",
    "OneHiddenLayer",
    "staircase",
    "staircase_network",
    "sup_error",
]


def smooth_step(x, center, steepness):
    """A steep sigmoid :math:`\\sigma(w(x - c))`, close to the step :math:`H(x - c)`.

    As :math:`w \\to \\infty` it tends to 0 for :math:`x < c` and to 1 for
    :math:`x > c`; at :math:`x = c` it is exactly 1/2. Its distance from the step at
    distance :math:`d` from the centre is :math:`\\sigma(-wd) < e^{-wd}`.

    Parameters
    ----------
    x : array_like
    center : float or array_like (broadcast against ``x``)
    steepness : float
        The slope parameter :math:`w > 0`.
    """
    w = check_positive("steepness", steepness)
    x, center = as_float_array("x", x), as_float_array("center", center)
    check_broadcast("smooth_step", x=x, center=center)
    return sigmoid(w * (x - center))


def piece(x, left, width, steepness):
    """A smooth bump :math:`P(x) = \\sigma(w(x-b)) - \\sigma(w(x-b-\\delta))`.

    The difference of two steep sigmoids: close to 1 on :math:`(b, b+\\delta)` and to
    0 outside. Chapter 02, "pieces".

    Parameters
    ----------
    x : array_like
    left : float
        Left edge :math:`b` of the bump.
    width : float
        Width :math:`\\delta > 0`.
    steepness : float
        :math:`w > 0`.
    """
    width = check_positive("width", width)
    left = check_real("left", left)
    return smooth_step(x, left, steepness) - smooth_step(x, left + width, steepness)


@dataclass(frozen=True)
class OneHiddenLayer:
    """A network with one hidden layer of logistic units and a linear output.

    .. math:: G(x) = c + \\sum_j \\alpha_j\\,\\sigma(w_j x + \\theta_j)

    Attributes
    ----------
    w, theta, alpha : ndarray, shape (n_hidden,)
        Input weights, hidden biases and output weights.
    c : float
        Output bias.
    """

    w: np.ndarray
    theta: np.ndarray
    alpha: np.ndarray
    c: float

    def __post_init__(self):
        arrays = {name: as_float_array(name, getattr(self, name)) for name in ("w", "theta", "alpha")}
        n = arrays["w"].shape
        for name, a in arrays.items():
            if a.ndim != 1 or a.shape != n:
                raise ValueError(f"{name} must be a 1-D array with one entry per hidden unit "
                                 f"(the shape of w, {n}), got shape {a.shape}")
            object.__setattr__(self, name, a)
        c = as_float_array("c", self.c)
        if c.ndim != 0:
            raise ValueError(f"c (the output bias) must be a single number, got shape {c.shape}")
        object.__setattr__(self, "c", float(c))

    @property
    def n_hidden(self) -> int:
        """Number of hidden units."""
        return len(self.w)

    def hidden(self, x) -> np.ndarray:
        """Hidden activations, shape ``(len(x), n_hidden)``."""
        x = as_float_array("x", x).reshape(-1, 1)
        return sigmoid(x * self.w + self.theta)

    def __call__(self, x) -> np.ndarray:
        """Evaluate :math:`G` at the points ``x`` (any shape; returns the same shape)."""
        x = as_float_array("x", x)
        return (self.c + self.hidden(x) @ self.alpha).reshape(x.shape)


def _grid(f, n_pieces, interval):
    n = check_positive_int("n_pieces", n_pieces)
    a, b = check_interval("interval", interval)
    check_callable("f", f, "a function of an array")
    h = (b - a) / n
    edges = a + h * np.arange(n + 1)
    mids = edges[:-1] + h / 2
    heights = np.asarray(f(mids), dtype=float)
    if heights.shape != mids.shape or not np.all(np.isfinite(heights)):
        raise ValueError("f must map an array of shape (n,) to finite values of the same shape")
    return edges, heights


def staircase(f, n_pieces, steepness, x, interval=(0.0, 1.0)):
    """Sum of smooth pieces: :math:`\\sum_j f(m_j) P(x; a_{j-1}, h)`, the proof's first form.

    The interval is cut into ``n_pieces`` equal cells; cell :math:`j` carries a piece
    of height :math:`f(m_j)` (the value at its midpoint). The two outer pieces are
    extended beyond the interval (their outer edges are moved far away), so that
    the end points are not half-way up a step. Uses two sigmoids per piece.

    Parameters
    ----------
    f : callable
        The function to approximate, evaluated on numpy arrays.
    n_pieces : int
        Number :math:`N \\ge 1` of cells.
    steepness : float
        Sigmoid steepness :math:`w > 0`.
    x : array_like
        Points at which to evaluate the approximation.
    interval : (float, float)
        The interval :math:`[a, b]`.
    """
    edges, heights = _grid(f, n_pieces, interval)
    w = check_positive("steepness", steepness)
    x = as_float_array("x", x)
    far = 1e6 * (edges[-1] - edges[0]) + 1e6
    left = edges[:-1].copy()
    right = edges[1:].copy()
    left[0], right[-1] = edges[0] - far, edges[-1] + far
    total = np.zeros_like(x)
    for lo, hi, height in zip(left, right, heights):
        total = total + height * (smooth_step(x, lo, w) - smooth_step(x, hi, w))
    return total


def staircase_network(f, n_pieces, steepness, interval=(0.0, 1.0)) -> OneHiddenLayer:
    """The network of the constructive proof, with ``n_pieces - 1`` hidden units.

    Telescoping the sum of pieces of :func:`staircase` gives

    .. math:: G_N(x) = f(m_1) + \\sum_{j=1}^{N-1} \\bigl(f(m_{j+1}) - f(m_j)\\bigr)\\,
              \\sigma\\bigl(w (x - a_j)\\bigr),

    i.e. hidden weights :math:`w_j = w`, biases :math:`\\theta_j = -w a_j` (one step
    at each interior cell boundary :math:`a_j`), output weights equal to the jumps
    of the staircase and output bias :math:`f(m_1)`. Chapter 02 proves
    :math:`\\sup_{[a,b]}|f - G_N| \\le \\omega(h/2) + \\omega(h)\\,(1 + 2/(e^{wh}-1))`,
    with :math:`\\omega` the modulus of continuity of :math:`f` and :math:`h` the cell
    width.

    Parameters
    ----------
    f : callable
        The function to approximate, evaluated on numpy arrays.
    n_pieces : int
        Number :math:`N \\ge 1` of cells.
    steepness : float
        Sigmoid steepness :math:`w > 0` (in units of 1/x).
    interval : (float, float)
        The interval :math:`[a, b]`.

    Returns
    -------
    OneHiddenLayer
    """
    edges, heights = _grid(f, n_pieces, interval)
    w = check_positive("steepness", steepness)
    inner = edges[1:-1]
    return OneHiddenLayer(
        w=np.full(len(inner), w),
        theta=-w * inner,
        alpha=np.diff(heights),
        c=float(heights[0]),
    )


def sup_error(f, g, interval=(0.0, 1.0), n_points=4001) -> float:
    """Estimate :math:`\\sup_{x\\in[a,b]} |f(x) - g(x)|` on a fine uniform grid.

    Parameters
    ----------
    f, g : callable
        Functions evaluated on numpy arrays.
    interval : (float, float)
    n_points : int
        Grid size (>= 2); the estimate is a lower bound that converges to the
        supremum as the grid is refined.
    """
    n_points = check_positive_int("n_points", n_points, minimum=2)
    a, b = check_interval("interval", interval)
    f, g = check_callable("f", f, "a function of an array"), check_callable("g", g, "a function of an array")
    x = np.linspace(a, b, n_points)
    return float(np.max(np.abs(as_float_array("f(x)", f(x)) - as_float_array("g(x)", g(x)))))
