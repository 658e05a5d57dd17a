"""The GIF writer's compiled per-pixel loops, when the install built them.

``kernels`` is the extension module ``_convanim_kernels`` (its C source is
``convanim/writers/_kernels.c``), or None where it was not built (no C compiler at
install), is of another version (a stale install), or where the environment sets
``CONVANIM_NUMPY_ONLY=1``; then the writers run the same loops in numpy. Both give
the same bytes: the tests write every kind of animation both ways.
"""

from __future__ import annotations

import os
from types import ModuleType

__all__ = ["VERSION", "kernels"]

VERSION = 2
"""The C source's KERNELS_VERSION this package's callers are written for."""


def _load() -> ModuleType | None:
    if os.environ.get("CONVANIM_NUMPY_ONLY", "") not in ("", "0"):
        return None
    try:
        import _convanim_kernels
    except ImportError:
        return None
    if getattr(_convanim_kernels, "VERSION", None) != VERSION:
        return None
    return _convanim_kernels


kernels: ModuleType | None = _load()
"""Read at each call (``_compiled.kernels``), so a test can set it to None."""
