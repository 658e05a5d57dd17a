"""TikZ: the drawing as LaTeX source (``.tex``), the tutorial's own medium.

The variant (``options.tex``) says what the file is: a still ``tikzpicture`` of
``options.frame`` to ``\\input`` anywhere, a standalone document (one page per frame),
beamer overlays (one per frame) or an ``animateinline``. The text comes from
:mod:`convanim.backends.tikz`, which reads the source's drawing; the same source gives
the same bytes.
"""

from __future__ import annotations

from pathlib import Path

from ..backends.tikz import tikz_document
from . import FrameSource, WriteOptions, Writer, register


def write_tikz(source: FrameSource, path: Path, options: WriteOptions) -> None:
    """Write ``source`` as TikZ (variant ``options.tex``) at ``path``."""
    drawing = source.drawing
    dpi = getattr(getattr(source, "scene", source), "dpi", 150.0)
    text = tikz_document(
        drawing,
        options.tex,
        frame=options.frame,
        duration=options.duration,
        loop=options.loop,
        dpi=dpi,
    )
    Path(path).write_text(text, encoding="utf-8", newline="\n")


register(
    Writer(
        name="tikz",
        extensions=(".tex",),
        animated=True,
        takes_frame=True,
        description=(
            "TikZ/LaTeX source: a still tikzpicture (tex=picture, of frame=), or every frame "
            "as a standalone document, beamer overlays or an animate sequence"
        ),
        write=write_tikz,
    )
)
