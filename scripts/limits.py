"""Measure the largest requests convanim accepts: each writer at the largest picture, and
``conv_matrix`` as it grows. Every figure comes from a fresh subprocess (its own peak RSS).

    PYTHONPATH=. python scripts/limits.py            # every writer, conv_matrix to 512 MB
    PYTHONPATH=. python scripts/limits.py --quick    # PNG, SVG and GIF only; to 128 MB

The largest picture is found by bisection: the largest ``conv`` input ``n`` whose
tutorial picture (kernel ``n - 1``, so 4 frames) passes the drawable size check at the
default 150 dpi. One spec one step larger is refused: that refusal is timed too.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

CAP = 6 * 2**30
"""Address-space cap of every child (6 GiB): a runaway writer fails with MemoryError
instead of calling in the kernel's OOM killer on a shared machine."""

CHILD = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
start = time.perf_counter()
outcome = "written"
try:
{body}
except Exception as error:  # what a user would see
    outcome = f"{{type(error).__name__}}: {{str(error)[:160]}}"
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "peak_mb": peak, "outcome": outcome}}))
"""


def child(body: str) -> dict:
    body = "\n".join("    " + line for line in body.strip().splitlines())
    code = CHILD.format(body=body, cap=CAP)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if done.returncode != 0:
        why = done.stderr.strip().splitlines()[-1:] or [f"died (status {done.returncode})"]
        return {"seconds": float("nan"), "peak_mb": float("nan"), "outcome": why[0][:200]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def largest_picture() -> tuple[int, tuple[int, int]]:
    from convanim import Spec
    from convanim.drawable import check_size
    from convanim.errors import SpecError
    from convanim.layout import TUTORIAL, pixel_size
    from convanim.layout.planes import plane_extent
    from convanim.theme import TUTORIAL_THEME

    def size(n: int) -> tuple[int, int] | None:
        extent, border = plane_extent(Spec("conv", n, n - 1), TUTORIAL, TUTORIAL_THEME)
        width, height = pixel_size(extent, border, 150.0, "tex")
        try:
            check_size(width, height, 150.0)
        except SpecError:
            return None
        return width, height

    low, high = 2, 4096
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if size(middle) else (low, middle - 1)
    return low, size(low)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--writers", help="comma-separated writer names (all by default)")
    args = parser.parse_args()
    n, (width, height) = largest_picture()
    print(f"largest tutorial picture at 150 dpi: conv {n}x{n}, k {n - 1} ({width}x{height} px)")
    print("\nwriter  seconds  peak MB  outcome")
    names = ["png", "svg", "gif"] if args.quick else [
        "png", "svg", "pdf", "gif", "webp", "apng", "mp4", "html", "tex",
    ]  # fmt: skip
    if args.writers:
        names = args.writers.split(",")
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            target = Path(folder) / f"x.{name}"
            result = child(
                f"from convanim import Spec, save\n"
                f"save(Spec('conv', {n}, {n - 1}), {str(target)!r}, progress=False)"
            )
            size = f", {target.stat().st_size / 1e6:.1f} MB file" if target.exists() else ""
            print(
                f"{name:6s} {result['seconds']:8.2f} {result['peak_mb']:8.0f}  "
                f"{result['outcome']}{size}"
            )
            target.unlink(missing_ok=True)
        refused = child(
            f"from convanim import Spec, save\n"
            f"save(Spec('conv', {n + 1}, {n}), {str(Path(folder) / 'y.gif')!r}, progress=False)"
        )
        print(
            f"\none step larger (conv {n + 1}, k {n}): {refused['seconds']:.2f} s, "
            f"{refused['peak_mb']:.0f} MB peak: {refused['outcome']}"
        )
    print("\nconv_matrix(Spec('conv', n, 3), w): dense float64, frames x input cells")
    print("     n  matrix MB  seconds  peak MB  outcome")
    top = 128 if args.quick else 512
    for n in (16, 32, 48, 64, 80, 96, 112, 128, 160, 200, 256, 512):
        matrix_mb = (n - 2) ** 2 * n**2 * 8 / 1e6
        if matrix_mb > top * 4 and n != 512:
            continue
        body = (
            "import numpy as np\nfrom convanim import Spec, conv_matrix\n"
            f"conv_matrix(Spec('conv', {n}, 3), np.ones((3, 3)))"
        )
        result = child(body)
        print(
            f"{n:6d} {matrix_mb:10.0f} {result['seconds']:8.2f} {result['peak_mb']:8.0f}  "
            f"{result['outcome']}"
        )


if __name__ == "__main__":
    main()
