"""Themes: every colour, alpha, line width, dash pattern, font and border of a look.

Layouts read a :class:`Theme` by role (``theme.input``, ``theme.window_shade``...) and
store the resolved paint on each layer, so a backend never holds a colour of its own.
Colours are RGBA tuples of floats in [0, 1]; widths, dashes, sizes and borders are in
TeX points (1/72.27 inch), as TikZ measures them.

Pure data: no matplotlib here.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

__all__ = ["COLOR_ROLES", "THEMES", "TUTORIAL_THEME", "Theme", "theme_named"]

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


COLOR_ROLES: tuple[str, ...] = tuple(
    field.name for field in fields(Theme) if field.type in ("RGBA", RGBA)
)
"""The roles that hold a colour, in declaration order."""

TUTORIAL_THEME = Theme()
"""The tutorial's look: Solarized cells on white, TikZ's line widths."""

THEMES: dict[str, Theme] = {"tutorial": TUTORIAL_THEME}
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

    raise invalid("theme", name, "one of " + ", ".join(map(repr, THEMES)))
