"""Real layers against PyTorch: channels, groups, padding modes, same/valid, ceil_mode, ...

Random specs (hypothesis) on 1, 2 and 3 axes, some of them invalid: whatever PyTorch
refuses, Spec must refuse, and vice versa; whatever both accept must give PyTorch's
output shape and values. The same for random ``torch.nn`` modules read by
``Spec.from_torch`` and for the same layers written as text (``spec_from_layer_text``).

Counts of what ran, per op and feature, are printed at the end of the pytest run.
"""

from __future__ import annotations

import time
from collections import Counter

import numpy as np
import pytest
import torch
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st
from oracle import Refused, torch_layer

from convanim import CellKind, Spec, SpecError, conv_matrix, evaluate, plan
from convanim.layers import spec_from_layer_text

LIMITS = {1: 8, 2: 6, 3: 4}
COUNTS: Counter[str] = Counter()
"""What the oracle ran, per test, op and feature (printed by conftest at the end)."""
SECONDS: Counter[str] = Counter()


def count(test: str, *labels: str) -> None:
    for label in labels:
        COUNTS[f"{test}: {label}"] += 1
        event(label)


def features(spec: Spec, bias: bool) -> list[str]:
    labels = [f"{spec.op} {spec.ndim}-D"]
    if spec.in_channels != 1 or spec.out_channels != 1:
        labels.append("channels")
    if spec.groups != 1:
        labels.append("depthwise" if spec.groups == spec.in_channels else f"groups ({spec.op})")
    if spec.padding_mode != "zeros":
        labels.append(f"padding_mode={spec.padding_mode}")
    if spec.padding == "same":
        labels.append("padding='same'")
    if not spec.symmetric_padding:
        labels.append("asymmetric padding")
    if spec.ceil_mode:
        labels.append(f"ceil_mode ({spec.op})")
        if any(axis.overhang for axis in spec.axes):
            labels.append("ceil_mode past the padded input")
    if not spec.count_include_pad:
        labels.append("count_include_pad=False")
    if bias:
        labels.append("bias")
    return labels


@st.composite
def layer_specs(
    draw, valid_only: bool = False, ops=("conv", "conv_transpose", "max_pool", "avg_pool")
):
    """Spec keywords as a user might write them, crossing PyTorch's boundaries often."""
    op = draw(st.sampled_from([op for op in ops for _ in range(1 + (op == "conv"))]))
    ndim = draw(st.integers(1, 3))
    top = LIMITS[ndim]

    def per_axis(lo, hi):
        return tuple(draw(st.lists(st.integers(lo, hi), min_size=ndim, max_size=ndim)))

    conv = op.startswith("conv")
    params = dict(
        input_size=per_axis(1, top),
        kernel_size=per_axis(1, 4),
        stride=per_axis(1, 3),
        padding=per_axis(0, 2),
        dilation=per_axis(1, 3) if op != "avg_pool" else (1,) * ndim,
        output_padding=per_axis(0, 2) if op == "conv_transpose" else (0,) * ndim,
    )
    if conv:
        groups = draw(st.sampled_from([1, 1, 2, 3]))
        in_channels = groups * draw(st.integers(1, 2))
        out_channels = groups * draw(st.integers(1, 2))
        if draw(st.integers(0, 4)) == 0:  # depthwise: one input channel per group
            in_channels = groups = draw(st.integers(2, 3))
            out_channels = groups * draw(st.integers(1, 2))
        params.update(in_channels=in_channels, out_channels=out_channels, groups=groups)
        if op == "conv":
            params["padding_mode"] = draw(
                st.sampled_from(["zeros", "zeros", "reflect", "replicate", "circular"])
            )
            form = draw(st.sampled_from(["ints", "ints", "same", "valid", "pairs"]))
            if form == "same":
                params["padding"] = "same"
                if draw(st.booleans()):
                    params["stride"] = (1,) * ndim
            elif form == "valid":
                params["padding"] = "valid"
            elif form == "pairs":
                params["padding"] = tuple(
                    (draw(st.integers(0, 3)), draw(st.integers(0, 3))) for _ in range(ndim)
                )
    else:
        if draw(st.integers(0, 3)):
            # mostly within PyTorch's "at most half the kernel", so that most specs run
            params["padding"] = tuple(
                min(p, k // 2)
                for p, k in zip(params["padding"], params["kernel_size"], strict=True)
            )
        params["in_channels"] = draw(st.integers(1, 3))
        params["ceil_mode"] = draw(st.booleans())
        if op == "avg_pool":
            params["count_include_pad"] = draw(st.booleans())
        if draw(st.booleans()):
            params["stride"] = None  # PyTorch's default: the kernel size
    if not valid_only and draw(st.integers(0, 4)) == 0:
        # one plainly bad or misplaced value
        name, value = draw(
            st.sampled_from(
                [
                    ("groups", 2),
                    ("groups", 0),
                    ("in_channels", 3),
                    ("out_channels", 5),
                    ("padding_mode", "reflect"),
                    ("padding_mode", "circular"),
                    ("ceil_mode", True),
                    ("count_include_pad", False),
                    ("padding", "same"),
                    ("padding", "valid"),
                    ("padding", ((1, 0),) * ndim),
                ]
            )
        )
        params[name] = value
    return op, ndim, params


def arrays_for(op, params, seed, with_bias):
    """Small integers keep float64 sums exact, so values compare with ==, not approx."""
    rng = np.random.default_rng(seed)
    in_channels = params.get("in_channels", 1)
    out_channels = params.get("out_channels", in_channels)
    groups = max(params.get("groups", 1), 1)
    x = rng.integers(-4, 5, size=(in_channels, *params["input_size"])).astype(np.float64)
    if not op.startswith("conv"):
        return x, None, None
    if op == "conv":
        shape = (out_channels, max(in_channels // groups, 1), *params["kernel_size"])
    else:
        shape = (in_channels, max(out_channels // groups, 1), *params["kernel_size"])
    weight = rng.integers(-3, 4, size=shape).astype(np.float64)
    bias = rng.integers(-3, 4, size=out_channels).astype(np.float64) if with_bias else None
    return x, weight, bias


@settings(max_examples=2000)
@given(layer_specs(), st.integers(0, 2**32 - 1), st.booleans())
def test_layers_accept_exactly_what_torch_accepts_and_agree_on_values(case, seed, with_bias):
    started = time.perf_counter()
    op, ndim, params = case
    try:
        spec = Spec(op, **params)
    except SpecError as error:
        message = str(error)
        assert "\n" not in message and " is not valid: expected " in message, message
        spec = None
    bias_given = with_bias and op.startswith("conv")
    x, weight, bias = arrays_for(op, params, seed, bias_given)
    try:
        expected = torch_layer(op, ndim, x, weight, bias, **params)
    except Refused as refusal:
        assert spec is None, f"torch refused ({refusal}) but Spec accepted {spec!r}"
        count("Spec(...)", "refused by both")
        SECONDS["Spec(...)"] += time.perf_counter() - started
        return
    assert spec is not None, f"torch accepted {op} {params} but Spec refused it"
    count("Spec(...)", "accepted by both", *features(spec, bias is not None))
    assert spec.output_shape == expected.shape
    for line, size in zip(spec.output_arithmetic(), expected.shape[1:], strict=True):
        expression, _, stated = line.rpartition(" = ")
        assert eval(expression) == int(stated) == size, line
    the_plan = plan(spec)
    assert len(the_plan) == expected.size == spec.num_frames
    np.testing.assert_array_equal(evaluate(the_plan, x, weight, bias), expected)
    if spec.op != "max_pool":
        matrix = conv_matrix(the_plan, weight)
        assert matrix.shape == (expected.size, x.size)
        linear = matrix @ x.ravel()
        if bias is not None:
            linear += np.repeat(bias, spec.num_positions)
        np.testing.assert_allclose(linear, expected.ravel(), rtol=1e-12, atol=1e-12)
    SECONDS["Spec(...)"] += time.perf_counter() - started


# -- random torch.nn modules ----------------------------------------------------------


@st.composite
def module_texts(draw):
    """A torch.nn layer as it is written in code, with PyTorch's own argument forms."""
    kind = draw(st.sampled_from(["Conv", "Conv", "ConvTranspose", "MaxPool", "AvgPool"]))
    ndim = draw(st.integers(1, 3))
    top = LIMITS[ndim]

    def size(lo, hi):
        if draw(st.booleans()):
            return draw(st.integers(lo, hi))
        return tuple(draw(st.lists(st.integers(lo, hi), min_size=ndim, max_size=ndim)))

    args: list[str] = []
    keywords: dict[str, object] = {}
    if kind in ("Conv", "ConvTranspose"):
        groups = draw(st.sampled_from([1, 1, 2, 3]))
        in_channels = groups * draw(st.integers(1, 2))
        out_channels = groups * draw(st.integers(1, 2))
        if draw(st.integers(0, 5)) == 0:
            in_channels += 1  # not divisible: torch.nn refuses at construction
        args = [str(in_channels), str(out_channels), repr(size(1, 4))]
        keywords["stride"] = size(1, 3)
        keywords["padding"] = size(0, 2)
        keywords["dilation"] = size(1, 3)
        if groups != 1:
            keywords["groups"] = groups
        if kind == "Conv":
            keywords["padding_mode"] = draw(
                st.sampled_from(["zeros", "zeros", "reflect", "replicate", "circular"])
            )
            if draw(st.integers(0, 3)) == 0:
                keywords["padding"] = draw(st.sampled_from(["same", "valid"]))
                if draw(st.booleans()):
                    keywords["stride"] = 1
        else:
            keywords["output_padding"] = size(0, 2)
        keywords["bias"] = draw(st.booleans())
        channels = in_channels
    else:
        args = [repr(size(1, 4))]
        if draw(st.booleans()):
            keywords["stride"] = size(1, 3)
        keywords["padding"] = size(0, 2)
        keywords["ceil_mode"] = draw(st.booleans())
        if kind == "MaxPool":
            keywords["dilation"] = size(1, 3)
        else:
            keywords["count_include_pad"] = draw(st.booleans())
        channels = draw(st.integers(1, 3))
    for name in list(keywords):
        if draw(st.integers(0, 2)) == 0 and name not in ("bias",):
            del keywords[name]  # torch.nn's default
    text = (
        f"torch.nn.{kind}{ndim}d("
        + ", ".join(args + [f"{name}={value!r}" for name, value in keywords.items()])
        + ")"
    )
    input_size = tuple(draw(st.lists(st.integers(1, top), min_size=ndim, max_size=ndim)))
    return kind, ndim, text, input_size, channels


@settings(max_examples=1000)
@given(module_texts(), st.integers(0, 2**32 - 1))
def test_from_torch_reads_random_modules_as_torch_runs_them(case, seed):
    started = time.perf_counter()
    kind, _ndim, text, input_size, channels = case
    pool = kind in ("MaxPool", "AvgPool")
    pool_channels = channels if pool else None
    try:
        module = eval(text, {"torch": torch})  # the test's own text: torch builds it
    except (ValueError, RuntimeError, TypeError):
        with pytest.raises(SpecError):
            spec_from_layer_text(text, input_size, pool_channels)
        count("from_torch", "module refused by torch.nn and by the text parser")
        SECONDS["from_torch"] += time.perf_counter() - started
        return
    rng = np.random.default_rng(seed)
    in_channels = channels if pool else module.in_channels
    x = rng.integers(-4, 5, size=(in_channels, *input_size)).astype(np.float64)
    module = module.double()
    weight = bias = None
    if not pool:
        with torch.no_grad():
            module.weight.copy_(torch.tensor(rng.integers(-3, 4, size=module.weight.shape)))
            if module.bias is not None:
                module.bias.copy_(torch.tensor(rng.integers(-3, 4, size=module.bias.shape)))
        weight = module.weight.detach().numpy()
        bias = None if module.bias is None else module.bias.detach().numpy()
    try:
        spec = Spec.from_torch(module, input_size, pool_channels)
    except SpecError as error:
        assert "\n" not in str(error)
        spec = None
    try:
        with torch.no_grad():
            expected = module(torch.tensor(x)[None])[0].numpy()
        if expected.size == 0:
            raise RuntimeError("empty output")
    except (RuntimeError, ValueError) as refusal:
        assert spec is None, f"torch refused ({refusal}) but from_torch accepted {spec!r}"
        count("from_torch", "refused by both")
        SECONDS["from_torch"] += time.perf_counter() - started
        return
    assert spec is not None, f"torch ran {text} on {input_size} but from_torch refused it"
    count("from_torch", "accepted by both", *features(spec, bias is not None))
    # the text parser, torch_module() and from_torch all say the same
    assert spec_from_layer_text(text, input_size, pool_channels) == spec
    rebuilt = eval(spec.torch_module(), {"torch": torch})
    assert Spec.from_torch(rebuilt, input_size, pool_channels) == spec
    assert spec.output_shape == expected.shape
    np.testing.assert_array_equal(evaluate(spec, x, weight, bias), expected)
    SECONDS["from_torch"] += time.perf_counter() - started


@settings(max_examples=150)
@given(layer_specs(valid_only=True, ops=("conv",)), st.integers(0, 2**32 - 1))
def test_transpose_of_a_channelled_conv_is_its_matrix_transpose(case, seed):
    op, _ndim, params = case
    params = {**params, "padding_mode": "zeros"}
    try:
        forward = Spec(op, **params)
    except SpecError:
        assume(False)
    assume(forward.symmetric_padding)
    backward = forward.transpose()
    count("transpose", "conv -> conv_transpose", *features(forward, False))
    assert backward.output_shape == forward.input_shape
    # PyTorch's layouts agree: conv's (out, in // g, *k) is conv_transpose's (in, out // g, *k)
    rng = np.random.default_rng(seed)
    weight = rng.integers(-3, 4, size=forward.weight_shape).astype(np.float64)
    assert backward.weight_shape == forward.weight_shape
    np.testing.assert_array_equal(conv_matrix(backward, weight), conv_matrix(forward, weight).T)


# -- defaults, refusals and limits, one by one ----------------------------------------


@pytest.mark.parametrize("op", ["max_pool", "avg_pool"])
@pytest.mark.parametrize("ndim", [1, 2, 3])
@pytest.mark.parametrize("kernel", [1, 2, 3])
def test_pooling_defaults_are_torchs(op, ndim, kernel):
    name = {"max_pool": "MaxPool", "avg_pool": "AvgPool"}[op]
    module = getattr(torch.nn, f"{name}{ndim}d")(kernel)
    size = (7,) * ndim
    spec = Spec(op, size, (kernel,) * ndim)
    assert spec == Spec.from_torch(module, size)
    assert spec.stride == (kernel,) * ndim
    assert not spec.ceil_mode and spec.count_include_pad
    with torch.no_grad():
        expected = module(torch.zeros(1, 1, *size, dtype=torch.float64))
    assert spec.output_shape == tuple(expected.shape[1:])


def test_the_issue_example_matches_torch():
    spec = Spec("max_pool", 6, 2)
    assert spec.stride == (2, 2) and spec.output_size == (3, 3)
    assert Spec.from_torch(torch.nn.MaxPool2d(2), 6) == spec
    same = Spec("conv", 5, 4, padding="same", dilation=1)
    assert same.padding_pairs == ((1, 2), (1, 2))  # the odd cell after the input
    x = np.arange(25.0).reshape(1, 5, 5)
    w = np.arange(16.0).reshape(1, 1, 4, 4)
    expected = torch.nn.functional.conv2d(torch.tensor(x)[None], torch.tensor(w), padding="same")[
        0
    ].numpy()
    np.testing.assert_array_equal(evaluate(same, x, w), expected)


OVERFLOWS = [
    # (Spec arguments, the torch call that refuses them too)
    (("conv", 3, 1), {"padding": 2**63 - 1}),
    (("conv", 3, 1), {"padding": 2**62}),
    (("conv_transpose", 3, 1), {"padding": 2**62}),
    (("conv_transpose", 3, 3), {"dilation": 2**62, "output_padding": 2**62 - 1}),
    (("conv_transpose", 3, 3), {"dilation": 2**62, "output_padding": 1}),
]


@pytest.mark.parametrize(("args", "kwargs"), OVERFLOWS)
def test_sizes_overflowing_int64_are_refused_as_torch_refuses_them(args, kwargs):
    op, i, k = args
    with pytest.raises(SpecError) as caught:
        Spec(op, (i,), (k,), **{n: (v,) for n, v in kwargs.items()})
    assert "\n" not in str(caught.value)
    x = torch.zeros(1, 1, i, dtype=torch.float64)
    w = torch.zeros(1, 1, k, dtype=torch.float64)
    function = torch.nn.functional.conv1d if op == "conv" else torch.nn.functional.conv_transpose1d
    with pytest.raises(RuntimeError):
        function(x, w, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"padding": 2**62},
            "padding = 4611686018427387904 is not valid: expected an integer of at most "
            "4611686018427387903 (PyTorch's bound)",
        ),
        (
            {"dilation": 2**62, "kernel_size": 3},
            "dilation = 4611686018427387904 is not valid: expected an integer of at most "
            "4611686018427387903 (the dilated kernel must span fewer than 2**63 cells)",
        ),
    ],
)
def test_overflow_messages(kwargs, message):
    kwargs = {"kernel_size": 1, **kwargs}
    with pytest.raises(SpecError) as caught:
        Spec("conv", 3, **kwargs)
    assert str(caught.value) == message


# -- the plan's channel and padding tables --------------------------------------------


def test_plan_frames_are_channel_first_and_know_their_input_channels():
    spec = Spec("conv", (4, 5), 3, in_channels=6, out_channels=4, groups=2, padding=1)
    the_plan = plan(spec)
    positions = spec.num_positions
    assert len(the_plan) == 4 * positions
    np.testing.assert_array_equal(the_plan.output_channel, np.repeat(np.arange(4), positions))
    np.testing.assert_array_equal(the_plan.group, np.repeat([0, 0, 1, 1], positions))
    np.testing.assert_array_equal(the_plan.group_input_channels, [[0, 1, 2], [3, 4, 5]])
    assert the_plan.input_channels.shape == (len(the_plan), 3)
    assert the_plan[positions * 3].input_channels == (3, 4, 5)
    assert the_plan[positions * 3].output_channel == 3
    for name in ("output_cell", "window_origin", "tap_position", "tap_kind", "tap_input_index"):
        array = getattr(the_plan, name)
        blocks = array.reshape(4, positions, *array.shape[1:])
        assert (blocks == blocks[:1]).all(), name
        assert not array.flags.writeable
    depthwise = plan(Spec("conv", 4, 3, in_channels=3, out_channels=6, groups=3))
    np.testing.assert_array_equal(depthwise.group_input_channels, [[0], [1], [2]])
    np.testing.assert_array_equal(depthwise.input_channels[:, 0], depthwise.output_channel // 2)
    pool = plan(Spec("max_pool", 4, 2, in_channels=3))
    np.testing.assert_array_equal(pool.input_channels[:, 0], pool.output_channel)


def test_one_channel_zero_padded_plans_keep_their_arrays():
    the_plan = plan(Spec("conv", 5, 3, stride=2, padding=1))
    assert len(the_plan) == 9
    assert (the_plan.output_channel == 0).all() and the_plan.group_input_channels.tolist() == [[0]]
    np.testing.assert_array_equal(the_plan.tap_source_index, the_plan.tap_input_index)
    assert set(np.unique(the_plan.tap_kind)) <= {CellKind.INPUT, CellKind.PADDING}
    np.testing.assert_array_equal(the_plan.flat_source_index(), the_plan.flat_input_index())


NUMPY_MODE = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_copied_padding_cells_name_the_cell_numpy_pad_copies(mode, ndim):
    sizes = (3, 4, 2)[:ndim]
    pairs = ((2, 1), (0, 3), (1, 1))[:ndim]
    if mode == "reflect":
        pairs = tuple(
            (min(b, s - 1), min(a, s - 1)) for (b, a), s in zip(pairs, sizes, strict=False)
        )
    spec = Spec("conv", sizes, 1, padding=pairs, padding_mode=mode)
    the_plan = plan(spec)
    for axis in range(ndim):
        index = np.indices(sizes)[axis]
        expected = np.pad(index, pairs, mode=NUMPY_MODE[mode])
        np.testing.assert_array_equal(the_plan.grid_source_index[..., axis], expected)
    padded = the_plan.grid_kind != CellKind.INPUT
    assert (the_plan.grid_kind[padded] == CellKind.COPY).all()


def test_ceil_mode_windows_past_the_padded_input_are_outside():
    spec = Spec("avg_pool", (5,), (2,), stride=(2,), ceil_mode=True)
    the_plan = plan(spec)
    assert spec.output_size == (3,) and spec.grid_size == (6,)
    assert the_plan.grid_kind.tolist() == [0] * 5 + [CellKind.OUTSIDE]
    x = np.arange(1.0, 6.0)
    np.testing.assert_array_equal(evaluate(spec, x), [1.5, 3.5, 5.0])
    line = spec.output_arithmetic()[0]
    assert line == "(5 + 2*0 - 2 + 2 - 1) // 2 + 1 = 3"
