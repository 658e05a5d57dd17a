"""The validated, immutable description of one convolution or pooling operation.

A :class:`Spec` accepts exactly what :mod:`torch.nn.functional` accepts for the same
operation (checked against PyTorch by the test-suite) and derives, per axis, the geometry
that the planner and the renderers read: the kernel's effective extent, the grid the
window slides over, where each real input cell sits on that grid and the trailing extra
cells of a transposed convolution.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from typing import Literal

from .errors import SpecError, invalid

__all__ = ["OPS", "AxisGeometry", "Spec", "SpecError"]

Op = Literal["conv", "conv_transpose", "max_pool", "avg_pool"]
OPS: tuple[str, ...] = ("conv", "conv_transpose", "max_pool", "avg_pool")
MAX_AXES = 3

_PARAMETERS = ("input_size", "kernel_size", "stride", "padding", "dilation", "output_padding")


def _invalid(name: str, axis: int | None, value: object, expected: str) -> SpecError:
    return invalid(name, value, expected, axis=axis)


def _is_int(value: object) -> bool:
    # bool is an Integral, but True as a stride is always a typo.
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


@dataclass(frozen=True, slots=True, kw_only=True)
class AxisGeometry:
    """Everything the planner and the renderers need to know about one axis.

    Attributes
    ----------
    input, kernel, stride, padding, dilation, output_padding : int
        The spec's values on this axis.
    output : int
        Number of output cells along this axis.
    kernel_extent : int
        Cells spanned by the dilated kernel, ``(kernel - 1) * dilation + 1``.
    grid : int
        Cells of the grid the window slides over: the padded input for a direct
        operation, the stretched and padded input for a transposed convolution.
    window_step : int
        Grid cells between consecutive window positions (the stride for a direct
        operation, 1 for the equivalent direct convolution of a transposed one).
    input_offset : int
        Grid position of input cell 0. Negative only for a transposed convolution whose
        padding exceeds ``kernel_extent - 1``, which crops the stretched input.
    input_step : int
        Grid cells between consecutive input cells (the stride for a transposed
        convolution, whose inputs are stretched apart by ``stride - 1`` zeros; else 1).
    extra : int
        Zero cells appended at the end of the grid (``output_padding``, the tutorial's
        ``a``) for a transposed convolution; 0 otherwise.
    unreached : int
        Trailing grid cells that no window position covers, ``(grid - kernel_extent) mod
        window_step``.
    """

    input: int
    kernel: int
    stride: int
    padding: int
    dilation: int
    output_padding: int
    output: int
    kernel_extent: int
    grid: int
    window_step: int
    input_offset: int
    input_step: int
    extra: int
    unreached: int


_INT64_MAX = 2**63 - 1  # PyTorch holds sizes in int64 and refuses anything larger


def _normalise(name: str, value: object, ndim: int | None) -> tuple[int, ...] | int:
    """Return an int (to broadcast later) or a tuple of ints; raise SpecError otherwise."""
    if _is_int(value):
        if abs(int(value)) > _INT64_MAX:
            raise _invalid(name, None, value, f"an integer of at most {_INT64_MAX}")
        return int(value)
    if isinstance(value, (tuple, list)):
        if not 1 <= len(value) <= MAX_AXES or (ndim is not None and len(value) != ndim):
            expected = (
                f"an integer or a tuple of 1 to {MAX_AXES} integers (one per axis)"
                if ndim is None
                else f"an integer or a tuple of {ndim} integers (one per axis, "
                f"as input_size has {ndim})"
            )
            raise _invalid(name, None, tuple(value), expected)
        for axis, item in enumerate(value):
            if not _is_int(item):
                raise _invalid(name, axis, item, "an integer")
            if abs(int(item)) > _INT64_MAX:
                raise _invalid(name, axis, item, f"an integer of at most {_INT64_MAX}")
        return tuple(int(item) for item in value)
    raise _invalid(name, None, value, "an integer or a tuple of integers (one per axis)")


@dataclass(frozen=True, slots=True)
class Spec:
    """One convolution or pooling operation, with PyTorch's meaning for every parameter.

    Parameters
    ----------
    op : {"conv", "conv_transpose", "max_pool", "avg_pool"}
        The operation, as in ``torch.nn.functional.{conv,conv_transpose,max_pool,
        avg_pool}{1,2,3}d``.
    input_size, kernel_size : int or tuple of int
        Spatial sizes. An int means the same value on every axis.
    stride, padding, dilation, output_padding : int or tuple of int
        As in PyTorch. ``output_padding`` applies to ``conv_transpose`` only; ``dilation``
        does not exist for ``avg_pool``. Average pooling counts padded zeros, as
        PyTorch's default ``count_include_pad=True`` does.

    Raises
    ------
    SpecError
        A subclass of ``ValueError`` with a one-line message naming the parameter, the
        axis, the value and the valid range, for every spec PyTorch would refuse.

    Notes
    -----
    The number of axes (1, 2 or 3) is the length of the tuples given, which must agree;
    a spec written only in ints is 2-D, like the tutorial. Every value is stored as a
    tuple with one entry per axis.

    Examples
    --------
    >>> spec = Spec("conv", 5, 3, stride=2, padding=1)
    >>> spec.output_size
    (3, 3)
    >>> spec.describe()
    'conv 5x5, k 3, s 2, p 1 -> 3x3'
    """

    op: Op
    input_size: tuple[int, ...]
    kernel_size: tuple[int, ...]
    stride: tuple[int, ...] = 1  # type: ignore[assignment]
    padding: tuple[int, ...] = 0  # type: ignore[assignment]
    dilation: tuple[int, ...] = 1  # type: ignore[assignment]
    output_padding: tuple[int, ...] = 0  # type: ignore[assignment]
    axes: tuple[AxisGeometry, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.op, str) or self.op not in OPS:
            raise _invalid("op", None, self.op, "one of " + ", ".join(repr(op) for op in OPS))
        raw = {name: getattr(self, name) for name in _PARAMETERS}
        ndim = None
        for name in _PARAMETERS:
            normalised = _normalise(name, raw[name], ndim)
            if isinstance(normalised, tuple):
                ndim = len(normalised)
            raw[name] = normalised
        ndim = ndim or 2
        values = {
            name: value if isinstance(value, tuple) else (value,) * ndim
            for name, value in raw.items()
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)
        axes = tuple(
            _axis_geometry(self.op, axis, ndim, raw, **{n: values[n][axis] for n in _PARAMETERS})
            for axis in range(ndim)
        )
        object.__setattr__(self, "axes", axes)

    # -- derived geometry, one value per axis ------------------------------------------
    @property
    def ndim(self) -> int:
        """Number of spatial axes (1, 2 or 3)."""
        return len(self.axes)

    @property
    def transposed(self) -> bool:
        """Whether the op is a transposed convolution."""
        return self.op == "conv_transpose"

    @property
    def is_pool(self) -> bool:
        """Whether the op is a pooling (no weights)."""
        return self.op in ("max_pool", "avg_pool")

    @property
    def output_size(self) -> tuple[int, ...]:
        """Output cells per axis, as PyTorch computes them."""
        return tuple(axis.output for axis in self.axes)

    @property
    def kernel_extent(self) -> tuple[int, ...]:
        """Cells spanned by the dilated kernel per axis, ``(k - 1) * d + 1``."""
        return tuple(axis.kernel_extent for axis in self.axes)

    @property
    def grid_size(self) -> tuple[int, ...]:
        """Size of the grid the window slides over (padded, or stretched, input)."""
        return tuple(axis.grid for axis in self.axes)

    @property
    def window_step(self) -> tuple[int, ...]:
        """Grid cells between consecutive window positions per axis."""
        return tuple(axis.window_step for axis in self.axes)

    @property
    def input_offset(self) -> tuple[int, ...]:
        """Grid position of input cell 0 per axis."""
        return tuple(axis.input_offset for axis in self.axes)

    @property
    def input_step(self) -> tuple[int, ...]:
        """Grid cells between consecutive input cells per axis."""
        return tuple(axis.input_step for axis in self.axes)

    @property
    def extra(self) -> tuple[int, ...]:
        """Extra trailing zero rows/columns (the tutorial's ``a``) per axis."""
        return tuple(axis.extra for axis in self.axes)

    @property
    def num_frames(self) -> int:
        """Number of kernel positions, one per output cell."""
        count = 1
        for size in self.output_size:
            count *= size
        return count

    def input_position(self, axis: int, index: int) -> int:
        """Grid position of input cell ``index`` along ``axis``."""
        geometry = self.axes[axis]
        return geometry.input_offset + index * geometry.input_step

    # -- related specs --------------------------------------------------------------
    def transpose(self) -> Spec:
        """The transposed convolution that maps this convolution's output size back.

        For ``op="conv"`` this is the tutorial's ``*_transposed`` case: same kernel,
        stride, padding and dilation, input of this spec's output size and
        ``output_padding = (i + 2p - k_eff) mod s`` so that it returns the input size.
        """
        if self.op != "conv":
            raise _invalid("op", None, self.op, "'conv' (only a convolution has a transpose here)")
        return Spec(
            "conv_transpose",
            self.output_size,
            self.kernel_size,
            stride=self.stride,
            padding=self.padding,
            dilation=self.dilation,
            # the rows/columns no window reaches, (i + 2p - k_eff) mod s, come back as `a`
            output_padding=tuple(axis.unreached for axis in self.axes),
        )

    # -- words ------------------------------------------------------------------------
    def describe(self) -> str:
        """A short human description, e.g. ``'conv 5x5, k 3, s 2, p 1 -> 3x3'``."""
        parts = [
            f"{self.op} {_dims(self.input_size)}",
            f"k {_dims(self.kernel_size, compact=True)}",
        ]
        for label, name, default in (
            ("s", "stride", 1),
            ("p", "padding", 0),
            ("d", "dilation", 1),
            ("a", "output_padding", 0),
        ):
            value = getattr(self, name)
            if any(v != default for v in value):
                parts.append(f"{label} {_dims(value, compact=True)}")
        return ", ".join(parts) + f" -> {_dims(self.output_size)}"

    def __str__(self) -> str:
        return self.describe()

    def output_arithmetic(self) -> list[str]:
        """The output-size formula written out per axis, e.g. ``'(5 + 2*1 - 3) // 2 + 1 = 3'``."""
        lines = []
        for axis in self.axes:
            i, k, s, p, d = axis.input, axis.kernel, axis.stride, axis.padding, axis.dilation
            # The dilated extent is parenthesised where a minus sign precedes it, so
            # that the text is a Python expression equal to the size (tests eval it).
            if self.transposed:
                keff = f"{d}*({k} - 1) + 1" if d != 1 else f"{k}"
                text = f"({i} - 1)*{s} - 2*{p} + {keff} + {axis.output_padding}"
            else:
                keff = f"({d}*({k} - 1) + 1)" if d != 1 else f"{k}"
                text = f"({i} + 2*{p} - {keff}) // {s} + 1"
            lines.append(f"{text} = {axis.output}")
        return lines

    def torch_call(self) -> str:
        """The equivalent ``torch.nn.functional`` call, as a line of Python."""
        function = f"torch.nn.functional.{self.op}{self.ndim}d"
        if self.op == "conv_transpose":
            function = f"torch.nn.functional.conv_transpose{self.ndim}d"

        def arg(values: tuple[int, ...]) -> str:
            return str(values[0]) if len(set(values)) == 1 else str(values)

        if self.op in ("conv", "conv_transpose"):
            args = ["x", "weight", f"stride={arg(self.stride)}", f"padding={arg(self.padding)}"]
            if self.transposed:
                args.append(f"output_padding={arg(self.output_padding)}")
            args.append(f"dilation={arg(self.dilation)}")
        else:
            args = ["x", f"kernel_size={arg(self.kernel_size)}", f"stride={arg(self.stride)}"]
            args.append(f"padding={arg(self.padding)}")
            if self.op == "max_pool":
                args.append(f"dilation={arg(self.dilation)}")
        shape = "x.shape = (N, C, " + ", ".join(str(v) for v in self.input_size) + ")"
        return f"{function}({', '.join(args)})  # {shape}"


def _dims(values: tuple[int, ...], *, compact: bool = False) -> str:
    # "k 3" reads better than "k 3x3"; grid sizes keep the full "5x5" form.
    if compact and len(set(values)) == 1:
        return str(values[0])
    return "x".join(str(v) for v in values)


def _axis_geometry(
    op: str,
    axis: int,
    ndim: int,
    raw: dict[str, tuple[int, ...] | int],
    *,
    input_size: int,
    kernel_size: int,
    stride: int,
    padding: int,
    dilation: int,
    output_padding: int,
) -> AxisGeometry:
    """Validate one axis and derive its geometry; errors name that axis."""

    def fail(name: str, value: int, expected: str) -> SpecError:
        # Name the axis only where the user gave one value per axis.
        return _invalid(name, axis if isinstance(raw[name], tuple) else None, value, expected)

    if input_size < 1:
        raise fail("input_size", input_size, "an integer >= 1 (an empty input has nothing to draw)")
    if kernel_size < 1:
        raise fail("kernel_size", kernel_size, "an integer >= 1")
    if stride < 1:
        raise fail("stride", stride, "an integer >= 1")
    if padding < 0:
        raise fail("padding", padding, "an integer >= 0")
    if dilation < 1:
        raise fail("dilation", dilation, "an integer >= 1")
    if output_padding < 0:
        raise fail("output_padding", output_padding, "an integer >= 0")

    extent = (kernel_size - 1) * dilation + 1
    if op == "avg_pool" and dilation != 1:
        raise fail("dilation", dilation, "1 (PyTorch's avg_pool has no dilation)")
    if op != "conv_transpose" and output_padding != 0:
        raise fail(
            "output_padding", output_padding, "0 (output_padding applies to conv_transpose only)"
        )

    if op == "conv_transpose":
        bound = max(stride, dilation)
        if output_padding >= bound:
            raise fail(
                "output_padding",
                output_padding,
                f"an integer between 0 and {bound - 1} (smaller than stride or dilation)",
            )
        output = (input_size - 1) * stride - 2 * padding + extent + output_padding
        if output < 1:
            largest = ((input_size - 1) * stride + extent + output_padding - 1) // 2
            raise fail(
                "padding",
                padding,
                f"an integer between 0 and {largest} (more padding crops the whole output)",
            )
        offset = extent - 1 - padding
        stretched = (input_size - 1) * stride + 1
        return AxisGeometry(
            input=input_size,
            kernel=kernel_size,
            stride=stride,
            padding=padding,
            dilation=dilation,
            output_padding=output_padding,
            output=output,
            kernel_extent=extent,
            grid=stretched + 2 * offset + output_padding,
            window_step=1,
            input_offset=offset,
            input_step=stride,
            extra=output_padding,
            unreached=0,
        )

    if op in ("max_pool", "avg_pool") and padding > kernel_size // 2:
        raise fail(
            "padding",
            padding,
            f"an integer between 0 and {kernel_size // 2} (at most half the kernel size "
            f"{kernel_size}, as PyTorch requires for {op})",
        )
    if op == "avg_pool" and ndim == 3 and kernel_size > input_size:
        raise fail(
            "kernel_size",
            kernel_size,
            f"an integer between 1 and {input_size} (PyTorch's avg_pool3d needs the "
            f"unpadded input of {input_size} cells to hold the kernel)",
        )
    grid = input_size + 2 * padding
    if grid < extent:
        largest_kernel = (grid - 1) // dilation + 1
        span = (
            f"padded input of {input_size} + 2*{padding} = {grid}"
            if padding
            else (f"input of {grid}")
        )
        dilated = f" at dilation {dilation}" if dilation != 1 else ""
        raise fail(
            "kernel_size",
            kernel_size,
            f"an integer between 1 and {largest_kernel} (the window{dilated} must fit in "
            f"the {span} cells)",
        )
    output = (grid - extent) // stride + 1
    return AxisGeometry(
        input=input_size,
        kernel=kernel_size,
        stride=stride,
        padding=padding,
        dilation=dilation,
        output_padding=0,
        output=output,
        kernel_extent=extent,
        grid=grid,
        window_step=stride,
        input_offset=padding,
        input_step=1,
        extra=0,
        unreached=(grid - extent) % stride,
    )
