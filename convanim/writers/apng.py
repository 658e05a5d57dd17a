"""Animated PNG, written chunk by chunk as frames arrive (a hand-written encoder).

Pillow's APNG writer keeps every frame in memory; this one writes each frame as it
arrives, so memory stays flat however many frames there are. The frame count, which
the ``acTL`` chunk needs before any frame, comes from ``len(source)``.

Frames are stored as 8-bit RGBA, not with a shared palette as the GIF writer does:
the tutorial look's anti-aliased slanted edges and translucent shading give thousands
of colours per animation, and a 255-colour palette would change a few percent of the
pixels. PNG is lossless, so this writer is too. Each frame after the first stores only
the rectangle that changed, left in place for the next (``dispose_op`` NONE); as in the
GIF writer, the pixels in that rectangle that did not change are fully transparent and
the rest fully opaque, and the rectangle is blended OVER the previous frame, which is
exact with alpha only 0 or 255. The transparent runs deflate to almost nothing: files
are 40-60% smaller than opaque RGB rectangles (``blend_op`` SOURCE) would be. Rows are
filtered with the usual per-row choice of the five PNG filters (least sum of absolute
differences) and deflated at a fixed zlib level, so the same frames always give the
same bytes. With a transparent background the frames keep their own alpha and each
rectangle replaces the canvas (``blend_op`` SOURCE) instead.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import BinaryIO

import numpy as np

from . import FrameSource, WriteOptions, Writer, register, transparent
from ._changes import patches

SIGNATURE = b"\x89PNG\r\n\x1a\n"
LEVEL = 9  # zlib level: fixed, so the bytes are reproducible
COLOR_RGBA = 6
DISPOSE_NONE, BLEND_SOURCE, BLEND_OVER = 0, 0, 1


def _chunk(kind: bytes, data: bytes) -> bytes:
    return b"".join(
        [
            struct.pack(">I", len(data)),
            kind,
            data,
            struct.pack(">I", zlib.crc32(data, zlib.crc32(kind))),
        ]
    )


def _delay(duration: int) -> tuple[int, int]:
    """``duration`` milliseconds as fcTL's (delay_num, delay_den), both 16-bit."""
    num, den = duration, 1000
    while num % 10 == 0 and den > 1:  # 1000 ms -> 1/1, 40 ms -> 4/100
        num, den = num // 10, den // 10
    if num <= 0xFFFF:
        return num, den
    # Above 65.535 s and not a whole number of 10 ms: the nearest delay that fits.
    den = max(1, 0xFFFF * 1000 // duration)
    return min(0xFFFF, round(duration * den / 1000)), den


def _paeth(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    p = a + b - c
    pa, pb, pc = np.abs(p - a), np.abs(p - b), np.abs(p - c)
    return np.where((pa <= pb) & (pa <= pc), a, np.where(pb <= pc, b, c))


def filter_rows(pixels: np.ndarray, above: np.ndarray | None = None) -> bytes:
    """PNG scanlines of an (H, W, channels) uint8 image, each with its best filter in front.

    All five filters are computed for the rows at once (they read only the unfiltered
    bytes, so they vectorise), then each row keeps the one whose bytes, read as
    signed, have the least sum of magnitudes: libpng's heuristic. ``above`` is the row
    before the first (None: the image's first row, with zeros above).
    """
    height, width, channels = pixels.shape
    x = pixels.reshape(height, width * channels).astype(np.int16)
    a = np.zeros_like(x)  # the byte one pixel to the left
    a[:, channels:] = x[:, :-channels]
    b = np.zeros_like(x)  # the byte above
    b[1:] = x[:-1]
    c = np.zeros_like(x)  # above and to the left
    c[1:, channels:] = x[:-1, :-channels]
    if above is not None:
        b[0] = above.reshape(-1)
        c[0, channels:] = b[0, :-channels]
    candidates = np.stack([x, x - a, x - b, x - (a + b) // 2, x - _paeth(a, b, c)])
    filtered = (candidates & 0xFF).astype(np.uint8)  # (5, H, W*channels)
    cost = np.abs(filtered.view(np.int8).astype(np.int32)).sum(axis=2)  # (5, H)
    best = cost.argmin(axis=0)  # first (simplest) filter on ties
    rows = np.empty((height, 1 + width * channels), dtype=np.uint8)
    rows[:, 0] = best
    rows[:, 1:] = filtered[best, np.arange(height)]
    return rows.tobytes()


BAND_BYTES = 1 << 15
"""Bytes of pixels filtered at a time: the filters' temporaries (about 30 bytes per
pixel byte) stay near a megabyte whatever the picture's size."""


def compressed_rows(pixels: np.ndarray) -> bytes:
    """The zlib stream of an image's filtered scanlines, made band by band.

    Deflate's output does not depend on how its input is cut: the same bytes as
    ``zlib.compress(filter_rows(pixels), LEVEL)``, in bounded memory.
    """
    height, width, channels = pixels.shape
    band = max(1, BAND_BYTES // (width * channels))
    compressor = zlib.compressobj(LEVEL)
    parts = []
    for start in range(0, height, band):
        above = pixels[start - 1].astype(np.int16) if start else None
        parts.append(compressor.compress(filter_rows(pixels[start : start + band], above)))
    parts.append(compressor.flush())
    return b"".join(parts)


def _opaque(rgb: np.ndarray) -> np.ndarray:
    rgba = np.empty((*rgb.shape[:2], 4), dtype=np.uint8)
    rgba[..., :3] = rgb
    rgba[..., 3] = 255
    return rgba


class _Apng:
    """The chunk stream of one APNG file, frame by frame."""

    def __init__(self, file: BinaryIO, size: tuple[int, int], count: int, loop: int) -> None:
        self.file = file
        self.sequence = 0
        width, height = size
        file.write(SIGNATURE)
        file.write(_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, COLOR_RGBA, 0, 0, 0)))
        file.write(_chunk(b"acTL", struct.pack(">II", count, loop)))

    def _next(self) -> int:
        self.sequence += 1
        return self.sequence - 1

    def frame(
        self,
        pixels: np.ndarray,
        offset: tuple[int, int],
        delay: tuple[int, int],
        blend: int = BLEND_OVER,
    ) -> None:
        """Add a frame: ``pixels`` (h, w, 4) blended over the canvas at ``offset`` (x, y)
        (or replacing it there, ``blend=BLEND_SOURCE``)."""
        height, width = pixels.shape[:2]
        control = struct.pack(
            ">IIIIIHHBB", self._next(), width, height, *offset, *delay, DISPOSE_NONE, blend
        )
        self.file.write(_chunk(b"fcTL", control))
        data = compressed_rows(pixels)
        if self.sequence == 1:  # the first frame is also the still image PNG viewers show
            self.file.write(_chunk(b"IDAT", data))
        else:
            self.file.write(_chunk(b"fdAT", struct.pack(">I", self._next()) + data))

    def close(self) -> None:
        self.file.write(_chunk(b"IEND", b""))


def write_apng(source: FrameSource, path: Path, options: WriteOptions) -> None:
    """Write ``source`` as an animated PNG at ``path``."""
    delay = _delay(options.duration)
    # A transparent background: frames keep their alpha, and a changed rectangle
    # replaces the canvas (blend SOURCE), since a translucent pixel over the last
    # frame's would blend.
    with open(path, "wb") as file:
        apng = _Apng(file, source.size, len(source), options.loop)
        for patch, offset, replace in patches(source, alpha=transparent(source)):
            if patch.shape[2] == 3:  # the first frame, opaque
                patch = _opaque(patch)
            apng.frame(patch, offset, delay, BLEND_SOURCE if replace else BLEND_OVER)
        apng.close()


register(
    Writer(
        name="apng",
        extensions=(".apng",),
        animated=True,
        loops=True,
        description="animated PNG, lossless, plays in browsers",
        write=write_apng,
    )
)
