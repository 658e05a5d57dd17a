"""An Agg canvas with the transforms of a full-figure Axes, and no Figure.

``matplotlib.figure`` (and the Axes, axis, ticker and legend machinery it brings) takes
longer to import than the Agg backend itself, and making a Figure with one Axes costs
about 10 ms a scene: most of a small animation's build, and of a fresh process's first
frame. A scene only needs what those objects give its artists: the data transform, the
clip rectangle and the figure's background patch, drawn on a ``RendererAgg``. They are
made here from the same matplotlib transform objects, in the same order, as
``Figure(figsize, dpi)`` and ``figure.add_axes((0, 0, 1, 1))`` with the axes' limits set
make them; so every matrix, clip box and pixel is the one the Figure gives (the tests
compare both). The scene makes the real Figure when one is asked for (``pose``,
``savefig``).
"""

from __future__ import annotations

from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.patches import Rectangle
from matplotlib.transforms import (
    Affine2D,
    Bbox,
    BboxTransformFrom,
    BboxTransformTo,
    IdentityTransform,
    TransformedBbox,
    TransformWrapper,
)

__all__ = ["BareFigure"]


class _SizeOf:
    """What FigureCanvasBase.get_width_height reads of a canvas: its figure's bbox."""

    device_pixel_ratio = 1

    def __init__(self, bbox) -> None:
        self.figure = self
        self.bbox = bbox


class BareFigure:
    """A figure's canvas, background and one full-figure Axes' transforms, no Figure.

    Parameters
    ----------
    inches : tuple of float
        The figure size (width, height) in inches, as ``Figure(figsize=...)`` takes it.
    dpi : float
        Pixels per inch.
    xlim, ylim : tuple of float
        The data limits of the axes, as ``set_xlim``/``set_ylim`` take them.
    background : color
        The figure patch's face colour.

    Attributes
    ----------
    bbox : Bbox
        The canvas in pixels (``figure.bbox``).
    transData : Transform
        Data to pixels (``axes.transData``).
    clip : Rectangle
        The axes patch that artists are clipped to (``axes.patch``).
    """

    def __init__(
        self,
        inches: tuple[float, float],
        dpi: float,
        xlim: tuple[float, float],
        ylim: tuple[float, float],
        background,
    ) -> None:
        # Figure.__init__
        self.dpi = dpi
        bbox_inches = Bbox.from_bounds(0, 0, *inches)
        self.dpi_scale_trans = Affine2D().scale(dpi)
        self.bbox = TransformedBbox(bbox_inches, self.dpi_scale_trans)
        transform_figure = BboxTransformTo(self.bbox)
        self.patch = Rectangle(
            xy=(0, 0), width=1, height=1, facecolor=background, edgecolor="white", linewidth=0.0
        )
        self.patch.set_transform(transform_figure)
        self.patch.set_antialiased(False)
        # Axes.__init__ and _set_lim_and_transforms, then set_xlim/set_ylim
        axes_bbox = TransformedBbox(Bbox.from_bounds(0, 0, 1, 1), transform_figure)
        transform_axes = BboxTransformTo(axes_bbox)
        transform_scale = TransformWrapper(IdentityTransform())
        view = Bbox([[xlim[0], ylim[0]], [xlim[1], ylim[1]]])
        transform_limits = BboxTransformFrom(TransformedBbox(view, transform_scale))
        self.transData = transform_scale + (transform_limits + transform_axes)
        self.clip = Rectangle((0.0, 0.0), 1.0, 1.0)
        self.clip.set_transform(transform_axes)
        # What artist.set_clip_path(self.clip) would make for each artist, made once.
        self.clipbox = TransformedBbox(Bbox.unit(), self.clip.get_transform())
        # FigureCanvasAgg.get_renderer's size in whole pixels, by the installed
        # matplotlib's own rounding (3.11 rounds up within 1e-8 of a whole pixel).
        width, height = FigureCanvasBase.get_width_height(_SizeOf(self.bbox), physical=True)
        self.renderer = RendererAgg(width, height, dpi)

    def get_figure(self, root: bool = False) -> BareFigure:
        """Itself: what an artist asks its figure for (its bbox, its dpi)."""
        return self

    def adopt(self, artist) -> None:
        """Give ``artist`` what ``axes.add_artist`` would: transform, clip, figure."""
        artist.set_figure(self)
        if not artist.is_transform_set():
            artist.set_transform(self.transData)
        if artist.get_clip_path() is None:
            artist.set_clip_box(self.clipbox)

    def draw(self, artists) -> None:
        """Draw as ``canvas.draw()`` draws the figure: clear, background, then the
        artists that are not animated, in z-order."""
        renderer = self.renderer
        renderer.clear()
        self.patch.draw(renderer)
        drawn = [artist for artist in artists if not artist.get_animated()]
        for artist in sorted(drawn, key=lambda artist: artist.get_zorder()):
            artist.draw(renderer)

    # The canvas methods a scene uses (FigureCanvasAgg's, on this renderer).
    def get_renderer(self) -> RendererAgg:
        return self.renderer

    def copy_from_bbox(self, bbox):
        return self.renderer.copy_from_bbox(bbox)

    def restore_region(self, region, bbox=None, xy=None) -> None:
        self.renderer.restore_region(region, bbox, xy)

    def buffer_rgba(self) -> memoryview:
        return self.renderer.buffer_rgba()
