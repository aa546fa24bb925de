"""nnlib: the small library behind the executable textbook on neural networks.

Every chapter of the book imports its reusable code from here. Modules (one idea each):

``neurons``        Hodgkin-Huxley and LIF neurons, the LIF tuning curve (chapter 01)
``synapses``       PSC filters, spike trains, a small spiking network (chapter 01)
``approximation``  universal approximation built by hand (chapter 02)
``gradcheck``      finite-difference gradient checks (chapter 03)
``backprop``       backpropagation written by hand in numpy (chapter 03)
``autodiff``       the book's reverse-mode automatic differentiation engine (chapter 04)
``nn``             layers, losses and optimisers built on ``autodiff`` (chapter 04)
``optim``          gradient descent, momentum and Adam on explicit functions (chapter 06)
``conv``           convolution and pooling from the equations (chapter 08)
``hopfield``       Hopfield networks (chapter 09)
``bptt``           backpropagation through time in numpy (chapter 11)
``uncertainty``    MC dropout, ensembles and calibration (chapter 12)
``data``           every dataset of the book, generated or shipped, never downloaded
``models``         torch models shared by chapters (MLP, autoencoder, CNN, VAE, RNN/LSTM, dropout nets)
``train``          the one training loop for torch models (chapter 05)
``plot``           the book's figure style and figure helpers
``widgets``        sliders that also work in the static HTML book

Submodules are imported on demand (``from nnlib import neurons``) so that the
numpy-only parts never pay for importing torch.
"""

import random

import numpy as np

__version__ = "0.1.0"
__all__ = ["seed", "__version__"]


def seed(n: int) -> np.random.Generator:
    """Seed every random source the book uses and return a fresh numpy Generator.

    Seeds Python's ``random``, numpy's legacy global generator and, when torch is
    installed, torch's generators, so a chapter that calls ``nnlib.seed(0)`` once
    at the top produces the same numbers on every run.

    Parameters
    ----------
    n : int
        A non-negative integer seed.

    Returns
    -------
    numpy.random.Generator
        ``np.random.default_rng(n)``, for code that prefers an explicit generator.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"seed must be a non-negative integer, got {n!r}")
    random.seed(int(n))
    np.random.seed(int(n))
    try:
        import torch
    except ImportError:
        pass
    else:
        torch.manual_seed(int(n))
    return np.random.default_rng(int(n))
