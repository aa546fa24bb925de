"""Every dataset the book uses, all available offline.

Generated data (XOR, spirals, regression sets, sequence tasks), data shipped in
installed packages (scikit-learn's 8x8 digits, the Mauna Loa CO2 record of
statsmodels) and small files inside nnlib (Hopfield letters). Nothing is downloaded.

Submodules: ``digits``, ``toy`` (chapters 02-06), ``sequences`` (11), ``regression``
(12) and ``letters`` (09); their public names are re-exported here.
"""

from .digits import *  # noqa: F401,F403
from .toy import *  # noqa: F401,F403
from .sequences import *  # noqa: F401,F403
from .regression import *  # noqa: F401,F403
from .letters import *  # noqa: F401,F403
