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


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Plan:
    """The kernel positions of one spec, as read-only arrays indexed by frame.

    With ``F`` frames (output values: ``out_channels`` times the output cells), ``T``
    taps per window (``prod(kernel_size)``) and ``N`` axes. Frame ``f`` writes output
    channel ``f // P`` at output cell ``f % P`` (``P`` output cells, raster order), so
    a one-channel spec has one frame per output cell.

    Attributes
    ----------
    spec : Spec
        What was planned.
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

    spec: Spec
    output_cell: np.ndarray
    window_origin: np.ndarray
    kernel_index: np.ndarray
    tap_offset: np.ndarray
    tap_position: np.ndarray
    tap_kind: np.ndarray
    tap_input_index: np.ndarray
    grid_kind: np.ndarray
    output_channel: np.ndarray
    group: np.ndarray
    group_input_channels: np.ndarray
    tap_source_index: np.ndarray
    grid_source_index: np.ndarray

    def __len__(self) -> int:
        return self.output_cell.shape[0]

    def __getitem__(self, index: int) -> Frame:
        if not -len(self) <= index < len(self):
            raise IndexError(f"frame {index} is out of range for a plan of {len(self)} frames")
        index %= len(self)
        return Frame(
            index=index,
            output_cell=tuple(int(v) for v in self.output_cell[index]),
            window_origin=tuple(int(v) for v in self.window_origin[index]),
            tap_position=self.tap_position[index],
            tap_kind=self.tap_kind[index],
            tap_input_index=self.tap_input_index[index],
            output_channel=int(self.output_channel[index]),
            input_channels=tuple(int(c) for c in self.group_input_channels[self.group[index]]),
            tap_source_index=self.tap_source_index[index],
        )

    def __iter__(self) -> Iterator[Frame]:
        for index in range(len(self)):
            yield self[index]

    def __repr__(self) -> str:
        return f"<Plan of {len(self)} frames: {self.spec.describe()}>"

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


def _channel_tables(spec: Spec, positions: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per frame: output channel and group; per group: the input channels it reads."""
    output_channel = np.repeat(np.arange(spec.out_channels), positions)
    if spec.is_pool:
        # Pooling reads each channel alone: as many one-channel "groups" as channels.
        return output_channel, output_channel, np.arange(spec.in_channels)[:, None]
    per_group = spec.in_channels // spec.groups
    group = output_channel // (spec.out_channels // spec.groups)
    table = np.arange(spec.in_channels).reshape(spec.groups, per_group)
    return output_channel, group, table


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
    Built with broadcasting only: the cost is a few array operations of size
    ``frames x taps``, with no Python loop per frame. The spatial arrays of several
    output channels are copies of the first channel's.
    """
    if not isinstance(spec, Spec):
        raise TypeError(f"plan() expects a Spec, got {type(spec).__name__}")
    ndim = spec.ndim
    output_cell = np.indices(spec.output_size).reshape(ndim, -1).T
    window_origin = output_cell * np.asarray(spec.window_step)
    kernel_index = np.indices(spec.kernel_size).reshape(ndim, -1).T
    tap_offset = kernel_index * np.asarray(spec.dilation)
    tap_position = window_origin[:, None, :] + tap_offset[None, :, :]

    # Kinds factor per axis; the N-D kind is the strongest of the axes' kinds.
    per_axis = [_axis_cells(spec, axis) for axis in range(ndim)]
    tap_rank = np.zeros(tap_position.shape[:2], dtype=np.uint8)
    tap_input_index = np.empty_like(tap_position)
    # Without a copying padding mode a tap reads its own input cell or a zero: the
    # source index is the input index (one read-only array, not two).
    tap_source_index = np.empty_like(tap_position) if spec.padding_mode != "zeros" else None
    grid_rank = np.zeros(spec.grid_size, dtype=np.uint8)
    grid_source_index = np.empty((*spec.grid_size, ndim), dtype=tap_position.dtype)
    copies = spec.padding_mode != "zeros"
    for axis, (kind, index, source) in enumerate(per_axis):
        positions = tap_position[..., axis]
        np.maximum(tap_rank, _RANK_OF_KIND[kind[positions]], out=tap_rank)
        tap_input_index[..., axis] = index[positions]
        if copies:
            tap_source_index[..., axis] = source[positions]
        shape = [1] * ndim
        shape[axis] = -1
        np.maximum(grid_rank, _RANK_OF_KIND[kind].reshape(shape), out=grid_rank)
        grid_source_index[..., axis] = source.reshape(shape)
    tap_kind = _KIND_OF_RANK[tap_rank]
    tap_input_index[tap_kind != CellKind.INPUT] = -1
    if copies:
        tap_source_index[(tap_kind != CellKind.INPUT) & (tap_kind != CellKind.COPY)] = -1
    grid_kind = _KIND_OF_RANK[grid_rank]
    grid_reads = (grid_kind == CellKind.INPUT) | (grid_kind == CellKind.COPY)
    grid_source_index[~grid_reads] = -1

    positions = output_cell.shape[0]
    output_channel, group, group_input_channels = _channel_tables(spec, positions)
    if spec.out_channels > 1:
        # Every output channel slides the same window: repeat the spatial frames.
        def repeat(array: np.ndarray) -> np.ndarray:
            return np.tile(array, (spec.out_channels,) + (1,) * (array.ndim - 1))

        output_cell, window_origin = repeat(output_cell), repeat(window_origin)
        tap_position, tap_kind = repeat(tap_position), repeat(tap_kind)
        tap_input_index = repeat(tap_input_index)
        if copies:
            tap_source_index = repeat(tap_source_index)
    if not copies:
        tap_source_index = tap_input_index

    return Plan(
        spec=spec,
        output_cell=_readonly(output_cell),
        window_origin=_readonly(window_origin),
        kernel_index=_readonly(kernel_index),
        tap_offset=_readonly(tap_offset),
        tap_position=_readonly(tap_position),
        tap_kind=_readonly(tap_kind),
        tap_input_index=_readonly(tap_input_index),
        grid_kind=_readonly(grid_kind),
        output_channel=_readonly(output_channel),
        group=_readonly(group),
        group_input_channels=_readonly(group_input_channels),
        tap_source_index=_readonly(tap_source_index),
        grid_source_index=_readonly(grid_source_index),
    )
