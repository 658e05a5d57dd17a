"""PyTorch as the oracle: run a Spec's operation through torch.nn.functional."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)


class Refused(Exception):
    """PyTorch refused the parameters."""


def torch_op(op: str, ndim: int, x: np.ndarray, weight: np.ndarray | None, **params) -> np.ndarray:
    """Run ``op`` through torch on one batch item and channel; raise Refused if torch does."""
    kernel, stride = params["kernel_size"], params["stride"]
    padding, dilation = params["padding"], params["dilation"]
    output_padding = params["output_padding"]
    xt = torch.tensor(np.array(x, dtype=np.float64, order="C", copy=True))[None, None]
    try:
        if op == "conv":
            if any(output_padding):
                raise Refused("conv has no output_padding")
            wt = torch.tensor(np.array(weight, dtype=np.float64, order="C", copy=True))[None, None]
            function = getattr(F, f"conv{ndim}d")
            result = function(xt, wt, stride=stride, padding=padding, dilation=dilation)
        elif op == "conv_transpose":
            wt = torch.tensor(np.array(weight, dtype=np.float64, order="C", copy=True))[None, None]
            function = getattr(F, f"conv_transpose{ndim}d")
            result = function(
                xt,
                wt,
                stride=stride,
                padding=padding,
                output_padding=output_padding,
                dilation=dilation,
            )
        elif op == "max_pool":
            if any(output_padding):
                raise Refused("max_pool has no output_padding")
            function = getattr(F, f"max_pool{ndim}d")
            result = function(xt, kernel, stride=stride, padding=padding, dilation=dilation)
        elif op == "avg_pool":
            if any(output_padding):
                raise Refused("avg_pool has no output_padding")
            if any(d != 1 for d in dilation):
                raise Refused("avg_pool has no dilation")
            function = getattr(F, f"avg_pool{ndim}d")
            result = function(xt, kernel, stride=stride, padding=padding)
        else:
            raise AssertionError(op)
    except (RuntimeError, ValueError) as error:
        raise Refused(str(error)) from error
    if result.numel() == 0:
        raise Refused("empty output")
    return result[0, 0].numpy()


def torch_output_shape(op: str, ndim: int, **params) -> tuple[int, ...]:
    """The output shape torch computes for an input of ones (weights of ones)."""
    x = np.ones(params["input_size"])
    weight = np.ones(params["kernel_size"]) if op.startswith("conv") else None
    return torch_op(op, ndim, x, weight, **params).shape


_PAD_LAYER_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "replicate"}


def torch_layer(op: str, ndim: int, x: np.ndarray, weight, bias, **params) -> np.ndarray:
    """Run a full spec (channels, groups, padding modes, ...) through torch.

    ``x`` is ``(in_channels, *input_size)``; ``params`` are Spec's keywords, with
    ``padding`` an int tuple, "same"/"valid" or a tuple of (before, after) pairs (run as
    ``torch.nn.functional.pad`` followed by an unpadded convolution). Returns the output
    for one batch item, ``(out_channels, *output_size)``; raises Refused if torch does.
    """
    p = dict(params)
    xt = torch.tensor(np.array(x, dtype=np.float64, order="C", copy=True))[None]
    wt = None if weight is None else torch.tensor(np.array(weight, dtype=np.float64, copy=True))
    bt = None if bias is None else torch.tensor(np.array(bias, dtype=np.float64, copy=True))
    padding = p.pop("padding")
    mode = p.pop("padding_mode", "zeros")
    in_channels = p.pop("in_channels", 1)
    out_channels = p.pop("out_channels", None)
    groups = p.pop("groups", 1)
    ceil_mode = p.pop("ceil_mode", None)
    count_include_pad = p.pop("count_include_pad", None)
    kernel, stride = p["kernel_size"], p["stride"]
    dilation, output_padding = p["dilation"], p["output_padding"]
    pairs = isinstance(padding, tuple) and any(isinstance(item, tuple) for item in padding)
    try:
        if op in ("conv", "conv_transpose"):
            # Keywords torch's convolutions do not have are passed anyway: torch refuses.
            extra = {}
            if ceil_mode is not None:
                extra["ceil_mode"] = ceil_mode
            if count_include_pad is not None:
                extra["count_include_pad"] = count_include_pad
            if out_channels is None:
                out_channels = in_channels
            transposed = op == "conv_transpose"
            if pairs:
                if transposed:
                    raise Refused("conv_transpose has no (before, after) padding")
                flat = []
                for item in reversed(padding):
                    flat += list(item) if isinstance(item, tuple) else [item, item]
                if mode == "circular":
                    xt = F.pad(xt, flat, mode="circular")
                else:
                    xt = F.pad(xt, flat, mode=_PAD_LAYER_MODE[mode])
                padding, mode = 0, "zeros"
            name = f"ConvTranspose{ndim}d" if transposed else f"Conv{ndim}d"
            if mode != "zeros" or extra:
                # torch.nn's module: its own checks of padding_mode and its limits.
                module_kwargs = dict(
                    stride=stride, padding=padding, dilation=dilation, groups=groups,
                    padding_mode=mode, bias=bt is not None, dtype=torch.float64, **extra,
                )  # fmt: skip
                if transposed:
                    module_kwargs["output_padding"] = output_padding
                module = getattr(torch.nn, name)(in_channels, out_channels, kernel, **module_kwargs)
                with torch.no_grad():
                    module.weight.copy_(wt)
                    if bt is not None:
                        module.bias.copy_(bt)
                    result = module(xt)
            elif transposed:
                # The weight (in, out // groups, *k) cannot tell torch out_channels:
                # torch.nn.ConvTranspose refuses out_channels that groups do not divide.
                if groups >= 1 and out_channels % groups:
                    raise Refused("out_channels must be divisible by groups")
                function = getattr(F, f"conv_transpose{ndim}d")
                result = function(
                    xt, wt, bt, stride=stride, padding=padding, output_padding=output_padding,
                    groups=groups, dilation=dilation,
                )  # fmt: skip
            else:
                if any(output_padding):
                    raise Refused("conv has no output_padding")
                function = getattr(F, f"conv{ndim}d")
                result = function(
                    xt, wt, bt, stride=stride, padding=padding, dilation=dilation, groups=groups
                )
        else:
            # torch's pooling has no such keywords: a spec that needs them is refused.
            if groups != 1 or (out_channels is not None and out_channels != in_channels):
                raise Refused("pooling has no groups and keeps its channels")
            if mode != "zeros":
                raise Refused("pooling has no padding_mode")
            if any(output_padding):
                raise Refused("pooling has no output_padding")
            extra = {} if ceil_mode is None else {"ceil_mode": ceil_mode}
            if op == "max_pool":
                if count_include_pad is not None:
                    extra["count_include_pad"] = count_include_pad
                function = getattr(F, f"max_pool{ndim}d")
                result = function(
                    xt, kernel, stride=stride, padding=padding, dilation=dilation, **extra
                )
            else:
                if any(d != 1 for d in dilation):
                    raise Refused("avg_pool has no dilation")
                if count_include_pad is not None:
                    extra["count_include_pad"] = count_include_pad
                function = getattr(F, f"avg_pool{ndim}d")
                result = function(xt, kernel, stride=stride, padding=padding, **extra)
    except (RuntimeError, ValueError, TypeError) as error:
        raise Refused(str(error).splitlines()[0] if str(error) else type(error).__name__) from error
    if result.numel() == 0:
        raise Refused("empty output")
    return result[0].numpy()
