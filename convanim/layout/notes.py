"""Each frame's arithmetic as words: the output cell, the taps it reads, the sum.

The HTML player shows these beside the picture (and a notebook explorer under it), so a
reader can check a frame by hand. Pure numpy: the text is read off the plan (and the
numbers, when they are drawn), never off a picture.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..plan import CellKind, Plan
from ..values import Numbers, format_number
from .stacks import weights_by_output

__all__ = ["frame_notes"]


def _cell(index) -> str:
    values = [int(v) for v in np.atleast_1d(index)]
    return str(values[0]) if len(values) == 1 else "(" + ", ".join(map(str, values)) + ")"


def _zeros(padding: int, inserted: int) -> str:
    parts = []
    if padding:
        parts.append(f"{padding} padding")
    if inserted:
        parts.append(f"{inserted} inserted")
    if not parts:
        return ""
    count = padding + inserted
    return f" and {count} zero{'s' if count != 1 else ''} ({', '.join(parts)})"


def frame_notes(
    the_plan: Plan, numbers: Numbers | None = None, frames: Sequence[int] | None = None
) -> tuple[str, ...]:
    """One note per frame: what output cell it writes, from which taps, and (with
    ``numbers``) the sum that gives its value.

    Parameters
    ----------
    the_plan : Plan
        The frames.
    numbers : Numbers, optional
        The values drawn; without them a note names cells only.
    frames : sequence of int, optional
        The plan frames animated (a scene's ``frame_indices``); every frame by default.

    Returns
    -------
    tuple of str
        One note per frame; a note with numbers has a second line, the sum (or max, or
        mean) written out weight·input term by term and its result, one decimal, as the
        picture prints it. With several channels a note names the output channel and
        the input channels read, and the sum runs over every channel read.

    Examples
    --------
    >>> from convanim import Spec, numbers, plan
    >>> p = plan(Spec("conv", 3, 2))
    >>> print(frame_notes(p, numbers(p, x=[[1, 2, 0], [0, 1, 3], [2, 2, 1]],
    ...                                weight=[[1, 0], [2, 1]]))[1])
    output (0, 1) ← input (0, 1), (0, 2), (1, 1), (1, 2)
    1·2 + 0·0 + 2·1 + 1·3 = 7.0
    """
    spec = the_plan.spec
    notes = []
    op = spec.op
    channels = not (spec.in_channels == spec.out_channels == spec.groups == 1)
    if frames is None:
        frames = range(len(the_plan))
    x = weights = output = None
    if numbers is not None:
        x = np.asarray(numbers.x).reshape(spec.in_channels, *spec.input_size)
        output = np.asarray(numbers.output).ravel()
        if numbers.tap_weight is not None:
            weights = weights_by_output(spec, numbers.tap_weight)
    for index in frames:
        kinds = the_plan.tap_kind[index]
        # What each tap reads: its input cell, or the one a copying padding cell repeats.
        reads_cell = (kinds == CellKind.INPUT) | (kinds == CellKind.COPY)
        real = np.flatnonzero(reads_cell)
        inputs = the_plan.tap_source_index[index][real]
        padding = int((kinds == CellKind.PADDING).sum())
        inserted = int((kinds == CellKind.INSERTED).sum())
        reads = ", ".join(_cell(cell) for cell in inputs) or "no input cell"
        target = _cell(the_plan.output_cell[index])
        read_channels = [int(c) for c in the_plan.input_channels[index]]
        if channels:
            out_channel = int(the_plan.output_channel[index])
            target = f"channel {out_channel} {target}"
            plural = "s" if len(read_channels) > 1 else ""
            reads = f"channel{plural} {_channels(read_channels)} at {reads}"
        line = f"output {target} ← input {reads}{_zeros(padding, inserted)}"
        if numbers is not None:
            result = format_number(output[index], decimals=1)
            shown = [
                format_number(x[(channel, *cell)]) for channel in read_channels for cell in inputs
            ]
            if op == "max_pool":
                line += f"\nmax({', '.join(shown)}) = {result}"
            elif op == "avg_pool":
                # PyTorch's divisor: the window inside the padded input, or (padding
                # not counted) the input cells alone.
                inside = int((kinds != CellKind.OUTSIDE).sum())
                taps = inside if spec.count_include_pad else max(len(real), 1)
                line += f"\n({' + '.join(shown) or '0'}) / {taps} = {result}"
            else:
                out_channel = int(the_plan.output_channel[index])
                tap_weights = [
                    weights[out_channel, local, tap]
                    for local in range(len(read_channels))
                    for tap in real
                ]
                terms = [f"{format_number(w)}·{v}" for w, v in zip(tap_weights, shown, strict=True)]
                line += f"\n{' + '.join(terms) or '0'} = {result}"
        notes.append(line)
    return tuple(notes)


def _channels(channels: list[int]) -> str:
    """``0``, ``0-3`` (consecutive) or ``0, 2, 5``."""
    if len(channels) > 2 and channels == list(range(channels[0], channels[-1] + 1)):
        return f"{channels[0]}-{channels[-1]}"
    return ", ".join(map(str, channels))
