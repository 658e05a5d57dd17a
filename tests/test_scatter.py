"""The scatter walk of a transposed convolution against numpy stamps and PyTorch.

Random conv_transpose specs (hypothesis) of 1 and 2 axes, strides, padding, dilation,
output_padding, channels and groups. Each frame's running sums are checked against a
sum of scaled kernels written out here with plain loops; the kept window of the last
frame against ``evaluate`` and torch's conv_transpose; the overlap counts against
torch's conv_transpose of ones with a kernel of ones.
"""

from __future__ import annotations

import doctest
import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from oracle import Refused, torch_layer

import convanim.scatter
from convanim import Spec, SpecError, evaluate
from convanim.scatter import scatter_plan


@st.composite
def transposed_specs(draw, channels: bool = True):
    ndim = draw(st.integers(1, 2))

    def axis(lo, hi):
        return tuple(draw(st.lists(st.integers(lo, hi), min_size=ndim, max_size=ndim)))

    groups = draw(st.integers(1, 2)) if channels else 1
    in_channels = groups * draw(st.integers(1, 2)) if channels else 1
    out_channels = groups * draw(st.integers(1, 2)) if channels else 1
    params = dict(
        input_size=axis(1, 4),
        kernel_size=axis(1, 4),
        stride=axis(1, 3),
        padding=axis(0, 2),
        dilation=axis(1, 2),
        output_padding=axis(0, 2),
        in_channels=in_channels,
        out_channels=out_channels,
        groups=groups,
    )
    try:
        return Spec("conv_transpose", **params)
    except SpecError:
        assume(False)


def _stamped_by_hand(spec: Spec, x: np.ndarray, weight: np.ndarray, frames: int) -> np.ndarray:
    """The full grid after ``frames`` stamps, by loops: x[c, a] * weight[c] at a * s."""
    full = [
        (i - 1) * s + d * (k - 1) + 1 + o
        for i, k, s, d, o in zip(
            spec.input_size,
            spec.kernel_size,
            spec.stride,
            spec.dilation,
            spec.output_padding,
            strict=True,
        )
    ]
    result = np.zeros((spec.out_channels, *full))
    per_group_in = spec.in_channels // spec.groups
    per_group_out = spec.out_channels // spec.groups
    order = [
        (channel, cell)
        for channel in range(spec.in_channels)
        for cell in itertools.product(*map(range, spec.input_size))
    ]
    for channel, cell in order[:frames]:
        group = channel // per_group_in
        for tap in itertools.product(*map(range, spec.kernel_size)):
            target = tuple(
                a * s + t * d
                for a, t, s, d in zip(cell, tap, spec.stride, spec.dilation, strict=True)
            )
            for j in range(per_group_out):
                result[(group * per_group_out + j, *target)] += (
                    x[(channel, *cell)] * weight[(channel, j, *tap)]
                )
    return result


@settings(max_examples=80, deadline=None)
@given(transposed_specs(), st.integers(0, 2**32 - 1))
def test_partial_sums_are_sums_of_scaled_kernels(spec, seed):
    generator = np.random.default_rng(seed)
    x = generator.integers(-3, 4, spec.input_shape).astype(float)
    weight = generator.integers(-2, 3, spec.weight_shape).astype(float)
    stamps = scatter_plan(spec)
    sums = stamps.partial_sums(x, weight)
    assert stamps.frames == spec.in_channels * int(np.prod(spec.input_size))
    assert sums.shape == (stamps.frames, spec.out_channels, *stamps.full_size)
    for frame in sorted({0, stamps.frames // 2, stamps.frames - 1}):
        np.testing.assert_array_equal(sums[frame], _stamped_by_hand(spec, x, weight, frame + 1))
    output = stamps.output(sums)
    np.testing.assert_allclose(output, evaluate(spec, x, weight), atol=1e-9)
    names = ("input_size", "kernel_size", "stride", "padding", "dilation", "output_padding")
    params = {name: getattr(spec, name) for name in (*names, "in_channels", "out_channels")}
    params["groups"] = spec.groups
    try:
        expected = torch_layer("conv_transpose", spec.ndim, x, weight, None, **params)
    except Refused:
        return
    np.testing.assert_allclose(output, expected, atol=1e-9)


def _ones_transposed(spec: Spec, padding) -> np.ndarray:
    """torch's conv_transpose of ones with a kernel of ones (one channel)."""
    conv = getattr(F, f"conv_transpose{spec.ndim}d")
    ones = torch.ones((1, 1, *spec.input_size), dtype=torch.float64)
    kernel = torch.ones((1, 1, *spec.kernel_size), dtype=torch.float64)
    keywords = {name: getattr(spec, name) for name in ("stride", "dilation", "output_padding")}
    return conv(ones, kernel, padding=padding, **keywords)[0, 0].numpy()


@settings(max_examples=80, deadline=None)
@given(transposed_specs(channels=False))
def test_overlap_counts_are_conv_transpose_of_ones(spec):
    stamps = scatter_plan(spec)
    counts = stamps.overlap()
    try:
        # With no padding, the full grid itself (output_padding kept at the end).
        full = _ones_transposed(spec, padding=0)
    except RuntimeError:
        assume(False)
    np.testing.assert_array_equal(counts, full)
    cropped = _ones_transposed(spec, padding=spec.padding)
    np.testing.assert_array_equal(counts[stamps.crop_slices], cropped)
    assert counts.sum() == np.prod(spec.input_size) * np.prod(spec.kernel_size)


@settings(max_examples=40, deadline=None)
@given(transposed_specs())
def test_stamps_run_channel_first_then_raster_order(spec):
    stamps = scatter_plan(spec)
    cells = int(np.prod(spec.input_size))
    expected = [
        (channel, cell)
        for channel in range(spec.in_channels)
        for cell in itertools.product(*map(range, spec.input_size))
    ]
    seen = list(
        zip(stamps.input_channel.tolist(), map(tuple, stamps.input_cell.tolist()), strict=True)
    )
    assert seen == expected
    assert len(seen) == spec.in_channels * cells
    # each stamp is the kernel's taps, raster order, placed at cell * stride
    for frame in (0, stamps.frames - 1):
        origin = stamps.input_cell[frame] * np.array(spec.stride)
        taps = stamps.stamp_cell[frame] - origin
        assert [tuple(t) for t in (taps // np.array(spec.dilation)).tolist()] == list(
            itertools.product(*map(range, spec.kernel_size))
        )


def test_checkerboard_k3s2_against_even_k4s2():
    uneven = scatter_plan(Spec("conv_transpose", (3, 3), 3, stride=2)).overlap()
    even = scatter_plan(Spec("conv_transpose", (3, 3), 4, stride=2, padding=1)).overlap()
    assert uneven[1:-1, 1:-1].min() == 1 and uneven[1:-1, 1:-1].max() == 4
    inner = even[scatter_plan(Spec("conv_transpose", (3, 3), 4, stride=2, padding=1)).crop_slices]
    assert set(np.unique(even[2:-2, 2:-2])) == {4}
    assert inner.shape == (6, 6)
    torch_counts = F.conv_transpose2d(
        torch.ones(1, 1, 3, 3, dtype=torch.float64),
        torch.ones(1, 1, 3, 3, dtype=torch.float64),
        stride=2,
    )[0, 0].numpy()
    np.testing.assert_array_equal(uneven, torch_counts)


def test_only_transposed_convolutions_scatter():
    with pytest.raises(SpecError, match=r"^op = 'conv' is not valid for stamps"):
        scatter_plan(Spec("conv", 5, 3))


def test_docstring_examples():
    failed, attempted = doctest.testmod(convanim.scatter)
    assert attempted and not failed
