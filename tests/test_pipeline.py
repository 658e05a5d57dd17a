"""One pipeline: options checked once, one scene per animation, nothing silently ignored."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import convanim
from convanim import Spec, SpecError, animate, save
from convanim import animation as animation_module


def test_convanim_render_is_the_package_and_still_callable():
    assert convanim.render.scene is convanim.render.__dict__["scene"]
    frames = list(convanim.render(Spec("conv", 4, 3)))
    assert len(frames) == 4 and frames[0].dtype == np.uint8
    from convanim.render import Scene

    assert isinstance(convanim.render.scene(Spec("conv", 4, 3)), Scene)


def test_the_matrix_view_draws_the_seeded_kernel_and_refuses_x():
    spec = Spec("conv", 4, 3)
    one = convanim.render.scene(spec, "matrix", seed=1)
    other = convanim.render.scene(spec, "matrix", seed=2)
    assert not np.array_equal(one.matrix, other.matrix)
    assert not np.array_equal(one.frame(0), other.frame(0))
    with pytest.raises(SpecError, match=r"^x is not valid with style = 'matrix'"):
        convanim.render.scene(spec, "matrix", x=np.ones((4, 4)))


def test_a_frames_folder_holds_one_runs_frames(tmp_path: Path):
    folder = tmp_path / "frames"
    save(Spec("conv", 5, 3), folder, format="frames")  # 9 frames
    (folder / "notes.txt").write_text("mine")
    save(Spec("conv", 4, 3), folder, format="frames")  # 4 frames
    names = sorted(path.name for path in folder.iterdir())
    assert names == [f"frame_{index:04d}.png" for index in range(4)] + ["notes.txt"]
    assert (folder / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize(
    ("path", "options", "message"),
    [
        ("x.gif", {"frame": 2}, "frame = 2 is not valid with the gif writer: expected no frame"),
        ("x.mp4", {"loop": 3}, "loop = 3 is not valid with the mp4 writer: expected 0"),
    ],
)
def test_options_a_writer_would_ignore_are_refused(tmp_path: Path, path, options, message):
    with pytest.raises(SpecError, match=f"^{message}"):
        save(Spec("conv", 4, 3), tmp_path / path, **options)
    assert not list(tmp_path.iterdir())


def test_an_animation_draws_with_one_scene(tmp_path: Path, monkeypatch):
    from convanim import render

    built = []
    original = render.scene

    def counting(*args, **kwargs):
        built.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(render, "scene", counting)
    anim = animate(Spec("conv", 4, 3), duration=200)
    anim.frame(0)
    anim.save(tmp_path / "a.gif")
    anim.save(tmp_path / "b.webp", duration=300)  # timing only: the same picture
    anim.to_html()
    assert len(built) == 1
    anim.save(tmp_path / "c.gif", style="flat")  # another picture: another scene
    assert len(built) == 2


def test_a_notebook_refuses_an_animation_too_large_to_embed_before_encoding_it():
    anim = animate(Spec("conv", 40, 3))  # 1,444 frames of 1.5 Mpx
    assert animation_module.embed_limit == 10_000_000
    markup = anim._repr_html_()
    assert "too large to show in the notebook" in markup
    assert "estimated from its first" in markup
    assert anim._gif_size is None  # refused on the estimate: never encoded whole


def test_import_convanim_and_info_stay_light():
    code = (
        "import sys, convanim\n"
        "from convanim import Spec, plan, evaluate, conv_matrix, SpecError\n"
        "from convanim.cli import main\n"
        "main(['info', '-i', '5', '-k', '3'])\n"
        "heavy = [m for m in ('matplotlib', 'PIL', 'tqdm') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "output size: 3x3" in result.stdout
