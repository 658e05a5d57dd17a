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

from .options import SCATTER_STYLES, DrawOptions, draw_options, with_draw_options
from .plan import Plan, plan
from .spec import Spec

__all__ = ["Animation", "animate", "embed_limit"]

embed_limit: int = 10_000_000
"""Largest embedded GIF, in bytes of its base64 text, that a notebook shows (10 MB).

Set ``convanim.animation.embed_limit`` to change it for every animation, or an
animation's own :attr:`Animation.embed_limit` for that one. Larger animations show a
message instead of the image: save them to a file with :meth:`Animation.save`.
"""

# The notebook's estimate of the GIF's size: the first frames are encoded (the first
# whole, the next as the changed rectangles every later frame also writes) and the rest
# extrapolated, so a hopeless animation is refused after a few frames, not all of them.
_SAMPLE_FRAMES = 6
_LATER_RATE = 0.5


def _base64_length(size: int) -> int:
    return 4 * math.ceil(size / 3)


def _megabytes(size: float) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.1f} kB"


class Animation:
    """One spec's animation: frames rendered on demand, saved to any format, shown inline.

    Build one with :func:`animate`. Nothing is drawn until frames are needed; the
    scene that draws them is built once and reused.

    Parameters
    ----------
    spec : Spec or Plan
        What to draw (1 or 2 axes).
    options : DrawOptions, optional
        Checked drawing options; keywords override them.
    style, theme, dpi, values, x, weight, seed, labels, caption, duration, loop, frames, allow_long
        The drawing options (:class:`~convanim.options.DrawOptions`), as
        :func:`convanim.render.render` draws them.

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

    @with_draw_options
    def __init__(
        self, spec: Spec | Plan, *, options: DrawOptions | None = None, **given: Any
    ) -> None:
        if isinstance(spec, Plan):
            the_plan = spec
        elif isinstance(spec, Spec):
            the_plan = None
        else:
            raise TypeError(f"spec = {spec!r} is not valid: expected a convanim Spec or Plan")
        self._options = draw_options(options, given)
        from .drawable import check_request

        # Bounded before anything is planned: the frames and the drawing's work (an
        # animation draws lazily; save() checks its writer's work, and the notebook's
        # GIF is bounded by the embed limit, estimated from a few frames).
        chosen = check_request(spec, self._options, "draw")
        self._plan = the_plan if the_plan is not None else plan(spec)
        if self._options.frames is not None and self._options.style not in SCATTER_STYLES:
            self._plan = self._plan.select(chosen)
        if self._options.numbered:
            from .values import numbers

            numbers(
                self._plan, x=self._options.x, weight=self._options.weight, seed=self._options.seed
            )
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
        """The drawing options, by name, as :func:`convanim.save` takes them."""
        return self._options.as_dict()

    @property
    def draw_options(self) -> DrawOptions:
        """The checked :class:`~convanim.options.DrawOptions`."""
        return self._options

    def __len__(self) -> int:
        # The style's frames, of this animation's plan (its frames already selected).
        from .drawable import drawn_frames

        return drawn_frames(self._plan, _planned(self._options))

    def __repr__(self) -> str:
        return (
            f"<Animation {self.spec.describe()}: {len(self)} frames, "
            f"style {self._options.style!r}, {self._options.duration} ms per frame>"
        )

    # -- frames -----------------------------------------------------------------------
    def _get_scene(self):
        if self._scene is None:
            from .render import scene

            self._scene = scene(self._plan, options=_planned(self._options))
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

        This is :func:`convanim.save` with this animation's options, drawn by this
        animation's own scene (built once); ``overrides`` replace drawing options (a new
        scene is drawn for those) or give ``save``'s others (``frame``, ``format``,
        ``tex``, ``progress``, ``callback``).

        Returns
        -------
        pathlib.Path
            The path written.
        """
        from .api import check_write, write_scene
        from .options import draw_option_names
        from .writers import writer_for

        drawing = {k: v for k, v in overrides.items() if k in draw_option_names()}
        rest = {k: v for k, v in overrides.items() if k not in drawing}
        unknown = set(rest) - {"frame", "tex", "format", "progress", "callback"}
        if unknown:
            raise TypeError(f"save() got an unexpected keyword argument {sorted(unknown)[0]!r}")
        if "frames" in drawing:
            raise TypeError(
                "save() got an unexpected keyword argument 'frames' (give it to animate())"
            )
        options = self._options.replace(**drawing) if drawing else self._options
        writer = writer_for(path, rest.pop("format", None))
        check_write(writer, path, options, rest.get("frame"), rest.get("tex"))
        from .drawable import check_request

        check_request(self._plan, _planned(options), writer.name, still=not writer.animated)
        if options is self._options or _same_picture(options, self._options):
            the_scene = self._get_scene()
        else:
            from .render import scene

            the_scene = scene(self._plan, options=_planned(options))
        return write_scene(the_scene, path, writer, options, **rest)

    def _encode_gif(self, frames: int | None = None) -> bytes:
        """The animation (or its first ``frames``) as GIF bytes, drawn by this scene."""
        from .api import write_scene
        from .writers import writer_for

        source = self._get_scene() if frames is None else _Head(self._get_scene(), frames)
        with tempfile.TemporaryDirectory(prefix="convanim-") as folder:
            path = Path(folder) / "animation.gif"
            write_scene(source, path, writer_for(path), self._options, progress=False)
            return path.read_bytes()

    # -- Jupyter ----------------------------------------------------------------------
    def _limit(self) -> int:
        return embed_limit if self.embed_limit is None else self.embed_limit

    def _estimated_embed_bytes(self) -> int:
        """The base64 GIF's length, estimated by encoding the first few frames.

        The first frame is stored whole and each later one as its changed rectangle,
        which is about the same size from frame to frame: the sample's later frames,
        times the frames left, plus the sample, estimates the whole.
        """
        count = len(self)
        if count <= _SAMPLE_FRAMES:
            return _base64_length(len(self._encode_gif()))
        first = len(self._encode_gif(1))
        sample = len(self._encode_gif(_SAMPLE_FRAMES))
        per_frame = (sample - first) / (_SAMPLE_FRAMES - 1)
        # Later windows can change smaller rectangles than the first ones (a window at
        # the edge, shorter lines): counting half the sample's rate keeps the estimate
        # under the real size, so an animation that fits is never refused unseen.
        return _base64_length(int(sample + _LATER_RATE * per_frame * (count - _SAMPLE_FRAMES)))

    def _too_large(self, size: int, limit: int, *, measured: bool) -> str:
        width, height = self.size
        amount = (
            f"is {_megabytes(size)} as an embedded GIF"
            if measured
            else f"would be about {_megabytes(size)} as an embedded GIF (estimated from "
            f"its first {_SAMPLE_FRAMES} frames)"
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
        return _notice(text, hint)

    def _undrawable(self, error: Exception) -> str:
        # A notebook shows every value it is given: say why instead of a traceback.
        text = (
            f"This animation is too large to show in the notebook: {self.spec.describe()} "
            f"has {len(self)} frames and its picture cannot be drawn ({error})."
        )
        hint = "Draw a smaller spec, or compute it without drawing (convanim.evaluate)."
        return _notice(text, html.escape(hint))

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
            from .errors import SpecError

            try:
                self._get_scene()  # a picture too large to draw is refused here
            except SpecError as error:
                return self._undrawable(error)
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

    def _player_html(self, player_id: str | None = None, title: str | None = None) -> str:
        """The player as one ``<div>`` (ids from ``player_id``, random by default)."""
        import uuid

        from .layout.notes import frame_notes
        from .writers.html import player_html

        scene = self._get_scene()
        return player_html(
            scene.drawing,
            dpi=scene.dpi,
            notes=getattr(scene, "notes", None)
            or frame_notes(
                self._plan, getattr(scene, "numbers", None), getattr(scene, "frame_indices", None)
            ),
            duration=self._options.duration,
            loop=self._options.loop,
            title=title or self.spec.describe(),
            full_page=False,
            player_id=player_id or f"convanim-{uuid.uuid4().hex[:12]}",
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        bundle = {"text/plain": repr(self)}
        wanted = include is None or "text/html" in include
        if wanted and not (exclude is not None and "text/html" in exclude):
            bundle["text/html"] = self.to_html()
        return bundle


def _notice(text: str, hint: str) -> str:
    """The box a notebook shows instead of an animation: ``text`` and an HTML ``hint``."""
    return (
        '<div class="convanim-too-large" style="border: 1px solid #cb4b16; '
        'padding: 0.5em 0.75em; max-width: 48em;">'
        f"<strong>convanim:</strong> {html.escape(text)} {hint}</div>"
    )


@with_draw_options
def animate(spec: Spec | Plan, *, options: DrawOptions | None = None, **given: Any) -> Animation:
    """An :class:`Animation` of ``spec``: checked now, drawn when its frames are needed.

    Parameters
    ----------
    spec : Spec or Plan
        What to draw (1 or 2 axes).
    options : DrawOptions, optional
        Checked drawing options; the keywords below override them.
    style, theme, dpi, values, x, weight, seed, labels, caption, duration, loop, frames, allow_long
        The drawing options (:class:`~convanim.options.DrawOptions`, as
        :func:`convanim.render.render` draws them): ``duration`` in milliseconds per
        frame, ``loop`` the times to play (0: forever), ``frames`` a selection of the
        plan's frames, ``allow_long`` lifting the bound on frames and work (a spec of
        more than 10,000 frames or about a minute of drawing is refused at once).

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
    return Animation(spec, options=options, **given)


def _planned(options: DrawOptions) -> DrawOptions:
    """The options for drawing an animation's plan, whose frames are already selected
    (a scatter view selects among its stamps itself: its frames are not the plan's)."""
    if options.frames is None or options.style in SCATTER_STYLES:
        return options
    return options.replace(frames=None)


def _same_picture(one: DrawOptions, other: DrawOptions) -> bool:
    """Whether two option sets draw the same frames (they may differ in timing)."""
    a, b = one.as_dict(), other.as_dict()
    for name in ("duration", "loop"):
        a.pop(name), b.pop(name)
    for name in ("x", "weight"):
        left, right = a.pop(name), b.pop(name)
        if (left is None) != (right is None) or (
            left is not None and not np.array_equal(left, right)
        ):
            return False
    return a == b


class _Head:
    """The first ``count`` frames of a scene, as a frame source."""

    def __init__(self, source, count: int) -> None:
        self._source, self._count = source, count
        self.size = source.size
        self.drawing = getattr(source, "drawing", None)

    def __len__(self) -> int:
        return self._count

    def frame(self, index: int) -> np.ndarray:
        return self._source.frame(index)

    def frames(self):
        for index in range(self._count):
            yield self._source.frame(index)

    def frames_rgba(self):
        for index in range(self._count):
            yield self._source.frame_rgba(index)

    def save_figure(self, file, index: int, format: str) -> None:
        self._source.save_figure(file, index, format)
