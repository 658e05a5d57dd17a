"""Bytes of the HTML player against the GIF for the 15 tutorial animations.

Run ``python scripts/player_sizes.py``: writes both files for each case (tests/cases.py)
into a temporary folder and prints one line per case and the totals.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from cases import ALL_NAMES, DIRECT

from convanim import Spec, save


def spec_of(name: str) -> Spec:
    i, k, s, p, d, _, _ = DIRECT[name.removesuffix("_transposed")]
    spec = Spec("conv", i, k, stride=s, padding=p, dilation=d)
    return spec.transpose() if name.endswith("_transposed") else spec


def main() -> int:
    head = f"{'animation':40s} {'frames':>6s} {'GIF bytes':>10s} {'player bytes':>13s}"
    print(head + f" {'ratio':>6s}")
    totals = [0, 0]
    with tempfile.TemporaryDirectory() as folder:
        for name in ALL_NAMES:
            spec = spec_of(name)
            gif = save(spec, Path(folder) / f"{name}.gif", progress=False).stat().st_size
            html = save(spec, Path(folder) / f"{name}.html", progress=False).stat().st_size
            totals[0] += gif
            totals[1] += html
            print(f"{name:40s} {spec.num_frames:6d} {gif:10,d} {html:13,d} {html / gif:6.3f}")
    print(f"{'all 15':40s} {'':6s} {totals[0]:10,d} {totals[1]:13,d} {totals[1] / totals[0]:6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
