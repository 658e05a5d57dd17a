"""The validated, immutable description of one convolution or pooling operation.

A :class:`Spec` accepts exactly what :mod:`torch.nn` accepts for the same operation
(checked against PyTorch by the test-suite) and derives, per axis, the geometry that the
planner and the renderers read: the kernel's effective extent, the grid the window slides
over, where each real input cell sits on that grid and the trailing extra cells of a
transposed convolution.
"""

from __future__ import annotations

import numbers
from dataclasses import KW_ONLY, dataclass, field
from typing import Literal

from .errors import SpecError, invalid

__all__ = ["OPS", "PADDING_MODES", "AxisGeometry", "Spec", "SpecError", "drawing_refusal"]

Op = Literal["conv", "conv_transpose", "max_pool", "avg_pool"]
OPS: tuple[str, ...] = ("conv", "conv_transpose", "max_pool", "avg_pool")
PADDING_MODES: tuple[str, ...] = ("zeros", "reflect", "replicate", "circular")
"""``torch.nn.ConvNd``'s padding modes: what a padded cell of a convolution holds."""
MAX_AXES = 3

_PARAMETERS = ("input_size", "kernel_size", "stride", "padding", "dilation", "output_padding")
_INT64_MAX = 2**63 - 1  # PyTorch holds sizes in int64 and refuses anything larger
_CONV_PADDING_MAX = 2**62 - 1  # PyTorch's own bound on a convolution's padding


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
        The spec's values on this axis. ``padding`` is the padding before the input
        (equal to the padding after it unless the spec pads asymmetrically).
    output : int
        Number of output cells along this axis.
    kernel_extent : int
        Cells spanned by the dilated kernel, ``(kernel - 1) * dilation + 1``.
    grid : int
        Cells of the grid the window slides over: the padded input (plus the
        :attr:`overhang`) for a direct operation, the stretched and padded input for a
        transposed convolution.
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
        Trailing grid cells that no window position covers (for a floor-mode direct
        operation, ``(grid - kernel_extent) mod window_step``).
    padding_before, padding_after : int
        Padding cells before and after the input on this axis (a direct operation's;
        both equal ``padding`` for a transposed convolution).
    overhang : int
        Cells past the padded input that the last window of a ``ceil_mode`` pooling
        reaches; PyTorch ignores them (they are neither input nor padding). 0 otherwise.
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
    padding_before: int
    padding_after: int
    overhang: int


def _check_int64(name: str, axis: int | None, value: object) -> None:
    if abs(int(value)) > _INT64_MAX:  # type: ignore[call-overload]
        raise _invalid(name, axis, value, f"an integer of at most {_INT64_MAX}")


def _normalise(name: str, value: object, ndim: int | None) -> tuple[int, ...] | int:
    """Return an int (to broadcast later) or a tuple of ints; raise SpecError otherwise."""
    if _is_int(value):
        _check_int64(name, None, value)
        return int(value)  # type: ignore[call-overload]
    if isinstance(value, (tuple, list)):
        _check_length(name, value, ndim)
        for axis, item in enumerate(value):
            if not _is_int(item):
                raise _invalid(name, axis, item, "an integer")
            _check_int64(name, axis, item)
        return tuple(int(item) for item in value)
    raise _invalid(name, None, value, "an integer or a tuple of integers (one per axis)")


def _check_length(name: str, value: tuple | list, ndim: int | None) -> None:
    if not 1 <= len(value) <= MAX_AXES or (ndim is not None and len(value) != ndim):
        expected = (
            f"an integer or a tuple of 1 to {MAX_AXES} integers (one per axis)"
            if ndim is None
            else f"an integer or a tuple of {ndim} integers (one per axis, "
            f"as input_size has {ndim})"
        )
        raise _invalid(name, None, tuple(value), expected)


def _normalise_padding(op: str, value: object, ndim: int | None):
    """Padding as given: 'same', 'valid', an int, or a tuple of ints and (before, after) pairs."""
    if isinstance(value, str):
        if op != "conv":
            raise _invalid(
                "padding",
                None,
                value,
                "an integer or a tuple of integers (one per axis; 'same' and 'valid' "
                "apply to conv only)",
            )
        if value not in ("same", "valid"):
            raise _invalid(
                "padding",
                None,
                value,
                "an integer, a tuple of integers or (before, after) pairs, 'same' or 'valid'",
            )
        return value
    if not isinstance(value, (tuple, list)) or not any(
        isinstance(item, (tuple, list)) for item in value
    ):
        return _normalise("padding", value, ndim)
    _check_length("padding", value, ndim)
    items: list[int | tuple[int, int]] = []
    for axis, item in enumerate(value):
        if _is_int(item):
            _check_int64("padding", axis, item)
            items.append(int(item))
            continue
        if op != "conv":
            raise _invalid(
                "padding",
                axis,
                tuple(item) if isinstance(item, list) else item,
                "an integer ((before, after) pairs apply to conv only)",
            )
        if not isinstance(item, (tuple, list)) or len(item) != 2 or not all(map(_is_int, item)):
            raise _invalid(
                "padding", axis, item, "an integer or a (before, after) pair of integers"
            )
        for side in item:
            _check_int64("padding", axis, side)
        items.append((int(item[0]), int(item[1])))
    return tuple(items)


def _check_flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise _invalid(name, None, value, "True or False")
    return value


def _check_count(name: str, value: object, detail: str = "") -> int:
    if not _is_int(value):
        raise _invalid(name, None, value, "an integer")
    if value < 1:  # type: ignore[operator]
        raise _invalid(name, None, value, "an integer >= 1" + detail)
    _check_int64(name, None, value)
    return int(value)  # type: ignore[call-overload]


@dataclass(frozen=True, slots=True, repr=False)
class Spec:
    """One convolution or pooling operation, with PyTorch's meaning for every parameter.

    Parameters
    ----------
    op : {"conv", "conv_transpose", "max_pool", "avg_pool"}
        The operation, as in ``torch.nn.{Conv,ConvTranspose,MaxPool,AvgPool}{1,2,3}d``.
    input_size, kernel_size : int or tuple of int
        Spatial sizes. An int means the same value on every axis.
    stride : int or tuple of int, optional
        As in PyTorch, including its default: 1 for a convolution, ``kernel_size`` for
        pooling.
    padding : int, tuple, "same" or "valid"
        As in PyTorch. A convolution also takes ``"same"`` (stride 1; an odd total puts
        the extra cell after the input, as PyTorch does), ``"valid"`` (no padding) and,
        beyond PyTorch's layers, ``(before, after)`` pairs per axis, e.g. ``((2, 0),)``
        for a causal 1-D convolution: what ``torch.nn.functional.pad`` followed by an
        unpadded convolution computes.
    dilation, output_padding : int or tuple of int
        As in PyTorch. ``output_padding`` applies to ``conv_transpose`` only;
        ``dilation`` does not exist for ``avg_pool``.
    in_channels : int, keyword-only
        Input channels (1). Pooling keeps them: its output has as many.
    out_channels : int, keyword-only
        Output channels of a convolution; defaults to ``in_channels``.
    groups : int, keyword-only
        As in ``torch.nn.ConvNd``: must divide both channel counts; ``groups ==
        in_channels`` is a depthwise convolution.
    padding_mode : {"zeros", "reflect", "replicate", "circular"}, keyword-only
        What a convolution's padded cells hold, as in ``torch.nn.ConvNd`` (``conv``
        only; reflect needs padding smaller than the input, circular at most the input).
    ceil_mode : bool, keyword-only
        Pooling: round the output size up, as PyTorch does (the last window must start
        inside the input or the left padding).
    count_include_pad : bool, keyword-only
        Average pooling: whether padded cells count in the mean (PyTorch's default True).

    Raises
    ------
    SpecError
        A subclass of ``ValueError`` with a one-line message naming the parameter, the
        axis, the value and the valid range, for every spec PyTorch would refuse.

    Notes
    -----
    The number of axes (1, 2 or 3) is the length of the tuples given, which must agree;
    a spec written only in ints is 2-D, like the tutorial. Every value is stored as a
    tuple with one entry per axis (``padding`` keeps ``"same"``, and (before, after)
    pairs when they differ).

    Examples
    --------
    >>> spec = Spec("conv", 5, 3, stride=2, padding=1)
    >>> spec.output_size
    (3, 3)
    >>> spec.describe()
    'conv 5x5, k 3, s 2, p 1 -> 3x3'
    >>> Spec("max_pool", 6, 2).output_size  # pooling's stride defaults to its kernel
    (3, 3)
    >>> Spec("conv", 5, 3, in_channels=3, out_channels=8, padding="same").output_shape
    (8, 5, 5)
    """

    op: Op
    input_size: tuple[int, ...]
    kernel_size: tuple[int, ...]
    stride: tuple[int, ...] = None  # type: ignore[assignment]
    padding: tuple = 0  # type: ignore[assignment]
    dilation: tuple[int, ...] = 1  # type: ignore[assignment]
    output_padding: tuple[int, ...] = 0  # type: ignore[assignment]
    _: KW_ONLY
    in_channels: int = 1
    out_channels: int = None  # type: ignore[assignment]
    groups: int = 1
    padding_mode: str = "zeros"
    ceil_mode: bool = False
    count_include_pad: bool = True
    axes: tuple[AxisGeometry, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        op = self.op
        if not isinstance(op, str) or op not in OPS:
            raise _invalid("op", None, op, "one of " + ", ".join(repr(op) for op in OPS))
        is_pool = op in ("max_pool", "avg_pool")
        raw = {name: getattr(self, name) for name in _PARAMETERS}
        if raw["stride"] is None:
            # PyTorch's defaults: a pooling window steps by its own size.
            raw["stride"] = raw["kernel_size"] if is_pool else 1
        ndim = None
        for name in _PARAMETERS:
            if name == "padding":
                normalised = _normalise_padding(op, raw[name], ndim)
            else:
                normalised = _normalise(name, raw[name], ndim)
            if isinstance(normalised, tuple):
                ndim = len(normalised)
            raw[name] = normalised
        ndim = ndim or 2
        values = {
            name: value if isinstance(value, tuple) else (value,) * ndim
            for name, value in raw.items()
            if name != "padding"
        }
        self._check_channels(is_pool)
        before, after = self._resolve_padding(raw["padding"], values, ndim)
        for name, value in values.items():
            object.__setattr__(self, name, value)
        if isinstance(raw["padding"], str):
            stored = raw["padding"] if raw["padding"] == "same" else (0,) * ndim
        elif before == after:
            stored = before
        else:
            stored = tuple(zip(before, after, strict=True))
        object.__setattr__(self, "padding", stored)
        axes = tuple(
            _axis_geometry(
                op,
                axis,
                ndim,
                raw,
                padding_before=before[axis],
                padding_after=after[axis],
                padding_mode=self.padding_mode,
                ceil_mode=self.ceil_mode,
                **{n: values[n][axis] for n in _PARAMETERS if n != "padding"},
            )
            for axis in range(ndim)
        )
        object.__setattr__(self, "axes", axes)

    def _check_channels(self, is_pool: bool) -> None:
        op = self.op
        in_channels = _check_count("in_channels", self.in_channels)
        out_channels = in_channels if self.out_channels is None else self.out_channels
        out_channels = _check_count("out_channels", out_channels)
        object.__setattr__(self, "in_channels", in_channels)
        object.__setattr__(self, "out_channels", out_channels)
        groups = _check_count("groups", self.groups)
        mode = self.padding_mode
        if not isinstance(mode, str) or mode not in PADDING_MODES:
            raise _invalid(
                "padding_mode", None, mode, "one of " + ", ".join(map(repr, PADDING_MODES))
            )
        ceil_mode = _check_flag("ceil_mode", self.ceil_mode)
        count_include_pad = _check_flag("count_include_pad", self.count_include_pad)
        if is_pool:
            if out_channels != in_channels:
                raise _invalid(
                    "out_channels",
                    None,
                    out_channels,
                    f"{in_channels}, as in_channels (pooling keeps every channel)",
                )
            if groups != 1:
                raise _invalid("groups", None, groups, "1 (groups apply to convolutions only)")
            if mode != "zeros":
                raise _invalid(
                    "padding_mode", None, mode, "'zeros' (padding_mode applies to conv only)"
                )
        else:
            if ceil_mode:
                raise _invalid("ceil_mode", None, True, "False (ceil_mode applies to pooling only)")
            for name, count in (("in_channels", in_channels), ("out_channels", out_channels)):
                if count % groups:
                    raise _invalid(
                        "groups",
                        None,
                        groups,
                        f"a divisor of {name} = {count} (and of every channel count)",
                    )
            if op == "conv_transpose" and mode != "zeros":
                raise _invalid(
                    "padding_mode",
                    None,
                    mode,
                    "'zeros' (PyTorch's ConvTranspose supports only zeros padding)",
                )
        if op != "avg_pool" and not count_include_pad:
            raise _invalid(
                "count_include_pad",
                None,
                False,
                "True (count_include_pad applies to avg_pool only)",
            )

    def _resolve_padding(
        self, padding, values: dict[str, tuple[int, ...]], ndim: int
    ) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Padding before and after the input on every axis."""
        if padding == "valid":
            return (0,) * ndim, (0,) * ndim
        if padding == "same":
            stride = values["stride"]
            if any(s != 1 for s in stride):
                raise _invalid(
                    "padding",
                    None,
                    "same",
                    f"an integer or 'valid' with stride {stride} (PyTorch's 'same' needs stride 1)",
                )
            total = [
                (k - 1) * d for k, d in zip(values["kernel_size"], values["dilation"], strict=True)
            ]
            # PyTorch puts the odd cell of an even total after the input.
            return tuple(t // 2 for t in total), tuple(t - t // 2 for t in total)
        items = padding if isinstance(padding, tuple) else (padding,) * ndim
        before = tuple(item[0] if isinstance(item, tuple) else item for item in items)
        after = tuple(item[1] if isinstance(item, tuple) else item for item in items)
        return before, after

    def __repr__(self) -> str:
        fields = [
            f"op={self.op!r}",
            *(f"{name}={getattr(self, name)!r}" for name in _PARAMETERS),
        ]
        # New keywords show only when they differ from PyTorch's defaults.
        defaults = {
            "in_channels": 1,
            "out_channels": self.in_channels,
            "groups": 1,
            "padding_mode": "zeros",
            "ceil_mode": False,
            "count_include_pad": True,
        }
        for name, default in defaults.items():
            if getattr(self, name) != default:
                fields.append(f"{name}={getattr(self, name)!r}")
        return f"Spec({', '.join(fields)})"

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
    def output_shape(self) -> tuple[int, ...]:
        """Shape of one output, ``(out_channels, *output_size)``: PyTorch's without N."""
        return (self.out_channels, *self.output_size)

    @property
    def input_shape(self) -> tuple[int, ...]:
        """Shape of one input, ``(in_channels, *input_size)``: PyTorch's without N."""
        return (self.in_channels, *self.input_size)

    @property
    def weight_shape(self) -> tuple[int, ...] | None:
        """PyTorch's weight layout: ``(out, in // groups, *k)`` for conv,
        ``(in, out // groups, *k)`` for conv_transpose; None for pooling."""
        if self.is_pool:
            return None
        if self.transposed:
            return (self.in_channels, self.out_channels // self.groups, *self.kernel_size)
        return (self.out_channels, self.in_channels // self.groups, *self.kernel_size)

    @property
    def padding_pairs(self) -> tuple[tuple[int, int], ...]:
        """``(before, after)`` padding per axis, whatever form ``padding`` was given in."""
        return tuple((axis.padding_before, axis.padding_after) for axis in self.axes)

    @property
    def symmetric_padding(self) -> bool:
        """Whether every axis pads as much before the input as after it."""
        return all(axis.padding_before == axis.padding_after for axis in self.axes)

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
    def num_positions(self) -> int:
        """Number of kernel positions per output channel, one per output cell."""
        count = 1
        for size in self.output_size:
            count *= size
        return count

    @property
    def num_frames(self) -> int:
        """Number of frames of the plan: one per output value, ``out_channels`` times the
        number of output cells."""
        return self.out_channels * self.num_positions

    @property
    def channels_per_group(self) -> int:
        """Input channels each output channel reads (``in_channels // groups``; 1 for
        pooling and for a depthwise convolution)."""
        return 1 if self.is_pool else self.in_channels // self.groups

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
        Channels swap: the transpose of an ``in -> out`` convolution maps ``out -> in``.
        """
        if self.op != "conv":
            raise _invalid("op", None, self.op, "'conv' (only a convolution has a transpose here)")
        if self.padding_mode != "zeros":
            raise _invalid(
                "padding_mode",
                None,
                self.padding_mode,
                "'zeros' (only a zero-padded convolution has a transpose here)",
            )
        if not self.symmetric_padding:
            raise _invalid(
                "padding",
                None,
                self.padding,
                "symmetric padding (a transposed convolution pads both sides alike)",
            )
        return Spec(
            "conv_transpose",
            self.output_size,
            self.kernel_size,
            stride=self.stride,
            padding=tuple(axis.padding_before for axis in self.axes),
            dilation=self.dilation,
            # the rows/columns no window reaches, (i + 2p - k_eff) mod s, come back as `a`
            output_padding=tuple(axis.unreached for axis in self.axes),
            in_channels=self.out_channels,
            out_channels=self.in_channels,
            groups=self.groups,
        )

    # -- words ------------------------------------------------------------------------
    @property
    def _has_channels(self) -> bool:
        return self.in_channels != 1 or self.out_channels != 1 or self.groups != 1

    def describe(self) -> str:
        """A short human description, e.g. ``'conv 5x5, k 3, s 2, p 1 -> 3x3'``.

        Channels, groups and the other PyTorch keywords appear only when they are not
        the defaults, e.g. ``'conv 5x5 (3 ch), k 3, g 3 -> 3x3 (6 ch)'``.
        """
        channels = self._has_channels
        source = f"{self.op} {_dims(self.input_size)}"
        if channels:
            source += f" ({self.in_channels} ch)"
        parts = [source, f"k {_dims(self.kernel_size, compact=True)}"]
        for label, name, default in (
            ("s", "stride", 1),
            ("p", "padding", 0),
            ("d", "dilation", 1),
            ("a", "output_padding", 0),
        ):
            value = getattr(self, name)
            if name == "padding" and (value == "same" or not self.symmetric_padding):
                parts.append(f"p {_padding_text(self)}")
            elif any(v != default for v in value):
                parts.append(f"{label} {_dims(value, compact=True)}")
        if self.groups != 1:
            parts.append(f"g {self.groups}")
        if self.padding_mode != "zeros":
            parts.append(self.padding_mode)
        if self.ceil_mode:
            parts.append("ceil")
        if not self.count_include_pad:
            parts.append("pad not counted")
        target = _dims(self.output_size)
        if channels:
            target += f" ({self.out_channels} ch)"
        return ", ".join(parts) + f" -> {target}"

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
                if axis.padding_before == axis.padding_after:
                    padded = f"{i} + 2*{p}"
                else:
                    padded = f"{i} + {axis.padding_before} + {axis.padding_after}"
                if self.ceil_mode:
                    # ceil((n - keff) / s) written as a floor, so that it stays exact.
                    text = f"({padded} - {keff} + {s} - 1) // {s} + 1"
                    rounded_up = (axis.grid - axis.overhang - axis.kernel_extent + s - 1) // s + 1
                    if rounded_up != axis.output:
                        # PyTorch drops a last window that would start in the right padding.
                        text += " - 1"
                else:
                    text = f"({padded} - {keff}) // {s} + 1"
            lines.append(f"{text} = {axis.output}")
        return lines

    def torch_call(self) -> str:
        """The equivalent ``torch.nn.functional`` call, as a line of Python."""
        n = self.ndim
        function = f"torch.nn.functional.{self.op}{n}d"
        x = "x"
        if self.op in ("conv", "conv_transpose"):
            padding_arg = _arg(self.padding) if self.symmetric_padding else "0"
            if self.padding == "same":
                padding_arg = "'same'"
            if self.padding_mode != "zeros" or not self.symmetric_padding:
                # What torch.nn.ConvNd does for these: pad first, then convolve unpadded.
                mode = "constant" if self.padding_mode == "zeros" else self.padding_mode
                x = f"torch.nn.functional.pad(x, {_pad_argument(self)}, mode={mode!r})"
                padding_arg = "0"
            args = [x, "weight", f"stride={_arg(self.stride)}", f"padding={padding_arg}"]
            if self.transposed:
                args.append(f"output_padding={_arg(self.output_padding)}")
            if self.transposed and self.groups != 1:
                args.append(f"groups={self.groups}")
            args.append(f"dilation={_arg(self.dilation)}")
            if not self.transposed and self.groups != 1:
                args.append(f"groups={self.groups}")
        else:
            args = ["x", f"kernel_size={_arg(self.kernel_size)}", f"stride={_arg(self.stride)}"]
            args.append(f"padding={_arg(self.padding)}")
            if self.op == "max_pool":
                args.append(f"dilation={_arg(self.dilation)}")
            if self.ceil_mode:
                args.append("ceil_mode=True")
            if not self.count_include_pad:
                args.append("count_include_pad=False")
        channels = str(self.in_channels) if self._has_channels else "C"
        shape = f"x.shape = (N, {channels}, " + ", ".join(str(v) for v in self.input_size) + ")"
        return f"{function}({', '.join(args)})  # {shape}"

    def torch_module(self) -> str:
        """The equivalent ``torch.nn`` module, as a line of Python.

        Examples
        --------
        >>> Spec("conv", 5, 3, stride=2, padding=1, in_channels=3, out_channels=8).torch_module()
        'torch.nn.Conv2d(3, 8, kernel_size=3, stride=2, padding=1)'
        >>> Spec("max_pool", 6, 2).torch_module()
        'torch.nn.MaxPool2d(kernel_size=2)'
        """
        n = self.ndim
        if self.is_pool:
            name = "MaxPool" if self.op == "max_pool" else "AvgPool"
            args = [f"kernel_size={_arg(self.kernel_size)}"]
            if self.stride != self.kernel_size:
                args.append(f"stride={_arg(self.stride)}")
            if any(self.padding):
                args.append(f"padding={_arg(self.padding)}")
            if any(d != 1 for d in self.dilation):
                args.append(f"dilation={_arg(self.dilation)}")
            if self.ceil_mode:
                args.append("ceil_mode=True")
            if not self.count_include_pad:
                args.append("count_include_pad=False")
            return f"torch.nn.{name}{n}d({', '.join(args)})"
        name = "ConvTranspose" if self.transposed else "Conv"
        args = [str(self.in_channels), str(self.out_channels)]
        args.append(f"kernel_size={_arg(self.kernel_size)}")
        if any(s != 1 for s in self.stride):
            args.append(f"stride={_arg(self.stride)}")
        pad_layer = None
        if self.padding == "same":
            args.append("padding='same'")
        elif not self.symmetric_padding:
            # torch.nn.ConvNd pads symmetrically: pad first with a padding layer.
            layer = {
                "zeros": "ZeroPad",
                "reflect": "ReflectionPad",
                "replicate": "ReplicationPad",
                "circular": "CircularPad",
            }[self.padding_mode]
            pad_layer = f"torch.nn.{layer}{n}d({_pad_argument(self)})"
        elif any(self.padding):
            args.append(f"padding={_arg(self.padding)}")
        if self.transposed and any(self.output_padding):
            args.append(f"output_padding={_arg(self.output_padding)}")
        if self.groups != 1:
            args.append(f"groups={self.groups}")
        if any(d != 1 for d in self.dilation):
            args.append(f"dilation={_arg(self.dilation)}")
        if self.padding_mode != "zeros" and pad_layer is None:
            args.append(f"padding_mode={self.padding_mode!r}")
        module = f"torch.nn.{name}{n}d({', '.join(args)})"
        return module if pad_layer is None else f"torch.nn.Sequential({pad_layer}, {module})"

    def info_lines(self) -> list[str]:
        """What ``convanim info`` and a caption print about channels and PyTorch.

        Returns
        -------
        list of str
            The channel counts and groups, the output shape ``(C, *spatial)``, the
            equivalent ``torch.nn`` module and the ``torch.nn.functional`` call.

        Examples
        --------
        >>> for line in Spec("conv", 6, 3, stride=2, padding=1, in_channels=3,
        ...                  out_channels=8).info_lines():
        ...     print(line)
        channels: 3 in, 8 out, groups 1 (each output channel reads 3 input channels)
        output shape: (8, 3, 3) (C, H, W)
        torch.nn: torch.nn.Conv2d(3, 8, kernel_size=3, stride=2, padding=1)
        functional: torch.nn.functional.conv2d(x, weight, stride=2, padding=1, ...
        """
        if self.is_pool:
            channels = f"channels: {self.in_channels} (pooling reads each channel alone)"
        else:
            reads = self.channels_per_group
            depthwise = ", depthwise" if self.groups == self.in_channels != 1 else ""
            channels = (
                f"channels: {self.in_channels} in, {self.out_channels} out, groups "
                f"{self.groups}{depthwise} (each output channel reads {reads} input "
                f"channel{'s' if reads != 1 else ''})"
            )
        names = {1: "(C, W)", 2: "(C, H, W)", 3: "(C, D, H, W)"}[self.ndim]
        return [
            channels,
            f"output shape: {self.output_shape} {names}",
            f"torch.nn: {self.torch_module()}",
            f"functional: {self.torch_call()}",
        ]

    # -- from PyTorch --------------------------------------------------------------
    @classmethod
    def from_torch(
        cls, module: object, input_size: int | tuple[int, ...], in_channels: int | None = None
    ) -> Spec:
        """The spec of a ``torch.nn`` convolution or pooling layer, read from its attributes.

        Parameters
        ----------
        module : torch.nn.Module
            A ``Conv{1,2,3}d``, ``ConvTranspose{1,2,3}d``, ``MaxPool{1,2,3}d`` or
            ``AvgPool{1,2,3}d``. Recognised by class name and attributes: convanim never
            imports torch.
        input_size : int or tuple of int
            The spatial size of the input (an int repeats on every axis).
        in_channels : int, optional
            The channels a pooling layer reads (pooling modules do not carry it; 1 by
            default). For a convolution it must agree with ``module.in_channels``.

        Returns
        -------
        Spec

        Raises
        ------
        SpecError
            One line naming the attribute that convanim cannot represent
            (``return_indices``, ``divisor_override``, a Lazy module not called yet, ...)
            or the parameter PyTorch would refuse.
        """
        from .layers import spec_from_module

        return spec_from_module(module, input_size, in_channels)


def _arg(values) -> str:
    if isinstance(values, str):
        return repr(values)
    return str(values[0]) if len(set(values)) == 1 else str(values)


def _pad_argument(spec: Spec) -> tuple[int, ...]:
    """``torch.nn.functional.pad``'s argument: (before, after) pairs, last axis first."""
    flat: list[int] = []
    for before, after in reversed(spec.padding_pairs):
        flat += [before, after]
    return tuple(flat)


def _padding_text(spec: Spec) -> str:
    if spec.padding == "same":
        return "same"
    return "x".join(f"({b},{a})" for b, a in spec.padding_pairs)


def _dims(values: tuple[int, ...], *, compact: bool = False) -> str:
    # "k 3" reads better than "k 3x3"; grid sizes keep the full "5x5" form.
    if compact and len(set(values)) == 1:
        return str(values[0])
    return "x".join(str(v) for v in values)


def drawing_refusal(spec: Spec) -> SpecError | None:
    """Why the renderers cannot draw ``spec``, as the error to raise; None if they can.

    Every spec the plan handles is drawable in the tutorial and flat looks: channels and
    groups as stacks of planes, a third axis as a stack of depth slices, copied padding
    cells tinted, ``ceil_mode`` overhangs dotted (:mod:`convanim.layout.stacks`). Kept
    as the one place a renderer's check asks.

    Examples
    --------
    >>> drawing_refusal(Spec("conv", 5, 3, in_channels=3)) is None
    True
    """
    del spec
    return None


def _axis_geometry(
    op: str,
    axis: int,
    ndim: int,
    raw: dict[str, object],
    *,
    input_size: int,
    kernel_size: int,
    stride: int,
    padding_before: int,
    padding_after: int,
    dilation: int,
    output_padding: int,
    padding_mode: str,
    ceil_mode: bool,
) -> AxisGeometry:
    """Validate one axis and derive its geometry; errors name that axis."""

    def fail(name: str, value: object, expected: str) -> SpecError:
        # Name the axis only where the user gave one value per axis.
        return _invalid(name, axis if isinstance(raw[name], tuple) else None, value, expected)

    padding = padding_before
    if input_size < 1:
        raise fail("input_size", input_size, "an integer >= 1 (an empty input has nothing to draw)")
    if kernel_size < 1:
        raise fail("kernel_size", kernel_size, "an integer >= 1")
    if stride < 1:
        raise fail("stride", stride, "an integer >= 1")
    for side in (padding_before, padding_after):
        if side < 0:
            given = raw["padding"]
            item = given[axis] if isinstance(given, tuple) else given
            raise fail("padding", item, "an integer >= 0")
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
    if extent > _INT64_MAX:
        raise fail(
            "dilation",
            dilation,
            f"an integer of at most {(_INT64_MAX - 1) // max(kernel_size - 1, 1)} (the "
            "dilated kernel must span fewer than 2**63 cells)",
        )
    if op in ("conv", "conv_transpose") and max(padding_before, padding_after) > _CONV_PADDING_MAX:
        raise fail(
            "padding",
            raw["padding"][axis] if isinstance(raw["padding"], tuple) else raw["padding"],
            f"an integer of at most {_CONV_PADDING_MAX} (PyTorch's bound)",
        )

    if op == "conv_transpose":
        bound = max(stride, dilation)
        if output_padding >= bound:
            raise fail(
                "output_padding",
                output_padding,
                f"an integer between 0 and {bound - 1} (smaller than stride or dilation)",
            )
        stretched = (input_size - 1) * stride + 1
        if stretched > _INT64_MAX:
            raise fail(
                "stride",
                stride,
                "a smaller integer (the stretched input must hold fewer than 2**63 cells)",
            )
        output = (input_size - 1) * stride - 2 * padding + extent + output_padding
        offset = extent - 1 - padding
        grid = stretched + 2 * offset + output_padding
        if max(output, grid, stretched + extent + output_padding) > _INT64_MAX:
            raise fail(
                "output_padding" if output_padding else "dilation",
                output_padding if output_padding else dilation,
                "a smaller integer (the output must hold fewer than 2**63 cells)",
            )
        if output < 1:
            largest = ((input_size - 1) * stride + extent + output_padding - 1) // 2
            raise fail(
                "padding",
                padding,
                f"an integer between 0 and {largest} (more padding crops the whole output)",
            )
        return AxisGeometry(
            input=input_size,
            kernel=kernel_size,
            stride=stride,
            padding=padding,
            dilation=dilation,
            output_padding=output_padding,
            output=output,
            kernel_extent=extent,
            grid=grid,
            window_step=1,
            input_offset=offset,
            input_step=stride,
            extra=output_padding,
            unreached=0,
            padding_before=padding,
            padding_after=padding,
            overhang=0,
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
    if padding_mode == "reflect" and max(padding_before, padding_after) >= input_size:
        raise fail(
            "padding",
            raw["padding"][axis] if isinstance(raw["padding"], tuple) else raw["padding"],
            f"an integer between 0 and {input_size - 1} (reflect padding must be smaller "
            f"than the input of {input_size} cells)",
        )
    if padding_mode == "circular" and max(padding_before, padding_after) > input_size:
        raise fail(
            "padding",
            raw["padding"][axis] if isinstance(raw["padding"], tuple) else raw["padding"],
            f"an integer between 0 and {input_size} (circular padding wraps around the "
            f"input of {input_size} cells at most once)",
        )
    padded = input_size + padding_before + padding_after
    if padded > _INT64_MAX:
        raise fail(
            "padding",
            raw["padding"][axis] if isinstance(raw["padding"], tuple) else raw["padding"],
            "a smaller integer (the padded input must hold fewer than 2**63 cells)",
        )
    # PyTorch's pooling_output_shape; for ceil_mode, a window past the padded input
    # counts as long as it starts inside the input or the left padding.
    spare = padded - extent + (stride - 1 if ceil_mode else 0)
    if spare < 0:
        largest_kernel = ((padded + (stride - 1 if ceil_mode else 0)) - 1) // dilation + 1
        span = (
            f"padded input of {input_size} + {_pad_sum(padding_before, padding_after)} = {padded}"
            if padding_before or padding_after
            else f"input of {padded}"
        )
        dilated = f" at dilation {dilation}" if dilation != 1 else ""
        where = "start in" if ceil_mode else "fit in"
        raise fail(
            "kernel_size",
            kernel_size,
            f"an integer between 1 and {largest_kernel} (the window{dilated} must {where} "
            f"the {span} cells)",
        )
    output = spare // stride + 1
    if ceil_mode and (output - 1) * stride >= input_size + padding_before:
        output -= 1
    reach = (output - 1) * stride + extent
    overhang = max(reach - padded, 0)
    grid = padded + overhang
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
        input_offset=padding_before,
        input_step=1,
        extra=0,
        unreached=grid - reach,
        padding_before=padding_before,
        padding_after=padding_after,
        overhang=overhang,
    )


def _pad_sum(before: int, after: int) -> str:
    return f"2*{before}" if before == after else f"{before} + {after}"
