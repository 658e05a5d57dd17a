"""Transparent backgrounds and exact sizes, tested by the written files' pixels.

Each format is decoded the way a reader's software does (Pillow for PNG, APNG, WebP and
GIF; poppler's pdftocairo for PDF; Chromium for SVG) and its alpha is compared with the
scene's own RGBA frames.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageSequence

from convanim import Spec
from convanim.api import save
from convanim.cli import main
from convanim.errors import SpecError
from convanim.render import scene

SPEC = Spec("conv", input_size=5, kernel_size=3, padding=1, stride=2)  # 9 frames


def _frames(path: Path) -> list[np.ndarray]:
    with Image.open(path) as image:
        return [np.array(frame.convert("RGBA")) for frame in ImageSequence.Iterator(image)]


@pytest.fixture(scope="module")
def expected():
    """The scene's RGBA frames with a transparent background (the dark theme)."""
    the_scene = scene(SPEC, theme="dark", transparent=True)
    return [the_scene.frame_rgba(index) for index in range(len(the_scene))]


def _check_alpha(decoded: list[np.ndarray], expected: list[np.ndarray], exact: bool) -> None:
    assert len(decoded) == len(expected)
    for got, want in zip(decoded, expected, strict=True):
        assert got.shape == want.shape
        assert got[0, 0, 3] == 0  # the corner is the page
        clear, solid = want[..., 3] == 0, want[..., 3] == 255
        assert 0.2 < clear.mean() < 0.8 and solid.mean() > 0.2
        if exact:  # lossless RGBA: every alpha, and the colour wherever it is opaque
            assert np.array_equal(got[..., 3], want[..., 3])
            assert np.array_equal(got[solid][:, :3], want[solid][:, :3])
        else:  # GIF: one transparent index, wherever alpha < 128
            assert np.array_equal(got[..., 3] == 0, want[..., 3] < 128)
            close = np.abs(got[solid][:, :3].astype(int) - want[solid][:, :3]).max(axis=1)
            assert (close <= 8).mean() > 0.97  # 255 colours: some blends map to a neighbour


@pytest.mark.parametrize("extension", [".png", ".apng", ".webp", ".gif"])
def test_transparent_raster_formats_keep_alpha(tmp_path, expected, extension):
    path = tmp_path / f"fig{extension}"
    save(SPEC, path, theme="dark", transparent=True, progress=False)
    decoded = _frames(path)
    _check_alpha(decoded, expected[:1] if extension == ".png" else expected, extension != ".gif")


def test_transparent_frames_folder(tmp_path, expected):
    save(SPEC, tmp_path / "frames", format="frames", theme="dark", transparent=True)
    files = sorted((tmp_path / "frames").iterdir())
    _check_alpha([np.array(Image.open(file)) for file in files], expected, True)


def test_opaque_files_are_unchanged_by_the_option(tmp_path):
    # transparent=False is the default: the same bytes as before the option existed
    save(SPEC, tmp_path / "a.gif", progress=False)
    save(SPEC, tmp_path / "b.gif", transparent=False, progress=False)
    assert (tmp_path / "a.gif").read_bytes() == (tmp_path / "b.gif").read_bytes()
    assert _frames(tmp_path / "a.gif")[0][..., 3].min() == 255


@pytest.mark.skipif(shutil.which("pdftocairo") is None, reason="pdftocairo (poppler) missing")
def test_transparent_pdf(tmp_path, expected):
    save(SPEC, tmp_path / "fig.pdf", theme="dark", transparent=True)
    subprocess.run(
        ["pdftocairo", "-png", "-transp", "-singlefile", "-r", "150", "fig.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    page = np.array(Image.open(tmp_path / "page.png").convert("RGBA"))
    assert page[0, 0, 3] == 0 and page[..., 3].max() == 255
    # Transparent where the raster frame is, opaque where it is (edges aside).
    want = expected[0]
    height, width = min(page.shape[0], want.shape[0]), min(page.shape[1], want.shape[1])
    agree = (page[:height, :width, 3] > 127) == (want[:height, :width, 3] > 127)
    assert agree.mean() > 0.97
    save(SPEC, tmp_path / "opaque.pdf", theme="dark")
    subprocess.run(
        ["pdftocairo", "-png", "-transp", "-singlefile", "opaque.pdf", "opaque"],
        cwd=tmp_path,
        check=True,
    )
    assert np.array(Image.open(tmp_path / "opaque.png").convert("RGBA"))[0, 0, 3] == 255


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_transparent_svg_in_a_browser(tmp_path, expected):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or _chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("playwright and chromium must run in CI")
        pytest.skip("playwright or chromium missing")
    save(SPEC, tmp_path / "fig.svg", theme="dark", transparent=True)
    save(SPEC, tmp_path / "opaque.svg", theme="dark")
    shots = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=_chromium(), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        for name in ("fig", "opaque"):
            page.goto((tmp_path / f"{name}.svg").as_uri())
            element = page.query_selector("svg")
            shots[name] = element.screenshot(omit_background=True)
        browser.close()
    for name, shot in shots.items():
        (tmp_path / f"{name}.png").write_bytes(shot)
    clear = np.array(Image.open(tmp_path / "fig.png").convert("RGBA"))
    opaque = np.array(Image.open(tmp_path / "opaque.png").convert("RGBA"))
    assert clear[1, 1, 3] == 0 and opaque[1, 1, 3] == 255
    assert (clear[..., 3] == 255).mean() > 0.2  # the drawing itself stays opaque


def test_mp4_refuses_transparency_in_one_line(tmp_path, capsys):
    status = main(["render", "-i", "4", "-k", "3", "--transparent", "-o", str(tmp_path / "a.mp4")])
    assert status == 2
    error = capsys.readouterr().err
    assert "--transparent" in error and "mp4" in error and error.count("\n") == 1
    assert not (tmp_path / "a.mp4").exists()


# -- sizes ------------------------------------------------------------------------------
def _aspect(**options) -> float:
    """Height over width of the drawing, border included (unrounded)."""
    drawing = scene(SPEC, **options).drawing
    xmin, xmax, ymin, ymax = drawing.extent
    return (ymax - ymin + 2 * drawing.edge) / (xmax - xmin + 2 * drawing.edge)


def _size(path: Path) -> tuple[int, int]:
    with Image.open(path) as image:
        return image.size


@pytest.mark.parametrize("width", [97, 320, 641, 1000])
def test_width_gives_that_many_pixels_and_the_aspect_follows(tmp_path, width):
    path = tmp_path / "w.png"
    assert main(["render", "-i", "5", "-k", "3", "-p", "1", "-s", "2",
                 "--width", str(width), "-o", str(path), "-q"]) == 0  # fmt: skip
    got_width, got_height = _size(path)
    assert got_width == width
    assert abs(got_height - width * _aspect()) <= 0.5


@pytest.mark.parametrize("height", [120, 501])
def test_height_gives_that_many_pixels(tmp_path, height):
    path = tmp_path / "h.gif"
    save(SPEC, path, style="flat", height=height, progress=False)
    got_width, got_height = _size(path)
    assert got_height == height
    assert abs(got_width - height / _aspect(style="flat")) <= 0.5


def test_width_and_height_together_are_refused(capsys, tmp_path):
    with pytest.raises(SpecError, match="height = 100 is not valid with width = 200"):
        save(SPEC, tmp_path / "a.png", width=200, height=100)
    argv = ["render", "-i", "4", "-k", "3", "--width", "0", "-o", str(tmp_path / "a.png")]
    assert main(argv) == 2
    assert "--width: width = 0 is not valid: expected an integer between 1" in (
        capsys.readouterr().err
    )


def _ink_box(frame: np.ndarray, background: np.ndarray) -> tuple[int, int, int, int]:
    ink = np.abs(frame[..., :3].astype(int) - background).max(axis=2) > 0
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return rows[0], rows[-1], cols[0], cols[-1]


def test_canvas_mp4_is_exactly_1920x1080_with_the_drawing_centred(tmp_path):
    import imageio.v3 as iio

    path = tmp_path / "video.mp4"
    assert main(["render", "-i", "5", "-k", "3", "-p", "1", "-s", "2", "--theme", "dark",
                 "--canvas", "1920x1080", "-o", str(path), "-q"]) == 0  # fmt: skip
    frame = iio.imread(path, index=0)
    assert frame.shape[:2] == (1080, 1920)
    # Fitted: the drawing (border included) fills the height, centred across.
    the_scene = scene(SPEC, theme="dark", canvas=(1920, 1080))
    raster = the_scene.frame(0)
    background = np.round(np.array(the_scene.drawing.theme.background[:3]) * 255)
    top, bottom, left, right = _ink_box(raster, background)
    assert abs((left + right) / 2 - 1920 / 2) <= 2
    assert abs((top + bottom) / 2 - 1080 / 2) <= 30  # the border is not symmetric in ink
    assert bottom - top > 0.8 * 1080


def test_canvas_with_dpi_keeps_the_scale_and_centres(tmp_path):
    natural = scene(SPEC, dpi=100).frame(0)
    placed = scene(SPEC, dpi=100, canvas=(800, 700)).frame(0)
    assert placed.shape[:2] == (700, 800)
    white = np.array([255, 255, 255])
    top, bottom, left, right = _ink_box(natural, white)
    placed_box = _ink_box(placed, white)
    # The same drawing, the same size, moved by the centring offset
    assert placed_box[1] - placed_box[0] == bottom - top
    assert placed_box[3] - placed_box[2] == right - left
    offset_x = (800 - natural.shape[1]) / 2
    assert abs(placed_box[2] - (left + offset_x)) <= 1
    path = tmp_path / "still.png"
    save(SPEC, path, dpi=100, canvas=(800, 700))
    assert _size(path) == (800, 700)
    with pytest.raises(SpecError, match="canvas = 100x100 is not valid"):
        scene(SPEC, dpi=150, canvas=(100, 100))


def test_canvas_parse_errors(capsys, tmp_path):
    for text in ("1920", "0x10", "axb", "99999x10"):
        assert main(["render", "-i", "4", "-k", "3", "--canvas", text,
                     "-o", str(tmp_path / "a.gif")]) == 2  # fmt: skip
        error = capsys.readouterr().err
        assert "--canvas: canvas = " in error and "WIDTHxHEIGHT" in error
