"""A depthwise-separable convolution: a depthwise stage, then a pointwise (1x1) one.

MobileNet's block is two convolutions: each input channel filtered alone (``groups =
in_channels``), then every output channel mixing them with a 1x1 kernel. A
:class:`Separable` holds the two :class:`~convanim.Spec` s; :func:`convanim.save` and
the renderers draw it as one animation in two stages, the first's output the second's
input.

Pure Python: no numpy beyond the specs', no matplotlib.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import invalid
from .spec import Spec

__all__ = ["Separable", "separable"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Separable:
    """The two stages of a depthwise-separable convolution.

    Attributes
    ----------
    depthwise : Spec
        ``in_channels -> in_channels * multiplier`` channels, ``groups = in_channels``.
    pointwise : Spec
        A 1x1 convolution of the depthwise output to ``out_channels``.
    """

    depthwise: Spec
    pointwise: Spec

    @property
    def stages(self) -> tuple[Spec, Spec]:
        """The specs in the order they run."""
        return (self.depthwise, self.pointwise)

    @property
    def op(self) -> str:
        return "conv"

    @property
    def ndim(self) -> int:
        return self.depthwise.ndim

    @property
    def num_frames(self) -> int:
        """Frames of the animation: every output value of both stages."""
        return self.depthwise.num_frames + self.pointwise.num_frames

    def describe(self) -> str:
        """E.g. ``'separable: conv 5x5 (3 ch), k 3, g 3 -> 3x3 (3 ch); then k 1 -> (8 ch)'``."""
        return f"separable: {self.depthwise.describe()}, then {self.pointwise.describe()}"

    def output_arithmetic(self) -> list[str]:
        """The depthwise stage's size arithmetic (the 1x1 stage keeps the size)."""
        return self.depthwise.output_arithmetic()

    def torch_module(self) -> str:
        """The two modules, as a ``torch.nn.Sequential``."""
        first = self.depthwise.torch_module().removeprefix("torch.nn.")
        second = self.pointwise.torch_module().removeprefix("torch.nn.")
        return f"torch.nn.Sequential({first}, {second})"


def separable(
    input_size: int | tuple[int, ...],
    kernel_size: int | tuple[int, ...],
    *,
    in_channels: int,
    out_channels: int,
    multiplier: int = 1,
    stride: int | tuple[int, ...] = 1,
    padding: object = 0,
    dilation: int | tuple[int, ...] = 1,
    padding_mode: str = "zeros",
) -> Separable:
    """A depthwise convolution of ``kernel_size`` followed by a pointwise (1x1) one.

    Parameters
    ----------
    input_size, kernel_size, stride, padding, dilation, padding_mode
        The depthwise stage's, as :class:`~convanim.Spec` takes them.
    in_channels : int
        Input channels; the depthwise stage filters each alone.
    out_channels : int
        The pointwise stage's output channels.
    multiplier : int
        Depthwise outputs per input channel (MobileNet's depth multiplier; 1).

    Returns
    -------
    Separable

    Examples
    --------
    >>> block = separable(5, 3, in_channels=3, out_channels=8, padding=1)
    >>> block.depthwise.torch_module()
    'torch.nn.Conv2d(3, 3, kernel_size=3, padding=1, groups=3)'
    >>> block.pointwise.torch_module()
    'torch.nn.Conv2d(3, 8, kernel_size=1)'
    """
    if isinstance(multiplier, bool) or not isinstance(multiplier, int) or multiplier < 1:
        raise invalid("multiplier", multiplier, "an integer >= 1")
    depthwise = Spec(
        "conv",
        input_size,
        kernel_size,
        stride=stride,
        padding=padding,
        dilation=dilation,
        padding_mode=padding_mode,
        in_channels=in_channels,
        out_channels=in_channels * multiplier,
        groups=in_channels,
    )
    pointwise = Spec(
        "conv",
        depthwise.output_size,
        1,
        in_channels=depthwise.out_channels,
        out_channels=out_channels,
    )
    return Separable(depthwise=depthwise, pointwise=pointwise)
