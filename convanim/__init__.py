"""convanim: animate convolution arithmetic.

Data flows one way: a :class:`Spec` (validated, immutable) is planned into a
:class:`Plan` (read-only numpy arrays, one frame per output cell); a layout turns the
plan and the drawing options into a drawing (pure data, :mod:`convanim.layout`);
backends draw it into frames (:mod:`convanim.render`); writers encode the frames.

Importing convanim loads no third-party module: the names that compute (``plan``,
``evaluate``...) import numpy, and the names that draw (``save``, ``animate``,
``render``...) matplotlib, when first used (PEP 562). So the ``convanim`` command has
its Ctrl-C and SIGTERM handling in place before anything heavy is imported.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

from .errors import SpecError
from .spec import OPS, AxisGeometry, Spec

__version__ = "0.1.0"

# Public names that need numpy, matplotlib or Pillow, and the module each lives in.
_LAZY = {
    "conv_matrix": "convanim.compute",
    "evaluate": "convanim.compute",
    "CellKind": "convanim.plan",
    "Frame": "convanim.plan",
    "Plan": "convanim.plan",
    "plan": "convanim.plan",
    "Numbers": "convanim.values",
    "numbers": "convanim.values",
    "Animation": "convanim.animation",
    "animate": "convanim.animation",
    "save": "convanim.api",
    "matrix_figure": "convanim.render",
    "DrawOptions": "convanim.options",
    "Theme": "convanim.theme",
    "explore": "convanim.explore",
    "Separable": "convanim.blocks",
    "separable": "convanim.blocks",
}
# Subpackages reached as attributes; convanim.render is also callable (= render.render).
_SUBMODULES = (
    "render",
    "layout",
    "writers",
    "gallery",
    "options",
    "theme",
    "errors",
    "compute",
    "values",
)

__all__ = [
    "OPS",
    "Animation",
    "AxisGeometry",
    "CellKind",
    "DrawOptions",
    "Frame",
    "Numbers",
    "Plan",
    "Separable",
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
    "separable",
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


class _Package(types.ModuleType):
    """convanim itself: ``convanim.plan`` stays the function once the submodule of that
    name is loaded (the import system binds a loaded submodule on its package)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "plan" and isinstance(value, types.ModuleType):
            value = value.plan
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def _get_sg_image_scraper():
    """sphinx-gallery's hook for ``"image_scrapers": ("convanim",)``, as pyvista's: the
    :func:`convanim.sphinxext.scraper` (imported only then: it needs Sphinx)."""
    from .sphinxext import scraper

    return scraper
