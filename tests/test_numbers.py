"""Numbers on the grid: what the pictures print is what the plan and evaluate say."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from PIL import Image
from similarity import compare

from convanim import CellKind, Spec, SpecError, conv_matrix, evaluate, numbers, plan
from convanim.gallery import load_manifest
from convanim.render import MatrixScene, matrix_figure, scene
from convanim.values import format_number

NUMERICAL = [
    "numerical_no_padding_no_strides",
    "numerical_padding_strides",
    "numerical_average_pooling",
    "numerical_max_pooling",
]


@st.composite
def drawable_specs(draw):
    op = draw(st.sampled_from(["conv", "conv_transpose", "max_pool", "avg_pool"]))
    ndim = draw(st.integers(1, 2))

    def axis(lo, hi):
        return tuple(draw(st.lists(st.integers(lo, hi), min_size=ndim, max_size=ndim)))

    params = dict(
        input_size=axis(1, 6),
        kernel_size=axis(1, 3),
        stride=axis(1, 3),
        padding=axis(0, 2),
        dilation=axis(1, 2) if op != "avg_pool" else (1,) * ndim,
        output_padding=axis(0, 1) if op == "conv_transpose" else (0,) * ndim,
    )
    try:
        return Spec(op, **params)
    except SpecError:
        assume(False)


@settings(max_examples=60)
@given(drawable_specs(), st.sampled_from(["tutorial", "flat"]), st.integers(0, 2**31))
def test_printed_numbers_are_the_plans_and_evaluates(spec, style, seed):
    drawn = scene(spec, style, values=True, seed=seed, dpi=30)
    the_plan = plan(spec)
    cells = numbers(spec, seed=seed)
    expected_output = evaluate(spec, cells.x, cells.weight)
    as_2d = (1,) * (2 - spec.ndim)  # a 1-D spec is drawn as one row
    grid_kind = the_plan.grid_kind.reshape(as_2d + spec.grid_size)
    for index in sorted({0, len(the_plan) // 2, len(the_plan) - 1}):
        texts = drawn.drawn_texts(index)
        # input: the input value in real cells, "0" in padding and inserted zeros
        grid_values = cells.grid.reshape(grid_kind.shape)
        for (row, col), text in texts["input"].items():
            if grid_kind[row, col] != CellKind.INPUT:
                assert text == "0"
            assert float(text) == grid_values[row, col]
        assert len(texts["input"]) == grid_kind.size
        # output: evaluate's result with one decimal, everywhere
        out = expected_output.reshape(as_2d + spec.output_size)
        assert texts["output"] == {
            (r, c): f"{out[r, c]:.1f}".replace("-0.0", "0.0") for r, c in np.ndindex(out.shape)
        }
        # kernel: on the window's taps, flipped for a transposed convolution, none for pooling
        if spec.is_pool:
            assert texts["kernel"] == {}
            continue
        taps = the_plan.window_origin[index] + the_plan.tap_offset
        weight = cells.weight
        if spec.transposed:
            weight = weight[(slice(None, None, -1),) * spec.ndim]
        for tap, kernel_index in zip(taps, the_plan.kernel_index, strict=True):
            cell = (0, int(tap[0])) if spec.ndim == 1 else (int(tap[0]), int(tap[1]))
            assert texts["kernel"][cell] == format_number(weight[tuple(kernel_index)])


def test_seeded_numbers_are_the_tutorials():
    cells = numbers(Spec("conv", 5, 3))
    assert cells.x.astype(int).tolist() == [
        [3, 3, 2, 1, 0],
        [0, 0, 1, 3, 1],
        [3, 1, 2, 2, 3],
        [2, 0, 0, 2, 2],
        [2, 0, 0, 0, 1],
    ]
    assert cells.weight.astype(int).tolist() == [[0, 1, 2], [2, 2, 0], [0, 1, 2]]
    assert cells.output.tolist() == [[12, 12, 17], [10, 17, 19], [9, 6, 14]]


def test_user_arrays_and_errors():
    spec = Spec("conv", (2, 3), (1, 2))
    cells = numbers(spec, x=[[1, 2, 3], [4, 5, 6]], weight=[[1, -1]])
    assert cells.output.tolist() == [[-1, -1], [-1, -1]]
    with pytest.raises(SpecError, match=r"^x.shape = \(3,\) is not valid: expected \(2, 3\)$"):
        numbers(spec, x=[1, 2, 3])
    with pytest.raises(SpecError, match="pooling has no weights"):
        numbers(Spec("max_pool", 4, 2), weight=[[1, 1], [1, 1]])
    with pytest.raises(SpecError, match=r"^seed = -1 is not valid"):
        numbers(spec, seed=-1)
    with pytest.raises(
        SpecError, match=r"^x is not valid: expected an array of numbers of shape \(2, 3\)$"
    ):
        numbers(spec, x=[[1, 2, 3], [4, 5]])


@pytest.mark.parametrize("name", NUMERICAL)
def test_numerical_figures_match_the_reference_frames(name, reference_dir):
    entry = {entry.name: entry for entry in load_manifest()[0]}[name]
    drawn = scene(entry.spec, **entry.render_options())
    assert len(drawn) == 9
    for index in range(9):
        reference = np.asarray(
            Image.open(reference_dir / "numerical" / f"{name}_{index:02d}.png").convert("RGB")
        )
        ours = drawn.frame(index)
        assert ours.shape[1] == reference.shape[1]
        assert abs(ours.shape[0] - reference.shape[0]) <= 10  # theirs varies per frame
        result = compare(ours, reference, anchor="top")
        assert result["overall"] >= 0.98, (index, result)
        for region, score in result.items():
            assert score >= 0.75, (index, region, result)


def test_numerical_manifest_keeps_the_reference_numbers():
    entries = {entry.name: entry for entry in load_manifest()[0]}
    seeded = numbers(Spec("conv", 5, 3))
    for name in NUMERICAL:
        entry = entries[name]
        assert entry.values and entry.style == "flat"
        np.testing.assert_array_equal(np.array(entry.x), seeded.x)
        if not entry.spec.is_pool:
            np.testing.assert_array_equal(np.array(entry.weight), seeded.weight)


@pytest.mark.parametrize("transposed", [False, True])
def test_matrix_view_shows_conv_matrix_cell_for_cell(transposed):
    forward = Spec("conv", 4, 3)
    spec = forward.transpose() if transposed else forward
    weight = np.array([[0, 1, 2], [2, 2, 0], [0, 1, 2]])
    drawn = MatrixScene(spec, weight)
    matrix = conv_matrix(spec, weight)
    assert matrix.shape == ((16, 4) if transposed else (4, 16))
    assert len(drawn) == matrix.shape[0]
    for (row, col), value in np.ndenumerate(matrix):
        assert drawn.cell_texts[("main", row, col)] == format_number(value)
    if transposed:
        forward_matrix = conv_matrix(forward, weight)
        np.testing.assert_array_equal(matrix, forward_matrix.T)
        for (row, col), value in np.ndenumerate(forward_matrix):
            assert drawn.cell_texts[("convolution", row, col)] == format_number(value)
    else:
        assert not any(key[0] == "convolution" for key in drawn.cell_texts)
    # each frame shades its own row: consecutive frames differ
    assert not np.array_equal(drawn.frame(0), drawn.frame(1))
    figure = matrix_figure(spec, weight, frame=1)
    assert figure.get_size_inches()[0] > 0


def test_matrix_view_refuses_max_pool():
    with pytest.raises(SpecError, match="expected a linear op"):
        MatrixScene(Spec("max_pool", 4, 2))


def test_three_axes_and_channels_unroll_in_the_matrix_view():
    from convanim import conv_matrix

    for spec in (
        Spec("conv", (3, 4, 4), 3),
        Spec("conv", 3, 2, in_channels=2, out_channels=4, groups=2),
        Spec("conv", 3, 3, padding=1, padding_mode="circular"),
    ):
        drawn = scene(spec, "matrix")
        assert len(drawn) == spec.num_frames
        matrix = conv_matrix(spec, drawn.weight)
        assert matrix.shape == (spec.num_frames, spec.in_channels * int(np.prod(spec.input_size)))
        # Frame f shades the inputs row f of C reads (x sits one row above C).
        shade = drawn.drawing.layer("row_shade")
        top = shade.at(0)[..., 1].max()
        for frame in (0, len(drawn) - 1):
            boxes = shade.at(frame)
            on_x = boxes[np.isclose(boxes[..., 1].max(axis=1), top)]
            # x's cell n starts n units right of C's first column (at 0).
            columns = sorted(round(b[..., 0].min()) for b in on_x)
            assert columns == np.flatnonzero(matrix[frame]).tolist()
