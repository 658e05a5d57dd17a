"""PNG: a still of one frame, or every frame as a folder of numbered PNG files.

Both are written by Pillow from the frame's RGB array, with no text, time or other
metadata chunks and a fixed zlib level, so the same frame always gives the same bytes.
The folder is streamed: each frame is written as it arrives.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from . import FrameSource, WriteOptions, Writer, register, transparent

# zlib levels, fixed so the bytes are reproducible. Level 9 makes files 3% smaller than
# 6 but takes four times as long: for the tutorial's still 30 ms against 7 ms, most of
# a fresh process's time to its first frame beyond the imports (issue 19).
STILL_LEVEL = FRAMES_LEVEL = 6
DIGITS = 4  # frame_0000.png: at least this many digits, more for 10 000 frames or more


def _save_png(frame: np.ndarray, file: Path, level: int) -> None:
    # Pillow writes IHDR, IDAT and IEND only, unless told otherwise (dpi, pnginfo...).
    Image.fromarray(frame).save(file, format="PNG", compress_level=level)


def frame_name(index: int, count: int) -> str:
    """The file name of frame ``index`` of ``count``: ``frame_0007.png``."""
    digits = max(DIGITS, len(str(count - 1)))
    return f"frame_{index:0{digits}d}.png"


def write_png(source: FrameSource, path: Path, options: WriteOptions) -> None:
    """Write frame ``options.frame`` of ``source`` as a PNG at ``path`` (RGBA when the
    background is transparent)."""
    frame = source.frame_rgba if transparent(source) else source.frame
    _save_png(frame(options.frame), path, STILL_LEVEL)


def write_frames(source: FrameSource, path: Path, options: WriteOptions) -> None:
    """Write every frame of ``source`` into the folder ``path`` as numbered PNG files."""
    count = len(source)
    frames = source.frames_rgba() if transparent(source) else source.frames()
    for index, frame in enumerate(frames):
        _save_png(frame, path / frame_name(index, count), FRAMES_LEVEL)


register(
    Writer(
        name="png",
        extensions=(".png",),
        animated=False,
        description="PNG still of one frame (choose it with frame=)",
        write=write_png,
    )
)

register(
    Writer(
        name="frames",
        extensions=(),
        animated=True,
        description="a folder of numbered PNG frames: frame_0000.png, frame_0001.png, ...",
        write=write_frames,
        directory=True,
        owned=r"frame_[0-9]{4,}\.png",
    )
)
