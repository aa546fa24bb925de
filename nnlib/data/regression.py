"""Datasets: regression data for uncertainty: the x sin x toy and the Mauna Loa CO2 record (chapter 12).

Both are small, one-dimensional and available offline:

* :func:`make_xsinx` draws noisy samples of :math:`f(x) = x \\sin x` on chosen intervals
  ("clusters"), optionally with holes ("gaps"), so that a chapter can ask what a model
  believes inside the data, between clusters and far outside.
* :func:`load_co2` returns the monthly Mauna Loa CO2 record (1958-2001) shipped with
  statsmodels (``statsmodels.datasets.co2``, weekly flask/in-situ averages of Keeling et
  al.), cleaned, split in time and standardised. Nothing is downloaded.

numpy only (statsmodels is imported lazily by :func:`load_co2`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._random import as_generator

from .._checks import (as_float_array, check_choice, check_finite, check_non_negative, check_positive,
                       check_positive_int, check_real)

__all__ = ["xsinx", "make_xsinx", "Standardizer", "CO2Data", "load_co2"]


def xsinx(x) -> np.ndarray:
    """The noise-free toy function :math:`f(x) = x \\sin x` (chapter 12)."""
    x = check_finite("x", x)
    return x * np.sin(x)


def _intervals(name: str, intervals) -> list[tuple[float, float]]:
    """Validate a sequence of ``(low, high)`` pairs with ``low < high``."""
    if isinstance(intervals, (str, bytes)) or not hasattr(intervals, "__iter__"):
        raise TypeError(f"{name} must be a sequence of (low, high) pairs, got {intervals!r}")
    out = []
    for item in intervals:
        if np.ndim(item) != 1 or len(item) != 2:
            raise ValueError(f"{name} must be a sequence of (low, high) pairs, got {item!r}")
        lo, hi = (float(v) for v in check_finite(name, item))
        if not lo < hi:
            raise ValueError(f"each interval in {name} needs low < high, got ({lo}, {hi})")
        out.append((lo, hi))
    return out


def _subtract(intervals, gaps):
    """Remove every gap from a list of intervals; return the remaining pieces."""
    pieces = list(intervals)
    for g_lo, g_hi in gaps:
        new = []
        for lo, hi in pieces:
            if g_hi <= lo or g_lo >= hi:  # no overlap
                new.append((lo, hi))
                continue
            if lo < g_lo:
                new.append((lo, g_lo))
            if g_hi < hi:
                new.append((g_hi, hi))
        pieces = new
    return pieces


def make_xsinx(n: int = 20, *, clusters=((-5.0, 5.0),), gaps=(), noise_std: float = 0.0,
               rng=0) -> tuple[np.ndarray, np.ndarray]:
    """Noisy samples of :math:`y = x \\sin x + \\varepsilon`, :math:`\\varepsilon \\sim \\mathcal N(0, \\sigma^2)`.

    The inputs are drawn uniformly on the union of ``clusters`` minus the ``gaps`` (each
    piece gets a share of the ``n`` points proportional to its length), so a gap between
    clusters is an interval where the model sees no data. Used in chapter 12 to probe
    predictive uncertainty inside, between and outside the data.

    Parameters
    ----------
    n : int
        Number of points (>= 1).
    clusters : sequence of (low, high)
        Intervals where inputs may lie. Default: the single interval [-5, 5] of the NYU course's lab.
    gaps : sequence of (low, high)
        Intervals removed from the clusters.
    noise_std : float
        Standard deviation sigma of the Gaussian observation noise (>= 0).
    rng : numpy Generator, int or None
        Source of randomness (the book's convention, ``nnlib._random``): an int seeds
        a fresh Generator, so the same int gives the same data.

    Returns
    -------
    x, y : numpy.ndarray
        1-D float64 arrays of length ``n``, sorted by ``x``.
    """
    n = check_positive_int("n", n)
    noise_std = check_non_negative("noise_std", noise_std)
    pieces = _subtract(_intervals("clusters", clusters), _intervals("gaps", gaps))
    if not pieces:
        raise ValueError(f"the gaps {list(gaps)} remove every cluster {list(clusters)}; no data left")
    rng = as_generator(rng)
    lengths = np.array([hi - lo for lo, hi in pieces])
    # inverse-CDF sampling of the uniform distribution on the union of pieces
    u = rng.uniform(0.0, lengths.sum(), size=n)
    cum = np.concatenate([[0.0], np.cumsum(lengths)])
    k = np.clip(np.searchsorted(cum, u, side="right") - 1, 0, len(pieces) - 1)
    starts = np.array([lo for lo, _ in pieces])
    x = np.sort(starts[k] + (u - cum[k]))
    y = xsinx(x) + noise_std * rng.standard_normal(n)
    return x, y


@dataclass(frozen=True)
class Standardizer:
    """Affine map :math:`z = (v - \\mu) / s` fitted on training values (and its inverse).

    ``inverse_scale`` converts a standard deviation (or, with ``power=2``, a variance) back
    to the original units; the shift does not apply to spreads.
    """

    mean: float
    std: float

    def __post_init__(self):
        object.__setattr__(self, "mean", float(check_real("mean", self.mean)))
        object.__setattr__(self, "std", check_positive("std", self.std))

    @classmethod
    def fit(cls, values) -> "Standardizer":
        v = check_finite("values", values)
        if v.size < 2 or float(v.std()) == 0.0:
            raise ValueError(f"need at least 2 distinct values to standardise, got {v.size} value(s)")
        return cls(float(v.mean()), float(v.std()))

    def transform(self, values) -> np.ndarray:
        return (as_float_array("values", values) - self.mean) / self.std

    def inverse(self, z) -> np.ndarray:
        return as_float_array("z", z) * self.std + self.mean

    def inverse_scale(self, spread, power: int = 1) -> np.ndarray:
        power = check_choice("power", power, (1, 2))
        spread = as_float_array("spread", spread)
        if np.any(spread < 0):
            raise ValueError(f"spread must be >= 0 (a standard deviation or a variance), got a minimum of {spread.min()}")
        return spread * self.std**power


@dataclass(frozen=True)
class CO2Data:
    """The cleaned monthly Mauna Loa CO2 record, split in time and standardised.

    Attributes
    ----------
    year : ndarray
        Decimal year of each month (mid-month), e.g. 1958.21 for March 1958.
    ppm : ndarray
        Monthly mean CO2 mole fraction in parts per million.
    x, y : ndarray
        ``year`` and ``ppm`` standardised with ``x_scaler`` / ``y_scaler``.
    train : ndarray of bool
        ``year < train_until``: the part a model is fitted on.
    x_scaler, y_scaler : Standardizer
        Fitted on the training part only, so nothing about the future leaks into them.
    """

    year: np.ndarray
    ppm: np.ndarray
    x: np.ndarray
    y: np.ndarray
    train: np.ndarray
    x_scaler: Standardizer
    y_scaler: Standardizer


def load_co2(*, start_year: float = 1958.0, end_year: float = 2002.0,
             train_until: float = 1990.0) -> CO2Data:
    """Load the Mauna Loa CO2 record shipped with statsmodels, as monthly means.

    Cleaning: the weekly series (1958-03 to 2001-12, 59 missing weeks) is averaged per
    calendar month and months without any measurement (5 of 526) are dropped, not
    interpolated. Months are placed at mid-month in decimal years. Both the time axis
    and the concentration are standardised with statistics of the training part
    (``year < train_until``). Source of the measurements: Keeling et al. (1976).

    Parameters
    ----------
    start_year, end_year : float
        Keep months with ``start_year <= year < end_year``.
    train_until : float
        Months before this year form the training part; the rest is held out (the
        extrapolation region of chapter 12).

    Returns
    -------
    CO2Data
    """
    start_year = check_real("start_year", start_year)
    end_year = check_real("end_year", end_year)
    train_until = check_real("train_until", train_until)
    if not start_year < train_until <= end_year:
        raise ValueError("need start_year < train_until <= end_year, got "
                         f"{start_year}, {train_until}, {end_year}")
    from statsmodels.datasets import co2  # shipped with statsmodels: no download

    weekly = co2.load_pandas().data["co2"]
    monthly = weekly.resample("MS").mean().dropna()
    idx = monthly.index
    year = idx.year.to_numpy() + (idx.month.to_numpy() - 0.5) / 12.0
    ppm = monthly.to_numpy(dtype=float)
    keep = (year >= start_year) & (year < end_year)
    year, ppm = year[keep], ppm[keep]
    train = year < train_until
    if train.sum() < 2:
        raise ValueError(f"fewer than 2 months before train_until={train_until} in [{start_year}, {end_year})")
    xs, ys = Standardizer.fit(year[train]), Standardizer.fit(ppm[train])
    return CO2Data(year, ppm, xs.transform(year), ys.transform(ppm), train, xs, ys)
