"""The GIF writer's compiled loops (convanim/writers/_kernels.c) against its numpy ones.

Each compiled loop replaces a numpy path that stays in the package (for installs
without a C compiler, or with CONVANIM_NUMPY_ONLY=1): both must give the same bytes,
the same palette and the same state after every frame.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from convanim.spec import Spec
from convanim.writers import WriteOptions, _compiled, _palette, gif
from convanim.writers._changes import pixels
from convanim.writers._palette import Palette, count_colors, rgb_keys

KERNELS = _compiled.kernels
needs_kernels = pytest.mark.skipif(
    KERNELS is None, reason="the compiled loops were not built (no C compiler at install?)"
)


def test_the_compiled_loops_are_built_by_the_readmes_install():
    # CI installs with the README's own command: a broken build (optional, so pip
    # would only warn) must fail here, not leave every GIF on the slower numpy path.
    if not os.environ.get("CI"):
        pytest.skip("checked in CI, which installs the way the README says")
    assert KERNELS is not None


def test_the_environment_can_turn_the_compiled_loops_off():
    code = "from convanim.writers import _compiled; print(_compiled.kernels is None)"
    env = {**os.environ, "CONVANIM_NUMPY_ONLY": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "True"


@pytest.fixture(params=["compiled", "numpy"])
def loops(request, monkeypatch):
    """Run the test with the compiled loops, then with numpy's."""
    if request.param == "compiled" and KERNELS is None:
        pytest.skip("the compiled loops were not built")
    monkeypatch.setattr(_compiled, "kernels", KERNELS if request.param == "compiled" else None)
    return request.param


def _write_both_ways(the_scene, tmp_path, monkeypatch) -> dict[str, bytes]:
    files = {}
    for name, kernels, sparse in (
        ("compiled", KERNELS, gif.SPARSE),
        ("numpy-dense", None, 10**9),
        ("numpy-sparse", None, 0),
    ):
        monkeypatch.setattr(_compiled, "kernels", kernels)
        monkeypatch.setattr(gif, "SPARSE", sparse)
        path = tmp_path / f"{name}.gif"
        gif.write_gif(the_scene, path, WriteOptions(duration=100, loop=0))
        files[name] = path.read_bytes()
    return files


@needs_kernels
@pytest.mark.parametrize(
    ("spec", "options"),
    [
        (Spec("conv", 5, 3, padding=1, stride=2), {}),
        (Spec("conv", 4, 3, padding=2), {"style": "flat", "values": True}),
        (Spec("conv_transpose", 2, 3, stride=2), {"style": "scatter_gather"}),
        (Spec("conv", 6, 3, stride=2, padding=1), {"theme": "dark"}),
        (Spec("conv", 4, 3), {"style": "matrix"}),
        (Spec("conv", 5, 3, dilation=2), {"theme": "print"}),
        (Spec("conv", 4, 3), {"transparent": True}),
    ],
)
def test_compiled_and_numpy_loops_write_the_same_gif(tmp_path, monkeypatch, spec, options):
    from convanim.render import scene

    the_scene = scene(spec, **options)
    files = _write_both_ways(the_scene, tmp_path, monkeypatch)
    assert files["compiled"] == files["numpy-dense"] == files["numpy-sparse"]
    # And the file shows the scene: its last frame, as the palette maps it.
    with Image.open(tmp_path / "compiled.gif") as image:
        assert image.n_frames == len(the_scene)
        image.seek(len(the_scene) - 1)
        last = np.asarray(image.convert("RGBA"))
    samples = gif.sample_frames(the_scene)
    if the_scene.transparent:  # the palette of the opaque pixels, as the writer's
        samples = (sample[sample[..., 3] >= gif.OPAQUE][None] for sample in samples)
    with Palette(samples, size=255) as palette:
        frame = the_scene.frame_rgba(len(the_scene) - 1)
        opaque = frame[..., 3] >= gif.OPAQUE
        np.testing.assert_array_equal(
            last[..., :3][opaque], palette.colors[palette.index(frame)][opaque]
        )


def _state(rng, height, width, colours):
    """A frame of ``colours`` (RGBA rows) in runs, as a drawing's."""
    runs = rng.integers(0, len(colours), size=(height, max(1, width // 4) + 1))
    return colours[np.repeat(runs, 4, axis=1)[:, :width]]


@needs_kernels
@given(
    seed=st.integers(0, 2**32 - 1),
    height=st.integers(1, 40),
    width=st.integers(1, 40),
    palette_size=st.integers(1, 255),
    rect=st.tuples(
        st.integers(-5, 45), st.integers(-5, 45), st.integers(-5, 45), st.integers(-5, 45)
    ),
    changed_share=st.floats(0, 1),
)
def test_a_frames_patch_and_state_are_the_same_both_ways(
    seed, height, width, palette_size, rect, changed_share
):
    # Random frames of a few dozen colours, new tints among them (resolved to their
    # nearest as they are met), alpha-only changes, any rectangle (clipped to the frame).
    rng = np.random.default_rng(seed)
    colours = rng.integers(0, 256, size=(60, 4), dtype=np.uint8)
    colours[:, 3] = rng.choice([0, 128, 255], size=60)
    known, tints = colours[:30], colours[30:]
    before = _state(rng, height, width, known)
    after = before.copy()
    changed = rng.random((height, width)) < changed_share
    after[changed] = _state(rng, height, width, colours)[changed]
    alpha_only = rng.random((height, width)) < 0.05
    after[alpha_only, 3] ^= 1
    results = []
    for kernels in (KERNELS, None):
        _compiled.kernels = kernels
        try:
            with Palette(iter([before, tints[None]]), size=palette_size) as palette:
                previous = pixels(before).copy()
                indices = palette.index_keys(previous & 0xFFFFFF)
                patch = gif._changed_indices(after, rect, previous, indices, palette)
                lookup = palette.lookup[rgb_keys(colours[None])].copy()
        finally:
            _compiled.kernels = KERNELS
        results.append((patch, previous, indices, lookup))
    (patch, previous, indices, lookup), (expected, *expected_state) = results
    if expected is None:
        assert patch is None
    else:
        assert patch is not None and patch[1] == expected[1]
        np.testing.assert_array_equal(patch[0], expected[0])
    for got, wanted in zip((previous, indices, lookup), expected_state, strict=True):
        np.testing.assert_array_equal(got, wanted)


@needs_kernels
def test_tints_the_compiled_loop_resolves_are_cleared_on_release():
    # The loop writes new tints into the palette's lookup table; the table is handed
    # on to the next palette on release, and must come back all unknown.
    rng = np.random.default_rng(2)
    colours = rng.integers(0, 256, size=(500, 4), dtype=np.uint8)
    colours[:, 3] = 255
    before = colours[:3][rng.integers(0, 3, size=(30, 30))]
    after = colours[rng.integers(0, 500, size=(30, 30))]
    _palette._FREE_TABLES.clear()
    with Palette(iter([before])) as palette:
        previous = pixels(before).copy()
        indices = palette.index_keys(previous & 0xFFFFFF)
        assert gif._changed_indices(after, (0, 30, 0, 30), previous, indices, palette)
        assert (palette.lookup[rgb_keys(after)] != 255).all()
    (table,) = _palette._FREE_TABLES
    assert (table == 255).all()


@needs_kernels
def test_the_compiled_loop_refuses_arrays_it_cannot_read():
    frame = np.zeros((4, 5), dtype=np.uint32)
    indices = np.zeros((4, 5), dtype=np.uint8)
    lookup = np.full(1 << 24, 255, dtype=np.uint8)
    colors = np.zeros((2, 3), dtype=np.uint8)
    good = (frame, frame.copy(), indices, lookup, colors, 0, 4, 0, 5)
    assert KERNELS.changed_patch(*good) == (b"", None)
    bad = {
        "previous": (frame, frame[:3].copy(), *good[2:]),
        "indices": (frame, frame.copy(), indices[:, :4].copy(), *good[3:]),
        "lookup": (*good[:3], lookup[:-1], *good[4:]),
        "colors": (*good[:4], np.zeros((0, 3), dtype=np.uint8), *good[5:]),
        "rectangle": (*good[:5], 0, 5, 0, 5),
        "current": (frame.astype(np.uint16), *good[1:]),
    }
    for name, arguments in bad.items():
        with pytest.raises(ValueError, match=name):
            KERNELS.changed_patch(*arguments)


@pytest.mark.parametrize("height", [1, 63, 300])
def test_colours_are_counted_exactly_both_ways(loops, height):
    rng = np.random.default_rng(height)
    shades = rng.integers(0, 256, size=(40, 4), dtype=np.uint8)
    busy = rng.integers(0, 256, size=(20_000, 4), dtype=np.uint8)  # many distinct colours
    samples = [
        shades[rng.integers(0, 40, size=(height, 37))],
        np.repeat(shades[rng.integers(0, 40, size=(height, 8))], 5, axis=1),  # runs
        busy[rng.integers(0, len(busy), size=(height, 301))],
        shades[rng.integers(0, 40, size=(height, 19))][:, :, :3].copy(),  # RGB
        np.asfortranarray(shades[rng.integers(0, 40, size=(height, 23))]),
    ]
    unique, counts = count_colors(iter(samples))
    expected = np.unique(np.concatenate([rgb_keys(s) for s in samples]), return_counts=True)
    np.testing.assert_array_equal(unique, expected[0])
    np.testing.assert_array_equal(counts, expected[1])


def test_an_extension_of_another_version_is_not_used(monkeypatch):
    # A stale build (an older install's module on sys.path) must not be called with
    # arguments it does not take: numpy runs instead.
    import types

    stale = types.ModuleType("_convanim_kernels")
    stale.VERSION = _compiled.VERSION - 1
    monkeypatch.setitem(sys.modules, "_convanim_kernels", stale)
    assert _compiled._load() is None
    stale.VERSION = _compiled.VERSION
    assert _compiled._load() is stale


def _indices(draw_seed: int, height: int, width: int, kind: str) -> np.ndarray:
    rng = np.random.default_rng(draw_seed)
    if kind == "noise":  # every code a new string: the table fills and clears often
        return rng.integers(0, 256, size=(height, width), dtype=np.uint8)
    if kind == "few":
        return rng.integers(0, 3, size=(height, width), dtype=np.uint8)
    # A patch: runs of the transparent index with islands of a few indices, and runs
    # of other indices (fills), some crossing rows.
    flat = np.full(height * width, 255, dtype=np.uint8)
    for _ in range(int(rng.integers(0, 40))):
        start = int(rng.integers(0, flat.size))
        flat[start : start + int(rng.integers(1, 3 * width + 2))] = rng.integers(0, 256)
    islands = rng.random(flat.size) < rng.choice([0.0, 0.01, 0.2])
    flat[islands] = rng.integers(0, 8, size=int(islands.sum()))
    return flat.reshape(height, width)


@needs_kernels
@given(
    seed=st.integers(0, 2**32 - 1),
    height=st.integers(1, 60),
    width=st.integers(1, 300),
    kind=st.sampled_from(["noise", "few", "patch"]),
    padded=st.booleans(),
)
def test_the_compiled_lzw_writes_pillows_bytes(seed, height, width, kind, padded):
    indices = _indices(seed, height, width, kind)
    if padded:  # rows not adjacent in memory (a view of a wider array)
        wider = np.zeros((height, width + 7), dtype=np.uint8)
        wider[:, :width] = indices
        indices = wider[:, :width]
    assert gif.lzw_data(indices) == gif.pillow_lzw_data(np.ascontiguousarray(indices))


@needs_kernels
@pytest.mark.parametrize(
    ("height", "width", "kind"),
    [
        (1, 1, "patch"),
        (576, 495, "noise"),  # a whole frame of new strings: dozens of clears
        (576, 495, "patch"),
        (3, 16385, "noise"),  # wider than 16384: Pillow's buffers, so its sub-blocks, change
        (5, 20001, "patch"),
        (1, 65535, "noise"),  # GIF's widest
    ],
)
def test_the_compiled_lzw_writes_pillows_bytes_at_the_edges(height, width, kind):
    indices = _indices(height * width, height, width, kind)
    data = gif.lzw_data(indices)
    assert data == gif.pillow_lzw_data(indices)
    # And it decodes to the indices (Pillow's decoder, on a one-frame GIF of them).
    header = b"GIF89a" + width.to_bytes(2, "little") + height.to_bytes(2, "little")
    header += bytes([0xF7, 0, 0]) + bytes(768)
    descriptor = b"," + bytes(4) + width.to_bytes(2, "little") + height.to_bytes(2, "little")
    with Image.open(io.BytesIO(header + descriptor + b"\x00\x08" + data + b"\x00;")) as image:
        np.testing.assert_array_equal(np.asarray(image), indices)


@needs_kernels
def test_the_compiled_lzw_refuses_a_view_too_big_to_encode():
    # A row repeated by a zero stride passes as a 2-D array of any height: the output
    # bound must not wrap (a tiny buffer written past); a MemoryError is the answer.
    row = np.arange(4112, dtype=np.uint8)
    huge = np.broadcast_to(row, (373_742_278_347_545, 4112))
    with pytest.raises(MemoryError):
        gif.lzw_data(huge)
