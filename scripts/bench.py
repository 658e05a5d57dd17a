"""Benchmark convanim against baselines measured in the same run (issues 7, 19 and 21).

Run ``python scripts/bench.py`` (about four minutes on 2 cores) or
``python scripts/bench.py --quick`` (about a minute); ``--json PATH`` also writes
the numbers; ``--only first gallery ...`` runs only those sections (see SECTIONS).
Prints one table: every speed, size and memory figure next to a baseline
measured in this run and their ratio, never against a hard-coded number.

Rows:

1. gallery   build of the built-in gallery, one process and the default pool, against
             the issue's straightforward matplotlib way (target >= 12x, issue 19): on the
             same Scene, ``FuncAnimation(blit=False)`` whose update calls
             ``scene.pose(index)``, saved with ``PillowWriter``. A row compares with a
             stricter, hand-tuned full redraw (target >= 4x for jobs=1):
             ``scene.pose(index)``, one ``canvas.draw()`` per frame, frames kept and
             written by Pillow's ``save_all``. gallery bytes: the jobs=1 build's
             animations against the committed ``gallery/`` folder (target: no larger).
2. per-frame where one tutorial animation's time goes: plan, scene build, draw, encode,
             and the FuncAnimation baseline's time per frame; the floor row: the GIF
             writer given the Scene (it streams frames_changed, draws and encodes) per
             frame, against the floor of copying one frame and LZW-encoding exactly the
             patches convanim writes with Pillow's encoder (target <= 3x the floor);
             the note gives convanim's own (compiled) encoder's time for the same bytes.
3. growth    4x4 to 64x64 inputs (3x3 kernel) at about the tutorial's pixel size, each
             written in a fresh subprocess: time per frame and peak RSS.
4. bytes     the 15 tutorial GIFs built by convanim against the reference GIFs.
5. planner   ``plan(Spec("conv", 512, 3))`` against a plain Python loop.
6. explorer  ``convanim.explore``: time from a control change to the new picture (target
             under 100 ms at tutorial sizes), against re-encoding the animation's GIF.
7. first     time to the first frame in a fresh process (``python -c`` that imports
             convanim and saves frame 0 of padding_strides as PNG), against importing
             matplotlib's Agg backend and Pillow alone (target <= 1.3x).
8. big       ``-i 64 -k 3`` (13 Mpx frames at 150 dpi) in every writer: time per frame
             and peak RSS of a run of its first frames, against the same frames at the
             tutorial's picture size in the same run; and the time to refuse
             ``-i 2176`` (4.7 million frames), against the CLI's start-up (``info``).
             Times are per frame after the first, beside the ratio of the changed
             rectangles' area: the writers that store changes follow that area.
9. dask      a generated manifest (200 animations, 40 with --quick) built on a 2-worker
             ``dask.distributed`` LocalCluster's executor against the process pool
             (target ~1x, at least 0.8x), byte-identical; the workers without
             MALLOC_TRIM_THRESHOLD_ (docs/gallery.rst), Dask's default in the note.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference"
COMMITTED_GALLERY = Path(__file__).resolve().parents[1] / "gallery"
GALLERY_TARGET = 12.0  # speed-up over FuncAnimation + PillowWriter, jobs=1 and pool
STRICT_TARGET = 4.0  # speed-up of jobs=1 over the hand-written full redraw
TUTORIAL_CASE = "full_padding_no_strides"
GROWTH_SIDES = (4, 16, 32, 64)
QUICK_GROWTH_SIDES = (4, 16, 32)
PROBE_DPI = 40.0
PLANNER_SIDE = 512
QUICK_PLANNER_ROWS = 64
SECTIONS = (
    "gallery",
    "breakdown",
    "growth",
    "bytes",
    "planner",
    "explorer",
    "first",
    "big",
    "refusal",
    "dask",
)
"""The bench's sections, in the order they run (``--only`` picks some; ``bytes`` builds
the gallery, ``breakdown`` holds the per-frame floor row)."""


# -- results -------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the table, with its numbers for --json."""

    row: str
    case: str
    convanim: str
    baseline: str
    ratio: str
    target: str = "-"
    status: str = "-"
    numbers: dict = field(default_factory=dict)


@dataclass
class Report:
    mode: str
    header: dict
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, row: Row) -> None:
        self.rows.append(row)

    def note(self, text: str) -> None:
        self.notes.append(text)


def _ms(seconds: float, digits: int = 2) -> str:
    return f"{seconds * 1e3:.{digits}f} ms"


def _mb(kib: float) -> str:
    return f"{kib / 1024:.1f} MB"


def _ratio(value: float) -> str:
    if value >= 100:
        return f"{value:.0f}x"
    if value >= 10:
        return f"{value:.1f}x"
    return f"{value:.2f}x"


def _status(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def _interleaved(functions: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median seconds of each function, run in rounds (one call of each per round).

    Interleaving keeps a measurement and its baseline under the same conditions when
    the machine's load changes during the run.
    """
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(repeats):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def _median_time(function: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# -- environment ---------------------------------------------------------------------


def header() -> dict:
    import imageio
    import matplotlib
    import PIL

    from convanim.writers import _compiled

    return {
        "cores": os.cpu_count(),
        "load": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "matplotlib": matplotlib.__version__,
        "pillow": PIL.__version__,
        "imageio": imageio.__version__,
        # The GIF writer's loops: compiled (_convanim_kernels) or numpy (not built, or
        # CONVANIM_NUMPY_ONLY=1): every GIF row depends on it.
        "gif loops": "compiled" if _compiled.kernels is not None else "numpy",
    }


# -- the baselines: matplotlib redraws the whole figure for every frame ---------------


def _scene_for(entry):
    """The Scene convanim itself draws for a gallery entry (same look, same size)."""
    from convanim.render import scene

    options = entry.render_options() if hasattr(entry, "render_options") else None
    if options is None:
        options = {"style": entry.style}
    return scene(entry.spec, **options)


def _pose(scene, index: int, clock: list[float] | None = None):
    """``scene.pose(index)``, its time added to ``clock[0]`` when a clock is given."""
    if clock is None:
        return scene.pose(index)
    start = time.perf_counter()
    figure = scene.pose(index)
    clock[0] += time.perf_counter() - start
    return figure


def full_redraw_frames(
    scene, *, rgb: bool = False, clock: list[float] | None = None
) -> Iterator[np.ndarray]:
    """Every frame drawn whole: ``scene.pose(index)``, then one full ``canvas.draw()``.

    pose() makes every artist an ordinary (non-animated) one at frame ``index``, so
    the draw renders the whole figure in z-order, background included; no cached
    background, no blitting. Frames are copies of the RGBA canvas, as matplotlib's
    PillowWriter hands them to Pillow (``rgb=True``: RGB copies).
    """
    for index in range(len(scene)):
        figure = _pose(scene, index, clock)
        figure.canvas.draw()
        canvas = np.asarray(figure.canvas.buffer_rgba())
        yield canvas[:, :, :3].copy() if rgb else canvas.copy()


def pillow_save_all(frames: Sequence[np.ndarray], path: Path, duration: int, loop: int) -> None:
    """The hand-written GIF: Pillow quantises each frame, save_all writes them.

    Pillow quantises RGBA frames with its fast octree and RGB ones with median cut,
    about three times slower; the baseline gets RGBA, the faster.
    """
    from PIL import Image

    images = [Image.fromarray(frame) for frame in frames]
    images[0].save(path, save_all=True, append_images=images[1:], duration=duration, loop=loop)


def strict_build(entry, out_dir: Path, clock: list[float] | None = None) -> None:
    """The strict baseline: full canvas.draw() per frame, RGBA frames, PIL save_all."""
    scene = _scene_for(entry)
    frames = list(full_redraw_frames(scene, clock=clock))
    pillow_save_all(frames, out_dir / entry.filename, entry.duration, entry.loop)


def funcanimation_save(scene, path: Path, duration: int, clock: list[float] | None = None) -> None:
    """The issue's baseline: FuncAnimation (no blitting) + PillowWriter on the Scene's figure.

    The update function poses the whole frame; FuncAnimation draws the figure (Agg's
    draw_idle draws at once) and PillowWriter's grab_frame draws it again into savefig.
    """
    from matplotlib.animation import FuncAnimation, PillowWriter

    def update(index: int) -> None:
        _pose(scene, index, clock)

    animation = FuncAnimation(scene.figure, update, frames=len(scene), blit=False)
    animation.save(path, writer=PillowWriter(fps=1000 / duration), dpi=scene.dpi)


def funcanimation_build(entry, out_dir: Path, clock: list[float] | None = None) -> None:
    funcanimation_save(_scene_for(entry), out_dir / entry.filename, entry.duration, clock)


# -- 1. gallery ----------------------------------------------------------------------


def bench_gallery(report: Report, work: Path, quick: bool) -> Path:
    from convanim.gallery import build_gallery, load_manifest

    entries, _ = load_manifest()
    frames = {entry.name: entry.spec.num_frames for entry in entries}
    total_frames = sum(frames.values())
    repeats = 1 if quick else 3

    # The baselines cover every animation (every third with --quick): Scene and
    # MatrixScene both pose any frame for matplotlib's own drawing.
    covered = entries[::3] if quick else entries
    whole = len(covered) == len(entries)
    single_dir = work / "gallery-jobs1"
    funcanim_dir, strict_dir = work / "gallery-funcanimation", work / "gallery-strict"
    funcanim_dir.mkdir()
    strict_dir.mkdir()
    workers = os.cpu_count() or 1

    # One round = jobs=1, the default pool, jobs=1, FuncAnimation, jobs=1, the strict
    # baseline, so that all of them see the same machine load. One jobs=1 build takes
    # about a twelfth of a FuncAnimation round, so a burst of host load (this machine's
    # builds swing 2.4 to 3.6 s within a run) would land on one build a round at full
    # weight: a build before each measurement sees the load the baselines see. jobs=1
    # times each animation through the completion callback; each baseline's time
    # inside pose() is clocked apart.
    single_runs, parallel_runs = [], []
    funcanim_runs, strict_runs, funcanim_pose, strict_pose = [], [], [], []
    # One untimed build first: the first gallery in a process loads what warm_up()'s
    # small drawing does not (the scatter, stack and matrix views' modules, glyph
    # outlines of every size, palettes' tables), and the baselines, which draw the same
    # scenes after it, would find all of that loaded.
    build_gallery(work / "gallery-warm", jobs=1, progress=False)

    def single_build() -> None:
        per_entry: dict[str, float] = {}
        last = [time.perf_counter()]

        def done(entry) -> None:
            now = time.perf_counter()
            per_entry[entry.name] = now - last[0]
            last[0] = now

        start = last[0] = time.perf_counter()
        build_gallery(single_dir, jobs=1, progress=False, callback=done)
        single_runs.append((time.perf_counter() - start, per_entry))

    def parallel_build(run: int) -> None:
        start = time.perf_counter()
        build_gallery(work / f"gallery-pool-{run}", progress=False)
        parallel_runs.append(time.perf_counter() - start)

    def baseline_build(build, out_dir: Path, runs: list, poses: list) -> None:
        clock = [0.0]
        start = time.perf_counter()
        for entry in covered:
            build(entry, out_dir, clock)
        runs.append(time.perf_counter() - start)
        poses.append(clock[0])

    for run in range(repeats):
        for step in (
            lambda run=run: parallel_build(run),
            lambda: baseline_build(funcanimation_build, funcanim_dir, funcanim_runs, funcanim_pose),
            lambda: baseline_build(strict_build, strict_dir, strict_runs, strict_pose),
        ):
            single_build()
            step()
    single = statistics.median(run for run, _ in single_runs)
    single_entry = {name: statistics.median(per[name] for _, per in single_runs) for name in frames}
    parallel = statistics.median(parallel_runs)
    funcanim, strict = statistics.median(funcanim_runs), statistics.median(strict_runs)
    funcanim_net = statistics.median(
        t - p for t, p in zip(funcanim_runs, funcanim_pose, strict=True)
    )
    strict_net = statistics.median(t - p for t, p in zip(strict_runs, strict_pose, strict=True))
    covered_frames = sum(frames[entry.name] for entry in covered)
    same_single = sum(single_entry[entry.name] for entry in covered)
    to_parallel = single / parallel  # the parallel build's speed-up over jobs=1

    def speedups(baseline: float) -> tuple[float, float]:
        """jobs=1 and parallel speed-ups over a baseline run on the covered animations."""
        convanim = single if whole else same_single
        return baseline / convanim, baseline / convanim * to_parallel

    func_single, func_parallel = speedups(funcanim)
    strict_single, strict_parallel = speedups(strict)
    func_net_single, func_net_parallel = speedups(funcanim_net)
    strict_net_single, strict_net_parallel = speedups(strict_net)

    case = f"{len(entries)} animations, {total_frames} frames"
    subset = "" if whole else f" on {len(covered)}/{len(entries)} ({covered_frames} frames)"
    same = "" if whole else " (same subset)"

    def base_text(name: str, seconds: float) -> str:
        return f"{name}: {seconds:.2f} s{subset}, {covered_frames / seconds:.0f} fps"

    report.add(
        Row(
            "gallery jobs=1",
            case,
            f"{single:.2f} s, {total_frames / single:.0f} fps, "
            f"{_ms(single / total_frames, 1)}/frame",
            base_text("FuncAnimation+PillowWriter", funcanim),
            _ratio(func_single) + same,
            f">= {GALLERY_TARGET:g}x",
            _status(func_single >= GALLERY_TARGET),
            {
                "seconds": single,
                "fps": total_frames / single,
                "frames": total_frames,
                "animations": len(entries),
                "baseline": "FuncAnimation(blit=False).save(PillowWriter)",
                "baseline_seconds": funcanim,
                "baseline_pose_seconds": statistics.median(funcanim_pose),
                "baseline_frames": covered_frames,
                "baseline_animations": [entry.name for entry in covered],
                "convanim_seconds_same_animations": same_single,
                "speedup": func_single,
                "speedup_without_pose": func_net_single,
                "repeats": repeats,
            },
        )
    )
    report.add(
        Row(
            f"gallery parallel ({workers} workers)",
            case,
            f"{parallel:.2f} s, {total_frames / parallel:.0f} fps, "
            f"{_ms(parallel / total_frames, 1)}/frame",
            "as above (1 process)",
            _ratio(func_parallel) + same,
            f">= {GALLERY_TARGET:g}x",
            _status(func_parallel >= GALLERY_TARGET),
            {
                "seconds": parallel,
                "fps": total_frames / parallel,
                "workers": workers,
                "speedup": func_parallel,
                "speedup_without_pose": func_net_parallel,
                "speedup_over_jobs1": to_parallel,
                "repeats": repeats,
                "rounds_seconds": {
                    "jobs1": [run for run, _ in single_runs],
                    "parallel": parallel_runs,
                    "funcanimation": funcanim_runs,
                    "strict": strict_runs,
                },
            },
        )
    )
    report.add(
        Row(
            "gallery vs strict baseline",
            case,
            f"jobs=1 {single:.2f} s, parallel {parallel:.2f} s",
            base_text("canvas.draw+PIL save_all", strict),
            f"jobs=1 {_ratio(strict_single)}, parallel {_ratio(strict_parallel)}" + same,
            f">= {STRICT_TARGET:g}x (jobs=1)",
            _status(strict_single >= STRICT_TARGET),
            {
                "baseline": "pose + canvas.draw per frame, PIL save_all of RGBA frames",
                "baseline_seconds": strict,
                "baseline_pose_seconds": statistics.median(strict_pose),
                "baseline_frames": covered_frames,
                "speedup_jobs1": strict_single,
                "speedup_parallel": strict_parallel,
                "speedup_jobs1_without_pose": strict_net_single,
                "speedup_parallel_without_pose": strict_net_parallel,
                "repeats": repeats,
            },
        )
    )
    report.note(
        "gallery baseline (the target rows): the issue's 'straightforward matplotlib way', "
        "its first example: matplotlib.animation.FuncAnimation(figure, update, "
        "frames=len(scene), blit=False).save(path, writer=PillowWriter(fps=1000/duration), "
        "dpi=scene.dpi), update calling scene.pose(index), on convanim's own Scene or "
        "MatrixScene (same artists, look and pixel size), for every gallery animation. With "
        "the Agg canvas FuncAnimation draws each frame twice (draw_idle draws at once, then "
        "PillowWriter's grab_frame draws it again through savefig), and poses frame 0 once "
        "more for its initial draw."
    )
    report.note(
        f"gallery vs strict baseline (target >= {STRICT_TARGET:g}x, on jobs=1): a hand-tuned "
        "full redraw, faster than what matplotlib users normally write: scene.pose(index), "
        "one canvas.draw() per frame, RGBA copies of the canvas kept in memory, then PIL "
        "Image.save(save_all=True) (Pillow's fast octree for RGBA frames). It is what "
        "convanim's blitting and GIF writer alone gain over drawing the whole figure per "
        "frame."
    )
    report.note(
        "pose() is convanim's: it moves the artists to frame i and makes them non-animated "
        "(the update any baseline needs, no drawing); it took "
        f"{statistics.median(funcanim_pose):.2f} s of FuncAnimation's {funcanim:.2f} s and "
        f"{statistics.median(strict_pose):.2f} s of the strict baseline's {strict:.2f} s. "
        "With all of pose()'s time taken out (which also removes the artist update any "
        "baseline needs, so this errs against convanim) the ratios would be: FuncAnimation "
        f"jobs=1 {_ratio(func_net_single)}, parallel {_ratio(func_net_parallel)} "
        f"({_status(func_net_single >= GALLERY_TARGET)}/"
        f"{_status(func_net_parallel >= GALLERY_TARGET)} for >= {GALLERY_TARGET:g}x); "
        f"strict jobs=1 {_ratio(strict_net_single)}, parallel {_ratio(strict_net_parallel)}."
    )
    report.note(
        f"gallery: median of {repeats} interleaved round(s) ({len(single_runs) // repeats} "
        f"jobs=1 builds a round, one before each other measurement, the median of all "
        f"{len(single_runs)}: "
        "a build is a twelfth of a baseline round, so one burst of host load would "
        "otherwise weigh on it alone), after one untimed build, in "
        f"this warm process (the pool's workers fork from it); parallel = build_gallery's "
        f"default pool of {workers} processes, pool start-up included; speed-up over jobs=1 "
        f"{to_parallel:.2f}x. Rounds, jobs=1: "
        + ", ".join(f"{run:.2f} s" for run, _ in single_runs)
        + "; FuncAnimation: "
        + ", ".join(f"{run:.1f} s" for run in funcanim_runs)
        + "."
    )
    if not whole:
        report.note(
            f"--quick: both gallery baselines ran on every third gallery animation "
            f"({len(covered)} of {len(entries)}, {covered_frames} frames); the jobs=1 ratios "
            "compare the same animations (their times from the jobs=1 build's per-animation "
            "callback); the parallel ratios are those times the measured parallel/jobs=1 "
            "speed-up."
        )
    gallery_bytes(report, entries, single_dir)
    return single_dir


def gallery_bytes(report: Report, entries, built: Path) -> None:
    """The jobs=1 build's animations against the gallery committed in the repository."""
    case = f"{len(entries)} animations, against gallery/"
    if not COMMITTED_GALLERY.is_dir():
        report.add(
            Row("gallery bytes", case, "skipped", "-", "-", "<= committed", "-", {"skipped": True})
        )
        report.note(f"gallery bytes: skipped, no committed gallery at {COMMITTED_GALLERY}.")
        return
    names = [entry.filename for entry in entries]
    missing = [name for name in names if not (COMMITTED_GALLERY / name).is_file()]
    names = [name for name in names if name not in missing]
    ours = {name: (built / name).stat().st_size for name in names}
    committed = {name: (COMMITTED_GALLERY / name).stat().st_size for name in names}
    total, committed_total = sum(ours.values()), sum(committed.values())
    larger = [name for name in names if ours[name] > committed[name]]
    report.add(
        Row(
            "gallery bytes",
            case,
            f"{total:,} B",
            f"{committed_total:,} B (committed, {len(names)} files)",
            _ratio(total / committed_total),
            "<= committed",
            _status(total <= committed_total),
            {
                "bytes": total,
                "committed_bytes": committed_total,
                "files": names,
                "missing_in_committed": missing,
                "larger_than_committed": {name: [ours[name], committed[name]] for name in larger},
            },
        )
    )
    report.note(
        "gallery bytes: the animations of the jobs=1 build against the files of the same "
        f"names in the repository's committed gallery ({COMMITTED_GALLERY}); ratio = "
        "built / committed. "
        + (f"Larger than committed: {', '.join(larger)}." if larger else "No file grew.")
        + (f" Not committed (not counted): {', '.join(missing)}." if missing else "")
    )


# -- 2. per-frame breakdown ----------------------------------------------------------


class PreRendered:
    """A FrameSource over RGB frames already drawn: the GIF writer alone is timed."""

    def __init__(self, frames: list[np.ndarray]) -> None:
        self._frames = frames
        height, width = frames[0].shape[:2]
        self.size = (width, height)

    def __len__(self) -> int:
        return len(self._frames)

    def frame(self, index: int) -> np.ndarray:
        return self._frames[index]

    def frames(self) -> Iterator[np.ndarray]:
        return iter(self._frames)

    def save_figure(self, file, index: int, format: str) -> None:
        raise NotImplementedError("pre-rendered frames have no vector figure")


class PreRenderedRGBA(PreRendered):
    """Pre-rendered RGBA frames, streamed as the GIF writer takes a Scene's frames."""

    def frame(self, index: int) -> np.ndarray:
        return self._frames[index][:, :, :3].copy()

    def frames(self) -> Iterator[np.ndarray]:
        return (frame[:, :, :3].copy() for frame in self._frames)

    def frames_rgba(self) -> Iterator[np.ndarray]:
        return iter(self._frames)


def _tutorial_entry():
    from convanim.gallery import load_manifest

    entries, _ = load_manifest()
    return next(entry for entry in entries if entry.name == TUTORIAL_CASE)


def bench_breakdown(report: Report, work: Path, quick: bool) -> tuple[int, int]:
    from convanim import plan
    from convanim.writers import WriteOptions, writer_for

    entry = _tutorial_entry()
    spec = entry.spec
    count = spec.num_frames
    repeats = 2 if quick else 5
    calls = 50 if quick else 200

    # Scenes are built outside the timed parts; drawing a frame twice is idempotent.
    blitting, redrawing, posing = _scene_for(entry), _scene_for(entry), _scene_for(entry)
    # FuncAnimation gets a fresh Scene (figure) per save, built before the timing.
    animated = [_scene_for(entry) for _ in range(repeats + 1)]
    # Time the frames the GIF writer streams: RGBA when the scene offers them.
    rgba = callable(getattr(blitting, "frame_rgba", None))
    draw_one = blitting.frame_rgba if rgba else blitting.frame
    drawn: list[np.ndarray] = []
    redrawn: list[np.ndarray] = []

    def draw() -> None:
        drawn[:] = [draw_one(index) for index in range(count)]

    def draw_rgb() -> None:
        for index in range(count):
            blitting.frame(index)

    def redraw() -> None:
        redrawn[:] = list(full_redraw_frames(redrawing))

    def pose() -> None:
        for index in range(count):
            posing.pose(index)

    def funcanimation() -> None:
        funcanimation_save(animated.pop(), work / "funcanimation.gif", entry.duration)

    draw()
    redraw()
    size = drawn[0].shape[1], drawn[0].shape[0]
    pairs = [(a[:, :, :3], b[:, :, :3]) for a, b in zip(drawn, redrawn, strict=True)]
    identical = all(np.array_equal(a, b) for a, b in pairs)
    worst = max(int(np.abs(a.astype(int) - b).max()) for a, b in pairs)
    differing = max(int(np.any(a != b, axis=2).sum()) for a, b in pairs)

    gif = writer_for("bench.gif")
    options = WriteOptions(duration=entry.duration, loop=entry.loop)
    source = PreRenderedRGBA(drawn) if rgba else PreRendered(drawn)
    medians = _interleaved(
        {
            "plan": lambda: [plan(spec) for _ in range(calls)],
            "loop": lambda: [loop_plan(spec) for _ in range(calls)],
            "build": lambda: _scene_for(entry),
            "draw": draw,
            "draw_rgb": draw_rgb,
            "redraw": redraw,
            "pose": pose,
            "encode": lambda: gif.write(source, work / "encode.gif", options),
            "pil": lambda: pillow_save_all(
                redrawn, work / "encode-pil.gif", entry.duration, entry.loop
            ),
            "funcanimation": funcanimation,
        },
        repeats,
    )
    plan_time, loop_time = medians["plan"] / calls, medians["loop"] / calls
    build_time = medians["build"]
    draw_time, redraw_time = medians["draw"] / count, medians["redraw"] / count
    pose_time = medians["pose"] / count
    encode_time, pil_time = medians["encode"] / count, medians["pil"] / count
    funcanim_time = medians["funcanimation"] / count
    ours_bytes = (work / "encode.gif").stat().st_size
    pil_bytes = (work / "encode-pil.gif").stat().st_size
    funcanim_bytes = (work / "funcanimation.gif").stat().st_size
    rgb_frames = [frame[:, :, :3].copy() for frame in redrawn]
    pil_rgb_time = (
        _median_time(
            lambda: pillow_save_all(rgb_frames, work / "rgb.gif", entry.duration, entry.loop), 1
        )
        / count
    )

    case = f"{TUTORIAL_CASE}, {count} frames, {size[0]}x{size[1]} px"
    report.add(
        Row(
            "per-frame plan",
            case,
            _ms(plan_time, 4),
            f"{_ms(loop_time, 4)} (Python loop)",
            _ratio(loop_time / plan_time),
            numbers={"seconds_per_frame": plan_time, "baseline_seconds_per_frame": loop_time},
        )
    )
    report.add(
        Row(
            "per-frame scene build",
            case,
            f"{_ms(build_time / count)} ({_ms(build_time, 1)} once)",
            "same Scene",
            "-",
            numbers={"seconds_per_frame": build_time / count, "seconds": build_time},
        )
    )
    report.add(
        Row(
            "per-frame draw",
            case,
            f"{_ms(draw_time)} (blit, {'frame_rgba' if rgba else 'frame'})",
            f"{_ms(redraw_time)} (pose + full canvas.draw, RGBA)",
            _ratio(redraw_time / draw_time),
            numbers={
                "seconds_per_frame": draw_time,
                "baseline_seconds_per_frame": redraw_time,
                "baseline_pose_seconds_per_frame": pose_time,
                "identical_pixels": identical,
                "max_differing_pixels_per_frame": differing,
                "rgba": rgba,
                "frame_rgb_seconds_per_frame": medians["draw_rgb"] / count,
            },
        )
    )
    report.add(
        Row(
            "per-frame encode",
            case,
            f"{_ms(encode_time)} (GIF writer)",
            f"{_ms(pil_time)} (PIL save_all, RGBA)",
            _ratio(pil_time / encode_time),
            numbers={
                "seconds_per_frame": encode_time,
                "baseline_seconds_per_frame": pil_time,
                "bytes": ours_bytes,
                "baseline_bytes": pil_bytes,
                "baseline_rgb_seconds_per_frame": pil_rgb_time,
            },
        )
    )
    total, base_total = draw_time + encode_time, redraw_time + pil_time
    report.add(
        Row(
            "per-frame draw+encode",
            case,
            _ms(total),
            f"{_ms(base_total)} (strict: draw + PIL save_all)",
            _ratio(base_total / total),
            "<= 4 ms",
            _status(total <= 0.004),
            {"seconds_per_frame": total, "baseline_seconds_per_frame": base_total},
        )
    )
    report.add(
        Row(
            "per-frame FuncAnimation",
            case,
            f"{_ms(total)} (draw+encode)",
            f"{_ms(funcanim_time)} (FuncAnimation+PillowWriter)",
            _ratio(funcanim_time / total),
            numbers={
                "seconds_per_frame": total,
                "baseline_seconds_per_frame": funcanim_time,
                "baseline_bytes": funcanim_bytes,
                "strict_baseline_seconds_per_frame": base_total,
            },
        )
    )
    report.note(
        f"per-frame: medians of {repeats} interleaved rounds; plan = plan() per frame over "
        f"{calls} calls, its baseline the Python loop of the planner row; draw's baseline = "
        "scene.pose(index) + one full canvas.draw() + an RGBA copy; encode = the GIF "
        "writer given the pre-rendered frames (palette included), its baseline PIL save_all of "
        "the same frames; draw+encode is their sum, the writer never seeing a Scene (no "
        "frames_changed): the per-frame floor row times the real pipeline. "
        f"Full-redraw frames pixel-identical to convanim's: {'yes' if identical else 'no'}"
        + (
            ""
            if identical
            else f" (at most {differing} pixels of a frame differ, max channel difference "
            f"{worst}: the blitted frame draws the clipped lines over the cached output plane, "
            "the full draw puts them under it in z-order, so anti-aliased line ends blend "
            "differently)"
        )
        + f". GIF bytes: {ours_bytes:,} vs PIL's {pil_bytes:,}, FuncAnimation's "
        f"{funcanim_bytes:,}. "
        f"scene.frame (RGB, a channel gather) costs {_ms(medians['draw_rgb'] / count)}/frame; "
        f"PIL save_all of RGB frames (median cut) {_ms(pil_rgb_time)}/frame."
    )
    report.note(
        f"per-frame FuncAnimation: the gallery's target baseline on this animation, its own "
        f"row: {funcanim_time / base_total:.2f}x the strict baseline's draw+encode (each "
        "frame drawn twice, see the gallery note; PillowWriter also converts every frame to "
        "a PIL image). scene.pose(index) alone costs "
        f"{_ms(pose_time)}/frame, inside both baselines: {pose_time / redraw_time:.0%} of "
        f"the full redraw, {pose_time / funcanim_time:.0%} of the FuncAnimation frame; "
        f"without it the draw ratio would be {_ratio((redraw_time - pose_time) / draw_time)}, "
        f"draw+encode {_ratio((base_total - pose_time) / total)}, FuncAnimation "
        f"{_ratio((funcanim_time - pose_time) / total)}."
    )
    bench_floor(report, entry, work, quick)
    return size


def capture_gif_patches(scene, path: Path, options) -> list[np.ndarray]:
    """Write ``scene`` with the GIF writer, keeping a copy of every patch of palette
    indices it encodes.

    The module attribute is swapped for this one write only: the timed writes after it
    run the writer untouched.
    """
    from convanim.writers import gif, writer_for

    patches: list[np.ndarray] = []
    encode = gif._frame_bytes

    def capture(indices, *args, **kwargs) -> bytes:
        patches.append(indices.copy())
        return encode(indices, *args, **kwargs)

    gif._frame_bytes = capture
    try:
        writer_for(path.name).write(scene, path, options)
    finally:
        gif._frame_bytes = encode
    return patches


FLOOR_TARGET = 3.0  # convanim's draw + encode per frame, in floors


def bench_floor(report: Report, entry, work: Path, quick: bool) -> None:
    """The GIF writer on a Scene against the floor: a frame copy + LZW of its patches."""
    from convanim.writers import WriteOptions, writer_for
    from convanim.writers import _compiled as compiled
    from convanim.writers._palette import Palette
    from convanim.writers.gif import lzw_data, pillow_lzw_data, sample_frames

    repeats = 5 if quick else 9
    # Built once, outside the timing (the scene build has its own row); every round
    # writes the same Scene, whose drawing of a frame is the same each time.
    scene = _scene_for(entry)
    options = WriteOptions(duration=entry.duration, loop=entry.loop)
    gif = writer_for("floor.gif")
    patches = capture_gif_patches(scene, work / "floor-capture.gif", options)
    count = len(scene)
    if len(patches) != count:
        raise RuntimeError(f"the GIF writer encoded {len(patches)} patches for {count} frames")
    canvas = np.asarray(scene.canvas.buffer_rgba())
    width, height = scene.size

    # The floor's encoder is Pillow's (the definition), whichever the writer uses.
    def floor() -> None:
        for patch in patches:
            canvas.copy()
            pillow_lzw_data(patch)

    def lzw() -> None:
        for patch in patches:
            pillow_lzw_data(patch)

    def our_lzw() -> None:
        for patch in patches:
            lzw_data(patch)

    def draw() -> None:
        for _ in scene.frames_changed():
            pass

    medians = _interleaved(
        {
            "convanim": lambda: gif.write(scene, work / "floor.gif", options),
            "floor": floor,
            "lzw": lzw,
            "our lzw": our_lzw,
            "draw": draw,
            "palette": lambda: Palette(sample_frames(scene)),
        },
        repeats,
    )
    ours, floor_time = medians["convanim"] / count, medians["floor"] / count
    lzw_time, draw_time = medians["lzw"] / count, medians["draw"] / count
    our_lzw_time = medians["our lzw"] / count
    palette_time = medians["palette"]
    rest = ours - draw_time - palette_time / count
    ratio = ours / floor_time
    frame_pixels = width * height
    patch_pixels = [int(patch.size) for patch in patches]
    later = patch_pixels[1:]
    mean_later = statistics.mean(later) if later else 0.0
    report.add(
        Row(
            "per-frame floor",
            f"{entry.name}, {count} frames, {width}x{height} px",
            f"{_ms(ours)} (GIF writer on the Scene)",
            f"{_ms(floor_time, 3)} (frame copy + LZW of its patches)",
            f"{ratio:.2f}x floor",
            f"<= {FLOOR_TARGET:g}x floor",
            _status(ratio <= FLOOR_TARGET),
            {
                "seconds_per_frame": ours,
                "floor_seconds_per_frame": floor_time,
                "ratio": ratio,
                "lzw_seconds_per_frame": lzw_time,
                "convanim_lzw_seconds_per_frame": our_lzw_time,
                "draw_seconds_per_frame": draw_time,
                "palette_seconds": palette_time,
                "rest_seconds_per_frame": rest,
                "frame_pixels": frame_pixels,
                "patch_pixels": patch_pixels,
                "patch_pixels_after_first_mean": mean_later,
                "repeats": repeats,
            },
        )
    )

    def share(seconds: float) -> str:
        return f"{_ms(seconds, 3)}/frame ({seconds / ours:.0%})"

    report.note(
        "per-frame floor: the real pipeline, frame by frame: "
        "writer_for('x.gif').write(scene) given the Scene itself, so it streams "
        "frames_changed(), draws, samples its palette and encodes; median of "
        f"{repeats} interleaved rounds on one prebuilt Scene, / {count} frames. The floor: "
        "per frame, a numpy copy of one RGBA frame of the canvas plus Pillow's LZW encoder "
        "alone (Image.tobytes('gif'), no frame header) on exactly the patch of palette "
        "indices convanim wrote for that frame (captured from one write). Patches: the "
        "first frame whole "
        f"({frame_pixels:,} px), then {mean_later:,.0f} px on average "
        f"({mean_later / frame_pixels:.1%} of the frame). Where convanim's "
        f"{_ms(ours, 3)}/frame goes: draw (frames_changed alone) {share(draw_time)}; "
        f"palette (Palette(sample_frames(scene)), once) {_ms(palette_time, 1)} = "
        f"{share(palette_time / count)}; "
        f"the rest (colour keys, index look-up, change bounds, LZW, file) {share(rest)}, of "
        f"which the floor's LZW alone is {_ms(lzw_time, 3)}/frame; convanim's own encoder "
        f"({'compiled' if compiled.kernels is not None else 'Pillow, not built'}) writes "
        f"the same bytes in {_ms(our_lzw_time, 3)}/frame."
    )


# -- 3. growth -----------------------------------------------------------------------


def _memory_kib() -> dict[str, int]:
    """This process's resident set now and at its peak (Linux /proc), in KiB."""
    status = Path("/proc/self/status")
    if status.is_file():
        fields = dict(line.split(":", 1) for line in status.read_text().splitlines())
        return {key: int(fields[key].split()[0]) for key in ("VmRSS", "VmHWM")}
    # Elsewhere ru_maxrss, which may include the parent's peak before exec.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"VmRSS": peak, "VmHWM": peak}


def _reset_peak() -> bool:
    """Start a new peak-RSS measurement from the current RSS (Linux >= 4.0)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class _Timed:
    """A FrameSource proxy that times the streamed frames apart from the set-up.

    It streams what the source streams (RGBA frames, and a scene's changed
    rectangles, which writers use to encode only what moved), and keeps the time of
    the first frame (drawn and encoded whole) apart from the others'.
    """

    def __init__(self, source) -> None:
        self._source = source
        self.size = source.size
        self.transparent = bool(getattr(source, "transparent", False))
        self.stream_seconds = 0.0
        self.first_seconds = 0.0
        self.changed_pixels = 0  # the changed rectangles' area, frames after the first
        for name in ("frames_rgba", "frames_changed"):
            if callable(getattr(source, name, None)):
                setattr(self, name, lambda name=name: self._timed(getattr(source, name)()))
        if callable(getattr(source, "frame_rgba", None)):
            self.frame_rgba = source.frame_rgba

    def __len__(self) -> int:
        return len(self._source)

    def frame(self, index: int) -> np.ndarray:
        return self._source.frame(index)

    def _timed(self, frames: Iterator) -> Iterator:
        start = time.perf_counter()
        for count, frame in enumerate(frames):
            if count == 1:  # the writer has drawn and encoded the first frame
                self.first_seconds = time.perf_counter() - start
            if count and isinstance(frame, tuple):  # frames_changed: (canvas, rectangle)
                top, bottom, left, right = frame[1]
                self.changed_pixels += (bottom - top) * (right - left)
            yield frame
        self.stream_seconds = time.perf_counter() - start

    def frames(self) -> Iterator[np.ndarray]:
        return self._timed(self._source.frames())

    def save_figure(self, file, index: int, format: str) -> None:
        self._source.save_figure(file, index, format)


def growth_child(side: int, dpi: float, out: str) -> None:
    """Run in a fresh process: write one GIF, print its times and memory as JSON."""
    from convanim import Spec
    from convanim.render import scene
    from convanim.writers import WriteOptions, writer_for

    writer = writer_for(out)
    imported = _memory_kib()
    reset = _reset_peak()
    start = time.perf_counter()
    the_scene = scene(Spec("conv", side, 3), dpi=dpi)
    built = time.perf_counter()
    timed = _Timed(the_scene)
    writer.write(timed, Path(out), WriteOptions())
    written = time.perf_counter()
    after = _memory_kib()
    print(
        json.dumps(
            {
                "side": side,
                "dpi": dpi,
                "frames": len(the_scene),
                "size": list(the_scene.size),
                "setup_seconds": built - start,
                "write_seconds": written - built,
                "stream_seconds": timed.stream_seconds,
                "first_frame_seconds": timed.first_seconds,
                "rss_after_import_kib": imported["VmRSS"],
                "rss_peak_kib": max(imported["VmHWM"], after["VmHWM"]),
                "rss_peak_writing_kib": after["VmHWM"],
                "peak_reset": reset,
                "bytes": Path(out).stat().st_size,
            }
        )
    )


def growth_dpi(side: int, target_area: int) -> tuple[float, tuple[int, int]]:
    """The dpi that gives a ``side`` x ``side`` input about ``target_area`` pixels."""
    from convanim import Spec
    from convanim.render import scene

    width, height = scene(Spec("conv", side, 3), dpi=PROBE_DPI).size
    dpi = PROBE_DPI * math.sqrt(target_area / (width * height))
    return round(min(max(dpi, 10.0), 1200.0), 1), (width, height)


def bench_growth(report: Report, work: Path, quick: bool, size: tuple[int, int]) -> None:
    sides = QUICK_GROWTH_SIDES if quick else GROWTH_SIDES
    results = []
    for side in sides:
        dpi, _ = growth_dpi(side, size[0] * size[1])
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--growth-child",
            str(side),
            str(dpi),
            str(work / f"growth-{side}.gif"),
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
        if done.returncode != 0:
            raise RuntimeError(f"growth child {side}x{side} failed:\n{done.stderr}")
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))

    first, last = results[0], results[-1]

    def per_frame(result: dict) -> float:
        return result["stream_seconds"] / result["frames"]

    def fixed(result: dict) -> float:
        return result["setup_seconds"] + result["write_seconds"] - result["stream_seconds"]

    def rise(result: dict) -> int:
        return max(result["rss_peak_writing_kib"] - result["rss_after_import_kib"], 0)

    for result in results:
        side = result["side"]
        width, height = result["size"]
        report.add(
            Row(
                f"growth {side}x{side}",
                f"k3: {result['frames']} frames, {width}x{height} px @ {result['dpi']:g} dpi",
                f"{_ms(per_frame(result))}/frame (+{_ms(fixed(result), 0)} set-up), "
                f"peak RSS {_mb(result['rss_peak_kib'])}, +{_mb(rise(result))} writing",
                f"{first['side']}x{first['side']} row",
                f"time {_ratio(per_frame(result) / per_frame(first))}, "
                f"RSS {_ratio(result['rss_peak_kib'] / first['rss_peak_kib'])}",
                numbers={
                    **result,
                    "seconds_per_frame": per_frame(result),
                    "fixed_seconds": fixed(result),
                    "rss_rise_kib": rise(result),
                },
            )
        )
    report.add(
        Row(
            f"growth {last['side']}x{last['side']} / {first['side']}x{first['side']}",
            f"{last['frames'] / first['frames']:.0f}x the frames",
            f"{_ms(per_frame(last))}/frame, peak {_mb(last['rss_peak_kib'])}, +{_mb(rise(last))}",
            f"{_ms(per_frame(first))}/frame, peak {_mb(first['rss_peak_kib'])}, "
            f"+{_mb(rise(first))}",
            f"time {_ratio(per_frame(last) / per_frame(first))}, "
            f"RSS {_ratio(last['rss_peak_kib'] / first['rss_peak_kib'])}, "
            f"rise {_ratio(rise(last) / max(rise(first), 1))}",
            "~1x (flat)",
            "-",
            {
                "time_ratio": per_frame(last) / per_frame(first),
                "rss_ratio": last["rss_peak_kib"] / first["rss_peak_kib"],
                "rss_rise_ratio": rise(last) / max(rise(first), 1),
            },
        )
    )
    report.note(
        "growth: conv NxN, k 3 ((N-2)^2 frames), each GIF written by scene() and the GIF "
        "writer in a fresh subprocess; ms/frame = the streamed frames' time (draw + encode) "
        "/ frames, the set-up (plan, scene build, palette from 3 sample frames) shown apart; "
        "peak RSS = VmHWM of that process (/proc; not ru_maxrss, which after exec still "
        "holds the parent's peak); 'writing' = the peak while building and writing, reset "
        "after the imports, above the RSS after the imports. A frame's pixel size is "
        "proportional to dpi (cells, lines and border are physical lengths), so dpi = "
        f"{PROBE_DPI:g} * sqrt(A / area at {PROBE_DPI:g} dpi), A being the tutorial's "
        f"{TUTORIAL_CASE} {size[0]}x{size[1]} px at 150 dpi; the window then covers fewer "
        "pixels as N grows."
    )
    if quick:
        report.note("--quick: growth runs 4x4, 16x16 and 32x32 only (no 64x64).")


# -- 8. big pictures ------------------------------------------------------------------

BIG_SIDE = 64
BIG_WRITERS = ("gif", "apng", "webp", "mp4")
BIG_FRAMES, QUICK_BIG_FRAMES = 120, 16


def big_child(side: int, dpi: float, count: int, out: str) -> None:
    """Run in a fresh process: write the first ``count`` frames of conv side x side, k 3,
    with the writer of ``out``'s extension; print times and memory as JSON."""
    from convanim import Spec
    from convanim.render import scene
    from convanim.writers import WriteOptions, writer_for

    writer = writer_for(out)
    imported = _memory_kib()
    start = time.perf_counter()
    the_scene = scene(Spec("conv", side, 3), dpi=dpi, frames=slice(0, count), allow_long=True)
    built = time.perf_counter()
    timed = _Timed(the_scene)
    writer.write(timed, Path(out), WriteOptions(duration=40))
    after = _memory_kib()
    print(
        json.dumps(
            {
                "frames": len(the_scene),
                "size": list(the_scene.size),
                "setup_seconds": built - start,
                "stream_seconds": timed.stream_seconds,
                "first_frame_seconds": timed.first_seconds,
                "changed_pixels_per_frame": timed.changed_pixels / max(1, len(the_scene) - 1),
                "rss_after_import_kib": imported["VmRSS"],
                "rss_peak_kib": max(imported["VmHWM"], after["VmHWM"]),
            }
        )
    )


def _big_run(work: Path, writer: str, dpi: float, count: int) -> dict:
    out = work / f"big-{writer}-{dpi:g}.{writer}"
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--big-child",
        str(BIG_SIDE),
        str(dpi),
        str(count),
        str(out),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=1200)
    if done.returncode != 0:
        raise RuntimeError(f"big child {writer} @ {dpi} dpi failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_big_writers(report: Report, work: Path, quick: bool, size: tuple[int, int]) -> None:
    """Per writer: -i 64 -k 3 at 150 dpi against the same frames at the tutorial's size."""
    count = QUICK_BIG_FRAMES if quick else BIG_FRAMES
    small_dpi, _ = growth_dpi(BIG_SIDE, size[0] * size[1])
    for writer in BIG_WRITERS:
        # Interleaved, so that the row and its baseline share the machine's load.
        big, small = _big_run(work, writer, 150.0, count), _big_run(work, writer, small_dpi, count)

        def per_frame(result: dict) -> float:
            """Seconds a frame after the first (which is drawn and stored whole)."""
            return (result["stream_seconds"] - result["first_frame_seconds"]) / (
                result["frames"] - 1
            )

        def changed(result: dict) -> float:
            # MP4 reads whole frames (no rectangles): its area is the picture's.
            return result["changed_pixels_per_frame"] or math.prod(result["size"])

        width, height = big["size"]
        report.add(
            Row(
                f"big {writer}",
                f"-i {BIG_SIDE} -k 3, first {count} frames, {width}x{height} px @ 150 dpi",
                f"{_ms(per_frame(big), 1)}/frame (first {_ms(big['first_frame_seconds'], 0)}), "
                f"peak RSS {_mb(big['rss_peak_kib'])}",
                f"{_ms(per_frame(small), 1)}/frame, peak {_mb(small['rss_peak_kib'])} at "
                f"{small['size'][0]}x{small['size'][1]} px ({small_dpi:g} dpi)",
                f"time {_ratio(per_frame(big) / per_frame(small))}, "
                f"changed area {_ratio(changed(big) / changed(small))}, "
                f"RSS {_ratio(big['rss_peak_kib'] / small['rss_peak_kib'])}",
                numbers={"big": big, "tutorial_size": small, "dpi_tutorial_size": small_dpi},
            )
        )
    report.note(
        f"big: conv {BIG_SIDE}x{BIG_SIDE} k 3 (3,844 frames; the first {count} drawn with "
        "frames=slice(0, N), allow_long=True) in a fresh subprocess per writer and size: "
        "ms/frame = the streamed frames after the first (draw + encode) / (frames - 1), the "
        "first frame (drawn and stored whole) and the set-up apart; peak RSS = "
        "VmHWM of the process. Baseline: the same frames at the tutorial's picture size "
        f"({size[0]}x{size[1]} px), so the ratio is the cost of the picture's area alone "
        f"({width * height / (size[0] * size[1]):.0f}x the pixels). 'changed area' is the "
        "ratio of the mean rectangle the scene reports as changed per frame (window, cell "
        "and the lines between the planes, which span the gap between them): the writers "
        "that store changes should cost about that ratio, not the pixels'; MP4 encodes "
        "whole frames."
    )


def bench_refusal(report: Report, quick: bool) -> None:
    """Time for the CLI to refuse -i 2176 -k 3, against its start-up (convanim info)."""
    cli = [sys.executable, "-m", "convanim.cli"]

    def run(arguments: list[str], status: int) -> None:
        done = subprocess.run([*cli, *arguments], capture_output=True, text=True, check=False)
        if done.returncode != status:
            raise RuntimeError(f"{arguments}: exit {done.returncode}\n{done.stderr}")

    with tempfile.TemporaryDirectory() as folder:
        target = str(Path(folder) / "x.gif")
        times = _interleaved(
            {
                "refuse": lambda: run(["render", "-i", "2176", "-k", "3", "-o", target], 2),
                "info": lambda: run(["info", "-i", "5", "-k", "3"], 0),
            },
            3 if quick else 5,
        )
    report.add(
        Row(
            "refuse -i 2176",
            "render -i 2176 -k 3 -o x.gif (4,726,276 frames)",
            f"{_ms(times['refuse'], 0)} (exit 2)",
            f"{_ms(times['info'], 0)} (convanim info -i 5 -k 3)",
            _ratio(times["refuse"] / times["info"]),
            target="< 1 s",
            status=_status(times["refuse"] < 1.0),
            numbers={"seconds": times["refuse"], "baseline_seconds": times["info"]},
        )
    )


# -- 4. bytes ------------------------------------------------------------------------


def bench_bytes(report: Report, gallery_dir: Path) -> None:
    references = REFERENCE / "conv_arithmetic"
    if not references.is_dir():
        report.add(
            Row(
                "bytes",
                "15 tutorial GIFs",
                "skipped",
                "-",
                "-",
                "smaller",
                "-",
                {"skipped": True},
            )
        )
        report.note(f"bytes: skipped, no reference GIFs at {references}.")
        return
    names = sorted(path.name for path in references.glob("*.gif"))
    missing = [name for name in names if not (gallery_dir / name).is_file()]
    names = [name for name in names if name not in missing]
    ours = sum((gallery_dir / name).stat().st_size for name in names)
    theirs = sum((references / name).stat().st_size for name in names)
    report.add(
        Row(
            "bytes",
            f"{len(names)} tutorial GIFs",
            f"{ours:,} B",
            f"{theirs:,} B (reference)",
            _ratio(ours / theirs),
            "smaller",
            _status(ours < theirs),
            {"bytes": ours, "reference_bytes": theirs, "files": names},
        )
    )
    if missing:
        report.note("bytes: not in the built gallery: " + ", ".join(missing))
    report.note(
        "bytes: the GIFs of the jobs=1 gallery build, against the reference files of the same "
        "names (read for their size only); ratio = convanim / reference."
    )


# -- 5. planner ----------------------------------------------------------------------


def loop_plan(spec, first_rows: int | None = None):
    """The plan's per-frame data by a plain Python loop over output cells.

    Window origin, tap positions, tap kinds (CellKind values) and tap input indices,
    frame by frame, as lists of tuples; ``first_rows`` limits the first axis.
    """
    from convanim import CellKind

    real, padding, inserted = int(CellKind.INPUT), int(CellKind.PADDING), int(CellKind.INSERTED)
    rank = {real: 0, inserted: 1, padding: 2}
    axes = spec.axes
    nothing = (-1,) * len(axes)

    def cell(geometry, position: int) -> tuple[int, int]:
        relative = position - geometry.input_offset
        if relative < 0 or relative > (geometry.input - 1) * geometry.input_step:
            return padding, -1
        index, remainder = divmod(relative, geometry.input_step)
        return (inserted, -1) if remainder else (real, index)

    offsets = [
        tuple(k * geometry.dilation for k, geometry in zip(kernel, axes, strict=True))
        for kernel in itertools.product(*(range(geometry.kernel) for geometry in axes))
    ]
    ranges = [range(geometry.output) for geometry in axes]
    if first_rows is not None:
        ranges[0] = range(min(first_rows, axes[0].output))
    origins, positions, kinds, indices = [], [], [], []
    for output in itertools.product(*ranges):
        origin = tuple(o * geometry.window_step for o, geometry in zip(output, axes, strict=True))
        frame_positions, frame_kinds, frame_indices = [], [], []
        for offset in offsets:
            position = tuple(o + d for o, d in zip(origin, offset, strict=True))
            kind, index = real, []
            for geometry, p in zip(axes, position, strict=True):
                axis_kind, axis_index = cell(geometry, p)
                if rank[axis_kind] > rank[kind]:
                    kind = axis_kind
                index.append(axis_index)
            frame_positions.append(position)
            frame_kinds.append(kind)
            frame_indices.append(tuple(index) if kind == real else nothing)
        origins.append(origin)
        positions.append(frame_positions)
        kinds.append(frame_kinds)
        indices.append(frame_indices)
    return origins, positions, kinds, indices


def check_loop_plan(specs) -> None:
    """The loop computes exactly what plan() does (else the ratio means nothing)."""
    from convanim import plan

    for spec in specs:
        the_plan = plan(spec)
        origins, positions, kinds, indices = loop_plan(spec)
        if not (
            np.array_equal(the_plan.window_origin, origins)
            and np.array_equal(the_plan.tap_position, positions)
            and np.array_equal(the_plan.tap_kind, kinds)
            and np.array_equal(the_plan.tap_input_index, indices)
        ):
            raise AssertionError(f"the Python loop disagrees with plan() on {spec}")


def bench_planner(report: Report, quick: bool) -> None:
    from convanim import Spec, plan

    check_loop_plan(
        [
            Spec("conv", 5, 3, padding=2),
            Spec("conv", (5, 7), (3, 2), stride=(2, 1), padding=(1, 0)),
            Spec("conv", 7, 3, dilation=2),
            Spec("conv", 6, 3, stride=2, padding=1).transpose(),
            Spec("conv_transpose", 4, 3, stride=3, padding=2, dilation=2, output_padding=1),
        ]
    )
    spec = Spec("conv", PLANNER_SIDE, 3)
    # plan() is lazy: time it with its arrays built, as the loop builds them.
    plan_time = _median_time(lambda: plan(spec).tap_input_index, 3 if quick else 5)
    rows = spec.output_size[0]
    if quick:
        part = _median_time(lambda: loop_plan(spec, QUICK_PLANNER_ROWS), 1)
        loop_time = part * rows / QUICK_PLANNER_ROWS
        loop_text = f"{loop_time:.2f} s (Python loop, extrapolated)"
        report.note(
            f"--quick: the planner's Python loop ran on the first {QUICK_PLANNER_ROWS} of "
            f"{rows} output rows ({part:.2f} s) and was extrapolated linearly; the whole loop "
            "is slower than linear (its millions of tuples make the garbage collector scan "
            "more), so the quick ratio understates the full one."
        )
    else:
        start = time.perf_counter()
        loop_plan(spec)
        loop_time = time.perf_counter() - start
        loop_text = f"{loop_time:.2f} s (Python loop)"
    report.add(
        Row(
            "planner",
            f"conv {PLANNER_SIDE}x{PLANNER_SIDE} k3, {spec.num_frames:,} frames",
            f"{_ms(plan_time, 0)}",
            loop_text,
            _ratio(loop_time / plan_time),
            numbers={
                "seconds": plan_time,
                "baseline_seconds": loop_time,
                "baseline_extrapolated": quick,
            },
        )
    )
    report.note(
        "planner: plan() median of several runs; its baseline is a plain Python loop over "
        "output cells computing window origin, tap positions, kinds and input indices, "
        "checked equal to plan() on five specs (padded, strided, dilated, transposed)."
    )


EXPLORER_TARGET = 0.1  # seconds from a control change to the new picture


def bench_explorer(report: Report, quick: bool) -> None:
    """Latency of convanim.explore: set one control, the picture is ready on return.

    From each direct tutorial case, padding, stride and kernel each go one up and back
    (an invalid spec shows its message and is not counted). The baseline is what a
    notebook without the explorer redoes on such a change: a new animation's GIF.
    """
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        report.add(Row("explorer", "skipped: ipywidgets not installed", "-", "-", "-"))
        return
    from convanim import Spec, animate, explore

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from cases import DIRECT

    names = list(DIRECT)[:3] if quick else list(DIRECT)
    times, baseline = [], []
    for name in names:
        i, k, s, p, d, _, _ = DIRECT[name]
        spec = Spec("conv", i, k, stride=s, padding=p, dilation=d)
        explorer = explore(spec)
        for control in ("padding", "stride", "kernel"):
            start_value = explorer.controls[control].value
            for value in (start_value + 1, start_value):
                explorer.set(**{control: value})
                if explorer.spec is not None:
                    times.append(explorer.last_update)
        start = time.perf_counter()
        animate(spec).to_html()
        baseline.append(time.perf_counter() - start)
    median, worst = statistics.median(times), max(times)
    gif = statistics.median(baseline)
    report.add(
        Row(
            "explorer",
            f"control change -> picture, {len(names)} tutorial cases, {len(times)} changes",
            f"{_ms(median, 1)} median, {_ms(worst, 1)} max",
            f"{_ms(gif, 1)} (GIF re-encoded)",
            _ratio(gif / median),
            f"< {_ms(EXPLORER_TARGET, 0)}",
            _status(median < EXPLORER_TARGET),
            numbers={"median": median, "max": worst, "changes": times, "baseline": gif},
        )
    )
    report.note(
        "explorer: kernel-side time of one control change (plan, scene, frame 0 as PNG, "
        "arithmetic text); the browser's share (sending the PNG) is not counted."
    )


# -- 7. first frame -----------------------------------------------------------------

FIRST_FRAME_TARGET = 1.3  # fresh-process first frame, in imports of matplotlib Agg + Pillow
FIRST_FRAME_SPEC = "convanim.Spec('conv', 5, 3, stride=2, padding=1)"  # padding_strides

# The split of the first frame, in one fresh process: each step's end on perf_counter.
FIRST_FRAME_PROBE = f"""
import json, sys, time
laps = [("start", time.perf_counter())]
import matplotlib.backends.backend_agg, PIL.Image
laps.append(("import Agg + PIL.Image (the baseline's)", time.perf_counter()))
import convanim
from convanim.render import scene
from convanim.writers.png import STILL_LEVEL
from PIL import Image
laps.append(("import convanim (its drawing and PNG modules)", time.perf_counter()))
the_scene = scene({FIRST_FRAME_SPEC})
laps.append(("scene build", time.perf_counter()))
frame = the_scene.frame(0)
laps.append(("frame 0", time.perf_counter()))
Image.fromarray(frame).save(sys.argv[1], format="PNG", compress_level=STILL_LEVEL)
laps.append(("PNG encode", time.perf_counter()))
figure = "matplotlib.figure" in sys.modules  # frames are drawn without a Figure
print(json.dumps({{"convanim": convanim.__file__, "laps": laps, "figure": figure}}))
"""


def bench_first_frame(report: Report, quick: bool) -> None:
    """A fresh process's first PNG against importing matplotlib's Agg backend and Pillow."""
    import convanim

    # Half a second a round: many rounds are cheap, and a start-up is at the mercy of
    # the host (page cache, a neighbour's burst) far more than a long run.
    rounds = 5 if quick else 11

    # The children import what this process imports: they inherit its environment
    # (PYTHONPATH kept) and run in a scratch folder, where no other convanim/ can win.
    with tempfile.TemporaryDirectory() as folder:
        png = Path(folder) / "first.png"

        def run(code: str, *arguments: str) -> str:
            command = [sys.executable, "-c", code, *arguments]
            done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=folder)
            if done.returncode != 0:
                raise RuntimeError(f"{code!r} failed:\n{done.stderr}")
            return done.stdout

        def first_frame() -> None:
            png.unlink(missing_ok=True)
            run(f"import convanim; convanim.save({FIRST_FRAME_SPEC}, {str(png)!r})")
            if not png.is_file():
                raise RuntimeError(f"convanim.save wrote no {png}")

        times = _interleaved(
            {
                "convanim": first_frame,
                "agg_pillow": lambda: run(
                    "import matplotlib.backends.backend_agg; import PIL.Image"
                ),
                "bare": lambda: run("pass"),
            },
            rounds,
        )
        probe = json.loads(run(FIRST_FRAME_PROBE, str(Path(folder) / "probe.png")))
    if Path(probe["convanim"]).resolve() != Path(convanim.__file__).resolve():
        raise RuntimeError(
            f"the children import {probe['convanim']}, this process {convanim.__file__}"
        )
    ours, baseline, bare = times["convanim"], times["agg_pillow"], times["bare"]
    ratio = ours / baseline
    laps = probe["laps"]
    split = {name: end - begin for (_, begin), (name, end) in itertools.pairwise(laps)}
    report.add(
        Row(
            "first frame",
            "fresh python -c: convanim.save(padding_strides) to PNG",
            f"{_ms(ours, 0)}",
            f"{_ms(baseline, 0)} (import matplotlib Agg + PIL.Image)",
            f"{ratio:.2f}x the imports",
            f"<= {FIRST_FRAME_TARGET:g}x",
            _status(ratio <= FIRST_FRAME_TARGET),
            {
                "seconds": ours,
                "baseline_seconds": baseline,
                "bare_interpreter_seconds": bare,
                "ratio": ratio,
                "ratio_without_interpreter": (ours - bare) / (baseline - bare),
                "probe_split_seconds": split,
                "repeats": rounds,
            },
        )
    )
    report.note(
        'first frame: wall time of a fresh `python -c "import convanim; convanim.save('
        f"{FIRST_FRAME_SPEC}, 'first.png')\"` (the file checked), against `python -c "
        '"import matplotlib.backends.backend_agg; import PIL.Image"`, medians of '
        f"{rounds} interleaved runs; a bare `python -c pass` took {_ms(bare, 0)}, "
        "common to both (without it the ratio would be "
        f"{_ratio((ours - bare) / (baseline - bare))}). Split of the first frame in one "
        "probe process (after interpreter start): "
        + ", ".join(f"{name} {_ms(seconds, 0)}" for name, seconds in split.items())
        + "; matplotlib.figure "
        + ("was imported" if probe["figure"] else "was never imported (no Figure is made)")
        + "."
    )


# -- 8. dask ------------------------------------------------------------------------

DASK_ANIMATIONS, QUICK_DASK_ANIMATIONS = 200, 40
DASK_WORKERS = 2
DASK_TARGET = 0.8  # pool time / Dask time: Dask at most a quarter slower than the pool
DASK_KINDS = (
    ("conv", 3, "kernel_size = 3\npadding = 1"),
    ("conv", 4, "kernel_size = 2\nstride = 2"),
    ("conv", 4, "kernel_size = 3\npadding = 1\ndilation = 2"),
    ("conv_transpose", 2, "kernel_size = 2\nstride = 2"),
    ("max_pool", 4, "kernel_size = 2\nstride = 2"),
    ("avg_pool", 3, "kernel_size = 2"),
)
"""(op, smallest input side, other fields) of the generated manifest's animations."""
DASK_THEMES = ("tutorial", "dark", "colorblind", "print")


def dask_manifest(count: int) -> str:
    """A manifest of ``count`` small animations: each op, two input sides, both plain
    styles and every built-in theme in turn."""
    tables = []
    for index in range(count):
        op, side, fields = DASK_KINDS[index % len(DASK_KINDS)]
        style = ("tutorial", "flat")[index // len(DASK_KINDS) % 2]
        theme = DASK_THEMES[index // (2 * len(DASK_KINDS)) % len(DASK_THEMES)]
        tables.append(
            f'[[animation]]\nname = "generated_{index:03d}"\nop = "{op}"\n'
            f'input_size = {side + index % 2}\n{fields}\nstyle = "{style}"\ntheme = "{theme}"\n'
        )
    return "\n".join(tables)


def bench_dask(report: Report, work: Path, quick: bool) -> None:
    """A generated manifest on a 2-worker Dask LocalCluster against the process pool."""
    try:
        import distributed
    except ImportError:
        report.add(
            Row("gallery on Dask", "skipped: dask[distributed] not installed", "-", "-", "-")
        )
        return
    from convanim.gallery import build_gallery, load_manifest

    count = QUICK_DASK_ANIMATIONS if quick else DASK_ANIMATIONS
    repeats = 1 if quick else 3
    manifest = work / "dask-manifest.toml"
    manifest.write_text(dask_manifest(count), encoding="utf-8")
    entries, _ = load_manifest(manifest)
    frames = sum(entry.frames for entry in entries)
    runs = {"dask": itertools.count(), "pool": itertools.count()}

    def warm_worker() -> None:
        # On each worker: import and draw once, as warm_up() did for the process the
        # pool's workers fork from. Nested and self-contained, so that Dask sends the
        # function itself (a worker cannot import this script).
        from convanim import Spec
        from convanim.api import save

        with tempfile.TemporaryDirectory() as folder:
            save(Spec("conv", 4, 3), Path(folder) / "warm.gif", progress=False)

    def on_cluster(trim: bool, rounds: int) -> tuple[dict[str, float], float]:
        """Interleaved builds on a fresh LocalCluster and on the pool; start-up time.

        ``trim``: Dask's default worker environment, MALLOC_TRIM_THRESHOLD_=65536;
        without it, the setting docs/gallery.rst recommends (the variable unset).
        """
        import dask

        saved = dict(os.environ)  # the nanny sets its variables in this process too
        setting = (
            {} if trim else {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
        )
        start = time.perf_counter()
        try:
            with dask.config.set(setting):
                # dashboard_address ":0": any free port, as 8787 may be another's.
                cluster = distributed.LocalCluster(
                    n_workers=DASK_WORKERS,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",
                )
            with cluster, distributed.Client(cluster) as client:
                client.run(warm_worker)
                startup = time.perf_counter() - start
                executor = client.get_executor()
                label = "trim" if trim else "dask"
                times = _interleaved(
                    {
                        label: lambda: build_gallery(
                            work / f"{label}-{next(runs[label])}",
                            manifest,
                            executor=executor,
                            progress=False,
                        ),
                        "pool": lambda: build_gallery(
                            work / f"pool-{next(runs['pool'])}",
                            manifest,
                            jobs=DASK_WORKERS,
                            progress=False,
                        ),
                    },
                    rounds,
                )
        finally:
            os.environ.clear()
            os.environ.update(saved)
        return times, startup

    runs["trim"] = itertools.count()
    times, startup = on_cluster(False, repeats)
    trimmed, _ = on_cluster(True, 1)
    # The READMEs name their folder; the animations must match byte for byte.
    names = [name for entry in entries for name in entry.filenames]
    identical = all(
        (work / "dask-0" / name).read_bytes() == (work / "pool-0" / name).read_bytes()
        for name in names
    )
    ratio = times["pool"] / times["dask"]
    report.add(
        Row(
            f"gallery on Dask ({DASK_WORKERS} workers)",
            f"{count} generated animations, {frames} frames",
            f"{times['dask']:.2f} s, {frames / times['dask']:.0f} fps "
            f"(+ {startup:.1f} s cluster start-up)",
            f"process pool jobs={DASK_WORKERS}: {times['pool']:.2f} s",
            _ratio(ratio),
            f"~1x (>= {DASK_TARGET}x)",
            _status(ratio >= DASK_TARGET and identical),
            {
                "seconds": times["dask"],
                "baseline_seconds": times["pool"],
                "cluster_startup_seconds": startup,
                "animations": count,
                "frames": frames,
                "workers": DASK_WORKERS,
                "byte_identical": identical,
                "repeats": repeats,
                "default_trim_seconds": trimmed["trim"],
                "default_trim_baseline_seconds": trimmed["pool"],
            },
        )
    )
    report.note(
        f"gallery on Dask: build_gallery(executor=client.get_executor()) on a "
        f"dask.distributed LocalCluster of {DASK_WORKERS} single-threaded worker processes "
        f"(a real scheduler; tasks and results go over TCP), against build_gallery's own "
        f"process pool with jobs={DASK_WORKERS}, median of {repeats} interleaved round(s). "
        "The row shows that a cluster's executor scales the build out without losing "
        f"much to scheduling: target ~1x, PASS at >= {DASK_TARGET}x with every animation "
        "byte-identical to the pool's "
        f"({'they are' if identical else 'they are NOT'}). Cluster start-up "
        f"({startup:.1f} s: scheduler, worker processes, one warm-up drawing on each) is "
        "timed apart and not in the ratio; the pool's start-up (forking) is in its time. "
        "The workers run without MALLOC_TRIM_THRESHOLD_, as docs/gallery.rst recommends: "
        "with Dask's default (65536, which fixes glibc's heap trimming and mmap threshold "
        f"low) the same build took {trimmed['trim']:.2f} s against the pool's "
        f"{trimmed['pool']:.2f} s in one more round "
        f"({_ratio(trimmed['pool'] / trimmed['trim'])})."
    )


# -- output --------------------------------------------------------------------------


COLUMNS = ("row", "case", "convanim", "baseline", "ratio", "target", "status")


def table(report: Report) -> str:
    cells = [[getattr(row, column) for column in COLUMNS] for row in report.rows]
    widths = [
        max(len(column), *(len(line[i]) for line in cells)) for i, column in enumerate(COLUMNS)
    ]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            value.ljust(width) for value, width in zip(values, widths, strict=True)
        ).rstrip()

    head = report.header
    lines = [
        f"convanim bench ({report.mode}): cores {head['cores']} | python {head['python']} | "
        f"numpy {head['numpy']} | matplotlib {head['matplotlib']} | pillow {head['pillow']} | "
        f"imageio {head['imageio']} | GIF loops {head['gif loops']} | "
        f"1-min load at start {head['load']}",
        line(COLUMNS),
        line(["-" * width for width in widths]),
        *(line(values) for values in cells),
        "",
        "ratio: time ratios are baseline / convanim (above 1x, convanim is faster); bytes "
        "are convanim / reference (gallery bytes: / committed); growth rows are each size "
        "against the smallest; 'x floor' and 'x the imports' are convanim / baseline.",
        *(f"- {note}" for note in report.notes),
    ]
    return "\n".join(lines)


def warm_up() -> None:
    """Import and draw once, so that no row pays for first-use costs."""
    from convanim import Spec
    from convanim.api import save

    with tempfile.TemporaryDirectory() as folder:
        save(Spec("conv", 4, 3), Path(folder) / "warm.gif", progress=False)
        from PIL import Image

        buffer = io.BytesIO()
        Image.new("RGB", (8, 8)).save(buffer, format="GIF")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run (under a minute)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the numbers here")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=SECTIONS,
        metavar="SECTION",
        help=f"run only these sections (of {', '.join(SECTIONS)}); all by default",
    )
    parser.add_argument("--growth-child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--big-child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.growth_child:
        side, dpi, out = args.growth_child
        growth_child(int(side), float(dpi), out)
        return 0
    if args.big_child:
        side, dpi, count, out = args.big_child
        big_child(int(side), float(dpi), int(count), out)
        return 0

    started = time.perf_counter()
    report = Report(mode="quick" if args.quick else "full", header=header())
    warm_up()
    run = set(args.only or SECTIONS)
    with tempfile.TemporaryDirectory(prefix="convanim-bench-") as folder:
        work = Path(folder)
        quick = args.quick
        gallery_dir = bench_gallery(report, work, quick) if run & {"gallery", "bytes"} else None
        if "breakdown" in run:
            size = bench_breakdown(report, work, quick)
        else:
            size = _scene_for(_tutorial_entry()).size  # what growth and big compare with
        if "growth" in run:
            bench_growth(report, work, quick, size)
        if "bytes" in run:
            bench_bytes(report, gallery_dir)
        if "planner" in run:
            bench_planner(report, quick)
        if "explorer" in run:
            bench_explorer(report, quick)
        if "first" in run:
            bench_first_frame(report, quick)
        if "big" in run:
            bench_big_writers(report, work, quick, size)
        if "refusal" in run:
            bench_refusal(report, quick)
        if "dask" in run:
            bench_dask(report, work, quick)
    elapsed = time.perf_counter() - started
    report.note(f"bench wall time: {elapsed:.0f} s.")
    print(table(report))
    if args.json:
        document = {
            "mode": report.mode,
            "header": report.header,
            "rows": [asdict(row) for row in report.rows],
            "notes": report.notes,
            "seconds": elapsed,
        }
        args.json.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
