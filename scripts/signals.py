"""Send Ctrl-C or SIGTERM to ``convanim render`` at fixed delays and tally the outcomes.

    PYTHONPATH=. python scripts/signals.py

Each run renders ``-i 6 -k 3`` through the installed console script (importing this
tree) and gets one signal after a delay from 0.03 s to 1 s. A clean outcome is exit 130
with the one line ``interrupted; no file was written`` and no file, or the file written
and said so, or the render finished first. Signals within CPython's own start-up (before
any convanim code runs; ``python -c pass`` alone takes that long) are beyond reach.
"""

from __future__ import annotations

import collections
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

DELAYS = (0.03, 0.06, 0.1, 0.15, 0.2, 0.3, 0.45, 0.6, 0.8, 1.0)


def outcome(status: int, stderr: str, exists: bool) -> str:
    if status == 130 and stderr == "convanim: interrupted; no file was written\n":
        return "130, one line, no file" if not exists else "130 but a file is there"
    if status == 130 and "was written" in stderr and exists:
        return "130, says written, file there"
    if status == 0 and exists:
        return "finished before the signal"
    if "Traceback" in stderr:
        return "traceback"
    return f"other: status {status}, file {'there' if exists else 'absent'}"


def main() -> None:
    script = shutil.which("convanim")
    if script is None:
        sys.exit("the convanim console script is not installed")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    print(f"python -c pass: {time.perf_counter() - start:.2f} s on this machine now")
    tally: collections.Counter[tuple[str, str]] = collections.Counter()
    for number in (signal.SIGINT, signal.SIGTERM):
        for delay in DELAYS:
            with tempfile.TemporaryDirectory() as folder:
                target = os.path.join(folder, "x.gif")
                command = [sys.executable, script, "render", "-i", "6", "-k", "3", "-q"]
                process = subprocess.Popen(
                    [*command, "-o", target], stderr=subprocess.PIPE, text=True
                )
                time.sleep(delay)
                process.send_signal(number)
                stderr = process.communicate()[1]
                kind = outcome(process.returncode, stderr, os.path.exists(target))
            tally[(signal.Signals(number).name, kind)] += 1
            if kind.startswith(("traceback", "other", "130 but")):
                print(f"  {signal.Signals(number).name} at {delay:.2f} s: {kind}")
    for (name, kind), count in sorted(tally.items()):
        print(f"{count:3d}  {name}  {kind}")


if __name__ == "__main__":
    main()
