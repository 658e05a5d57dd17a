"""Each frame's arithmetic as words: the output cell, the taps it reads, the sum.

The HTML player shows these beside the picture (and a notebook explorer under it), so a
reader can check a frame by hand. Pure numpy: the text is read off the plan (and the
numbers, when they are drawn), never off a picture.
"""

from __future__ import annotations

import numpy as np

from ..plan import CellKind, Plan
from ..values import Numbers, format_number

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


def frame_notes(the_plan: Plan, numbers: Numbers | None = None) -> tuple[str, ...]:
    """One note per frame: what output cell it writes, from which taps, and (with
    ``numbers``) the sum that gives its value.

    Parameters
    ----------
    the_plan : Plan
        The frames.
    numbers : Numbers, optional
        The values drawn; without them a note names cells only.

    Returns
    -------
    tuple of str
        ``len(the_plan)`` notes; a note with numbers has a second line, the sum (or
        max, or mean) written out weight·input term by term and its result, one decimal, as the
        picture prints it.

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
    total = len(the_plan)
    op = spec.op
    for index in range(total):
        kinds = the_plan.tap_kind[index]
        real = np.flatnonzero(kinds == CellKind.INPUT)
        inputs = the_plan.tap_input_index[index][real]
        padding = int((kinds == CellKind.PADDING).sum())
        inserted = int((kinds == CellKind.INSERTED).sum())
        reads = ", ".join(_cell(cell) for cell in inputs) or "no input cell"
        line = (
            f"output {_cell(the_plan.output_cell[index])} ← input {reads}"
            f"{_zeros(padding, inserted)}"
        )
        if numbers is not None:
            values = [numbers.x[tuple(cell)] for cell in inputs]
            result = format_number(numbers.output.ravel()[index], decimals=1)
            shown = [format_number(v) for v in values]
            if op == "max_pool":
                line += f"\nmax({', '.join(shown)}) = {result}"
            elif op == "avg_pool":
                taps = len(kinds)
                line += f"\n({' + '.join(shown) or '0'}) / {taps} = {result}"
            else:
                weights = numbers.tap_weight[real]
                terms = [f"{format_number(w)}·{v}" for w, v in zip(weights, shown, strict=True)]
                line += f"\n{' + '.join(terms) or '0'} = {result}"
        notes.append(line)
    return tuple(notes)
