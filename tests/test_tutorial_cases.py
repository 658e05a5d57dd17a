"""The planner on the 15 tutorial cases: sizes, frame counts, grids, window starts."""

from __future__ import annotations

import numpy as np
import pytest
from cases import DIRECT, TRANSPOSED

from convanim import CellKind, Spec, plan


def direct_spec(name):
    i, k, s, p, d, _, _ = DIRECT[name]
    return Spec("conv", i, k, stride=s, padding=p, dilation=d)


@pytest.mark.parametrize("name", list(DIRECT))
def test_direct_case(name):
    i, k, s, p, d, o, frames = DIRECT[name]
    spec = direct_spec(name)
    assert spec.output_size == (o, o)
    the_plan = plan(spec)
    assert len(the_plan) == frames == o * o
    # Raster order, window top-left at padded cell (s*r, s*c).
    rows, cols = np.divmod(np.arange(frames), o)
    np.testing.assert_array_equal(the_plan.output_cell, np.stack([rows, cols], axis=1))
    np.testing.assert_array_equal(the_plan.window_origin, np.stack([s * rows, s * cols], axis=1))
    # Rows the window never reaches are at the bottom/right.
    keff = (k - 1) * d + 1
    assert spec.axes[0].unreached == (i + 2 * p - keff) % s
    last = the_plan.window_origin[-1] + keff
    assert tuple(last + spec.axes[0].unreached) == spec.grid_size == (i + 2 * p,) * 2
    # Padding is a ring of p cells; the rest are real.
    assert np.count_nonzero(the_plan.grid_kind == CellKind.INPUT) == i * i
    if p:
        assert (the_plan.grid_kind[:p] == CellKind.PADDING).all()
        assert (the_plan.grid_kind[-p:] == CellKind.PADDING).all()
    # Dilation: only every d-th cell of the window is a tap.
    np.testing.assert_array_equal(np.unique(the_plan.tap_offset), np.arange(0, keff, d))


@pytest.mark.parametrize("name", TRANSPOSED)
def test_transposed_case(name):
    i, k, s, p, d, o, _ = DIRECT[name]
    spec = direct_spec(name).transpose()
    keff = (k - 1) * d + 1
    a = (i + 2 * p - keff) % s
    assert spec.input_size == (o, o) and spec.output_size == (i, i)
    assert spec.output_padding == (a, a)
    assert spec.grid_size == (i + keff - 1,) * 2
    the_plan = plan(spec)
    assert len(the_plan) == i * i
    rows, cols = np.divmod(np.arange(i * i), i)
    np.testing.assert_array_equal(the_plan.window_origin, np.stack([rows, cols], axis=1))
    # Input cells s apart, surrounded by k_eff - 1 - p zeros, a extra at bottom/right.
    pad = keff - 1 - p
    real_rows = np.flatnonzero((the_plan.grid_kind == CellKind.INPUT).any(axis=1))
    np.testing.assert_array_equal(real_rows, pad + s * np.arange(o))
    side = spec.grid_size[0]
    assert side - 1 - real_rows[-1] == pad + a
    if s > 1:
        inserted = the_plan.grid_kind[pad : pad + s * (o - 1) + 1, pad : pad + s * (o - 1) + 1]
        assert np.count_nonzero(inserted == CellKind.INSERTED) == inserted.size - o * o
    assert np.count_nonzero(the_plan.grid_kind == CellKind.INPUT) == o * o


def test_plan_arrays_are_read_only():
    the_plan = plan(Spec("conv_transpose", (3, 4), (2, 3), stride=2, padding=1, output_padding=1))
    for name in (
        "output_cell",
        "window_origin",
        "kernel_index",
        "tap_offset",
        "tap_position",
        "tap_kind",
        "tap_input_index",
        "grid_kind",
    ):
        array = getattr(the_plan, name)
        assert isinstance(array, np.ndarray)
        with pytest.raises(ValueError, match="read-only"):
            array.flat[0] = 7
    with pytest.raises(ValueError, match="read-only"):
        the_plan[0].tap_position[0, 0] = 3
    with pytest.raises(AttributeError):
        the_plan.output_cell = None


def test_spec_is_frozen_hashable_and_readable():
    spec = Spec("conv", 5, 3, stride=2, padding=1)
    with pytest.raises(AttributeError):
        spec.stride = 3
    assert spec == Spec("conv", (5, 5), (3, 3), stride=(2, 2), padding=(1, 1))
    assert hash(spec) == hash(Spec("conv", (5, 5), 3, stride=2, padding=(1, 1)))
    assert spec.describe() == "conv 5x5, k 3, s 2, p 1 -> 3x3"
    assert repr(spec) == (
        "Spec(op='conv', input_size=(5, 5), kernel_size=(3, 3), stride=(2, 2), "
        "padding=(1, 1), dilation=(1, 1), output_padding=(0, 0))"
    )
    assert Spec("conv", 5, 3).ndim == 2
    assert Spec("max_pool", (6,), 2).ndim == 1
    # pooling's stride defaults to the kernel size, as in torch.nn.AvgPool3d(2)
    assert Spec("avg_pool", (6, 6, 6), 2).output_size == (3, 3, 3)
    assert Spec("avg_pool", (6, 6, 6), 2, stride=1).output_size == (5, 5, 5)


def test_large_plan_builds_without_a_python_loop_per_frame():
    spec = Spec("conv", (320, 320), 3, padding=1)  # 102,400 frames
    the_plan = plan(spec)
    assert len(the_plan) == 102_400
    assert the_plan.tap_position.shape == (102_400, 9, 2)
    assert the_plan.tap_kind[0].tolist() == [1, 1, 1, 1, 0, 0, 1, 0, 0]


def test_frame_view_matches_arrays():
    the_plan = plan(Spec("conv", (4, 5), (2, 3), stride=(1, 2), dilation=(2, 1)))
    frame = the_plan[-1]
    assert frame.index == len(the_plan) - 1
    assert frame.output_cell == tuple(the_plan.output_cell[-1])
    assert [f.index for f in the_plan] == list(range(len(the_plan)))
    with pytest.raises(IndexError, match="out of range"):
        the_plan[len(the_plan)]
