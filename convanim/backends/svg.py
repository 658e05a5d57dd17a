"""A :class:`~convanim.layout.Drawing` as SVG markup and per-frame motion as JSON data.

Pure string building, no matplotlib: a reader of the drawing alone, as the matplotlib
backend (:mod:`convanim.render.mpl`) is, and interpreting every layer the same way:
layers in z order (ties in layer order), each one SVG element. Static layers are drawn
as they are. A layer moved by ``shift`` is a ``<g>`` whose ``transform`` a script sets
per frame from a list of translations; a layer replaced per frame (``frames``) is one
``<path>`` whose ``d`` the script rebuilds from the frame's rounded coordinates.

The ``viewBox`` is in plane units (y flipped by one group) and spans exactly the
raster's picture, :meth:`Drawing.pixel_size` at ``dpi`` from :meth:`Drawing.origin`, so
the SVG drawn at that pixel size lines up with the raster frames.

Text is ``<text>``: glyphs are the browser's, in the theme's fonts with generic
fallbacks. A text block's plane map (the tutorial's slant) becomes the ``transform`` of
its group, so numbers lie in the slanted plane. An ``ink`` function (a font engine's)
can say where each string's ink sits from its origin, to centre glyphs as the raster
does; without it a fixed fraction of the size is used.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..layout import Drawing, Layer, Paint, points_to_units, unit_pixels

__all__ = ["Ink", "SvgDrawing", "drawing_svg", "font_stack", "number_text"]

Ink = Callable[[str, float, str, str], tuple[float, float]]
"""``ink(text, size, align, font) -> (x, y)``: the point of ``text``'s outline (drawn
``size`` units high, origin at the start of its baseline) that a layout anchors: the
ink's centre, or its left or right edge for ``align``, at the ink's mid-height."""

DECIMALS = 3
"""Decimals of plane units in the markup and the motion data (1/1000 of a cell)."""

_SERIF = ("Latin Modern Roman", "CMU Serif", "Computer Modern", "serif")
_SANS = ("DejaVu Sans", "Verdana", "sans-serif")


def number_text(value: float, decimals: int = DECIMALS) -> str:
    """``value`` rounded to ``decimals``, shortest form: ``1.5``, ``-2``, ``0``."""
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _numbers(values) -> str:
    return " ".join(number_text(float(v)) for v in np.asarray(values).ravel())


def font_stack(family: str, kind: str) -> str:
    """A CSS font-family list: the theme's family, then look-alikes, then a generic one."""
    rest = _SERIF if kind == "number" and family.lower().startswith("cm") else _SANS
    if kind == "number" and rest is _SANS and "serif" in family.lower():
        rest = _SERIF
    names = [family, *[name for name in rest if name != family]]
    return ", ".join(name if name in ("serif", "sans-serif") else f"'{name}'" for name in names)


def css_color(color) -> tuple[str, float]:
    """An RGBA of floats as ``("#rrggbb", alpha)``."""
    red, green, blue, alpha = color
    hex_rgb = "#" + "".join(f"{round(channel * 255):02x}" for channel in (red, green, blue))
    return hex_rgb, float(alpha)


def _paint_attributes(paint: Paint, kind: str) -> str:
    parts = []
    if kind == "segments" or paint.fill is None:
        parts.append('fill="none"')
    else:
        color, alpha = css_color(paint.fill)
        parts.append(f'fill="{color}"')
        if alpha < 1:
            parts.append(f'fill-opacity="{number_text(alpha)}"')
    edge = paint.edge if kind != "text" else None
    if edge is not None and paint.width > 0:
        color, alpha = css_color(edge)
        parts.append(f'stroke="{color}" stroke-width="{number_text(points_to_units(paint.width))}"')
        if alpha < 1:
            parts.append(f'stroke-opacity="{number_text(alpha)}"')
        if paint.dash is not None:
            dash = " ".join(number_text(points_to_units(v)) for v in paint.dash)
            parts.append(f'stroke-dasharray="{dash}"')
        if paint.join is not None:
            parts.append(f'stroke-linejoin="{paint.join}"')
        if paint.cap is not None:
            parts.append(f'stroke-linecap="{paint.cap}"')
    elif kind != "text":
        parts.append('stroke="none"')
    return " ".join(parts)


def path_data(shapes: np.ndarray, closed: bool) -> str:
    """SVG path data of shapes (N, V, 2): ``M x y L x y ... Z`` per shape."""
    pieces = []
    for shape in shapes:
        coords = [f"{number_text(x)} {number_text(y)}" for x, y in shape]
        pieces.append("M" + "L".join(coords) + ("Z" if closed else ""))
    return "".join(pieces)


@dataclass
class SvgDrawing:
    """What :func:`drawing_svg` makes.

    Attributes
    ----------
    svg : str
        The ``<svg>`` element, showing frame 0.
    motion : list of dict
        One entry per moving layer, JSON-ready, for the player's script: ``{"id": ...,
        "shift": k}`` for a translated layer (frame ``f`` moved by ``data[k][2f:2f + 2]``),
        or ``{"id": ..., "data": k, "closed": bool, "vertices": V, "starts": [...]}``
        for a replaced one, whose coordinates are ``data[k]`` (a flat list: frame ``f``'s shapes are
        ``starts[f]`` to ``starts[f + 1]``, each of ``V`` points; ``"per": n`` instead of
        ``starts`` when every frame has ``n`` shapes).
    data : list of list of float
        Translations and coordinates, rounded (layers moving alike share one list).
    frames : int
    size : tuple of int
        The picture's (width, height) in pixels at the given dpi.
    """

    svg: str
    motion: list[dict] = field(default_factory=list)
    data: list[list[float]] = field(default_factory=list)
    frames: int = 0
    size: tuple[int, int] = (0, 0)


def _default_ink(text: str, size: float, align: str, font: str) -> tuple[float, float]:
    # Without a font engine: digits and lower-case ink sit around 0.36 em above the
    # baseline; the horizontal anchor is the advance's (text-anchor does it).
    return 0.0, 0.36 * size


def _text_layer(layer: Layer, drawing: Drawing, ink: Ink | None) -> str:
    block = layer.text
    theme = drawing.theme
    families = {"number": theme.number_font, "prose": theme.prose_font}
    color, alpha = css_color(layer.paint.fill or theme.text)
    matrix = np.eye(2) if block.matrix is None else np.asarray(block.matrix, float)
    offset = np.zeros(2) if block.offset is None else np.asarray(block.offset, float)
    # Text space has y down: the block's map applied to (x, -y), then the plane's.
    a, c = matrix[0, 0], -matrix[0, 1]
    b, d = matrix[1, 0], -matrix[1, 1]
    transform = " ".join(number_text(v, 4) for v in (a, b, c, d, *offset))
    opacity = f' fill-opacity="{number_text(alpha)}"' if alpha < 1 else ""
    uniform_font = block.fonts is None
    uniform_size = block.sizes is None
    head = [f'<g fill="{color}"{opacity} transform="matrix({transform})"']
    if uniform_font:
        head.append(f'font-family="{html.escape(font_stack(families[block.font], block.font))}"')
    if uniform_size:
        head.append(f'font-size="{number_text(block.size)}"')
    items = []
    for index in range(len(block)):
        string, size, align, font = block.item(index)
        if not string:
            continue
        ax, ay = block.anchors[index]
        if ink is None:
            dx, dy = _default_ink(string, size, align, font)
            anchor = {"center": "middle", "left": "start", "right": "end"}[align]
        else:
            dx, dy = ink(string, size, align, font)
            anchor = "start"
        attributes = [f'x="{number_text(ax - dx)}"', f'y="{number_text(dy - ay)}"']
        if anchor != "start":
            attributes.append(f'text-anchor="{anchor}"')
        if not uniform_font:
            stack = font_stack(families[font], font)
            attributes.append(f'font-family="{html.escape(stack)}"')
        if not uniform_size:
            attributes.append(f'font-size="{number_text(size)}"')
        items.append(f"<text {' '.join(attributes)}>{html.escape(string)}</text>")
    return " ".join(head) + ">" + "".join(items) + "</g>"


def _shapes_element(layer: Layer, shapes: np.ndarray, element_id: str | None) -> str:
    ident = f' id="{element_id}"' if element_id else ""
    closed = layer.kind != "segments"
    paint = _paint_attributes(layer.paint, layer.kind)
    return f'<path{ident} {paint} d="{path_data(shapes, closed)}"/>'


def drawing_svg(
    drawing: Drawing,
    dpi: float,
    *,
    ink: Ink | None = None,
    prefix: str = "ca",
    title: str | None = None,
) -> SvgDrawing:
    """The drawing as an ``<svg>`` element (frame 0) and the data that moves it.

    Parameters
    ----------
    drawing : Drawing
        What to draw.
    dpi : float
        Sets the element's pixel size, ``drawing.pixel_size(dpi)`` (the raster's).
    ink : Ink, optional
        Where each string's ink sits (a font engine's); a fixed guess without it.
    prefix : str
        Prefix of the element ids (two drawings on one page need different ones).
    title : str, optional
        The picture's accessible name.

    Returns
    -------
    SvgDrawing
    """
    width, height = drawing.pixel_size(dpi)
    unit = unit_pixels(dpi)
    left, bottom = drawing.origin()
    view_w, view_h = width / unit, height / unit
    top = bottom + view_h
    result = SvgDrawing(svg="", frames=drawing.frames, size=(width, height))
    background, background_alpha = css_color(drawing.theme.background)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="convanim-svg" width="{width}" '
        f'height="{height}" viewBox="{number_text(left)} {number_text(-top)} '
        f'{number_text(view_w)} {number_text(view_h)}" role="img"'
        + (f' aria-label="{html.escape(title, quote=True)}"' if title else "")
        + ">",
        f'<rect x="{number_text(left)}" y="{number_text(-top)}" width="{number_text(view_w)}" '
        f'height="{number_text(view_h)}" fill="{background}"'
        + (f' fill-opacity="{number_text(background_alpha)}"' if background_alpha < 1 else "")
        + "/>",
        '<g transform="scale(1 -1)">',
    ]
    order = sorted(range(len(drawing.layers)), key=lambda n: (drawing.layers[n].z, n))
    for number in order:
        layer = drawing.layers[number]
        element_id = f"{prefix}{number}"
        if layer.kind == "text" and layer.frames is not None:
            raise ValueError(f"text layer {layer.role!r} replaced per frame: not supported")
        element = _text_layer(layer, drawing, ink) if layer.kind == "text" else None
        if layer.shift is not None:
            if element is None:
                element = _shapes_element(layer, np.asarray(layer.geometry), None)
            parts.append(_translated(element, layer, result, element_id))
        elif element is not None:
            parts.append(element)
        elif layer.frames is not None:
            frames = np.asarray(layer.frames, float)
            starts = np.asarray(layer.frame_starts, int)
            vertices = frames.shape[1] if frames.ndim == 3 else 0
            first = frames[starts[0] : starts[1]] if len(starts) > 1 else frames[:0]
            parts.append(_shapes_element(layer, first, element_id))
            result.motion.append(
                {
                    "id": element_id,
                    "data": _share(result, frames),
                    "closed": layer.kind != "segments",
                    "vertices": vertices,
                    **_starts(starts),
                }
            )
        else:
            parts.append(_shapes_element(layer, np.asarray(layer.geometry), None))
    parts.append("</g></svg>")
    result.svg = "".join(parts)
    return result


def _rounded(values: np.ndarray) -> list[float | int]:
    """Values rounded to :data:`DECIMALS`, whole ones as ints (shorter JSON)."""
    rounded = np.round(np.asarray(values, float).ravel(), DECIMALS) + 0.0
    return [int(v) if v.is_integer() else float(v) for v in rounded.tolist()]


def _share(result: SvgDrawing, values: np.ndarray) -> int:
    """Index of ``values`` (rounded) in ``result.data``, added unless already there."""
    flat = _rounded(values)
    for index, known in enumerate(result.data):
        if known == flat:
            return index
    result.data.append(flat)
    return len(result.data) - 1


def _starts(starts: np.ndarray) -> dict:
    """``{"per": k}`` for k shapes in every frame, else ``{"starts": [...]}``."""
    steps = np.diff(starts)
    if starts[0] == 0 and len(steps) and (steps == steps[0]).all():
        return {"per": int(steps[0])}
    return {"starts": [int(s) for s in starts]}


def _translated(element: str, layer: Layer, result: SvgDrawing, element_id: str) -> str:
    """``element`` in a group moved to frame 0; the shifts recorded for the script."""
    shift = np.asarray(layer.shift, float)
    x, y = shift[0] if len(shift) else (0.0, 0.0)
    result.motion.append({"id": element_id, "shift": _share(result, shift)})
    move = f"translate({number_text(x)} {number_text(y)})"
    return f'<g id="{element_id}" transform="{move}">{element}</g>'
