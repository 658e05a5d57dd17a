"""One table of options: every front-end (command line, manifest, Sphinx) reads it.

Each :class:`Option` says once what a parameter is called in Python, on the command line
(a flag), in a gallery manifest (a field) and in the Sphinx directive (an option), what
type it has, its default and its valid range. The CLI's flags, the manifest's fields
and the directive's options are generated from :data:`OPTIONS`, and every value is
checked by the same :meth:`Option.check`, so the same mistake is refused with the same
message everywhere; each front-end only prefixes it with the name in its own words.

:class:`DrawOptions` is the frozen, validated set of drawing options that ``save``,
``animate``, the renderers and the gallery share.

Pure Python and numpy: no matplotlib here.
"""

from __future__ import annotations

import inspect
import json
import math
import numbers
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Literal

from .errors import SpecError, invalid
from .limits import MAX_FRAMES, MAX_SECONDS
from .theme import COLOR_ROLES, THEMES, Theme, as_theme, parse_color

# The .tex variants (convanim.backends.tikz.VARIANTS, kept in step by a test: importing
# the backend here would load the layout package for every front-end).
TEX_VARIANTS: tuple[str, ...] = ("picture", "standalone", "beamer", "animate")
PAGE_FORMATS: tuple[str, ...] = ("gif", "mp4", "webp", "html")
"""What a documentation page can show: the animated formats an HTML page plays."""

if TYPE_CHECKING:  # numpy is imported where an array is checked: the command line
    import numpy as np  # reads this table before numpy has loaded (and a Ctrl-C can come)

__all__ = [
    "OPTIONS",
    "SCATTER_STYLES",
    "STYLES",
    "DrawOptions",
    "Option",
    "draw_option_names",
    "frames_text",
    "option",
    "with_draw_options",
]

STYLES: tuple[str, ...] = ("tutorial", "flat", "matrix", "scatter", "overlap", "scatter_gather")
"""The views: the tutorial's slanted planes, the numerical figures' flat grids, the
matrix view ``y = C x``; for a transposed convolution also the scatter view (every input
cell stamps the kernel onto the uncropped output), the overlap map (a still: how many
stamps reach each output cell) and ``scatter_gather`` (the scatter view's frames, then
the flat, zero-insertion view's, side by side with the same numbers)."""

SCATTER_STYLES: tuple[str, ...] = ("scatter", "overlap", "scatter_gather")
"""The styles that draw a transposed convolution's stamps (``conv_transpose`` only)."""

TUTORIAL_SEED = 1234
_SIZE = re.compile(r"^-?[0-9]+(x-?[0-9]+){0,2}$")  # ASCII digits only, as typed
_INT = re.compile(r"^-?[0-9]+$")
_PAIRS = re.compile(r"^[0-9]+(:[0-9]+)?(x[0-9]+(:[0-9]+)?){0,2}$")
_CANVAS = re.compile(r"^([0-9]+)x([0-9]+)$")
MAX_PIXELS_SIDE = 16_384  # the largest --width, --height or --canvas side

Kind = Literal[
    "sizes",
    "int",
    "number",
    "flag",
    "choice",
    "array",
    "theme",
    "text",
    "colors",
    "canvas",
    "length",
    "indices",
    "frames",
]
_LENGTH = re.compile(r"^[0-9]+(\.[0-9]+)?(px|%|em|ex|pt|pc|cm|mm|in)?$")
_FRAMES = re.compile(r"^([0-9]*):([0-9]*)(:([0-9]*))?$")  # START:STOP[:STEP], parts optional


@dataclass(frozen=True, slots=True, kw_only=True)
class Option:
    """One parameter, in every front-end's words.

    Attributes
    ----------
    name : str
        The Python keyword (``"dpi"``, ``"input_size"``).
    kind : str
        ``"sizes"`` (an int or one per axis, typed ``5x7``), ``"int"``, ``"number"``,
        ``"flag"`` (a bool), ``"choice"``, ``"array"`` (nested lists of numbers),
        ``"theme"``, ``"text"``, ``"length"`` (a CSS-like length: ``400px``, ``80%``) or
        ``"indices"`` (distinct integers >= 0, typed ``0,1``) or ``"frames"`` (a
        selection of frames: a slice, a range or ``"START:STOP[:STEP]"``, held as a slice).
    group : {"spec", "draw", "write", "page"}
        What the value configures: the :class:`~convanim.Spec`, the drawing
        (:class:`DrawOptions`), the file, or how a documentation page embeds it (the
        Sphinx directive's and the MkDocs block's own options).
    default : object
        The value when the option is not given.
    help : str
        One line for ``--help`` and the docs.
    flag, short : str, optional
        The command-line flag (``--dpi``) and its short form (``-i``); None: no flag.
    field : str, optional
        The manifest field; None: not in manifests.
    directive : str, optional
        The Sphinx directive option; None: not in the directive.
    choices : tuple, optional
        Valid values of a ``"choice"``.
    low, high : float, optional
        Valid range of an ``"int"`` or ``"number"``.
    required : bool
        Whether every use must give it.
    flag_value : bool
        For a ``"flag"``: the value its bare command-line flag sets (False for a flag
        that turns a default-on behaviour off, like ``--exclude-pad``).
    """

    name: str
    kind: Kind
    group: Literal["spec", "draw", "write"]
    default: Any = None
    help: str = ""
    flag: str | None = None
    short: str | None = None
    field: str | None = None
    directive: str | None = None
    choices: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    required: bool = False
    flag_value: bool = True

    # -- what is valid ----------------------------------------------------------------
    @property
    def expected(self) -> str:
        """What is valid, in words (the end of every error about this option)."""
        if self.kind == "choice":
            return "one of " + ", ".join(map(repr, self.choices))
        if self.kind == "theme":
            return "one of " + ", ".join(map(repr, THEMES)) + ", a theme file (.toml) or a Theme"
        if self.kind == "colors":
            return "role=colour pairs like input=tab:orange (roles: " + ", ".join(COLOR_ROLES) + ")"
        if self.kind == "canvas":
            return f"WIDTHxHEIGHT in pixels like 1920x1080, each between 1 and {MAX_PIXELS_SIDE}"
        if self.kind in ("int", "number"):
            noun = "an integer" if self.kind == "int" else "a number"
            if self.low is not None and self.high is not None:
                return f"{noun} between {_show(self.low)} and {_show(self.high)}"
            if self.low is not None:
                return f"{noun} >= {_show(self.low)}"
            return noun
        if self.kind == "sizes" and self.name == "padding":
            return "an integer or one per axis like 1x2, before:after pairs like 2:0, same or valid"
        return {
            "sizes": "an integer or one per axis like 5x7",
            "flag": "true or false",
            "array": "a nested list of numbers like [[1, 2], [3, 4]]",
            "text": "a string",
            "frames": "START:STOP or START:STOP:STEP like 0:100:2 (integers >= 0, STEP >= 1), "
            "or a slice",
            "length": "a length like 400px, 80% or 30em",
            "indices": "distinct integers >= 0 like 0,1",
        }[self.kind]

    def check(self, value: Any) -> Any:
        """``value`` as this option holds it, or the usual one-line :class:`SpecError`.

        Spec parameters (``group == "spec"``) are only shaped here; the
        :class:`~convanim.Spec` checks their ranges itself.
        """
        if value is None and not self.required and self.default is None:
            return None
        kind = self.kind
        if kind == "flag":
            if not isinstance(value, bool) and not _numpy_bool(value):
                raise invalid(self.name, value, self.expected)
            return bool(value)
        if kind in ("int", "number"):
            integral = isinstance(value, numbers.Integral) and not isinstance(value, bool)
            real = isinstance(value, numbers.Real) and not isinstance(value, bool)
            if not (integral if kind == "int" else real) or not math.isfinite(value):
                raise invalid(self.name, value, self.expected)
            if (self.low is not None and value < self.low) or (
                self.high is not None and value > self.high
            ):
                raise invalid(self.name, value, self.expected)
            return int(value) if kind == "int" else value
        if kind == "choice":
            if not isinstance(value, str) or value not in self.choices:
                raise invalid(self.name, value, self.expected)
            return value
        if kind == "theme":
            return as_theme(value)
        if kind == "colors":
            return _colors(value, self.expected)
        if kind == "canvas":
            return _canvas(self.name, value, self.expected)
        if kind == "text":
            if not isinstance(value, str):
                raise invalid(self.name, value, self.expected)
            return value
        if kind == "length":
            if isinstance(value, numbers.Integral) and not isinstance(value, bool) and value > 0:
                return f"{value}px"
            if not isinstance(value, str) or not _LENGTH.match(value.strip()):
                raise invalid(self.name, value, self.expected)
            return value.strip()
        if kind == "array":
            return _array(self.name, value, self.expected)
        if kind == "indices":
            return _indices(self.name, value, self.expected)
        if kind == "frames":
            return _frames(self.name, value, self.expected)
        # sizes: an int or a tuple of ints; the Spec checks the values
        if isinstance(value, list):
            value = tuple(value)
        return value

    # -- typed text (command line, directive) ------------------------------------------
    def parse(self, text: str) -> Any:
        """The value of ``text`` as a user typed it (a flag's or a directive's value)."""
        stripped = text.strip()
        if self.kind == "sizes":
            if self.name == "padding" and stripped in ("same", "valid"):
                return stripped
            if self.name == "padding" and ":" in stripped and _PAIRS.match(stripped):
                # before:after per axis, e.g. 2:0 (causal 1-D) or 1:2x0:1
                try:
                    return tuple(
                        tuple(int(side) for side in part.split(":")) if ":" in part else int(part)
                        for part in stripped.split("x")
                    )
                except ValueError:  # past Python's 4,300 digits
                    raise invalid(
                        self.name, text, f"integers of at most {2**63 - 1} (int64)"
                    ) from None
            if not _SIZE.match(stripped):
                raise invalid(self.name, text, self.expected)
            try:
                parts = tuple(int(part) for part in stripped.split("x"))
            except ValueError:  # past Python's 4,300 digits: far past any valid size
                raise invalid(
                    self.name, text, f"an integer of at most {2**63 - 1} (int64)"
                ) from None
            return parts[0] if len(parts) == 1 else parts
        if self.kind == "int":
            if not _INT.match(stripped):
                raise invalid(self.name, text, self.expected)
            try:
                number = int(stripped)
            except ValueError:  # past Python's 4,300 digits
                raise invalid(self.name, text, self.expected) from None
            return self.check(number)
        if self.kind == "number":
            try:
                number = float(stripped)
            except ValueError:
                raise invalid(self.name, text, self.expected) from None
            return self.check(number)
        if self.kind == "flag":
            if stripped.lower() in ("", "true", "yes", "1"):
                return True
            if stripped.lower() in ("false", "no", "0"):
                return False
            raise invalid(self.name, text, self.expected)
        if self.kind == "theme" and "," in stripped:
            # tutorial,dark: one file per theme (convanim.save writes the pair)
            return tuple(self.check(part.strip()) for part in stripped.split(","))
        if self.kind == "colors":
            pairs = [part.strip() for part in stripped.split(",") if part.strip()]
            parsed = []
            for pair in pairs:
                role, equals, color = pair.partition("=")
                if not equals:
                    raise invalid(self.name, pair, self.expected)
                parsed.append((role.strip(), color.strip()))
            return self.check(parsed)
        if self.kind == "canvas":
            match = _CANVAS.match(stripped)
            if not match:
                raise invalid(self.name, text, self.expected)
            return self.check((int(match.group(1)), int(match.group(2))))
        if self.kind == "indices":
            parts = [part.strip() for part in stripped.split(",")]
            if not all(_INT.match(part) for part in parts):
                raise invalid(self.name, text, self.expected)
            return self.check(tuple(int(part) for part in parts))
        if self.kind == "array":
            try:
                value = json.loads(stripped)
            except ValueError:
                raise invalid(self.name, text, self.expected) from None
            return self.check(value)
        return self.check(stripped)


def _numpy_bool(value: object) -> bool:
    # Only an array's element can be a numpy bool, and then numpy is loaded.
    numpy = sys.modules.get("numpy")
    return numpy is not None and isinstance(value, numpy.bool_)


def frames_text(frames: slice) -> str:
    """A frames selection as typed, ``"START:STOP[:STEP]"`` (parts omitted when None)."""
    text = ":".join("" if part is None else str(part) for part in (frames.start, frames.stop))
    return text + ("" if frames.step is None else f":{frames.step}")


def _frames(name: str, value: Any, expected: str) -> slice:
    """A selection of frames as a slice of non-negative bounds and a step >= 1."""
    if isinstance(value, range):
        value = slice(value.start, value.stop, value.step)
    elif isinstance(value, str):
        match = _FRAMES.match(value.strip())
        if match is None:
            raise invalid(name, value, expected)
        start, stop, _, step = match.groups()
        value = slice(*(int(part) if part else None for part in (start, stop, step)))
    if not isinstance(value, slice):
        raise invalid(name, value, expected)
    parts = (value.start, value.stop, value.step)
    for part in parts:
        if part is not None and (
            not isinstance(part, numbers.Integral) or isinstance(part, bool) or part < 0
        ):
            raise invalid(name, value, expected)
    if value.step is not None and value.step < 1:
        raise invalid(name, value, expected)
    return slice(*(None if part is None else int(part) for part in parts))


def _colors(value: Any, expected: str) -> tuple[tuple[str, tuple[float, ...]], ...]:
    """Role to colour, as ``((role, rgba), ...)``: from a mapping or (role, colour) pairs."""
    if isinstance(value, Mapping):
        value = list(value.items())
    if not isinstance(value, (list, tuple)) or not all(
        isinstance(pair, (list, tuple)) and len(pair) == 2 for pair in value
    ):
        raise invalid("colors", value, expected)
    checked = []
    for role, color in value:
        if role not in COLOR_ROLES:
            roles = "one of " + ", ".join(COLOR_ROLES)
            raise SpecError(
                f"color role {role!r} is not valid: expected {roles}",
                parameter="colors",
                value=role,
                expected=roles,
            )
        try:
            checked.append((role, parse_color(color, role)))
        except SpecError as error:  # named by the role, refused as the colors option
            raise SpecError(
                str(error), parameter="colors", value=color, expected=error.expected
            ) from None
    return tuple(checked)


def _canvas(name: str, value: Any, expected: str) -> tuple[int, int]:
    if (
        not isinstance(value, (list, tuple))
        or len(value) != 2
        or not all(
            isinstance(side, numbers.Integral)
            and not isinstance(side, bool)
            and 1 <= side <= MAX_PIXELS_SIDE
            for side in value
        )
    ):
        raise invalid(name, value, expected)
    return int(value[0]), int(value[1])


def _show(number: float) -> str:
    return f"{number:g}" if isinstance(number, float) else str(number)


def _indices(name: str, value: Any, expected: str) -> tuple[int, ...]:
    """Distinct integers >= 0, sorted (an int alone is one); the spec bounds them later."""
    if (
        isinstance(value, numbers.Integral)
        and not isinstance(value, bool)
        and not _numpy_bool(value)
    ):
        value = (value,)
    if not isinstance(value, (list, tuple)) or not value:
        raise invalid(name, value, expected)
    if not all(
        isinstance(v, numbers.Integral) and not isinstance(v, bool) and not _numpy_bool(v)
        for v in value
    ):
        raise invalid(name, tuple(value), expected)
    values = tuple(int(v) for v in value)
    if min(values) < 0 or len(set(values)) != len(values):
        raise invalid(name, values, expected)
    return tuple(sorted(values))


def _array(name: str, value: Any, expected: str) -> np.ndarray:
    import numpy as np

    def numeric(item: object) -> bool:
        if isinstance(item, (list, tuple)):
            return bool(item) and all(numeric(part) for part in item)
        return (
            isinstance(item, (numbers.Real, np.number))
            and not isinstance(item, (bool, np.bool_))
            and math.isfinite(item)
        )

    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "iuf" or not np.isfinite(value).all():
            raise SpecError(
                f"{name} is not valid: expected finite numbers",
                parameter=name,
                expected="finite numbers",
            )
        array = value.astype(np.float64)
    elif isinstance(value, (list, tuple)) and numeric(value):
        try:
            array = np.array(value, dtype=np.float64)
        except ValueError:  # ragged
            raise SpecError(
                f"{name} is not valid: expected {expected}", parameter=name, expected=expected
            ) from None
    else:
        raise SpecError(
            f"{name} is not valid: expected {expected}", parameter=name, expected=expected
        )
    array.flags.writeable = False
    return array


def _spec(name, flag, short=None, *, default=None, help="", field=None, directive=None, **extra):
    return Option(
        name=name,
        kind=extra.pop("kind", "sizes"),
        group="spec",
        default=default,
        help=help,
        flag=flag,
        short=short,
        field=name if field is None else field,
        directive=flag.lstrip("-") if directive is None else directive,
        **extra,
    )


def _draw(name, kind, *, flag: str | None = "", directive: str = "", **extra) -> Option:
    """A drawing option: the flag ``--name``, and the same name in manifests and the
    directive (``flag=None``: no flag, for values no shell line holds)."""
    return Option(
        name=name,
        kind=kind,
        group="draw",
        flag=f"--{name}" if flag == "" else flag,
        field=name,
        directive=directive or name,
        **extra,
    )


OPTIONS: tuple[Option, ...] = (
    # -- the spec -----------------------------------------------------------------------
    _spec(
        "op",
        "--op",
        kind="choice",
        choices=("conv", "conv_transpose", "max_pool", "avg_pool"),
        default="conv",
        help="operation",
    ),
    _spec("input_size", "--input", "-i", required=True, help="input size"),
    _spec("kernel_size", "--kernel", "-k", required=True, help="kernel size (or --layer)"),
    _spec("stride", "--stride", "-s", default=None, help="stride (1; pooling: the kernel size)"),
    _spec("padding", "--padding", "-p", default=0, help="padding"),
    _spec("dilation", "--dilation", "-d", default=1, help="dilation"),
    _spec(
        "output_padding",
        "--output-padding",
        default=0,
        help="conv_transpose only: extra rows/columns at the bottom/right",
    ),
    _spec("in_channels", "--in-channels", kind="int", low=1, default=1, help="input channels"),
    _spec(
        "out_channels",
        "--out-channels",
        kind="int",
        low=1,
        default=None,
        help="output channels (as many as input channels)",
    ),
    _spec("groups", "--groups", kind="int", low=1, default=1, help="groups (1)"),
    _spec(
        "padding_mode",
        "--padding-mode",
        kind="choice",
        choices=("zeros", "reflect", "replicate", "circular"),
        default="zeros",
        help="what padding cells hold (convolutions)",
    ),
    _spec(
        "ceil_mode",
        "--ceil-mode",
        kind="flag",
        default=False,
        help="pooling: round the output size up",
    ),
    _spec(
        "count_include_pad",
        "--exclude-pad",
        kind="flag",
        default=True,
        flag_value=False,
        directive="count-include-pad",
        help="avg_pool: leave padded zeros out of the mean (count_include_pad=False)",
    ),
    # -- the drawing (flag --name, manifest field and directive option name) --------
    _draw(
        "style",
        "choice",
        default="tutorial",
        choices=STYLES,
        help="the look: the tutorial's slanted planes, flat grids, y = C x; for "
        "conv_transpose also scatter (stamps), overlap (a still) or scatter_gather",
    ),
    _draw(
        "theme",
        "theme",
        default="tutorial",
        help="tutorial, dark, colorblind, print or a FILE.toml; tutorial,dark writes one "
        "file per theme (fig.gif, fig.dark.gif)",
    ),
    _draw("dpi", "number", default=None, low=10, high=1200, help="pixels per inch (150)"),
    _draw(
        "values", "flag", default=False, help="print input, kernel and output numbers in the cells"
    ),
    _draw("x", "array", default=None, help="the input to print (implies values)", flag=None),
    _draw(
        "weight",
        "array",
        default=None,
        help="the kernel to print (implies values; the matrix view's C)",
        flag=None,
    ),
    _draw(
        "seed",
        "int",
        default=TUTORIAL_SEED,
        low=0,
        high=2**32 - 1,
        help="seed of the drawn numbers (1234, the tutorial's)",
    ),
    _draw(
        "out_channels_shown",
        "indices",
        # --out-channels sets the spec: this flag picks the channels drawn.
        flag="--show-out-channels",
        directive="out-channels-shown",
        default=None,
        help="the output channels to draw and animate, e.g. 0,1 (all up to 4, else the first 3)",
    ),
    _draw("labels", "flag", default=False, help='label the planes "input" and "output"'),
    _draw(
        "overlap",
        "flag",
        default=False,
        help="scatter views: shade the output by how many stamps reach each cell",
    ),
    _draw(
        "caption",
        "flag",
        # A page's :caption: is the figure's text, as for every Sphinx figure.
        directive="arithmetic",
        default=False,
        help="write the spec and its output-size arithmetic underneath",
    ),
    _draw(
        "duration", "int", default=1000, low=1, high=655_350, help="milliseconds per frame (1000)"
    ),
    _draw("loop", "int", default=0, low=0, high=65_535, help="times to play, 0 = forever (0)"),
    _draw(
        "frames",
        "frames",
        default=None,
        help="draw only these frames of the plan, START:STOP[:STEP] (all)",
    ),
    _draw(
        "allow_long",
        "flag",
        flag="--allow-long",
        directive="allow-long",
        default=False,
        help=f"draw more than {MAX_FRAMES} frames or about {MAX_SECONDS:.0f} s of work",
    ),
    # -- themes and sizes (issue 12) --------------------------------------------------
    _draw(
        "colors",
        "colors",
        flag="--color",
        help="change a theme role's colour, ROLE=COLOR (repeatable)",
    ),
    _draw("transparent", "flag", default=False, help="no background: the page shows through"),
    _draw(
        "width",
        "int",
        directive="pixel-width",
        low=1,
        high=MAX_PIXELS_SIDE,
        help="picture width in pixels",
    ),
    _draw(
        "height",
        "int",
        directive="pixel-height",
        low=1,
        high=MAX_PIXELS_SIDE,
        help="picture height in pixels",
    ),
    _draw("canvas", "canvas", help="an exact WxH pixel canvas, the drawing centred on it"),
    # -- the file -------------------------------------------------------------------------
    Option(
        name="frame",
        kind="int",
        group="write",
        default=0,
        help="the frame a still (.png, .svg, .pdf, a .tex picture) shows (0)",
        flag="--frame",
    ),
    Option(
        name="tex",
        kind="choice",
        group="write",
        default="picture",
        choices=TEX_VARIANTS,
        help="what a .tex file is: a tikzpicture of --frame to \\input, a standalone "
        "document (a page per frame), beamer overlays or an animateinline (picture)",
        flag="--tex",
        field="tex",
    ),
    # -- the page: how a documentation page embeds it (Sphinx directive, MkDocs block) -----
    *(
        Option(name=name, group="page", directive=directive, **row)
        for name, directive, row in (
            (
                "format",
                "format",
                dict(
                    kind="choice",
                    choices=PAGE_FORMATS,
                    default="gif",
                    help="what an HTML page shows: a GIF, an MP4 video, a WebP or the player",
                ),
            ),
            (
                "still_frame",
                "still-frame",
                dict(
                    kind="int",
                    low=0,
                    default=0,
                    help="the frame the vector still shows where the animation cannot play "
                    "(LaTeX/PDF and other non-HTML builders) (0)",
                ),
            ),
            (
                "display_width",
                "width",
                dict(kind="length", help="the picture's width on the page: 400px, 80%, 30em"),
            ),
            (
                "align",
                "align",
                dict(kind="choice", choices=("left", "center", "right"), help="alignment"),
            ),
            ("classes", "class", dict(kind="text", help="CSS classes, space separated")),
            ("alt", "alt", dict(kind="text", help="alt text (the spec's description)")),
            (
                "figure_caption",
                "caption",
                dict(kind="text", help="a caption: makes a numbered figure"),
            ),
            ("target", "name", dict(kind="text", help="a label to reference the figure by")),
        )
    ),
)
"""Every option, in the order ``--help`` lists them."""

_BY_NAME = {entry.name: entry for entry in OPTIONS}


def option(name: str) -> Option:
    """The :class:`Option` called ``name`` in Python."""
    return _BY_NAME[name]


def draw_option_names() -> tuple[str, ...]:
    """The Python names of the drawing options, as :class:`DrawOptions` holds them."""
    return tuple(entry.name for entry in OPTIONS if entry.group == "draw")


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class DrawOptions:
    """How to draw an animation: checked once, shared by every part that draws.

    Every field is an :data:`OPTIONS` entry of group ``"draw"`` and is checked by it;
    the combinations are checked here (the matrix view prints C's weights itself, so it
    takes no ``values``, ``labels`` or ``caption``).

    Attributes
    ----------
    style : {"tutorial", "flat", "matrix", "scatter", "overlap", "scatter_gather"}
    theme : Theme
    dpi : float or None
        None: 150, the tutorial's.
    values : bool
        Numbers in the cells (implied by ``x`` or ``weight``).
    x, weight : ndarray or None
        The input and kernel to print; drawn from ``seed`` when missing.
    seed : int
    out_channels_shown : tuple of int or None
        The output channels drawn and animated; None: all up to four, else the first
        three (and an ellipsis).
    labels, caption : bool
    overlap : bool
        Shade the scatter view's output by the overlap counts (scatter styles only).
    duration, loop : int
        Milliseconds per frame; times to play (0: forever).
    colors : tuple of (role, RGBA), optional
        Roles of ``theme`` recoloured (already applied to ``theme``).
    transparent : bool
        No background: PNG, APNG, WebP, SVG, PDF and GIF keep the page's colour.
    width, height : int, optional
        The picture's width (or height) in pixels; the other follows the aspect.
    canvas : tuple of int, optional
        ``(width, height)``: the drawing centred on a canvas of exactly this size
        (scaled to fit it unless ``dpi``, ``width`` or ``height`` size it).
    frames : slice or None
        Draw only these frames of the plan (None: all of them).
    allow_long : bool
        Lift the bound on frames and estimated time (:mod:`convanim.limits`).
    """

    style: str = "tutorial"
    theme: Theme = THEMES["tutorial"]
    dpi: float | None = None
    values: bool = False
    x: np.ndarray | None = None
    weight: np.ndarray | None = None
    seed: int = TUTORIAL_SEED
    out_channels_shown: tuple[int, ...] | None = None
    labels: bool = False
    overlap: bool = False
    caption: bool = False
    duration: int = 1000
    loop: int = 0
    frames: slice | None = None
    allow_long: bool = False
    colors: tuple[tuple[str, tuple[float, ...]], ...] | None = None
    transparent: bool = False
    width: int | None = None
    height: int | None = None
    canvas: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        for name in draw_option_names():
            object.__setattr__(self, name, option(name).check(getattr(self, name)))
        if self.colors:
            # Applied once: the theme then holds them (applying them again changes nothing).
            object.__setattr__(self, "theme", self.theme.replace(dict(self.colors)))
        if self.width is not None and self.height is not None:
            raise SpecError(
                f"height = {self.height} is not valid with width = {self.width}: expected one "
                "of them (the other follows the drawing's aspect; canvas gives an exact size)",
                parameter="height",
                value=self.height,
                expected="no height",
            )
        if self.overlap and self.style not in SCATTER_STYLES:
            raise SpecError(
                f"overlap = True is not valid with style = {self.style!r}: expected False "
                "(only the scatter views draw stamps and their overlaps)",
                parameter="overlap",
                value=True,
                expected="False",
            )
        if self.style == "matrix":
            if self.frames is not None:
                raise SpecError(
                    "frames is not valid with style = 'matrix': expected no frames (the "
                    "matrix view draws every row of C)",
                    parameter="frames",
                    expected="no frames",
                )
            if self.x is not None:
                raise SpecError(
                    "x is not valid with style = 'matrix': expected no x (the matrix view "
                    "draws C, which does not depend on the input; give weight or seed)",
                    parameter="x",
                    expected="no x",
                )
            for name in ("labels", "caption", "values"):
                if getattr(self, name):
                    raise SpecError(
                        f"{name} = True is not valid with style = 'matrix': expected False "
                        "(the matrix view prints C's weights itself)",
                        parameter=name,
                        value=True,
                        expected="False",
                    )

    @property
    def numbered(self) -> bool:
        """Whether numbers are printed in the cells."""
        return self.values or self.x is not None or self.weight is not None

    def replace(self, **changes: Any) -> DrawOptions:
        """A copy with ``changes`` applied (and checked)."""
        current = {field.name: getattr(self, field.name) for field in fields(self)}
        return DrawOptions(**{**current, **changes})

    def as_dict(self) -> dict[str, Any]:
        """Every field by name."""
        return {field.name: getattr(self, field.name) for field in fields(self)}

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> DrawOptions:
        """Options from a mapping of Python names (others refused, one line)."""
        known = set(draw_option_names())
        for name in values:
            if name not in known:
                raise invalid("option", name, "one of " + ", ".join(draw_option_names()), detail="")
        return cls(**values)


def with_draw_options(function: Callable) -> Callable:
    """Give ``function(..., **options)`` the drawing options as keyword parameters.

    The signature (what ``help()``, IDEs and Sphinx show) is generated from
    :data:`OPTIONS`, so a new option appears in every public signature at once.
    """
    signature = inspect.signature(function)
    parameters = [
        parameter
        for parameter in signature.parameters.values()
        if parameter.kind is not inspect.Parameter.VAR_KEYWORD
    ]
    taken = {parameter.name for parameter in parameters}
    for name in draw_option_names():
        if name not in taken:
            parameters.append(
                inspect.Parameter(
                    name, inspect.Parameter.KEYWORD_ONLY, default=option(name).default
                )
            )
    function.__signature__ = signature.replace(parameters=parameters)
    return function


def draw_options(options: DrawOptions | None, given: Mapping[str, Any]) -> DrawOptions:
    """``options`` with the keywords ``given`` applied, or options from ``given`` alone."""
    if options is None:
        return DrawOptions.from_mapping(given)
    if not isinstance(options, DrawOptions):
        raise invalid("options", options, "a DrawOptions")
    return options.replace(**given) if given else options
