"""
Padding and strides
===================

A 3x3 kernel over a 5x5 input, padded by 1, moving 2 cells at a time: the output is
3x3. The animation is the script's last expression, which the scraper shows.
"""

import convanim

spec = convanim.Spec("conv", 5, 3, stride=2, padding=1)
print(spec)
convanim.animate(spec)
