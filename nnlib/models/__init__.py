"""Torch models shared by the chapters (each written from the equations of its chapter).

Submodules: ``mlp`` (chapters 05-06), ``autoencoder`` (07), ``cnn`` (08), ``vae`` (10),
``gan`` (10), ``recurrent`` (11) and ``dropout`` (12). Their public names are re-exported here, so
``from nnlib.models import CNN`` works.
"""

from .mlp import *  # noqa: F401,F403
from .autoencoder import *  # noqa: F401,F403
from .cnn import *  # noqa: F401,F403
from .vae import *  # noqa: F401,F403
from .gan import *  # noqa: F401,F403
from .recurrent import *  # noqa: F401,F403
from .dropout import *  # noqa: F401,F403
from .transformer import *  # noqa: F401,F403
