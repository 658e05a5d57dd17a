"""Frames drawn without a Figure are the Figure's frames, pixel for pixel (issue 19).

A scene draws on a bare Agg canvas with the transforms a full-figure Axes would give
(``convanim.render._agg``) and makes the matplotlib Figure only when asked for one. The
oracle here is matplotlib itself: the same scene after its Figure was made, every
artist on the real Axes and the background drawn by ``FigureCanvasAgg.draw()``.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from cases import SCENES

from convanim import Spec
from convanim.render import scene

CASES = [
    *SCENES,
    (Spec("conv", 5, 3, padding=1, padding_mode="reflect"), {"values": True}),
    (Spec("conv", 5, 3), {"theme": "colorblind", "height": 211}),
]


@pytest.mark.parametrize(("spec", "options"), CASES)
def test_frames_without_a_figure_are_the_figures_frames(spec, options):
    bare, with_figure = scene(spec, **options), scene(spec, **options)
    assert bare._figure is None
    axes = with_figure.axes  # makes the Figure: its frames are drawn as matplotlib draws
    np.testing.assert_array_equal(bare.canvas.transData.get_matrix(), axes.transData.get_matrix())
    assert bare.canvas.clip.get_transform().get_matrix().tolist() == (
        axes.patch.get_transform().get_matrix().tolist()
    )
    count = len(bare)
    for index in [*range(count), 0, count // 2]:
        np.testing.assert_array_equal(bare.frame_rgba(index), with_figure.frame_rgba(index))


def test_a_scene_makes_its_figure_when_posed_and_keeps_drawing_the_same_frames():
    the_scene = scene(Spec("conv", 5, 3, stride=2, padding=1))
    before = [the_scene.frame_rgba(index) for index in range(len(the_scene))]
    figure = the_scene.pose(3)
    assert the_scene.figure is figure and the_scene.canvas is figure.canvas
    figure.canvas.draw()  # everything in z-order: the moving shade lies over the grid
    drawn = np.asarray(figure.canvas.buffer_rgba())
    assert drawn.shape == before[3].shape
    assert not np.array_equal(drawn, before[0])  # frame 3's window, not frame 0's
    after = [the_scene.frame_rgba(index) for index in range(len(the_scene))]
    for old, new in zip(before, after, strict=True):
        np.testing.assert_array_equal(old, new)


def test_a_png_still_in_a_fresh_process_never_imports_matplotlib_figure(tmp_path):
    png = tmp_path / "first.png"
    code = (
        "import sys, convanim; "
        f"convanim.save(convanim.Spec('conv', 5, 3, padding=1, stride=2), {str(png)!r}); "
        "print(sorted(m for m in sys.modules if m in "
        "('matplotlib.figure', 'matplotlib.axes', 'matplotlib.pyplot')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "[]"
    assert png.stat().st_size > 0


@pytest.mark.parametrize(("spec", "options"), SCENES)
def test_moved_paths_are_the_paths_matplotlib_makes(spec, options):
    # Per frame the backend makes the moving paths through matplotlib's shortcut
    # (Path._fast_from_codes_and_verts); matplotlib's public setters are the oracle.
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.path import Path as MplPath

    the_scene = scene(spec, **options)
    the_scene.pose(len(the_scene) - 1)  # every moving artist moved to that frame
    index = len(the_scene) - 1
    for layer, artist in the_scene._moving_layers:
        if layer.kind == "segments":
            reference = LineCollection(layer.at(index)).get_paths()
        elif layer.kind == "polygons":
            reference = PolyCollection(layer.at(index)).get_paths()
        elif layer.kind == "text":
            base = the_scene._text_bases[id(artist)]
            reference = [MplPath(base.vertices + layer.shift[index], base.codes)]
        else:
            continue
        paths = artist.get_paths() if layer.kind != "text" else [artist.get_path()]
        assert len(paths) == len(reference)
        for path, expected in zip(paths, reference, strict=True):
            np.testing.assert_array_equal(path.vertices, expected.vertices)
            if expected.codes is None:
                assert path.codes is None
            else:
                np.testing.assert_array_equal(path.codes, expected.codes)
            assert path.should_simplify == expected.should_simplify
            assert path.simplify_threshold == expected.simplify_threshold
            assert path._interpolation_steps == expected._interpolation_steps
