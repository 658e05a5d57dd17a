"""Big specs: bounded work, refused before it starts, and frame selection.

Every refusal runs in a subprocess with a timeout, so on code that starts the work
instead of refusing it the test fails in seconds rather than running for hours; the
subprocess also reports its peak memory (VmHWM), which must stay that of a refusal.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from cases import SCENES
from PIL import Image

from convanim import Spec, SpecError, conv_matrix, evaluate, plan
from convanim.gallery import parse_manifest
from convanim.limits import MAX_ARRAY_BYTES, MAX_FRAMES
from convanim.options import DrawOptions, option
from convanim.render import scene

ROOT = Path(__file__).resolve().parents[1]
REFUSAL_MEMORY_KIB = 200 * 1024  # interpreter, numpy, Pillow: no work started
REFUSAL_TIMEOUT = 60  # seconds: far above a refusal, far below the work refused


def run_python(code: str, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run ``code`` in a fresh interpreter; its result and its peak memory in KiB."""
    script = textwrap.dedent(code) + textwrap.dedent(
        """
        import sys
        peak = [line for line in open("/proc/self/status") if line.startswith("VmHWM")]
        print("VMHWM", peak[0].split()[1], file=sys.stderr)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=REFUSAL_TIMEOUT,
        check=False,
    )
    peaks = [line.split()[1] for line in result.stderr.splitlines() if line.startswith("VMHWM")]
    return result, int(peaks[0]) if peaks else 0


def refusal(code: str, tmp_path: Path) -> str:
    """The one-line SpecError message ``code`` raises, refused in bounded memory."""
    body = textwrap.indent(textwrap.dedent(code).strip(), "    ")
    script = "\n".join(
        [
            "import convanim",
            "from convanim import *",
            "from convanim import SpecError",
            "try:",
            body,
            "except SpecError as error:",
            "    print('REFUSED', error)",
        ]
    )
    result, peak = run_python(script, tmp_path)
    lines = [line for line in result.stdout.splitlines() if line.startswith("REFUSED ")]
    assert lines, result.stdout + result.stderr
    assert peak < REFUSAL_MEMORY_KIB, f"refusal peaked at {peak} KiB"
    message = lines[0].removeprefix("REFUSED ")
    assert " is not valid" in message and ": expected " in message
    return message


def cli(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "convanim.cli", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=REFUSAL_TIMEOUT,
        check=False,
    )


# -- 1. bounded work ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "frames"),
    [
        (["-i", "2176", "-k", "3", "--dpi", "10", "-o", "x.gif"], "4726276"),
        (["-i", "2176", "-k", "3", "-o", "x.gif"], "4726276"),
        (["-i", "96", "-k", "3", "-o", "x.gif"], "8836"),  # 4 minutes of work
        (["-i", "64", "-k", "3", "-o", "x.webp"], "3844"),
        (["-i", "64", "-k", "3", "-o", "x.mp4"], "3844"),
        (["-i", "64", "-k", "3", "-o", "x.apng"], "3844"),
        (["-i", "144", "-k", "3", "-o", "x.gif"], "20164"),
    ],
)
def test_too_much_work_is_refused_at_once_naming_the_ways_out(args, frames, tmp_path):
    result = cli(["render", *args, "-q"], tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"frames = {frames} " in lines[0]
    for way_out in ("--frames START:STOP", "--dpi", "smaller input", "--allow-long"):
        assert way_out in lines[0]
    assert not list(tmp_path.iterdir())  # nothing written


@pytest.mark.parametrize("still", ["x.png", "x.svg"])
def test_a_still_of_a_long_animation_is_one_frame_of_work(still, tmp_path):
    # The bound counts what is drawn: one frame, whatever the animation's length.
    result = cli(["render", "-i", "144", "-k", "3", "--dpi", "10", "-o", still, "-q"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / still).stat().st_size > 0


def test_allow_long_and_frames_lift_the_bound(tmp_path):
    spec = Spec("conv", 96, 3)
    options = DrawOptions()
    from convanim.drawable import check_request

    with pytest.raises(SpecError, match="allow_long=True"):
        check_request(spec, options, "gif")
    assert len(check_request(spec, options.replace(allow_long=True), "gif")) == 8836
    assert len(check_request(spec, options.replace(frames=slice(0, 40)), "gif")) == 40
    # The frame count alone bounds a tiny picture's render too.
    many = Spec("conv", (1, MAX_FRAMES + 3), (1, 1))
    with pytest.raises(SpecError, match=f"frames = {MAX_FRAMES + 3} "):
        check_request(many, DrawOptions(dpi=10), "gif")


@pytest.mark.parametrize(
    "code",
    [
        'animate(Spec("conv", 3000, 3))',
        'animate(Spec("conv", 64, 3))',
        'save(Spec("conv", 96, 3), "x.gif")',
        'save(Spec("conv", 20000, 3), "v.gif", values=True)',
        'save(Spec("conv", 3000, 3), "v.gif", values=True)',
        'list(convanim.render(Spec("conv", 2176, 3), dpi=10))',
    ],
)
def test_python_entry_points_refuse_before_working(code, tmp_path):
    message = refusal(code, tmp_path)
    assert "allow_long=True" in message
    assert not list(tmp_path.iterdir())


def test_manifest_entries_are_bounded():
    text = '[[animation]]\nname = "big"\nop = "conv"\ninput_size = 96\nkernel_size = 3\n'
    with pytest.raises(SpecError, match=r"^gallery entry 'big': frames = 8836 .*--allow-long"):
        parse_manifest(text)
    (entry,) = parse_manifest(text + 'frames = "0:100:2"\n')
    assert entry.options.frames == slice(0, 100, 2)
    (entry,) = parse_manifest(text + "allow_long = true\n")
    assert entry.options.allow_long


# -- 22.1: sizes checked before anything is allocated -------------------------------------
@pytest.mark.parametrize(
    ("code", "what"),
    [
        ('plan(Spec("conv", 100000, 3)).tap_position', "per-tap arrays"),
        ('plan(Spec("conv", 100000, 3)).grid_kind', "grid arrays"),
        ('evaluate(Spec("conv", 100000, 3), 0, [[1, 2, 3]] * 3)', "evaluate()'s output"),
        ('numbers(Spec("conv", 100000, 3))', "numbers()'s grid values"),
        ('conv_matrix(Spec("conv", 512, 3), [[1, 2, 3]] * 3)', "conv_matrix()'s dense C"),
    ],
)
def test_arrays_above_the_limit_are_refused_unmade(code, what, tmp_path):
    message = refusal(code, tmp_path)
    assert message.startswith("input_size = ")
    assert what in message and "the limit is 1 GiB per array" in message


def test_the_limit_is_what_the_message_says():
    assert MAX_ARRAY_BYTES == 2**30
    with pytest.raises(SpecError, match="the limit is 1 GiB per array"):
        conv_matrix(Spec("conv", 120, 3), np.ones((3, 3)))  # 14,161 x 14,400: 1.5 GiB
    assert conv_matrix(Spec("conv", 40, 3), np.ones((3, 3))).shape == (38 * 38, 40 * 40)


def test_a_huge_plan_reads_any_frame_in_bounded_memory(tmp_path):
    result, peak = run_python(
        """
        from convanim import Spec, plan
        big = plan(Spec("conv", 100000, 3, stride=2, padding=1))
        print(len(big))
        frame = big[len(big) - 1]
        print(frame.output_cell, frame.window_origin, frame.tap_position.shape)
        chunk = next(big.select(slice(123456789, None, 1000)).chunks(500))
        print(len(chunk), chunk.tap_position.shape, chunk.output_cell[0])
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == str(50000 * 50000)
    assert lines[1] == "(49999, 49999) (99998, 99998) (9, 2)"
    row, col = divmod(123456789, 50000)
    assert lines[2] == f"500 (500, 9, 2) [{row} {col}]"
    assert peak < REFUSAL_MEMORY_KIB


def test_chunks_and_selections_are_the_whole_plans_frames():
    spec = Spec("conv", (7, 9), (3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2))
    whole = plan(spec)
    parts = list(whole.chunks(5))
    assert [len(part) for part in parts] == [5] * (len(whole) // 5) + (
        [len(whole) % 5] if len(whole) % 5 else []
    )
    for name in ("output_cell", "window_origin", "tap_position", "tap_kind", "tap_input_index"):
        joined = np.concatenate([getattr(part, name) for part in parts])
        np.testing.assert_array_equal(joined, getattr(whole, name))
        np.testing.assert_array_equal(
            getattr(whole.select(slice(3, None, 4)), name), getattr(whole, name)[3::4]
        )
    frame = whole[17]
    np.testing.assert_array_equal(frame.tap_position, whole.tap_position[17])
    assert not whole.tap_kind.flags.writeable and not frame.tap_kind.flags.writeable


@pytest.mark.parametrize(
    "spec",
    [
        Spec("conv", (12, 11), 3, padding=1),
        Spec(
            "conv",
            (9, 8),
            3,
            in_channels=4,
            out_channels=6,
            groups=2,
            padding_mode="reflect",
            padding=1,
        ),
        Spec("avg_pool", (9, 8), 3, stride=2, padding=1, in_channels=2),
        Spec("max_pool", 13, 3, stride=2, ceil_mode=True),
    ],
)
def test_evaluate_walks_in_chunks_and_agrees_with_one_piece(spec, monkeypatch):
    from convanim import compute

    rng = np.random.default_rng(5)
    x = rng.normal(size=spec.input_shape)
    weight = None if spec.is_pool else rng.normal(size=spec.weight_shape)
    whole = evaluate(spec, x, weight)
    monkeypatch.setattr(compute, "_chunk_frames", lambda spec: 7)
    np.testing.assert_array_equal(evaluate(spec, x, weight), whole)


def test_output_path_is_checked_before_the_scene(tmp_path):
    result = cli(["render", "-i", "144", "-k", "3", "-o", "missing/x.gif", "-q"], tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "convanim: error: output folder 'missing' is not valid: expected an existing folder"
    )


def test_directive_refuses_big_input_with_its_location(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["convanim.sphinxext"]\n', encoding="utf-8")
    (src / "index.rst").write_text(
        "Big\n===\n\n.. convanim::\n   :input: 20000\n   :kernel: 3\n   :values:\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "--no-color", "-b", "html", str(src), str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=REFUSAL_TIMEOUT * 2,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if "ERROR" in line]
    assert len(errors) == 1, result.stderr
    assert "index.rst:4" in errors[0] and "frames = 399920004 " in errors[0]
    assert ":allow-long:" in errors[0] or "--allow-long" in errors[0]


# -- frames: one option in every front-end ------------------------------------------------
def test_frames_is_one_row_of_the_table():
    entry = option("frames")
    assert (entry.flag, entry.field, entry.directive) == ("--frames", "frames", "frames")
    assert entry.parse("2:9:3") == slice(2, 9, 3)
    assert entry.parse("5:") == slice(5, None)
    assert entry.check(range(1, 7, 2)) == slice(1, 7, 2)
    for bad in ("3", "a:b", "1:5:0", "-1:4", slice(0, 4, -1), 3.5):
        with pytest.raises(SpecError, match=r"^frames = .* is not valid: expected START:STOP"):
            entry.check(bad)
    allow = option("allow_long")
    assert (allow.flag, allow.field, allow.directive) == (
        "--allow-long",
        "allow_long",
        "allow-long",
    )


@pytest.mark.parametrize("spec", [Spec("conv", 5, 3), Spec("conv", (4, 7), 2, stride=(1, 2))])
@pytest.mark.parametrize("style", ["tutorial", "flat"])
def test_frame_j_of_a_selection_is_the_full_renders_frame(spec, style):
    full = scene(spec, style=style, values=True)
    chosen = scene(spec, style=style, values=True, frames="1::2")
    start, step = 1, 2
    assert len(chosen) == len(range(start, len(full), step))
    assert chosen.size == full.size
    for j in range(len(chosen)):
        np.testing.assert_array_equal(chosen.frame(j), full.frame(start + j * step))


def test_frames_on_the_command_line_writes_the_slice(tmp_path):
    # Lossless, so every pixel compares (a GIF's palette is chosen from its own frames).
    result = cli(
        ["render", "-i", "5", "-k", "3", "--frames", "2:9:3", "-o", "cut.webp", "-q"], tmp_path
    )
    assert result.returncode == 0, result.stderr
    full = scene(Spec("conv", 5, 3))
    with Image.open(tmp_path / "cut.webp") as image:
        assert image.n_frames == 3
        for j in range(3):
            image.seek(j)
            np.testing.assert_array_equal(np.asarray(image.convert("RGB")), full.frame(2 + 3 * j))
    empty = cli(["render", "-i", "5", "-k", "3", "--frames", "20:30", "-o", "e.gif"], tmp_path)
    assert empty.returncode == 2
    assert empty.stderr.startswith("convanim: error: --frames: frames = '20:30' is not valid")


def test_animate_takes_frames():
    from convanim import animate

    anim = animate(Spec("conv", 64, 3), frames=slice(100, 110))
    assert len(anim) == 10
    full = scene(Spec("conv", 64, 3), frames="100:110")
    np.testing.assert_array_equal(anim.frame(3), full.frame(3))
    assert anim.plan[0].output_cell == (1, 38)  # frame 100 of the 62 x 62 output


def test_a_still_of_a_long_animation_draws_its_frame_alone(tmp_path):
    from convanim.api import save

    path = save(Spec("conv", 9, 3), tmp_path / "f.png", frame=30)
    with Image.open(path) as image:
        pixels = np.asarray(image.convert("RGB"))
    np.testing.assert_array_equal(pixels, scene(Spec("conv", 9, 3)).frame(30))


def test_directive_takes_frames_and_allow_long():
    from convanim.embed import cache_name, parse_embed

    embed = parse_embed({"input": "64", "kernel": "3", "frames": "0:12:3", "dpi": "20"})
    spec, render = embed.spec, embed.render
    assert render["frames"] == "0:12:3" and len(spec_frames(spec, render)) == 4
    assert cache_name(spec, render) != cache_name(spec, {**render, "frames": "0:12:4"})
    embed = parse_embed({"input": "64", "kernel": "3", "allow-long": ""})
    assert embed.render["allow_long"] is True


def test_directive_still_frame_counts_in_the_selection():
    from convanim.embed import EmbedError, parse_embed

    given = {"input": "6", "kernel": "3", "frames": "0:16:4"}
    assert parse_embed({**given, "still-frame": "3"}).still_frame == 3
    with pytest.raises(EmbedError, match="still_frame = 4 is not valid: expected an integer "
                       "between 0 and 3"):  # fmt: skip
        parse_embed({**given, "still-frame": "4"})


def spec_frames(spec, render) -> range:
    from convanim.drawable import check_request

    return check_request(spec, DrawOptions(**render))


def test_a_still_of_a_selection_shows_the_selections_frame(tmp_path):
    result = cli(
        ["render", "-i", "6", "-k", "3", "--frames", "4:16:2", "--frame", "3", "-o", "s.png"],
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    with Image.open(tmp_path / "s.png") as image:
        pixels = np.asarray(image.convert("RGB"))
    np.testing.assert_array_equal(pixels, scene(Spec("conv", 6, 3)).frame(4 + 3 * 2))
    wrong = cli(["render", "-i", "6", "-k", "3", "--frames", "4:6", "--frame", "2", "-o", "w.png"],
                tmp_path)  # fmt: skip
    assert wrong.returncode == 2
    assert "--frame: frame = 2 is not valid: expected an integer between 0 and 1" in wrong.stderr


# -- a frame restores only the area its moving artists cover -----------------------------
def whole_restore(the_scene):
    """The same scene drawing every frame over the whole background, every moving
    artist drawn by matplotlib itself (the reference: no restored rectangle, no
    replayed renderer calls)."""
    the_scene._moving_area = lambda index: (None, the_scene._moving)
    the_scene._replaying = False
    return the_scene


@pytest.mark.parametrize(("spec", "options"), SCENES)
def test_restoring_the_moving_area_gives_the_whole_restores_pixels(spec, options):
    fast, whole = scene(spec, **options), whole_restore(scene(spec, **options))
    count = len(fast)
    order = [*range(count), 0, count - 1, count // 2, 1 % count]
    for index in order:
        np.testing.assert_array_equal(fast.frame_rgba(index), whole.frame_rgba(index))
    fast.pose(count - 1)  # matplotlib draws everything: the next frame starts over
    fast.canvas.draw()
    np.testing.assert_array_equal(fast.frame_rgba(0), whole.frame_rgba(0))


@pytest.mark.parametrize("bad", [np.nan, np.inf, "empty"])
def test_frames_with_unknown_or_empty_extents_restore_as_the_whole_restore(bad):
    # A replaced layer's vertex that is not finite makes the frame's extent unknown
    # (restore and draw everything); a frame with no shapes adds nothing to the box.
    import dataclasses

    from convanim.render.mpl import DrawingScene

    drawing = scene(Spec("conv", 5, 3, stride=2, padding=1)).drawing
    layers = []
    for layer in drawing.layers:
        if layer.role == "lines":
            frames, starts = layer.frames.copy(), layer.frame_starts.copy()
            if bad == "empty":  # frame 3 draws no line: its shapes go to frame 4
                starts[4] = starts[3]
                frames[starts[3] :] = layer.frames[starts[3] :]
            else:
                frames[starts[5], 1] = bad  # one end of one line of frame 5
            layer = dataclasses.replace(layer, frames=frames, frame_starts=starts)
        layers.append(layer)
    changed = dataclasses.replace(drawing, layers=tuple(layers))
    fast, whole = DrawingScene(changed, 150.0), whole_restore(DrawingScene(changed, 150.0))
    for index in [*range(len(fast)), 5, 3, 0]:
        np.testing.assert_array_equal(fast.frame_rgba(index), whole.frame_rgba(index))


class _WithoutHints:
    """A scene seen through frames_rgba only: writers must compare every pixel."""

    def __init__(self, the_scene) -> None:
        self._scene, self.size = the_scene, the_scene.size

    def __len__(self) -> int:
        return len(self._scene)

    def frames(self):
        return self._scene.frames()

    def frames_rgba(self):
        return self._scene.frames_rgba()

    def frame_rgba(self, index):  # the GIF writer's palette samples
        return self._scene.frame_rgba(index)


class _FortranFrames(_WithoutHints):
    """As _WithoutHints, its RGBA frames in Fortran order (channels not adjacent)."""

    def frames_rgba(self):
        for frame in self._scene.frames_rgba():
            yield np.asfortranarray(frame)


@pytest.mark.parametrize("name", ["gif", "apng", "webp", "mp4"])
@pytest.mark.parametrize("spec", [Spec("conv", 6, 3, stride=2, padding=1), Spec("conv", 9, 3)])
@pytest.mark.parametrize("plain_source", [_WithoutHints, _FortranFrames])
def test_the_scenes_changed_rectangles_give_the_same_file(name, spec, plain_source, tmp_path):
    # The scene's rectangles, and frames in any memory order, give the same file as a
    # source whose every pixel is compared.
    from convanim.writers import WriteOptions, writers

    writer = writers()[name]
    hinted, plain = tmp_path / f"hinted.{name}", tmp_path / f"plain.{name}"
    writer.write(scene(spec), hinted, WriteOptions(duration=100))
    writer.write(plain_source(scene(spec)), plain, WriteOptions(duration=100))
    assert hinted.read_bytes() == plain.read_bytes()


# -- the scatter styles and exact sizes ---------------------------------------------------
def test_scatter_styles_are_bounded_by_their_own_frames():
    from convanim.drawable import check_request, frame_count

    spec = Spec("conv_transpose", 120, 3)  # 14,400 stamps, 14,884 gather frames
    for style in ("scatter", "scatter_gather"):
        with pytest.raises(SpecError, match=f"frames = {frame_count(spec, style)} "):
            check_request(spec, DrawOptions(style=style))
    assert len(check_request(spec, DrawOptions(style="overlap"))) == 1


@pytest.mark.parametrize("style", ["scatter", "scatter_gather"])
def test_a_selection_of_a_scatter_view_draws_those_frames(style):
    spec = Spec("conv_transpose", 3, 3, stride=2, padding=1)
    whole = scene(spec, style=style, values=True)
    chosen = scene(spec, style=style, values=True, frames="1::3")
    picked = range(len(whole))[1::3]
    assert len(chosen) == len(picked) and chosen.notes == tuple(whole.notes[i] for i in picked)
    for index, frame in enumerate(picked):
        np.testing.assert_array_equal(chosen.frame_rgba(index), whole.frame_rgba(frame))


@pytest.mark.parametrize(
    "options",
    [
        {"width": 640},
        {"height": 201},
        {"canvas": (1920, 1080)},
        {"style": "scatter", "width": 500},
        {"style": "overlap", "dpi": 90},
    ],
)
def test_the_estimate_reads_the_real_picture_size(options):
    from convanim.drawable import picture_size

    spec = Spec("conv_transpose", 4, 3, stride=2)
    estimate = picture_size(spec, DrawOptions(**options))
    real = scene(spec, **options).size
    assert np.abs(np.subtract(estimate, real)).max() <= 1  # the other side, rounded


def test_the_scatter_gather_estimate_bounds_its_picture():
    from convanim.drawable import picture_size

    for spec in (Spec("conv_transpose", 4, 3, stride=2), Spec("conv_transpose", (2, 5), 3)):
        width, height = picture_size(spec, DrawOptions(style="scatter_gather"))
        real = scene(spec, style="scatter_gather").size
        assert real[0] <= width <= 2.5 * real[0] and real[1] <= height <= 1.1 * real[1]


def test_a_restyled_figure_draws_as_restyled_after_pose():
    # pose() hands the figure to the user: a moving artist restyled or hidden there
    # must look so in the next blitted frames too (replayed calls are recorded anew).
    fast = scene(Spec("conv", 5, 3, stride=2, padding=1))
    reference = whole_restore(scene(Spec("conv", 5, 3, stride=2, padding=1)))
    for the_scene in (fast, reference):
        the_scene.frame_rgba(0)
        the_scene.frame_rgba(1)
        the_scene.pose(2)
        for artist in the_scene._moving:
            artist.set_edgecolor("red")
        the_scene._moving[0].set_visible(False)
    for index in (3, 4, 0):
        np.testing.assert_array_equal(fast.frame_rgba(index), reference.frame_rgba(index))


def test_a_png_of_a_frame_leaves_the_next_frames_right(tmp_path):
    # save_figure draws every artist onto the shared Agg canvas: the next blitted frame
    # must start from the whole background again.
    fast = scene(Spec("conv", 5, 3, stride=2, padding=1))
    reference = whole_restore(scene(Spec("conv", 5, 3, stride=2, padding=1)))
    fast.frame_rgba(1)
    fast.save_figure(tmp_path / "f.png", 4, "png")
    for index in (3, 0, 8):
        np.testing.assert_array_equal(fast.frame_rgba(index), reference.frame_rgba(index))


@pytest.mark.parametrize(
    ("starts", "shapes"),
    [([0, 2, 2, 4], 4), ([0, 1, 3, 3], 3), ([0, 1, 3, 3], 5), ([2, 4, 0, 2], 4), ([0, 0, 3], 3)],
)
def test_replaced_layers_boxes_are_each_frames_own(starts, shapes):
    # A frame's box spans its own shapes, whatever frame_starts does (empty frames,
    # shapes shared, skipped or left over): against min/max frame by frame.
    from convanim.render.mpl import _frame_boxes

    rng = np.random.default_rng(len(starts) + shapes)
    frames = rng.random((shapes, 4, 2)) * 10
    layer = next(
        layer for layer in scene(Spec("conv", 4, 3)).drawing.layers if layer.frames is not None
    )
    import dataclasses

    layer = dataclasses.replace(layer, frames=frames, frame_starts=np.array(starts))
    boxes, shown = _frame_boxes(layer, np.zeros(2), 2.0, 1.0)
    for index in range(len(starts) - 1):
        own = frames[starts[index] : starts[index + 1]].reshape(-1, 2)
        assert shown[index] == bool(len(own))
        if len(own):
            expected = np.concatenate([own.min(axis=0) * 2.0 - 1.0, own.max(axis=0) * 2.0 + 1.0])
            np.testing.assert_allclose(boxes[index], expected)
