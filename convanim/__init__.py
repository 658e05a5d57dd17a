"""convanim: animate convolution arithmetic.

Data flows one way: a :class:`Spec` (validated, immutable) is planned into a
:class:`Plan` (read-only numpy arrays, one frame per output cell); a layout turns the
plan and the drawing options into a drawing (pure data, :mod:`convanim.layout`);
backends draw it into frames (:mod:`convanim.render`); writers encode the frames.

Importing convanim loads numpy only: the names that draw (``save``, ``animate``,
``render``...) import matplotlib when first used (PEP 562).
"""

from __future__ import annotations

import importlib
from typing import Any

from .compute import conv_matrix, evaluate
from .errors import SpecError
from .plan import CellKind, Frame, Plan, plan
from .spec import OPS, AxisGeometry, Spec
from .values import Numbers, numbers

__version__ = "0.1.0"

# Public names that need matplotlib or Pillow, and the module each lives in.
_LAZY = {
    "Animation": "convanim.animation",
    "animate": "convanim.animation",
    "save": "convanim.api",
    "matrix_figure": "convanim.render",
    "DrawOptions": "convanim.options",
    "Theme": "convanim.theme",
    "explore": "convanim.explore",
}
# Subpackages reached as attributes; convanim.render is also callable (= render.render).
_SUBMODULES = ("render", "layout", "writers", "gallery", "options", "theme", "errors")

__all__ = [
    "OPS",
    "Animation",
    "AxisGeometry",
    "CellKind",
    "DrawOptions",
    "Frame",
    "Numbers",
    "Plan",
    "Spec",
    "SpecError",
    "Theme",
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


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | set(_SUBMODULES))


def _get_sg_image_scraper():
    """sphinx-gallery's hook for ``"image_scrapers": ("convanim",)``, as pyvista's: the
    :func:`convanim.sphinxext.scraper` (imported only then: it needs Sphinx)."""
    from .sphinxext import scraper

    return scraper
