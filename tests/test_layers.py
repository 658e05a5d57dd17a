"""Spec.from_torch, the --layer text parser and the text a spec writes about itself."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import torch

import convanim.layers
import convanim.spec
from convanim import Spec, SpecError, evaluate, numbers, plan
from convanim.layers import spec_from_layer_text
from convanim.spec import drawing_refusal


@pytest.mark.parametrize("module", [convanim.spec, convanim.layers])
def test_docstring_examples_run(module):
    failed, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert attempted and not failed


# -- the text parser ------------------------------------------------------------------

TEXTS = [
    ("nn.Conv2d(3, 8, 3, stride=2)", 7, Spec("conv", 7, 3, stride=2, in_channels=3, out_channels=8)),
    ("torch.nn.MaxPool2d(kernel_size=2)", 6, Spec("max_pool", 6, 2)),
    ("Conv1d(2, 4, kernel_size=3, padding='same', padding_mode='reflect', bias=False)", 9,
     Spec("conv", (9,), 3, padding="same", padding_mode="reflect", in_channels=2, out_channels=4)),
    ("nn.ConvTranspose3d(4, 2, (1, 2, 3), stride=2, output_padding=1, groups=2)", (2, 3, 4),
     Spec("conv_transpose", (2, 3, 4), (1, 2, 3), stride=2, output_padding=1, in_channels=4,
          out_channels=2, groups=2)),
    ("nn.AvgPool1d(3, stride=1, padding=1, ceil_mode=True, count_include_pad=False)", 5,
     Spec("avg_pool", (5,), 3, stride=1, padding=1, ceil_mode=True, count_include_pad=False)),
    ("  nn.Conv2d(3, 8, [3, 2])  ", (5, 5), Spec("conv", 5, (3, 2), in_channels=3, out_channels=8)),
]  # fmt: skip


@pytest.mark.parametrize(("text", "size", "expected"), TEXTS)
def test_layer_text_reads_literals_as_torch_nn_would(text, size, expected):
    spec = spec_from_layer_text(text, size)
    assert spec == expected
    module = eval(text.strip(), {"torch": torch, "nn": torch.nn, **vars(torch.nn)})
    assert Spec.from_torch(module, size) == spec


def test_pooling_text_takes_its_channels_from_the_caller():
    spec = spec_from_layer_text("nn.MaxPool2d(2)", 6, in_channels=3)
    assert spec.output_shape == (3, 3, 3)


REFUSED_TEXTS = [
    ("nn.Conv2d(x, 8, 3)", "literal arguments only (argument 1, 'x', is not a literal)"),
    ("nn.Conv2d(3, 8, int('3'))", "literal arguments only (argument 3, \"int('3')\", is not"),
    ("nn.Conv2d(3, 8, 3, stride=f())", "literal arguments only (stride, 'f()', is not"),
    ("nn.Conv2d(3, 8, 3, **kw)", "(no ** unpacking)"),
    ("nn.Conv2d(3, 8)", "Conv2d's required argument kernel_size"),
    ("nn.Conv2d(3, 8, 3, strides=2)", "(not 'strides')"),
    ("nn.Conv2d(3, 8, 3, kernel_size=3)", "kernel_size given once (it is given twice)"),
    ("nn.Linear(3, 8)", "a torch.nn Conv, ConvTranspose, MaxPool or AvgPool module"),
    ("nn.LazyConv2d(8, 3)", "LazyConv2d infers them at its first call"),
    ("os.system('ls')", "a torch.nn layer (nn.system or torch.nn.system)"),
    ("nn.Conv2d(3, 8, 3", "it is not valid Python"),
    ("3 + 4", "a layer as written in code"),
    ("nn.Conv2d(3, 8, 3)(x)", "a layer as written in code"),
    ("nn.MaxPool2d(2, return_indices=True)", "return_indices = True is not valid"),
    ("nn.AvgPool2d(2, divisor_override=3)", "divisor_override = 3 is not valid"),
    ("nn.Conv2d(3, 8, 3, groups=2)", "groups = 2 is not valid: expected a divisor of in_channels"),
]


@pytest.mark.parametrize(("text", "fragment"), REFUSED_TEXTS)
def test_layer_text_refusals_are_one_line(text, fragment):
    with pytest.raises(SpecError) as caught:
        spec_from_layer_text(text, 6)
    message = str(caught.value)
    assert "\n" not in message and fragment in message, message


def test_layer_text_never_evaluates(tmp_path, monkeypatch):
    marker = tmp_path / "ran"
    with pytest.raises(SpecError):
        spec_from_layer_text(f"nn.Conv2d(open({str(marker)!r}, 'w'), 8, 3)", 6)
    assert not marker.exists()


# -- from_torch ----------------------------------------------------------------------


def test_from_torch_refuses_what_it_cannot_represent():
    cases = [
        (torch.nn.MaxPool2d(2, return_indices=True), "return_indices"),
        (torch.nn.AvgPool2d(2, divisor_override=2), "divisor_override"),
        (torch.nn.LazyConv2d(8, 3), "module"),
        (torch.nn.Linear(3, 4), "module"),
        (torch.nn.Conv2d(3, 8, 3), "in_channels"),  # in_channels=4 given: disagrees
    ]
    for module, parameter in cases:
        with pytest.raises(SpecError) as caught:
            Spec.from_torch(module, 6, in_channels=4 if parameter == "in_channels" else None)
        assert caught.value.parameter == parameter, str(caught.value)
        assert "\n" not in str(caught.value)


def test_from_torch_reads_a_lazy_module_once_it_has_run():
    module = torch.nn.LazyConv2d(8, 3, padding=1)
    module(torch.zeros(1, 3, 5, 5))
    assert Spec.from_torch(module, 5) == Spec(
        "conv", 5, 3, padding=1, in_channels=3, out_channels=8
    )


def test_from_torch_input_size_must_match_the_module_axes():
    with pytest.raises(
        SpecError, match=r"^input_size = \(5, 5\) is not valid: expected 1 integers"
    ):
        Spec.from_torch(torch.nn.Conv1d(1, 1, 3), (5, 5))


def test_from_torch_pool_stride_none_or_empty_is_the_kernel():
    assert Spec.from_torch(torch.nn.AvgPool2d(3, stride=[]), 9).stride == (3, 3)


# -- new keywords: exact messages ----------------------------------------------------

MESSAGES = [
    ({"groups": 2, "in_channels": 3, "out_channels": 4},
     "groups = 2 is not valid: expected a divisor of in_channels = 3 (and of every channel count)"),
    ({"in_channels": 0}, "in_channels = 0 is not valid: expected an integer >= 1"),
    ({"padding_mode": "mirror"},
     "padding_mode = 'mirror' is not valid: expected one of 'zeros', 'reflect', 'replicate', 'circular'"),
    ({"padding": 5, "padding_mode": "reflect"},
     "padding = 5 is not valid: expected an integer between 0 and 4 (reflect padding must be smaller than the input of 5 cells)"),
    ({"padding": (0, 6), "padding_mode": "circular"},
     "padding[1] = 6 is not valid: expected an integer between 0 and 5 (circular padding wraps around the input of 5 cells at most once)"),
    ({"padding": "same", "stride": 2},
     "padding = 'same' is not valid: expected an integer or 'valid' with stride (2, 2) (PyTorch's 'same' needs stride 1)"),
    ({"padding": "half"},
     "padding = 'half' is not valid: expected an integer, a tuple of integers or (before, after) pairs, 'same' or 'valid'"),
    ({"ceil_mode": True}, "ceil_mode = True is not valid: expected False (ceil_mode applies to pooling only)"),
    ({"count_include_pad": False},
     "count_include_pad = False is not valid: expected True (count_include_pad applies to avg_pool only)"),
    ({"padding": ((1, 2), (0, -1))}, "padding[1] = (0, -1) is not valid: expected an integer >= 0"),
]  # fmt: skip


@pytest.mark.parametrize(("kwargs", "message"), MESSAGES)
def test_new_keyword_messages(kwargs, message):
    with pytest.raises(SpecError) as caught:
        Spec("conv", 5, 3, **kwargs)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("max_pool", 5, 3), {"groups": 2}, "groups = 2 is not valid: expected 1 (groups apply"),
        (("avg_pool", 5, 3), {"in_channels": 2, "out_channels": 3}, "out_channels = 3 is not valid: expected 2"),
        (("max_pool", 5, 3), {"padding": "same"}, "padding = 'same' is not valid: expected an integer or a tuple"),
        (("conv_transpose", 5, 3), {"padding_mode": "reflect"}, "padding_mode = 'reflect' is not valid: expected 'zeros' (PyTorch's ConvTranspose supports only zeros padding)"),
        (("max_pool", 5, 3), {"padding": ((1, 0), (1, 1))}, "padding[0] = (1, 0) is not valid: expected an integer ((before, after) pairs apply to conv only)"),
        (("max_pool", 2, 3), {"stride": 3, "ceil_mode": False}, "kernel_size = 3 is not valid: expected an integer between 1 and 2"),
        (("max_pool", 1, 4), {"stride": 2, "ceil_mode": True}, "kernel_size = 4 is not valid: expected an integer between 1 and 2 (the window must start in the input of 1 cells)"),
    ],
)  # fmt: skip
def test_keywords_on_the_wrong_op(args, kwargs, message):
    with pytest.raises(SpecError) as caught:
        Spec(*args, **kwargs)
    assert str(caught.value).startswith(message), str(caught.value)


# -- words -----------------------------------------------------------------------------


def test_old_specs_keep_their_words():
    spec = Spec("conv", 5, 3, stride=2, padding=1)
    assert spec.describe() == "conv 5x5, k 3, s 2, p 1 -> 3x3"
    assert spec.torch_call() == (
        "torch.nn.functional.conv2d(x, weight, stride=2, padding=1, dilation=1)"
        "  # x.shape = (N, C, 5, 5)"
    )
    assert "in_channels" not in repr(spec) and spec.output_shape == (1, 3, 3)


def test_describe_and_info_show_channels_groups_and_the_output_shape():
    spec = Spec("conv", 6, 3, padding=1, in_channels=4, out_channels=8, groups=4)
    assert spec.describe() == "conv 6x6 (4 ch), k 3, p 1, g 4 -> 6x6 (8 ch)"
    lines = spec.info_lines()
    assert lines[0] == (
        "channels: 4 in, 8 out, groups 4, depthwise (each output channel reads 1 input channel)"
    )
    assert lines[1] == "output shape: (8, 6, 6) (C, H, W)"
    assert lines[2] == "torch.nn: torch.nn.Conv2d(4, 8, kernel_size=3, padding=1, groups=4)"
    assert lines[3].startswith("functional: torch.nn.functional.conv2d(x, weight, ")
    assert "groups=4" in lines[3] and "(N, 4, 6, 6)" in lines[3]
    causal = Spec("conv", (8,), 3, padding=((2, 0),), padding_mode="replicate")
    assert causal.describe() == "conv 8, k 3, p (2,0), replicate -> 8"
    assert causal.torch_module() == (
        "torch.nn.Sequential(torch.nn.ReplicationPad1d((2, 0)), torch.nn.Conv1d(1, 1, kernel_size=3))"
    )
    assert "torch.nn.functional.pad(x, (2, 0), mode='replicate')" in causal.torch_call()


@pytest.mark.parametrize(
    "spec",
    [
        Spec("conv", (7,), 3, padding=((2, 0),)),
        Spec("conv", (5, 6), (2, 3), padding=((0, 1), (2, 1)), padding_mode="circular"),
        Spec("conv", (5, 6), 3, padding=((0, 1), (2, 1)), padding_mode="reflect", dilation=2),
        Spec("conv", (4, 4, 4), 2, padding="same", padding_mode="reflect", in_channels=2),
        Spec("max_pool", (7,), 3, stride=2, padding=1, ceil_mode=True, in_channels=2),
        Spec("avg_pool", (5, 5), 2, count_include_pad=False, padding=1),
    ],
)
def test_the_torch_texts_run_in_torch_and_agree(spec):
    rng = np.random.default_rng(0)
    x = rng.integers(-4, 5, size=spec.input_shape).astype(np.float64)
    module = eval(spec.torch_module(), {"torch": torch}).double()
    weight = None
    if not spec.is_pool:
        conv = module[-1] if isinstance(module, torch.nn.Sequential) else module
        weight = rng.integers(-3, 4, size=spec.weight_shape).astype(np.float64)
        with torch.no_grad():
            conv.weight.copy_(torch.tensor(weight))
            conv.bias.zero_()
    with torch.no_grad():
        expected = module(torch.tensor(x)[None])[0].numpy()
    np.testing.assert_array_equal(evaluate(spec, x, weight), expected)
    call = spec.torch_call().split("  #")[0]
    scope = {"torch": torch, "x": torch.tensor(x)[None]}
    if weight is not None:
        scope["weight"] = torch.tensor(weight)
    np.testing.assert_array_equal(eval(call, scope)[0].numpy(), expected)


def test_every_spec_is_drawable_in_every_view():
    from convanim.drawable import check_matrix

    for spec in [
        Spec("conv", (3, 3, 3), 2),
        Spec("conv", 5, 3, in_channels=2),
        Spec("conv", 5, 3, out_channels=2),
        Spec("conv", 5, 3, padding=1, padding_mode="reflect"),
        Spec("avg_pool", 5, 2, ceil_mode=True),
    ]:
        assert drawing_refusal(spec) is None
        check_matrix(spec, labels=False, caption=False, values=False)


def test_numbers_keep_the_tutorial_draws_and_grow_channels():
    one = numbers(Spec("conv", 5, 3))
    generator = np.random.RandomState(1234)
    np.testing.assert_array_equal(one.x, generator.randint(0, 4, size=(5, 5)))
    np.testing.assert_array_equal(one.weight, generator.randint(0, 3, size=(3, 3)))
    many = numbers(Spec("conv", 5, 3, padding=1, in_channels=2, out_channels=3))
    assert many.x.shape == (2, 5, 5) and many.weight.shape == (3, 2, 3, 3)
    assert many.output.shape == (3, 5, 5) and many.grid.shape == (2, 7, 7)
    assert many.tap_weight.shape == (3, 2, 9)
    copied = numbers(Spec("conv", (4,), 3, padding=1, padding_mode="circular"), x=[1, 2, 3, 4])
    np.testing.assert_array_equal(copied.grid, [4, 1, 2, 3, 4, 1])


def test_frames_carry_their_channels():
    the_plan = plan(Spec("conv", 4, 3, in_channels=2, out_channels=2))
    frame = the_plan[len(the_plan) - 1]
    assert frame.output_channel == 1 and frame.input_channels == (0, 1)
    assert frame.tap_source_index.shape == (9, 2)
