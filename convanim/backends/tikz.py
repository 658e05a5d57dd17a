"""The TikZ backend: a :class:`~convanim.layout.Drawing` as LaTeX source, the original's medium.

String building only (no matplotlib, no files). Coordinates stay in plane units, with
TikZ's unit vectors set to 0.5 cm (``x=0.5cm, y=0.5cm``, the tutorial's own scale), so
line widths and text are not scaled; numbers are TeX text, slanted into the plane with
the block's matrix (``cm={...}`` and ``transform shape``) as the tutorial's were.

A picture is a ``tikzpicture`` whose bounding box is the raster frame's: at ``dpi``
(150, the tutorial's) ``pdftoppm -r 150`` of a standalone page gives a frame of the same
size in pixels as convanim's own. Static layers are written once (as the macro
``\\convanimstatic...``) and moving layers per frame, in drawing order.

Variants of :func:`tikz_document`:

``"picture"``
    One frame's ``tikzpicture``, for ``\\input`` in any document that loads ``tikz``.
``"standalone"``
    A whole document (class ``standalone``), one page per frame, in frame order.
``"beamer"``
    One ``tikzpicture`` whose moving layers are ``\\only<n>`` overlays, one per frame:
    ``\\begin{frame}\\input{conv.tex}\\end{frame}`` steps through the animation.
``"animate"``
    An ``animateinline`` of the frames (package ``animate``), a PDF that plays itself.
"""

from __future__ import annotations

import re

import numpy as np

from ..errors import invalid
from ..layout import CM_PER_UNIT, Drawing, Layer, unit_pixels
from ..theme import COLOR_ROLES, Theme

__all__ = ["VARIANTS", "tex_escape", "tikz_document", "tikz_picture"]

VARIANTS = ("picture", "standalone", "beamer", "animate")
"""The kinds of ``.tex`` file :func:`tikz_document` writes."""

_TEX_POINTS_PER_CM = 72.27 / 2.54

# Characters TeX reads specially, and the few non-ASCII ones convanim's texts use.
_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
    "<": "$<$",
    ">": "$>$",
    "|": r"$\vert$",
    "ᵀ": r"$^{\mathsf{T}}$",
    "×": r"$\times$",
    "·": r"$\cdot$",
    "−": r"$-$",
    "→": r"$\to$",
    "⌊": r"$\lfloor$",
    "⌋": r"$\rfloor$",
}
_SPECIAL = re.compile("|".join(re.escape(key) for key in _ESCAPES))


def tex_escape(text: str) -> str:
    """``text`` as TeX source that prints it (specials escaped, ``ᵀ`` as a superscript).

    >>> print(tex_escape("x_1 -> Cᵀ"))
    x\\_1 -$>$ C$^{\\mathsf{T}}$
    """
    return _SPECIAL.sub(lambda match: _ESCAPES[match.group(0)], text)


def _number(value: float) -> str:
    """A coordinate: three decimals at most, no trailing zeros, never ``-0``."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _point(point) -> str:
    return f"({_number(point[0])},{_number(point[1])})"


class _Colors:
    """``\\definecolor`` lines, one per distinct RGB, named after the first role using it;
    and a TikZ style per distinct paint (``convanim input``...), so a user restyles a
    role in one place and a frame's paths stay short."""

    def __init__(self, theme: Theme | None = None) -> None:
        self.theme_roles = [] if theme is None else [(r, getattr(theme, r)) for r in COLOR_ROLES]
        self.names: dict[tuple[float, float, float], str] = {}
        self.lines: list[str] = []
        self.styles: dict[str, str] = {}
        self.style_lines: list[str] = []

    def style(self, options: str, role: str) -> str:
        """The name of a style holding ``options``."""
        if not options:
            return ""
        if options not in self.styles:
            base = "convanim " + role.replace("_", " ")
            name, number = base, 1
            while name in self.styles.values():
                number += 1
                name = f"{base} {number}"
            self.styles[options] = name
            self.style_lines.append(f"\\tikzset{{{name}/.style={{{options}}}}}")
        return self.styles[options]

    def _role_for(self, rgba, fallback: str) -> str:
        # Named after the theme's role holding the colour (opaque, or with this alpha,
        # or in any alpha), so the file reads as the theme does.
        rgb = tuple(rgba[:3])
        for test in (
            lambda color: tuple(color) == (*rgb, 1.0),  # the colour itself, opaque
            lambda color: tuple(color) == tuple(rgba),
            lambda color: tuple(color[:3]) == rgb,
        ):
            for role, color in self.theme_roles:
                if test(color):
                    return role
        return fallback

    def name(self, rgba, role: str) -> str:
        rgb = tuple(round(float(c), 4) for c in rgba[:3])
        if rgb not in self.names:
            base = "convanim" + re.sub(r"[^a-zA-Z]", "", self._role_for(rgba, role))
            name, number = base, 1
            while name in self.names.values():
                number += 1
                name = f"{base}{_letters(number)}"
            self.names[rgb] = name
            values = ",".join(_number(c) for c in rgb)
            self.lines.append(f"\\definecolor{{{name}}}{{rgb}}{{{values}}}")
        return self.names[rgb]


def _letters(number: int) -> str:
    # Colour names are letters only (digits would end a TeX control word).
    text = ""
    while number:
        number, rest = divmod(number - 1, 26)
        text = chr(ord("a") + rest) + text
    return text


def _paint_options(layer: Layer, colors: _Colors) -> str:
    paint = layer.paint
    options = []
    if layer.kind == "text":
        if paint.fill is not None:
            options.append(f"text={colors.name(paint.fill, layer.role)}")
            if paint.fill[3] < 1:
                options.append(f"text opacity={_number(paint.fill[3])}")
        return ",".join(options)
    if paint.fill is not None and layer.kind != "segments":
        options.append(f"fill={colors.name(paint.fill, layer.role)}")
        if paint.fill[3] < 1:
            options.append(f"fill opacity={_number(paint.fill[3])}")
    if paint.edge is not None and (paint.width > 0 or layer.kind == "segments"):
        options.append(f"draw={colors.name(paint.edge, layer.role + 'edge')}")
        if paint.edge[3] < 1:
            options.append(f"draw opacity={_number(paint.edge[3])}")
        options.append(f"line width={_number(paint.width)}pt")
        if paint.dash is not None:
            on, off = paint.dash
            options.append(f"dash pattern=on {_number(on)}pt off {_number(off)}pt")
        if paint.join is not None:
            options.append(f"line join={paint.join}")
        if paint.cap is not None:
            options.append(f"line cap={paint.cap}")
    return ",".join(options)


_FAMILIES = (("sans", r"\sffamily"), ("mono", r"\ttfamily"), ("courier", r"\ttfamily"))


def _family(name: str) -> str:
    lowered = name.lower()
    for key, command in _FAMILIES:
        if key in lowered:
            return command
    return r"\rmfamily"


def _font(size_units: float, family: str) -> str:
    points = _number(size_units * CM_PER_UNIT * _TEX_POINTS_PER_CM)
    leading = _number(size_units * CM_PER_UNIT * _TEX_POINTS_PER_CM * 1.2)
    return f"\\fontsize{{{points}}}{{{leading}}}{family}\\selectfont"


_ANCHORS = {"center": "center", "left": "west", "right": "east"}


def _text_string(string: str, font: str) -> str:
    if font == "number":
        # A minus sign, not a hyphen.
        return re.sub(r"^-", "$-$", tex_escape(string))
    return tex_escape(string)


def _text(layer: Layer, shift, colors: _Colors, drawing: Drawing) -> list[str]:
    block = layer.text
    if len(block) == 0:
        return []
    theme = drawing.theme
    families = {"number": _family(theme.number_font), "prose": _family(theme.prose_font)}
    lines = []
    scope = [colors.style(_paint_options(layer, colors), layer.role)]
    if shift is not None and (shift[0] or shift[1]):
        scope.append(f"shift={{{_point(shift)}}}")
    if block.matrix is not None:
        (a, c), (b, d) = block.matrix
        scope.append(
            "cm={" + ",".join(_number(v) for v in (a, b, c, d)) + f",{_point(block.offset)}}}"
        )
    lines.append(f"\\begin{{scope}}[{','.join(option for option in scope if option)}]")
    shape = ",transform shape" if block.matrix is not None else ""
    for index in range(len(block)):
        string, size, align, font = block.item(index)
        lines.append(
            f"\\node[inner sep=0,anchor={_ANCHORS[align]},font={_font(size, families[font])}"
            f"{shape}] at {_point(block.anchors[index])} {{{_text_string(string, font)}}};"
        )
    lines.append("\\end{scope}")
    return lines


def _shapes(
    layer: Layer, frame: int, colors: _Colors, drawing: Drawing, *, unshifted: bool = False
) -> list[str]:
    """TikZ lines drawing ``layer`` as it is in ``frame`` (or before its shift)."""
    if layer.kind == "text":
        shift = None if unshifted or layer.shift is None else layer.shift[frame]
        return _text(layer, shift, colors, drawing)
    shapes = layer.geometry if unshifted else layer.at(frame)
    if len(shapes) == 0:
        return []
    options = colors.style(_paint_options(layer, colors), layer.role)
    if not options:
        return []
    if layer.kind == "segments":
        pieces = [f"{_point(a)}--{_point(b)}" for a, b in shapes]
    else:
        pieces = ["--".join(_point(p) for p in polygon) + "--cycle" for polygon in shapes]
    # One path per layer, a few shapes a line, so the file stays readable.
    body = "\n  ".join(" ".join(pieces[at : at + 4]) for at in range(0, len(pieces), 4))
    return [f"\\path[{options}]\n  {body};"]


def _runs(drawing: Drawing) -> list[tuple[bool, list[Layer]]]:
    """Layers in drawing order (z, ties in layer order), grouped in runs of the same
    motion: a static run is drawn once, a moving run per frame."""
    order = sorted(range(len(drawing.layers)), key=lambda i: (drawing.layers[i].z, i))
    runs: list[tuple[bool, list[Layer]]] = []
    for index in order:
        layer = drawing.layers[index]
        if runs and runs[-1][0] == layer.moving:
            runs[-1][1].append(layer)
        else:
            runs.append((layer.moving, [layer]))
    return runs


def _shift_groups(layers: list[Layer]) -> list[list[Layer]]:
    """Consecutive layers that move by the same translation (or are not translated)."""
    groups: list[list[Layer]] = []
    for layer in layers:
        last = groups[-1][0] if groups else None
        if (
            last is not None
            and layer.frames is None
            and last.frames is None
            and (last.shift is None) == (layer.shift is None)
            and (layer.shift is None or np.array_equal(last.shift, layer.shift))
        ):
            groups[-1].append(layer)
        else:
            groups.append([layer])
    return groups


def _bounding_box(drawing: Drawing, dpi: float) -> str:
    width, height = drawing.pixel_size(dpi)
    left, bottom = drawing.origin()
    unit = unit_pixels(dpi)
    # A hair short of the pixel size: a page of exactly W pixels must not round up.
    right, top = left + (width - 0.02) / unit, bottom + (height - 0.02) / unit
    return f"\\useasboundingbox {_point((left, bottom))} rectangle {_point((right, top))};"


def _background(drawing: Drawing, colors: _Colors) -> list[str]:
    background = drawing.theme.background
    if tuple(background[:3]) == (1.0, 1.0, 1.0) or background[3] == 0:
        return []  # the page is white already; a paper figure needs no white box
    name = colors.name(background, "background")
    corners = "(current bounding box.south west) rectangle (current bounding box.north east)"
    return [f"\\fill[{name}] {corners};"]


def _check_frame(drawing: Drawing, frame: object) -> int:
    if (
        isinstance(frame, bool)
        or not isinstance(frame, (int, np.integer))
        or not 0 <= frame < drawing.frames
    ):
        raise invalid("frame", frame, f"an integer between 0 and {drawing.frames - 1}")
    return int(frame)


class _Picture:
    """The pieces of a drawing's TikZ source: colours, static runs, moving runs."""

    def __init__(self, drawing: Drawing, dpi: float, prefix: str) -> None:
        self.drawing = drawing
        self.colors = _Colors(drawing.theme)
        self.runs = _runs(drawing)
        self.prefix = prefix
        self.box = _bounding_box(drawing, dpi)
        self.background = _background(drawing, self.colors)
        for _, layers in self.runs:  # every colour is defined before the picture uses it
            for layer in layers:
                self.colors.style(_paint_options(layer, self.colors), layer.role)
        # Static runs are macros, written once; named by position (letters only).
        self.static: list[tuple[str, list[str]]] = []
        for number, (moving, layers) in enumerate(self.runs, start=1):
            if not moving:
                body = [
                    line for layer in layers for line in _shapes(layer, 0, self.colors, drawing)
                ]
                self.static.append((f"\\{prefix}static{_letters(number)}", body))
        # Layers that only translate (the window, its grid and weights) are macros too,
        # drawn per frame in a shifted scope: a frame costs one line, as the original
        # templates' \foreach over the window's positions did.
        self.shifted: dict[int, tuple[str, list[str]]] = {}
        for moving, layers in self.runs:
            if not moving:
                continue
            for group in _shift_groups(layers):
                if group[0].shift is None:
                    continue
                name = f"\\{prefix}move{_letters(len(self.shifted) + 1)}"
                body = [
                    line
                    for layer in group
                    for line in _shapes(layer, 0, self.colors, drawing, unshifted=True)
                ]
                self.shifted[id(group[0])] = (name, body)

    def moving(self, run: list[Layer], frame: int) -> list[str]:
        lines = []
        for group in _shift_groups(run):
            if group[0].shift is None:
                lines += [
                    line
                    for layer in group
                    for line in _shapes(layer, frame, self.colors, self.drawing)
                ]
                continue
            name, _ = self.shifted[id(group[0])]
            lines.append(f"\\begin{{scope}}[shift={{{_point(group[0].shift[frame])}}}]")
            lines += [name, "\\end{scope}"]
        return lines

    def definitions(self) -> list[str]:
        lines = [*self.colors.lines, *self.colors.style_lines]
        for name, body in [*self.static, *self.shifted.values()]:
            lines.append(f"\\def{name}{{%")
            lines.extend(body)
            lines.append("}")
        return lines

    def body(self, frame_part) -> list[str]:
        """The picture's drawing commands; ``frame_part(run)`` writes a moving run."""
        lines = [self.box, *self.background]
        statics = iter(self.static)
        for moving, layers in self.runs:
            if moving:
                lines.extend(frame_part(layers))
            else:
                lines.append(next(statics)[0])
        return lines


_OPEN = "\\begin{tikzpicture}[x=0.5cm,y=0.5cm]"
_CLOSE = "\\end{tikzpicture}"


def _header(drawing: Drawing, variant: str) -> list[str]:
    uses = {
        "picture": "\\input it inside a tikzpicture-capable document (\\usepackage{tikz}).",
        "standalone": "compile it on its own: one page per frame.",
        "beamer": "\\begin{frame}\\input{this file}\\end{frame}: one overlay per frame.",
        "animate": "\\usepackage{tikz,animate}, then \\input it: the PDF plays itself.",
    }
    return [
        f"% convanim: the {drawing.view} view, {drawing.frames} frame(s), TikZ ({variant}).",
        f"% Use: {uses[variant]}",
    ]


def tikz_picture(drawing: Drawing, frame: int = 0, *, dpi: float = 150.0) -> str:
    """Frame ``frame`` of ``drawing`` as one ``tikzpicture`` (needs only ``tikz``).

    Raises
    ------
    SpecError
        One line, for a frame that is not one of the drawing's.
    """
    frame = _check_frame(drawing, frame)
    picture = _Picture(drawing, dpi, "convanim")
    lines = [_OPEN, *picture.definitions()]
    lines += picture.body(lambda run: picture.moving(run, frame))
    lines.append(_CLOSE)
    return "\n".join(lines) + "\n"


def tikz_document(
    drawing: Drawing,
    variant: str = "picture",
    *,
    frame: int = 0,
    duration: int = 1000,
    loop: int = 0,
    dpi: float = 150.0,
) -> str:
    """``drawing`` as a ``.tex`` file of ``variant`` (see :data:`VARIANTS`).

    Parameters
    ----------
    drawing : Drawing
    variant : {"picture", "standalone", "beamer", "animate"}
        A still of ``frame`` to ``\\input``; a document of one page per frame; beamer
        overlays; an ``animateinline``.
    frame : int
        The frame a ``"picture"`` shows.
    duration : int
        Milliseconds per frame (``"animate"``).
    loop : int
        0 loops forever (``"animate"``); otherwise plays once.
    dpi : float
        The raster resolution whose frame size the bounding box matches.

    Raises
    ------
    SpecError
        One line, for an unknown variant or a frame out of range.
    """
    if variant not in VARIANTS:
        raise invalid("tex", variant, "one of " + ", ".join(map(repr, VARIANTS)))
    header = _header(drawing, variant)
    if variant == "picture":
        return "\n".join(header) + "\n" + tikz_picture(drawing, frame, dpi=dpi)
    picture = _Picture(drawing, dpi, "convanim")
    frames = range(drawing.frames)
    lines = list(header)
    if variant == "standalone":
        lines += [
            # Computer Modern at any size (captions are 6.5 pt), then the page class.
            "\\RequirePackage{fix-cm}",
            "\\documentclass[tikz,border=0pt]{standalone}",
            "\\begin{document}",
            *picture.definitions(),
        ]
        for index in frames:
            lines += [_OPEN, *picture.body(lambda run, i=index: picture.moving(run, i)), _CLOSE]
        lines.append("\\end{document}")
    elif variant == "beamer":
        lines += ["%", _OPEN, *picture.definitions()]

        def overlays(run: list[Layer]) -> list[str]:
            out = []
            for index in frames:
                out += [f"\\only<{index + 1}>{{%", *picture.moving(run, index), "}"]
            return out

        lines += picture.body(overlays)
        lines.append(_CLOSE)
    else:
        rate = _number(1000.0 / duration)
        options = "autoplay,loop" if loop == 0 else "autoplay"
        lines += [
            "%",
            "\\begingroup",
            *picture.definitions(),
            f"\\begin{{animateinline}}[{options}]{{{rate}}}",
        ]
        for index in frames:
            if index:
                lines.append("\\newframe")
            lines += [_OPEN, *picture.body(lambda run, i=index: picture.moving(run, i)), _CLOSE]
        lines += ["\\end{animateinline}", "\\endgroup"]
    return "\n".join(lines) + "\n"
