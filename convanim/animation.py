"""An animation as a Python object: lazy, saveable, and shown inline in Jupyter.

:func:`animate` checks a spec and its options at once but draws nothing: the frames are
rendered only when they are needed (by :meth:`Animation.frames`, :meth:`Animation.save`
or a notebook displaying the animation). In Jupyter an :class:`Animation` that ends a
cell shows itself as a looping GIF embedded in the notebook, as matplotlib's
``Animation._repr_html_`` shows a video; an animation too large to embed shows a short
message saying so instead (see :data:`embed_limit`).
"""

from __future__ import annotations

import base64
import html
import math
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from .plan import Plan, plan
from .render._checks import check_drawable
from .spec import Spec
from .values import TUTORIAL_SEED

__all__ = ["Animation", "animate", "embed_limit"]

embed_limit: int = 10_000_000
"""Largest embedded GIF, in bytes of its base64 text, that a notebook shows (10 MB).

Set ``convanim.animation.embed_limit`` to change it for every animation, or an
animation's own :attr:`Animation.embed_limit` for that one. Larger animations show a
message instead of the image: save them to a file with :meth:`Animation.save`.
"""

# A lower bound of the GIF's size, from the frame count and the frame size, to refuse a
# hopeless animation before drawing it. The GIF writer stores the first frame whole, then
# only the rectangle that changed (the window, its lines, the output cell), which grows
# with the frame's side: over the gallery and larger specs in every style (inputs up to
# 20x20, 1-D inputs of 60) the GIF never took under 1.9 bytes per frame per pixel of side,
# sqrt(width * height). Counting 1 byte, plus 0.01 byte per pixel for the first frame,
# stays under the real size (by 1.75x at the closest).
_FIRST_FRAME_BYTES_PER_PIXEL = 0.01
_LATER_FRAME_BYTES_PER_SIDE_PIXEL = 1.0


def _base64_length(size: int) -> int:
    return 4 * math.ceil(size / 3)


def _megabytes(size: float) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.1f} kB"


def _check_options(options: dict[str, Any], the_plan: Plan) -> dict[str, Any]:
    """Check what can be checked without drawing, with :func:`convanim.save`'s errors.

    The style, dpi, duration and loop are checked here, and the numbers (``values``,
    ``x``, ``weight``, ``seed``) are computed once to check them; anything else the
    renderer refuses is reported when the frames are first drawn.
    """
    from .api import _check_int
    from .render import check_matrix, check_style
    from .values import numbers

    check_style(options["style"], options["dpi"])
    if options["style"] == "matrix":
        check_matrix(
            the_plan,
            labels=options["labels"],
            caption=options["caption"],
            values=options["values"],
        )
    options["duration"] = _check_int("duration", options["duration"], 1, 655_350)
    options["loop"] = _check_int("loop", options["loop"], 0, 65_535)
    if options["values"] or options["x"] is not None or options["weight"] is not None:
        numbers(the_plan, x=options["x"], weight=options["weight"], seed=options["seed"])
    return options


class Animation:
    """One spec's animation: frames rendered on demand, saved to any format, shown inline.

    Build one with :func:`animate`. Nothing is drawn until frames are needed; the
    scene that draws them is built once and reused.

    Parameters
    ----------
    spec : Spec or Plan
        What to draw (1 or 2 axes).
    style : {"tutorial", "flat", "matrix"}
        The tutorial's slanted look, the flat one, or the matrix view ``y = C x``.
    duration : int
        Milliseconds per frame.
    loop : int
        Times to play, 0 for forever.
    dpi : float, optional
        Pixels per inch (150 by default).
    values, x, weight, seed, labels, caption
        Numbers in the cells, labels and caption, as :func:`convanim.render.render`
        draws them.

    Attributes
    ----------
    embed_limit : int or None
        Largest embedded GIF (bytes of base64 text) this animation shows inline; None
        (the default) uses the module's :data:`embed_limit`.

    Raises
    ------
    SpecError
        A one-line message for an option :func:`convanim.save` would refuse, or a
        spec with 3 axes (which can be planned but not drawn).

    Examples
    --------
    >>> from convanim import Spec, animate
    >>> anim = animate(Spec("conv", 5, 3, stride=2, padding=1), duration=500)
    >>> len(anim)
    9
    >>> anim
    <Animation conv 5x5, k 3, s 2, p 1 -> 3x3: 9 frames, style 'tutorial', 500 ms per frame>
    """

    embed_limit: int | None = None

    def __init__(
        self,
        spec: Spec | Plan,
        *,
        style: str = "tutorial",
        duration: int = 1000,
        loop: int = 0,
        dpi: float | None = None,
        values: bool = False,
        x: object = None,
        weight: object = None,
        seed: int = TUTORIAL_SEED,
        labels: bool = False,
        caption: bool = False,
    ) -> None:
        if isinstance(spec, Plan):
            the_plan = spec
        elif isinstance(spec, Spec):
            the_plan = plan(spec)
        else:
            raise TypeError(f"spec = {spec!r} is not valid: expected a convanim Spec or Plan")
        check_drawable(the_plan.spec)
        options = {
            "style": style,
            "duration": duration,
            "loop": loop,
            "dpi": dpi,
            "values": values,
            "x": x,
            "weight": weight,
            "seed": seed,
            "labels": labels,
            "caption": caption,
        }
        self._plan = the_plan
        self._options: dict[str, Any] = _check_options(options, the_plan)
        self._scene = None
        self._gif: bytes | None = None  # the encoded GIF, kept once it fits a limit
        self._gif_size: int | None = None  # its size in bytes, kept even when it did not

    # -- what it is -------------------------------------------------------------------
    @property
    def spec(self) -> Spec:
        """The spec drawn."""
        return self._plan.spec

    @property
    def plan(self) -> Plan:
        """The plan drawn (:func:`convanim.plan` of the spec)."""
        return self._plan

    @property
    def options(self) -> dict[str, Any]:
        """The options given to :func:`animate`, as :func:`convanim.save` takes them."""
        return dict(self._options)

    def __len__(self) -> int:
        return self._plan.spec.num_frames

    def __repr__(self) -> str:
        return (
            f"<Animation {self.spec.describe()}: {len(self)} frames, "
            f"style {self._options['style']!r}, {self._options['duration']} ms per frame>"
        )

    # -- frames -----------------------------------------------------------------------
    def _get_scene(self):
        if self._scene is None:
            from .render import scene

            drawing = {k: v for k, v in self._options.items() if k not in ("duration", "loop")}
            self._scene = scene(self._plan, **drawing)
        return self._scene

    @property
    def size(self) -> tuple[int, int]:
        """Frame (width, height) in pixels (builds the scene, draws no frame)."""
        return self._get_scene().size

    def frame(self, index: int) -> np.ndarray:
        """Frame ``index`` as an (H, W, 3) uint8 array."""
        return self._get_scene().frame(index)

    def frames(self) -> Iterator[np.ndarray]:
        """Every frame in order, one (H, W, 3) uint8 array at a time, drawn as iterated."""
        yield from self._get_scene().frames()

    # -- files ------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str], **overrides: Any) -> Path:
        """Write the animation to ``path``, the format chosen by its extension.

        This is :func:`convanim.save` with this animation's options; ``overrides``
        replace any of them or add the others ``save`` takes (``frame``, ``format``,
        ``progress``, ``callback``).

        Returns
        -------
        pathlib.Path
            The path written.
        """
        from .api import save

        return save(self._plan, path, **{**self._options, **overrides})

    def _encode_gif(self) -> bytes:
        """The animation as GIF bytes, written by the GIF writer through a temporary file."""
        from .api import save

        with tempfile.TemporaryDirectory(prefix="convanim-") as folder:
            path = Path(folder) / "animation.gif"
            save(self._plan, path, **self._options, format="gif", progress=False)
            return path.read_bytes()

    # -- Jupyter ----------------------------------------------------------------------
    def _limit(self) -> int:
        return embed_limit if self.embed_limit is None else self.embed_limit

    def _estimated_embed_bytes(self) -> int:
        """A lower bound of the base64 GIF's length, from frame count and frame size."""
        width, height = self.size
        pixels = width * height
        gif = _FIRST_FRAME_BYTES_PER_PIXEL * pixels + (
            len(self) - 1
        ) * _LATER_FRAME_BYTES_PER_SIDE_PIXEL * math.sqrt(pixels)
        # The per-pixel rates were fitted on the gallery, where they never overshot; on
        # thin 1-D strips they can overshoot up to 4x, so a fifth of this is the bound.
        return _base64_length(int(gif)) // 5

    def _too_large(self, size: int, limit: int, *, measured: bool) -> str:
        width, height = self.size
        amount = (
            f"is {_megabytes(size)} as an embedded GIF"
            if measured
            else f"would be at least {_megabytes(size)} as an embedded GIF (estimated "
            "before drawing it)"
        )
        text = (
            f"This animation is too large to show in the notebook: {self.spec.describe()} "
            f"has {len(self)} frames of {width}x{height} pixels and {amount}; the embed "
            f"limit is {_megabytes(limit)}."
        )
        hint = (
            "Save it to a file instead, <code>anim.save(&quot;animation.gif&quot;)</code>, "
            "or raise the limit (in bytes): <code>anim.embed_limit = 50_000_000</code> for "
            "this animation, <code>convanim.animation.embed_limit = 50_000_000</code> for "
            "all."
        )
        return (
            '<div class="convanim-too-large" style="border: 1px solid #cb4b16; '
            'padding: 0.5em 0.75em; max-width: 48em;">'
            f"<strong>convanim:</strong> {html.escape(text)} {hint}</div>"
        )

    def to_html(self, format: str = "gif") -> str:
        """The HTML a notebook shows: an ``<img>`` with the GIF inline, or why not.

        The GIF is embedded as base64 text in a ``data:`` URI, with the spec's
        description as alt text. An animation whose base64 text would exceed the embed
        limit (:attr:`embed_limit`, or the module's :data:`embed_limit`) is not embedded:
        the frame count and size are checked first, and the encoded size after encoding.

        ``format="player"`` gives the HTML player instead (:mod:`convanim.writers.html`):
        the drawing as SVG with play/pause, step, a frame scrubber, speed, loop and each
        frame's arithmetic, as one ``<div>`` (no network, no external script).
        """
        if format == "player":
            return self._player_html()
        if format != "gif":
            from .errors import invalid

            raise invalid("format", format, "'gif' or 'player'")
        limit = self._limit()
        if self._gif is None:
            if self._gif_size is not None and _base64_length(self._gif_size) > limit:
                return self._too_large(_base64_length(self._gif_size), limit, measured=True)
            estimate = self._estimated_embed_bytes()
            if estimate > limit:
                return self._too_large(estimate, limit, measured=False)
            gif = self._encode_gif()
            self._gif_size = len(gif)
            if _base64_length(len(gif)) > limit:
                return self._too_large(_base64_length(len(gif)), limit, measured=True)
            self._gif = gif
        elif _base64_length(len(self._gif)) > limit:
            return self._too_large(_base64_length(len(self._gif)), limit, measured=True)
        width, height = self.size
        data = base64.b64encode(self._gif).decode("ascii")
        alt = html.escape(self.spec.describe(), quote=True)
        return (
            f'<img src="data:image/gif;base64,{data}" alt="{alt}" width="{width}" '
            f'height="{height}" class="convanim-animation">'
        )

    def _player_html(self) -> str:
        import uuid

        from .layout.notes import frame_notes
        from .writers.html import player_html

        scene = self._get_scene()
        return player_html(
            scene.drawing,
            dpi=scene.dpi,
            notes=frame_notes(self._plan, getattr(scene, "numbers", None)),
            duration=self._options["duration"],
            loop=self._options["loop"],
            title=self.spec.describe(),
            full_page=False,
            player_id=f"convanim-{uuid.uuid4().hex[:12]}",
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        bundle = {"text/plain": repr(self)}
        wanted = include is None or "text/html" in include
        if wanted and not (exclude is not None and "text/html" in exclude):
            bundle["text/html"] = self.to_html()
        return bundle


def animate(
    spec: Spec | Plan,
    *,
    style: str = "tutorial",
    duration: int = 1000,
    loop: int = 0,
    dpi: float | None = None,
    values: bool = False,
    x: object = None,
    weight: object = None,
    seed: int = TUTORIAL_SEED,
    labels: bool = False,
    caption: bool = False,
) -> Animation:
    """An :class:`Animation` of ``spec``: checked now, drawn when its frames are needed.

    Parameters
    ----------
    spec : Spec or Plan
        What to draw (1 or 2 axes).
    style : {"tutorial", "flat", "matrix"}
        The tutorial's slanted look, the flat one, or the matrix view ``y = C x``.
    duration : int
        Milliseconds per frame.
    loop : int
        Times to play, 0 for forever.
    dpi : float, optional
        Pixels per inch of the frames (150 by default).
    values : bool
        Print numbers in the cells (input, kernel weights, output).
    x, weight : array_like, optional
        The input and kernel to print (implies ``values``); drawn from ``seed`` when
        missing.
    seed : int
        Seed of the drawn numbers (1234, the tutorial's).
    labels : bool
        Write "input" and "output" beside the planes.
    caption : bool
        Write the spec and its output-size arithmetic under the drawing.

    Returns
    -------
    Animation
        ``len()`` frames, :meth:`~Animation.frames`, :meth:`~Animation.save`; the last
        expression of a notebook cell, it shows itself as an inline GIF.

    Raises
    ------
    SpecError
        The same one-line messages :func:`convanim.save` gives for a bad option.

    Examples
    --------
    >>> from convanim import Spec, animate
    >>> anim = animate(Spec("conv", 4, 3))
    >>> len(anim), anim.spec.output_size
    (4, (2, 2))
    """
    return Animation(
        spec,
        style=style,
        duration=duration,
        loop=loop,
        dpi=dpi,
        values=values,
        x=x,
        weight=weight,
        seed=seed,
        labels=labels,
        caption=caption,
    )
