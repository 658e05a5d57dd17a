"""The planner against PyTorch: acceptance, output sizes, values and the matrix C.

Every spec here is random (hypothesis): all four ops, 1, 2 and 3 axes, per-axis values,
some of them invalid. Whatever PyTorch refuses, Spec must refuse, and vice versa; whatever
both accept must give PyTorch's output shape and values.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st
from oracle import Refused, torch_op

from convanim import OPS, Spec, SpecError, conv_matrix, evaluate, plan

# Sizes shrink with the number of axes so a 3-D case stays a few thousand cells.
LIMITS = {1: 9, 2: 7, 3: 5}


@st.composite
def raw_specs(draw, ops=OPS, valid_only=False):
    """Parameters as a user might type them (one value per axis).

    Values are drawn from ranges where most specs are valid, so that the boundaries
    PyTorch draws (window larger than the padded input, pool padding over half the
    kernel, output_padding against stride and dilation) are crossed often; unless
    ``valid_only``, one spec in four also gets one plainly bad value (0, negative, or
    output_padding on an op without it).
    """
    op = draw(st.sampled_from(ops))
    ndim = draw(st.integers(1, 3))
    top = LIMITS[ndim]

    def per_axis(lo, hi):
        return list(draw(st.lists(st.integers(lo, hi), min_size=ndim, max_size=ndim)))

    params = dict(
        input_size=per_axis(1, top),
        kernel_size=per_axis(1, 4),
        stride=per_axis(1, 3),
        padding=per_axis(0, 2),
        dilation=per_axis(1, 3) if op != "avg_pool" else [1] * ndim,
        output_padding=per_axis(0, 2) if op == "conv_transpose" else [0] * ndim,
    )
    if not valid_only and draw(st.integers(0, 3)) == 0:
        name = draw(st.sampled_from(sorted(params)))
        axis = draw(st.integers(0, ndim - 1))
        params[name][axis] = draw(st.sampled_from([-1, 0, 1, 2]))
    return op, ndim, {name: tuple(value) for name, value in params.items()}


def arrays_for(op, params, seed):
    rng = np.random.default_rng(seed)
    # Small integers keep float64 sums exact, so values compare with ==, not approx.
    x = rng.integers(-4, 5, size=params["input_size"]).astype(np.float64)
    weight = (
        rng.integers(-3, 4, size=params["kernel_size"]).astype(np.float64)
        if op.startswith("conv")
        else None
    )
    return x, weight


@settings(max_examples=600)
@given(raw_specs(), st.integers(0, 2**32 - 1))
def test_spec_accepts_exactly_what_torch_accepts_and_agrees_on_values(case, seed):
    op, ndim, params = case
    try:
        spec = Spec(op, **params)
    except SpecError as error:
        message = str(error)
        assert "\n" not in message and " is not valid: expected " in message
        spec = None
    try:
        x, weight = arrays_for(op, params, seed)
    except ValueError:  # numpy refuses a negative size: so does torch
        assert spec is None
        return
    try:
        expected = torch_op(op, ndim, x, weight, **params)
    except Refused as refusal:
        assert spec is None, f"torch refused ({refusal}) but Spec accepted {spec!r}"
        event("refused by both")
        return
    assert spec is not None, f"torch accepted {op} {params} but Spec refused it"
    event(f"accepted by both: {op} {ndim}-D")
    assert spec.ndim == ndim
    assert spec.output_size == expected.shape
    # the arithmetic the pictures and the CLI print is a true statement
    for line, size in zip(spec.output_arithmetic(), expected.shape, strict=True):
        expression, _, stated = line.rpartition(" = ")
        assert eval(expression) == int(stated) == size, line
    the_plan = plan(spec)
    assert len(the_plan) == expected.size == spec.num_frames
    np.testing.assert_array_equal(evaluate(the_plan, x, weight), expected)


@given(
    raw_specs(ops=("conv", "conv_transpose", "avg_pool"), valid_only=True),
    st.integers(0, 2**32 - 1),
)
def test_conv_matrix_reproduces_torch(case, seed):
    op, ndim, params = case
    try:
        spec = Spec(op, **params)
    except SpecError:
        assume(False)
    x, weight = arrays_for(op, params, seed)
    expected = torch_op(op, ndim, x, weight, **params)
    matrix = conv_matrix(spec, weight)
    assert matrix.shape == (expected.size, x.size)
    np.testing.assert_allclose(matrix @ x.ravel(), expected.ravel(), rtol=1e-12, atol=1e-12)


def stretch_and_pad(y: np.ndarray, spec: Spec) -> np.ndarray:
    """The tutorial's picture of a transposed input, built straight from its definition:
    cells s apart, k_eff-1-p zeros on every side (cropping when negative), a extra zeros."""
    shape, keep, where = [], [], []
    for geometry, size in zip(spec.axes, y.shape, strict=True):
        pad = geometry.kernel_extent - 1 - geometry.padding
        side = (size - 1) * geometry.stride + 1 + 2 * pad + geometry.output_padding
        position = pad + geometry.stride * np.arange(size)
        inside = (position >= 0) & (position < side)
        shape.append(side)
        keep.append(np.flatnonzero(inside))
        where.append(position[inside])
    grid = np.zeros(shape)
    grid[np.ix_(*where)] = y[np.ix_(*keep)]
    return grid


@given(raw_specs(ops=("conv",), valid_only=True), st.integers(0, 2**32 - 1))
def test_transposed_matrix_is_the_transpose_and_a_flipped_kernel_convolution(case, seed):
    op, ndim, params = case
    try:
        forward = Spec(op, **params)
    except SpecError:
        assume(False)
    backward = forward.transpose()
    assert backward.output_size == forward.input_size
    assert backward.grid_size == tuple(
        i + keff - 1 for i, keff in zip(forward.input_size, forward.kernel_extent, strict=True)
    )
    rng = np.random.default_rng(seed)
    weight = rng.integers(-3, 4, size=forward.kernel_size).astype(np.float64)
    c_forward = conv_matrix(forward, weight)
    c_backward = conv_matrix(backward, weight)
    np.testing.assert_array_equal(c_backward, c_forward.T)

    y = rng.integers(-4, 5, size=forward.output_size).astype(np.float64)
    grid = stretch_and_pad(y, backward)
    assert grid.shape == backward.grid_size
    flipped = weight[(slice(None, None, -1),) * ndim]
    direct = torch_op(
        "conv",
        ndim,
        grid,
        flipped,
        kernel_size=forward.kernel_size,
        stride=(1,) * ndim,
        padding=(0,) * ndim,
        dilation=forward.dilation,
        output_padding=(0,) * ndim,
    )
    np.testing.assert_array_equal(c_backward @ y.ravel(), direct.ravel())
    # and the plan labels agree with the picture: real cells hold y, the rest are zeros
    the_plan = plan(backward)
    real = the_plan.grid_kind == 0
    assert np.count_nonzero(real) <= y.size
    expected_input_cells = stretch_and_pad(np.ones_like(y), backward) == 1
    np.testing.assert_array_equal(real, expected_input_cells)


@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_max_pool_matrix_is_refused_because_max_is_not_linear(ndim):
    with pytest.raises(
        SpecError, match=r"^op = 'max_pool' is not valid here: expected a linear op"
    ):
        conv_matrix(Spec("max_pool", (5,) * ndim, 2))
