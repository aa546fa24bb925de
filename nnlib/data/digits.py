"""scikit-learn's 8x8 handwritten digits with the book's fixed train/validation/test split.

The 1,797 images ship inside scikit-learn (no download) and stand in for MNIST
throughout the book (chapters 04-12).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import as_float_array

__all__ = ["Digits", "load_digits"]


@dataclass(frozen=True)
class Digits:
    """The digits split into train/validation/test parts.

    ``X_*`` are float64 arrays of shape (n, 64) with pixel values in [0, 1];
    ``y_*`` are int64 class labels 0-9.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray

    @staticmethod
    def images(X) -> np.ndarray:
        """Reshape flat digits of shape (n, 64) to images of shape (n, 8, 8)."""
        X = as_float_array("X", X)
        if X.ndim != 2 or X.shape[1] != 64:
            raise ValueError(f"X must hold digits of shape (n, 64), got {X.shape}")
        return X.reshape(-1, 8, 8)

    def as_tensors(self):
        """The same six arrays as torch tensors (X float64, y int64), in the same order."""
        import torch

        return tuple(torch.from_numpy(np.ascontiguousarray(a)) for a in
                     (self.X_train, self.y_train, self.X_val, self.y_val, self.X_test, self.y_test))


def load_digits(split_seed: int = 0) -> Digits:
    """Load the 8x8 digits and split them 60/20/20, stratified by class.

    The split depends only on ``split_seed``, so every chapter sees the same test set.
    Sizes: 1,078 training, 359 validation and 360 test images.
    """
    from sklearn.datasets import load_digits as sklearn_digits
    from sklearn.model_selection import train_test_split

    if isinstance(split_seed, bool) or not isinstance(split_seed, (int, np.integer)) or split_seed < 0:
        raise ValueError(f"split_seed must be a non-negative integer, got {split_seed!r}")
    bunch = sklearn_digits()
    X = (bunch.data / 16.0).astype(np.float64)
    y = bunch.target.astype(np.int64)
    X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=360, stratify=y, random_state=split_seed)
    X_train, X_val, y_train, y_val = train_test_split(X_rest, y_rest, test_size=359, stratify=y_rest,
                                                      random_state=split_seed)
    return Digits(X_train, y_train, X_val, y_val, X_test, y_test)
