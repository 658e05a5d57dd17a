"""Flat memory in every writer: 100 and 1,000 frames of a large picture, in subprocesses.

Each run is a fresh interpreter that writes a synthetic animation (a large picture in
which a small block moves, as a convanim window does) and reports two peaks:
tracemalloc's (numpy's and Python's allocations) and the growth of the process's peak
resident memory (VmHWM, which also sees C libraries such as libwebp; ffmpeg runs in its
own process) over its resident memory before writing. Both must stay within a few
frames' raw bytes plus a constant, and must not grow with the frame count.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WIDTH, HEIGHT = 800, 600  # 0.48 Mpx: large enough that a frame's bytes dominate
FRAME = WIDTH * HEIGHT * 4  # one RGBA frame, the largest form a writer holds
FRAMES_HELD = 16  # bound: this many frames' bytes...
CONSTANT = 8 * 2**20  # ...plus this much (buffers, encoder state)
RSS_CONSTANT = 32 * 2**20  # the resident bound's constant (allocator slack, libraries)

CHILD = textwrap.dedent(
    """
    import json, sys, tracemalloc
    from pathlib import Path
    import numpy as np
    from convanim.writers import WriteOptions, writers

    name, count, width, height, out = sys.argv[1:]
    count, width, height = int(count), int(width), int(height)

    def status(key):
        line = [row for row in open("/proc/self/status") if row.startswith(key)][0]
        return int(line.split()[1]) * 1024

    class Source:
        # A large picture with a 32-px block stepping across it, frame by frame; the
        # source reuses one buffer, as a matplotlib canvas does.
        def __init__(self):
            self.size = (width, height)
            self.base = np.full((height, width, 4), 255, np.uint8)
            self.base[::7, :, :3] = 200
            self.buffer = self.base.copy()

        def __len__(self):
            return count

        def _at(self, index):
            np.copyto(self.buffer, self.base)
            y, x = (index * 13) % (height - 40), (index * 29) % (width - 40)
            self.buffer[y : y + 32, x : x + 32, :3] = (index * 37 % 255, 80, 160)
            return self.buffer

        def frame(self, index):
            return self._at(index)[..., :3].copy()

        def frame_rgba(self, index):
            return self._at(index).copy()

        def frames(self):
            for index in range(count):
                yield self._at(index)[..., :3]

        def frames_rgba(self):
            for index in range(count):
                yield self._at(index)

    source = Source()
    writer = writers()[name]
    before = status("VmRSS")
    tracemalloc.start()
    writer.write(source, Path(out), WriteOptions(duration=40))
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(json.dumps({"traced": traced, "resident": status("VmHWM") - before}))
    """
)


def peaks(name: str, count: int, folder: Path) -> dict[str, int]:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, name, str(count), str(WIDTH), str(HEIGHT),
         str(folder / f"out{count}.{name}")],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=600,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.parametrize("name", ["gif", "apng", "webp", "mp4"])
def test_memory_is_a_few_frames_and_flat_in_the_frame_count(name: str, tmp_path: Path) -> None:
    few, many = peaks(name, 100, tmp_path), peaks(name, 1000, tmp_path)
    shown = f"{name}: 100 frames {few}, 1000 frames {many}; one frame is {FRAME:,} bytes"
    for run in (few, many):
        assert run["traced"] <= FRAMES_HELD * FRAME + CONSTANT, shown
        assert run["resident"] <= FRAMES_HELD * FRAME + RSS_CONSTANT, shown
    # Nothing per frame is kept: 900 more frames add less than one frame's bytes.
    assert many["traced"] - few["traced"] < FRAME, shown
    assert many["resident"] - few["resident"] < FRAME + 4 * 2**20, shown
