"""Bytes and time of one animation in every format: ``python scripts/formats.py``.

Writes ``Spec("conv", 5, 3, padding=1)`` (25 frames, the tutorial's same_padding_no_strides)
with each registered writer into a temporary folder and prints one line per format:
file size, wall time (best of three runs, rendering included) and what a decoder reads
back (frames, size). Run from a checkout or anywhere convanim is installed.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from PIL import Image

from convanim import Spec, save
from convanim.writers import writers


def _decoded(path: Path) -> str:
    if path.is_dir():
        files = sorted(path.iterdir())
        with Image.open(files[0]) as first:
            return f"{len(files)} PNG files, {first.size[0]}x{first.size[1]}"
    if path.suffix in (".svg", ".pdf"):
        return "vector still"
    if path.suffix == ".tex":
        return "TikZ source, a still tikzpicture (the default variant)"
    if path.suffix == ".mp4":
        import imageio_ffmpeg

        reader = imageio_ffmpeg.read_frames(str(path))
        meta = next(reader)
        count = sum(1 for _ in reader)
        return f"{count} frames, {meta['size'][0]}x{meta['size'][1]}, {meta['fps']:g} fps"
    with Image.open(path) as image:
        frames = getattr(image, "n_frames", 1)
        return f"{frames} frames, {image.size[0]}x{image.size[1]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per format (best is shown)")
    args = parser.parse_args()
    spec = Spec("conv", 5, 3, padding=1)
    print(f"{spec.describe()}: {spec.num_frames} frames")
    print(f"{'format':8s} {'bytes':>10s} {'ms':>8s}  decoded")
    with tempfile.TemporaryDirectory() as folder:
        for name, writer in sorted(writers().items()):
            extension = writer.extensions[0] if writer.extensions else ""
            path = Path(folder) / f"animation_{name}{extension}"
            best = float("inf")
            for _ in range(args.repeat):
                start = time.perf_counter()
                save(spec, path, format=name, progress=False)
                best = min(best, time.perf_counter() - start)
            size = (
                sum(p.stat().st_size for p in path.iterdir())
                if path.is_dir()
                else path.stat().st_size
            )
            print(f"{name:8s} {size:>10,d} {best * 1000:>8.0f}  {_decoded(path)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
