"""Numbers for the cells: an input, a kernel and the output ``evaluate`` computes from them.

Pure numpy: the renderers only print what this module gives them, so every output number
on a picture is the planner's own (and so PyTorch's) result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .compute import _check_array, evaluate
from .limits import check_array
from .plan import Plan, plan
from .spec import Spec, SpecError

__all__ = ["TUTORIAL_SEED", "Numbers", "format_number", "numbers"]

TUTORIAL_SEED = 1234
"""The seed of the tutorial's numerical figures (numpy's legacy generator)."""


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Numbers:
    """The values drawn in the cells of one animation.

    Shapes are given for a one-channel spec; a spec with several channels (or groups)
    puts the channel axes first, in PyTorch's layouts.

    Attributes
    ----------
    x : ndarray, shape ``spec.input_size`` (``spec.input_shape`` with channels)
        The input.
    weight : ndarray, shape ``spec.kernel_size`` (``spec.weight_shape``), or None
        The kernel (None for pooling).
    output : ndarray, shape ``spec.output_size`` (``spec.output_shape``)
        ``evaluate(spec, x, weight)``.
    grid : ndarray, shape ``spec.grid_size`` (``(in_channels, *spec.grid_size)``)
        The value of every cell of the slid-over grid: the input in real cells, the
        copied input value in a reflect, replicate or circular padding cell, 0 in zero
        padding, inserted zeros and cells past the padded input.
    tap_weight : ndarray, shape (taps,) (``(*spec.weight_shape[:2], taps)``), or None
        The weight printed on each tap: the kernel entry for a direct convolution, the
        kernel flipped on every axis for a transposed one.
    """

    x: np.ndarray
    weight: np.ndarray | None
    output: np.ndarray
    grid: np.ndarray
    tap_weight: np.ndarray | None


def numbers(
    spec: Spec | Plan,
    *,
    x: object = None,
    weight: object = None,
    seed: int = TUTORIAL_SEED,
) -> Numbers:
    """Values for every cell of ``spec``: given ones, or drawn as the tutorial drew them.

    Parameters
    ----------
    spec : Spec or Plan
        The operation.
    x, weight : array_like, optional
        The input and kernel. Missing ones are drawn from numpy's legacy generator
        seeded with ``seed``, in the tutorial's order: ``randint(0, 4, input_size)``
        first, then ``randint(0, 3, kernel_size)`` (weights only for convolutions). With
        several channels the draws have PyTorch's shapes, ``spec.input_shape`` and
        ``spec.weight_shape``; for one channel they are the tutorial's very numbers.
    seed : int
        Seed for the drawn values (1234, the tutorial's, by default).

    Returns
    -------
    Numbers
    """
    the_plan = spec if isinstance(spec, Plan) else plan(spec)
    spec = the_plan.spec
    # The largest arrays made here, refused before any is: the grid's values (every
    # channel), the drawn input and the output.
    grid_shape = (spec.in_channels, *spec.grid_size)
    for what, shape in (
        ("numbers()'s grid values", grid_shape),
        ("numbers()'s input", spec.input_shape),
        ("numbers()'s output", spec.output_shape),
    ):
        check_array(what, shape, 8, spec.input_size)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**32:
        raise SpecError(
            f"seed = {seed!r} is not valid: expected an integer between 0 and 4294967295"
        )
    single = spec.in_channels == spec.out_channels == spec.groups == 1
    input_shape = spec.input_size if single else spec.input_shape
    weight_shape = spec.kernel_size if single else spec.weight_shape
    generator = np.random.RandomState(seed)
    drawn_x = generator.randint(0, 4, size=input_shape)
    if spec.is_pool:
        if weight is not None:
            raise SpecError(
                f"weight is not valid for {spec.op}: expected None (pooling has no weights)"
            )
    elif weight is None:
        weight = generator.randint(0, 3, size=weight_shape)
    x = _check_array("x", drawn_x if x is None else x, input_shape)
    weight = None if weight is None else _check_array("weight", weight, weight_shape)
    for name, array in (("x", x), ("weight", weight)):
        # A cell shows its number: "nan" or "inf" is not one to draw.
        if array is not None and not np.isfinite(array).all():
            raise SpecError(
                f"{name} is not valid: expected finite numbers (it holds NaN or infinity)",
                parameter=name,
                expected="finite numbers",
            )
    output = evaluate(the_plan, x, weight)

    # Every cell of the grid shows the input cell it holds or copies (0 where none).
    source = the_plan.grid_source_index
    reads = source[..., 0] >= 0
    flat = np.ravel_multi_index(
        tuple(np.where(reads, source[..., axis], 0) for axis in range(spec.ndim)),
        spec.input_size,
    )
    channels_x = x.reshape(spec.in_channels, -1)
    grid = np.where(reads, channels_x[:, np.where(reads, flat, 0)], 0.0)
    if single:
        grid = grid[0]
    tap_weight = None if weight is None else weight[(Ellipsis, *the_plan.tap_weight_index.T)]
    for array in (x, output, grid, tap_weight, weight):
        if array is not None:
            array.flags.writeable = False
    return Numbers(x=x, weight=weight, output=output, grid=grid, tap_weight=tap_weight)


def format_number(value: float, decimals: int | None = None) -> str:
    """A cell's text: integers without a decimal point unless ``decimals`` is given."""
    if decimals is not None:
        text = f"{value:.{decimals}f}"
    elif float(value).is_integer():
        text = str(int(value))
    else:
        text = f"{value:.2g}"
    return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text
