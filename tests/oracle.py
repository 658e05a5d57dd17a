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
