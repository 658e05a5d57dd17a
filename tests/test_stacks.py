"""Stacks of planes: channels and groups, padding copies, ceil_mode overhangs, 3-D slices.

Checked by content: which planes each frame shades (against the grouping arithmetic
written out here, not the plan's tables), which output plane it writes, the numbers
printed in copied padding cells (against ``numpy.pad``), the cells a 3-D window covers
(against the plan's taps), pixels of rendered frames, frame counts and determinism.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convanim import Spec, SpecError, numbers, plan
from convanim.layout import FLAT, TUTORIAL, unit_pixels
from convanim.layout.stacks import MAX_PLANES, _stacks, select_channels
from convanim.plan import CellKind
from convanim.render import scene
from convanim.values import format_number


def _plane_of(planes, point) -> tuple[int, tuple[int, int]]:
    """The plane a drawing point lies in and the (row, col) cell under it."""
    for index, plane in enumerate(planes):
        local = np.linalg.solve(plane.matrix, point - plane.shift)
        x, y = local
        if 0 < x < plane.cols and 0 < y < plane.rows:
            return index, (int(plane.rows - y), int(x))
    raise AssertionError(f"{point} lies in no plane")


def _keys(mapping: dict) -> list:
    return [key for key, _ in sorted(mapping.items(), key=lambda item: item[1])]


def _shaded(drawing, stacks, frame: int) -> set[tuple]:
    """(channel, depth slice, row, col) of every window tap drawn in ``frame``."""
    keys = _keys(stacks.input_keys)
    cells = set()
    for quad in drawing.layer("window_shade").at(frame):
        index, cell = _plane_of(stacks.inputs, quad.mean(axis=0))
        cells.add((*keys[index], *cell))
    return cells


def _written(drawing, stacks, frame: int) -> tuple:
    keys = _keys(stacks.output_keys)
    (quad,) = drawing.layer("output_cell").at(frame)
    index, cell = _plane_of(stacks.outputs, quad.mean(axis=0))
    return (*keys[index], *cell)


@st.composite
def channel_specs(draw):
    groups = draw(st.integers(1, 3))
    in_channels = groups * draw(st.integers(1, 2))
    out_channels = groups * draw(st.integers(1, 2))
    size = draw(st.integers(3, 5))
    kernel = draw(st.integers(1, 3))
    return Spec(
        "conv",
        size,
        kernel,
        stride=draw(st.integers(1, 2)),
        padding=draw(st.integers(0, 1)),
        in_channels=in_channels,
        out_channels=out_channels,
        groups=groups,
    )


@settings(max_examples=20, deadline=None)
@given(channel_specs(), st.sampled_from([TUTORIAL, FLAT]))
def test_each_frame_shades_the_channels_its_group_reads_and_writes_its_channel(spec, look):
    drawn = scene(spec, look.name)
    drawing, the_plan = drawn.drawing, drawn.plan
    selection = select_channels(the_plan)
    stacks = _stacks(spec, look, selection)
    positions = int(np.prod(spec.output_size))
    # Every output channel up to MAX_PLANES, else the first MAX_PLANES - 1.
    shown = spec.out_channels if spec.out_channels <= MAX_PLANES else MAX_PLANES - 1
    assert drawing.frames == shown * positions
    np.testing.assert_array_equal(drawn.frame_indices, np.arange(shown * positions))
    drawn_inputs = set(selection.in_channels)
    per_group_out = spec.out_channels // spec.groups
    per_group_in = spec.in_channels // spec.groups
    for frame in range(drawing.frames):
        out_channel, cell = divmod(frame, positions)
        group = out_channel // per_group_out
        reads = set(range(group * per_group_in, (group + 1) * per_group_in)) & drawn_inputs
        origin = np.array(np.unravel_index(cell, spec.output_size)) * np.array(spec.stride)
        taps = {tuple(origin + np.array(t)) for t in np.ndindex(*spec.kernel_size)}
        assert _shaded(drawing, stacks, frame) == {
            (channel, 0, *tap) for channel in reads for tap in taps
        }
        assert _written(drawing, stacks, frame) == (
            out_channel,
            0,
            *np.unravel_index(cell, spec.output_size),
        )
        # Every other input channel is veiled, no read one is.
        veiled = {
            _keys(stacks.input_keys)[_plane_of(stacks.inputs, quad.mean(axis=0))[0]][0]
            for quad in (drawing.layer("input_dim").at(frame) if spec.in_channels > 1 else [])
        }
        assert veiled == drawn_inputs - reads


@pytest.mark.parametrize("look", [TUTORIAL, FLAT])
def test_pixels_show_the_window_on_the_read_channels_and_veil_the_others(look):
    spec = Spec("conv", 4, 3, in_channels=4, out_channels=2, groups=2)
    drawn = scene(spec, look.name)
    stacks = _stacks(spec, look, select_channels(drawn.plan))
    theme = drawn.drawing.theme
    blue = np.array(theme.input[:3]) * 255
    for frame, reads in ((0, {0, 1}), (5, {2, 3})):
        image = drawn.frame(frame).astype(float)
        # The same cell, under the window's first tap (frame 0 and 5 sit at (0, 0) and
        # (0, 1) of the output), on every input plane.
        origin = drawn.plan.window_origin[frame]
        for channel in range(4):
            plane = stacks.inputs[stacks.input_keys[(channel, 0)]]
            centre = plane.corner(origin[0] + 0.5, origin[1] + 0.5)
            left, bottom = drawn.drawing.origin()
            unit = unit_pixels(drawn.dpi)
            x = int((centre[0] - left) * unit)
            y = int(drawn.size[1] - (centre[1] - bottom) * unit)
            pixel = image[y, x]
            if channel in reads:
                # The window's shade darkens the blue cell.
                assert pixel.sum() < blue.sum() - 60, (frame, channel, pixel)
            else:
                # The veil lightens it towards the white page.
                assert pixel.sum() > blue.sum() + 150, (frame, channel, pixel)


@pytest.mark.parametrize(
    ("mode", "numpy_mode"), [("reflect", "reflect"), ("replicate", "edge"), ("circular", "wrap")]
)
@pytest.mark.parametrize("look", [TUTORIAL, FLAT])
def test_padded_cells_print_the_cell_they_copy(mode, numpy_mode, look):
    spec = Spec("conv", (4, 5), 3, padding=(2, 1), padding_mode=mode, in_channels=2)
    drawn = scene(spec, look.name, values=True)
    x = np.asarray(drawn.numbers.x)
    padded = np.pad(x, ((0, 0), (2, 2), (1, 1)), mode=numpy_mode)
    layer = drawn.drawing.layer("input_numbers")
    printed = dict(zip(layer.text.cells, layer.text.strings, strict=True))
    assert len(printed) == padded.size
    for (channel, row, col), string in printed.items():
        assert string == format_number(padded[channel, row, col])
    # The copies are tinted, one quad per copied cell of each channel.
    copies = int((drawn.plan.grid_kind == CellKind.COPY).sum())
    assert len(drawn.drawing.layer("input_copy").geometry) == 2 * copies


def test_a_frame_outlines_the_input_cells_its_padding_taps_copy():
    spec = Spec("conv", 5, 3, padding=2, padding_mode="reflect")
    drawn = scene(spec, "flat")
    stacks = _stacks(spec, FLAT, select_channels(drawn.plan))
    the_plan = drawn.plan
    for frame in (0, 1, 6, 48):
        copied = the_plan.tap_kind[frame] == CellKind.COPY
        expected = {
            tuple(int(v) for v in np.array(spec.input_offset) + source)
            for source in the_plan.tap_source_index[frame][copied]
        }
        drawn_cells = {
            _plane_of(stacks.inputs, quad.mean(axis=0))[1]
            for quad in drawn.drawing.layer("copy_source").at(frame)
        }
        assert drawn_cells == expected and expected


def test_ceil_mode_windows_hang_over_dotted_cells_past_the_input():
    spec = Spec("max_pool", 5, 2, ceil_mode=True)
    drawn = scene(spec, "flat")
    stacks = _stacks(spec, FLAT, select_channels(drawn.plan))
    outside = {
        _plane_of(stacks.inputs, quad.mean(axis=0))[1]
        for quad in drawn.drawing.layer("outside").geometry
    }
    assert outside == {tuple(c) for c in np.argwhere(drawn.plan.grid_kind == CellKind.OUTSIDE)}
    last = len(drawn) - 1
    window = {cell[2:] for cell in _shaded(drawn.drawing, stacks, last)}
    assert window == {(4, 4), (4, 5), (5, 4), (5, 5)}
    assert window & outside == {(4, 5), (5, 4), (5, 5)}


@pytest.mark.parametrize("look", [TUTORIAL, FLAT])
def test_a_3d_window_is_a_block_over_the_slices_its_taps_cover(look):
    spec = Spec("conv", (4, 5, 4), (3, 2, 2), padding=(1, 0, 0), stride=(2, 1, 1))
    drawn = scene(spec, look.name, values=True)
    the_plan = drawn.plan
    stacks = _stacks(spec, look, select_channels(the_plan))
    assert len(stacks.inputs) == spec.grid_size[0]
    assert drawn.drawing.frames == len(the_plan)
    for frame in range(len(the_plan)):
        taps = {(0, *map(int, tap)) for tap in the_plan.tap_position[frame]}
        assert _shaded(drawn.drawing, stacks, frame) == taps
        assert _written(drawn.drawing, stacks, frame) == (0, *the_plan.output_cell[frame])


def test_many_channels_draw_the_first_few_and_an_ellipsis():
    spec = Spec("conv", 4, 3, in_channels=8, out_channels=16, groups=8)
    drawn = scene(spec, "flat", labels=True)
    selection = select_channels(drawn.plan)
    assert selection.out_channels == tuple(range(MAX_PLANES - 1))
    assert selection.more_out and selection.more_in
    # Groups of one input channel: output channels 0, 1, 2 read input channels 0, 0, 1.
    assert selection.in_channels == (0, 1)
    assert len(drawn) == (MAX_PLANES - 1) * 4
    strings = [
        s
        for layer in drawn.drawing.layers
        if layer.role == "annotations"
        for s in layer.text.strings
    ]
    assert strings.count("...") == 2
    assert "output (16 ch)" in strings


def test_out_channels_shown_picks_the_channels_animated():
    spec = Spec("conv", 4, 3, in_channels=2, out_channels=6, groups=2)
    drawn = scene(spec, "tutorial", out_channels_shown=(4, 1))
    np.testing.assert_array_equal(
        drawn.frame_indices, np.concatenate([np.arange(4, 8), np.arange(16, 20)])
    )
    stacks = _stacks(spec, TUTORIAL, select_channels(drawn.plan, (1, 4)))
    assert [_written(drawn.drawing, stacks, f)[0] for f in (0, 3, 4, 7)] == [1, 1, 4, 4]
    for bad in ((6,), (1, 1), (), (-1,)):
        with pytest.raises(SpecError, match=r"^out_channels_shown = .* is not valid") as caught:
            scene(spec, out_channels_shown=bad)
        assert "\n" not in str(caught.value)


def test_kernel_numbers_are_the_weights_of_the_channel_pair_under_the_window():
    spec = Spec("conv", 4, 2, in_channels=2, out_channels=2)
    drawn = scene(spec, "flat", values=True)
    weight = np.asarray(drawn.numbers.weight)
    park = None
    for frame in (0, 9):
        out_channel = frame // 9
        shown = {}
        for layer in drawn.drawing.layers:
            if layer.role != "kernel_numbers":
                continue
            if park is None:
                park = layer.shift.min(axis=0)
            if not np.allclose(layer.shift[frame], park):
                for cell, string in zip(layer.text.cells, layer.text.strings, strict=True):
                    shown[cell] = string
        assert shown == {
            (out_channel, c, r, k): format_number(weight[out_channel, c, r, k])
            for c in range(2)
            for r in range(2)
            for k in range(2)
        }


def test_stacked_files_are_byte_identical_twice(tmp_path):
    from convanim import save

    spec = Spec(
        "conv", (3, 4, 4), 2, in_channels=2, out_channels=2, padding_mode="circular", padding=1
    )
    for suffix in ("gif", "svg", "html"):
        first = save(spec, tmp_path / f"a.{suffix}", values=True, caption=True, progress=False)
        second = save(spec, tmp_path / f"b.{suffix}", values=True, caption=True, progress=False)
        assert first.read_bytes() == second.read_bytes()


def test_frame_notes_name_channels_and_sum_over_them():
    from convanim.layout.notes import frame_notes

    spec = Spec("conv", 3, 2, in_channels=2, out_channels=2)
    the_plan = plan(spec)
    values = numbers(the_plan)
    notes = frame_notes(the_plan, values)
    assert len(notes) == len(the_plan)
    first, total = notes[4].split("\n")
    assert first.startswith("output channel 1 (0, 0) ← input channels 0, 1 at")
    terms = total.split(" = ")[0].split(" + ")
    assert len(terms) == 8
    products = sum(float(w) * float(v) for w, v in (term.split("·") for term in terms))
    assert f"{products:.1f}" == total.split(" = ")[1] == f"{values.output[1, 0, 0]:.1f}"


def test_a_separable_block_animates_depthwise_then_pointwise(tmp_path):
    import torch

    from convanim import save, separable

    block = separable(4, 3, in_channels=2, out_channels=3, padding=1)
    assert block.depthwise.groups == 2 and block.pointwise.kernel_size == (1, 1)
    drawn = scene(block, "flat", values=True)
    first, second = drawn.plans
    assert len(drawn) == len(first) + len(second) == 2 * 16 + 3 * 16
    # The pointwise stage prints the depthwise stage's output as its input...
    numbers_1, numbers_2 = drawn.stage_numbers
    np.testing.assert_array_equal(numbers_2.x, numbers_1.output)
    # ... and both equal PyTorch's two modules in a row.
    x = torch.tensor(np.asarray(numbers_1.x))[None]
    depthwise = torch.nn.functional.conv2d(
        x, torch.tensor(np.asarray(numbers_1.weight)), padding=1, groups=2
    )
    pointwise = torch.nn.functional.conv2d(depthwise, torch.tensor(np.asarray(numbers_2.weight)))
    np.testing.assert_allclose(numbers_2.output, pointwise[0].numpy())
    # A stage's window moves in its own frames only.
    shades = [layer for layer in drawn.drawing.layers if layer.role == "window_shade"]
    assert len(shades) == 2
    counts = [np.diff(layer.frame_starts) for layer in shades]
    assert (counts[0][: len(first)] == 9).all() and (counts[0][len(first) :] == 0).all()
    assert (counts[1][: len(first)] == 0).all() and (counts[1][len(first) :] == 2).all()
    # The pointwise stage sits right of the depthwise one.
    first_x = shades[0].at(0)[..., 0].max()
    assert shades[1].at(len(first))[..., 0].min() > first_x
    a = save(block, tmp_path / "a.gif", progress=False)
    b = save(block, tmp_path / "b.gif", progress=False)
    assert a.read_bytes() == b.read_bytes()
    with pytest.raises(SpecError, match=r"^style = 'matrix' is not valid"):
        scene(block, "matrix")


def test_the_command_line_draws_layers_blocks_and_channel_subsets(tmp_path):
    from PIL import Image
    from test_cli import assert_user_error, run

    layer = "nn.Conv2d(3, 6, 3, groups=3, padding=1, padding_mode='circular')"
    result = run("render", "--layer", layer, "-i", "4", "--caption", "-o", "l.tex", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    # The caption names the module the user wrote (PyTorch's spelling of it).
    tex = (tmp_path / "l.tex").read_text()
    assert "torch.nn.Conv2d(3, 6, kernel\\_size=3, padding=1, groups=3, padding\\_mode=" in tex
    result = run(
        "render", "-i", "4", "-k", "3", "--in-channels", "2", "--out-channels", "8",
        "--show-out-channels", "1,7", "-o", "s.gif", "-q", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert Image.open(tmp_path / "s.gif").n_frames == 2 * 4
    result = run(
        "render", "--separable", "-i", "4", "-k", "3", "--in-channels", "2",
        "--out-channels", "3", "-o", "b.gif", "-q", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert Image.open(tmp_path / "b.gif").n_frames == 2 * 4 + 3 * 4
    assert_user_error(
        run("render", "--separable", "-i", "4", "-k", "3", "--in-channels", "2", "-o", "x.gif",
            cwd=tmp_path),
        "--out-channels is required with --separable",
    )  # fmt: skip
    assert_user_error(
        run("render", "-i", "4", "-k", "3", "--show-out-channels", "0,0", "-o", "x.gif",
            cwd=tmp_path),
        "--show-out-channels", "distinct integers",
    )  # fmt: skip
    assert not (tmp_path / "x.gif").exists()


@pytest.mark.parametrize(
    "spec",
    [
        Spec("conv", 3, 2, in_channels=4, out_channels=2, groups=2),
        Spec("conv", 3, 2, in_channels=4, out_channels=2, groups=2, stride=2).transpose(),
        Spec("conv", 3, 2, in_channels=3, out_channels=2).transpose(),
        Spec("conv", 3, 3, padding=1, padding_mode="reflect", in_channels=2, out_channels=3),
    ],
)
def test_every_frame_note_sums_to_the_value_drawn(spec):
    from convanim.layout.notes import frame_notes

    the_plan = plan(spec)
    values = numbers(the_plan)
    notes = frame_notes(the_plan, values)
    for index, note in enumerate(notes):
        total = note.split("\n")[1]
        terms = total.split(" = ")[0].split(" + ")
        products = sum(float(w) * float(v) for w, v in (t.split("·") for t in terms if t != "0"))
        assert f"{products:.1f}" == total.split(" = ")[1]
        assert total.split(" = ")[1] == f"{values.output.ravel()[index]:.1f}"


@pytest.mark.parametrize("groups", [1, 2])
def test_kernel_numbers_of_a_transposed_spec_sum_to_its_output(groups):
    # Drawn weights times drawn input values under the window give the output printed
    # (a transposed weight is (in, out // groups, ...): read by group, not reshaped).
    spec = Spec("conv", 3, 2, in_channels=4, out_channels=2, groups=groups).transpose()
    drawn = scene(spec, "flat", values=True)
    the_plan, grid = drawn.plan, np.asarray(drawn.numbers.grid)
    xmin = drawn.drawing.extent[0]
    for frame in (0, 7, len(drawn) - 1):
        total = 0.0
        for layer in drawn.drawing.layers:
            if layer.role != "kernel_numbers" or layer.shift[frame][0] < xmin - 10:
                continue  # parked outside the picture: not this frame's weights
            for (_, channel, *offset), string in zip(
                layer.text.cells, layer.text.strings, strict=True
            ):
                row, col = np.array(offset) + the_plan.window_origin[frame]
                total += float(string) * grid[channel, row, col]
        assert np.isclose(total, drawn.numbers.output.ravel()[frame])
