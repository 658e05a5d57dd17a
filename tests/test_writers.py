"""Every writer, tested by what its files contain: frames, sizes, timing, pixels, bytes."""

from __future__ import annotations

import tracemalloc
import xml.etree.ElementTree as ET
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from convanim import Spec
from convanim.api import save
from convanim.render import Scene, scene
from convanim.writers import WriteOptions, writer_for, writers
from convanim.writers import apng as apng_module
from convanim.writers.png import frame_name

SPEC = Spec("conv", 4, 3)  # 4 frames, a few hundred pixels a side
ANIMATED = ["gif", "mp4", "webp", "apng", "frames"]
STILLS = ["png", "svg", "pdf"]
SUFFIX = {"frames": "", "gif": ".gif", "mp4": ".mp4", "webp": ".webp", "apng": ".apng"}
SUFFIX |= {"png": ".png", "svg": ".svg", "pdf": ".pdf"}


@pytest.fixture(scope="module")
def reference() -> list[np.ndarray]:
    the_scene = scene(SPEC)
    return [the_scene.frame(index) for index in range(len(the_scene))]


def target(folder: Path, name: str, stem: str = "out") -> Path:
    return folder / f"{stem}{SUFFIX[name]}"


def write(folder: Path, name: str, stem: str = "out", **options) -> Path:
    return save(SPEC, target(folder, name, stem), format=name, **options)


def pillow_frames(path: Path) -> tuple[list[np.ndarray], list[float], dict]:
    """Every frame of an animated image as RGB, each frame's duration, and the file's
    format, size and loop count."""
    frames, durations = [], []
    with Image.open(path) as image:
        about = {"format": image.format, "size": image.size, "loop": image.info.get("loop")}
        for index in range(image.n_frames):
            image.seek(index)
            image.load()
            frames.append(np.asarray(image.convert("RGB")))
            durations.append(image.info["duration"])
    return frames, durations, about


def png_pixels(path: Path) -> tuple[np.ndarray, Image.Image]:
    with Image.open(path) as image:
        image.load()
        return np.asarray(image), image


def mp4_frames(path: Path) -> tuple[dict, list[np.ndarray]]:
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    width, height = meta["size"]
    return meta, [np.frombuffer(data, np.uint8).reshape(height, width, 3) for data in reader]


class ListSource:
    """A FrameSource over given frames."""

    def __init__(self, frames: list[np.ndarray]) -> None:
        self._frames = frames

    def __len__(self) -> int:
        return len(self._frames)

    @property
    def size(self) -> tuple[int, int]:
        height, width = self._frames[0].shape[:2]
        return width, height

    def frame(self, index: int) -> np.ndarray:
        return self._frames[index]

    def frames(self):
        for frame in self._frames:
            yield frame.copy()

    def save_figure(self, file, index, format):
        raise NotImplementedError


class RepeatSource(ListSource):
    """``count`` frames cycling through a scene's frames, each rendered when asked for."""

    def __init__(self, the_scene: Scene, count: int) -> None:
        self._scene, self._count = the_scene, count

    def __len__(self) -> int:
        return self._count

    @property
    def size(self) -> tuple[int, int]:
        return self._scene.size

    def frame(self, index: int) -> np.ndarray:
        return self._scene.frame(index % len(self._scene))

    def frames(self):
        for index in range(self._count):
            yield self.frame(index)


def moving_block(width: int, height: int, count: int) -> list[np.ndarray]:
    """White frames with a coloured block stepping right, and a repeated frame."""
    frames = []
    for index in range(count):
        frame = np.full((height, width, 3), 255, dtype=np.uint8)
        frame[2:9, 3 + 2 * index : 10 + 2 * index] = (38, 139, 210)
        frames.append(frame)
    return [*frames[:2], frames[1].copy(), *frames[2:]]


# -- the registry --------------------------------------------------------------------


def test_every_format_is_registered_by_name_and_extension() -> None:
    registry = writers()
    assert set(registry) >= {*ANIMATED, *STILLS}
    for name, suffix in SUFFIX.items():
        if suffix:
            assert writer_for(f"a{suffix.upper()}").name == name
    assert writer_for("a.png").name == "png"  # the still, not the animation
    assert registry["frames"].directory and registry["frames"].extensions == ()
    assert {name for name in registry if not registry[name].animated} >= set(STILLS)
    assert not any(registry[name].animated for name in STILLS)


def test_unknown_extension_lists_the_supported_ones(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.bmp") as caught:
        save(SPEC, tmp_path / "out.bmp")
    message = str(caught.value)
    assert "\n" not in message
    for suffix in (".apng", ".gif", ".mp4", ".pdf", ".png", ".svg", ".webp"):
        assert suffix in message
    assert list(tmp_path.iterdir()) == []


# -- animations ----------------------------------------------------------------------


def test_gif(tmp_path: Path, reference: list[np.ndarray]) -> None:
    frames, durations, about = pillow_frames(write(tmp_path, "gif", duration=250, loop=2))
    assert about["size"] == scene(SPEC).size
    assert len(frames) == len(reference)
    assert durations == [250] * len(reference)
    assert about["loop"] == 1  # NETSCAPE counts repeats: 2 plays = 1 repeat
    for frame, expected in zip(frames, reference, strict=True):
        difference = np.abs(frame.astype(int) - expected)
        # One 255-colour palette: anti-aliased blends may map to a near colour.
        assert difference.mean() < 1.0
        assert (difference.max(axis=2) > 0).mean() < 0.05


def test_gif_loop_counts_plays_like_apng_and_webp(tmp_path: Path) -> None:
    forever = pillow_frames(write(tmp_path, "gif", stem="forever", loop=0))[2]
    once = pillow_frames(write(tmp_path, "gif", stem="once", loop=1))[2]
    assert forever["loop"] == 0
    assert once["loop"] is None  # no loop extension: browsers play it once


def test_gif_refuses_frames_browsers_would_slow_down(tmp_path: Path) -> None:
    with pytest.raises(
        ValueError, match=r"^duration = 10 is not valid for GIF: expected at least 20 ms"
    ):
        write(tmp_path, "gif", duration=10)
    assert list(tmp_path.iterdir()) == []


def test_apng_is_exact(tmp_path: Path, reference: list[np.ndarray]) -> None:
    path = write(tmp_path, "apng", duration=250, loop=3)
    frames, durations, about = pillow_frames(path)
    assert about["format"] == "PNG" and about["size"] == scene(SPEC).size
    assert len(frames) == len(reference)
    assert durations == [250.0] * len(reference)
    assert about["loop"] == 3
    for frame, expected in zip(frames, reference, strict=True):
        np.testing.assert_array_equal(frame, expected)
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data.endswith(b"IEND\xaeB`\x82")


def test_apng_repeated_frames_and_odd_sizes(tmp_path: Path) -> None:
    frames = moving_block(31, 17, 4)
    path = tmp_path / "block.apng"
    writers()["apng"].write(ListSource(frames), path, WriteOptions(duration=40))
    decoded, durations, _ = pillow_frames(path)
    assert durations == [40.0] * len(frames)
    for frame, expected in zip(decoded, frames, strict=True):
        np.testing.assert_array_equal(frame, expected)


@pytest.mark.parametrize(
    ("duration", "seconds"),
    [(1000, 1.0), (40, 0.04), (333, 0.333), (65_535, 65.535), (655_350, 655.35), (65_537, 65.537)],
)
def test_apng_delay_fits_sixteen_bits(duration: int, seconds: float) -> None:
    num, den = apng_module._delay(duration)
    assert 0 < num <= 0xFFFF and 0 < den <= 0xFFFF
    assert num / den == pytest.approx(seconds, rel=1e-4)


def test_apng_rejects_a_source_whose_length_lies(tmp_path: Path) -> None:
    class Short(ListSource):
        def __len__(self) -> int:
            return 5

    with pytest.raises(ValueError, match="len"):
        writers()["apng"].write(Short(moving_block(20, 12, 3)), tmp_path / "x.apng", WriteOptions())


def test_webp_is_exact(tmp_path: Path, reference: list[np.ndarray]) -> None:
    frames, durations, about = pillow_frames(write(tmp_path, "webp", duration=250, loop=3))
    assert about["format"] == "WEBP" and about["size"] == scene(SPEC).size
    assert len(frames) == len(reference)
    assert durations == [250] * len(reference)
    assert about["loop"] == 3
    for frame, expected in zip(frames, reference, strict=True):
        np.testing.assert_array_equal(frame, expected)


def test_webp_keeps_the_timing_of_repeated_frames(tmp_path: Path) -> None:
    frames = moving_block(31, 17, 4)
    path = tmp_path / "block.webp"
    writers()["webp"].write(ListSource(frames), path, WriteOptions(duration=40))
    decoded, durations, _ = pillow_frames(path)
    # A repeated frame is stored as one transparent pixel: what plays is the same.
    assert sum(durations) == 40 * len(frames)
    shown = [
        frame
        for frame, duration in zip(decoded, durations, strict=True)
        for _ in range(duration // 40)
    ]
    for frame, expected in zip(shown, frames, strict=True):
        np.testing.assert_array_equal(frame, expected)


def riff_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """The top-level chunks of a RIFF WebP file, as (kind, payload)."""
    chunks, index = [], 12
    while index < len(data):
        kind, size = data[index : index + 4], int.from_bytes(data[index + 4 : index + 8], "little")
        chunks.append((kind, data[index + 8 : index + 8 + size]))
        index += 8 + size + (size & 1)
    return chunks


def test_webp_stores_each_later_frame_as_its_changed_rectangle(tmp_path: Path) -> None:
    frames = moving_block(200, 150, 30)
    path = tmp_path / "block.webp"
    writers()["webp"].write(ListSource(frames), path, WriteOptions(duration=40, loop=2))
    data = path.read_bytes()
    assert int.from_bytes(data[4:8], "little") == len(data) - 8
    chunks = riff_chunks(data)
    assert [kind for kind, _ in chunks[:2]] == [b"VP8X", b"ANIM"]
    frames_stored = [payload for kind, payload in chunks if kind == b"ANMF"]
    assert len(frames_stored) == len(frames)
    for index, payload in enumerate(frames_stored):
        x, y, w, h, duration = (
            int.from_bytes(payload[at : at + 3], "little") for at in range(0, 15, 3)
        )
        x, y, w, h = 2 * x, 2 * y, w + 1, h + 1
        assert duration == 40
        if index == 0:
            assert (x, y, w, h) == (0, 0, 200, 150)
            continue
        # The rectangle holds every changed pixel, from an even corner, and no more.
        changed = np.argwhere((frames[index] != frames[index - 1]).any(axis=2))
        if changed.size == 0:  # the repeated frame: one transparent pixel
            assert (x, y, w, h) == (0, 0, 1, 1)
            continue
        (top, left), (bottom, right) = changed.min(axis=0), changed.max(axis=0) + 1
        assert (x, y) == (left - left % 2, top - top % 2)
        assert (x + w, y + h) == (right, bottom)
    decoded, durations, about = pillow_frames(path)
    assert about["loop"] == 2 and durations == [40] * len(frames)
    for frame, expected in zip(decoded, frames, strict=True):
        np.testing.assert_array_equal(frame, expected)


def test_mp4(tmp_path: Path, reference: list[np.ndarray]) -> None:
    path = write(tmp_path, "mp4", duration=250)
    meta, frames = mp4_frames(path)
    width, height = scene(SPEC).size
    assert meta["size"] == (width + width % 2, height + height % 2)
    assert meta["fps"] == pytest.approx(4.0)
    assert meta["duration"] == pytest.approx(len(reference) * 0.25)
    assert meta["codec"].startswith("h264")
    assert "yuv420p" in meta["pix_fmt"]
    assert len(frames) == len(reference)
    for frame, expected in zip(frames, reference, strict=True):
        difference = np.abs(frame[:height, :width].astype(int) - expected)
        assert difference.mean() < 3.0  # 4:2:0 chroma blurs thin coloured lines a little
        assert np.median(difference) == 0
        assert (frame[height:] >= 250).all() and (frame[:, width:] >= 250).all()  # padding: white
    data = path.read_bytes()
    assert data[4:8] == b"ftyp" and b"moov" in data[:200]  # index first: fast start
    assert b"Lavf" not in data  # bitexact: no muxer version string


def test_mp4_odd_width_and_fractional_rate(tmp_path: Path) -> None:
    frames = moving_block(31, 17, 4)
    path = tmp_path / "block.mp4"
    writers()["mp4"].write(ListSource(frames), path, WriteOptions(duration=333))
    meta, decoded = mp4_frames(path)
    assert meta["size"] == (32, 18)
    assert meta["fps"] == pytest.approx(1000 / 333, rel=1e-3)
    assert len(decoded) == len(frames)
    for frame, expected in zip(decoded, frames, strict=True):
        assert np.abs(frame[:17, :31].astype(int) - expected).mean() < 3.0
        assert (frame[17:] >= 250).all() and (frame[:, 31:] >= 250).all()


def test_mp4_is_the_same_twice(tmp_path: Path) -> None:
    paths = write(tmp_path, "mp4", "first"), write(tmp_path, "mp4", "second")
    first, second = (mp4_frames(path)[1] for path in paths)
    assert len(first) == len(second) == len(scene(SPEC))
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    # One x264 thread and bitexact muxing: the files are the same bytes too.
    assert paths[0].read_bytes() == paths[1].read_bytes()


def test_frames_folder(tmp_path: Path, reference: list[np.ndarray]) -> None:
    folder = write(tmp_path, "frames")
    names = sorted(path.name for path in folder.iterdir())
    assert names == [f"frame_{index:04d}.png" for index in range(len(reference))]
    for name, expected in zip(names, reference, strict=True):
        np.testing.assert_array_equal(png_pixels(folder / name)[0], expected)


def test_frames_folder_adds_to_an_existing_folder_and_keeps_the_users_files(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    (folder / "sub").mkdir(parents=True)
    (folder / "notes.txt").write_text("mine")
    (folder / "frame_0000.png").write_text("an older render")
    write(tmp_path, "frames")
    names = sorted(path.name for path in folder.iterdir())
    assert names[: len(names) - 2] == [f"frame_{i:04d}.png" for i in range(len(names) - 2)]
    assert (folder / "notes.txt").read_text() == "mine" and (folder / "sub").is_dir()
    assert png_pixels(folder / "frame_0000.png")[0].ndim == 3  # ours replaced the old one
    assert [path.name for path in tmp_path.iterdir()] == ["out"]


def test_frames_folder_never_replaces_a_file(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("a file")
    with pytest.raises(ValueError, match=r"^frames folder .* is not valid: expected a folder"):
        write(tmp_path, "frames")
    assert (tmp_path / "out").read_text() == "a file"
    assert [path.name for path in tmp_path.iterdir()] == ["out"]


def test_a_file_output_never_replaces_a_folder(tmp_path: Path) -> None:
    (tmp_path / "out.gif").mkdir()
    with pytest.raises(ValueError, match=r"^output file .* is not valid: expected a file name"):
        save(Spec("conv", 4, 3), tmp_path / "out.gif")
    assert (tmp_path / "out.gif").is_dir()


def test_frame_names_widen_past_four_digits() -> None:
    assert frame_name(0, 1) == "frame_0000.png"
    assert frame_name(9999, 10_000) == "frame_9999.png"
    assert frame_name(7, 10_001) == "frame_00007.png"
    assert frame_name(123_456, 200_000) == "frame_123456.png"


# -- stills --------------------------------------------------------------------------


def test_png_still_honours_frame(tmp_path: Path, reference: list[np.ndarray]) -> None:
    for index in (0, 2):
        pixels, image = png_pixels(write(tmp_path, "png", f"still{index}", frame=index))
        assert image.format == "PNG" and image.mode == "RGB"
        assert image.size == scene(SPEC).size
        np.testing.assert_array_equal(pixels, reference[index])
        assert not image.text and set(image.info) <= {"dpi"}  # no metadata


def test_svg_still(tmp_path: Path) -> None:
    first = write(tmp_path, "svg", "first", frame=1)
    root = ET.parse(first).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert len(root.findall(".//{http://www.w3.org/2000/svg}path")) > 10
    other = write(tmp_path, "svg", "other", frame=2)
    assert first.read_bytes() != other.read_bytes()  # frame= is honoured


def test_pdf_still(tmp_path: Path) -> None:
    first = write(tmp_path, "pdf", "first", frame=1)
    data = first.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    other = write(tmp_path, "pdf", "other", frame=2)
    assert data != other.read_bytes()  # frame= is honoured


# -- reproducibility -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["gif", "webp", "apng", "png", "svg", "pdf"])
def test_same_call_gives_the_same_bytes(tmp_path: Path, name: str) -> None:
    options = {"frame": 3} if name in STILLS else {"duration": 120, "loop": 2}
    first = write(tmp_path, name, "first", **options).read_bytes()
    second = write(tmp_path, name, "second", **options).read_bytes()
    assert first == second


def test_frames_folder_gives_the_same_bytes(tmp_path: Path) -> None:
    first, second = write(tmp_path, "frames", "first"), write(tmp_path, "frames", "second")
    for path in sorted(first.iterdir()):
        assert path.read_bytes() == (second / path.name).read_bytes()


# -- failures ------------------------------------------------------------------------


class Boom(Exception):
    pass


def stop_after(frames: int, error: type[BaseException] = Boom):
    def callback(done: int, total: int) -> None:
        if done == frames:
            raise error("stopped mid-write")

    return callback


def existing(tmp_path: Path, name: str) -> Path:
    path = target(tmp_path, name)
    if name == "frames":
        path.mkdir()
        (path / "keep.txt").write_bytes(b"keep")
    else:
        path.write_bytes(b"keep")
    return path


def assert_untouched(tmp_path: Path, path: Path) -> None:
    assert [entry.name for entry in tmp_path.iterdir()] == [path.name]  # no partial file
    kept = path / "keep.txt" if path.is_dir() else path
    assert kept.read_bytes() == b"keep"
    if path.is_dir():
        assert [entry.name for entry in path.iterdir()] == ["keep.txt"]


@pytest.mark.parametrize("name", ANIMATED)
def test_error_mid_write_leaves_nothing_behind(tmp_path: Path, name: str) -> None:
    path = existing(tmp_path, name)
    with pytest.raises(Boom):
        save(SPEC, path, format=name, callback=stop_after(2))
    assert_untouched(tmp_path, path)


def test_error_mid_write_with_no_file_before(tmp_path: Path) -> None:
    for name in ANIMATED:
        with pytest.raises(Boom):
            save(SPEC, target(tmp_path, name), format=name, callback=stop_after(2))
    assert list(tmp_path.iterdir()) == []


def test_interrupted_mp4_stops_ffmpeg_and_leaves_nothing(tmp_path: Path) -> None:
    path = existing(tmp_path, "mp4")
    with pytest.raises(KeyboardInterrupt):
        save(SPEC, path, callback=stop_after(2, KeyboardInterrupt))
    assert_untouched(tmp_path, path)


@pytest.mark.parametrize("name", STILLS)
def test_error_in_a_still_leaves_nothing_behind(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def half_written(self, file, index, format):
        Path(file).write_bytes(b"partial")
        raise Boom("stopped mid-write")

    def no_frame(self, index):
        raise Boom("stopped mid-write")

    monkeypatch.setattr(Scene, "save_figure", half_written)
    monkeypatch.setattr(Scene, "frame", no_frame)
    path = existing(tmp_path, name)
    with pytest.raises(Boom):
        save(SPEC, path, frame=1)
    assert_untouched(tmp_path, path)


# -- memory --------------------------------------------------------------------------


def traced_peak(name: str, source: ListSource, path: Path) -> int:
    writer = writers()[name]
    if writer.directory:
        path.mkdir()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        writer.write(source, path, WriteOptions(duration=40))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("name", ["gif", "mp4", "apng", "webp", "frames"])
def test_memory_stays_flat_with_more_frames(tmp_path: Path, name: str) -> None:
    # tracemalloc sees numpy's and Python's allocations (not libwebp's or ffmpeg's, which
    # run in C or in another process; tests/test_writer_memory.py also reads VmHWM): a writer that kept frames, or images of them,
    # would grow by at least a frame's bytes per frame.
    the_scene = scene(Spec("conv", 5, 3, padding=1), dpi=40)
    width, height = the_scene.size
    few, many = 25, 100
    traced_peak(name, RepeatSource(the_scene, 2), tmp_path / f"warm{SUFFIX[name]}")
    small = traced_peak(name, RepeatSource(the_scene, few), tmp_path / f"few{SUFFIX[name]}")
    large = traced_peak(name, RepeatSource(the_scene, many), tmp_path / f"many{SUFFIX[name]}")
    raw = (many - few) * width * height * 3
    # Only what is kept per frame may grow: nothing but the file's bytes, on disk.
    assert large - small < raw / 4, f"peak {small:,} -> {large:,} bytes; raw frames {raw:,}"


@pytest.mark.parametrize("height", [1, 63, 64, 65, 300])
def test_colours_counted_in_bands_are_those_of_the_whole_frames(height):
    # The palette counts a band of rows at a time (flat memory at any picture size):
    # the counts must be exactly np.unique's over the whole sample frames.
    from convanim.writers._palette import count_colors, rgb_keys

    rng = np.random.default_rng(height)
    shades = rng.integers(0, 256, size=(40, 4), dtype=np.uint8)
    samples = [shades[rng.integers(0, 40, size=(height, 37))] for _ in range(3)]
    samples.append(samples[0][:, :, :3].copy())  # RGB too
    # Runs of one colour within and across rows, as in drawn frames (counted by run).
    samples.append(np.repeat(samples[1], 5, axis=1)[:, :37])
    samples.append(np.broadcast_to(shades[3], (height, 37, 4)).copy())
    unique, counts = count_colors(iter(samples))
    expected = np.unique(np.concatenate([rgb_keys(s) for s in samples]), return_counts=True)
    np.testing.assert_array_equal(unique, expected[0])
    np.testing.assert_array_equal(counts, expected[1])
    assert counts.dtype == np.int64


def test_a_released_palettes_table_serves_the_next_as_a_new_one():
    # Palettes hand their lookup table on when released: whatever the first one filled
    # in (its colours, tints resolved while indexing) must not leak into the next.
    from convanim.writers import _palette
    from convanim.writers._palette import Palette, rgb_keys

    rng = np.random.default_rng(7)
    first = rng.integers(0, 256, size=(40, 50, 3), dtype=np.uint8)
    second = rng.integers(0, 256, size=(30, 60, 3), dtype=np.uint8)
    probe = rgb_keys(rng.integers(0, 256, size=(20, 20, 3), dtype=np.uint8))
    _palette._FREE_TABLES.clear()
    with Palette([first], size=200) as used:
        used.index_keys(probe)  # tints resolved for used's colours
    assert len(_palette._FREE_TABLES) == 1
    reused = Palette([second], size=100)
    assert not _palette._FREE_TABLES  # it took the released table
    _palette._FREE_TABLES.clear()
    fresh = Palette([second], size=100)
    np.testing.assert_array_equal(reused.colors, fresh.colors)
    np.testing.assert_array_equal(reused.index_keys(probe), fresh.index_keys(probe))
    np.testing.assert_array_equal(reused._lookup, fresh._lookup)


def test_nearest_colour_is_the_exact_squared_distance_argmin():
    from convanim.writers._palette import Palette, rgb_keys

    rng = np.random.default_rng(3)
    palette = Palette([rng.integers(0, 256, size=(16, 16, 3), dtype=np.uint8)], size=50)
    pixels = rng.integers(0, 256, size=(5000, 3), dtype=np.uint8)
    # Midpoints of palette colours that differ by even steps: equidistant from both
    # (ties, which go to the lower index, unless a third colour is nearer).
    colors = palette.colors.astype(int)
    pairs = [
        (a, b)
        for a in range(len(colors))
        for b in range(a)
        if not ((colors[a] - colors[b]) % 2).any()
    ]
    ties = np.array([(colors[a] + colors[b]) // 2 for a, b in pairs], dtype=np.uint8).reshape(-1, 3)
    pixels = np.concatenate([pixels, ties, palette.colors[:1] ^ 1])
    keys = rgb_keys(pixels[None])
    distance = ((pixels[:, None, :].astype(int) - palette.colors[None].astype(int)) ** 2).sum(-1)
    np.testing.assert_array_equal(palette.index_keys(keys), distance.argmin(axis=1))


@pytest.mark.parametrize(
    ("spec", "options"),
    [
        (Spec("conv_transpose", 2, 3, stride=2), {"style": "scatter_gather"}),
        (Spec("conv", 6, 3, stride=2, padding=1), {"theme": "dark"}),
    ],
)
def test_sparse_and_dense_change_lookups_write_the_same_gif(tmp_path, monkeypatch, spec, options):
    # The GIF writer looks up either a changed rectangle whole or, where few of its
    # pixels changed, only those: the file must not depend on which.
    from convanim.render import scene
    from convanim.writers import WriteOptions, _compiled, gif

    monkeypatch.setattr(_compiled, "kernels", None)  # the numpy loops: SPARSE picks one
    the_scene = scene(spec, **options)
    files = {}
    for name, sparse in (("sparse", 0), ("dense", 10**9)):
        monkeypatch.setattr(gif, "SPARSE", sparse)
        path = tmp_path / f"{name}.gif"
        gif.write_gif(the_scene, path, WriteOptions(duration=100, loop=0))
        files[name] = path.read_bytes()
    assert files["dense"] == files["sparse"]
    with Image.open(tmp_path / "sparse.gif") as image:
        assert image.n_frames == len(the_scene)
        image.seek(len(the_scene) - 1)
        last = np.asarray(image.convert("RGB"))
    # The frame as the animation's palette shows it (tints mapped to their nearest).
    with gif.Palette(gif.sample_frames(the_scene), size=255) as palette:
        frame = the_scene.frame(len(the_scene) - 1)
        np.testing.assert_array_equal(last, palette.colors[palette.index(frame)])


def test_a_changed_rectangle_past_the_frame_is_clipped_to_it(monkeypatch):
    # A source's frames_changed may name a rectangle beyond the picture: both lookups
    # must find the same change inside it.
    from convanim.writers import _compiled, gif

    monkeypatch.setattr(_compiled, "kernels", None)  # the numpy loops: SPARSE picks one
    from convanim.writers._changes import pixels
    from convanim.writers._palette import Palette

    rng = np.random.default_rng(5)
    shades = rng.integers(0, 256, size=(6, 4), dtype=np.uint8)
    shades[:, 3] = 255
    before = shades[np.zeros((20, 30), dtype=int)]
    after = before.copy()
    after[3, 29] = shades[2]
    results = []
    for sparse in (0, 10**9):
        gif.SPARSE, saved = sparse, gif.SPARSE
        try:
            with Palette(iter([before, after])) as palette:
                previous = pixels(before).copy()
                indices = palette.index_keys(previous & 0xFFFFFF)
                results.append(
                    gif._changed_indices(after, (-2, 25, 0, 32), previous, indices, palette)
                )
        finally:
            gif.SPARSE = saved
    for patch, offset in results:
        assert offset == (29, 3) and patch.shape == (1, 1)


def test_colours_of_a_busy_picture_are_counted_exactly_whatever_their_slots():
    # Colours are grouped through a hashed table of 2**20 slots: with 150,000 distinct
    # colours many share a slot, and those must be counted as exactly as the rest.
    from convanim.writers._palette import count_colors, rgb_keys

    rng = np.random.default_rng(11)
    colours = rng.integers(0, 256, size=(150_000, 4), dtype=np.uint8)
    samples = [colours[rng.integers(0, len(colours), size=(700, 500))] for _ in range(2)]
    unique, counts = count_colors(iter(samples))
    expected = np.unique(np.concatenate([rgb_keys(s) for s in samples]), return_counts=True)
    np.testing.assert_array_equal(unique, expected[0])
    np.testing.assert_array_equal(counts, expected[1])


@pytest.mark.parametrize("shape", [(1, 1), (3, 700), (64, 65), (300, 257)])
@pytest.mark.parametrize("transparent", [False, True])
@pytest.mark.parametrize("disposal", [1, 2])
def test_gif_frames_are_the_bytes_pillows_frame_helper_writes(shape, transparent, disposal):
    # The writer assembles each frame's header itself around Pillow's LZW encoder;
    # every field must be what GifImagePlugin.getdata (Pillow's documented helper)
    # writes for the same patch, offset, delay, transparency and disposal.
    from PIL import GifImagePlugin

    from convanim.writers.gif import TRANSPARENT, _frame_bytes

    rng = np.random.default_rng(shape[0] * 1000 + shape[1])
    indices = rng.integers(0, 256, size=shape, dtype=np.uint8)
    indices[:, : shape[1] // 2] = TRANSPARENT  # long runs, as in a patch
    offset = (int(rng.integers(0, 600)), int(rng.integers(0, 60000)))
    delay_cs = int(rng.integers(2, 6000))
    params = {"duration": delay_cs * 10, "disposal": disposal, "interlace": 0}
    if transparent:
        params["transparency"] = TRANSPARENT
    image = Image.fromarray(indices, mode="P")
    expected = b"".join(GifImagePlugin.getdata(image, offset=offset, **params))
    assert _frame_bytes(indices, offset, delay_cs, transparent, disposal) == expected
    # A source's rectangle may hold numpy integers: the same bytes.
    numpy_offset = (np.int64(offset[0]), np.int64(offset[1]))
    assert (
        _frame_bytes(indices, numpy_offset, np.int64(delay_cs), transparent, disposal) == expected
    )


def test_keys_summed_through_slots_keep_every_key_and_its_sum():
    from convanim.writers._palette import _sum_by_key

    keys = np.array([7, 3, 7, 9, 3, 9], dtype=np.uint32)
    unique, sums = _sum_by_key(keys, np.array([0, 2, 0, 5, 1, 0]))
    np.testing.assert_array_equal(unique, [3, 7, 9])
    np.testing.assert_array_equal(sums, [3, 0, 5])
