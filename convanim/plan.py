"""Every kernel position of a :class:`~convanim.spec.Spec`, as read-only numpy arrays.

The plan is pure arithmetic: no drawing, no I/O. One frame per output value: output
channel first, then the output cells in raster (C) order. A transposed convolution is
planned as Dumoulin & Visin draw it: a direct, stride-1 convolution over the input
stretched with ``stride - 1`` zeros between cells, padded by ``kernel_extent - 1 -
padding`` on every side, plus ``output_padding`` extra zero cells at the end of each axis.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from .limits import check_array
from .spec import Spec

__all__ = ["CellKind", "Frame", "Plan", "plan"]


class CellKind(IntEnum):
    """What a cell of the slid-over grid holds."""

    INPUT = 0
    """A real input cell."""
    PADDING = 1
    """A zero of the padding (or of a transposed convolution's extra ``a`` cells)."""
    INSERTED = 2
    """A zero inserted between input cells by a transposed convolution's stride."""
    COPY = 3
    """A padding cell holding a copy of an input cell (``padding_mode`` reflect,
    replicate or circular): :attr:`Plan.tap_source_index` says which."""
    OUTSIDE = 4
    """Past the padded input, where a ``ceil_mode`` pooling's last window reaches:
    PyTorch ignores it (not a candidate of max, not counted by avg)."""


# The N-D kind of a cell is its axes' "strongest" kind: outside the padded input on any
# axis is outside; else padding on any axis is padding (or a copy, under a padding_mode
# that copies); else between inputs on any axis is an inserted zero; else a real cell.
_RANK_OF_KIND = np.array([0, 3, 1, 2, 4], dtype=np.uint8)  # indexed by CellKind
_KIND_OF_RANK = np.array(
    [CellKind.INPUT, CellKind.INSERTED, CellKind.COPY, CellKind.PADDING, CellKind.OUTSIDE],
    dtype=np.uint8,
)


def _readonly(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


@dataclass(frozen=True, slots=True, kw_only=True)
class Frame:
    """One kernel position: read-only views into its :class:`Plan`'s arrays."""

    index: int
    output_cell: tuple[int, ...]
    window_origin: tuple[int, ...]
    tap_position: np.ndarray
    tap_kind: np.ndarray
    tap_input_index: np.ndarray
    output_channel: int = 0
    input_channels: tuple[int, ...] = (0,)
    tap_source_index: np.ndarray | None = None


class Plan:
    """The kernel positions of one spec, as read-only arrays indexed by frame.

    With ``F`` frames (output values: ``out_channels`` times the output cells), ``T``
    taps per window (``prod(kernel_size)``) and ``N`` axes. Frame ``f`` writes output
    channel ``f // P`` at output cell ``f % P`` (``P`` output cells, raster order), so
    a one-channel spec has one frame per output cell.

    A plan is lazy: :func:`plan` computes nothing per frame. Each per-frame array below
    is computed when first read, for this plan's frames only, and kept; ``plan[i]``
    computes one frame alone, and :meth:`select` and :meth:`chunks` give plans of some
    frames, so a walk over millions of frames holds one chunk at a time. An array
    larger than :data:`~convanim.limits.MAX_ARRAY_BYTES` is refused with a one-line
    :class:`~convanim.SpecError` before it is allocated.

    Attributes
    ----------
    spec : Spec
        What was planned.
    frame_ids : range
        The spec's frames this plan holds, in order (every frame for :func:`plan`;
        frame ``j`` of a selection is the spec's frame ``frame_ids[j]``).
    output_cell : ndarray of int, shape (F, N)
        The output cell each frame writes, in raster order (repeated per channel).
    window_origin : ndarray of int, shape (F, N)
        Grid position of the window's first cell (top-left in 2-D).
    kernel_index : ndarray of int, shape (T, N)
        The kernel entry of each tap, in C order. For ``conv_transpose`` the equivalent
        direct convolution uses the kernel flipped on every axis: tap ``t`` carries
        ``weight[kernel_size - 1 - kernel_index[t]]``.
    tap_offset : ndarray of int, shape (T, N)
        Grid offset of each tap from the window origin (``kernel_index * dilation``).
    tap_position : ndarray of int, shape (F, T, N)
        Grid position of every tap of every frame.
    tap_kind : ndarray of uint8, shape (F, T)
        :class:`CellKind` of every tap.
    tap_input_index : ndarray of int, shape (F, T, N)
        Input index of every tap on a real input cell; -1 on every axis elsewhere.
    grid_kind : ndarray of uint8, shape ``spec.grid_size``
        :class:`CellKind` of every cell of the slid-over grid.
    output_channel : ndarray of int, shape (F,)
        The output channel each frame writes.
    group : ndarray of int, shape (F,)
        The group of each frame's output channel (its own channel for pooling, which
        reads each channel alone).
    group_input_channels : ndarray of int, shape (G, Cg)
        The input channels each group reads: every one for ``groups=1``, the group's
        ``in_channels // groups`` otherwise, one for depthwise and for pooling.
        :attr:`input_channels` gives them per frame.
    tap_source_index : ndarray of int, shape (F, T, N)
        The input cell each tap reads: its own on a real input cell, the copied one on
        a :attr:`CellKind.COPY` padding cell; -1 on every axis where the tap reads a
        zero (zero padding, inserted zeros) or nothing (:attr:`CellKind.OUTSIDE`).
    grid_source_index : ndarray of int, shape ``(*spec.grid_size, N)``
        The same per cell of the grid.
    """

    __slots__ = (
        "_axes",
        "_cache",
        "frame_ids",
        "group_input_channels",
        "kernel_index",
        "spec",
        "tap_offset",
    )

    def __init__(self, spec: Spec, frame_ids: range | None = None) -> None:
        self.spec = spec
        self.frame_ids = range(spec.num_frames) if frame_ids is None else frame_ids
        check_array("the kernel's taps", (*spec.kernel_size, spec.ndim), 8, spec.input_size)
        kernel_index = np.indices(spec.kernel_size).reshape(spec.ndim, -1).T
        self.kernel_index = _readonly(kernel_index)
        self.tap_offset = _readonly(kernel_index * np.asarray(spec.dilation))
        self.group_input_channels = _readonly(_group_table(spec))
        self._axes: list[tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None
        self._cache: dict[str, np.ndarray] = {}

    # -- frames -----------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.frame_ids)

    def __getitem__(self, index: int) -> Frame:
        if not -len(self) <= index < len(self):
            raise IndexError(f"frame {index} is out of range for a plan of {len(self)} frames")
        index %= len(self)
        arrays = self._compute(np.array([self.frame_ids[index]]))
        taps = {name: _readonly(arrays[name][0]) for name in _TAP_ARRAYS}
        return Frame(
            index=index,
            output_cell=tuple(int(v) for v in arrays["output_cell"][0]),
            window_origin=tuple(int(v) for v in arrays["window_origin"][0]),
            output_channel=int(arrays["output_channel"][0]),
            input_channels=tuple(int(c) for c in self.group_input_channels[arrays["group"][0]]),
            **taps,
        )

    def __iter__(self) -> Iterator[Frame]:
        for index in range(len(self)):
            yield self[index]

    def __repr__(self) -> str:
        return f"<Plan of {len(self)} frames: {self.spec.describe()}>"

    def select(self, frames: slice | range) -> Plan:
        """The plan of some of this plan's frames (a slice or a range of its indices).

        Frame ``j`` of the result is frame ``frames[j]`` of this plan; nothing is
        computed until its arrays are read.
        """
        if isinstance(frames, range):
            if len(frames) and not (min(frames) >= 0 and max(frames) < len(self)):
                raise IndexError(f"frames {frames} are out of range for a plan of {len(self)}")
        elif isinstance(frames, slice):
            frames = range(len(self))[frames]
        else:
            raise TypeError(f"select() expects a slice or a range, got {type(frames).__name__}")
        # Index i of this plan is the spec's frame start + i * step: compose the ranges.
        ids = self.frame_ids
        return Plan(
            self.spec,
            range(
                ids.start + frames.start * ids.step,
                ids.start + frames.stop * ids.step,
                ids.step * frames.step,
            ),
        )

    def chunks(self, size: int = 4096) -> Iterator[Plan]:
        """This plan's frames as consecutive plans of at most ``size`` frames each."""
        for start in range(0, len(self), size):
            yield self.select(range(start, min(start + size, len(self))))

    # -- per-frame arrays, computed on first read ---------------------------------------
    def _axis_tables(self) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per axis: kind, input index and source index of each grid position (one
        axis's length each, however many frames)."""
        if self._axes is None:
            longest = max(self.spec.grid_size)
            check_array("the plan's per-axis tables", (longest, 4), 8, self.spec.input_size)
            self._axes = [_axis_cells(self.spec, axis) for axis in range(self.spec.ndim)]
        return self._axes

    def _arrays(self, name: str) -> np.ndarray:
        if name not in self._cache:
            spec, frames, taps = self.spec, len(self), len(self.kernel_index)
            # The biggest array a walk makes is (F, T, N) int64; refuse it unmade.
            check_array(
                "the plan's per-tap arrays",
                (frames, taps, spec.ndim),
                8,
                spec.input_size,
                "; read some frames with plan[i], plan.select() or plan.chunks()",
            )
            computed = self._compute(np.asarray(self.frame_ids))
            for key, array in computed.items():
                self._cache.setdefault(key, _readonly(array))
        return self._cache[name]

    def _compute(self, ids: np.ndarray) -> dict[str, np.ndarray]:
        """Every per-frame array for the spec's frames ``ids``."""
        spec = self.spec
        channel, position = np.divmod(ids, spec.num_positions)
        output_cell = np.stack(np.unravel_index(position, spec.output_size), axis=-1)
        window_origin = output_cell * np.asarray(spec.window_step)
        tap_position = window_origin[:, None, :] + self.tap_offset[None, :, :]
        copies = spec.padding_mode != "zeros"
        # Kinds factor per axis; the N-D kind is the strongest of the axes' kinds.
        tap_rank = np.zeros(tap_position.shape[:2], dtype=np.uint8)
        tap_input_index = np.empty_like(tap_position)
        tap_source_index = np.empty_like(tap_position) if copies else tap_input_index
        for axis, (kind, index, source) in enumerate(self._axis_tables()):
            positions = tap_position[..., axis]
            np.maximum(tap_rank, _RANK_OF_KIND[kind[positions]], out=tap_rank)
            tap_input_index[..., axis] = index[positions]
            if copies:
                tap_source_index[..., axis] = source[positions]
        tap_kind = _KIND_OF_RANK[tap_rank]
        tap_input_index[tap_kind != CellKind.INPUT] = -1
        if copies:
            tap_source_index[(tap_kind != CellKind.INPUT) & (tap_kind != CellKind.COPY)] = -1
        return {
            "output_cell": output_cell,
            "window_origin": window_origin,
            "tap_position": tap_position,
            "tap_kind": tap_kind,
            "tap_input_index": tap_input_index,
            # Without a copying padding mode a tap reads its own input cell or a zero:
            # the source index is the input index (one array, not two).
            "tap_source_index": tap_source_index,
            "output_channel": channel,
            "group": _group_of(spec, channel),
        }

    output_cell = property(lambda self: self._arrays("output_cell"))
    window_origin = property(lambda self: self._arrays("window_origin"))
    tap_position = property(lambda self: self._arrays("tap_position"))
    tap_kind = property(lambda self: self._arrays("tap_kind"))
    tap_input_index = property(lambda self: self._arrays("tap_input_index"))
    tap_source_index = property(lambda self: self._arrays("tap_source_index"))
    output_channel = property(lambda self: self._arrays("output_channel"))
    group = property(lambda self: self._arrays("group"))

    @property
    def grid_kind(self) -> np.ndarray:
        """:class:`CellKind` of every cell of the slid-over grid, shape ``spec.grid_size``."""
        if "grid_kind" not in self._cache:
            self._grid()
        return self._cache["grid_kind"]

    @property
    def grid_source_index(self) -> np.ndarray:
        """The input cell each grid cell reads (-1 where none), ``(*grid_size, N)``."""
        if "grid_source_index" not in self._cache:
            self._grid()
        return self._cache["grid_source_index"]

    def _grid(self) -> None:
        spec, ndim = self.spec, self.spec.ndim
        check_array("the plan's grid arrays", (*spec.grid_size, ndim), 8, spec.input_size)
        grid_rank = np.zeros(spec.grid_size, dtype=np.uint8)
        grid_source_index = np.empty((*spec.grid_size, ndim), dtype=np.int64)
        for axis, (kind, _, source) in enumerate(self._axis_tables()):
            shape = [1] * ndim
            shape[axis] = -1
            np.maximum(grid_rank, _RANK_OF_KIND[kind].reshape(shape), out=grid_rank)
            grid_source_index[..., axis] = source.reshape(shape)
        grid_kind = _KIND_OF_RANK[grid_rank]
        grid_source_index[(grid_kind != CellKind.INPUT) & (grid_kind != CellKind.COPY)] = -1
        self._cache["grid_kind"] = _readonly(grid_kind)
        self._cache["grid_source_index"] = _readonly(grid_source_index)

    # -- derived ----------------------------------------------------------------------
    @property
    def tap_weight_index(self) -> np.ndarray:
        """Kernel entry whose weight each tap multiplies, shape (T, N).

        Equal to :attr:`kernel_index` for a direct convolution; flipped on every axis for
        a transposed one, whose equivalent direct convolution uses the flipped kernel.
        """
        if not self.spec.transposed:
            return self.kernel_index
        return _readonly(np.asarray(self.spec.kernel_size) - 1 - self.kernel_index)

    @property
    def input_channels(self) -> np.ndarray:
        """The input channels each frame's kernel reads, shape (F, Cg)."""
        return _readonly(self.group_input_channels[self.group])

    def flat_input_index(self) -> np.ndarray:
        """Index of each tap's input cell in ``x.ravel()``, -1 off the input; shape (F, T).

        ``x`` is one channel (``spec.input_size``): the index is the same for every
        channel the frame reads.
        """
        return self._flat(self.tap_input_index, self.tap_kind == CellKind.INPUT)

    def flat_source_index(self) -> np.ndarray:
        """Like :meth:`flat_input_index`, and on a copied padding cell the index of the
        input cell it copies; -1 where the tap reads a zero or nothing. Shape (F, T)."""
        reads = (self.tap_kind == CellKind.INPUT) | (self.tap_kind == CellKind.COPY)
        return self._flat(self.tap_source_index, reads)

    def _flat(self, index: np.ndarray, reads: np.ndarray) -> np.ndarray:
        flat = np.ravel_multi_index(
            tuple(np.where(reads, index[..., axis], 0) for axis in range(self.spec.ndim)),
            self.spec.input_size,
        )
        return np.where(reads, flat, -1)


_TAP_ARRAYS = ("tap_position", "tap_kind", "tap_input_index", "tap_source_index")


def axis_cells(spec: Spec, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Per grid position along one axis: its CellKind and its input index (-1 if none)."""
    kind, index, _ = _axis_cells(spec, axis)
    return kind, index


def _axis_cells(spec: Spec, axis: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per grid position along one axis: CellKind, input index and source index."""
    geometry = spec.axes[axis]
    position = np.arange(geometry.grid)
    relative = position - geometry.input_offset
    index, remainder = np.divmod(relative, geometry.input_step)
    inside = (relative >= 0) & (relative <= (geometry.input - 1) * geometry.input_step)
    real = inside & (remainder == 0)
    padding = ~inside & (position < geometry.grid - geometry.overhang)
    kind = np.full(geometry.grid, CellKind.OUTSIDE, dtype=np.uint8)
    copies = spec.padding_mode != "zeros"
    kind[padding] = CellKind.COPY if copies else CellKind.PADDING
    kind[inside] = CellKind.INSERTED
    kind[real] = CellKind.INPUT
    input_index = np.where(real, index, -1)
    size = geometry.input
    if spec.padding_mode == "reflect":
        copied = np.abs(relative)
        copied = np.where(copied >= size, 2 * (size - 1) - copied, copied)
    elif spec.padding_mode == "replicate":
        copied = np.clip(relative, 0, size - 1)
    elif spec.padding_mode == "circular":
        copied = np.mod(relative, size)
    else:
        copied = np.full(geometry.grid, -1)
    source = np.where(real, index, np.where(padding, copied, -1))
    return kind, input_index, source


def _group_table(spec: Spec) -> np.ndarray:
    """Per group, the input channels it reads."""
    if spec.is_pool:
        # Pooling reads each channel alone: as many one-channel "groups" as channels.
        return np.arange(spec.in_channels)[:, None]
    return np.arange(spec.in_channels).reshape(spec.groups, spec.in_channels // spec.groups)


def _group_of(spec: Spec, channel: np.ndarray) -> np.ndarray:
    """The group of each output channel."""
    if spec.is_pool:
        return channel
    return channel // (spec.out_channels // spec.groups)


def plan(spec: Spec) -> Plan:
    """Enumerate every kernel position of ``spec``.

    Parameters
    ----------
    spec : Spec
        The operation to plan.

    Returns
    -------
    Plan
        One frame per output value: output channel first, then the output cells in
        raster order (first output row first, left to right; C order for N axes).
        Every array is read-only.

    Notes
    -----
    Nothing per frame is computed here: each array is built on first read, with
    broadcasting only (a few array operations of size ``frames x taps``, no Python
    loop per frame), and refused with a one-line :class:`~convanim.SpecError` if it
    would exceed :data:`~convanim.limits.MAX_ARRAY_BYTES`. ``plan(spec)[i]``,
    :meth:`Plan.select` and :meth:`Plan.chunks` read any frames of any spec.
    """
    if not isinstance(spec, Spec):
        raise TypeError(f"plan() expects a Spec, got {type(spec).__name__}")
    return Plan(spec)
