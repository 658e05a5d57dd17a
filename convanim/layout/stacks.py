"""Stacks of planes: channels, groups, depth slices, padding copies and ``ceil_mode``.

The tutorial's two planes become two stacks: one input plane per (channel, depth slice)
of the slid-over grid and one output plane per (channel, depth slice) of the output, in
the look's affine map (:mod:`convanim.layout.planes`). Each frame shades the window on
exactly the input planes its output channel reads (its group's channels, at the depth
slices its taps cover), dims the channels it does not read, and outlines the output
plane it writes. A padding cell that copies an input cell (``reflect``, ``replicate``,
``circular``) is tinted in the input's colour family, holds the copied number, and the
frame outlines the cell it copies; cells past the padded input, where a ``ceil_mode``
window hangs, are dotted.

Beyond :data:`MAX_PLANES` channels a stack draws its first ones and an ellipsis; the
caller may pick the output channels to animate (``out_channels_shown``).

Pure numpy: no matplotlib here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import invalid
from ..plan import CellKind, Plan
from ..spec import Spec
from ..theme import Theme
from ..values import Numbers, format_number
from ._model import Drawing, Layer, Measure, Paint, TextBlock, points_to_units
from .planes import (
    Look,
    _annotations,
    _entry_points,
    _paint_lines,
    _Plane,
    caption_lines,
    grow_extent,
)

__all__ = [
    "MAX_PLANES",
    "ChannelSelection",
    "animated_frames",
    "needs_stacks",
    "select_channels",
    "stack_extent",
    "stack_layout",
    "weights_by_output",
]

MAX_PLANES = 4
"""Channels a stack draws in full; with more it draws ``MAX_PLANES - 1`` and an ellipsis."""
GAP = 1.0
"""Plane units between two planes of a stack."""
ELLIPSIS_SLOT = 1.5
"""Plane units an ellipsis takes at the end of a stack."""
DIM_ALPHA = 0.7
"""How much of the background veils a channel the frame does not read."""


def needs_stacks(spec: Spec) -> bool:
    """Whether ``spec`` is drawn as stacks (anything the two-plane layout does not show:
    several channels, a depth axis, padding that copies, a window past the input)."""
    return (
        spec.in_channels != 1
        or spec.out_channels != 1
        or spec.ndim == 3
        or spec.padding_mode != "zeros"
        or any(axis.overhang for axis in spec.axes)
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelSelection:
    """Which channels a drawing shows and which plan frames it animates.

    Attributes
    ----------
    out_channels, in_channels : tuple of int
        The output and input channels drawn, in order.
    more_out, more_in : bool
        Whether channels are left out (an ellipsis ends the stack).
    frames : ndarray of int
        The plan frames animated, in plan order: every output value of the drawn
        output channels (all of the plan's when every output channel is drawn).
    """

    out_channels: tuple[int, ...]
    in_channels: tuple[int, ...]
    more_out: bool
    more_in: bool
    frames: np.ndarray


def check_out_channels_shown(spec: Spec, shown: object) -> tuple[int, ...] | None:
    """``shown`` as sorted channels, or the one-line error naming ``out_channels_shown``."""
    if shown is None:
        return None
    expected = f"distinct integers between 0 and {spec.out_channels - 1} (output channels)"
    if isinstance(shown, (int, np.integer)) and not isinstance(shown, bool):
        shown = (shown,)
    if not isinstance(shown, Sequence) or isinstance(shown, str) or not shown:
        raise invalid("out_channels_shown", shown, expected)
    values = []
    for value in shown:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise invalid("out_channels_shown", tuple(shown), expected)
        values.append(int(value))
    if len(set(values)) != len(values) or not all(0 <= v < spec.out_channels for v in values):
        raise invalid("out_channels_shown", tuple(values), expected)
    return tuple(sorted(values))


def select_channels(
    the_plan: Plan, out_channels_shown: Sequence[int] | None = None
) -> ChannelSelection:
    """The channels to draw: every one up to :data:`MAX_PLANES`, else the first few.

    Parameters
    ----------
    the_plan : Plan
    out_channels_shown : sequence of int, optional
        The output channels to draw and animate; by default all of them, or the first
        ``MAX_PLANES - 1`` when there are more than :data:`MAX_PLANES`.

    Returns
    -------
    ChannelSelection
        The input channels drawn are all of them up to :data:`MAX_PLANES`, else the
        first ``MAX_PLANES - 1`` of those the drawn output channels read.
    """
    spec = the_plan.spec
    shown = check_out_channels_shown(spec, out_channels_shown)
    count = spec.out_channels
    if shown is None:
        shown = tuple(range(count if count <= MAX_PLANES else MAX_PLANES - 1))
    # Positions in this plan, which may hold a selection of the spec's frames (a still,
    # --frames): its frames whose output channel is drawn.
    frames = np.flatnonzero(np.isin(the_plan.output_channel, shown))
    if spec.in_channels <= MAX_PLANES:
        inputs = tuple(range(spec.in_channels))
    else:
        read = np.unique(the_plan.input_channels[frames])
        inputs = tuple(int(c) for c in read[: MAX_PLANES - 1])
    return ChannelSelection(
        out_channels=shown,
        in_channels=inputs,
        more_out=len(shown) < count,
        more_in=len(inputs) < spec.in_channels,
        frames=frames,
    )


def animated_frames(the_plan: Plan, out_channels_shown: Sequence[int] | None = None) -> np.ndarray:
    """The plan frames a plane drawing of ``the_plan`` animates (every one unless output
    channels are left out)."""
    if not needs_stacks(the_plan.spec):
        check_out_channels_shown(the_plan.spec, out_channels_shown)
        return np.arange(len(the_plan))
    return select_channels(the_plan, out_channels_shown).frames


def weights_by_output(spec: Spec, tap_weight: np.ndarray) -> np.ndarray:
    """Each tap's weight per (output channel, input channel of its group), (out, Cg, T).

    A convolution's weights are laid out that way already; a transposed one's are
    ``(in_channels, out_channels // groups, ...)``, read here by group.
    """
    taps = int(np.prod(spec.kernel_size))
    weights = np.asarray(tap_weight).reshape(spec.weight_shape[:2] + (taps,))
    if not spec.transposed:
        return weights
    per_group_out = spec.out_channels // spec.groups
    per_group_in = spec.in_channels // spec.groups
    out = np.arange(spec.out_channels)
    inputs = (out // per_group_out)[:, None] * per_group_in + np.arange(per_group_in)
    return weights[inputs, (out % per_group_out)[:, None]]


def _as_3d(values: np.ndarray) -> np.ndarray:
    """Per-axis values (last axis N <= 3) as (depth, row, col), missing axes 0."""
    values = np.asarray(values)
    missing = 3 - values.shape[-1]
    return np.concatenate([np.zeros((*values.shape[:-1], missing), values.dtype), values], -1)


def _shape_3d(size: tuple[int, ...]) -> tuple[int, int, int]:
    return tuple([1] * (3 - len(size)) + list(size))


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class _Stacks:
    """Where every plane of both stacks sits."""

    inputs: list[_Plane]
    input_keys: dict[tuple[int, int], int]  # (channel, depth slice) -> plane
    outputs: list[_Plane]
    output_keys: dict[tuple[int, int], int]
    input_ellipsis: np.ndarray | None  # drawing position of the "..." after a stack
    output_ellipsis: np.ndarray | None


def _stacks(spec: Spec, look: Look, selection: ChannelSelection) -> _Stacks:
    depth, rows, cols = _shape_3d(spec.grid_size)
    out_depth, out_rows, out_cols = _shape_3d(spec.output_size)
    input_keys = [(c, d) for c in selection.in_channels for d in range(depth)]
    output_keys = [(o, d) for o in selection.out_channels for d in range(out_depth)]
    slant = look.slant

    def stack(count: int, rows: int, cols: int, more: bool, base: np.ndarray):
        # The flat look stacks planes downwards, the tutorial's along the slanted x.
        if look.output_shift == "right":
            step, along = np.array([0.0, -(rows + GAP)]), np.array([0.0, -1.0])
            first_end = np.array([cols / 2, 0.0])
        else:
            step, along = np.array([cols + GAP, 0.0]), np.array([1.0, 0.0])
            first_end = np.array([cols, rows / 2])
        planes = [_Plane(rows, cols, slant, base + (step * i) @ slant.T) for i in range(count)]
        ellipsis = None
        if more:
            # Centred in a short slot after the last plane, on the stack's axis.
            end = first_end + step * (count - 1) + along * (GAP / 2 + ELLIPSIS_SLOT / 2)
            ellipsis = base + end @ slant.T
        length = (rows if look.output_shift == "right" else cols) * count + GAP * (count - 1)
        return planes, ellipsis, length + (GAP + ELLIPSIS_SLOT if more else 0.0)

    inputs, input_ellipsis, input_length = stack(
        len(input_keys), rows, cols, selection.more_in, np.zeros(2)
    )
    if look.output_shift == "above":
        base = np.array([points_to_units(look.nudge), rows + 1.0])
        outputs, output_ellipsis, _ = stack(
            len(output_keys), out_rows, out_cols, selection.more_out, base
        )
    else:
        out_length = out_rows * len(output_keys) + GAP * (len(output_keys) - 1)
        if selection.more_out:
            out_length += GAP + ELLIPSIS_SLOT
        # Centred beside the input stack, on whole cells as the two-plane view is.
        top = rows - (input_length - out_length) // 2
        base = np.array([cols + 1.0, top - out_rows])
        outputs, output_ellipsis, _ = stack(
            len(output_keys), out_rows, out_cols, selection.more_out, base
        )
    return _Stacks(
        inputs=inputs,
        input_keys={key: i for i, key in enumerate(input_keys)},
        outputs=outputs,
        output_keys={key: i for i, key in enumerate(output_keys)},
        input_ellipsis=input_ellipsis,
        output_ellipsis=output_ellipsis,
    )


def _corners(stacks: _Stacks) -> np.ndarray:
    points = [plane.outline() for plane in stacks.inputs + stacks.outputs]
    for point in (stacks.input_ellipsis, stacks.output_ellipsis):
        if point is not None:
            points.append(point[None])
    return np.concatenate(points)


def _extent(corners: np.ndarray, look: Look) -> tuple[float, float, float, float]:
    (xmin, ymin), (xmax, ymax) = corners.min(axis=0), corners.max(axis=0)
    margin = look.margin
    return xmin - margin, xmax + margin, ymin - margin, ymax + margin


def stack_extent(
    the_spec: Spec, look: Look, theme: Theme, out_channels_shown: Sequence[int] | None = None
) -> tuple[tuple[float, float, float, float], float]:
    """The stacks' extent and the border (TeX points), before anything is planned."""
    shown = check_out_channels_shown(the_spec, out_channels_shown)
    count = the_spec.out_channels
    if shown is None:
        shown = tuple(range(count if count <= MAX_PLANES else MAX_PLANES - 1))
    inputs = min(the_spec.in_channels, MAX_PLANES if the_spec.in_channels <= MAX_PLANES else 3)
    selection = ChannelSelection(
        out_channels=shown,
        in_channels=tuple(range(inputs)),
        more_out=len(shown) < count,
        more_in=inputs < the_spec.in_channels,
        frames=np.zeros(0, int),
    )
    stacks = _stacks(the_spec, look, selection)
    return _extent(_corners(stacks), look), theme.border + look.line_allowance


def _blend(color, background, amount: float):
    """``color`` mixed with ``amount`` of ``background`` (opaque): its colour family."""
    mixed = [(1 - amount) * a + amount * b for a, b in zip(color[:3], background[:3], strict=True)]
    return (*mixed, 1.0)


class _PerFrame:
    """Shapes of a layer replaced per frame, gathered frame by frame."""

    def __init__(self, vertices: int) -> None:
        self.vertices = vertices
        self.pieces: list[np.ndarray] = []
        self.starts = [0]

    def add(self, shapes: list[np.ndarray]) -> None:
        block = _joined(shapes, self.vertices)
        self.pieces.append(block)
        self.starts.append(self.starts[-1] + len(block))

    def motion(self) -> dict[str, np.ndarray]:
        return {
            "frames": _joined(self.pieces, self.vertices),
            "frame_starts": np.array(self.starts),
        }


def stack_layout(
    the_plan: Plan,
    look: Look,
    *,
    theme: Theme,
    measure: Measure,
    numbers: Numbers | None = None,
    labels: bool = False,
    caption: bool = False,
    out_channels_shown: Sequence[int] | None = None,
) -> Drawing:
    """The drawing of ``the_plan`` as stacks of planes, one frame per animated frame.

    Parameters
    ----------
    the_plan : Plan
        Any plan of 1 to 3 axes, any channels, groups and padding mode.
    look : Look
        :data:`~convanim.layout.TUTORIAL` or :data:`~convanim.layout.FLAT`.
    theme, measure, numbers, labels, caption
        As :func:`~convanim.layout.plane_layout`.
    out_channels_shown : sequence of int, optional
        The output channels drawn and animated (see :func:`select_channels`).

    Returns
    -------
    Drawing
        Frame ``j`` draws plan frame ``select_channels(...).frames[j]``.
    """
    spec = the_plan.spec
    selection = select_channels(the_plan, out_channels_shown)
    stacks = _stacks(spec, look, selection)
    depth, rows, cols = _shape_3d(spec.grid_size)
    out_depth, out_rows, out_cols = _shape_3d(spec.output_size)
    grid_kind = the_plan.grid_kind.reshape(depth, rows, cols)
    layers: list[Layer] = []

    def add(role: str, kind: str, z: float, paint: Paint, geometry=None, **motion) -> None:
        if geometry is None:
            geometry = np.zeros((0, 1, 2))
        layers.append(Layer(role=role, kind=kind, z=z, paint=paint, geometry=geometry, **motion))

    thick, thin = theme.thick, theme.thin
    text = Paint(fill=theme.text)
    number_size = points_to_units(theme.number_size)
    small = points_to_units(theme.small_size)

    # -- the input stack (static) -----------------------------------------------------
    dashed, real, copies, outside = [], [], [], []
    input_strings, input_anchors, input_cells = [], [], []
    grid_values = None
    if numbers is not None:
        grid_values = np.asarray(numbers.grid).reshape(spec.in_channels, depth, rows, cols)
    for (channel, slice_), index in stacks.input_keys.items():
        plane = stacks.inputs[index]
        kinds = grid_kind[slice_]
        inside = kinds != CellKind.OUTSIDE
        # Cells past the padded input are the last rows and columns (an overhang is at
        # the end of an axis): the dashed grid covers the rest, a rectangle.
        height, width = int(inside.any(axis=1).sum()), int(inside.any(axis=0).sum())
        if height and width:
            dashed.append(plane.grid_segments(0, 0, height, width))
        real.append(plane.quads(np.argwhere(kinds == CellKind.INPUT)))
        copies.append(plane.quads(np.argwhere(kinds == CellKind.COPY)))
        outside.append(plane.quads(np.argwhere(kinds == CellKind.OUTSIDE)))
        if grid_values is not None:
            for r, c in np.argwhere(inside):
                input_strings.append(format_number(grid_values[channel, slice_, r, c]))
                input_anchors.append(plane.map(np.array([c + 0.5, rows - r - 0.5])))
                input_cells.append((channel, *_cell_of(spec, slice_, r, c)))
    add(
        "padding",
        "segments",
        1,
        _paint_lines(theme.padding, thick, dash=theme.dash),
        _joined(dashed, 2),
    )
    add(
        "input",
        "polygons",
        2,
        Paint(fill=theme.input, edge=theme.input_edge, width=thick, join="miter"),
        _joined(real, 4),
    )
    if spec.padding_mode != "zeros":
        add(
            "input_copy",
            "polygons",
            2,
            Paint(
                fill=_blend(theme.input, theme.background, 0.55),
                edge=theme.input_edge,
                width=thin,
                join="miter",
            ),
            _joined(copies, 4),
        )
    if any(len(o) for o in outside):
        add(
            "outside",
            "polygons",
            2,
            Paint(edge=theme.text_muted, width=thin, join="miter"),
            _joined(outside, 4),
        )
    if grid_values is not None:
        add(
            "input_numbers",
            "text",
            2.5,
            text,
            text=_text_block(input_strings, input_anchors, number_size, look, input_cells),
        )

    # -- motion, frame by frame ------------------------------------------------------
    frames = selection.frames
    _, kernel_rows, kernel_cols = _shape_3d(spec.kernel_extent)
    tap_offset = _as_3d(the_plan.tap_offset)
    window_origin = _as_3d(the_plan.window_origin)
    output_cell = _as_3d(the_plan.output_cell)
    input_offset = np.asarray(_as_3d(np.array(spec.input_offset)))
    input_step = np.asarray(_as_3d(np.array(spec.input_step)))
    shade, dims, sources = _PerFrame(4), _PerFrame(4), _PerFrame(4)
    grids, lines = _PerFrame(2), _PerFrame(2)
    out_shade, out_planes, out_dims = _PerFrame(4), _PerFrame(4), _PerFrame(4)
    read_planes_of_frame = []
    several_out = len(stacks.output_keys) > 1
    for frame in frames:
        out_channel = int(the_plan.output_channel[frame])
        reads = {int(c) for c in the_plan.input_channels[frame]}
        origin = window_origin[frame]
        out_plane = stacks.outputs[stacks.output_keys[(out_channel, int(output_cell[frame][0]))]]
        cell_quad = out_plane.quads(output_cell[frame][None, 1:])
        out_shade.add([cell_quad])
        frame_shades, frame_grids, frame_lines, read_planes = [], [], [], []
        for (channel, slice_), index in stacks.input_keys.items():
            taps = tap_offset[:, 0] == slice_ - origin[0]
            if channel not in reads or not taps.any():
                continue
            plane = stacks.inputs[index]
            read_planes.append(index)
            frame_shades.append(plane.quads(origin[1:] + tap_offset[taps, 1:]))
            frame_grids.append(
                plane.grid_segments(int(origin[1]), int(origin[2]), kernel_rows, kernel_cols)
            )
            if look.connect:
                outline = plane.quads(origin[None, 1:], kernel_rows, kernel_cols)[0]
                ends = _entry_points(out_plane, outline, cell_quad[0])
                frame_lines.append(np.stack([outline, ends], axis=1))
        read_planes_of_frame.append(read_planes)
        shade.add(frame_shades)
        grids.add(frame_grids)
        lines.add(frame_lines)
        dims.add(
            [
                stacks.inputs[index].outline()[None]
                for (channel, _), index in stacks.input_keys.items()
                if channel not in reads
            ]
        )
        # The cells that copied padding taps repeat, outlined on their own planes.
        copied = the_plan.tap_kind[frame] == CellKind.COPY
        seen, frame_sources = set(), []
        for source in _as_3d(the_plan.tap_source_index[frame][copied]):
            grid = input_offset + source * input_step
            for channel in sorted(reads):
                key = (channel, int(grid[0]), int(grid[1]), int(grid[2]))
                index = stacks.input_keys.get((channel, int(grid[0])))
                if index is None or key in seen:
                    continue
                seen.add(key)
                frame_sources.append(stacks.inputs[index].quads(grid[None, 1:]))
        sources.add(frame_sources)
        if several_out:
            written = [
                stacks.outputs[index].outline()[None]
                for (channel, _), index in stacks.output_keys.items()
                if channel == out_channel
            ]
            out_planes.add(written)
            out_dims.add(
                [
                    stacks.outputs[index].outline()[None]
                    for (channel, _), index in stacks.output_keys.items()
                    if channel != out_channel
                ]
            )
    veil = Paint(fill=(*theme.background[:3], DIM_ALPHA))
    if spec.in_channels > 1:
        add("input_dim", "polygons", 2.8, veil, **dims.motion())
    shade_paint = Paint(fill=theme.window_shade, edge=theme.window_edge, width=thin, join="miter")
    add("window_shade", "polygons", 3, shade_paint, **shade.motion())
    add("window_grid", "segments", 4, _paint_lines(theme.window_grid, thick), **grids.motion())
    if spec.padding_mode != "zeros":
        add(
            "copy_source",
            "polygons",
            4.2,
            # A light shade and a double outline: the cell the copies beside it repeat.
            Paint(
                fill=(*theme.window_shade[:3], 0.2),
                edge=theme.output_cell,
                width=2 * thick,
                join="miter",
            ),
            **sources.motion(),
        )
    if numbers is not None and numbers.tap_weight is not None:
        layers.extend(
            _kernel_numbers(
                the_plan,
                stacks,
                selection,
                numbers,
                read_planes_of_frame,
                look=look,
                size=small,
                paint=text,
                park=_corners(stacks).min(axis=0) - 40.0,
            )
        )
    if look.connect:
        add("lines", "segments", 5, _paint_lines(theme.lines, thin), **lines.motion())

    # -- the output stack -------------------------------------------------------------
    add(
        "output",
        "polygons",
        6,
        Paint(fill=theme.output, edge=theme.output_edge, width=thin, join="miter"),
        np.stack([plane.outline() for plane in stacks.outputs]),
    )
    add(
        "output_grid",
        "segments",
        6,
        _paint_lines(theme.output_grid, thick),
        np.concatenate([plane.grid_segments(0, 0, out_rows, out_cols) for plane in stacks.outputs]),
    )
    if numbers is not None:
        output = np.asarray(numbers.output).reshape(
            spec.out_channels, out_depth, out_rows, out_cols
        )
        strings, anchors, cells = [], [], []
        for (channel, slice_), index in stacks.output_keys.items():
            plane = stacks.outputs[index]
            for r, c in np.ndindex(out_rows, out_cols):
                strings.append(format_number(output[channel, slice_, r, c], decimals=1))
                anchors.append(plane.map(np.array([c + 0.5, out_rows - r - 0.5])))
                cells.append((channel, *_cell_of(spec, slice_, r, c)))
        add(
            "output_numbers",
            "text",
            6.5,
            text,
            text=_text_block(strings, anchors, small, look, cells),
        )
    if several_out:
        add("output_dim", "polygons", 6.8, veil, **out_dims.motion())
        add(
            "output_plane",
            "polygons",
            6.9,
            Paint(edge=theme.output_cell, width=2 * thick, join="miter"),
            **out_planes.motion(),
        )
    cell_shade = Paint(fill=theme.output_shade, edge=theme.window_edge, width=thin, join="miter")
    add("output_shade", "polygon", 7, cell_shade, **out_shade.motion())
    add(
        "output_cell",
        "polygon",
        7,
        Paint(edge=theme.output_cell, width=thick, join="miter"),
        **out_shade.motion(),
    )

    # -- words ------------------------------------------------------------------------
    corners = _corners(stacks)
    xmin, xmax, ymin, ymax = _extent(corners, look)
    if numbers is not None and numbers.tap_weight is not None and look.margin:
        ymin -= 0.3  # a weight's text box reaches below a low window (planes.py)
    blocks = []
    ellipses = [p for p in (stacks.input_ellipsis, stacks.output_ellipsis) if p is not None]
    if ellipses:
        blocks.append(
            TextBlock(
                strings=("...",) * len(ellipses),
                anchors=np.array(ellipses, float),
                size=points_to_units(theme.label_size),
                font="prose",
            )
        )
    names = (_stack_name("input", spec.in_channels), _stack_name("output", spec.out_channels))
    blocks += _annotations(
        spec,
        stacks.inputs[0],
        stacks.outputs[0],
        look,
        theme,
        labels=labels,
        caption=caption,
        corners=corners,
        names=names,
        lines=_caption_lines(spec) if caption else None,
    )
    for block in blocks:
        add("annotations", "text", 8, text, text=block)
    return Drawing(
        view=look.name,
        layers=tuple(layers),
        frames=len(frames),
        extent=grow_extent((xmin, xmax, ymin, ymax), blocks, measure),
        border=theme.border + look.line_allowance,
        rounding="tex",
        theme=theme,
    )


def _stack_name(word: str, channels: int) -> str:
    return word if channels == 1 else f"{word} ({channels} ch)"


def _caption_lines(spec: Spec) -> list[str]:
    """The caption names the module first: with channels, what a reader would write."""
    return [spec.torch_module(), *caption_lines(spec)]


def _cell_of(spec: Spec, slice_: int, row: int, col: int) -> tuple:
    """A cell's grid (or output) index in the spec's own axes."""
    return ((slice_, int(row), int(col)), (int(row), int(col)), (int(col),))[3 - spec.ndim]


def _joined(pieces: list[np.ndarray], vertices: int) -> np.ndarray:
    pieces = [p for p in pieces if len(p)]
    return np.concatenate(pieces) if pieces else np.zeros((0, vertices, 2))


def _text_block(strings, anchors, size: float, look: Look, cells) -> TextBlock:
    """Strings at drawing positions, in the look's slant (the planes' text lies in them)."""
    slant = look.slant
    inverse = np.linalg.inv(slant)
    points = np.array(anchors, float).reshape(-1, 2)
    return TextBlock(
        strings=tuple(strings),
        anchors=points @ inverse.T,
        size=size,
        matrix=slant,
        offset=np.zeros(2),
        cells=tuple(cells),
    )


def _kernel_numbers(
    the_plan: Plan,
    stacks: _Stacks,
    selection: ChannelSelection,
    numbers: Numbers,
    read_planes_of_frame: list[list[int]],
    *,
    look: Look,
    size: float,
    paint: Paint,
    park: np.ndarray,
) -> list[Layer]:
    """The weights small in each tap, one text layer per (output channel, input channel
    of its group, kernel slice): moved onto the window in the frames that read it, and
    parked outside the picture in the others (a layer's text moves, it is not replaced).
    """
    spec = the_plan.spec
    frames = selection.frames
    tap_offset = _as_3d(the_plan.tap_offset)
    window_origin = _as_3d(the_plan.window_origin)
    rows = stacks.inputs[0].rows
    weights = weights_by_output(spec, numbers.tap_weight)
    slices = np.unique(tap_offset[:, 0])
    layers = []
    for out_channel in selection.out_channels:
        group = the_plan.group_input_channels[out_channel // (spec.out_channels // spec.groups)]
        for local, channel in enumerate(int(c) for c in group):
            if channel not in selection.in_channels:
                continue
            for depth in slices:
                taps = np.flatnonzero(tap_offset[:, 0] == depth)
                shift = np.tile(park, (len(frames), 1))
                for number, frame in enumerate(frames):
                    if int(the_plan.output_channel[frame]) != out_channel:
                        continue
                    origin = window_origin[frame]
                    index = stacks.input_keys.get((channel, int(origin[0] + depth)))
                    if index is None or index not in read_planes_of_frame[number]:
                        continue
                    plane = stacks.inputs[index]
                    # The anchors are plane-0 positions of a window at the grid origin.
                    shift[number] = plane.corner(origin[1], origin[2]) - plane.corner(0, 0)
                    shift[number] += plane.shift - stacks.inputs[0].shift
                offsets = tap_offset[taps, 1:]
                anchors = np.array([[c + 0.8, rows - r - 1 + 0.2] for r, c in offsets], float)
                base = stacks.inputs[0]
                layers.append(
                    Layer(
                        role="kernel_numbers",
                        kind="text",
                        z=4.5,
                        paint=paint,
                        geometry=np.zeros((0, 1, 2)),
                        text=TextBlock(
                            strings=tuple(
                                format_number(v) for v in weights[out_channel, local, taps]
                            ),
                            anchors=anchors,
                            size=size,
                            matrix=look.slant,
                            offset=base.shift,
                            cells=tuple(
                                (out_channel, channel, *map(int, the_plan.tap_offset[t]))
                                for t in taps
                            ),
                        ),
                        shift=shift,
                    )
                )
    return layers
