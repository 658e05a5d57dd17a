"""convanim.explore: the notebook explorer, in-process and driven in a real kernel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import convanim
from convanim import Spec

pytest.importorskip("ipywidgets")


def test_a_control_change_redraws_the_picture_and_the_arithmetic() -> None:
    explorer = convanim.explore(Spec("conv", 5, 3))
    assert explorer.spec == Spec("conv", 5, 3)
    picture, readout = explorer.image.value, explorer.readout.value
    assert "(5 + 2*0 - 3) // 1 + 1 = 3" in readout
    explorer.controls["padding"].value = 1
    assert explorer.spec == Spec("conv", 5, 3, padding=1)
    assert explorer.image.value != picture
    assert "(5 + 2*1 - 3) // 1 + 1 = 5" in explorer.readout.value
    assert explorer.frame.max == 24
    assert explorer.last_update < 5  # seconds; the bench measures it properly
    explorer.frame.value = 6
    assert "output (1, 1)" in explorer.note.value


def test_an_invalid_combination_says_why_and_keeps_the_controls() -> None:
    explorer = convanim.explore(Spec("conv", 3, 3))
    explorer.controls["kernel"].value = 5  # bigger than the padded input
    assert explorer.spec is None
    assert "is not valid" in explorer.readout.value
    explorer.controls["padding"].value = 1
    assert explorer.spec == Spec("conv", 3, 5, padding=1)


def test_output_padding_is_for_transposed_convolutions_only() -> None:
    explorer = convanim.explore(Spec("conv", 5, 3, stride=2))
    assert explorer.controls["output_padding"].disabled
    explorer.set(op="conv_transpose")
    assert not explorer.controls["output_padding"].disabled
    explorer.set(output_padding=1)
    assert explorer.spec.output_size == (12, 12)
    explorer.set(axes=1, style="flat", values=True)
    assert explorer.spec.ndim == 1
    assert "·" in explorer.note.value  # the sum, with numbers on


CREATE = """\
import convanim
explorer = convanim.explore(convanim.Spec("conv", 5, 3), style="flat", values=True)
display(explorer)
print(explorer.controls["stride"].model_id)
"""

CHECK = """\
import json
print(json.dumps({
    "spec": explorer.spec.describe(),
    "readout": explorer.readout.value,
    "note": explorer.note.value,
    "frames": explorer.frame.max + 1,
    "image": len(explorer.image.value),
}))
"""


def test_driving_the_widgets_in_a_real_kernel(tmp_path: Path) -> None:
    """A frontend's change (a comm ``update`` message to the slider) reaches the
    explorer in a real kernel and redraws what it shows."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(CREATE), nbformat.v4.new_code_cell(CHECK)]
    client = nbclient.NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=120,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    with client.setup_kernel():
        client.execute_cell(notebook.cells[0], 0)
        outputs = notebook.cells[0].outputs
        assert not [o for o in outputs if o.output_type == "error"], outputs
        shown = [o for o in outputs if o.output_type == "display_data"]
        assert "application/vnd.jupyter.widget-view+json" in shown[0].data
        model_id = "".join(o.text for o in outputs if o.output_type == "stream").strip()

        def state() -> dict:
            client.execute_cell(notebook.cells[1], 1)
            text = "".join(o.text for o in notebook.cells[1].outputs if o.output_type == "stream")
            return json.loads(text)

        before = state()
        assert before["spec"] == "conv 5x5, k 3 -> 3x3" and before["frames"] == 9
        # What a frontend sends when the stride slider moves to 2.
        message = client.kc.session.msg(
            "comm_msg",
            {
                "comm_id": model_id,
                "data": {"method": "update", "state": {"value": 2}, "buffer_paths": []},
            },
        )
        client.kc.shell_channel.send(message)
        after = state()
    assert after["spec"] == "conv 5x5, k 3, s 2 -> 2x2"
    assert after["frames"] == 4
    assert "(5 + 2*0 - 3) // 2 + 1 = 2" in after["readout"]
    assert after["readout"] != before["readout"] and after["image"] != before["image"]
    assert "·" in after["note"]
