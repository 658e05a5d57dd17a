"""Nothing lost, nothing half-written (issues 20 and 22): galleries that keep the user's
files, full disks, signals, runaway requests, stray matplotlib settings, honest messages.

Each test here failed on the code before its fix. The fuzz tests count the cases they
tried and handled per category (:data:`COUNTS`); the run prints them at the end.
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from convanim import Spec, cli
from convanim.errors import SpecError
from convanim.gallery import (
    MAX_JOBS,
    ManifestError,
    build_gallery,
    gallery_workers,
    load_manifest,
    parse_manifest,
)

REPO = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(REPO)}

COUNTS: Counter[str] = Counter()
"""Fuzz cases per category: ``"<category>: tried"`` and ``"<category>: handled"``."""


def count(category: str, handled: bool) -> None:
    COUNTS[f"{category}: tried"] += 1
    COUNTS[f"{category}: handled"] += bool(handled)


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 120):
    return subprocess.run(
        [sys.executable, "-m", "convanim.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env or ENV,
        timeout=timeout,
    )


def one_error_line(result: subprocess.CompletedProcess, status: int = 2) -> str:
    assert result.returncode == status, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def entry(name: str, **fields: object) -> str:
    body = {"op": "conv", "input_size": 3, "kernel_size": 2, **fields}
    lines = [f"name = {_toml(name)}"]
    for key, value in body.items():
        lines.append(f"{key} = {_toml(value)}")
    return "[[animation]]\n" + "\n".join(lines) + "\n"


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    return repr(value).replace("'", '"')


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) with its bytes."""
    if not folder.exists():
        return {}
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# -- 20.1: a gallery never replaces a file it did not write ---------------------------
def test_gallery_keeps_a_readme_and_manifest_it_did_not_write(tmp_path):
    manifest = tmp_path / "m.toml"
    manifest.write_text(entry("tiny"))
    for own in ("README.md", "manifest.toml"):
        out = tmp_path / own.replace(".", "_")
        out.mkdir()
        (out / own).write_text("mine\n")
        before = snapshot(out)
        with pytest.raises(FileExistsError, match=own):
            build_gallery(out, manifest, jobs=1, progress=False)
        assert snapshot(out) == before  # not even the animation was added
        line = one_error_line(run_cli("gallery", "--out", str(out), "--manifest", str(manifest)))
        assert line.startswith(f"convanim: error: cannot write '{out / own}': it exists and no")
        assert "--force" in line
        assert snapshot(out) == before
        # --force replaces it
        result = run_cli("gallery", "--out", str(out), "--manifest", str(manifest), "-q", "--force")
        assert result.returncode == 0, result.stderr
        assert (out / own).read_text() != "mine\n" and (out / "tiny.gif").exists()


def test_gallery_rebuilds_its_own_folder_but_not_a_users_animation(tmp_path):
    manifest = tmp_path / "m.toml"
    manifest.write_text(entry("tiny") + entry("other", kernel_size=3))
    out = tmp_path / "g"
    build_gallery(out, manifest, jobs=1, progress=False)
    (out / "notes.txt").write_text("my notes")
    first = snapshot(out)
    build_gallery(out, manifest, jobs=1, progress=False)  # its own files: replaced
    assert snapshot(out) == first
    # an animation of the user's that a new entry would replace
    (out / "new.gif").write_bytes(b"GIF89a mine")
    manifest.write_text(entry("tiny") + entry("other", kernel_size=3) + entry("new"))
    with pytest.raises(FileExistsError, match=r"new\.gif"):
        build_gallery(out, manifest, jobs=1, progress=False)
    assert (out / "new.gif").read_bytes() == b"GIF89a mine"
    assert (out / "notes.txt").read_text() == "my notes"


# -- 20.2: every entry checked before the first file is written -----------------------
@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"duration": 10}, "gallery entry 'bad': duration = 10 is not valid for GIF"),
        # allow_long: past the bound on frames and work, which refuses these even sooner
        (
            {"input_size": 3000, "allow_long": True},
            "gallery entry 'bad': the spec is too large to draw",
        ),
        (
            {"input_size": 60, "dpi": 1200, "allow_long": True},
            "gallery entry 'bad': dpi = 1200 is not valid",
        ),
        ({"input_size": 3000}, "gallery entry 'bad': frames = 8994001 .* is not valid"),
    ],
)
def test_render_time_refusals_come_before_any_file(tmp_path, bad, message):
    manifest = tmp_path / "m.toml"
    # the good entry first: the old code wrote its GIF before refusing the bad one
    manifest.write_text(entry("good") + entry("bad", **bad))
    out = tmp_path / "g"
    start = time.perf_counter()
    with pytest.raises(ManifestError, match=message):
        build_gallery(out, manifest, jobs=1, progress=False)
    assert time.perf_counter() - start < 60
    assert not out.exists()


def test_a_name_too_long_for_the_file_system_is_refused_first(tmp_path):
    manifest = tmp_path / "m.toml"
    manifest.write_text(entry("good") + entry("n" * 252))
    with pytest.raises(ManifestError, match="at most 251 characters"):
        build_gallery(tmp_path / "g", manifest, jobs=1, progress=False)
    assert not (tmp_path / "g").exists()


def test_a_build_failing_midway_leaves_nothing_new(tmp_path, monkeypatch, capsys):
    from convanim import api

    manifest = tmp_path / "m.toml"
    manifest.write_text(entry("first") + entry("second") + entry("third"))
    out = tmp_path / "g"
    out.mkdir()
    (out / "mine.txt").write_text("mine")
    real = api.write_scene

    def failing(the_scene, path, *args, **kwargs):
        if Path(path).name == "third.gif":  # the disk fills on the last one
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(the_scene, path, *args, **kwargs)

    monkeypatch.setattr(api, "write_scene", failing)
    with pytest.raises(OSError) as caught:
        build_gallery(out, manifest, jobs=1, progress=False)
    assert caught.value.filename == str(out / "third.gif")  # named, not the staging path
    assert snapshot(out) == {"mine.txt": b"mine"}  # first and second were not moved in
    # the command line says so
    status = cli.main(["gallery", "--out", str(out), "--manifest", str(manifest), "-q", "-j", "1"])
    assert status == 2
    assert capsys.readouterr().err == (
        f"convanim: error: cannot write '{out / 'third.gif'}': No space left on device; "
        f"nothing was written to '{out}'\n"
    )
    assert snapshot(out) == {"mine.txt": b"mine"}


# -- 20.3 and 22.7: names are file names ----------------------------------------------
BAD_NAMES = [
    "evil\n",
    "evil\r",
    "tab\there",
    "a/b",
    "a\\b",
    "..",
    ".hidden",
    "README",
    "readme",
    "Manifest",
    "MANIFEST",
    "nul\x00",
    "esc\x1b[31m",
    "",
    " space",
]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_entry_names_are_refused_unless_plain_file_names(name):
    with pytest.raises(ManifestError, match=r"name = .* is not valid"):
        parse_manifest(entry(name))
    count("manifest names", True)


def test_names_differing_only_in_case_are_refused():
    with pytest.raises(ManifestError, match="each name once, in any case"):
        parse_manifest(entry("GOOD") + entry("good"))


def test_descriptions_cannot_break_the_readme_table(tmp_path):
    manifest = tmp_path / "m.toml"
    manifest.write_text(
        entry("one", description="a | b\nsecond line") + entry("two", description="c\r\nd|e")
    )
    out = tmp_path / "g"
    build_gallery(out, manifest, jobs=1, progress=False)
    rows = [line for line in (out / "README.md").read_text().splitlines() if line.startswith("|")]
    assert len(rows) == 2 + 2  # header, rule, one row per entry
    cells = [row.replace("\\|", "") for row in rows[2:]]
    assert all(row.count("|") == 6 for row in cells)  # five cells each, unbroken
    assert "a \\| b<br>second line" in rows[2] and "c<br>d\\|e" in rows[3]


def test_the_manifest_is_read_up_to_a_cap(tmp_path):
    start = time.perf_counter()
    with pytest.raises(ManifestError, match="at most 4 MiB"):
        load_manifest("/dev/zero")
    assert time.perf_counter() - start < 5
    line = one_error_line(
        run_cli("gallery", "--out", str(tmp_path / "g"), "--manifest", "/dev/zero")
    )
    assert "manifest '/dev/zero' is not valid: expected a TOML file of at most 4 MiB" in line
    assert not (tmp_path / "g").exists()


@pytest.mark.parametrize(
    "x",
    ["1", [["1", "2"], ["3", "4"]], True, [[True, False], [1, 2]], [[np.nan, 1], [1, 1]],
     [[1, np.inf], [1, 1]], np.ones((2, 2), bool), "abc"],
)  # fmt: skip
def test_x_takes_finite_numbers_only(x):
    from convanim import numbers

    with pytest.raises(SpecError, match=r"^x is not valid: expected"):
        numbers(Spec("conv", 2, 1), x=x)
    count("x values", True)


def test_seed_is_range_checked_without_values(tmp_path):
    from convanim import save

    line = one_error_line(
        run_cli("render", "-i", "3", "-k", "2", "--seed", str(2**32), "-o", str(tmp_path / "x.gif"))
    )
    assert "--seed: seed = 4294967296 is not valid" in line
    with pytest.raises(SpecError, match="seed = -1 is not valid"):
        save(Spec("conv", 3, 2), tmp_path / "y.gif", seed=-1)
    with pytest.raises(ManifestError, match="seed = 4294967296 is not valid"):
        parse_manifest(entry("s", seed=2**32))
    assert list(tmp_path.iterdir()) == []


# -- 20.4: -j is capped and checked ----------------------------------------------------
def test_workers_are_capped_at_the_animations_and_the_cores():
    cores = os.cpu_count() or 1
    assert gallery_workers(MAX_JOBS, 3) == (3, "one per animation")
    workers, why = gallery_workers(MAX_JOBS, 10_000)
    assert workers == 2 * cores and why == f"2 per core on {cores} cores"
    assert gallery_workers(1, 10) == (1, "")
    for bad in (0, -1, MAX_JOBS + 1, 100_000, True, 2.0, "4"):
        with pytest.raises(
            SpecError, match=f"jobs = .* is not valid: expected an integer between 1 and {MAX_JOBS}"
        ):
            gallery_workers(bad, 10)


def test_cli_refuses_absurd_jobs_and_says_when_it_caps(tmp_path):
    manifest = tmp_path / "m.toml"
    manifest.write_text(entry("tiny") + entry("two", kernel_size=3))
    for bad in ("100000", "0", "-3", "abc", "9" * 5000):
        line = one_error_line(
            run_cli("gallery", "--out", str(tmp_path / "g"), "--manifest", str(manifest), "-j", bad)
        )
        assert line.startswith("convanim: error: --jobs: jobs = ") and len(line) < 200, line
        assert f"expected an integer between 1 and {MAX_JOBS}" in line
        count("-j values", True)
    assert not (tmp_path / "g").exists()
    result = run_cli(
        "gallery", "--out", str(tmp_path / "g"), "--manifest", str(manifest), "-j", "64"
    )
    assert result.returncode == 0, result.stderr
    assert "convanim: -j 64 capped at 2 workers (one per animation)" in result.stderr


# -- 20.5: a full disk is one line and no partial file, for every writer --------------
class _FullFile:
    """A file object whose writes fail with ENOSPC after ``room`` bytes in all."""

    def __init__(self, file, state) -> None:
        self._file, self._state = file, state

    def write(self, data) -> int:
        size = len(memoryview(data).cast("B")) if not isinstance(data, str) else len(data)
        if self._state["written"] + size > self._state["room"]:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._state["written"] += size
        return self._file.write(data)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._file.close()

    def __iter__(self):
        return iter(self._file)

    def __getattr__(self, name):
        return getattr(self._file, name)


@contextlib.contextmanager
def full_disk(folder: Path, room: int):
    """Every file opened for writing under ``folder`` fills up after ``room`` bytes."""
    real_open = builtins.open
    state = {"written": 0, "room": room}

    def fake_open(file, mode="r", *args, **kwargs):
        opened = real_open(file, mode, *args, **kwargs)
        inside = isinstance(file, (str, os.PathLike)) and Path(file).resolve().is_relative_to(
            folder.resolve()
        )
        if inside and any(flag in mode for flag in "wax+"):
            return _FullFile(opened, state)
        return opened

    builtins.open = fake_open
    io_open, io.open = io.open, fake_open
    try:
        yield
    finally:
        builtins.open, io.open = real_open, io_open


# mp4 runs ffmpeg, which writes by itself: it is tested on a real full tmpfs below.
FILE_WRITERS = ["x.gif", "x.webp", "x.apng", "x.png", "x.svg", "x.pdf", "x.html", "x.tex"]


@pytest.mark.parametrize("name", FILE_WRITERS)
@pytest.mark.parametrize("room", [0, 3000])
def test_every_writer_reports_a_full_disk_in_one_line(tmp_path, capsys, name, room):
    out = tmp_path / "out"
    out.mkdir()
    (out / name).write_bytes(b"the user's old file")
    with full_disk(out, room):
        status = cli.main(["render", "-i", "6", "-k", "3", "--values", "-q", "-o", str(out / name)])
    captured = capsys.readouterr()
    assert status == 2, captured.err
    assert captured.err.strip().splitlines() == [
        f"convanim: error: cannot write '{out / name}': No space left on device"
    ], captured.err
    assert snapshot(out) == {name: b"the user's old file"}  # no partial file, old one kept
    count("full disk (file objects)", True)


def _mount_tmpfs(folder: Path, size: str) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    if shutil.which("mount") is None or os.geteuid() != 0:
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True
    )
    return done.returncode == 0


@pytest.fixture
def tmpfs(tmp_path):
    """A 256 KiB tmpfs (skipped where the test may not mount one)."""
    folder = tmp_path / "tmpfs"
    if not _mount_tmpfs(folder, "256k"):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


WRITERS = ["x.mp4", *FILE_WRITERS]


def test_every_writer_on_a_really_full_file_system(tmpfs):
    for leave in (0, 2_000, 20_000):
        for name in WRITERS:
            for item in tmpfs.iterdir():
                item.unlink()
            size = os.statvfs(tmpfs).f_bavail * os.statvfs(tmpfs).f_frsize
            (tmpfs / "filler").write_bytes(b"\0" * max(0, size - leave))
            result = run_cli(
                "render", "-i", "9", "-k", "3", "--values", "-q", "-o", str(tmpfs / name)
            )
            left = sorted(item.name for item in tmpfs.iterdir())
            if result.returncode == 0:  # it fitted: then it is whole
                assert left == ["filler", name]
                count("full disk (tmpfs)", True)
                continue
            line = one_error_line(result)
            assert (
                line == f"convanim: error: cannot write '{tmpfs / name}': No space left on device"
            )
            assert left == ["filler"], left
            count("full disk (tmpfs)", True)


# -- 22.4: --frames-dir on another file system -----------------------------------------
def test_frames_dir_into_a_mount_point(tmp_path):
    mount = tmp_path / "mnt"
    if not _mount_tmpfs(mount, "16m"):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        result = run_cli("render", "-i", "4", "-k", "3", "-q", "--frames-dir", str(mount))
        assert result.returncode == 0, result.stderr
        assert len(list(mount.glob("*.png"))) == 4
        assert not list(mount.glob(".convanim-*"))
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_frames_dir_on_a_dangling_symlink_names_the_link(tmp_path):
    link = tmp_path / "frames"
    link.symlink_to(tmp_path / "nowhere")
    line = one_error_line(run_cli("render", "-i", "4", "-k", "3", "-q", "--frames-dir", str(link)))
    assert f"frames folder '{link}' is not valid" in line and ".convanim" not in line
    assert "does not exist" in line


# -- 20.6: signals during the imports --------------------------------------------------
HOOK = """
import os, signal, sys, runpy, shutil
class Hook:
    def find_spec(self, name, path=None, target=None):
        if name == {module!r} and not getattr(self, "sent", False):
            self.sent = True
            os.kill(os.getpid(), signal.{signal})
        return None
sys.meta_path.insert(0, Hook())
sys.argv = ["convanim", *{argv!r}]
runpy.run_path(shutil.which("convanim"), run_name="__main__")
"""


@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("module", ["numpy", "matplotlib", "PIL"])
def test_an_interruption_during_the_imports_reads_like_any_other(tmp_path, signame, module):
    if shutil.which("convanim") is None:
        pytest.skip("the convanim console script is not installed")
    target = tmp_path / "x.gif"
    code = HOOK.format(
        module=module, signal=signame, argv=["render", "-i", "5", "-k", "3", "-o", str(target)]
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=ENV, timeout=120
    )
    assert result.returncode == 130, result
    assert result.stderr == "convanim: interrupted; no file was written\n", result.stderr
    assert list(tmp_path.iterdir()) == []
    count("signals during imports", True)


# -- 22.6: a signal after the file is in place says so ---------------------------------
def test_a_signal_after_the_replace_says_the_file_was_written(tmp_path, capsys, monkeypatch):
    from convanim import writers

    target = tmp_path / "x.gif"
    real = os.replace

    def replace_then_interrupt(source, destination):
        real(source, destination)
        os.kill(os.getpid(), signal.SIGINT)  # the very moment after the file is in place

    monkeypatch.setattr(writers.os, "replace", replace_then_interrupt)
    status = cli.main(["render", "-i", "4", "-k", "3", "-q", "-o", str(target)])
    captured = capsys.readouterr()
    assert status == 130
    assert captured.err == f"convanim: interrupted; '{target}' was written\n"
    from PIL import Image

    with Image.open(target) as image:
        assert image.n_frames == 4  # and it is whole


def test_a_signal_while_the_file_moves_in_waits_until_it_is_in(tmp_path, capsys, monkeypatch):
    from convanim import writers

    target = tmp_path / "x.gif"
    target.write_bytes(b"old")

    def interrupted_chmod(path, mode):
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(writers.os, "chmod", interrupted_chmod)
    status = cli.main(["render", "-i", "4", "-k", "3", "-q", "-o", str(target)])
    captured = capsys.readouterr()
    # the signal came inside the held moment: the file went in, and the message says so
    assert status == 130
    assert captured.err == f"convanim: interrupted; '{target}' was written\n"
    assert target.read_bytes().startswith(b"GIF89a")


def test_a_signal_a_library_swallows_is_still_reported(tmp_path, capsys, monkeypatch):
    import convanim.render as render

    target = tmp_path / "x.gif"
    real = render.scene  # what save() builds its scene with

    def swallowing(*args, **kwargs):
        try:  # a library catching KeyboardInterrupt (and warning) instead of unwinding
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.01)
        except KeyboardInterrupt:
            pass
        return real(*args, **kwargs)

    monkeypatch.setattr(render, "scene", swallowing)
    status = cli.main(["render", "-i", "4", "-k", "3", "-q", "-o", str(target)])
    assert status == 130  # not 0, as if nothing happened
    assert capsys.readouterr().err == f"convanim: interrupted; '{target}' was written\n"
    assert target.read_bytes().startswith(b"GIF89a")


# -- 22.5: a hostile matplotlibrc cannot change a byte --------------------------------
HOSTILE_RC = """\
lines.antialiased: False
patch.antialiased: False
path.sketch: 1, 100, 1
path.simplify_threshold: 1.0
font.weight: bold
font.size: 30
savefig.bbox: tight
savefig.facecolor: red
svg.fonttype: none
figure.facecolor: blue
"""


def test_user_matplotlib_settings_do_not_change_the_output(tmp_path):
    clean, cwd, config = tmp_path / "clean", tmp_path / "cwd", tmp_path / "config"
    for folder in (clean, cwd, config):
        folder.mkdir()
    (cwd / "matplotlibrc").write_text(HOSTILE_RC)
    (config / "matplotlibrc").write_text(HOSTILE_RC)
    spec = ["-i", "5", "-k", "3", "-s", "2", "-p", "1", "--values", "--caption", "--labels"]
    for name in ("x.png", "x.svg", "x.gif", "x.pdf"):
        reference = run_cli("render", *spec, "-q", "-o", str(clean / name), cwd=clean)
        assert reference.returncode == 0, reference.stderr
        hostile_cwd = run_cli("render", *spec, "-q", "-o", str(cwd / name), cwd=cwd)
        hostile_env = run_cli(
            "render", *spec, "-q", "-o", str(config / name), cwd=clean,
            env={**ENV, "MPLCONFIGDIR": str(config)},
        )  # fmt: skip
        assert hostile_cwd.returncode == 0 and hostile_env.returncode == 0
        assert (cwd / name).read_bytes() == (clean / name).read_bytes(), name
        assert (config / name).read_bytes() == (clean / name).read_bytes(), name


# -- 22.2: messages that blame the right thing -----------------------------------------
def test_a_spec_too_large_to_draw_is_not_blamed_on_dpi(tmp_path):
    # --allow-long: past the bound on frames and work (issue 21), to the size check
    args = ("render", "-i", "3000", "-k", "3", "--allow-long", "-o", str(tmp_path / "v.gif"))
    line = one_error_line(run_cli(*args))
    assert "--dpi" not in line and "dpi = 150" not in line
    assert "the spec is too large to draw" in line and "smaller input" in line
    # where a lower dpi would do, it is still the way out, with a valid number
    args = ("render", "-i", "300", "-k", "3", "--allow-long", "-o", str(tmp_path / "v.gif"))
    line = one_error_line(run_cli(*args))
    assert "--dpi: dpi = 150 is not valid for this spec: expected at most" in line


def test_fps_messages_speak_of_fps(tmp_path):
    line = one_error_line(
        run_cli("render", "-i", "3", "-k", "2", "--fps", "60", "-o", str(tmp_path / "a.gif"))
    )
    assert line.startswith(
        "convanim: error: --fps: fps = 60 is not valid for GIF: expected at most 51"
    )
    assert "duration" not in line.split("(")[0]
    line = one_error_line(
        run_cli("render", "-i", "3", "-k", "2", "--fps", "0.0015", "-o", str(tmp_path / "a.gif"))
    )
    low = float(line.split("between ")[1].split(" and")[0])
    assert low > 0.0015 and cli._duration_of_fps(str(low)) <= 655_350  # the bound is valid
    result = run_cli(
        "render", "-i", "3", "-k", "2", "--fps", "51", "-q", "-o", str(tmp_path / "b.gif")
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "flag", ["-i", "-k", "-s", "-p", "--dilation", "--seed", "--dpi", "--duration"]
)
def test_a_5000_digit_value_is_not_echoed_whole(flag):
    args = {"-i": "5", "-k": "3", flag: "9" * 5000}
    line = one_error_line(
        run_cli(
            "info" if flag not in ("--seed", "--dpi", "--duration") else "render",
            *[part for pair in args.items() for part in pair],
            *(
                ["-o", "/tmp/never-written.gif"]
                if flag in ("--seed", "--dpi", "--duration")
                else []
            ),
        )
    )
    assert len(line) < 300, line
    assert "is not valid: expected" in line
    count("5,000-digit values", True)


# -- 22.8: a notebook shows why, not a traceback ---------------------------------------
def test_repr_html_of_an_undrawable_spec_explains():
    from convanim import animate

    # allow_long: without it animate() refuses the 88,804 frames up front (issue 21),
    # and dpi 20 fits the picture: drawable, but far too large to embed in a notebook
    markup = animate(Spec("conv", 300, 3), allow_long=True, dpi=20)._repr_html_()
    assert 'class="convanim-too-large"' in markup and "too large to show" in markup


# -- 20.7: the Sphinx directive's own errors ---------------------------------------------
SPHINX_BAD = {
    "content": ("   :input: 5\n   :kernel: 3\n\n   Some text inside.\n", 11, "content 'Some text inside.' is not valid"),
    "argument": ("", 7, "argument '5' is not valid: expected none"),
    "twice": ("   :input: 5\n   :kernel: 3\n   :input: 6\n", 10, "option :input: is given twice"),
}  # fmt: skip


def test_directive_content_argument_and_repeated_option_fail_the_build(tmp_path):
    pytest.importorskip("sphinx")
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["convanim.sphinxext"]\n')
    toc = "".join(f"   {name}\n" for name in SPHINX_BAD)
    (src / "index.rst").write_text(f"Index\n=====\n\n.. toctree::\n\n{toc}")
    for name, (body, _, _) in SPHINX_BAD.items():
        head = (
            ".. convanim:: 5\n   :input: 5\n   :kernel: 3\n"
            if name == "argument"
            else ".. convanim::\n"
        )
        (src / f"{name}.rst").write_text(
            f"{name.title()}\n{'=' * len(name)}\n\nText.\n\n\n{head}{body}"
        )
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "--no-color", "-q", "-b", "html", str(src), str(tmp_path / "out")],
        capture_output=True, text=True, env=ENV, timeout=300,
    )  # fmt: skip
    assert result.returncode == 1, result
    expected = sorted(
        f"{src / name}.rst:{line}: ERROR: convanim {message}"
        for name, (_, line, message) in SPHINX_BAD.items()
    )
    got = sorted(result.stderr.splitlines())
    assert len(got) == len(expected), result.stderr
    for line, start in zip(got, expected, strict=True):
        assert line.startswith(start), (line, start)


# -- Also measure: random manifests, good and bad entries, into a folder of user files --
GOOD = st.fixed_dictionaries(
    {"input_size": st.integers(2, 4), "kernel_size": st.integers(1, 2)},
    optional={"stride": st.integers(1, 2), "style": st.sampled_from(["tutorial", "flat"]),
              "duration": st.integers(20, 2000), "description": st.text(max_size=20)},
)  # fmt: skip
BAD = st.one_of(
    st.fixed_dictionaries({"duration": st.integers(1, 19)}),
    st.fixed_dictionaries({"input_size": st.integers(2500, 10**6)}),
    st.fixed_dictionaries({"kernel_size": st.integers(-3, 0)}),
    st.fixed_dictionaries({"stride": st.integers(-2, 0)}),
    st.fixed_dictionaries({"dpi": st.sampled_from([1, 5, 5000])}),
    st.fixed_dictionaries({"style": st.text(max_size=5)}),
    st.fixed_dictionaries({"seed": st.integers(2**32, 2**40)}),
    st.fixed_dictionaries({"colour": st.just("red")}),
)
VALID_NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
NAMES = st.one_of(  # mostly valid names, so that some manifests are built
    VALID_NAMES,
    VALID_NAMES,
    VALID_NAMES,
    st.sampled_from(["README", "readme", "Manifest", "a/b", "x\n", "user", "USER", "notes"]),
)
USER_FILES = {"README.md": b"my readme\n", "user.gif": b"GIF89a mine", "notes.txt": b"notes"}


@example(  # a user's README.md: the old code replaced it
    entries=[("good", {"input_size": 3, "kernel_size": 2})], user_files={"README.md"}
)
@example(  # refused at render time, after the good entry's GIF was written
    entries=[("good", {"input_size": 3, "kernel_size": 2}), ("bad", {"duration": 10})],
    user_files={"notes.txt"},
)
@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    entries=st.lists(st.tuples(NAMES, st.one_of(GOOD, GOOD, GOOD, BAD)), min_size=1, max_size=3),
    user_files=st.sets(st.sampled_from(sorted(USER_FILES))),
)
def test_random_manifests_write_everything_or_nothing(tmp_path_factory, entries, user_files):
    root = tmp_path_factory.mktemp("fuzz")
    out = root / "g"
    out.mkdir()
    for name in user_files:
        (out / name).write_bytes(USER_FILES[name])
    before = snapshot(out)
    manifest = root / "m.toml"
    manifest.write_text("".join(entry(name, **fields) for name, fields in entries))
    try:
        written = build_gallery(out, manifest, jobs=1, progress=False)
    except (SpecError, OSError) as error:
        assert "\n" not in str(error)
        assert snapshot(out) == before  # nothing new, nothing changed
        count("random manifests (refused, folder unchanged)", True)
        return
    after = snapshot(out)
    names = [path.name for path in written]
    # everything was written, and the user's files are as they were
    assert set(after) == set(before) | set(names)
    for name, data in before.items():
        assert after[name] == data, name
    count("random manifests (built, user files kept)", True)


@pytest.mark.parametrize(
    "spec",
    [
        ["-i", "3", "-k", "3", "-s", "2", "--transposed", "--style", "scatter", "--values"],
        [
            "--separable",
            "-i",
            "3",
            "-k",
            "3",
            "--in-channels",
            "2",
            "--out-channels",
            "3",
            "--labels",
        ],
    ],
    ids=["scatter", "separable"],
)
def test_every_scene_class_draws_under_the_fixed_settings(tmp_path, spec):
    # The scatter and separable scenes are their own classes: they too must build (text
    # measured, layout made) under matplotlib's defaults, not the user's rc file.
    clean, cwd = tmp_path / "clean", tmp_path / "cwd"
    for folder in (clean, cwd):
        folder.mkdir()
    (cwd / "matplotlibrc").write_text(HOSTILE_RC)
    for folder in (clean, cwd):
        result = run_cli("render", *spec, "-q", "-o", str(folder / "x.png"), cwd=folder)
        assert result.returncode == 0, result.stderr
    assert (cwd / "x.png").read_bytes() == (clean / "x.png").read_bytes()


def test_a_signal_a_library_turns_into_its_own_error_is_still_an_interruption(
    tmp_path, capsys, monkeypatch
):
    # Seen in CI: Ctrl-C inside matplotlib's C++ drawing came back as "ValueError:
    # Invalid affine transformation matrix", and the CLI said error, exit 2.
    import convanim.render as render

    target = tmp_path / "x.gif"

    def converting(*args, **kwargs):
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.01)
        except KeyboardInterrupt:
            raise ValueError("Invalid affine transformation matrix") from None
        raise AssertionError("the signal was not delivered")

    monkeypatch.setattr(render, "scene", converting)
    status = cli.main(["render", "-i", "4", "-k", "3", "-q", "-o", str(target)])
    assert status == 130
    assert capsys.readouterr().err == "convanim: interrupted; no file was written\n"
    assert not target.exists()
