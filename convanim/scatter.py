"""A transposed convolution as stamps: every input cell adds a scaled kernel to the output.

The plan (:mod:`convanim.plan`) walks a transposed convolution as the tutorial draws it,
gathering: a direct convolution over the input stretched with zeros. Frameworks compute
it the other way round, scattering: input cell ``a`` adds ``x[a] * w`` (the kernel, not
flipped) onto the output cells ``a * stride + t * dilation`` for every tap ``t``, and
overlapping stamps add up. :func:`scatter_plan` is that second walk, one frame per input
cell, on the *full* output grid, before PyTorch crops it:

* per axis the full grid has ``(i - 1) * s + d * (k - 1) + 1 + output_padding`` cells:
  every stamp lands inside the first ``(i - 1) * s + d * (k - 1) + 1``, and the
  ``output_padding`` cells after them hold whatever stamps reach them (none when the
  padding is 0);
* PyTorch keeps the window ``[padding, full - padding)``: ``padding`` cells cropped from
  both ends, so the ``output_padding`` cells are kept at the end of each axis.

Where the kernel's extent is not a multiple of the stride, the stamps overlap unevenly:
:meth:`ScatterPlan.overlap` counts them per cell (the transposed convolution of ones with
a kernel of ones), the origin of checkerboard artifacts (Odena, Dumoulin & Olah, 2016).

Pure numpy: no drawing here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .compute import _check_channel_array, _single_channel
from .errors import SpecError
from .spec import Spec

__all__ = ["ScatterPlan", "full_size", "scatter_plan"]


def _readonly(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class ScatterPlan:
    """Every stamp of a transposed convolution, one frame per input cell.

    Frames run over the input channels first, then the input cells in raster (C)
    order: frame ``f`` stamps input channel ``f // cells``, cell number ``f % cells``
    (``cells = prod(spec.input_size)``). A stamp of channel ``c`` reaches every output
    channel of ``c``'s group.

    Attributes
    ----------
    spec : Spec
        A ``conv_transpose`` spec.
    full_size : tuple of int
        Cells of the full (uncropped) output grid per axis.
    crop : tuple of (int, int)
        ``(start, stop)`` per axis: the cells of the full grid PyTorch keeps.
    input_channel : ndarray (F,)
        The input channel each frame stamps.
    input_cell : ndarray (F, ndim)
        The input cell each frame stamps.
    tap_index : ndarray (T, ndim)
        The kernel index of each tap, raster order.
    stamp_cell : ndarray (F, T, ndim)
        Where on the full grid each frame's taps land: ``input_cell * stride +
        tap_index * dilation``.
    """

    spec: Spec
    full_size: tuple[int, ...]
    crop: tuple[tuple[int, int], ...]
    input_channel: np.ndarray
    input_cell: np.ndarray
    tap_index: np.ndarray
    stamp_cell: np.ndarray

    @property
    def frames(self) -> int:
        """Number of frames: ``in_channels * prod(input_size)``."""
        return len(self.input_cell)

    @property
    def crop_slices(self) -> tuple[slice, ...]:
        """The kept window as slices of the full grid's axes."""
        return tuple(slice(start, stop) for start, stop in self.crop)

    @property
    def output_padding_start(self) -> tuple[int, ...]:
        """Per axis, the first full-grid cell of the ``output_padding`` kept at the end."""
        return tuple(
            stop - extra
            for (_, stop), extra in zip(self.crop, self.spec.output_padding, strict=True)
        )

    def overlap(self) -> np.ndarray:
        """How many stamps reach each cell of the full grid, for one channel, (full_size).

        The transposed convolution of ones with a kernel of ones, before cropping.
        """
        counts = np.zeros(self.full_size, dtype=np.int64)
        cells = self.stamp_cell[self.input_channel == 0].reshape(-1, self.spec.ndim)
        np.add.at(counts, tuple(cells.T), 1)
        return _readonly(counts)

    def stamps(self, x: object, weight: object) -> np.ndarray:
        """What each frame adds to the full grid: ``x[c, a] * weight[c]`` on its taps.

        Parameters
        ----------
        x, weight : array_like
            As :func:`~convanim.evaluate` takes them: ``spec.input_shape`` and
            ``spec.weight_shape`` (or, for one channel, ``input_size`` and
            ``kernel_size``).

        Returns
        -------
        ndarray (F, out_channels, T)
            The value each tap of frame ``f`` adds to each output channel (0 for the
            channels outside the stamping channel's group).
        """
        spec = self.spec
        single = _single_channel(spec)
        x, _ = _check_channel_array("x", x, spec.input_shape, spec.input_size, single)
        weight, _ = _check_channel_array(
            "weight", weight, spec.weight_shape, spec.kernel_size, single
        )
        taps = weight[(Ellipsis, *self.tap_index.T)]  # (in, out // groups, T)
        values = x[(self.input_channel, *self.input_cell.T)]  # (F,)
        per_group = spec.out_channels // spec.groups
        in_per_group = spec.in_channels // spec.groups
        added = np.zeros((self.frames, spec.out_channels, len(self.tap_index)))
        # Frame f writes the out channels of its input channel's group, all frames at once.
        first = self.input_channel // in_per_group * per_group
        channels = first[:, None] + np.arange(per_group)  # (F, out // groups)
        frames = np.arange(self.frames)[:, None]
        added[frames, channels] = values[:, None, None] * taps[self.input_channel]
        return added

    def partial_sums(self, x: object, weight: object) -> np.ndarray:
        """The full output grid after each frame's stamp (running sums).

        Parameters
        ----------
        x, weight : array_like
            As :meth:`stamps` takes them.

        Returns
        -------
        ndarray, shape ``(F, out_channels, *full_size)``
            Frame ``f``: the sum of stamps ``0..f``. The last frame cropped by
            :attr:`crop_slices` is :func:`~convanim.evaluate`'s output.
        """
        spec = self.spec
        added = self.stamps(x, weight)
        sums = np.zeros((self.frames, spec.out_channels, *self.full_size))
        flat = sums.reshape(self.frames, spec.out_channels, -1)
        cells = np.ravel_multi_index(tuple(np.moveaxis(self.stamp_cell, -1, 0)), self.full_size)
        # Dilated taps never share a cell within one stamp, and each frame has its own
        # row: plain indexing adds, every frame at once.
        frames = np.arange(self.frames)[:, None, None]
        channels = np.arange(spec.out_channels)[None, :, None]
        flat[frames, channels, cells[:, None, :]] += added
        np.cumsum(sums, axis=0, out=sums)
        return _readonly(sums)

    def output(self, sums: np.ndarray) -> np.ndarray:
        """The kept window of the last frame's sums: ``spec.output_shape``."""
        return sums[-1][(slice(None), *self.crop_slices)]


def full_size(spec: Spec) -> tuple[int, ...]:
    """Cells per axis of a transposed convolution's full output grid, before cropping:
    ``(i - 1) * s + d * (k - 1) + 1 + output_padding``."""
    return tuple(
        (axis.input - 1) * axis.stride + axis.kernel_extent + axis.output_padding
        for axis in spec.axes
    )


def scatter_plan(spec: Spec) -> ScatterPlan:
    """The stamps of the transposed convolution ``spec``, one frame per input cell.

    Parameters
    ----------
    spec : Spec
        A ``conv_transpose`` spec of any number of axes, channels and groups.

    Returns
    -------
    ScatterPlan

    Raises
    ------
    SpecError
        For a spec that is not a transposed convolution.

    Examples
    --------
    >>> stamps = scatter_plan(Spec("conv_transpose", (2,), (3,), stride=2, padding=1))
    >>> stamps.full_size, stamps.crop, stamps.frames
    ((5,), ((1, 4),), 2)
    >>> stamps.overlap().tolist()
    [1, 1, 2, 1, 1]
    """
    if not isinstance(spec, Spec) or not spec.transposed:
        op = spec.op if isinstance(spec, Spec) else spec
        raise SpecError(
            f"op = {op!r} is not valid for stamps: expected 'conv_transpose' (only a "
            "transposed convolution scatters its input)",
            parameter="op",
            value=op,
            expected="'conv_transpose'",
        )
    axes = spec.axes
    full = full_size(spec)
    crop = tuple((axis.padding, size - axis.padding) for axis, size in zip(axes, full, strict=True))
    cells = np.indices(spec.input_size).reshape(spec.ndim, -1).T
    count = len(cells)
    input_cell = np.tile(cells, (spec.in_channels, 1))
    input_channel = np.repeat(np.arange(spec.in_channels), count)
    tap_index = np.indices(spec.kernel_size).reshape(spec.ndim, -1).T
    stride = np.array(spec.stride)
    dilation = np.array(spec.dilation)
    stamp_cell = input_cell[:, None, :] * stride + tap_index[None, :, :] * dilation
    return ScatterPlan(
        spec=spec,
        full_size=full,
        crop=crop,
        input_channel=_readonly(input_channel),
        input_cell=_readonly(input_cell),
        tap_index=_readonly(tap_index),
        stamp_cell=_readonly(stamp_cell),
    )
