"""The 15 tutorial animations as TikZ, compiled: ``python scripts/tikz_similarity.py``.

For each case of tests/cases.py: write the standalone TikZ document (one page per
frame), compile it with one pdflatex run (timed), rasterise its pages with
``pdftoppm -r 150`` and compare each page with convanim's raster frame by content
(tests/similarity.py). Against it, the original pipeline's cost: one pdflatex run per
frame, timed as one run of a single-frame document (frame 0 as a standalone page) times
the frame count. When ../shared/reference holds the conv_arithmetic GIFs, the pages are
also compared with the original's frames (column "vs GIF"). Needs pdflatex and pdftoppm;
run from a checkout.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

TESTS = Path(__file__).resolve().parents[1] / "tests"
REFERENCE = TESTS.parents[1] / "shared" / "reference" / "conv_arithmetic"
sys.path.insert(0, str(TESTS))

from cases import ALL_NAMES, DIRECT  # noqa: E402
from similarity import compare, gif_frames  # noqa: E402

from convanim import Spec  # noqa: E402
from convanim.backends.tikz import tikz_document, tikz_picture  # noqa: E402
from convanim.render import scene  # noqa: E402


def spec_of(name: str) -> Spec:
    base = name.removesuffix("_transposed")
    i, k, s, p, d, _, _ = DIRECT[base]
    spec = Spec("conv", i, k, stride=s, padding=p, dilation=d)
    return spec.transpose() if name.endswith("_transposed") else spec


def pdflatex(folder: Path, name: str, text: str) -> float:
    """Seconds one pdflatex run of ``text`` takes."""
    (folder / f"{name}.tex").write_text(text, encoding="utf-8")
    start = time.perf_counter()
    subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
        cwd=folder,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def pages(folder: Path, name: str) -> list[np.ndarray]:
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", f"{name}.pdf", f"{name}-page"], cwd=folder, check=True
    )
    files = sorted(folder.glob(f"{name}-page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return [np.asarray(Image.open(file).convert("RGB")) for file in files]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=ALL_NAMES, help="cases (all 15 by default)")
    args = parser.parse_args()
    print(
        f"{'animation':38s} frames  size     same  mean    worst   region   "
        f"tikz s  per-frame s  ratio  vs GIF"
    )
    totals = [0.0, 0.0]
    means = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in args.names:
            the_scene = scene(spec_of(name))
            drawing = the_scene.drawing
            seconds = pdflatex(folder, name, tikz_document(drawing, "standalone"))
            single = (
                "\\RequirePackage{fix-cm}\n\\documentclass[tikz,border=0pt]{standalone}\n"
                "\\begin{document}\n" + tikz_picture(drawing, 0) + "\\end{document}\n"
            )
            one = pdflatex(folder, f"{name}-one", single)
            original = one * len(the_scene)
            compiled = pages(folder, name)
            same = len(compiled) == len(the_scene) and all(
                page.shape == the_scene.frame(0).shape for page in compiled
            )
            results = [compare(page, the_scene.frame(index)) for index, page in enumerate(compiled)]
            overall = [result["overall"] for result in results]
            regions = [min(v for k, v in r.items() if k != "overall") for r in results]
            means.append(float(np.mean(overall)))
            gif = REFERENCE / f"{name}.gif"
            original_look = "-"
            if gif.is_file():
                theirs, _, _ = gif_frames(gif)
                scores = [compare(a, b)["overall"] for a, b in zip(compiled, theirs, strict=True)]
                original_look = f"{np.mean(scores):.4f}"
            totals[0] += seconds
            totals[1] += original
            width, height = the_scene.size
            print(
                f"{name:38s} {len(compiled):3d}/{len(the_scene):<3d} {width}x{height}  "
                f"{'yes' if same else 'NO ':4s} {np.mean(overall):.4f}  {min(overall):.4f}  "
                f"{min(regions):.4f}   {seconds:6.2f}  {original:10.2f}  "
                f"{original / seconds:5.1f}x  {original_look}"
            )
    print(
        f"{f'all {len(args.names)}':38s} {'':25s}{np.mean(means):.4f}  {'':16s} "
        f"{totals[0]:6.2f}  {totals[1]:10.2f}  {totals[1] / totals[0]:5.1f}x"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
