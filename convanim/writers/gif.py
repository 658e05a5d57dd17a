"""Animated GIF, streamed frame by frame with one palette for the whole animation.

Pillow's ``save(append_images=...)`` keeps every frame in memory; this writer encodes
each frame as it arrives (Pillow's LZW encoder, ``Image.tobytes("gif")``),
so memory stays flat however many frames there are. Each frame after the first stores
only the rectangle that changed, with unchanged pixels in it transparent, and is left in
place for the next (disposal 1): the tutorial's frames differ in a few small regions.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image

from ..spec import SpecError
from . import FrameSource, WriteOptions, Writer, _compiled, register, transparent
from ._changes import changed_frames, count_frames, mask_box, pixels, rgba_frames
from ._palette import Palette, rgb_keys

TRANSPARENT = 255


def _header(width: int, height: int, palette: Palette, loop: int) -> bytes:
    """Screen descriptor, global palette and loop extension.

    ``loop`` is how many times to play (0: forever), as for APNG and WebP. GIF's
    NETSCAPE field counts *repeats* after the first play (browsers play N+1 times), so
    it holds ``loop - 1``, and a single play leaves the extension out.
    """
    colors = np.zeros((256, 3), dtype=np.uint8)
    colors[: len(palette)] = palette.colors
    parts = [
        b"GIF89a",
        width.to_bytes(2, "little"),
        height.to_bytes(2, "little"),
        bytes([0xF7, 0, 0]),  # global table of 256 colours, 8 bits, background 0
        colors.tobytes(),
    ]
    if loop != 1:
        repeats = 0 if loop == 0 else loop - 1
        parts += [b"!\xff\x0bNETSCAPE2.0\x03\x01", repeats.to_bytes(2, "little"), b"\x00"]
    return b"".join(parts)


def _frame_bytes(
    indices: np.ndarray,
    offset: tuple[int, int],
    delay_cs: int,
    transparent: bool,
    disposal: int = 1,
) -> bytes:
    """One frame: graphic control extension, image descriptor, LZW data.

    The same bytes as Pillow's ``GifImagePlugin.getdata`` (a test compares them) for
    any frame with a delay or a disposal (every frame here; Pillow leaves the control
    extension out of a frame with neither), written here so that a frame costs the
    encoder, not the helper's per-call work.
    No local colour table: the header's global one applies.
    """
    height, width = indices.shape
    x, y = int(offset[0]), int(offset[1])  # a source's rectangle may hold numpy ints
    delay_cs = int(delay_cs)
    control = bytes([0x21, 0xF9, 4, disposal << 2 | transparent])
    control += delay_cs.to_bytes(2, "little") + bytes([TRANSPARENT if transparent else 0, 0])
    descriptor = b"," + b"".join(value.to_bytes(2, "little") for value in (x, y, width, height))
    # Flags 0 (no local table, not interlaced), then LZW's minimum code size, 8 bits.
    descriptor += b"\x00\x08"
    return b"".join([control, descriptor, lzw_data(indices), b"\x00"])


def lzw_data(indices: np.ndarray) -> bytes:
    """An (H, W) uint8 array of palette indices as GIF image data: LZW in sub-blocks,
    without the block terminator; the bytes of :func:`pillow_lzw_data`.

    The compiled encoder, where built, writes the same bytes about twice as fast on
    a patch (it crosses runs of one index, mostly the transparent one, a table step
    at a time instead of a pixel at a time).
    """
    kernels = _compiled.kernels
    if kernels is not None:
        return kernels.lzw_data(indices if indices.strides[1] == 1 else indices.copy())
    return pillow_lzw_data(indices)


def pillow_lzw_data(indices: np.ndarray) -> bytes:
    """Pillow's GIF encoder on an (H, W) uint8 array of palette indices: the image's
    LZW data in sub-blocks, without the block terminator."""
    return Image.fromarray(indices, mode="P").tobytes("gif", "P")


def sample_frames(source: FrameSource) -> Iterator[np.ndarray]:
    """First, middle and last frames: every kind of element the animation draws.

    Drawn one at a time, as the palette counts them: three large frames are never
    held at once.
    """
    count = len(source)
    frame = getattr(source, "frame_rgba", None) or source.frame
    for index in sorted({0, count // 2, count - 1}):
        yield frame(index)


MIN_DURATION = 20  # ms
DURATION_REASON = " (browsers slow shorter GIF frames to 100 ms; MP4, WebP and APNG take any)"


def write_gif(source: FrameSource, path: Path, options: WriteOptions) -> None:
    """Write ``source`` as a looping GIF at ``path``."""
    if options.duration < MIN_DURATION:
        # Browsers play GIF frames shorter than 2/100 s at 1/10 s: refuse rather than
        # write a file that plays 5 to 10 times too slowly. (Front-ends refuse it before
        # drawing, from the registry's min_duration; this covers direct callers.)
        raise SpecError(
            f"duration = {options.duration} is not valid for GIF: expected at least "
            f"{MIN_DURATION} ms{DURATION_REASON}"
        )
    delay_cs = round(options.duration / 10)
    if transparent(source):
        _write_transparent(source, path, options, delay_cs)
        return
    width, height = source.size
    with Palette(sample_frames(source), size=255) as palette, open(path, "wb") as file:
        file.write(_header(width, height, palette, options.loop))
        previous = indices = None
        for frame, rect in count_frames(source, changed_frames(source)):
            if indices is None:
                # The frame's pixels as one uint32 each, kept to find what changes.
                previous = pixels(frame).copy()
                indices = palette.index_keys(previous & 0xFFFFFF)
                file.write(_frame_bytes(indices, (0, 0), delay_cs, transparent=False))
                continue
            # Outside the rectangle the source names, the frame equals the one before,
            # so a frame costs its moving area, not the picture. Within it, look up only
            # the pixels that changed, then keep those whose index changed.
            changed = _changed_indices(frame, rect, previous, indices, palette)
            if changed is None:
                # Nothing moved: a 1x1 transparent patch keeps the frame's timing.
                patch = np.full((1, 1), TRANSPARENT, dtype=np.uint8)
                file.write(_frame_bytes(patch, (0, 0), delay_cs, transparent=True))
                continue
            patch, offset = changed
            file.write(_frame_bytes(patch, offset, delay_cs, transparent=True))
        file.write(b";")


def _changed_indices(
    frame: np.ndarray,
    rect: tuple[int, int, int, int],
    previous: np.ndarray,
    indices: np.ndarray,
    palette: Palette,
) -> tuple[np.ndarray, tuple[int, int]] | None:
    """The patch of palette indices to store for ``frame`` and its (x, y), or None.

    ``previous`` and ``indices`` hold the last frame's pixels (:func:`pixels`) and
    palette indices; both are brought up to date. Unchanged pixels in the patch are
    transparent. Where pixels differ only in alpha (ignored here) the indices agree,
    so the patch is the same as if colours alone were compared.
    """
    # Within the frame, whatever a source says (the sparse path counts positions).
    height, width = previous.shape
    top, bottom = max(0, rect[0]), min(height, rect[1])
    left, right = max(0, rect[2]), min(width, rect[3])
    if bottom <= top or right <= left:
        return None
    rect = (top, bottom, left, right)
    # One uint32 per pixel: a view of a canvas (nothing copied to compare), a copy
    # only for a frame whose channels are not contiguous.
    current = pixels(frame)
    kernels = _compiled.kernels
    if kernels is not None:
        return _compiled_patch(kernels, current, rect, previous, indices, palette)
    changed = current[top:bottom, left:right] != previous[top:bottom, left:right]
    count = np.count_nonzero(changed)
    if not count:
        return None
    if count * SPARSE < changed.size:
        return _sparse_patch(current, changed, rect, previous, indices, palette)
    box = mask_box(changed)
    current = current[top:bottom, left:right][box[0] : box[1], box[2] : box[3]]
    top, bottom, left, right = top + box[0], top + box[1], left + box[2], left + box[3]
    fresh = palette.index_keys(current & 0xFFFFFF)
    differs = fresh != indices[top:bottom, left:right]
    indices[top:bottom, left:right] = fresh
    previous[top:bottom, left:right] = current
    inner = mask_box(differs)
    if inner is None:
        return None
    patch = fresh[inner[0] : inner[1], inner[2] : inner[3]].copy()
    patch[~differs[inner[0] : inner[1], inner[2] : inner[3]]] = TRANSPARENT
    return patch, (left + inner[2], top + inner[0])


def _compiled_patch(
    kernels,
    current: np.ndarray,
    rect: tuple[int, int, int, int],
    previous: np.ndarray,
    indices: np.ndarray,
    palette: Palette,
) -> tuple[np.ndarray, tuple[int, int]] | None:
    """:func:`_changed_indices` in one compiled pass over the rectangle, resolving new
    tints of anti-aliasing as it meets them: the same patch, without numpy's
    temporary arrays."""
    resolved, patch = kernels.changed_patch(
        current, previous, indices, palette.lookup, palette.colors, *rect
    )
    if resolved:
        palette.resolved(np.frombuffer(resolved, dtype=np.uint32))
    if patch is None:
        return None
    data, x, y, width, height = patch
    return np.frombuffer(data, dtype=np.uint8).reshape(height, width), (x, y)


SPARSE = 4
"""Below one changed pixel in this many of the rectangle, only those are looked up."""


def _sparse_patch(
    current: np.ndarray,
    changed: np.ndarray,
    rect: tuple[int, int, int, int],
    previous: np.ndarray,
    indices: np.ndarray,
    palette: Palette,
) -> tuple[np.ndarray, tuple[int, int]] | None:
    """:func:`_changed_indices` for a few changed pixels in a large rectangle (a
    moving shape at each end of the picture): they are read, looked up and stored
    by their positions in the flat frame; the patch is the same."""
    top, _, left, right = rect
    width = previous.shape[1]
    in_rect = np.flatnonzero(changed)
    rect_width = right - left
    positions = in_rect + (in_rect // rect_width) * (width - rect_width) + (top * width + left)
    flat_previous, flat_indices = previous.reshape(-1), indices.reshape(-1)
    colors = np.ascontiguousarray(current).reshape(-1).take(positions)
    fresh = palette.index_keys(colors & 0xFFFFFF)
    differs = fresh != flat_indices.take(positions)
    flat_indices[positions] = fresh
    flat_previous[positions] = colors
    if not differs.any():
        return None
    positions, fresh = positions[differs], fresh[differs]
    rows, cols = np.divmod(positions, width)
    # Positions go row by row: the first and last rows bound them.
    patch_top, patch_left = int(rows[0]), int(cols.min())
    patch_width = int(cols.max()) + 1 - patch_left
    patch = np.full((int(rows[-1]) + 1 - patch_top, patch_width), TRANSPARENT, dtype=np.uint8)
    patch.reshape(-1)[(rows - patch_top) * patch_width + (cols - patch_left)] = fresh
    return patch, (patch_left, patch_top)


OPAQUE = 128  # alpha from which a pixel is drawn; below it, the transparent index


def _write_transparent(
    source: FrameSource, path: Path, options: WriteOptions, delay_cs: int
) -> None:
    """A transparent background: GIF's one transparent index wherever alpha < 128.

    A pixel cannot turn transparent again in a frame left in place (disposal 1), so each
    frame is whole and cleared to the background after it shows (disposal 2).
    """
    opaque = (sample[sample[..., 3] >= OPAQUE][None] for sample in sample_frames(source))
    width, height = source.size
    with Palette(opaque, size=255) as palette, open(path, "wb") as file:
        file.write(_header(width, height, palette, options.loop))
        for frame in count_frames(source, rgba_frames(source)):
            indices = palette.index_keys(rgb_keys(frame)).reshape(height, width)
            indices[frame[..., 3] < OPAQUE] = TRANSPARENT
            file.write(_frame_bytes(indices, (0, 0), delay_cs, transparent=True, disposal=2))
        file.write(b";")


register(
    Writer(
        name="gif",
        extensions=(".gif",),
        animated=True,
        loops=True,
        description="animated GIF, one shared palette, loops forever by default",
        write=write_gif,
        min_duration=MIN_DURATION,
        duration_reason=DURATION_REASON,
    )
)
