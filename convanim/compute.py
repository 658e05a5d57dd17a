"""Results computed by walking a plan: the operation's output and its matrix ``C``.

Both functions read nothing but the :class:`~convanim.plan.Plan`: there is no second,
independent implementation of the arithmetic, so checking them against PyTorch checks the
plan that every picture is drawn from.
"""

from __future__ import annotations

import numpy as np

from .plan import Plan, plan
from .spec import Spec, SpecError

__all__ = ["conv_matrix", "evaluate"]


def _as_plan(spec: Spec | Plan) -> Plan:
    return spec if isinstance(spec, Plan) else plan(spec)


def _check_array(name: str, array: object, shape: tuple[int, ...]) -> np.ndarray:
    try:
        array = np.asarray(array, dtype=np.float64)
    except (TypeError, ValueError):
        raise SpecError(
            f"{name} is not valid: expected an array of numbers of shape {tuple(shape)}"
        ) from None
    if array.shape != tuple(shape):
        raise SpecError(f"{name}.shape = {array.shape} is not valid: expected {tuple(shape)}")
    return array


def _tap_weights(the_plan: Plan, weight: object) -> np.ndarray:
    """The weight each tap multiplies, shape (T,); the pooling 'weights' for avg_pool."""
    spec = the_plan.spec
    if spec.op == "avg_pool":
        if weight is not None:
            raise SpecError(
                "weight is not valid for avg_pool: expected None (pooling has no weights)"
            )
        # count_include_pad=True: padded zeros count in the mean, as PyTorch's default.
        taps = the_plan.kernel_index.shape[0]
        return np.full(taps, 1.0 / taps)
    if spec.op == "max_pool":
        raise SpecError(
            "op = 'max_pool' is not valid here: expected a linear op (conv, "
            "conv_transpose or avg_pool)"
        )
    if weight is None:
        raise SpecError(
            f"weight = None is not valid for {spec.op}: expected an array of "
            f"shape {spec.kernel_size}"
        )
    weight = _check_array("weight", weight, spec.kernel_size)
    return weight[tuple(the_plan.tap_weight_index.T)]


def evaluate(spec: Spec | Plan, x: object, weight: object = None) -> np.ndarray:
    """Compute the operation on one single-channel input by walking the plan.

    Parameters
    ----------
    spec : Spec or Plan
        The operation (a Plan is reused as it is).
    x : array_like, shape ``spec.input_size``
        The input.
    weight : array_like, shape ``spec.kernel_size``, optional
        The kernel; required for ``conv`` and ``conv_transpose``, refused for pooling.
        Indexed as PyTorch indexes ``weight[0, 0]`` (cross-correlation).

    Returns
    -------
    ndarray of float64, shape ``spec.output_size``
        What ``torch.nn.functional.<op><N>d`` returns for one batch item and channel.
    """
    the_plan = _as_plan(spec)
    spec = the_plan.spec
    x = _check_array("x", x, spec.input_size)
    flat_index = the_plan.flat_input_index()
    real = flat_index >= 0
    if spec.op == "max_pool":
        if weight is not None:
            raise SpecError(
                "weight is not valid for max_pool: expected None (pooling has no weights)"
            )
        # PyTorch pads max pooling with -inf: padding never wins.
        values = np.where(real, x.ravel()[np.where(real, flat_index, 0)], -np.inf)
        result = values.max(axis=1)
    else:
        values = np.where(real, x.ravel()[np.where(real, flat_index, 0)], 0.0)
        if spec.op == "avg_pool":
            _tap_weights(the_plan, weight)  # refuses a weight
            # Sum, then divide, as PyTorch does: a product with 1/T rounds differently.
            result = values.sum(axis=1) / values.shape[1]
        else:
            result = values @ _tap_weights(the_plan, weight)
    return result.reshape(spec.output_size)


def conv_matrix(spec: Spec | Plan, weight: object = None) -> np.ndarray:
    """The matrix ``C`` of a linear op: ``C @ x.ravel() == evaluate(spec, x, weight).ravel()``.

    Parameters
    ----------
    spec : Spec or Plan
        A ``conv``, ``conv_transpose`` or ``avg_pool`` operation.
    weight : array_like, shape ``spec.kernel_size``
        The kernel (``None`` for ``avg_pool``).

    Returns
    -------
    ndarray of float64, shape (output cells, input cells)
        Row ``f`` holds the weight each input cell gets in frame ``f``; inputs and
        outputs are unrolled in C order. For a convolution and its transposed
        convolution (:meth:`Spec.transpose`), ``conv_matrix(transposed, w) ==
        conv_matrix(conv, w).T``.
    """
    the_plan = _as_plan(spec)
    spec = the_plan.spec
    tap_weights = _tap_weights(the_plan, weight)
    flat_index = the_plan.flat_input_index()
    frames, taps = flat_index.shape
    matrix = np.zeros((frames, int(np.prod(spec.input_size))))
    real = flat_index >= 0
    rows = np.broadcast_to(np.arange(frames)[:, None], (frames, taps))
    # A dilated window never covers one cell twice, but add.at keeps this honest anyway.
    np.add.at(
        matrix, (rows[real], flat_index[real]), np.broadcast_to(tap_weights, (frames, taps))[real]
    )
    return matrix
