"""convanim: animate convolution arithmetic.

Data flows one way: a :class:`Spec` (validated, immutable) is planned into a
:class:`Plan` (read-only numpy arrays, one frame per output cell); renderers draw the
plan into frames; writers encode the frames.
"""

from .animation import Animation, animate
from .api import save
from .compute import conv_matrix, evaluate
from .explore import explore
from .plan import CellKind, Frame, Plan, plan
from .render import matrix_figure, render
from .spec import OPS, AxisGeometry, Spec, SpecError
from .values import Numbers, numbers

__version__ = "0.1.0"

__all__ = [
    "OPS",
    "Animation",
    "AxisGeometry",
    "CellKind",
    "Frame",
    "Numbers",
    "Plan",
    "Spec",
    "SpecError",
    "__version__",
    "animate",
    "conv_matrix",
    "evaluate",
    "explore",
    "matrix_figure",
    "numbers",
    "plan",
    "render",
    "save",
]
