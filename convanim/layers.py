"""Specs from PyTorch layers: a live ``torch.nn`` module, or a layer as written in code.

convanim never imports torch. A module is recognised by its class name
(``Conv2d``, ``ConvTranspose1d``, ``MaxPool3d``, ``AvgPool2d``, ...) and read through the
attributes PyTorch keeps on it; a layer written as text (``"nn.Conv2d(3, 8, 3,
stride=2)"``) is parsed with :mod:`ast`, its arguments must be literals (nothing is
evaluated), and is then read the same way.
"""

from __future__ import annotations

import ast
import re
from types import SimpleNamespace

from .errors import SpecError, invalid
from .spec import Spec

__all__ = ["LAYER_KINDS", "spec_from_layer_text", "spec_from_module"]

_NAME = re.compile(r"^(Lazy)?(Conv|ConvTranspose|MaxPool|AvgPool)([123])d$")
LAYER_KINDS: tuple[str, ...] = tuple(
    f"{kind}{n}d" for kind in ("Conv", "ConvTranspose", "MaxPool", "AvgPool") for n in (1, 2, 3)
)
"""The ``torch.nn`` class names a spec can be read from."""

_OP = {
    "Conv": "conv",
    "ConvTranspose": "conv_transpose",
    "MaxPool": "max_pool",
    "AvgPool": "avg_pool",
}
_EXPECTED_MODULE = (
    "a torch.nn Conv, ConvTranspose, MaxPool or AvgPool module with 1 to 3 axes "
    "(e.g. torch.nn.Conv2d)"
)

# torch.nn's constructor signatures (positional order, defaults), for layers as text.
_CONV = ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups")
_CONV_TAIL = ("bias", "padding_mode", "device", "dtype")
_SIGNATURES: dict[str, tuple[tuple[str, ...], dict[str, object]]] = {
    "Conv": (
        _CONV + _CONV_TAIL,
        {"stride": 1, "padding": 0, "dilation": 1, "groups": 1, "bias": True,
         "padding_mode": "zeros", "device": None, "dtype": None},
    ),
    "ConvTranspose": (
        ("in_channels", "out_channels", "kernel_size", "stride", "padding", "output_padding",
         "groups", "bias", "dilation", "padding_mode", "device", "dtype"),
        {"stride": 1, "padding": 0, "output_padding": 0, "groups": 1, "bias": True,
         "dilation": 1, "padding_mode": "zeros", "device": None, "dtype": None},
    ),
    "MaxPool": (
        ("kernel_size", "stride", "padding", "dilation", "return_indices", "ceil_mode"),
        {"stride": None, "padding": 0, "dilation": 1, "return_indices": False,
         "ceil_mode": False},
    ),
    "AvgPool": (
        ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad",
         "divisor_override"),
        {"stride": None, "padding": 0, "ceil_mode": False, "count_include_pad": True,
         "divisor_override": None},
    ),
}  # fmt: skip


def _kind(name: str) -> tuple[str, int]:
    match = _NAME.match(name)
    if match is None:
        raise invalid("module", name, _EXPECTED_MODULE)
    if match.group(1):
        raise invalid(
            "module",
            name,
            f"a module that knows its in_channels ({name} infers them at its first call: "
            "call it once, or use " + name.removeprefix("Lazy") + ")",
        )
    return match.group(2), int(match.group(3))


def _per_axis(value: object, ndim: int) -> object:
    """PyTorch's _ntuple: an int repeats; anything else goes to Spec as it is."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,) * ndim
    if isinstance(value, list):
        return tuple(value)
    return value


def spec_from_module(
    module: object, input_size: int | tuple[int, ...], in_channels: int | None = None
) -> Spec:
    """The :class:`~convanim.Spec` of a ``torch.nn`` layer; see :meth:`Spec.from_torch`.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> MaxPool2d = type("MaxPool2d", (SimpleNamespace,), {})
    >>> layer = MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1,
    ...                   return_indices=False, ceil_mode=False)
    >>> spec_from_module(layer, 6).output_size
    (3, 3)
    """
    kind, ndim = _kind(type(module).__name__)
    if isinstance(input_size, int) and not isinstance(input_size, bool):
        input_size = (input_size,) * ndim
    elif isinstance(input_size, (tuple, list)) and len(input_size) != ndim:
        raise invalid(
            "input_size",
            tuple(input_size),
            f"{ndim} integers (one per axis of {type(module).__name__})",
        )

    def attribute(name: str, default: object = ...) -> object:
        try:
            return getattr(module, name)
        except AttributeError:
            if default is ...:
                expected = f"{name}, an attribute torch.nn keeps on every {kind} module"
                raise SpecError(
                    f"module = {type(module).__name__} is not valid: expected {expected}",
                    parameter=name,
                    expected=expected,
                ) from None
            return default

    common = {
        "input_size": input_size,
        "kernel_size": _per_axis(attribute("kernel_size"), ndim),
        "padding": _per_axis(attribute("padding"), ndim),
    }
    stride = attribute("stride")
    # torch.nn pooling keeps stride=None (or []) as "the kernel size".
    common["stride"] = None if stride is None or stride == [] else _per_axis(stride, ndim)
    if kind in ("Conv", "ConvTranspose"):
        channels = attribute("in_channels")
        if in_channels is not None and in_channels != channels:
            raise invalid(
                "in_channels",
                in_channels,
                f"{channels!r}, as the module's in_channels (or None)",
            )
        if getattr(attribute("weight", None), "__class__", type(None)).__name__ == (
            "UninitializedParameter"
        ):
            raise invalid(
                "weight", "UninitializedParameter", "an initialised weight (call the module once)"
            )
        # A direct convolution's output_padding attribute is always 0: not read.
        extra = (
            {"output_padding": _per_axis(attribute("output_padding"), ndim)}
            if kind == "ConvTranspose"
            else {}
        )
        return Spec(
            _OP[kind],
            dilation=_per_axis(attribute("dilation"), ndim),
            in_channels=channels,
            out_channels=attribute("out_channels"),
            groups=attribute("groups"),
            padding_mode=attribute("padding_mode"),
            **common,
            **extra,
        )
    channels = 1 if in_channels is None else in_channels
    if kind == "MaxPool":
        if attribute("return_indices", False):
            raise invalid(
                "return_indices",
                True,
                "False (convanim computes the pooled values, not their indices)",
            )
        return Spec(
            "max_pool",
            dilation=_per_axis(attribute("dilation", 1), ndim),
            in_channels=channels,
            ceil_mode=attribute("ceil_mode", False),
            **common,
        )
    divisor = attribute("divisor_override", None)
    if divisor is not None:
        raise invalid(
            "divisor_override",
            divisor,
            "None (convanim divides by the window's cells, as PyTorch does by default)",
        )
    return Spec(
        "avg_pool",
        in_channels=channels,
        ceil_mode=attribute("ceil_mode", False),
        count_include_pad=attribute("count_include_pad", True),
        **common,
    )


_EXPECTED_TEXT = (
    "a layer as written in code, e.g. 'nn.Conv2d(3, 8, 3, stride=2, padding=1)' "
    "(literal arguments only)"
)


def spec_from_layer_text(
    text: str, input_size: int | tuple[int, ...], in_channels: int | None = None
) -> Spec:
    """The spec of a ``torch.nn`` layer written as in code, without torch.

    Parameters
    ----------
    text : str
        One call such as ``"nn.Conv2d(3, 8, 3, stride=2, padding=1)"``,
        ``"torch.nn.MaxPool2d(kernel_size=2)"`` or ``"ConvTranspose1d(4, 2, 3)"``. It is
        parsed with :mod:`ast`, never evaluated: every argument must be a literal.
    input_size : int or tuple of int
        The spatial size of the input.
    in_channels : int, optional
        The channels a pooling layer reads (1 by default).

    Returns
    -------
    Spec

    Raises
    ------
    SpecError
        One line (parameter ``layer``) for text that is not such a call, or the
        parameter at fault, as :meth:`Spec.from_torch` raises it.

    Examples
    --------
    >>> spec_from_layer_text("nn.Conv2d(3, 8, 3, stride=2, padding=1)", 6).output_shape
    (8, 3, 3)
    """
    if not isinstance(text, str):
        raise invalid("layer", text, _EXPECTED_TEXT)
    shown = text.strip()
    try:
        tree = ast.parse(shown, mode="eval")
    except SyntaxError:
        raise invalid("layer", shown, _EXPECTED_TEXT + ": it is not valid Python") from None
    call = tree.body
    if not isinstance(call, ast.Call):
        raise invalid("layer", shown, _EXPECTED_TEXT)
    name = _dotted(call.func)
    if name is None:
        raise invalid("layer", shown, _EXPECTED_TEXT)
    prefix, _, class_name = name.rpartition(".")
    if prefix not in ("", "nn", "torch.nn"):
        raise invalid(
            "layer", shown, f"a torch.nn layer (nn.{class_name} or torch.nn.{class_name})"
        )
    kind, _ = _kind(class_name)
    names, defaults = _SIGNATURES[kind]
    arguments = dict(defaults)
    given: set[str] = set()
    if len(call.args) > len(names):
        raise invalid("layer", shown, f"at most {len(names)} positional arguments for {class_name}")
    for position, node in enumerate(call.args):
        arguments[names[position]] = _literal(shown, node, f"argument {position + 1}")
        given.add(names[position])
    for keyword in call.keywords:
        if keyword.arg is None:
            raise invalid("layer", shown, _EXPECTED_TEXT + " (no ** unpacking)")
        if keyword.arg not in names:
            raise invalid(
                "layer",
                shown,
                f"keywords of {class_name}: {', '.join(names)} (not {keyword.arg!r})",
            )
        if keyword.arg in given:
            raise invalid("layer", shown, f"{keyword.arg} given once (it is given twice)")
        arguments[keyword.arg] = _literal(shown, keyword.value, keyword.arg)
        given.add(keyword.arg)
    missing = [n for n in names if n not in arguments]
    if missing:
        raise invalid("layer", shown, f"{class_name}'s required argument {missing[0]}")
    layer = type(class_name, (SimpleNamespace,), {})(**arguments)
    return spec_from_module(layer, input_size, in_channels)


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return None if head is None else f"{head}.{node.attr}"
    return None


def _literal(shown: str, node: ast.expr, where: str) -> object:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise invalid(
            "layer",
            shown,
            f"literal arguments only ({where}, {ast.unparse(node)!r}, is not a literal)",
        ) from None
