"""HTML: one self-contained page that plays the animation, drawn as SVG, with controls.

The drawing is vector (:mod:`convanim.backends.svg`), crisp at any zoom, and fits its
container's width; a small inline script moves its moving layers per frame. Controls:
play/pause, step back and forth, a frame scrubber, speed and loop; keys: space
(play/pause), left and right arrows (step), Home and End. Under the picture, the current
frame's arithmetic (:func:`~convanim.layout.notes.frame_notes`). No network, no
external script or font: the file works offline, from disk.

Given a second drawing of the same animation in a dark theme, the page shows the one
that matches the reader's ``prefers-color-scheme``.
"""

from __future__ import annotations

import functools
import html
import json
from importlib import resources
from pathlib import Path

from ..backends.svg import Ink, css_color, drawing_svg
from ..layout import Drawing
from ..theme import Theme
from . import FrameSource, WriteOptions, Writer, register

__all__ = ["ink_for", "player_html", "write_html"]

SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0)


@functools.cache
def _script() -> str:
    return resources.files("convanim").joinpath("player.js").read_text(encoding="utf-8")


def ink_for(theme: Theme) -> Ink:
    """Where matplotlib's font engine puts each string's ink: the raster's glyph centring."""
    from matplotlib.textpath import TextPath

    from ..render._text import _font

    families = {"number": theme.number_font, "prose": theme.prose_font}

    @functools.lru_cache(maxsize=4096)
    def ink(text: str, size: float, align: str, font: str) -> tuple[float, float]:
        extents = TextPath((0, 0), text, size=size, prop=_font(families[font])).get_extents()
        x = {"center": (extents.x0 + extents.x1) / 2, "right": extents.x1, "left": extents.x0}
        return float(x[align]), float((extents.y0 + extents.y1) / 2)

    return ink


def _rgba(color) -> str:
    hex_rgb, alpha = css_color(color)
    if alpha >= 1:
        return hex_rgb
    red, green, blue = (int(hex_rgb[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha:.3g})"


def _palette(theme: Theme) -> str:
    return (
        f"--ca-bg: {_rgba(theme.background)}; --ca-fg: {_rgba(theme.text)}; "
        f"--ca-accent: {_rgba(theme.input)}; --ca-muted: {_rgba(theme.text_muted)};"
    )


def _css(player_id: str, light: Theme, dark: Theme | None, width: int) -> str:
    scope = f"#{player_id}"
    rules = [
        f"{scope} {{{_palette(light)} max-width: {width}px; color: var(--ca-fg); "
        "background: var(--ca-bg); font: 14px/1.4 system-ui, sans-serif; outline: none}",
        f"{scope}:focus-visible {{box-shadow: 0 0 0 2px var(--ca-accent)}}",
        f"{scope} svg {{display: block; width: 100%; height: auto}}",
        f"{scope} .ca-controls {{display: flex; flex-wrap: wrap; align-items: center; "
        "gap: 0.4em; padding: 0.4em 0}",
        f"{scope} button {{font: inherit; min-width: 2.2em; padding: 0.15em 0.4em; "
        "color: inherit; background: transparent; border: 1px solid var(--ca-muted); "
        "border-radius: 4px; cursor: pointer}",
        f"{scope} .ca-scrub {{flex: 1 1 8em; accent-color: var(--ca-accent)}}",
        f"{scope} select {{font: inherit; color: inherit; background: var(--ca-bg)}}",
        f"{scope} .ca-count {{font-variant-numeric: tabular-nums; min-width: 4.5em}}",
        f"{scope} .ca-note {{margin: 0; white-space: pre-wrap; font: 13px/1.4 ui-monospace, "
        "'DejaVu Sans Mono', monospace; min-height: 2.8em}",
    ]
    if dark is not None:
        rules += [
            f"{scope} .ca-dark {{display: none}}",
            "@media (prefers-color-scheme: dark) {"
            f"{scope} {{{_palette(dark)}}} {scope} .ca-light {{display: none}} "
            f"{scope} .ca-dark {{display: block}}}}",
        ]
    return "\n".join(rules)


def _json(value: object) -> str:
    # Safe inside <script>: no "</" can close the element early.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).replace("</", "<\\/")


def player_html(
    drawing: Drawing,
    *,
    dpi: float,
    notes: tuple[str, ...] | list[str] = (),
    duration: int = 1000,
    loop: int = 0,
    dark: Drawing | None = None,
    title: str | None = None,
    autoplay: bool = True,
    full_page: bool = True,
    player_id: str = "convanim",
    ink: Ink | None = None,
) -> str:
    """The player of ``drawing`` as HTML: a whole page, or a fragment for a notebook.

    Parameters
    ----------
    drawing : Drawing
        The animation (its theme colours the page).
    dpi : float
        The picture's natural size is ``drawing.pixel_size(dpi)``; it shrinks to fit a
        narrower container.
    notes : sequence of str
        One line (or two) of arithmetic per frame, shown under the picture.
    duration : int
        Milliseconds per frame at speed 1.
    loop : int
        0 plays in a loop (the loop box ticked); any other count plays once.
    dark : Drawing, optional
        The same animation in a dark theme, shown under ``prefers-color-scheme: dark``.
    title : str, optional
        The page's title and the picture's accessible name.
    autoplay : bool
        Start playing on load (unless the reader prefers reduced motion).
    full_page : bool
        A whole HTML document; False gives a ``<div>`` to embed in a page.
    player_id : str
        The player element's id; fragments on one page need different ones.
    ink : Ink, optional
        Glyph centring; :func:`ink_for` the drawing's theme by default.

    Returns
    -------
    str
    """
    frames = drawing.frames
    if dark is not None and dark.frames != frames:
        raise ValueError(f"dark drawing has {dark.frames} frames: expected {frames}")
    notes = list(notes) + [""] * (frames - len(notes))
    light_svg = drawing_svg(
        drawing, dpi, ink=ink or ink_for(drawing.theme), prefix=f"{player_id}-l", title=title
    )
    pictures = [light_svg]
    if dark is not None:
        pictures.append(
            drawing_svg(
                dark, dpi, ink=ink or ink_for(dark.theme), prefix=f"{player_id}-d", title=title
            )
        )
    # The drawings move alike: one data table, the dark one's ids appended.
    data = light_svg.data
    motion = list(light_svg.motion)
    for picture in pictures[1:]:
        for entry in picture.motion:
            entry = dict(entry)
            key = "shift" if "shift" in entry else "data"
            values = picture.data[entry[key]]
            if values in data:
                entry[key] = data.index(values)
            else:
                data.append(values)
                entry[key] = len(data) - 1
            motion.append(entry)
    config = {
        "frames": frames,
        "duration": int(duration),
        "autoplay": bool(autoplay) and frames > 1,
        "notes": notes,
        "motion": motion,
        "data": data,
    }
    width = light_svg.size[0]
    speeds = "".join(
        f'<option value="{speed:g}"{" selected" if speed == 1 else ""}>{speed:g}×</option>'
        for speed in SPEEDS
    )
    svgs = (
        light_svg.svg
        if dark is None
        else light_svg.svg.replace('class="convanim-svg"', 'class="convanim-svg ca-light"', 1)
        + pictures[1].svg.replace('class="convanim-svg"', 'class="convanim-svg ca-dark"', 1)
    )
    checked = " checked" if loop == 0 else ""
    autofocus = " data-autofocus" if full_page else ""
    body = (
        f'<div id="{player_id}" class="convanim-player" data-convanim-player tabindex="0"'
        f'{autofocus} aria-label="{html.escape(title or "convanim animation", quote=True)}">'
        f"<style>{_css(player_id, drawing.theme, None if dark is None else dark.theme, width)}"
        "</style>"
        f'<div class="ca-picture">{svgs}</div>'
        '<div class="ca-controls">'
        '<button type="button" class="ca-prev" aria-label="Step back" title="Step back (←)">'
        "\u23ee</button>"
        '<button type="button" class="ca-play" aria-label="Play" title="Play/pause (space)">'
        "\u25b6</button>"
        '<button type="button" class="ca-next" aria-label="Step forward" '
        'title="Step forward (→)">\u23ed</button>'
        f'<input type="range" class="ca-scrub" min="0" max="{frames - 1}" value="0" step="1" '
        'aria-label="Frame">'
        f'<span class="ca-count">1 / {frames}</span>'
        f'<label>speed <select class="ca-speed" aria-label="Speed">{speeds}</select></label>'
        f'<label><input type="checkbox" class="ca-loop"{checked}> loop</label>'
        "</div>"
        f'<div class="ca-note" aria-live="polite">{html.escape(notes[0] if notes else "")}</div>'
        f'<script type="application/json" class="ca-data">{_json(config)}</script>'
        f"<script>{_script()}</script>"
        "</div>"
    )
    if not full_page:
        return body
    page_title = html.escape(title or "convanim animation")
    background = _rgba(drawing.theme.background)
    dark_page = (
        ""
        if dark is None
        else "@media (prefers-color-scheme: dark) {body {background: "
        + _rgba(dark.theme.background)
        + "}}"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{page_title}</title>"
        f"<style>body {{margin: 1em auto; padding: 0 0.5em; background: {background}}}"
        f"{dark_page}</style>"
        f"</head><body>{body}</body></html>\n"
    )


def write_html(source: FrameSource, path: Path, options: WriteOptions) -> None:
    """Write the player of ``source``'s drawing at ``path``.

    ``source`` must have a ``drawing`` (every convanim scene has). The notes are the
    scene's ``notes`` when it has them, else they come from its plan and numbers. A
    dark picture is taken from ``options.dark`` (a Drawing), when the options carry one.
    """
    from ..layout.notes import frame_notes

    drawing = getattr(source, "drawing", None)
    if drawing is None:
        raise ValueError("format 'html' is not valid for this source: expected a drawing")
    scene = getattr(source, "scene", source)
    the_plan = getattr(scene, "plan", None)
    # A scene whose frames are not its plan's (the scatter views) says its own notes.
    notes = getattr(scene, "notes", None)
    if notes is None:
        notes = () if the_plan is None else frame_notes(the_plan, getattr(scene, "numbers", None))
    spec = getattr(scene, "spec", None)
    dark = getattr(options, "dark", None)
    page = player_html(
        drawing,
        dpi=getattr(scene, "dpi", 150.0),
        notes=notes,
        duration=options.duration,
        loop=options.loop,
        dark=getattr(dark, "drawing", dark),
        title=None if spec is None else spec.describe(),
    )
    Path(path).write_text(page, encoding="utf-8")


register(
    Writer(
        name="html",
        extensions=(".html", ".htm"),
        animated=True,
        description="HTML player, one self-contained file: SVG, controls, each frame's sum",
        write=write_html,
    )
)
