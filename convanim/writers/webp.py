"""Animated lossless WebP, streamed frame by frame into libwebp's animation encoder.

Pillow's ``save(save_all=True, append_images=...)`` wants every frame as an image up
front. This writer feeds Pillow's binding of libwebp's ``WebPAnimEncoder`` (the one
Pillow's own ``_save_all`` uses) one frame at a time, so only the encoded animation
grows with the number of frames; libwebp itself stores each frame after the first as
the rectangle that changed. The bytes depend only on the frames and the options: WebP
has no timestamps or other varying metadata, and none is added. libwebp merges a frame
identical to the one before into it (one frame shown for both durations): the timing
is the same, but the file can hold fewer frames than the source gave.

If this Pillow has no ``WebPAnimEncoder`` (the binding is private), or one that takes
other arguments, the writer falls back to Pillow's public API, which holds every frame
in memory.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from . import FrameSource, WriteOptions, Writer, register

try:
    from PIL import _webp

    _ANIM_ENCODER = getattr(_webp, "WebPAnimEncoder", None)
except ImportError:  # Pillow built without WebP: the fallback reports it
    _ANIM_ENCODER = None

WHITE = 0xFFFFFFFF  # canvas background, ARGB
CLEAR = 0x00000000  # the canvas of a transparent animation
# Lossless: "quality" is the compression effort and "method" the speed trade-off.
# On the tutorial's frames 80 and 2 give files as small as 100 and 6 (within 0.5%) in
# a fortieth of the time.
QUALITY, METHOD = 80, 2
KEYFRAMES = (9, 17)  # kmin, kmax: Pillow's (and gif2webp's) defaults for lossless


def _alpha(source: FrameSource) -> bool:
    return bool(getattr(source, "transparent", False))


def _frames(source: FrameSource):
    # RGBA only for a transparent background: opaque frames stay RGB (the same bytes).
    return source.frames_rgba() if _alpha(source) else source.frames()


def _write_streaming(encoder, source: FrameSource, path: Path, options: WriteOptions) -> None:
    timestamp = 0
    for frame in _frames(source):
        image = Image.fromarray(frame)
        # (image, timestamp in ms, lossless, quality, alpha_quality, method)
        encoder.add(image.getim(), timestamp, True, QUALITY, 100, METHOD)
        timestamp += options.duration
    encoder.add(None, timestamp, True, QUALITY, 100, METHOD)  # the last frame's end
    data = encoder.assemble("", "", "")  # no ICC profile, EXIF or XMP
    if data is None:
        raise OSError(f"cannot write {str(path)!r} as WebP (libwebp returned nothing)")
    with open(path, "wb") as file:
        file.write(data)


def _write_pillow(source: FrameSource, path: Path, options: WriteOptions) -> None:
    images = [Image.fromarray(frame) for frame in _frames(source)]
    images[0].save(
        path,
        format="WEBP",
        save_all=True,
        append_images=images[1:],
        duration=options.duration,
        loop=options.loop,
        lossless=True,
        quality=QUALITY,
        method=METHOD,
        background=(0, 0, 0, 0) if _alpha(source) else (255, 255, 255, 255),
    )


def write_webp(source: FrameSource, path: Path, options: WriteOptions) -> None:
    """Write ``source`` as an animated lossless WebP at ``path``."""
    encoder = None
    if _ANIM_ENCODER is not None:
        kmin, kmax = KEYFRAMES
        try:
            # (size, background, loop, minimize_size, kmin, kmax, allow_mixed, verbose)
            encoder = _ANIM_ENCODER(
                source.size,
                CLEAR if _alpha(source) else WHITE,
                options.loop,
                False,
                kmin,
                kmax,
                False,
                False,
            )
        except TypeError:  # a Pillow whose private binding takes other arguments
            encoder = None
    if encoder is not None:
        _write_streaming(encoder, source, path, options)
    else:
        _write_pillow(source, path, options)


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
