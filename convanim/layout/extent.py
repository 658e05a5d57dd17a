"""How big a picture will be, before anything is planned or drawn (numpy only).

The renderers refuse a picture too large to hold from these extents before planning it,
and a gallery refuses the same entries before it writes its first file: one computation,
so the two cannot disagree.
"""

from __future__ import annotations

from ..blocks import Separable
from ..options import SCATTER_STYLES
from ..scatter import full_size
from ..spec import Spec
from ..theme import Theme
from .matrix import matrix_pixel_bounds
from .planes import FLAT, TUTORIAL, Look, plane_extent
from .stacks import check_out_channels_shown, needs_stacks, stack_extent
from .stages import STAGE_GAP

__all__ = ["picture_extent", "scatter_extent", "stages_extent"]

Extent = tuple[tuple[float, float, float, float], float]
"""``((xmin, xmax, ymin, ymax), border)`` in TeX points, as :func:`plane_extent`."""


def stages_extent(block: Separable, look: Look, theme: Theme) -> Extent:
    """A separable block's stages side by side, :data:`STAGE_GAP` apart."""
    extents = [stack_extent(spec, look, theme)[0] for spec in block.stages]
    width = sum(e[1] - e[0] for e in extents) + STAGE_GAP * (len(extents) - 1)
    height = max(e[3] for e in extents) - min(e[2] for e in extents)
    return (0.0, width, 0.0, height), theme.border + look.line_allowance


def scatter_extent(spec: Spec, style: str, theme: Theme) -> Extent:
    """A scatter style's grids, a unit apart (and the gather view beside them)."""
    full = full_size(spec)
    in_rows = spec.input_size[0] if spec.ndim == 2 else 1
    full_rows = full[0] if spec.ndim == 2 else 1
    width = spec.input_size[-1] + 1 + full[-1] + 1
    height = max(in_rows, full_rows) + 1
    if style == "scatter_gather":
        # ... beside the gather view's grids and Cᵀ, two units apart.
        (xmin, xmax, ymin, ymax), _ = plane_extent(spec, FLAT, theme)
        matrix_width, matrix_height = matrix_pixel_bounds(spec)
        width += 2 + xmax - xmin + 2 + matrix_width
        height = max(height, ymax - ymin + 1, matrix_height)
    return (0.0, width, 0.0, height), theme.border


def picture_extent(
    spec: Spec | Separable,
    style: str,
    theme: Theme,
    out_channels_shown: tuple[int, ...] | None = None,
) -> Extent:
    """The extent ``style`` draws ``spec`` in (every style but ``"matrix"``)."""
    look = FLAT if style == "flat" else TUTORIAL
    if isinstance(spec, Separable):
        return stages_extent(spec, look, theme)
    if style in SCATTER_STYLES:
        return scatter_extent(spec, style, theme)
    if needs_stacks(spec):
        return stack_extent(spec, look, theme, out_channels_shown)
    check_out_channels_shown(spec, out_channels_shown)
    return plane_extent(spec, look, theme)
