"""Smoke test of scripts/bench.py --quick: it runs, exits 0 and prints every row.

No timing is asserted: the numbers depend on the machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "scripts" / "bench.py"


def test_bench_quick_prints_every_row(tmp_path):
    numbers = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--json", str(numbers)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    out = done.stdout
    lines = out.splitlines()
    assert lines[0].startswith("convanim bench (quick): cores ")
    for name in ("python", "numpy", "matplotlib", "pillow", "imageio"):
        assert f" {name} " in lines[0]

    def row(label: str) -> str:
        found = [line for line in lines if line.startswith(label)]
        assert found, f"no {label!r} row in:\n{out}"
        return found[0]

    def target_row(label: str) -> str:
        """A row with a target: its status column says whether the run met it."""
        line = row(label)
        assert line.rstrip().endswith(("PASS", "MISS")), line
        return line

    assert "FuncAnimation" in target_row("gallery jobs=1")
    target_row("gallery parallel")
    assert "jobs=1" in target_row("gallery vs strict baseline")
    gallery_bytes = row("gallery bytes")
    assert "skipped" in gallery_bytes or "(committed" in target_row("gallery bytes")
    for part in ("plan", "scene build", "draw", "encode", "FuncAnimation"):
        row(f"per-frame {part} ")
    target_row("per-frame draw+encode ")
    assert "x floor" in target_row("per-frame floor ")
    for side in (4, 16, 32):
        assert "ms/frame" in row(f"growth {side}x{side} ")
    row("growth 32x32 / 4x4")
    bytes_row = row("bytes")
    assert "skipped" in bytes_row or "(reference)" in bytes_row
    if "skipped" in bytes_row:
        assert "bytes: skipped" in out
    else:
        target_row("bytes")
    row("planner")
    if "skipped" not in row("explorer"):
        target_row("explorer")
    assert "x the imports" in target_row("first frame ")
    for writer in ("gif", "apng", "webp", "mp4"):
        assert "ms/frame" in row(f"big {writer} ") and "peak RSS" in row(f"big {writer} ")
    assert "(exit 2)" in target_row("refuse -i 2176")
    dask_row = row("gallery on Dask")
    assert "skipped" in dask_row or "cluster start-up" in dask_row
    assert "--quick" in out  # the quick run says what it shortened

    document = json.loads(numbers.read_text())
    assert document["mode"] == "quick"
    assert {"cores", "python", "numpy", "matplotlib", "pillow", "imageio"} <= set(
        document["header"]
    )
    assert len(document["rows"]) == len(
        [
            line
            for line in lines
            if line.startswith(
                (
                    "gallery",
                    "per-frame",
                    "growth",
                    "bytes",
                    "planner",
                    "explorer",
                    "first frame",
                    "big ",
                    "refuse",
                )
            )
        ]
    )
