"""Every validation message: one line naming the parameter, the axis, the value, the range."""

from __future__ import annotations

import numpy as np
import pytest

from convanim import Spec, SpecError, conv_matrix, evaluate

CASES = [
    # (args, kwargs, exact message)
    (
        ("nope", 5, 3),
        {},
        "op = 'nope' is not valid: expected one of 'conv', 'conv_transpose', 'max_pool', 'avg_pool'",
    ),
    (
        ("conv", 0, 3),
        {},
        "input_size = 0 is not valid: expected an integer >= 1 (an empty input has nothing to draw)",
    ),
    (
        ("conv", (5, 0), 3),
        {},
        "input_size[1] = 0 is not valid: expected an integer >= 1 (an empty input has nothing to draw)",
    ),
    (("conv", 5, 0), {}, "kernel_size = 0 is not valid: expected an integer >= 1"),
    (("conv", 5, (3, -1)), {}, "kernel_size[1] = -1 is not valid: expected an integer >= 1"),
    (("conv", 5, 3), {"stride": 0}, "stride = 0 is not valid: expected an integer >= 1"),
    (("conv", 5, 3), {"stride": (1, 0)}, "stride[1] = 0 is not valid: expected an integer >= 1"),
    (
        ("conv", 5, 3),
        {"padding": (0, -1)},
        "padding[1] = -1 is not valid: expected an integer >= 0",
    ),
    (("conv", 5, 3), {"dilation": 0}, "dilation = 0 is not valid: expected an integer >= 1"),
    (
        ("conv_transpose", 5, 3),
        {"output_padding": -1},
        "output_padding = -1 is not valid: expected an integer >= 0",
    ),
    (
        ("conv", 5, 3),
        {"output_padding": 1},
        "output_padding = 1 is not valid: expected 0 (output_padding applies to conv_transpose only)",
    ),
    (
        ("max_pool", 5, 3),
        {"output_padding": (0, 1)},
        "output_padding[1] = 1 is not valid: expected 0 (output_padding applies to conv_transpose only)",
    ),
    (
        ("avg_pool", 5, 3),
        {"dilation": (1, 2)},
        "dilation[1] = 2 is not valid: expected 1 (PyTorch's avg_pool has no dilation)",
    ),
    (
        ("conv_transpose", 5, 3),
        {"stride": 2, "output_padding": (0, 2)},
        "output_padding[1] = 2 is not valid: expected an integer between 0 and 1 (smaller than stride or dilation)",
    ),
    (
        ("conv_transpose", 5, 3),
        {"stride": 1, "dilation": 3, "output_padding": 3},
        "output_padding = 3 is not valid: expected an integer between 0 and 2 (smaller than stride or dilation)",
    ),
    (
        ("conv_transpose", 2, 3),
        {"padding": 3},
        "padding = 3 is not valid: expected an integer between 0 and 1 (more padding crops the whole output)",
    ),
    (
        ("max_pool", 5, 3),
        {"padding": (1, 2)},
        "padding[1] = 2 is not valid: expected an integer between 0 and 1 (at most half the kernel size 3, as PyTorch requires for max_pool)",
    ),
    (
        ("avg_pool", 5, 4),
        {"padding": 3},
        "padding = 3 is not valid: expected an integer between 0 and 2 (at most half the kernel size 4, as PyTorch requires for avg_pool)",
    ),
    (
        ("conv", 4, 5),
        {},
        "kernel_size = 5 is not valid: expected an integer between 1 and 4 (the window must fit in the input of 4 cells)",
    ),
    (
        ("conv", (4, 4), (3, 4)),
        {"dilation": 2, "padding": (1, 0)},
        "kernel_size[1] = 4 is not valid: expected an integer between 1 and 2 (the window at dilation 2 must fit in the input of 4 cells)",
    ),
    (
        ("conv", 2, 5),
        {"padding": 1},
        "kernel_size = 5 is not valid: expected an integer between 1 and 4 (the window must fit in the padded input of 2 + 2*1 = 4 cells)",
    ),
    (
        ("avg_pool", (3, 3, 1), 2),
        {"padding": 1},
        "kernel_size = 2 is not valid: expected an integer between 1 and 1 (PyTorch's avg_pool3d needs the unpadded input of 1 cells to hold the kernel)",
    ),
    # wrong types and lengths
    (
        ("conv", 5.0, 3),
        {},
        "input_size = 5.0 is not valid: expected an integer or a tuple of integers (one per axis)",
    ),
    (
        ("conv", "5", 3),
        {},
        "input_size = '5' is not valid: expected an integer or a tuple of integers (one per axis)",
    ),
    (
        ("conv", 5, 3),
        {"stride": True},
        "stride = True is not valid: expected an integer or a tuple of integers (one per axis)",
    ),
    (("conv", 5, (3, 2.5)), {}, "kernel_size[1] = 2.5 is not valid: expected an integer"),
    (
        ("conv", (5, 5), 3),
        {"stride": (1, 2, 3)},
        "stride = (1, 2, 3) is not valid: expected an integer or a tuple of 2 integers (one per axis, as input_size has 2)",
    ),
    (
        ("conv", (5, 5, 5, 5), 3),
        {},
        "input_size = (5, 5, 5, 5) is not valid: expected an integer or a tuple of 1 to 3 integers (one per axis)",
    ),
    (
        ("conv", (), 3),
        {},
        "input_size = () is not valid: expected an integer or a tuple of 1 to 3 integers (one per axis)",
    ),
    (
        (None, 5, 3),
        {},
        "op = None is not valid: expected one of 'conv', 'conv_transpose', 'max_pool', 'avg_pool'",
    ),
]


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    CASES,
    ids=[c[2].split(" is ")[0] + f"-{n}" for n, c in enumerate(CASES)],
)
def test_message(args, kwargs, message):
    with pytest.raises(SpecError) as caught:
        Spec(*args, **kwargs)
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)
    assert "\n" not in str(caught.value)


def test_boundaries_are_exact():
    # the last accepted value next to the first refused one, for each bound
    Spec("conv", 4, 4)
    Spec("max_pool", 5, 3, padding=1)
    Spec("conv_transpose", 5, 3, stride=2, output_padding=1)
    Spec("conv_transpose", 5, 3, stride=1, dilation=3, output_padding=2)
    Spec("conv_transpose", 2, 3, padding=1)
    Spec("avg_pool", (3, 3, 2), 2, padding=1)


def test_evaluate_and_matrix_errors():
    spec = Spec("conv", 5, 3)
    with pytest.raises(SpecError, match=r"^x.shape = \(4, 4\) is not valid: expected \(5, 5\)$"):
        evaluate(spec, np.zeros((4, 4)), np.zeros((3, 3)))
    with pytest.raises(
        SpecError,
        match=r"^weight = None is not valid for conv: expected an array of shape \(3, 3\)$",
    ):
        evaluate(spec, np.zeros((5, 5)))
    with pytest.raises(SpecError, match=r"^weight.shape = \(3,\) is not valid: expected \(3, 3\)$"):
        conv_matrix(spec, np.zeros(3))
    with pytest.raises(SpecError, match="pooling has no weights"):
        evaluate(Spec("max_pool", 5, 3), np.zeros((5, 5)), np.zeros((3, 3)))
