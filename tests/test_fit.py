"""Numbers that fit their cells: random values, measured as drawn, never in a neighbour.

Each number's outline (the very glyphs the backend draws, from the font engine) is
placed at its anchor in its plane and compared with its own cell; weights with the tap
they mark. In the tutorial look, no connecting line runs through a digit.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convanim import Spec
from convanim.layout.fit import compact_number, cut_segments
from convanim.render import scene
from convanim.render._text import glyphs
from convanim.values import format_number

EPS = 1e-9


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (3, 2, "3"),
        (-12, 2, "-12"),
        (1234.5, 4, "1234"),
        (1234.5, 3, "1.23k"),
        (1234.5, 2, "1.2k"),
        (-987654, 2, "-990k"),
        (2.5e7, 2, "25M"),
        (988, 2, "990"),
        (0.000123, 2, "0.00012"),
        (1.5e-7, 2, "1.5e-7"),
        (-0.0001, 1, "-0.0001"),
        (-0.00001, 1, "-1e-5"),
        (0.04, 1, "0.04"),
        (-0.004, 1, "-0.004"),
    ],
)
def test_compact_number(value, digits, text):
    assert compact_number(value, digits) == text


def test_compact_number_never_prints_minus_zero():
    assert compact_number(-1e-20, 1) == "-1e-20"
    assert compact_number(-0.0, 2) == "0"


def _item_box(block, index, family):
    string, size, align, _ = block.item(index)
    vertices, _ = glyphs(string, size, align=align, family=family)
    points = vertices + block.anchors[index]
    return points.min(axis=0), points.max(axis=0)


def _check_cells(the_scene):
    """Every number's drawn ink inside its own cell (weights: inside their tap)."""
    drawing = the_scene.drawing
    family = drawing.theme.number_font
    # grid rows of each plane: cell (row, col) is the square [col, col+1] x [h-row-1, h-row]
    grid_rows = max(row for row, _ in drawing.layer("input_numbers").text.cells) + 1
    boxes = {}
    for role in ("input_numbers", "output_numbers", "kernel_numbers"):
        try:
            block = drawing.layer(role).text
        except KeyError:
            continue
        output = role == "output_numbers"
        height = max(row for row, _ in block.cells) + 1 if output else grid_rows
        for index, (row, col) in enumerate(block.cells):
            low, high = _item_box(block, index, family)
            # the cell's square in its plane: x in [col, col + 1], y in [h-row-1, h-row]
            cell_low = np.array([col, height - row - 1])
            assert (low >= cell_low - EPS).all() and (high <= cell_low + 1 + EPS).all(), (
                role,
                block.strings[index],
                low - cell_low,
                high - cell_low,
            )
            boxes[(role, row, col)] = (low, high)
    # A weight and the number of the cell it lies on never overlap (frame 0's window).
    for (role, row, col), (low, high) in boxes.items():
        if role != "kernel_numbers":
            continue
        under = boxes.get(("input_numbers", row, col))
        if under is not None:
            overlap = np.minimum(high, under[1]) - np.maximum(low, under[0])
            assert (overlap <= 0.02).any(), (row, col)  # a hair, the tutorial's own
    return boxes


def _values(draw_floats, shape, scale):
    return np.array(draw_floats, float).reshape(shape) * scale


arrays = st.integers(0, 5).flatmap(
    lambda kind: st.tuples(
        st.just(kind),
        st.lists(st.floats(-1, 1, allow_nan=False, allow_infinity=False), min_size=34, max_size=34),
    )
)
SCALES = (1, 10, 1000, 1e6, 1e-4, 3.7)


@settings(max_examples=12, deadline=None)
@given(arrays, st.sampled_from(["tutorial", "flat"]))
def test_random_values_fit_their_cells(drawn, style):
    kind, floats = drawn
    scale = SCALES[kind]
    spec = Spec("conv", input_size=5, kernel_size=3, padding=1)
    x = _values(floats[:25], (5, 5), scale)
    weight = _values(floats[25:], (3, 3), scale if kind != 4 else 1)
    the_scene = scene(spec, style=style, x=x, weight=weight, dpi=40)
    _check_cells(the_scene)
    if style == "tutorial":
        assert _line_crossings(the_scene) == 0


def test_thousands_are_shortened_and_small_ones_stay_as_printed():
    spec = Spec("conv", input_size=4, kernel_size=3)
    x = np.array([[1234.5, -9876.5, 3, 0]] * 4)
    the_scene = scene(spec, style="flat", x=x, weight=np.ones((3, 3)), dpi=40)
    strings = the_scene.drawing.layer("input_numbers").text.strings
    assert strings[:4] == ("1234", "-9876", "3", "0") or strings[:4] == (
        "1.2k",
        "-9.9k",
        "3",
        "0",
    )
    _check_cells(the_scene)
    # Numbers that fit are printed as the tutorial prints them, at the theme's size.
    plain = scene(spec, style="flat", values=True, dpi=40).drawing
    block = plain.layer("input_numbers").text
    assert block.strings == tuple(format_number(v) for v in plain_values(spec))
    from convanim.layout._model import points_to_units

    assert block.size == points_to_units(plain.theme.number_size)


def plain_values(spec):
    from convanim.values import numbers

    return numbers(spec).grid.ravel()


def test_a_huge_value_is_drawn_smaller_not_wider():
    spec = Spec("conv", input_size=3, kernel_size=2)
    x = np.full((3, 3), -123456789.0)
    the_scene = scene(spec, style="flat", x=x, weight=np.full((2, 2), -0.000123), dpi=40)
    _check_cells(the_scene)


def _line_crossings(the_scene) -> int:
    """Connecting-line pieces that run through a digit's ink box, over all frames."""
    drawing = the_scene.drawing
    family = drawing.theme.number_font
    lines = drawing.layer("lines")
    crossings = 0
    for role in ("input_numbers", "kernel_numbers", "output_numbers"):
        try:
            layer = drawing.layer(role)
        except KeyError:
            continue
        block = layer.text
        inverse = np.linalg.inv(block.matrix)
        boxes = np.array(
            [np.concatenate(_item_box(block, index, family)) for index in range(len(block))]
        )
        for frame in range(drawing.frames):
            shift = layer.shift[frame] if layer.shift is not None else 0.0
            local = (lines.at(frame) - block.offset - shift) @ inverse.T
            # cut_segments removes what lies in a box: what it keeps of a crossing
            # segment differs from the segment.
            kept = cut_segments(local, boxes, 0.0)
            crossings += len(kept) != len(local) or not np.allclose(kept, local)
    return crossings


@pytest.mark.parametrize(
    "spec",
    [
        Spec("conv", input_size=5, kernel_size=3, padding=1),
        Spec("conv", input_size=5, kernel_size=3, stride=2),
        Spec("conv", input_size=4, kernel_size=3).transpose(),
        Spec("avg_pool", input_size=5, kernel_size=3, stride=1),
    ],
    ids=lambda spec: spec.describe(),
)
def test_no_line_through_a_digit_in_the_tutorial_look(spec):
    the_scene = scene(spec, values=True, dpi=40)
    assert _line_crossings(the_scene) == 0
    # Without numbers the lines are the tutorial's four whole segments per frame.
    bare = scene(spec, dpi=40).drawing.layer("lines")
    assert np.array_equal(bare.frame_starts, np.arange(the_scene.drawing.frames + 1) * 4)


def test_cut_segments_leaves_the_parts_outside():
    segment = np.array([[[0.0, 0.0], [10.0, 0.0]]])
    boxes = np.array([[2.0, -1.0, 3.0, 1.0], [6.0, -1.0, 7.0, 1.0]])
    kept = cut_segments(segment, boxes, 0.5)
    assert np.allclose(kept[:, :, 0], [[0, 1.5], [3.5, 5.5], [7.5, 10]])
    assert np.array_equal(cut_segments(segment, np.zeros((0, 4)), 0.5), segment)
    parallel = np.array([[[0.0, 5.0], [10.0, 5.0]]])  # passes above both boxes
    assert np.array_equal(cut_segments(parallel, boxes, 0.5), parallel)
