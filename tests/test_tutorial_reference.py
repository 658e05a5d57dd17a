"""The 15 tutorial animations against conv_arithmetic's GIFs, frame by frame, by content."""

from __future__ import annotations

import filecmp
import os
from pathlib import Path

import numpy as np
import pytest
from cases import ALL_NAMES
from similarity import compare, compare_gifs, gif_frames

from convanim.gallery import build_gallery

GALLERY = Path(__file__).resolve().parents[1] / "gallery"
REFERENCE_TOTAL_BYTES = 3_398_746


@pytest.fixture(scope="session")
def rebuilt_gallery(tmp_path_factory) -> Path:
    """The built-in gallery, built afresh with the installed code."""
    parent = tmp_path_factory.mktemp("rebuilt")
    # Built as CI builds it, `--out gallery` from the folder above: the README says so.
    here = os.getcwd()
    os.chdir(parent)
    try:
        build_gallery("gallery", progress=False)
    finally:
        os.chdir(here)
    return parent / "gallery"


def _gif_blocks(path: Path) -> dict[str, object]:
    """Walk a GIF's blocks: global table, loop, every frame's delay and local-table flag."""
    data = path.read_bytes()
    assert data[:6] == b"GIF89a"
    flags = data[10]
    position = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    info = {"global_table": bool(flags & 0x80), "delays": [], "local_tables": 0, "loop": None}
    while data[position] != 0x3B:
        kind = data[position]
        if kind == 0x21:  # extension
            label = data[position + 1]
            if label == 0xF9:
                info["delays"].append(int.from_bytes(data[position + 4 : position + 6], "little"))
            if label == 0xFF and data[position + 3 : position + 14] == b"NETSCAPE2.0":
                info["loop"] = int.from_bytes(data[position + 16 : position + 18], "little")
            position += 2
            while data[position]:
                position += data[position] + 1
            position += 1
        elif kind == 0x2C:  # image
            local = data[position + 9]
            if local & 0x80:
                info["local_tables"] += 1
                position += 3 * 2 ** ((local & 7) + 1)
            position += 11
            while data[position]:
                position += data[position] + 1
            position += 1
        else:
            raise AssertionError(f"unexpected GIF block {kind:#x} at {position}")
    return info


@pytest.mark.parametrize("name", ALL_NAMES)
def test_matches_reference_frame_by_frame(name, rebuilt_gallery, reference_dir):
    result = compare_gifs(
        rebuilt_gallery / f"{name}.gif", reference_dir / "conv_arithmetic" / f"{name}.gif"
    )
    ours, theirs = result["frames"]
    assert ours == theirs
    assert result["durations"][0] == [1000] * ours == result["durations"][1]
    assert result["loop"] == (0, 0)
    (our_w, our_h), (ref_w, ref_h) = result["size"]
    assert abs(our_w - ref_w) <= 2 and abs(our_h - ref_h) <= 2
    for index, frame in enumerate(result["per_frame"]):
        # Interior pixels of every drawn region agree; regions overlap almost exactly.
        assert frame["overall"] >= 0.999, (index, frame)
        for region, score in frame.items():
            assert score >= 0.93, (index, region, frame)


def test_comparison_catches_a_misplaced_window(rebuilt_gallery, reference_dir):
    # The metric must be able to fail: frame k against reference frame k+1 (window one
    # cell over) has to score far below the threshold used above.
    ours, _, _ = gif_frames(rebuilt_gallery / "padding_strides.gif")
    theirs, _, _ = gif_frames(reference_dir / "conv_arithmetic" / "padding_strides.gif")
    shifted = compare(ours[0], theirs[1])
    assert shifted["overall"] < 0.99
    assert min(score for key, score in shifted.items() if key != "overall") < 0.8


def test_gif_structure_one_palette_loop_forever_and_smaller(rebuilt_gallery, reference_dir):
    total = 0
    for name in ALL_NAMES:
        path = rebuilt_gallery / f"{name}.gif"
        blocks = _gif_blocks(path)
        assert blocks["global_table"] and blocks["local_tables"] == 0  # one palette, no flicker
        assert blocks["loop"] == 0
        assert blocks["delays"] == [100] * len(blocks["delays"])
        total += path.stat().st_size
    assert total < REFERENCE_TOTAL_BYTES


def test_gif_frames_decode_to_the_rendered_frames(rebuilt_gallery):
    from convanim.gallery import load_manifest
    from convanim.render import scene

    entries = {entry.name: entry for entry in load_manifest()[0]}
    drawn = scene(entries["dilation"].spec)
    frames, _, _ = gif_frames(rebuilt_gallery / "dilation.gif")
    for index, frame in enumerate(frames):
        expected = drawn.frame(index)
        # The shared palette keeps every frequent colour exactly; rare anti-aliasing
        # tints map to their nearest entry.
        exact = (frame == expected).all(axis=2).mean()
        assert exact > 0.97, index
        assert np.abs(frame.astype(int) - expected).mean() < 0.5, index


def test_committed_gallery_is_what_the_build_produces(rebuilt_gallery):
    built = sorted(path.name for path in rebuilt_gallery.iterdir())
    committed = sorted(path.name for path in GALLERY.iterdir())
    assert built == committed
    _, mismatch, errors = filecmp.cmpfiles(rebuilt_gallery, GALLERY, built, shallow=False)
    assert mismatch == [] and errors == []
