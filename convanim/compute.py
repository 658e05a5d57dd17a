"""Results computed by walking a plan: the operation's output and its matrix ``C``.

Both functions read nothing but the :class:`~convanim.plan.Plan`: there is no second,
independent implementation of the arithmetic, so checking them against PyTorch checks the
plan that every picture is drawn from.
"""

from __future__ import annotations

import numbers

import numpy as np

from .limits import check_array
from .plan import CellKind, Plan, plan
from .spec import Spec, SpecError

__all__ = ["conv_matrix", "evaluate"]


def _as_plan(spec: Spec | Plan) -> Plan:
    """A plan of every frame (a selection's spec is planned whole)."""
    if isinstance(spec, Plan):
        return spec if spec.frame_ids == range(spec.spec.num_frames) else plan(spec.spec)
    return plan(spec)


def _check_array(
    name: str, array: object, shape: tuple[int, ...], *, shown: object = None
) -> np.ndarray:
    """``array`` as float64 of ``shape``; the error names ``shown`` (default ``shape``)."""
    if not isinstance(shown, str):
        shown = tuple(shape if shown is None else shown)
    try:
        # Numbers only: numpy would read the string "1" or True as 1.0.
        kind = np.asarray(array).dtype.kind
        if kind not in "iuf" and not (kind == "O" and _all_numbers(array)):
            raise TypeError
        if not isinstance(array, np.ndarray) and kind != "f" and not _all_numbers(array):
            raise TypeError  # a list mixing True with numbers reads as integers
        array = np.asarray(array, dtype=np.float64)
    except (TypeError, ValueError):
        raise SpecError(
            f"{name} is not valid: expected an array of numbers of shape {shown}",
            parameter=name,
            expected=f"an array of numbers of shape {shown}",
        ) from None
    if array.shape != tuple(shape):
        raise SpecError(
            f"{name}.shape = {array.shape} is not valid: expected {shown}",
            parameter=name,
            value=array.shape,
            expected=str(shown),
        )
    return array


def _all_numbers(array: object) -> bool:
    """Whether every element of an object array is a real number (not a bool or text)."""
    return all(
        isinstance(item, numbers.Real) and not isinstance(item, (bool, np.bool_))
        for item in np.asarray(array, dtype=object).ravel()
    )


def _single_channel(spec: Spec) -> bool:
    return spec.in_channels == spec.out_channels == spec.groups == 1


def _check_channel_array(
    name: str, array: object, shape: tuple[int, ...], spatial: tuple[int, ...], single: bool
) -> tuple[np.ndarray, bool]:
    """The array in its channel layout, and whether it was given without channel axes.

    A one-channel spec also takes the spatial-only array of convanim's first versions.
    """
    if not single:
        return _check_array(name, array, shape), False
    try:
        given = np.shape(array)
    except (TypeError, ValueError):
        given = None
    if given == tuple(spatial):
        return _check_array(name, array, spatial).reshape(shape), True
    # Name both shapes when it cannot be read; the spatial one for a wrong shape, as it
    # is what a one-channel caller means.
    try:
        np.asarray(array, dtype=np.float64)
    except (TypeError, ValueError):
        return _check_array(name, array, shape, shown=f"{tuple(shape)} or {tuple(spatial)}"), False
    return _check_array(name, array, shape, shown=spatial), False


def _refuse_weight(spec: Spec, weight: object, bias: object) -> None:
    if weight is not None:
        raise SpecError(
            f"weight is not valid for {spec.op}: expected None (pooling has no weights)"
        )
    if bias is not None:
        raise SpecError(f"bias is not valid for {spec.op}: expected None (pooling has no bias)")


def _group_weights(the_plan: Plan, weight: object) -> tuple[np.ndarray, bool]:
    """Per group, the weight of every (output channel, input channel, tap).

    Shape (G, out_channels // G, in_channels // G, T); the flag says whether ``weight``
    came spatial-only. Indexed as PyTorch indexes weights (cross-correlation); a
    transposed convolution's equivalent direct convolution uses the flipped kernel.
    """
    spec = the_plan.spec
    if weight is None:
        raise SpecError(
            f"weight = None is not valid for {spec.op}: expected an array of "
            f"shape {spec.kernel_size if _single_channel(spec) else spec.weight_shape}"
        )
    weight, spatial = _check_channel_array(
        "weight", weight, spec.weight_shape, spec.kernel_size, _single_channel(spec)
    )
    groups = spec.groups
    taps = weight[(Ellipsis, *the_plan.tap_weight_index.T)]  # (A, B, T)
    t = taps.shape[-1]
    if spec.transposed:
        # (in, out // g, T): input channel g*Cin_g + i feeds output g*Cout_g + j.
        per_group = taps.reshape(groups, spec.in_channels // groups, -1, t).transpose(0, 2, 1, 3)
    else:
        per_group = taps.reshape(groups, -1, spec.in_channels // groups, t)
    return per_group, spatial


def _divisor(the_plan: Plan, positions: int) -> np.ndarray:
    """avg_pool's divisor per position: PyTorch counts the window's cells inside the
    padded input (count_include_pad) or inside the input only; never the overhang."""
    kind = the_plan.tap_kind[:positions]
    if the_plan.spec.count_include_pad:
        counted = kind != CellKind.OUTSIDE
    else:
        counted = kind == CellKind.INPUT
    return counted.sum(axis=1).astype(np.float64)


def _chunk_frames(spec: Spec) -> int:
    """Frames per chunk of a walk: its gathered taps (channels x frames x taps floats)
    stay near 32 MB whatever the spec."""
    taps = max(1, int(np.prod(spec.kernel_size)))
    return max(1, 2**22 // (taps * spec.in_channels))


def _evaluate_chunk(
    chunk: Plan, flat_x: np.ndarray, per_group: np.ndarray | None, single: bool
) -> np.ndarray:
    """The output of a chunk of the first channel's frames, (out_channels, frames)."""
    spec = chunk.spec
    source = chunk.flat_source_index()
    reads = source >= 0
    if spec.is_pool:
        # Pooling reads each channel alone: group g is channel g.
        gathered = flat_x[:, np.where(reads, source, 0)]  # (C, P, T)
        if spec.op == "max_pool":
            # PyTorch pads max pooling with -inf: padding never wins.
            return np.where(reads, gathered, -np.inf).max(axis=2)
        # Sum, then divide, as PyTorch does: a product with 1/T rounds differently.
        summed = np.where(reads, gathered, 0.0).sum(axis=2)
        return summed / _divisor(chunk, len(chunk))
    gathered = np.where(reads, flat_x[:, np.where(reads, source, 0)], 0.0)  # (Cin, P, T)
    if single:
        # A sum along each row, not a BLAS product: a row's result does not depend on
        # how many rows the chunk has.
        return (gathered[0] * per_group[0, 0, 0]).sum(axis=1)[None]
    by_group = gathered[chunk.group_input_channels]  # (G, Cin_g, P, T)
    return np.einsum("goct,gcpt->gop", per_group, by_group).reshape(spec.out_channels, -1)


def evaluate(
    spec: Spec | Plan, x: object, weight: object = None, bias: object = None
) -> np.ndarray:
    """Compute the operation on one input (one batch item) by walking the plan.

    Parameters
    ----------
    spec : Spec or Plan
        The operation (a Plan is reused as it is).
    x : array_like, shape ``(in_channels, *spec.input_size)``
        The input. A one-channel spec also takes ``spec.input_size``.
    weight : array_like, optional
        The kernel in PyTorch's layout, ``spec.weight_shape``: ``(out, in // groups,
        *k)`` for conv, ``(in, out // groups, *k)`` for conv_transpose (a one-channel
        spec also takes ``spec.kernel_size``). Required for convolutions, refused for
        pooling. Indexed as PyTorch indexes it (cross-correlation).
    bias : array_like, shape ``(out_channels,)``, optional
        Added to every output cell of its channel (convolutions only).

    Returns
    -------
    ndarray of float64, shape ``spec.output_shape``
        What ``torch.nn.functional.<op><N>d`` returns for one batch item; shape
        ``spec.output_size`` when ``x`` was given without its channel axis.
    """
    the_plan = _as_plan(spec)
    spec = the_plan.spec
    single = _single_channel(spec)
    check_array("evaluate()'s output", spec.output_shape, 8, spec.input_size)
    x, spatial_x = _check_channel_array("x", x, spec.input_shape, spec.input_size, single)
    flat_x = x.reshape(spec.in_channels, -1)
    if spec.is_pool:
        _refuse_weight(spec, weight, bias)
        per_group = None
    else:
        per_group, _ = _group_weights(the_plan, weight)
        if bias is not None:
            bias = _check_array("bias", bias, (spec.out_channels,))
    result = np.empty((spec.out_channels, spec.num_positions))
    # Every output channel slides the same windows: the first channel's frames say it
    # all. Walked in chunks, so the gathered taps never hold more than one chunk.
    first_channel = plan(spec).select(range(spec.num_positions))
    size = _chunk_frames(spec)
    starts = range(0, len(first_channel), size)
    for start, chunk in zip(starts, first_channel.chunks(size), strict=True):
        result[:, start : start + len(chunk)] = _evaluate_chunk(chunk, flat_x, per_group, single)
    if bias is not None:
        result += bias[:, None]
    if spatial_x and single:
        return result.reshape(spec.output_size)
    return result.reshape(spec.output_shape)


def conv_matrix(spec: Spec | Plan, weight: object = None) -> np.ndarray:
    """The matrix ``C`` of a linear op: ``C @ x.ravel() == evaluate(spec, x, weight).ravel()``.

    Parameters
    ----------
    spec : Spec or Plan
        A ``conv``, ``conv_transpose`` or ``avg_pool`` operation.
    weight : array_like
        The kernel in PyTorch's layout (``spec.kernel_size`` also for a one-channel
        spec); ``None`` for ``avg_pool``. A bias is not part of ``C``.

    Returns
    -------
    ndarray of float64, shape (out_channels * output cells, in_channels * input cells)
        Row ``f`` holds the weight each input value gets in frame ``f``; inputs and
        outputs are unrolled in C order of ``(channel, *spatial)``. For a convolution and
        its transposed convolution (:meth:`Spec.transpose`), ``conv_matrix(transposed,
        w) == conv_matrix(conv, w).T``.
    """
    the_plan = _as_plan(spec)
    spec = the_plan.spec
    if spec.op == "max_pool":
        raise SpecError(
            "op = 'max_pool' is not valid here: expected a linear op (conv, "
            "conv_transpose or avg_pool)"
        )
    positions = spec.num_positions
    cells = int(np.prod(spec.input_size))
    # C is dense: refuse it before any of it (or the plan's arrays) is made.
    shape = (spec.num_frames, spec.in_channels * cells)
    check_array(f"conv_matrix()'s dense C ({shape[0]} x {shape[1]})", shape, 8, spec.input_size)
    source = the_plan.flat_source_index()  # (F, T)
    frames, taps = source.shape
    channels = the_plan.input_channels  # (F, Cg)
    if spec.op == "avg_pool":
        _refuse_weight(spec, weight, None)
        divisor = np.tile(_divisor(the_plan, positions), spec.out_channels)
        tap_weights = np.broadcast_to((1.0 / divisor)[:, None, None], (frames, 1, taps))
    else:
        per_group, _ = _group_weights(the_plan, weight)  # (G, Cout_g, Cin_g, T)
        # frame f writes channel o = g*Cout_g + j: its weights are per_group[g, j]
        out_per_group = spec.out_channels // spec.groups
        j = the_plan.output_channel % out_per_group
        tap_weights = per_group[the_plan.group, j]  # (F, Cg, T)
    matrix = np.zeros((frames, spec.in_channels * cells))
    shape = (frames, channels.shape[1], taps)
    rows = np.broadcast_to(np.arange(frames)[:, None, None], shape)
    columns = channels[:, :, None] * cells + source[:, None, :]
    real = np.broadcast_to(source[:, None, :] >= 0, shape)
    # A padding mode can copy one input cell into several taps of a window: add them.
    np.add.at(matrix, (rows[real], columns[real]), np.broadcast_to(tap_weights, shape)[real])
    return matrix
