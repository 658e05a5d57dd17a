"""The scatter view, the overlap map and scatter_gather, checked by content.

Rendered frames are read pixel by pixel at the cells' centres: a cell is shaded in
exactly the frames whose stamp (or stamping input cell) the scatter plan says. The
numbers a frame shows are read off its drawing (the text layers in place in that frame)
and compared with the plan's running sums and with ``evaluate``.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_cli import EXE, assert_user_error, run

from convanim import Spec, SpecError, animate, evaluate, numbers
from convanim.backends.svg import drawing_svg
from convanim.backends.tikz import tikz_document
from convanim.layout import unit_pixels
from convanim.render import ScatterScene, scene
from convanim.scatter import scatter_plan
from convanim.values import format_number


@st.composite
def one_channel_transposed(draw):
    ndim = draw(st.integers(1, 2))

    def axis(lo, hi):
        return tuple(draw(st.lists(st.integers(lo, hi), min_size=ndim, max_size=ndim)))

    try:
        return Spec(
            "conv_transpose",
            axis(1, 3),
            axis(1, 3),
            stride=axis(1, 3),
            padding=axis(0, 2),
            dilation=axis(1, 2),
            output_padding=axis(0, 1),
        )
    except SpecError:
        assume(False)


def _pixel(drawn, point) -> tuple[int, int]:
    """(row, col) of the pixel at drawing point ``point``."""
    left, bottom = drawn.drawing.origin()
    unit = unit_pixels(drawn.dpi)
    height = drawn.size[1]
    col = int((point[0] - left) * unit)
    row = height - 1 - int((point[1] - bottom) * unit)
    return row, col


def _centres(drawn, role: str) -> np.ndarray:
    """Centres of the cells of a static polygons layer, in its order."""
    return drawn.drawing.layer(role).geometry.mean(axis=1)


def shown_texts(drawing, frame: int, role: str) -> dict[tuple, str]:
    """The strings of ``role``'s text layers that are in place in ``frame``, by cell."""
    shown: dict[tuple, str] = {}
    for layer in drawing.layers:
        if layer.role != role:
            continue
        if layer.shift is not None and np.any(layer.shift[frame] != 0):
            continue
        for cell, string in zip(layer.text.cells, layer.text.strings, strict=True):
            assert cell not in shown, f"two strings in {cell} in frame {frame}"
            shown[cell] = string
    return shown


def _as_2d(spec: Spec, cell) -> tuple[int, int]:
    cell = tuple(int(v) for v in cell)
    return cell if spec.ndim == 2 else (0, *cell)


@settings(max_examples=12, deadline=None)
@given(one_channel_transposed())
def test_stamped_cells_light_up_where_the_plan_says(spec):
    drawn = scene(spec, "scatter", dpi=40)
    stamps = drawn.stamps
    full = (1,) * (2 - spec.ndim) + stamps.full_size
    grid_cells = [(r, c) for r in range(full[0]) for c in range(full[1])]
    plane = drawn.drawing.layer("padding").geometry  # the full grid's segments
    x0, y_top = plane[:, :, 0].min(), plane[:, :, 1].max()
    frames = [drawn.frame(index) for index in range(len(drawn))]
    assert len(frames) == stamps.frames == int(np.prod(spec.input_size))
    input_centres = _centres(drawn, "input")
    for row, col in grid_cells:
        point = (x0 + col + 0.5, y_top - row - 0.5)
        r, c = _pixel(drawn, point)
        stamped = [
            (row, col) in {_as_2d(spec, cell) for cell in stamps.stamp_cell[f]}
            for f in range(len(frames))
        ]
        colours = [tuple(int(v) for v in frame[r, c]) for frame in frames]
        on = {colour for colour, hit in zip(colours, stamped, strict=True) if hit}
        off = {colour for colour, hit in zip(colours, stamped, strict=True) if not hit}
        assert len(on) <= 1 and len(off) <= 1 and not (on & off), (row, col, on, off)
        if on and off:
            assert sum(next(iter(on))) < sum(next(iter(off)))  # shaded is darker
    for index, centre in enumerate(input_centres):
        r, c = _pixel(drawn, centre)
        colours = [tuple(int(v) for v in frame[r, c]) for frame in frames]
        lit = colours[index]
        assert all(colour != lit for f, colour in enumerate(colours) if f != index)


@settings(max_examples=25, deadline=None)
@given(one_channel_transposed(), st.integers(0, 2**32 - 1))
def test_running_sums_shown_are_the_plans_and_the_last_is_evaluate(spec, seed):
    cells = numbers(spec, seed=seed)
    drawn = scene(spec, "scatter", values=True, seed=seed, dpi=20)
    stamps = scatter_plan(spec)
    sums = stamps.partial_sums(cells.x, cells.weight)[:, 0]
    as_2d = (1,) * (2 - spec.ndim) + stamps.full_size
    crop = ((0, 1),) * (2 - spec.ndim) + stamps.crop
    for frame in sorted({0, stamps.frames // 2, stamps.frames - 1}):
        reached = np.zeros(stamps.full_size, bool)
        for cell in stamps.stamp_cell[: frame + 1].reshape(-1, spec.ndim):
            reached[tuple(cell)] = True
        kept = shown_texts(drawn.drawing, frame, "output_numbers")
        cropped = shown_texts(drawn.drawing, frame, "cropped_numbers")
        assert not set(kept) & set(cropped)
        shown = {**kept, **cropped}
        # reached so far, or never reached by any stamp (zero all along)
        never = stamps.overlap() == 0
        expected = {
            _as_2d(spec, cell): format_number(sums[frame][cell], decimals=1)
            for cell in map(tuple, np.argwhere(reached | never))
        }
        assert shown == expected
        for row, col in kept:
            assert crop[0][0] <= row < crop[0][1] and crop[1][0] <= col < crop[1][1]
        # the stamp's own values, x[a] * w[t], on its taps
        value = cells.x[tuple(stamps.input_cell[frame])]
        products = {
            _as_2d(spec, cell): format_number(value * weight)
            for cell, weight in zip(stamps.stamp_cell[frame], cells.weight.ravel(), strict=True)
        }
        assert shown_texts(drawn.drawing, frame, "stamp_numbers") == products
    # the last frame's kept numbers are evaluate's output, cell for cell
    output = evaluate(spec, cells.x, cells.weight).reshape(
        (as_2d[0] - 2 * crop[0][0] if spec.ndim == 2 else 1, -1)
    )
    last = shown_texts(drawn.drawing, stamps.frames - 1, "output_numbers")
    for (row, col), value in np.ndenumerate(output):
        key = (row + crop[0][0], col + crop[1][0])
        assert last[key] == format_number(value, decimals=1)


def test_scatter_gather_plays_scatter_then_gather_with_one_output():
    spec = Spec("conv", 5, 3, stride=2, padding=1).transpose()
    drawn = scene(spec, "scatter_gather", values=True)
    stamps = scatter_plan(spec)
    assert len(drawn) == stamps.frames + spec.num_frames == 9 + 25
    assert len(drawn.notes) == len(drawn)
    drawing = drawn.drawing
    last = len(drawn) - 1
    scatter = shown_texts(drawing, last, "scatter_output_numbers")
    gather = shown_texts(drawing, last, "gather_output_numbers")
    top, left = stamps.crop[0][0], stamps.crop[1][0]
    assert {(r - top, c - left): s for (r, c), s in scatter.items()} == gather
    cells = numbers(spec)
    expected = evaluate(spec, cells.x, cells.weight)
    assert gather == {cell: format_number(v, decimals=1) for cell, v in np.ndenumerate(expected)}
    # while the scatter side plays, the gather side shows no output and no window
    assert shown_texts(drawing, stamps.frames - 1, "gather_output_numbers") == {}
    window = drawing.layer("gather_window_shade")
    hidden = window.shift[0]
    assert np.all(window.shift[: stamps.frames] == hidden) and hidden[1] < 0
    # gather frame g writes output cell g: its number appears then
    assert set(shown_texts(drawing, stamps.frames + 3, "gather_output_numbers")) == {
        (0, 0),
        (0, 1),
        (0, 2),
        (0, 3),
    }
    # the scatter side holds its last stamp while the gather side plays
    stamp = drawing.layer("scatter_stamp")
    np.testing.assert_array_equal(stamp.at(stamps.frames - 1), stamp.at(last))


def test_overlap_map_still_counts_and_shades():
    spec = Spec("conv_transpose", 3, 3, stride=2)
    drawn = scene(spec, "overlap", values=True)
    assert len(drawn) == 1
    counts = scatter_plan(spec).overlap()
    texts = shown_texts(drawn.drawing, 0, "overlap_numbers")
    assert texts == {cell: str(int(v)) for cell, v in np.ndenumerate(counts)}
    image = drawn.frame(0)
    darkness = {}
    for layer in drawn.drawing.layers:
        if layer.role == "overlap":
            for quad in layer.geometry:
                centre = quad.mean(axis=0) + [0.3, 0.3]  # clear of the printed count
                r, c = _pixel(drawn, centre)
                darkness.setdefault(layer.paint.fill[3], set()).add(int(image[r, c].sum()))
    levels = sorted(darkness)
    assert len(levels) == 3  # 1, 2 and 4 stamps: the checkerboard's three tones
    means = [np.mean(sorted(darkness[level])) for level in levels]
    assert means == sorted(means, reverse=True)  # more stamps, darker


def test_overlap_background_and_counts_in_the_scatter_view():
    spec = Spec("conv_transpose", (3,), (4,), stride=2, padding=1)
    plain = scene(spec, "scatter", values=True).drawing
    shaded = scene(spec, "scatter", values=True, overlap=True).drawing
    assert "overlap" not in plain.roles() and "overlap" in shaded.roles()
    counts = shown_texts(shaded, 0, "overlap_numbers")
    assert counts == {(0, c): str(v) for c, v in enumerate([1, 1, 2, 2, 2, 2, 1, 1])}


def test_the_vector_backends_draw_the_scatter_views_unchanged():
    spec = Spec("conv_transpose", (2, 2), 3, stride=2, padding=1, output_padding=1)
    for style in ("scatter", "overlap", "scatter_gather"):
        drawing = scene(spec, style, values=True).drawing
        svg = drawing_svg(drawing, 150.0)
        assert svg.frames == drawing.frames and svg.svg.startswith("<svg")
        tex = tikz_document(drawing, "standalone")
        assert tex.count("\\begin{tikzpicture}") == drawing.frames


def test_output_padding_is_kept_and_tinted():
    spec = Spec("conv", 6, 3, stride=2, padding=1).transpose()
    assert spec.output_padding == (1, 1)
    drawing = scene(spec, "scatter").drawing
    stamps = scatter_plan(spec)
    tinted = drawing.layer("output_padding").geometry
    (r0, r1), (c0, c1) = stamps.crop
    # the last kept row and column: 2 * 6 - 1 cells
    assert len(tinted) == (r1 - r0) + (c1 - c0) - 1
    assert (r1 - r0, c1 - c0) == spec.output_size == (6, 6)


@pytest.mark.parametrize("style", ["scatter", "overlap", "scatter_gather"])
def test_direct_convolutions_are_refused_in_the_scatter_styles(style):
    message = f"style = '{style}' is not valid for op = 'conv': expected a conv_transpose spec"
    with pytest.raises(SpecError, match=message):
        scene(Spec("conv", 5, 3), style)
    with pytest.raises(SpecError, match=message):
        animate(Spec("conv", 5, 3), style=style)
    with pytest.raises(SpecError, match=message):
        ScatterScene(Spec("conv", 5, 3), style)


def test_overlap_only_with_the_scatter_styles():
    with pytest.raises(SpecError, match=r"^overlap = True is not valid with style = 'flat'"):
        scene(Spec("conv_transpose", 3, 3), "flat", overlap=True)


@pytest.mark.skipif(EXE is None, reason="the convanim console script is not installed")
def test_cli_refuses_scatter_for_a_convolution_in_one_line(tmp_path):
    target = tmp_path / "x.gif"
    result = run("render", "-i", "5", "-k", "3", "--style", "scatter", "-o", str(target))
    assert_user_error(result, "--style", "conv_transpose")
    assert not target.exists()
    transposed = ("render", "--op", "conv_transpose", "-i", "3", "-k", "3", "-o", str(target))
    result = run(*transposed, "--style", "flat", "--overlap")
    assert_user_error(result, "--overlap", "scatter views")


def test_the_matrix_column_is_the_stamp_cropped_then_the_row_is_the_window():
    spec = Spec("conv", 5, 3, stride=2, padding=1).transpose()
    drawn = scene(spec, "scatter_gather", weight=np.ones((3, 3)))
    stamps = scatter_plan(spec)
    drawing = drawn.drawing
    y_boxes = drawing.layer("matrix_vector_y").geometry  # box i is output rows - 1 - i
    rows = len(y_boxes)
    outlines = drawing.layer("matrix_column_outline")
    (r0, r1), (c0, c1) = stamps.crop
    for frame in range(stamps.frames):
        outlined = outlines.at(frame)[1:]  # after the column's strip: the y cells
        found = {
            rows - 1 - index
            for index, box in enumerate(y_boxes)
            if any(np.allclose(box, other) for other in outlined)
        }
        expected = {
            (row - r0) * (c1 - c0) + (col - c0)
            for row, col in stamps.stamp_cell[frame]
            if r0 <= row < r1 and c0 <= col < c1
        }
        assert found == expected
    # during the gather frames: no column, and the matrix's own row shading
    assert len(outlines.at(stamps.frames)) == 0
    row_outline = drawing.layer("matrix_row_outline")
    assert np.all(row_outline.at(0)[:, :, 1] < drawing.extent[2])  # hidden while stamping
    assert np.all(row_outline.at(stamps.frames)[:, :, 1] > drawing.extent[2])


def test_html_player_notes_follow_the_scatter_gather_clock(tmp_path):
    from convanim import save

    spec = Spec("conv_transpose", (2,), (3,), stride=2)
    target = tmp_path / "both.html"
    save(spec, target, style="scatter_gather", values=True)
    page = target.read_text(encoding="utf-8")
    drawn = scene(spec, "scatter_gather", values=True)
    assert len(drawn.notes) == len(drawn) == 2 + 5
    assert drawn.notes[0].startswith("input 0 stamps the kernel at output 0")
    for note in (drawn.notes[0], drawn.notes[-1]):
        assert json.dumps(note, ensure_ascii=False)[1:-1] in page


@pytest.mark.parametrize("style", ["scatter", "overlap", "scatter_gather"])
def test_a_picture_too_big_is_refused_before_it_is_laid_out(style, monkeypatch):
    import convanim.render.scatter as module

    def never(*args, **kwargs):
        raise AssertionError("planned or laid out before the size check")

    for name in ("scatter_plan", "scatter_layout", "overlap_layout", "scatter_gather_layout"):
        monkeypatch.setattr(module, name, never)
    big = Spec("conv_transpose", 300, 3, stride=2)
    # The gather view's Cᵀ beside the grids is too large at any dpi: then the spec
    # itself is refused (check_size names a smaller dpi only when one would do).
    # allow_long: past the bound on frames and work (which refuses it even sooner).
    refusal = (
        r"^the spec is too large to draw: expected a spec whose picture fits"
        if style == "scatter_gather"
        else r"^dpi = 150 is not valid for this spec: expected at most"
    )
    with pytest.raises(SpecError, match=refusal):
        scene(big, style, allow_long=True)
    with pytest.raises(SpecError, match=r"^frames = \d+ .* is not valid: expected at most"):
        scene(big, "scatter" if style == "overlap" else style)


def test_the_explorer_offers_the_scatter_views():
    pytest.importorskip("ipywidgets")
    import convanim

    explorer = convanim.explore(Spec("conv_transpose", 3, 3, stride=2), style="scatter")
    assert explorer.frame.max == 9 - 1
    assert "input (0, 0) stamps the kernel" in explorer.note.value
    explorer.set(style="scatter_gather", values=True)
    assert explorer.frame.max == 9 + 49 - 1
    explorer.set(op="conv")
    assert explorer.spec is None and "conv_transpose spec" in explorer.readout.value


def test_several_channels_are_planned_but_drawn_by_no_scatter_view():
    from convanim.drawable import check_scatter

    spec = Spec("conv_transpose", 3, 3, in_channels=2, out_channels=4, groups=2)
    assert scatter_plan(spec).frames == 2 * 9
    with pytest.raises(SpecError, match=r"^in_channels = 2 is not valid with style = 'scatter'"):
        check_scatter(spec, "scatter")
    check_scatter(spec, "flat")  # not the scatter check's business


@pytest.mark.parametrize(
    ("style", "input_size", "overall"),
    # scatter_gather's titles are prose, whose TeX font is a size smaller than DejaVu
    [("scatter", (2, 2), 0.94), ("scatter_gather", (2,), 0.9)],
)
def test_tikz_pages_look_like_the_raster_frames(style, input_size, overall, tmp_path):
    from test_tikz import assert_similar, compile_tex

    spec = Spec("conv_transpose", input_size, 3, stride=2)
    drawn = scene(spec, style, values=True, overlap=True)
    document = tikz_document(drawn.drawing, "standalone")
    pages = compile_tex(tmp_path, "scatter", document)
    assert len(pages) == len(drawn)
    picks = [0, len(drawn) - 1]
    for index in picks:
        assert pages[index].shape == drawn.frame(index).shape
    # TeX's fonts against matplotlib's: the numbers' pixels disagree a little.
    assert_similar(
        [pages[i] for i in picks], [drawn.frame(i) for i in picks], overall=overall, region=0.4
    )
