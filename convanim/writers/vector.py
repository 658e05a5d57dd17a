"""SVG and PDF: a still of one frame, drawn by matplotlib as vector graphics.

The scene draws the frame through matplotlib's own ``savefig``
(:meth:`~convanim.render.scene.Scene.save_figure`), which fixes everything that would
otherwise vary from run to run (dates, element ids), so the same frame always gives
the same bytes.
"""

from __future__ import annotations

from pathlib import Path

from . import FrameSource, WriteOptions, Writer, register


def _vector(format: str):
    def write(source: FrameSource, path: Path, options: WriteOptions) -> None:
        source.save_figure(path, options.frame, format)

    write.__name__ = write.__qualname__ = f"write_{format}"
    write.__doc__ = f"Write frame ``options.frame`` of ``source`` as {format.upper()} at ``path``."
    return write


write_svg = _vector("svg")
write_pdf = _vector("pdf")

register(
    Writer(
        name="svg",
        extensions=(".svg",),
        animated=False,
        description="SVG still of one frame (choose it with frame=), vector graphics",
        write=write_svg,
    )
)

register(
    Writer(
        name="pdf",
        extensions=(".pdf",),
        animated=False,
        description="PDF still of one frame (choose it with frame=), vector graphics",
        write=write_pdf,
    )
)
