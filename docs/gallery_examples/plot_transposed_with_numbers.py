"""
A transposed convolution, with its numbers
==========================================

The transposed convolution of the example before, drawn flat with the numbers in the
cells; then the same convolution as a matrix product ``y = C x``.
"""

import convanim

spec = convanim.Spec("conv", 5, 3, stride=2, padding=1).transpose()
numbers = convanim.animate(spec, style="flat", values=True, labels=True)

# %%
# The matrix view: one row of ``C`` per output cell (each block's new animations are
# shown under it).
matrix = convanim.animate(convanim.Spec("conv", 4, 3), style="matrix")
