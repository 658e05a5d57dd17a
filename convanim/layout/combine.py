"""Drawings side by side in one animation, each on its own clock.

:func:`side_by_side` places drawings left to right and gives each a *frame map*: frame
``g`` of the whole shows frame ``frame_map[g]`` of the panel, or none of its moving
shapes for ``-1``. Static layers are only translated; a moving layer's per-frame
geometry or translation is re-indexed by the map. A text layer hidden in some frames
(:func:`~convanim.layout.scatter.hidden_shift` of its drawing's extent) stays hidden in
the whole, moved off the whole picture.

Pure numpy: no matplotlib here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from ..compute import conv_matrix
from ..plan import Plan
from ..scatter import ScatterPlan
from ..theme import Theme
from ..values import Numbers
from ._model import Drawing, Layer, Measure, Paint, TextBlock, points_to_units
from .matrix import _boxes, _Panel, matrix_layout
from .planes import FLAT, plane_layout
from .scatter import _layer, grow_extent, hidden_shift, scatter_layout, timed_text_layers

__all__ = ["Panel", "scatter_gather_layout", "side_by_side"]


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Panel:
    """One drawing of a :func:`side_by_side` picture.

    Attributes
    ----------
    drawing : Drawing
    frame_map : ndarray (G,) of int
        The panel's frame shown in each frame of the whole; -1: no moving shapes.
    name : str
        Prefix of the panel's roles in the whole (``"gather"`` -> ``"gather_input"``).
    title : str
        Written above the panel.
    extra : tuple of Layer
        Layers already on the whole's clock (one frame per frame of the whole), in the
        drawing's coordinates: placed with the panel, not re-timed.
    """

    drawing: Drawing
    frame_map: np.ndarray
    name: str
    title: str = ""
    extra: tuple[Layer, ...] = ()


def _moved_text(block: TextBlock, offset: np.ndarray) -> TextBlock:
    if block.matrix is None:
        return replace(block, anchors=block.anchors + offset)
    return replace(block, offset=block.offset + offset)


def _remapped(
    layer: Layer, frame_map: np.ndarray, own_away: np.ndarray, place: tuple[np.ndarray, np.ndarray]
) -> Layer:
    """``layer`` translated by ``offset`` and re-timed by ``frame_map``; text moved by
    ``own_away`` (hidden in its own drawing) is moved by ``away`` (hidden in the whole)."""
    offset, away = place
    geometry = layer.geometry + offset if layer.geometry.size else layer.geometry
    text = None if layer.text is None else _moved_text(layer.text, offset)
    motion: dict = {}
    if layer.shift is not None:
        rows = []
        for frame in frame_map:
            row = layer.shift[frame] if frame >= 0 else None
            hidden = row is None or np.array_equal(row, own_away)
            rows.append(away if hidden else row)
        motion["shift"] = np.array(rows, float).reshape(-1, 2)
    elif layer.frames is not None:
        pieces, starts = [], [0]
        for frame in frame_map:
            # Hidden: the first frame's shapes moved off the picture (a one-polygon layer
            # always has its polygon).
            piece = layer.at(max(int(frame), 0)) + offset
            pieces.append(piece + away if frame < 0 else piece)
            starts.append(starts[-1] + len(piece))
        motion["frames"] = np.concatenate(pieces) if pieces else layer.frames[0:0]
        motion["frame_starts"] = np.array(starts)
    return Layer(
        role=layer.role,
        kind=layer.kind,
        z=layer.z,
        paint=layer.paint,
        geometry=geometry,
        text=text,
        **motion,
    )


def side_by_side(panels: Sequence[Panel], *, measure: Measure, view: str, gap: float = 2.0):
    """The panels left to right, centred on one line, as one drawing.

    Parameters
    ----------
    panels : sequence of Panel
        Their frame maps all have the whole's length.
    measure : Measure
        The backend's text extents (the titles widen the picture).
    view : str
        The whole's view name.
    gap : float
        Plane units between neighbouring panels.

    Returns
    -------
    Drawing
        ``len(frame_map)`` frames; the first panel's theme and rounding, the widest
        border.
    """
    frames = {len(panel.frame_map) for panel in panels}
    if len(frames) != 1:
        raise ValueError("the panels' frame maps differ in length")
    theme = panels[0].drawing.theme
    offsets, placed = [], []
    left = 0.0
    for panel in panels:
        xmin, xmax, ymin, ymax = panel.drawing.extent
        offset = np.array([left - xmin, -(ymin + ymax) / 2])
        offsets.append(offset)
        placed.append((left, left + xmax - xmin, ymin + offset[1], ymax + offset[1]))
        left += xmax - xmin + gap
    xmin = min(box[0] for box in placed)
    xmax = max(box[1] for box in placed)
    ymin = min(box[2] for box in placed)
    ymax = max(box[3] for box in placed)
    size = points_to_units(theme.label_size)
    titles = [
        (panel.title, ((box[0] + box[1]) / 2, ymax + 0.4 + size / 2))
        for panel, box in zip(panels, placed, strict=True)
        if panel.title
    ]
    block = TextBlock(
        strings=tuple(title for title, _ in titles),
        anchors=np.array([anchor for _, anchor in titles], float).reshape(-1, 2),
        size=size,
        font="prose",
    )
    extent = grow_extent((xmin, xmax, ymin, ymax), [block], measure)
    away = hidden_shift(extent)
    clock = np.arange(frames.pop())
    layers = []
    for panel, offset in zip(panels, offsets, strict=True):
        own_away = hidden_shift(panel.drawing.extent)
        for layer, frame_map in [(layer, panel.frame_map) for layer in panel.drawing.layers] + [
            (layer, clock) for layer in panel.extra
        ]:
            moved = _remapped(layer, np.asarray(frame_map, int), own_away, (offset, away))
            layers.append(replace(moved, role=f"{panel.name}_{layer.role}"))
    if titles:
        layers.append(_layer("titles", "text", 8, Paint(fill=theme.text), text=block))
    return Drawing(
        view=view,
        layers=tuple(layers),
        frames=len(clock),
        extent=extent,
        border=max(panel.drawing.border for panel in panels),
        rounding=panels[0].drawing.rounding,
        theme=theme,
    )


def _revealed_outputs(drawing: Drawing, the_plan: Plan) -> Drawing:
    """``drawing`` (a plane layout) with each output number shown from the frame that
    writes it on, instead of from the start."""
    written = {
        tuple(int(v) for v in np.atleast_1d(cell)): frame
        for frame, cell in enumerate(the_plan.output_cell.reshape(len(the_plan), -1))
    }
    layers = []
    for layer in drawing.layers:
        if layer.role != "output_numbers":
            layers.append(layer)
            continue
        block = layer.text
        items = []
        for index, cell in enumerate(block.cells):
            key = cell[-the_plan.spec.ndim :]
            anchor = block.placed(index, np.zeros((1, 2)))[0]
            items.append((block.strings[index], tuple(anchor), cell, written[key], drawing.frames))
        layers += timed_text_layers(
            layer.role,
            layer.z,
            layer.paint,
            items,
            size=block.size,
            frames=drawing.frames,
            extent=drawing.extent,
        )
    return replace(drawing, layers=tuple(layers))


def _matrix_panel(
    the_plan: Plan, weight: np.ndarray, scatter_frames: int, *, theme: Theme, measure: Measure
) -> Panel:
    """Cᵀ of the transposed convolution: its column for the stamping input cell while the
    scatter side plays (a column of Cᵀ is one stamp, cropped), then its row for the
    output cell the gather side writes (a row is one window)."""
    matrix = conv_matrix(the_plan, weight)
    drawing = matrix_layout(the_plan, matrix, theme=theme, measure=measure)
    rows, cols = matrix.shape
    gather_frames = drawing.frames
    whole = scatter_frames + gather_frames
    column = _Panel(matrix, (0.0, 0.0))
    shaded, shaded_starts, outlined, outlined_starts = [], [0], [], [0]
    for frame in range(whole):
        shapes, lines = np.zeros((0, 4, 2)), np.zeros((0, 4, 2))
        if frame < scatter_frames:
            cells = column.cell(np.arange(rows), np.full(rows, frame))
            stamped = np.flatnonzero(matrix[:, frame] != 0)
            x_cell = np.array([[frame, rows + 1.0]])
            y_cells = np.stack([np.full(len(stamped), cols + 1.0), rows - 1.0 - stamped], 1)
            shapes = _boxes(np.concatenate([cells, x_cell, y_cells]))
            top, bottom = cells[0], cells[-1]
            strip = np.array([bottom, bottom + [1, 0], top + [1, 1], top + [0, 1]])
            lines = np.concatenate([strip[None], _boxes(y_cells)])
        shaded.append(shapes)
        shaded_starts.append(shaded_starts[-1] + len(shapes))
        outlined.append(lines)
        outlined_starts.append(outlined_starts[-1] + len(lines))
    row_shade, row_outline = drawing.layer("row_shade"), drawing.layer("row_outline")
    extra = tuple(
        _layer(
            role,
            "polygons",
            like.z,
            like.paint,
            frames=np.concatenate(pieces),
            frame_starts=np.array(starts),
        )
        for role, like, pieces, starts in (
            ("column_shade", row_shade, shaded, shaded_starts),
            ("column_outline", row_outline, outlined, outlined_starts),
        )
    )
    frame_map = np.arange(whole) - scatter_frames
    return Panel(
        drawing=drawing,
        frame_map=np.where(frame_map < 0, -1, frame_map),
        name="matrix",
        title="Cᵀ: a column per stamp, a row per window",
        extra=extra,
    )


def scatter_gather_layout(
    stamps: ScatterPlan,
    the_plan: Plan,
    *,
    theme: Theme,
    measure: Measure,
    numbers: Numbers | None = None,
    weight: np.ndarray | None = None,
    caption: bool = False,
    **scatter_options: bool,
) -> Drawing:
    """A transposed convolution three ways: scatter, gather and ``Cᵀ``, side by side.

    The scatter view (:func:`~convanim.layout.scatter.scatter_layout`) on the left plays
    its frames first, one per input cell, and then holds its last frame; the flat view
    of the same plan (the zero-stretched input under the flipped kernel,
    :func:`~convanim.layout.planes.plane_layout`) in the middle waits without a window
    and then plays its frames, one per output cell, each output number appearing as its
    cell is written. On the right the matrix view's ``Cᵀ``
    (:func:`~convanim.layout.matrix.matrix_layout`) shades, during the scatter frames,
    the column of the stamping input cell (that column *is* the stamp, cropped), and
    during the gather frames the row of the output cell being written. Same numbers
    everywhere, so the last frame shows the same output twice:
    ``stamps.frames + len(the_plan)`` frames in all.

    Parameters
    ----------
    stamps : ScatterPlan
    the_plan : Plan
        The plan of the same one-channel spec.
    theme : Theme
    measure : Measure
    numbers : Numbers, optional
    weight : ndarray, optional
        The kernel of the matrix side's Cᵀ (``numbers.weight`` when omitted).
    caption : bool
        The spec and its arithmetic under the gather side.
    **scatter_options : bool
        ``overlap`` and ``labels``, as :func:`~convanim.layout.scatter.scatter_layout`
        takes them (``labels`` for both sides).

    Returns
    -------
    Drawing
        ``view = "scatter_gather"``; roles prefixed ``"scatter_"``, ``"gather_"`` and
        ``"matrix_"`` (the column of ``Cᵀ``: ``"matrix_column_shade"`` and
        ``"matrix_column_outline"``).
    """
    shared = {"theme": theme, "measure": measure, "numbers": numbers}
    scatter = scatter_layout(stamps, **shared, **scatter_options)
    labels = scatter_options.get("labels", False)
    gather = plane_layout(the_plan, FLAT, **shared, labels=labels, caption=caption)
    if numbers is not None:
        gather = _revealed_outputs(gather, the_plan)
    if weight is None:
        weight = numbers.weight
    scatter_frames, gather_frames = scatter.frames, gather.frames
    whole = np.arange(scatter_frames + gather_frames)
    return side_by_side(
        [
            Panel(
                drawing=scatter,
                frame_map=np.minimum(whole, scatter_frames - 1),
                name="scatter",
                title="scatter: each input cell stamps x·w",
            ),
            Panel(
                drawing=gather,
                frame_map=np.where(whole < scatter_frames, -1, whole - scatter_frames),
                name="gather",
                title="gather: flipped w over the stretched input",
            ),
            _matrix_panel(the_plan, weight, scatter_frames, theme=theme, measure=measure),
        ],
        measure=measure,
        view="scatter_gather",
    )
