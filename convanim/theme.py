"""Themes: every colour, alpha, line width, dash pattern, font and border of a look.

Layouts read a :class:`Theme` by role (``theme.input``, ``theme.window_shade``...) and
store the resolved paint on each layer, so a backend never holds a colour of its own.
Colours are RGBA tuples of floats in [0, 1]; widths, dashes, sizes and borders are in
TeX points (1/72.27 inch), as TikZ measures them.

Colours given by name ("red", "tab:blue", "C0") are read by matplotlib's colour parser,
imported only then: ``import convanim`` stays numpy-free.
"""

from __future__ import annotations

import math
import numbers
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from dataclasses import replace as _replace
from typing import Any

__all__ = [
    "COLOR_ROLES",
    "THEMES",
    "TUTORIAL_THEME",
    "Theme",
    "as_theme",
    "load_theme",
    "parse_color",
    "theme_named",
]

RGBA = tuple[float, float, float, float]


def _rgb(red: int, green: int, blue: int, alpha: float = 1.0) -> RGBA:
    return (red / 255, green / 255, blue / 255, alpha)


# Solarized, as the tutorial's templates name them.
_BLUE = _rgb(38, 139, 210)
_CYAN = _rgb(42, 161, 152)
_BASE02 = _rgb(7, 54, 66)
_BASE03 = _rgb(0, 43, 54)
_SHADE_ALPHA = 0.4


@dataclass(frozen=True, slots=True, kw_only=True)
class Theme:
    """How a drawing is painted, by role.

    Attributes
    ----------
    name : str
        The theme's name (``"tutorial"``).
    background : RGBA
        The page behind the drawing.
    input, input_edge : RGBA
        Real input cells and their outlines.
    padding : RGBA
        The dashed grid over the whole slid-over grid: padding and inserted zeros.
    padding_fill : RGBA
        The fill of cells that are not input (padding, inserted zeros); transparent in
        the tutorial, whose padding cells are the page.
    window_shade, window_edge : RGBA
        The window's taps (the tutorial's base02 at 40 %) and their thin outlines.
    window_grid : RGBA
        The grid drawn over the window.
    lines : RGBA
        The thin lines from the window to the output cell (tutorial look).
    output, output_edge, output_grid : RGBA
        The output plane, its outline and its grid.
    output_shade, output_cell : RGBA
        The shade and the thick outline of the output cell being written.
    text, text_muted : RGBA
        Numbers, labels and captions; zero entries of the matrix view.
    matrix_tint : RGBA
        The non-zero entries of the matrix view's C.
    thick, thin : float
        TikZ's ``thick`` and ``thin`` line widths.
    dash : tuple of float
        The padding grid's dash pattern (on, off).
    border : float
        Empty border around the drawing.
    number_font, prose_font : str
        Font families: numbers in cells (Computer Modern, as the tutorial's LaTeX) and
        words (labels, captions), which need every character.
    number_size, small_size : float
        Input numbers; output values and kernel weights.
    label_size, caption_size : float
        "input"/"output" labels; caption lines.
    matrix_size, matrix_index_size : float
        Entries of C; the indices along x and y in the matrix view.
    """

    name: str = "tutorial"
    background: RGBA = (1.0, 1.0, 1.0, 1.0)
    input: RGBA = _BLUE
    input_edge: RGBA = _BASE03
    padding: RGBA = _BASE03
    padding_fill: RGBA = (1.0, 1.0, 1.0, 0.0)
    window_shade: RGBA = (*_BASE02[:3], _SHADE_ALPHA)
    window_edge: RGBA = (0.0, 0.0, 0.0, _SHADE_ALPHA)
    window_grid: RGBA = _BASE03
    lines: RGBA = (0.0, 0.0, 0.0, 1.0)
    output: RGBA = _CYAN
    output_edge: RGBA = (0.0, 0.0, 0.0, 1.0)
    output_grid: RGBA = _BASE03
    output_shade: RGBA = (*_BASE02[:3], _SHADE_ALPHA)
    output_cell: RGBA = _BASE03
    text: RGBA = (0.0, 0.0, 0.0, 1.0)
    text_muted: RGBA = (0.6, 0.6, 0.6, 1.0)
    matrix_tint: RGBA = (*_BLUE[:3], 0.3)
    thick: float = 0.8
    thin: float = 0.4
    dash: tuple[float, float] = (3.0, 3.0)
    border: float = 10.0
    number_font: str = "cmr10"
    prose_font: str = "DejaVu Sans"
    number_size: float = 8.0
    small_size: float = 5.0
    label_size: float = 8.0
    caption_size: float = 6.5
    matrix_size: float = 6.0
    matrix_index_size: float = 5.0

    def replace(self, colors: Mapping[str, Any] | None = None, **changes: Any) -> Theme:
        """A theme like this one with some roles changed.

        Parameters
        ----------
        colors : mapping, optional
            Role to colour (``{"input": "tab:orange"}``), the same as keywords.
        **changes
            Any field: a colour role takes any colour matplotlib accepts (a name,
            ``"#rrggbb[aa]"``, an ``(r, g, b[, a])`` tuple in 0..1); ``name``, widths,
            sizes and fonts take their own types.

        Raises
        ------
        SpecError
            One line for an unknown role or field, or a value that is not a colour.
        """
        given = {**dict(colors or {}), **changes}
        checked = {key: _checked_field(key, value) for key, value in given.items()}
        return _replace(self, **checked)

    def colors(self) -> dict[str, RGBA]:
        """Every colour role and its RGBA value."""
        return {role: getattr(self, role) for role in COLOR_ROLES}


COLOR_ROLES: tuple[str, ...] = tuple(
    field.name for field in fields(Theme) if field.type in ("RGBA", RGBA)
)
"""The roles that hold a colour, in declaration order."""

_FIELD_TYPES = {field.name: field.type for field in fields(Theme)}
_HEX = re.compile(r"^#([0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
COLOR_EXPECTED = (
    "a colour: a name like 'red' or 'tab:blue', '#rrggbb[aa]' or (r, g, b[, a]) in 0..1"
)


def _roles_expected() -> str:
    return "one of " + ", ".join(COLOR_ROLES)


def parse_color(value: object, role: str = "color") -> RGBA:
    """``value`` as an RGBA tuple of floats in [0, 1]: any colour matplotlib accepts.

    Hex strings and tuples are read here; names (``"red"``, ``"tab:blue"``, ``"C0"``,
    ``"0.5"`` for a grey) by :func:`matplotlib.colors.to_rgba`, imported only for them.

    Raises
    ------
    SpecError
        One line naming ``role``: ``input = 'bleu' is not valid: expected a colour...``.
    """
    from .errors import invalid

    if isinstance(value, (tuple, list)):
        parts = tuple(value)
        if len(parts) in (3, 4) and all(
            isinstance(part, numbers.Real)
            and not isinstance(part, bool)
            and math.isfinite(part)
            and 0 <= part <= 1
            for part in parts
        ):
            return tuple(float(part) for part in (*parts, 1.0)[:4])
        raise invalid(role, value, COLOR_EXPECTED)
    if not isinstance(value, str) or not value.strip():
        raise invalid(role, value, COLOR_EXPECTED)
    text = value.strip()
    match = _HEX.match(text)
    if match:
        digits = match.group(1)
        if len(digits) in (3, 4):
            digits = "".join(digit * 2 for digit in digits)
        channels = [int(digits[index : index + 2], 16) / 255 for index in range(0, len(digits), 2)]
        return tuple((*channels, 1.0)[:4])
    try:
        from matplotlib.colors import to_rgba
    except ImportError:  # pragma: no cover - matplotlib is a dependency
        raise invalid(role, value, COLOR_EXPECTED) from None
    try:
        return tuple(float(part) for part in to_rgba(text))
    except ValueError:
        raise invalid(role, value, COLOR_EXPECTED) from None


def _checked_field(key: str, value: object) -> object:
    from .errors import invalid

    if key not in _FIELD_TYPES:
        from .errors import SpecError

        raise SpecError(
            f"color role {key!r} is not valid: expected {_roles_expected()}",
            parameter="colors",
            value=key,
            expected=_roles_expected(),
        )
    if key in COLOR_ROLES:
        return parse_color(value, key)
    kind = _FIELD_TYPES[key]
    if kind == "str":
        if not isinstance(value, str):
            raise invalid(key, value, "a string")
        return value
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0:
            raise invalid(key, value, "a number >= 0")
        return float(value)
    # the dash pattern: (on, off) in points
    if (
        not isinstance(value, (tuple, list))
        or len(value) != 2
        or not all(isinstance(part, numbers.Real) and part > 0 for part in value)
    ):
        raise invalid(key, value, "two numbers > 0 (on, off)")
    return tuple(float(part) for part in value)


TUTORIAL_THEME = Theme()
"""The tutorial's look: Solarized cells on white, TikZ's line widths."""


# Region colours chosen by a search for at least 3.3:1 against the background (and 22
# delta-E between regions under each simulated dichromacy), near the tutorial's hues.
DARK_THEME = TUTORIAL_THEME.replace(
    {
        "background": "#1b1e28",
        "input": "#476ce6",
        "input_edge": "#c8d3e0",
        "padding": "#c8d3e0",
        "padding_fill": "#945d86",
        "window_shade": "#fce5148f",
        "window_edge": "#fce514cc",
        "window_grid": "#e8ecf2",
        "lines": "#e8ecf2",
        "output": "#09a9c7",
        "output_edge": "#c8d3e0",
        "output_grid": "#1b1e28",
        "output_shade": "#d8832f82",
        "output_cell": "#ffffff",
        "text": "#f4f6fa",
        "text_muted": "#8f9bb3",
        "matrix_tint": "#476ce673",
    },
    name="dark",
)
"""For dark slides and dark-mode pages: light lines and text on a dark background,
every region at least 3:1 against it (WCAG's figure for graphics)."""

# Chosen by a search that keeps every pair of region colours 26 delta-E apart under
# each simulated dichromacy while staying near the tutorial's blue input and teal
# output: blue, lilac padding, a dark-brown shade, green.
COLORBLIND_THEME = TUTORIAL_THEME.replace(
    {
        "input": "#0356ff",
        "padding_fill": "#e1b2fb",
        "window_shade": "#46060075",
        "output": "#21c578",
        "output_shade": "#37000063",
        "matrix_tint": "#0356ff4c",
    },
    name="colorblind",
)
"""Region colours that stay at least 20 CIE76 delta-E apart under protanopia,
deuteranopia and tritanopia (Machado et al. 2009, severity 1.0)."""

# Greys whose L* are 1/7 of the range apart (black lines, white page and six cell
# colours between): the most a set of eight can be.
PRINT_THEME = TUTORIAL_THEME.replace(
    {
        "input": "#434343",
        "input_edge": "#000000",
        "padding": "#000000",
        "padding_fill": "#d6d6d6",
        "window_shade": "#0b0b0b8f",
        "window_edge": "#0000008f",
        "window_grid": "#000000",
        "output": "#afafaf",
        "output_grid": "#000000",
        "output_shade": "#3131314c",
        "output_cell": "#000000",
        "matrix_tint": "#00000040",
    },
    name="print",
)
"""Greys distinct by lightness alone: a black-and-white printout shows input, padding,
window and output apart."""

THEMES: dict[str, Theme] = {
    "tutorial": TUTORIAL_THEME,
    "dark": DARK_THEME,
    "colorblind": COLORBLIND_THEME,
    "print": PRINT_THEME,
}
"""The built-in themes by name."""


def theme_named(name: object) -> Theme:
    """The built-in theme ``name`` (a :class:`Theme` is returned as it is).

    Raises
    ------
    SpecError
        For a name that is not a built-in theme.
    """
    if isinstance(name, Theme):
        return name
    if isinstance(name, str) and name in THEMES:
        return THEMES[name]
    from .errors import invalid

    raise invalid("theme", name, _THEME_EXPECTED)


_THEME_EXPECTED = "one of " + ", ".join(map(repr, THEMES)) + ", a theme file (.toml) or a Theme"


def _from_mapping(table: Mapping[str, Any], origin: str) -> Theme:
    """A theme from a table: ``base`` (a built-in name, tutorial by default), then roles."""
    from .errors import SpecError

    values = dict(table)
    base = values.pop("base", "tutorial")
    if not isinstance(base, str) or base not in THEMES:
        from .errors import invalid

        raise invalid(
            "theme", base, "one of " + ", ".join(map(repr, THEMES)), detail=f" (base in {origin})"
        )
    colors = values.pop("colors", {})
    if not isinstance(colors, Mapping):
        colors = {"colors": colors}  # refused below as an unknown role
    values.setdefault("name", base if origin == "mapping" else _stem(origin))
    try:
        return THEMES[base].replace(colors, **values)
    except SpecError as error:
        if origin == "mapping":
            raise
        raise SpecError(
            f"theme file {origin!r}: {error}",
            parameter="theme",
            value=error.value,
            expected=error.expected,
        ) from None


def _stem(path: str) -> str:
    return os.path.splitext(os.path.basename(path))[0]


def load_theme(path: str | os.PathLike[str]) -> Theme:
    """A theme from a TOML file: ``base = "dark"`` (optional), then roles and fields.

    For example::

        base = "tutorial"
        input = "tab:orange"
        output = "#2a9d8f"
        thick = 1.0

    Raises
    ------
    SpecError
        One line: the file is missing or not TOML, or names an unknown role or colour.
    """
    import tomllib

    from .errors import SpecError

    shown = os.fspath(path)
    try:
        with open(path, "rb") as file:
            table = tomllib.load(file)
    except OSError as error:
        raise SpecError(
            f"theme file {shown!r} is not valid: {error.strerror}",
            parameter="theme",
            value=shown,
            expected="a readable TOML file",
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SpecError(
            f"theme file {shown!r} is not valid TOML: {error}",
            parameter="theme",
            value=shown,
            expected="a TOML file",
        ) from None
    return _from_mapping(table, shown)


def as_theme(value: object) -> Theme:
    """``value`` as a :class:`Theme`: a Theme, a built-in name, a ``.toml`` file or a
    mapping (``{"base": "dark", "input": "red"}``).

    Raises
    ------
    SpecError
        One line for anything else, an unknown role or a value that is not a colour.
    """
    if isinstance(value, Theme):
        return value
    if isinstance(value, str) and value.strip() in THEMES:
        return THEMES[value.strip()]
    if isinstance(value, (str, os.PathLike)) and os.fspath(value).strip().lower().endswith(".toml"):
        return load_theme(os.fspath(value).strip())
    if isinstance(value, Mapping):
        return _from_mapping(value, "mapping")
    from .errors import invalid

    raise invalid("theme", value, _THEME_EXPECTED)
