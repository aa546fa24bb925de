"""Datasets: letter bitmaps for Hopfield networks (chapter 09).

Twenty-six capital letters drawn by hand on a 10 x 10 grid ('#' = ink, '.' = paper),
with strokes two pixels wide. :func:`letters` returns them as bipolar arrays (ink = +1,
paper = -1), the state convention of the Hopfield networks in chapter 09.
"""

from __future__ import annotations

import numpy as np

from .._checks import check_flag

__all__ = ["LETTER_SHAPE", "LETTER_NAMES", "letters"]

_BITMAPS = {
    "A": """
...####...
..##..##..
.##....##.
.##....##.
.##....##.
.########.
.########.
.##....##.
.##....##.
.##....##.""",
    "B": """
.######...
.##...##..
.##...##..
.##...##..
.######...
.##...##..
.##....##.
.##....##.
.##...##..
.######...""",
    "C": """
...#####..
..##...##.
.##.......
.##.......
.##.......
.##.......
.##.......
.##.......
..##...##.
...#####..""",
    "D": """
.#####....
.##..##...
.##...##..
.##....##.
.##....##.
.##....##.
.##....##.
.##...##..
.##..##...
.#####....""",
    "E": """
.########.
.##.......
.##.......
.##.......
.######...
.######...
.##.......
.##.......
.##.......
.########.""",
    "F": """
.########.
.##.......
.##.......
.##.......
.######...
.######...
.##.......
.##.......
.##.......
.##.......""",
    "G": """
...#####..
..##...##.
.##.......
.##.......
.##..####.
.##..####.
.##....##.
.##....##.
..##...##.
...#####..""",
    "H": """
.##....##.
.##....##.
.##....##.
.##....##.
.########.
.########.
.##....##.
.##....##.
.##....##.
.##....##.""",
    "I": """
..######..
....##....
....##....
....##....
....##....
....##....
....##....
....##....
....##....
..######..""",
    "J": """
...######.
......##..
......##..
......##..
......##..
......##..
.##...##..
.##...##..
..##.##...
...###....""",
    "K": """
.##....##.
.##...##..
.##..##...
.##.##....
.####.....
.####.....
.##.##....
.##..##...
.##...##..
.##....##.""",
    "L": """
.##.......
.##.......
.##.......
.##.......
.##.......
.##.......
.##.......
.##.......
.##.......
.########.""",
    "M": """
.##....##.
.###..###.
.########.
.##.##.##.
.##.##.##.
.##....##.
.##....##.
.##....##.
.##....##.
.##....##.""",
    "N": """
.##....##.
.###...##.
.####..##.
.##.#..##.
.##.##.##.
.##..#.##.
.##..####.
.##...###.
.##....##.
.##....##.""",
    "O": """
...####...
..##..##..
.##....##.
.##....##.
.##....##.
.##....##.
.##....##.
.##....##.
..##..##..
...####...""",
    "P": """
.######...
.##...##..
.##....##.
.##....##.
.##...##..
.######...
.##.......
.##.......
.##.......
.##.......""",
    "Q": """
...####...
..##..##..
.##....##.
.##....##.
.##....##.
.##....##.
.##.##.##.
.##..###..
..##..##..
...###.##.""",
    "R": """
.######...
.##...##..
.##....##.
.##....##.
.##...##..
.######...
.##.##....
.##..##...
.##...##..
.##....##.""",
    "S": """
..######..
.##....##.
.##.......
.##.......
..#####...
.....###..
.......##.
.......##.
.##....##.
..######..""",
    "T": """
.########.
.########.
....##....
....##....
....##....
....##....
....##....
....##....
....##....
....##....""",
    "U": """
.##....##.
.##....##.
.##....##.
.##....##.
.##....##.
.##....##.
.##....##.
.##....##.
..##..##..
...####...""",
    "V": """
.##....##.
.##....##.
.##....##.
.##....##.
..##..##..
..##..##..
..##..##..
...####...
...####...
....##....""",
    "W": """
.##....##.
.##....##.
.##....##.
.##....##.
.##.##.##.
.##.##.##.
.########.
.###..###.
.##....##.
.#......#.""",
    "X": """
.##....##.
.##....##.
..##..##..
...####...
....##....
....##....
...####...
..##..##..
.##....##.
.##....##.""",
    "Y": """
.##....##.
.##....##.
..##..##..
...####...
....##....
....##....
....##....
....##....
....##....
....##....""",
    "Z": """
.########.
.......##.
......##..
.....##...
....##....
...##.....
..##......
.##.......
.##.......
.########.""",
}

LETTER_SHAPE = (10, 10)
"""Height and width of every letter bitmap."""

LETTER_NAMES = "".join(sorted(_BITMAPS))
"""The letters available, as one string: ``"ABC...Z"``."""


def _parse(name: str, text: str) -> np.ndarray:
    rows = text.strip("\n").split("\n")
    if len(rows) != LETTER_SHAPE[0] or any(len(r) != LETTER_SHAPE[1] for r in rows):
        raise AssertionError(f"bitmap of {name!r} is not {LETTER_SHAPE[0]}x{LETTER_SHAPE[1]}")
    grid = np.array([[c == "#" for c in row] for row in rows])
    return np.where(grid, 1, -1).astype(np.int64)


def letters(names=None, *, flat: bool = False) -> np.ndarray:
    """Return bitmaps of capital letters as bipolar (+1 ink / -1 paper) integer arrays.

    Parameters
    ----------
    names : str or iterable of str, optional
        Which letters, in order, e.g. ``"ABCE"`` or ``["A", "B"]``; lower case is accepted.
        Default: all 26 letters ``"A"`` to ``"Z"``.
    flat : bool, default False
        If True return shape ``(k, 100)`` (one pattern per row, ready for a Hopfield
        network), else ``(k, 10, 10)``.

    Returns
    -------
    numpy.ndarray of int64
        Entries are -1 and +1 only.

    Raises
    ------
    ValueError
        If a name is not a single letter A-Z, or ``names`` is empty.
    """
    flat = check_flag("flat", flat)
    if names is None:
        names = LETTER_NAMES
    if isinstance(names, str):
        names = list(names)
    if not hasattr(names, "__iter__"):
        raise TypeError(f"names must be a string of letters or a sequence of letters, got {type(names).__name__} {names!r}")
    names = list(names)
    if not names:
        raise ValueError("names must contain at least one letter from 'A'..'Z', got none")
    out = []
    for name in names:
        key = name.upper() if isinstance(name, str) else name
        if key not in _BITMAPS:
            raise ValueError(f"unknown letter {name!r}; allowed names are the single letters {LETTER_NAMES}")
        out.append(_parse(key, _BITMAPS[key]))
    arr = np.stack(out)
    return arr.reshape(len(out), -1) if flat else arr
