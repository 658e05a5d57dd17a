"""Every kernel position of a :class:`~convanim.spec.Spec`, as read-only numpy arrays.

The plan is pure arithmetic: no drawing, no I/O. One frame per output cell, in raster
(C) order. A transposed convolution is planned as Dumoulin & Visin draw it: a direct,
stride-1 convolution over the input stretched with ``stride - 1`` zeros between cells,
padded by ``kernel_extent - 1 - padding`` on every side, plus ``output_padding`` extra
zero cells at the end of each axis.
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


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Plan:
    """The kernel positions of one spec, as read-only arrays indexed by frame.

    With ``F`` frames (output cells), ``T`` taps per window (``prod(kernel_size)``) and
    ``N`` axes:

    Attributes
    ----------
    spec : Spec
        What was planned.
    output_cell : ndarray of int, shape (F, N)
        The output cell each frame writes, in raster order.
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

    def flat_input_index(self) -> np.ndarray:
        """Index of each tap's input cell in ``x.ravel()``, -1 off the input; shape (F, T)."""
        real = self.tap_kind == CellKind.INPUT
        flat = np.ravel_multi_index(
            tuple(
                np.where(real, self.tap_input_index[..., axis], 0) for axis in range(self.spec.ndim)
            ),
            self.spec.input_size,
        )
        return np.where(real, flat, -1)


def axis_cells(spec: Spec, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Per grid position along one axis: its CellKind and its input index (-1 if none)."""
    geometry = spec.axes[axis]
    position = np.arange(geometry.grid)
    relative = position - geometry.input_offset
    index, remainder = np.divmod(relative, geometry.input_step)
    inside = (relative >= 0) & (relative <= (geometry.input - 1) * geometry.input_step)
    real = inside & (remainder == 0)
    kind = np.full(geometry.grid, CellKind.PADDING, dtype=np.uint8)
    kind[inside] = CellKind.INSERTED
    kind[real] = CellKind.INPUT
    return kind, np.where(real, index, -1)


def plan(spec: Spec) -> Plan:
    """Enumerate every kernel position of ``spec``.

    Parameters
    ----------
    spec : Spec
        The operation to plan.

    Returns
    -------
    Plan
        One frame per output cell, in raster order (first output row first, left to
        right; C order for N axes). Every array is read-only.

    Notes
    -----
    Built with broadcasting only: the cost is a few array operations of size
    ``frames x taps``, with no Python loop per frame.
    """
    if not isinstance(spec, Spec):
        raise TypeError(f"plan() expects a Spec, got {type(spec).__name__}")
    ndim = spec.ndim
    output_cell = np.indices(spec.output_size).reshape(ndim, -1).T
    window_origin = output_cell * np.asarray(spec.window_step)
    kernel_index = np.indices(spec.kernel_size).reshape(ndim, -1).T
    tap_offset = kernel_index * np.asarray(spec.dilation)
    tap_position = window_origin[:, None, :] + tap_offset[None, :, :]

    # Kinds factor per axis; the N-D kind is the "strongest" of the axes' kinds:
    # outside the stretched input on any axis is padding, else between inputs on any
    # axis is an inserted zero, else a real cell.
    per_axis = [axis_cells(spec, axis) for axis in range(ndim)]
    axis_rank = np.array([0, 2, 1], dtype=np.uint8)  # CellKind -> strength
    rank_kind = np.array([CellKind.INPUT, CellKind.INSERTED, CellKind.PADDING], dtype=np.uint8)
    tap_rank = np.zeros(tap_position.shape[:2], dtype=np.uint8)
    tap_input_index = np.empty_like(tap_position)
    grid_rank = np.zeros(spec.grid_size, dtype=np.uint8)
    for axis, (kind, index) in enumerate(per_axis):
        positions = tap_position[..., axis]
        np.maximum(tap_rank, axis_rank[kind[positions]], out=tap_rank)
        tap_input_index[..., axis] = index[positions]
        shape = [1] * ndim
        shape[axis] = -1
        np.maximum(grid_rank, axis_rank[kind].reshape(shape), out=grid_rank)
    tap_kind = rank_kind[tap_rank]
    tap_input_index[tap_kind != CellKind.INPUT] = -1

    return Plan(
        spec=spec,
        output_cell=_readonly(output_cell),
        window_origin=_readonly(window_origin),
        kernel_index=_readonly(kernel_index),
        tap_offset=_readonly(tap_offset),
        tap_position=_readonly(tap_position),
        tap_kind=_readonly(tap_kind),
        tap_input_index=_readonly(tap_input_index),
        grid_kind=_readonly(rank_kind[grid_rank]),
    )
