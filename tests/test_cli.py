"""The installed ``convanim`` console script, run as a user runs it: in a subprocess."""

from __future__ import annotations

import fcntl
import os
import pty
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

import convanim

EXE = shutil.which("convanim")
pytestmark = pytest.mark.skipif(EXE is None, reason="the convanim console script is not installed")


def run(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [EXE, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def assert_user_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("convanim: error: ")
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def test_version_and_help():
    result = run("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"convanim {convanim.__version__}"
    result = run("render", "--help")
    assert result.returncode == 0
    for flag in (
        "--op",
        "-i INPUT, --input INPUT",
        "-k KERNEL, --kernel KERNEL",
        "--transposed",
        "--duration",
        "--fps",
        "--frames-dir",
        "examples:",
    ):
        assert flag in result.stdout


def test_info_writes_out_the_arithmetic_and_the_torch_call():
    result = run("info", "-i", "6", "-k", "3", "-s", "2", "-p", "1")
    assert result.returncode == 0, result.stderr
    assert "(6 + 2*1 - 3) // 2 + 1 = 3" in result.stdout
    assert "frames: 9" in result.stdout
    assert "torch.nn.functional.conv2d(x, weight, stride=2, padding=1, dilation=1)" in result.stdout
    result = run(
        "info", "-i", "3", "-k", "3", "-s", "2", "-p", "1", "--output-padding", "1", "--transposed"
    )
    assert "(3 - 1)*2 - 2*1 + 3 + 1 = 6" in result.stdout
    assert "8x8 stretched input" in result.stdout
    assert "conv_transpose2d" in result.stdout


def test_axes_makes_plain_integers_1d():
    result = run("info", "-i", "8", "-k", "3", "-s", "2", "-p", "1", "--axes", "1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "conv 8, k 3, s 2, p 1 -> 4"
    assert "torch.nn.functional.conv1d" in result.stdout
    assert_user_error(
        run("info", "-i", "8x8", "-k", "3", "--axes", "1"),
        "--axes 1 is not valid with --input 8x8: expected 1 value per parameter",
    )


def test_render_gif_and_still(tmp_path):
    result = run(
        "render",
        "-i",
        "5x4",
        "-k",
        "3x2",
        "-s",
        "2x1",
        "-o",
        "a.gif",
        "--duration",
        "250",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    with Image.open(tmp_path / "a.gif") as image:
        assert image.n_frames == 2 * 3
        assert image.info["duration"] == 250 and image.info["loop"] == 0
    again = run(
        "render",
        "-i",
        "5x4",
        "-k",
        "3x2",
        "-s",
        "2x1",
        "-o",
        "b.gif",
        "--duration",
        "250",
        cwd=tmp_path,
    )
    assert again.returncode == 0
    assert (tmp_path / "a.gif").read_bytes() == (tmp_path / "b.gif").read_bytes()
    result = run(
        "render", "-i", "4", "-k", "3", "--frame", "3", "--values", "-o", "still.png", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    with Image.open(tmp_path / "still.png") as image:
        assert image.size == (244, 259)
    result = run("render", "-i", "4", "-k", "3", "--matrix", "-o", "matrix.gif", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    with Image.open(tmp_path / "matrix.gif") as image:
        assert image.n_frames == 4  # one row of the 4 x 16 matrix C per frame
    result = run(
        "render", "-i", "4", "-k", "3", "--fps", "4", "--frames-dir", "frames", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "frames").iterdir()) == [
        f"frame_{i:04d}.png" for i in range(4)
    ]


BAD = [
    (
        ["render", "-i", "5", "-k", "3", "-s", "0", "-o", "x.gif"],
        ["--stride", "stride = 0 is not valid: expected an integer >= 1"],
    ),
    (
        ["render", "-i", "5x5", "-k", "3", "-s", "1x0", "-o", "x.gif"],
        ["stride[1] = 0 is not valid"],
    ),
    (
        ["render", "-i", "5", "-k", "9", "-o", "x.gif"],
        ["--kernel", "kernel_size = 9", "between 1 and 5"],
    ),
    (["render", "-i", "5", "-k", "3", "-p", "-1", "-o", "x.gif"], ["padding = -1"]),
    (
        ["render", "-i", "5", "-k", "3", "-s", "abc", "-o", "x.gif"],
        ["--stride: stride = 'abc' is not valid: expected an integer or one per axis like 5x7"],
    ),
    (
        ["render", "-i", "5", "-k", "3", "-o", "x.bmp"],
        [".bmp", ".gif", ".mp4", ".webp", ".apng", ".svg", ".pdf"],
    ),
    (
        ["render", "-i", "5", "-k", "3", "--duration", "0", "-o", "x.gif"],
        ["duration = 0 is not valid"],
    ),
    (["render", "-i", "5", "-k", "3", "--fps", "0", "-o", "x.gif"], ["fps = 0 is not valid"]),
    (
        ["render", "-i", "5", "-k", "3", "--frame", "9", "-o", "x.png"],
        ["frame = 9 is not valid: expected an integer between 0 and 8"],
    ),
    (["render", "-i", "5", "-k", "3", "--dpi", "5", "-o", "x.gif"], ["dpi = 5.0 is not valid"]),
    (
        [
            "render",
            "-i",
            "5",
            "-k",
            "3",
            "--op",
            "max_pool",
            "--output-padding",
            "1",
            "-o",
            "x.gif",
        ],
        ["output_padding = 1"],
    ),
    (
        [
            "render",
            "-i",
            "5",
            "-k",
            "3",
            "--in-channels",
            "2",
            "--show-out-channels",
            "2",
            "-o",
            "x.gif",
        ],
        ["--show-out-channels", "between 0 and 1"],
    ),
    (
        ["render", "-i", "5", "-k", "3", "--op", "max_pool", "--matrix", "-o", "x.gif"],
        ["expected a linear op"],
    ),
    (["render", "-i", "5", "-k", "3", "-o", "missing_folder/x.gif"], ["output folder"]),
    (
        ["render", "-i", "5", "-k", "3"],
        ["one of the arguments -o/--output --frames-dir is required"],
    ),
    (["gallery", "--out", "g", "--manifest", "nope.toml"], ["manifest 'nope.toml' is not valid"]),
    (["gallery", "--out", "g", "--jobs", "0"], ["jobs = 0 is not valid"]),
    (["bogus"], ["invalid choice"]),
    (
        ["render", "-i", "5", "-k", "3", "--fps", "0.0001", "-o", "x.gif"],
        ["--fps: fps = 0.0001 is not valid: expected a number between 0.001526 and 1000"],
    ),
    (
        ["render", "-i", "5", "-k", "3", "--matrix", "--style", "flat", "-o", "x.gif"],
        ["--matrix is not valid with --style flat"],
    ),
    (
        ["render", "-i", "5", "-k", "3", "--matrix", "--values", "-o", "x.gif"],
        ["--values is not valid with the matrix view"],
    ),
    (["render", "-i", "5", "-k", "3", "--frames-dir", ""], ["output path '' is not valid"]),
    (["gallery", "--out", "missing/sub"], ["expected a folder whose parent exists"]),
]


@pytest.mark.parametrize(("args", "fragments"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_one_line_status_2_and_no_file(tmp_path, args, fragments):
    result = run(*args, cwd=tmp_path)
    assert_user_error(result, *fragments)
    assert list(tmp_path.iterdir()) == []


# Values that are never valid for the flag: a malformed per-axis list, a sign or
# decimal point, a letter, or a number below the flag's minimum.
MINIMUM = {"-i": 1, "-k": 1, "-s": 1, "-p": 0, "-d": 1, "--output-padding": 0}
MALFORMED = st.sampled_from(
    ["", "x", "2x", "x2", "1x2x3x4", "1.5", "1e3", "٣", "3,3", "--", "5 5", "0x5x"]
)


@st.composite
def bad_arguments(draw):
    flag = draw(st.sampled_from(sorted(MINIMUM)))
    too_small = st.integers(-99, MINIMUM[flag] - 1).map(str)
    value = draw(st.one_of(MALFORMED, too_small, st.tuples(too_small, too_small).map("x".join)))
    return flag, value


@settings(max_examples=25, deadline=None)
@given(bad_arguments())
def test_random_bad_arguments_fail_cleanly(tmp_path_factory, case):
    flag, value = case
    folder = tmp_path_factory.mktemp("bad")
    options = {"-i": "5", "-k": "3", flag: value}
    args = ["render", *[part for pair in options.items() for part in pair], "-o", "x.gif"]
    result = run(*args, cwd=folder)
    if flag == "--output-padding" and value in ("-0", "0", "0x0", "-0x-0", "-0x0", "0x-0"):
        # "-0" is a valid way to write 0 (and output_padding 0 is valid for conv)
        assert result.returncode == 0
        return
    assert_user_error(result)
    assert list(folder.iterdir()) == []


def test_failed_run_keeps_an_existing_file(tmp_path):
    target = tmp_path / "keep.gif"
    target.write_bytes(b"user's file")
    assert_user_error(run("render", "-i", "5", "-k", "7", "-o", "keep.gif", cwd=tmp_path))
    assert target.read_bytes() == b"user's file"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.gif"]


def _long_render_under_way(folder: Path, output: str) -> subprocess.Popen:
    """Start a 3,364-frame render and return once its temporary file exists."""
    process = subprocess.Popen(
        [EXE, "render", "-i", "60", "-k", "3", "--dpi", "20", "-q", "-o", output],
        cwd=folder,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(".convanim-") for p in folder.iterdir()):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)
    time.sleep(0.3)  # well inside the render
    return process


@pytest.mark.parametrize("extension", ["gif", "mp4"])
def test_ctrl_c_leaves_no_partial_file_and_the_old_one_intact(tmp_path, extension):
    target = tmp_path / f"keep.{extension}"
    target.write_bytes(b"user's file")
    process = _long_render_under_way(tmp_path, target.name)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    assert target.read_bytes() == b"user's file"


def _stderr_on_a_terminal(args: list[str], cwd: Path) -> str:
    leader, follower = pty.openpty()
    # A new pseudo-terminal is 0 columns wide, which tqdm would honour with an empty bar.
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    process = subprocess.Popen(
        [EXE, *args], cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=120)
    os.close(leader)
    assert process.returncode == 0
    return b"".join(chunks).decode(errors="replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_progress_bar_on_a_terminal_and_quiet_silences_it(tmp_path):
    shown = _stderr_on_a_terminal(["render", "-i", "6", "-k", "3", "-o", "a.gif"], tmp_path)
    assert "/16" in shown and "frame" in shown
    quiet = _stderr_on_a_terminal(["render", "-i", "6", "-k", "3", "-q", "-o", "b.gif"], tmp_path)
    assert quiet.strip() == ""


def test_file_system_refusals_are_one_line(tmp_path):
    (tmp_path / "folder.gif").mkdir()
    assert_user_error(
        run("render", "-i", "4", "-k", "3", "-o", "folder.gif", cwd=tmp_path),
        "expected a file name",
    )
    (tmp_path / "a_file").write_text("x")
    assert_user_error(
        run("render", "-i", "4", "-k", "3", "--frames-dir", "a_file", cwd=tmp_path),
        "expected a folder",
    )
    assert (tmp_path / "a_file").read_text() == "x"
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):  # root ignores permissions: nothing to test
            return
        assert_user_error(
            run("render", "-i", "4", "-k", "3", "-o", "locked/x.gif", cwd=tmp_path), "cannot write"
        )
    finally:
        locked.chmod(0o700)


def test_a_long_file_name_that_fits_is_written(tmp_path):
    name = "n" * 240 + ".gif"  # within the 255-byte limit; the temporary name must fit too
    result = run("render", "-i", "4", "-k", "3", "-o", name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_sigterm_leaves_no_partial_file(tmp_path):
    process = _long_render_under_way(tmp_path, "term.gif")
    process.terminate()
    _, stderr = process.communicate(timeout=60)
    assert "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []


def test_closed_stdout_is_not_a_traceback():
    process = subprocess.run(
        f"{EXE} info -i 5 -k 3 | head -c 0", shell=True, capture_output=True, text=True, timeout=60
    )
    assert "Traceback" not in process.stderr


def test_gallery_refuses_a_matrix_max_pool_entry_before_writing(tmp_path):
    manifest = tmp_path / "m.toml"
    manifest.write_text(
        '[[animation]]\nname = "good"\nop = "conv"\ninput_size = 4\nkernel_size = 3\n'
        '[[animation]]\nname = "bad"\nop = "max_pool"\ninput_size = 4\nkernel_size = 2\nstyle = "matrix"\n'
    )
    result = run("gallery", "--manifest", str(manifest), "--out", str(tmp_path / "out"))
    assert_user_error(
        result, "gallery entry 'bad': op = 'max_pool' is not valid for the matrix view"
    )
    assert not (tmp_path / "out").exists()
