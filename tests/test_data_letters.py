"""Tests of nnlib.data.letters (chapter 09)."""

import numpy as np
import pytest

from nnlib.data import LETTER_NAMES, LETTER_SHAPE, letters


def test_all_letters_shape_values_and_distinct():
    X = letters()
    assert LETTER_NAMES == "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    assert X.shape == (26, *LETTER_SHAPE) and X.dtype == np.int64
    assert set(np.unique(X)) == {-1, 1}
    flat = letters(flat=True)
    assert flat.shape == (26, 100)
    assert len(np.unique(flat, axis=0)) == 26  # every bitmap differs
    ink = (flat == 1).mean(axis=1)
    assert ink.min() > 0.2 and ink.max() < 0.6  # drawn letters, neither empty nor filled


def test_names_select_and_order():
    X = letters()
    np.testing.assert_array_equal(letters("CA"), X[[2, 0]])
    np.testing.assert_array_equal(letters(["c", "a"]), X[[2, 0]])
    np.testing.assert_array_equal(letters("AA")[0], letters("AA")[1])


def test_letter_h_is_symmetric_and_t_has_a_bar():
    H = letters("H")[0]
    np.testing.assert_array_equal(H, H[:, ::-1])  # mirror symmetric
    T = letters("T")[0]
    assert (T[0, 1:9] == 1).all() and (T[5, :4] == -1).all()


@pytest.mark.parametrize("bad", ["a1", "?", [""], ["AB"], [3]])
def test_unknown_names_raise(bad):
    with pytest.raises(ValueError, match="allowed names"):
        letters(bad)


def test_empty_names_raise():
    with pytest.raises(ValueError, match="at least one letter"):
        letters("")
