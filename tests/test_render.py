"""Renderer behaviour beyond the reference cases: any 1- or 2-axis spec, options, speed-ups."""

from __future__ import annotations

import numpy as np
import pytest
from similarity import NAMES, label

from convanim import Spec, SpecError, plan, render
from convanim.layout import TUTORIAL, Drawing, Layer
from convanim.render import scene
from convanim.render.mpl import DrawingScene
from convanim.render.scene import Scene


def _literal_order(drawing: Drawing) -> Drawing:
    """The tutorial's literal drawing order: whole lines, the output plane redrawn over
    them every frame (a drawing edited as data, drawn by the same backend)."""
    layers = []
    cells = drawing.layer("output_cell")
    for layer in drawing.layers:
        if layer.role == "lines":
            starts = layer.frames[:, 0].reshape(drawing.frames, 4, 2)
            ends = cells.frames.reshape(drawing.frames, 4, 2)
            whole = np.stack([starts, ends], axis=2).reshape(-1, 2, 2)
            layer = Layer(**{**_fields(layer), "frames": whole})
        elif layer.role in ("output", "output_grid"):
            still = np.zeros((drawing.frames, 2))
            layer = Layer(**{**_fields(layer), "z": 5.5, "shift": still})
        layers.append(layer)
    return Drawing(**{**_fields(drawing), "layers": tuple(layers)})


def _fields(instance) -> dict:
    return {name: getattr(instance, name) for name in instance.__slots__}


@pytest.mark.parametrize(
    "spec",
    [
        Spec("conv", 5, 3, padding=2),
        Spec("conv", (3, 7), (2, 3), stride=(1, 2)),
        Spec("conv_transpose", (2, 3), 3, stride=2, padding=1, output_padding=(1, 0)),
        Spec("max_pool", 6, 2, stride=2),
    ],
)
def test_clipped_lines_draw_the_same_picture_as_the_tutorials_order(spec):
    fast = Scene(spec, TUTORIAL)
    literal = DrawingScene(_literal_order(fast.drawing), fast.dpi)
    assert fast.size == literal.size
    assert not np.array_equal(
        fast.drawing.layer("lines").frames, literal.drawing.layer("lines").frames
    )
    for index in sorted({0, len(fast) // 2, len(fast) - 1}):
        difference = np.abs(fast.frame(index).astype(int) - literal.frame(index)).max(axis=2)
        # only anti-aliasing where a line meets the plane's edge may differ
        assert (difference > 0).mean() < 0.002
        assert difference.mean() < 0.01


def test_planes_never_overlap_so_clipping_is_always_safe():
    # The proof in Scene._prepare_motion, checked on extreme shapes: every input-plane
    # corner lies below the line under every output-plane corner.
    for spec in [Spec("conv", (1, 40), (1, 3)), Spec("conv", (40, 1), (3, 1)), Spec("conv", 30, 2)]:
        drawing = scene(spec).drawing
        inner = drawing.layer("padding").geometry.reshape(-1, 2)
        outer = drawing.layer("output").geometry.reshape(-1, 2)
        assert (inner[:, 1] - inner[:, 0] / 2).max() < (outer[:, 1] - outer[:, 0] / 2).min() - 1


def test_frames_are_arrays_in_raster_order_and_differ():
    spec = Spec("conv", (4, 5), (2, 3), stride=(2, 1), dilation=(1, 2))
    frames = list(render(spec))
    assert len(frames) == len(plan(spec)) == 2 * 1
    assert all(f.dtype == np.uint8 and f.ndim == 3 and f.shape[2] == 3 for f in frames)
    assert not np.array_equal(frames[0], frames[1])


def test_one_axis_spec_draws_one_row():
    one = scene(Spec("conv", (8,), (3,), stride=(2,), padding=(1,)))
    two = scene(Spec("conv", (1, 8), (1, 3), stride=(1, 2), padding=(0, 1)))
    assert len(one) == 4
    # one row of 10 grid cells (8 real): 2 horizontal and 11 vertical grid lines
    assert one.drawing.layer("input").geometry.shape == (8, 4, 2)
    assert one.drawing.layer("padding").geometry.shape == (2 + 11, 2, 2)
    # a 1-D spec is drawn exactly like its (1, n) 2-D counterpart without row padding
    np.testing.assert_array_equal(one.frame(2), two.frame(2))


def test_every_region_appears_where_the_plan_says():
    drawn = scene(Spec("conv", 5, 3, stride=2, padding=1))
    labels = label(drawn.frame(4))
    present = {NAMES[index] for index in np.unique(labels)}
    assert {
        "input",
        "output",
        "shade on input",
        "shade on padding",
        "shade on output",
        "line",
    } <= present


def test_labels_and_caption_grow_the_picture_and_say_the_arithmetic():
    spec = Spec("conv_transpose", 3, 3, stride=2, padding=1, output_padding=(0, 1))
    plain = scene(spec)
    annotated = scene(spec, labels=True, caption=True)
    assert annotated.size[0] > plain.size[0] and annotated.size[1] > plain.size[1]
    words = [
        layer.text.strings for layer in annotated.drawing.layers if layer.role == "annotations"
    ]
    assert words[0] == ("input", "output")
    assert words[1][0] == spec.describe() and len(words[1]) == 3  # one line per axis
    assert "annotations" not in plain.drawing.roles()
    # the caption states the spec and each axis' output-size arithmetic
    assert spec.describe() == "conv_transpose 3x3, k 3, s 2, p 1, a 0x1 -> 5x6"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"style": "fancy"},
            "style = 'fancy' is not valid: expected one of 'tutorial', 'flat', 'matrix', "
            "'scatter', 'overlap', 'scatter_gather'",
        ),
        ({"dpi": 5}, "dpi = 5 is not valid: expected a number between 10 and 1200"),
        (
            {"style": "matrix", "labels": True},
            "labels = True is not valid with style = 'matrix': expected False",
        ),
    ],
)
def test_render_option_errors(kwargs, message):
    with pytest.raises(SpecError) as caught:
        scene(Spec("conv", 4, 3), **kwargs)
    assert str(caught.value).startswith(message)


def test_frame_index_errors():
    drawn = scene(Spec("conv", 4, 3))
    with pytest.raises(
        SpecError, match=r"^frame = 4 is not valid: expected an integer between 0 and 3$"
    ):
        drawn.frame(4)
    np.testing.assert_array_equal(drawn.frame(-1), drawn.frame(3))
