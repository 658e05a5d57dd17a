"""The 15 animations of conv_arithmetic, as ../shared/reference/FACTS.md lists them."""

from __future__ import annotations

from convanim import Spec

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


# Scenes of every look, sizing and kind of layer (stacks, scatter, matrix, themes,
# transparency), for tests that compare two ways of drawing the same frames.
SCENES = [
    (Spec("conv", 5, 3, stride=2, padding=1), {}),
    (Spec("conv", (5, 7), (3, 2), stride=(2, 1), padding=(1, 0)), {"dpi": 300}),
    (Spec("conv_transpose", 3, 3, stride=2, padding=1), {"style": "flat", "values": True}),
    (Spec("max_pool", 6, 2, ceil_mode=False), {"labels": True, "caption": True}),
    (Spec("conv", 9, 3, dilation=2), {"dpi": 37}),
    (Spec("conv", (12,), (4,), stride=(3,)), {}),
    (Spec("conv", 4, 3), {"style": "matrix"}),
    (Spec("conv_transpose", 2, 3), {"style": "matrix", "dpi": 300}),
    (Spec("conv", 5, 3, padding=1), {"theme": "dark", "transparent": True}),
    (Spec("conv", 5, 3), {"canvas": (400, 300)}),
    (Spec("conv", 5, 3, stride=2), {"width": 333, "transparent": True}),
    (Spec("conv_transpose", 3, 3, stride=2), {"style": "scatter", "values": True}),
    (Spec("conv_transpose", 2, 3, stride=2), {"style": "scatter_gather"}),
    (Spec("conv", 4, 3, in_channels=2, out_channels=3, groups=1), {}),
    (
        Spec("conv", 4, 3, in_channels=2, out_channels=2, groups=2),
        {"style": "flat", "values": True},
    ),
    (
        Spec("conv", (7,), (3,), padding=(1,)),
        {"style": "flat", "values": True, "theme": "print"},
    ),
]
