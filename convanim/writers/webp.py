"""Animated lossless WebP, written chunk by chunk as frames arrive (a hand-made muxer).

libwebp's animation encoder (what Pillow's ``save_all`` uses) takes every frame whole:
it converts, compares and often re-encodes the whole canvas per frame, and keeps the
encoded animation in memory until the end. At a large picture that is seconds and
hundreds of megabytes per frame. This writer does what the APNG writer does: it finds
the rectangle that changed since the previous frame, encodes only that rectangle as a
lossless WebP (Pillow's encoder, one small still) and writes it to the file at once as
an ``ANMF`` chunk, blended over the previous frame. Memory stays at one frame plus a
constant, and the cost of a frame follows the changed area, not the picture.

In the rectangle, the pixels that did not change are fully transparent and the rest
fully opaque, so alpha blending is exact (as in the GIF and APNG writers). WebP stores
frame offsets halved, so a rectangle starts on even coordinates. The first frame is
stored whole and opaque. With a transparent background (the scene's ``transparent``)
the frames keep their alpha, the canvas starts clear, and each rectangle replaces the
canvas where it lies instead of blending. The RIFF size is written last (the file is seekable: a
temporary file beside the target). The bytes depend only on the frames and the
options: no timestamps or other varying metadata.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image

from . import FrameSource, WriteOptions, Writer, register, transparent
from ._changes import patches

# Lossless: "quality" is the compression effort and "method" the speed trade-off.
# On the tutorial's frames 80 and 2 give files as small as 100 and 6 (within 0.5%) in
# a fortieth of the time.
QUALITY, METHOD = 80, 2
WHITE_BGRA = b"\xff\xff\xff\xff"  # ANIM's background colour (blue, green, red, alpha)
CLEAR_BGRA = b"\x00\x00\x00\x00"  # ... of a transparent animation
ANIMATION_FLAG, ALPHA_FLAG = 0x02, 0x10  # VP8X feature flags
# ANMF flags (both keep the canvas afterwards): alpha-blend over the canvas, or
# replace the rectangle (a translucent pixel must not blend over the last frame's).
BLEND_NO_DISPOSE, REPLACE_NO_DISPOSE = 0x00, 0x02
_MAX_DURATION = 2**24 - 1  # ANMF's 24-bit milliseconds


def _chunk(kind: bytes, data: bytes) -> bytes:
    padding = b"\x00" if len(data) % 2 else b""
    return kind + struct.pack("<I", len(data)) + data + padding


def _u24(value: int) -> bytes:
    return value.to_bytes(3, "little")


def _vp8l(pixels: np.ndarray) -> bytes:
    """The VP8L bitstream chunk of ``pixels`` (RGB or RGBA), encoded lossless."""
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(
        buffer, format="WEBP", lossless=True, quality=QUALITY, method=METHOD
    )
    data = buffer.getvalue()
    # A simple-format file: RIFF header, then one VP8L chunk.
    if data[12:16] != b"VP8L":
        raise OSError("this Pillow's WebP encoder did not write a lossless (VP8L) image")
    (size,) = struct.unpack("<I", data[16:20])
    return data[12 : 20 + size + (size & 1)]


class _WebP:
    """The chunk stream of one animated WebP file, frame by frame."""

    def __init__(
        self, file: BinaryIO, size: tuple[int, int], loop: int, background: bytes = WHITE_BGRA
    ) -> None:
        self.file = file
        width, height = size
        file.write(b"RIFF\x00\x00\x00\x00WEBP")  # size patched by close()
        flags = bytes([ANIMATION_FLAG | ALPHA_FLAG, 0, 0, 0])
        file.write(_chunk(b"VP8X", flags + _u24(width - 1) + _u24(height - 1)))
        file.write(_chunk(b"ANIM", background + struct.pack("<H", loop)))

    def frame(
        self,
        pixels: np.ndarray,
        offset: tuple[int, int],
        duration: int,
        flags: int = BLEND_NO_DISPOSE,
    ) -> None:
        """Add a frame: ``pixels`` (h, w, 3 or 4) blended over the canvas at ``offset``
        (or replacing it there, ``flags=REPLACE_NO_DISPOSE``)."""
        height, width = pixels.shape[:2]
        x, y = offset
        header = (
            _u24(x // 2)
            + _u24(y // 2)
            + _u24(width - 1)
            + _u24(height - 1)
            + _u24(duration)
            + bytes([flags])
        )
        self.file.write(_chunk(b"ANMF", header + _vp8l(pixels)))

    def close(self) -> None:
        end = self.file.tell()
        self.file.seek(4)
        self.file.write(struct.pack("<I", end - 8))
        self.file.seek(end)


def write_webp(source: FrameSource, path: Path, options: WriteOptions) -> None:
    """Write ``source`` as an animated lossless WebP at ``path``."""
    duration = min(options.duration, _MAX_DURATION)
    # A transparent background: frames keep their alpha on a clear canvas, and each
    # rectangle replaces the canvas where it lies.
    alpha = transparent(source)
    with open(path, "wb") as file:
        webp = _WebP(file, source.size, options.loop, CLEAR_BGRA if alpha else WHITE_BGRA)
        # Offsets are stored halved: rectangles start on even coordinates.
        for patch, offset, replace in patches(source, alpha=alpha, align=2):
            webp.frame(patch, offset, duration, REPLACE_NO_DISPOSE if replace else BLEND_NO_DISPOSE)
        webp.close()


register(
    Writer(
        name="webp",
        extensions=(".webp",),
        animated=True,
        loops=True,
        description="animated lossless WebP, every colour exact",
        write=write_webp,
    )
)
