"""A live explorer for notebooks: move a control, see the output size and the picture change.

:func:`explore` shows ipywidgets controls for the op, input, kernel, stride, padding,
dilation and output padding (and the number of axes, the style and the numbers), the
output size with its arithmetic, and the animation: the current frame drawn by the
raster backend, a play button and a frame slider, and the frame's arithmetic
(:func:`~convanim.layout.notes.frame_notes`). A change rebuilds the plan and the scene
(tens of milliseconds at the tutorial's sizes); a frame step only redraws the moving
layers.

ipywidgets is imported when an explorer is made: ``pip install 'convanim[notebook]'``.
"""

from __future__ import annotations

import html
import io
import time
from typing import Any

from .errors import SpecError
from .options import STYLES
from .spec import OPS, Spec

__all__ = ["Explorer", "explore"]

# name: (label, smallest, largest); values past these are still taken from a spec given.
_RANGES = {
    "input": ("input", 1, 16),
    "kernel": ("kernel", 1, 7),
    "stride": ("stride", 1, 4),
    "padding": ("padding", 0, 4),
    "dilation": ("dilation", 1, 4),
    "output_padding": ("output padding", 0, 3),
}
_SPEC_FIELDS = {
    "input": "input_size",
    "kernel": "kernel_size",
    "stride": "stride",
    "padding": "padding",
    "dilation": "dilation",
    "output_padding": "output_padding",
}


def _png(frame) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(frame).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


class Explorer:
    """The widgets of :func:`explore` and the state behind them.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        ``"op"``, ``"axes"``, ``"input"``, ``"kernel"``, ``"stride"``, ``"padding"``,
        ``"dilation"``, ``"output_padding"``, ``"style"``, ``"values"``; setting a
        control's ``value`` updates everything, as moving it does.
    frame, play : ipywidgets.IntSlider, ipywidgets.Play
        The frame shown, and the button that steps it in time.
    image : ipywidgets.Image
        The picture (PNG) of the current frame.
    readout : ipywidgets.HTML
        The spec, its output size and arithmetic, or why the controls' spec is refused.
    note : ipywidgets.HTML
        The current frame's arithmetic.
    widget : ipywidgets.VBox
        All of it, as a notebook shows it.
    spec : Spec or None
        The spec the controls make (None while they make an invalid one).
    scene : object
        The scene drawing it (a FrameSource).
    last_update : float
        Seconds the last control change took, from the change to the new picture.
    """

    def __init__(
        self,
        spec: Spec | None = None,
        *,
        style: str = "tutorial",
        values: bool = False,
        dpi: float | None = None,
        duration: int = 1000,
    ) -> None:
        import ipywidgets as widgets

        spec = spec if spec is not None else Spec("conv", 5, 3, stride=2, padding=1)
        if not isinstance(spec, Spec):
            raise TypeError(f"spec = {spec!r} is not valid: expected a convanim Spec")
        if spec.ndim > 2:
            raise SpecError(f"spec has {spec.ndim} axes: the explorer draws 1 or 2")
        self._dpi = dpi
        self._updating = False
        self.spec: Spec | None = None
        self.scene: Any = None
        self._notes: tuple[str, ...] = ()
        self.last_update = 0.0

        style_layout = {"description_width": "7em"}
        controls: dict[str, Any] = {
            "op": widgets.Dropdown(
                options=list(OPS), value=spec.op, description="op", style=style_layout
            ),
            "axes": widgets.ToggleButtons(
                options=[("1-D", 1), ("2-D", 2)], value=spec.ndim, description="axes"
            ),
        }
        for name, (label, low, high) in _RANGES.items():
            value = getattr(spec, _SPEC_FIELDS[name])[0]
            controls[name] = widgets.IntSlider(
                value=value,
                min=min(low, value),
                max=max(high, value),
                description=label,
                continuous_update=True,
                style=style_layout,
            )
        controls["style"] = widgets.Dropdown(options=list(STYLES), value=style, description="style")
        controls["values"] = widgets.Checkbox(value=bool(values), description="numbers")
        self.controls = controls
        self.readout = widgets.HTML()
        self.image = widgets.Image(format="png")
        self.note = widgets.HTML()
        self.frame = widgets.IntSlider(value=0, min=0, max=0, description="frame")
        self.play = widgets.Play(value=0, min=0, max=0, interval=int(duration))
        widgets.jslink((self.play, "value"), (self.frame, "value"))
        for control in controls.values():
            control.observe(self._changed, names="value")
        self.frame.observe(self._frame_changed, names="value")
        self.widget = widgets.VBox(
            [
                widgets.HBox(
                    [
                        widgets.VBox([controls[name] for name in ("op", "axes", "style")]),
                        widgets.VBox([controls[name] for name in _RANGES] + [controls["values"]]),
                    ]
                ),
                self.readout,
                self.image,
                widgets.HBox([self.play, self.frame]),
                self.note,
            ]
        )
        self._changed()

    # -- what the controls say --------------------------------------------------------
    def _spec_from_controls(self) -> Spec:
        values = {name: self.controls[name].value for name in _RANGES}
        axes = self.controls["axes"].value
        op = self.controls["op"].value

        def per_axis(value: int) -> tuple[int, ...]:
            return (value,) * axes

        return Spec(
            op,
            per_axis(values["input"]),
            per_axis(values["kernel"]),
            stride=per_axis(values["stride"]),
            padding=per_axis(values["padding"]),
            dilation=per_axis(values["dilation"]),
            output_padding=per_axis(values["output_padding"] if op == "conv_transpose" else 0),
        )

    def _changed(self, change: object = None) -> None:
        if self._updating:
            return
        start = time.perf_counter()
        from .layout.notes import frame_notes
        from .render import scene as build_scene

        self.controls["output_padding"].disabled = self.controls["op"].value != "conv_transpose"
        style = self.controls["style"].value
        numbers = self.controls["values"].value and style != "matrix"
        try:
            spec = self._spec_from_controls()
            scene = build_scene(spec, style, dpi=self._dpi, values=numbers)
        except SpecError as error:
            self.spec = None
            self.readout.value = f'<span style="color: #cb4b16">{html.escape(str(error))}</span>'
            self.last_update = time.perf_counter() - start
            return
        self.spec, self.scene = spec, scene
        # The scatter views' frames are not their plan's: they say their own notes.
        self._notes = getattr(scene, "notes", None) or frame_notes(
            scene.plan, getattr(scene, "numbers", None)
        )
        arithmetic = "<br>".join(
            f"{axis}: <code>{html.escape(line)}</code>"
            for axis, line in zip(
                ("rows", "columns") if spec.ndim == 2 else ("size",),
                spec.output_arithmetic(),
                strict=True,
            )
        )
        self.readout.value = (
            f"<b>{html.escape(spec.describe())}</b> &nbsp; output "
            f"{'x'.join(map(str, spec.output_size))}, {len(scene)} frames<br>{arithmetic}"
        )
        self._updating = True
        try:
            last = len(scene) - 1
            self.play.max = self.frame.max = last
            self.play.value = self.frame.value = min(self.frame.value, last)
        finally:
            self._updating = False
        self._draw(self.frame.value)
        self.last_update = time.perf_counter() - start

    def _frame_changed(self, change: object = None) -> None:
        if not self._updating and self.spec is not None:
            self._draw(self.frame.value)

    def _draw(self, index: int) -> None:
        self.image.value = _png(self.scene.frame(index))
        self.note.value = f"<pre style='margin: 0'>{html.escape(self._notes[index])}</pre>"

    # -- notebook display -------------------------------------------------------------
    def set(self, **values: Any) -> float:
        """Set controls by name (one update per control); seconds the last one took."""
        for name, value in values.items():
            self.controls[name].value = value
        return self.last_update

    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def explore(
    spec: Spec | None = None,
    *,
    style: str = "tutorial",
    values: bool = False,
    dpi: float | None = None,
    duration: int = 1000,
) -> Explorer:
    """A live explorer of convolution arithmetic, for Jupyter.

    Parameters
    ----------
    spec : Spec, optional
        Where the controls start (``conv 5x5, k 3, s 2, p 1`` by default); per-axis
        values start from its first axis.
    style : {"tutorial", "flat", "matrix", "scatter", "overlap", "scatter_gather"}
        The look drawn.
    values : bool
        Print numbers in the cells (and the sums in the frame's arithmetic).
    dpi : float, optional
        Pixels per inch of the picture (150).
    duration : int
        Milliseconds per frame of the play button.

    Returns
    -------
    Explorer
        Shows itself as the controls, the output size and arithmetic, and the animation
        with a play button, a frame slider and the frame's arithmetic.
    """
    return Explorer(spec, style=style, values=values, dpi=dpi, duration=duration)
