"""How big a picture will be, before anything is planned or drawn (numpy only).

The renderers refuse a picture too large to hold from these extents before planning it,
and a gallery refuses the same entries before it writes its first file: one computation,
so the two cannot disagree.
"""

from __future__ import annotations

from ..blocks import Separable
from ..options import SCATTER_STYLES
from ..spec import Spec
from ..theme import Theme
from .planes import FLAT, TUTORIAL, Look, plane_extent
from .scatter import scatter_extent
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
