"""The drawing as data: pure numpy, and enough to draw a frame without matplotlib."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from PIL import Image, ImageDraw
from similarity import compare

from convanim import Spec
from convanim.layout import Drawing, unit_pixels
from convanim.render import scene


def test_layout_theme_options_and_arithmetic_import_no_matplotlib_or_pil():
    code = (
        "import sys, convanim, convanim.layout, convanim.options, convanim.theme\n"
        "from convanim import Spec, plan, evaluate, conv_matrix\n"
        "s = Spec('conv', 5, 3, stride=2); plan(s)\n"
        "bad = [m for m in ('matplotlib', 'PIL') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def _blend(image: np.ndarray, mask: np.ndarray, rgba) -> None:
    color = np.array(rgba[:3]) * 255
    image[mask] = image[mask] * (1 - rgba[3]) + color * rgba[3]


def _pil_frame(drawing: Drawing, index: int, dpi: float) -> np.ndarray:
    """A second backend: frame ``index`` rasterised with Pillow from the drawing alone
    (polygons and their outlines, line segments, in z order; text left out)."""
    width, height = drawing.pixel_size(dpi)
    left, bottom = drawing.origin()
    unit_px = unit_pixels(dpi)
    image = np.empty((height, width, 3))
    image[:] = np.array(drawing.theme.background[:3]) * 255

    def to_pixels(points):
        return [((x - left) * unit_px, height - (y - bottom) * unit_px) for x, y in points]

    for layer in drawing.layers:
        paint = layer.paint
        line_px = max(1, round(paint.width / 72.27 * dpi))
        if layer.kind == "text":
            continue
        if layer.kind in ("polygons", "polygon") and paint.fill is not None:
            mask_image = Image.new("L", (width, height), 0)
            draw = ImageDraw.Draw(mask_image)
            for polygon in layer.at(index):
                draw.polygon(to_pixels(polygon), fill=255)
            _blend(image, np.asarray(mask_image) > 127, paint.fill)
        if paint.edge is not None and paint.width > 0:
            mask_image = Image.new("L", (width, height), 0)
            draw = ImageDraw.Draw(mask_image)
            for shape in layer.at(index):
                points = to_pixels(shape)
                if layer.kind != "segments":
                    points = points + points[:1]
                draw.line(points, fill=255, width=line_px)
            _blend(image, np.asarray(mask_image) > 127, paint.edge)
    return image.round().astype(np.uint8)


@pytest.mark.parametrize(
    ("spec", "style"),
    [
        (Spec("conv", 5, 3, stride=2, padding=1), "tutorial"),
        (Spec("conv_transpose", 3, 3, stride=2, padding=1), "tutorial"),
        (Spec("conv", (4, 6), (2, 3), dilation=(1, 2)), "flat"),
    ],
)
def test_a_second_backend_draws_the_same_frame_from_the_data(spec, style):
    drawn = scene(spec, style)
    for index in sorted({0, len(drawn) // 2, len(drawn) - 1}):
        ours = _pil_frame(drawn.drawing, index, drawn.dpi)
        assert ours.shape == drawn.frame(index).shape
        agreement = compare(ours, drawn.frame(index))
        # the same regions in the same places: only edges (lines, anti-aliasing) differ
        assert agreement["overall"] > 0.97, agreement
        # and the comparison can fail: another frame's window is somewhere else
        other = _pil_frame(drawn.drawing, (index + 1) % len(drawn), drawn.dpi)
        assert compare(other, drawn.frame(index))["overall"] < 0.9


def test_the_drawn_shapes_are_the_layers_shapes():
    drawn = scene(Spec("conv", 5, 3, stride=2, padding=1))
    for index in (0, 4, 8):
        drawn.pose(index)
        artists = dict((layer.role, artist) for layer, artist in drawn.artists)
        shade = drawn.drawing.layer("window_shade").at(index)
        drawn_shade = np.array([path.vertices[:4] for path in artists["window_shade"].get_paths()])
        np.testing.assert_allclose(drawn_shade, shade)
        cell = drawn.drawing.layer("output_cell").at(index)[0]
        np.testing.assert_allclose(artists["output_cell"].get_xy()[:4], cell)
        # and the window sits where the plan puts it: its first tap's corner moves by
        # the plane's map of (col, -row) of the window origin
        row, col = drawn.plan.window_origin[index]
        slant = np.array([[1.0, -0.7], [0.5, 0.65]])
        np.testing.assert_allclose(
            shade[0] - drawn.drawing.layer("window_shade").geometry[0],
            np.broadcast_to(np.array([col, -row]) @ slant.T, (4, 2)),
        )


def test_layers_are_read_only_and_ordered_by_z():
    drawing = scene(Spec("conv", 4, 3), "flat", values=True).drawing
    assert [layer.z for layer in drawing.layers] == sorted(layer.z for layer in drawing.layers)
    with pytest.raises(ValueError):
        drawing.layer("input").geometry[0, 0, 0] = 1.0
    assert {"input_numbers", "kernel_numbers", "output_numbers"} <= set(drawing.roles())
    moving = {layer.role for layer in drawing.moving_layers()}
    assert moving == {
        "window_shade",
        "window_grid",
        "kernel_numbers",
        "output_shade",
        "output_cell",
    }


@pytest.mark.parametrize("slant", ["tutorial", "identity"])
def test_plane_map_is_the_same_point_by_point_and_all_at_once(slant):
    # An (N, 2) matrix product goes to BLAS, whose fused multiply-adds change the
    # last bit of a vertex with the batch's shape: the same spec must give the same
    # vertices however a layout batches its points.
    from convanim.layout.planes import TUTORIAL, _Plane

    matrix = TUTORIAL.slant if slant == "tutorial" else np.eye(2)
    plane = _Plane(7, 9, matrix, np.array([0.3, 8.0]))
    rng = np.random.default_rng(5)
    points = rng.integers(-40, 40, (500, 2)) + rng.choice([0.0, 0.5, 0.22, 0.8], (500, 2))
    one_by_one = np.array([plane.map(point) for point in points])
    expected_x = points[:, 0] * matrix[0, 0] + points[:, 1] * matrix[0, 1] + 0.3
    expected_y = points[:, 0] * matrix[1, 0] + points[:, 1] * matrix[1, 1] + 8.0
    for mapped in (
        plane.map(points),
        plane.map(points[:, None]),
        plane.map(points.reshape(5, 100, 2)).reshape(500, 2),
        one_by_one,
    ):
        np.testing.assert_array_equal(
            mapped.reshape(500, 2), np.stack([expected_x, expected_y], axis=1)
        )
    cells = rng.integers(0, 7, (40, 2))
    quads = plane.quads(cells, 2, 3)
    for (row, col), quad in zip(cells, quads, strict=True):
        corners = [
            plane.corner(row, col),
            plane.corner(row, col + 3),
            plane.corner(row + 2, col + 3),
            plane.corner(row + 2, col),
        ]
        np.testing.assert_array_equal(quad, corners)
    segments = plane.grid_segments(1, 2, 3, 4)
    expected = [(plane.corner(1 + r, 2), plane.corner(1 + r, 6)) for r in range(4)]
    expected += [(plane.corner(4, 2 + c), plane.corner(1, 2 + c)) for c in range(5)]
    np.testing.assert_array_equal(segments, expected)
    np.testing.assert_array_equal(plane.outline(), plane.quads(np.array([[0, 0]]), 7, 9)[0])
