"""One palette for a whole animation, and fast exact mapping of frames onto it.

A rendered frame holds a few dozen colours (the tutorial palette and the anti-aliased
blends between them), and every frame of an animation draws the same kinds of things.
So the palette is taken from a few sample frames: their colours, most frequent first,
exactly (no colour flicker between frames, no drift from the tutorial's RGB values).
Colours beyond the palette's size map to their nearest palette entry.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator

import numpy as np

from . import _compiled
from ._changes import pixels

__all__ = ["Palette"]

_UNKNOWN = 255


def rgb_keys(pixels: np.ndarray) -> np.ndarray:
    """Each pixel's colour as one integer 0xBBGGRR, shape (H*W,).

    ``pixels`` is (H, W, 3) RGB or (H, W, 4) RGBA (alpha ignored); RGBA is the fast
    case: each pixel already is one little-endian uint32.
    """
    height, width, channels = pixels.shape
    if channels == 4 and pixels.flags.c_contiguous:
        return pixels.view("<u4").reshape(-1) & 0xFFFFFF
    padded = np.zeros((height, width, 4), dtype=np.uint8)
    padded[..., :3] = pixels[..., :3]
    return padded.view("<u4").reshape(-1)


_BAND_PIXELS = 1 << 18  # pixels counted at once: a megabyte of keys at any picture size

# Slot tables for grouping keys without a sort: a key's slot is a hash of it, 2**20
# of them (4 MB). Contents never matter (every entry read is written first).
_SLOT_BITS = 20
_SLOT_TABLES: list[np.ndarray] = []
_TABLES_LOCK = threading.Lock()  # guards both pools of tables


def _take(pool: list[np.ndarray], make) -> np.ndarray:
    """A table from ``pool``, or ``make()`` if it is empty."""
    with _TABLES_LOCK:
        if pool:
            return pool.pop()
    return make()


def _give_back(pool: list[np.ndarray], table: np.ndarray) -> None:
    """Keep ``table`` for the next user: at most two per pool."""
    with _TABLES_LOCK:
        if len(pool) < 2:
            pool.append(table)


def _sum_by_key(keys: np.ndarray, amounts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of ``keys`` (1-D, below 2**32), sorted, and the sum of
    ``amounts`` (non-negative integers) over each.

    Each key's hashed slot is written with the position of one of its occurrences
    (whichever write lands last); reading the slots back names one representative per
    key, and a ``bincount`` over them sums the amounts. Keys whose slot another key
    won (a few, among a few thousand colours) are grouped by ``np.unique``. Linear in
    ``len(keys)``; only the distinct keys are sorted.
    """
    keys = np.asarray(keys, dtype=np.uint32)
    positions = np.arange(len(keys), dtype=np.int32)
    table = _take(_SLOT_TABLES, lambda: np.empty(1 << _SLOT_BITS, dtype=np.int32))
    try:
        # Fibonacci hashing: the top bits of key * 2**32/phi (mod 2**32).
        slots = (keys * np.uint32(0x9E3779B1)) >> np.uint32(32 - _SLOT_BITS)
        table[slots] = positions
        representatives = table[slots]
    finally:
        _give_back(_SLOT_TABLES, table)
    won = keys.take(representatives) == keys
    # float64 sums are exact: every total is a pixel count, far below 2**53.
    totals = np.bincount(representatives[won], weights=amounts[won], minlength=len(keys))
    # A representative is the occurrence its slot names (a zero amount stays a key).
    present = np.flatnonzero(representatives == positions)
    unique, sums = keys[present], totals[present].astype(np.int64)
    if not won.all():
        lost, inverse = np.unique(keys[~won], return_inverse=True)
        lost_sums = np.bincount(inverse.reshape(-1), weights=amounts[~won], minlength=len(lost))
        unique = np.concatenate([unique, lost])
        sums = np.concatenate([sums, lost_sums.astype(np.int64)])
    order = np.argsort(unique)
    return unique[order], sums[order]


def _count_runs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of ``keys`` (1-D, below 2**24) and how many of each.

    A drawing is mostly flat fills: each run of equal keys is counted as one key of
    its length, so far fewer keys are grouped than there are pixels.
    """
    run_starts = np.concatenate([[0], np.flatnonzero(keys[1:] != keys[:-1]) + 1])
    run_lengths = np.diff(run_starts, append=keys.size)
    return _sum_by_key(keys[run_starts], run_lengths)


def _sample_counts(sample: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """A sample frame's distinct colours and their counts, in one or more parts."""
    kernels = _compiled.kernels
    if kernels is not None and sample.shape[2] == 4 and sample.size:
        # One compiled pass, each run of a colour counted in a table of the distinct
        # colours: no array of keys is made.
        keys, amounts = kernels.count_keys(pixels(sample))
        yield np.frombuffer(keys, np.uint32), np.frombuffer(amounts, np.int64)
        return
    rows = max(1, _BAND_PIXELS // max(1, sample.shape[1]))
    for start in range(0, sample.shape[0], rows):
        keys = rgb_keys(np.ascontiguousarray(sample[start : start + rows]))
        if keys.size:
            yield _count_runs(keys)


def count_colors(samples: Iterable[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Every colour of the sample frames (as :func:`rgb_keys`) and how many pixels have it.

    Samples are read one at a time (a generator may draw each as it is asked) and
    counted a band of rows at a time (or in one compiled pass); a sample's bands, each
    a list of its distinct colours (a few thousand in a drawing), are merged once the
    sample is read.
    """
    unique = np.empty(0, dtype=np.uint32)
    counts = np.empty(0, dtype=np.int64)
    for sample in samples:
        bands = [(unique, counts), *_sample_counts(sample)]
        # One merge per sample: each band's colours (a few thousand) with the total.
        unique, counts = _sum_by_key(
            np.concatenate([band[0] for band in bands]),
            np.concatenate([band[1] for band in bands]),
        )
    return unique, counts


# Lookup tables of released palettes, each all _UNKNOWN again: an animation's GIF
# need not allocate and fill 16 MB (a few ms, as much as a small GIF's frames). At
# most two are kept, so a process that wrote a GIF holds up to 32 MB for the next.
_FREE_TABLES: list[np.ndarray] = []


class Palette:
    """Up to ``size`` (at most 255) exact colours chosen from sample frames.

    Parameters
    ----------
    samples : iterable of ndarray (H, W, 3) or (H, W, 4) uint8
        Frames representative of the animation (e.g. first, middle and last), read
        one at a time.
    size : int
        Most colours to keep; index 255 is never used, so GIF can make it transparent.
    """

    def __init__(self, samples: Iterable[np.ndarray], size: int = 255) -> None:
        size = min(size, 255)
        unique, counts = count_colors(samples)
        # Most frequent first; ties broken by colour value so the choice is deterministic.
        order = np.lexsort((unique, -counts))[:size]
        chosen = np.sort(unique[order])
        self.colors = chosen.astype("<u4").view(np.uint8).reshape(-1, 4)[:, :3].copy()
        # A lookup table over all 2**24 colours, filled in as colours are first seen:
        # the samples' colours at once (the tints beyond the palette's size among them),
        # so a frame rarely brings one to resolve.
        self._lookup = _take(_FREE_TABLES, lambda: np.full(1 << 24, _UNKNOWN, dtype=np.uint8))
        self._lookup[chosen] = np.arange(len(chosen), dtype=np.uint8)
        # Colours as float64: every product and sum below is an integer under 2**53,
        # so BLAS computes the distances exactly, in any order (the same argmin).
        self._colors_t = np.ascontiguousarray(self.colors.T, dtype=np.float64)
        self._norms = (self._colors_t**2).sum(axis=0)
        tints = unique[self._lookup[unique] == _UNKNOWN]
        self._lookup[tints] = self._nearest(tints)
        self._filled = [chosen, tints]  # what release() clears

    def release(self) -> None:
        """Hand the 16 MB lookup table on to the next palette; this one is done.

        Clearing the few thousand entries it filled is far cheaper than a new table.
        Optional: a palette not released leaves its table to the garbage collector.
        """
        table, self._lookup = self._lookup, None
        if table is None:
            return
        for keys in self._filled:
            table[keys] = _UNKNOWN
        _give_back(_FREE_TABLES, table)

    def __enter__(self) -> Palette:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()

    def __len__(self) -> int:
        return len(self.colors)

    def _nearest(self, keys: np.ndarray) -> np.ndarray:
        """Index of the nearest palette colour (squared RGB distance, lowest index on a
        tie) of each of ``keys``, distinct :func:`rgb_keys` integers."""
        nearest = np.empty(len(keys), dtype=np.uint8)
        # |rgb - c|^2 = |rgb|^2 - 2 rgb.c + |c|^2, the first term the same for every c:
        # one matrix product, in chunks whose distances stay in cache.
        # 64 keys at a time: 130 kB of distances stay in cache (3.5x faster than 1024).
        for start in range(0, len(keys), 64):
            chunk = np.ascontiguousarray(keys[start : start + 64], dtype="<u4")
            rgb = chunk.view(np.uint8).reshape(-1, 4)[:, :3].astype(np.float64)
            distance = rgb @ self._colors_t
            distance *= -2.0
            distance += self._norms
            nearest[start : start + 64] = distance.argmin(axis=1)
        return nearest

    def index(self, frame: np.ndarray) -> np.ndarray:
        """Palette index of every pixel of an RGB or RGBA ``frame``, shape (H, W), uint8."""
        height, width = frame.shape[:2]
        return self.index_keys(rgb_keys(frame)).reshape(height, width)

    def index_keys(self, keys: np.ndarray) -> np.ndarray:
        """Palette index of colours given as :func:`rgb_keys` integers (any shape)."""
        indices = np.take(self.lookup, keys)
        # Palette indices are below 255: the maximum alone tells whether any is unknown.
        if indices.size and indices.max() == _UNKNOWN:
            unknown = indices == _UNKNOWN
            missing = keys[unknown]
            self.resolve(missing)
            indices[unknown] = self._lookup[missing]
        return indices

    @property
    def lookup(self) -> np.ndarray:
        """The palette index of each of the 2**24 colour keys, 255 where not yet known
        (see :meth:`resolve`); read-only for the caller."""
        if self._lookup is None:
            raise RuntimeError("palette is not valid: expected one not yet released")
        return self._lookup

    def resolve(self, keys: np.ndarray) -> None:
        """Put the nearest palette colour of each of ``keys`` (colour keys not yet in
        :attr:`lookup`, repeats allowed) into :attr:`lookup`."""
        new = np.unique(keys)
        nearest = self._nearest(new)
        self.resolved(new)  # first: release() must clear all it may hold
        self.lookup[new] = nearest

    def resolved(self, keys: np.ndarray) -> None:
        """Note ``keys`` as filled in :attr:`lookup` by someone else (the compiled GIF
        loop), so that :meth:`release` clears them."""
        self._filled.append(keys)
