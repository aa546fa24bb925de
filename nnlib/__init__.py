"""nnlib: the small library behind the executable textbook on neural networks.

Every chapter of the book imports its reusable code from here. Modules (one idea each):

``neurons``        Hodgkin-Huxley and LIF neurons, the LIF tuning curve (chapter 01)
``synapses``       PSC filters, spike trains, a small spiking network (chapter 01)
``phase_plane``    FitzHugh-Nagumo and the theta neuron in the phase plane (chapter 01)
``perceptron``     threshold units, the perceptron rule, Novikoff's bound, Cover's count (chapter 02)
``approximation``  universal approximation built by hand (chapter 02)
``functional``     activations, softmax and losses in numpy, the one home of each formula
``gradcheck``      finite-difference gradient checks (chapter 03)
``capacity``       closed-form least squares: bias and variance, double descent, k-fold CV (chapter 05)
``backprop``       backpropagation written by hand in numpy (chapter 03)
``autodiff``       the book's reverse-mode automatic differentiation engine (chapter 04)
``forward_mode``   forward-mode differentiation with dual numbers (chapter 04)
``nn``             layers and losses built on ``autodiff`` (chapter 04)
``optim``          update rules, the SGD and Adam optimisers, trajectories (chapters 04, 06)
``schedules``      learning-rate schedules as closed forms of torch's schedulers (chapter 06)
``least_squares``  least squares as a test bed: Hessian, condition number, mini-batch SGD (chapter 06)
``conv``           convolution and pooling from the equations (chapter 08)
``conv_ops``       receptive fields, dilation, 1x1 and transposed convolution, equivariance (chapter 08)
``hopfield``       Hopfield networks: storage rules, recall, capacity (chapter 09)
``boltzmann``      stochastic units, Glauber dynamics, Boltzmann machines (chapter 09)
``bptt``           backpropagation through time in numpy (chapter 11)
``attention``      attention and modern Hopfield networks in numpy (chapter 13)
``uncertainty``    MC dropout, ensembles and calibration (chapter 12)
``calibration``    selective prediction, AUROC, temperature scaling, in numpy (chapter 12)
``data``           every dataset of the book, generated or shipped, never downloaded
``models``         torch models shared by chapters (MLP, autoencoder, CNN, VAE, RNN/LSTM/GRU, dropout nets, transformer)
``train``          the one training loop for torch models (chapter 05)
``plot``           the book's figure style and figure helpers
``widgets``        sliders that also work in the static HTML book

Randomness follows one convention (``nnlib._random``): ``nnlib.seed(n)`` seeds every
source; stochastic functions take ``rng=`` (a Generator, an integer seed, or None for
the stream ``nnlib.seed`` set); ``NNLIB_SEED_SHIFT=k`` shifts every seed by ``k``.

Submodules are imported on demand (``from nnlib import neurons``) so that the
numpy-only parts never pay for importing torch.
"""

from ._random import as_generator, seed, torch_generator

__version__ = "0.1.0"
__all__ = ["seed", "as_generator", "torch_generator", "__version__"]
