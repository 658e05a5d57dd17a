"""Compare convanim's frames with the conv_arithmetic reference GIFs by content.

Each pixel is labelled by its nearest colour among the tutorial's flat colours (white,
blue input, cyan output, the 40 % shade over each, and dark lines); two frames are
compared label by label. Run as a script to print the per-animation table:

    python tests/similarity.py [GALLERY_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image

LABELS = {
    "white": (255, 255, 255),
    "input": (38, 139, 210),
    "output": (42, 161, 152),
    "shade on padding": (156, 175, 179),
    "shade on input": (26, 105, 152),
    "shade on output": (28, 118, 118),
    "line": (0, 43, 54),
}
NAMES = list(LABELS)
_COLORS = np.array(list(LABELS.values()), dtype=np.int32)


def gif_frames(path: Path) -> tuple[list[np.ndarray], list[int], int | None]:
    """Every frame of a GIF, composited, as RGB arrays; per-frame durations; loop."""
    frames, durations = [], []
    with Image.open(path) as image:
        loop = image.info.get("loop")
        for index in range(image.n_frames):
            image.seek(index)
            frames.append(np.asarray(image.convert("RGB")))
            durations.append(image.info.get("duration"))
    return frames, durations, loop


def label(frame: np.ndarray) -> np.ndarray:
    """Nearest tutorial colour of every pixel, as an index into NAMES."""
    pixels = frame.reshape(-1, 3).astype(np.int32)
    distance = ((pixels[:, None, :] - _COLORS[None]) ** 2).sum(-1)
    return distance.argmin(axis=1).reshape(frame.shape[:2])


def _uniform(labels: np.ndarray) -> np.ndarray:
    """Pixels whose 3x3 neighbourhood has one label: region interiors, not edges."""
    padded = np.pad(labels, 1, mode="edge")
    same = np.ones(labels.shape, dtype=bool)
    height, width = labels.shape
    for dy in range(3):
        for dx in range(3):
            same &= padded[dy : dy + height, dx : dx + width] == labels
    return same


def _near(mask: np.ndarray, radius: int = 1) -> np.ndarray:
    """``mask`` grown by ``radius`` pixels."""
    padded = np.pad(mask, radius)
    height, width = mask.shape
    grown = np.zeros_like(mask)
    for dy in range(2 * radius + 1):
        for dx in range(2 * radius + 1):
            grown |= padded[dy : dy + height, dx : dx + width]
    return grown


def compare(ours: np.ndarray, reference: np.ndarray, anchor: str = "bottom") -> dict[str, float]:
    """Agreement of two frames by drawn region.

    Frames are aligned at the bottom-left, where the animations are anchored (or at the
    top-left, ``anchor="top"``, as the numerical figures are). Regions
    (input, output, the three shades) are compared on their interiors (anti-aliased
    edges are where two renderers legitimately differ by a fraction of a pixel):
    ``overall`` is the fraction of interior pixels, drawn in either frame, with the same
    label; each region's figure is its intersection over union there. ``line`` is the
    F-score of dark line pixels matched within one pixel.
    """
    height = min(ours.shape[0], reference.shape[0])
    width = min(ours.shape[1], reference.shape[1])
    if anchor == "bottom":
        a = label(ours[ours.shape[0] - height :, :width])
        b = label(reference[reference.shape[0] - height :, :width])
    else:
        a, b = label(ours[:height, :width]), label(reference[:height, :width])
    line = NAMES.index("line")
    interior = (_uniform(a) | _uniform(b)) & ((a != 0) | (b != 0)) & (a != line) & (b != line)
    result = {"overall": float((a == b)[interior].mean()) if interior.any() else 1.0}
    for index, name in enumerate(NAMES[1:], start=1):
        if index == line:
            continue
        in_a, in_b = (a == index) & interior, (b == index) & interior
        union = in_a | in_b
        if union.sum() >= 20:  # a region must be more than an anti-aliasing speck
            result[name] = float((in_a & in_b).sum() / union.sum())
    lines_a, lines_b = a == line, b == line
    if lines_a.any() or lines_b.any():
        precision = (lines_a & _near(lines_b)).sum() / max(lines_a.sum(), 1)
        recall = (lines_b & _near(lines_a)).sum() / max(lines_b.sum(), 1)
        result["line"] = float(2 * precision * recall / max(precision + recall, 1e-9))
    return result


def compare_gifs(ours: Path, reference: Path) -> dict[str, object]:
    """Frame-by-frame comparison of two GIFs."""
    our_frames, our_durations, our_loop = gif_frames(ours)
    ref_frames, ref_durations, ref_loop = gif_frames(reference)
    per_frame = [compare(a, b) for a, b in zip(our_frames, ref_frames, strict=False)]
    return {
        "frames": (len(our_frames), len(ref_frames)),
        "durations": (our_durations, ref_durations),
        "loop": (our_loop, ref_loop),
        "size": (our_frames[0].shape[1::-1], ref_frames[0].shape[1::-1]),
        "per_frame": per_frame,
        "overall": float(np.mean([f["overall"] for f in per_frame])),
        "worst": float(min(f["overall"] for f in per_frame)),
        "worst_region": float(
            min(min(v for k, v in f.items() if k != "overall") for f in per_frame)
        ),
    }


def main(argv: list[str]) -> int:
    gallery = Path(argv[0]) if argv else Path(__file__).resolve().parents[1] / "gallery"
    reference = Path(__file__).resolve().parents[2] / "shared" / "reference" / "conv_arithmetic"
    print(f"{'animation':42s} frames  size ours/ref     mean   worst  worst region")
    scores = []
    for path in sorted(reference.glob("*.gif")):
        result = compare_gifs(gallery / path.name, path)
        scores.append(result["overall"])
        (ow, oh), (rw, rh) = result["size"]
        print(
            f"{path.stem:42s} {result['frames'][0]:3d}/{result['frames'][1]:<3d} "
            f"{ow}x{oh}/{rw}x{rh}  {result['overall']:.4f} {result['worst']:.4f} "
            f"{result['worst_region']:.4f}"
        )
    print(f"{'mean over the 15':42s} {'':28s}{np.mean(scores):.4f}")
    numerical = reference.parent / "numerical"
    print(f"\n{'numerical figure':42s} frames  size ours/ref     mean   worst  worst region")
    for name in (
        "numerical_no_padding_no_strides",
        "numerical_padding_strides",
        "numerical_average_pooling",
        "numerical_max_pooling",
    ):
        ours, _, _ = gif_frames(gallery / f"{name}.gif")
        theirs = [
            np.asarray(Image.open(path).convert("RGB"))
            for path in sorted(numerical.glob(f"{name}_*.png"))
        ]
        # The reference PNGs are anchored at the top (their height varies per frame).
        per_frame = [compare(a, b, anchor="top") for a, b in zip(ours, theirs, strict=False)]
        overall = [frame["overall"] for frame in per_frame]
        regions = [min(v for k, v in frame.items() if k != "overall") for frame in per_frame]
        size = f"{ours[0].shape[1]}x{ours[0].shape[0]}/{theirs[0].shape[1]}x{theirs[0].shape[0]}"
        print(
            f"{name:42s} {len(ours):3d}/{len(theirs):<3d} {size:15s} {np.mean(overall):.4f} "
            f"{min(overall):.4f} {min(regions):.4f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
