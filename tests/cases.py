"""The 15 animations of conv_arithmetic, as ../shared/reference/FACTS.md lists them."""

from __future__ import annotations

# name: (i, k, s, p, d, o, frames)
DIRECT = {
    "no_padding_no_strides": (4, 3, 1, 0, 1, 2, 4),
    "arbitrary_padding_no_strides": (5, 4, 1, 2, 1, 6, 36),
    "same_padding_no_strides": (5, 3, 1, 1, 1, 5, 25),
    "full_padding_no_strides": (5, 3, 1, 2, 1, 7, 49),
    "no_padding_strides": (5, 3, 2, 0, 1, 2, 4),
    "padding_strides": (5, 3, 2, 1, 1, 3, 9),
    "padding_strides_odd": (6, 3, 2, 1, 1, 3, 9),
    "dilation": (7, 3, 1, 0, 2, 3, 9),
}
TRANSPOSED = [name for name in DIRECT if name != "dilation"]
ALL_NAMES = list(DIRECT) + [f"{name}_transposed" for name in TRANSPOSED]
GIF_SIZE = {  # width, height in pixels
    "no_padding_no_strides": (244, 259),
    "arbitrary_padding_no_strides": (495, 542),
    "same_padding_no_strides": (395, 449),
    "full_padding_no_strides": (495, 576),
    "no_padding_strides": (294, 288),
    "padding_strides": (395, 381),
    "padding_strides_odd": (445, 411),
    "dilation": (395, 381),
}
