"""Galleries from manifests: checked before anything is written, any Executor, README."""

from __future__ import annotations

import concurrent.futures
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from convanim.gallery import ManifestError, build_gallery, load_manifest, parse_manifest

SMALL = """
[[animation]]
name = "tiny"
op = "conv"
input_size = 3
kernel_size = 2
description = "a tiny one"

[[animation]]
name = "tiny_transposed"
op = "conv"
input_size = [3, 4]
kernel_size = 2
stride = [1, 2]
transpose = true
duration = 200

[[animation]]
name = "tiny_pool"
op = "avg_pool"
input_size = 4
kernel_size = 2
stride = 2
style = "flat"
values = true
"""


def test_builtin_manifest_starts_with_the_15_reference_names():
    from cases import ALL_NAMES

    entries, _ = load_manifest()
    names = [entry.name for entry in entries]
    assert sorted(names[:15]) == sorted(ALL_NAMES)
    assert len(set(names)) == len(names)


def test_short_animations_travel_together_to_a_clusters_workers(tmp_path):
    # A task is a round trip on a cluster: entries go in batches of about TASK_FRAMES
    # frames, longest first, each entry exactly once, and every entry is reported.
    from convanim.gallery import TASK_FRAMES

    entries, _ = load_manifest()
    submitted = []

    class Recording(concurrent.futures.ThreadPoolExecutor):
        def submit(self, function, *args, **kwargs):
            submitted.append(args[0])
            return super().submit(function, *args, **kwargs)

    seen = []
    with Recording(max_workers=2) as pool:
        build_gallery(tmp_path / "out", executor=pool, progress=False, callback=seen.append)
    assert sorted(entry.name for batch in submitted for entry in batch) == sorted(
        entry.name for entry in entries
    )
    assert sorted(entry.name for entry in seen) == sorted(entry.name for entry in entries)
    sizes = [sum(entry.frames for entry in batch) for batch in submitted]
    assert len(submitted) < len(entries) / 3
    assert all(size >= TASK_FRAMES for size in sizes[:-1])
    # Each batch is filled only until it reaches TASK_FRAMES.
    for batch, size in zip(submitted, sizes, strict=True):
        assert size - batch[-1].frames < TASK_FRAMES
    longest = [batch[0].frames for batch in submitted]
    assert longest == sorted(longest, reverse=True)


def test_a_local_pool_of_many_workers_gets_smaller_batches():
    # Every worker of a big local pool gets work: at least two tasks each where the
    # animations allow (batches aim at four), never fewer than a cluster's batches.
    from convanim.gallery import _batches

    entries, _ = load_manifest()
    for workers in (2, 8, 16):
        batches = _batches(entries, workers)
        assert sorted(e.name for batch in batches for e in batch) == sorted(e.name for e in entries)
        assert len(batches) >= min(len(entries), 2 * workers)
        assert len(batches) >= len(_batches(entries))


def test_custom_manifest_with_a_thread_pool(tmp_path):
    manifest = tmp_path / "mine.toml"
    manifest.write_text(SMALL)
    out = tmp_path / "out"
    seen = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        written = build_gallery(
            out, manifest, executor=pool, progress=False, callback=lambda e: seen.append(e.name)
        )
    assert sorted(seen) == ["tiny", "tiny_pool", "tiny_transposed"]
    assert [path.name for path in written] == [
        "tiny.gif",
        "tiny_transposed.gif",
        "tiny_pool.gif",
        "manifest.toml",
        "README.md",
    ]
    with Image.open(out / "tiny.gif") as image:
        assert image.n_frames == 4
    with Image.open(out / "tiny_transposed.gif") as image:
        # transposed of conv 3x4, k 2, s (1, 2): output back to 3x4
        assert image.n_frames == 12 and image.info["duration"] == 200
    with Image.open(out / "tiny_pool.gif") as image:
        assert image.n_frames == 4
    assert (out / "manifest.toml").read_text() == SMALL
    readme = (out / "README.md").read_text()
    assert "![tiny](tiny.gif)" in readme and "a tiny one" in readme
    assert "`(3 + 2*0 - 2) // 1 + 1 = 2` per axis" in readme
    assert (
        "axis 0: `(2 - 1)*1 - 2*0 + 2 + 0 = 3`<br>axis 1: `(2 - 1)*2 - 2*0 + 2 + 0 = 4`" in readme
    )
    assert "Dumoulin" in readme and "MIT" in readme


def test_sequential_and_parallel_builds_are_byte_identical(tmp_path):
    manifest = tmp_path / "mine.toml"
    manifest.write_text(SMALL)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    build_gallery(tmp_path / "a" / "out", manifest, jobs=1, progress=False)
    build_gallery(tmp_path / "b" / "out", manifest, jobs=2, progress=False)
    for name in ("tiny.gif", "tiny_transposed.gif", "tiny_pool.gif"):
        one, other = tmp_path / "a" / "out" / name, tmp_path / "b" / "out" / name
        assert one.read_bytes() == other.read_bytes()
    # the READMEs say how each was made, and nothing else differs
    one = (tmp_path / "a" / "out" / "README.md").read_text().replace(str(tmp_path / "a"), "")
    other = (tmp_path / "b" / "out" / "README.md").read_text().replace(str(tmp_path / "b"), "")
    assert one == other
    assert (
        f"`convanim gallery --out {tmp_path / 'a' / 'out'} --manifest {manifest}`"
        in (tmp_path / "a" / "out" / "README.md").read_text()
    )


BAD_ENTRIES = [
    (
        'name = "x"\nop = "conv"\ninput_size = 5\nkernel_size = 3\nstride = 0',
        "gallery entry 'x': stride = 0 is not valid: expected an integer >= 1",
    ),
    (
        'name = "x"\nop = "conv"\ninput_size = 5\nkernel_size = 3\nstrides = 2',
        "gallery entry 'x': field 'strides' is not valid: expected one of name, op,",
    ),
    (
        'name = "x"\nop = "conv"\ninput_size = 5',
        "gallery entry 'x': field 'kernel_size' is missing",
    ),
    (
        'name = "a b"\nop = "conv"\ninput_size = 5\nkernel_size = 3',
        "gallery entry 'a b': name = 'a b' is not valid",
    ),
    (
        'name = "x"\nop = "conv"\ninput_size = 5\nkernel_size = 3\nstyle = "fancy"',
        "gallery entry 'x': style = 'fancy' is not valid: expected one of 'tutorial', 'flat', 'matrix', "
        "'scatter', 'overlap', 'scatter_gather'",
    ),
    (
        'name = "x"\nop = "conv"\ninput_size = 5\nkernel_size = 3\nduration = 0',
        "gallery entry 'x': duration = 0 is not valid: expected an integer between 1 and 655350",
    ),
    (
        'name = "x"\nop = "conv"\ninput_size = 5\nkernel_size = 3\nseparable = true',
        "gallery entry 'x': in_channels = None is not valid: expected an integer >= 1 with "
        "separable = true",
    ),
    (
        'name = "x"\nop = "conv"\ninput_size = 2\nkernel_size = 2\nx = [1, 2]',
        "gallery entry 'x': x.shape = (2,) is not valid: expected (2, 2)",
    ),
    (
        'name = "x"\nop = "max_pool"\ninput_size = 2\nkernel_size = 2\nweight = [[1, 1], [1, 1]]',
        "gallery entry 'x': weight is not valid for max_pool",
    ),
    (
        'name = "x"\nop = "conv"\ninput_size = 5\nkernel_size = 3\ntranspose = "yes"',
        "gallery entry 'x': transpose = 'yes' is not valid: expected bool",
    ),
    (
        'name = "x"\nop = "conv"\ninput_size = 5\nkernel_size = 3\nstyle = "matrix"\nlabels = true',
        "gallery entry 'x': labels = True is not valid with style = 'matrix'",
    ),
]


@pytest.mark.parametrize(
    ("body", "message"), BAD_ENTRIES, ids=[m.split(": ")[1][:30] for _, m in BAD_ENTRIES]
)
def test_bad_entries_are_refused_with_one_line(body, message):
    good = '[[animation]]\nname = "good"\nop = "conv"\ninput_size = 4\nkernel_size = 3\n'
    with pytest.raises(ManifestError) as caught:
        parse_manifest(good + "\n[[animation]]\n" + body)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_duplicate_names_and_empty_manifests():
    entry = '[[animation]]\nname = "same"\nop = "conv"\ninput_size = 4\nkernel_size = 3\n'
    with pytest.raises(ManifestError, match="expected each name once"):
        parse_manifest(entry + entry)
    with pytest.raises(ManifestError, match="expected at least one"):
        parse_manifest("")
    with pytest.raises(ManifestError, match="is not valid TOML"):
        parse_manifest("[[animation]\n")
    with pytest.raises(
        ManifestError, match=r"^gallery entry #1 = 1 is not valid: expected a table"
    ):
        parse_manifest("animation = [1, 2]")


def test_cli_refuses_a_bad_manifest_before_writing_anything(tmp_path):
    exe = shutil.which("convanim")
    if exe is None:
        pytest.skip("the convanim console script is not installed")
    manifest = tmp_path / "bad.toml"
    manifest.write_text(
        SMALL + '\n[[animation]]\nname = "late"\nop = "conv"\ninput_size = 3\nkernel_size = 5\n'
    )
    result = subprocess.run(
        [exe, "gallery", "--manifest", str(manifest), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "convanim: error: gallery entry 'late': kernel_size = 5 is not valid: expected an "
        "integer between 1 and 3 (the window must fit in the input of 3 cells)"
    )
    assert not (tmp_path / "out").exists()


def test_every_gallery_file_draws_its_entry_with_all_its_options():
    # The committed GIFs must carry each entry's look: numbers, labels, caption, matrix
    # weights. Compare each first frame with the scene the entry describes.
    import numpy as np
    from similarity import gif_frames

    from convanim.render import scene

    gallery = Path(__file__).resolve().parents[1] / "gallery"
    readme = (gallery / "README.md").read_text(encoding="utf-8")
    for entry in load_manifest()[0]:
        drawn = scene(entry.spec, **entry.render_options())
        frames, durations, _ = gif_frames(gallery / entry.filename)
        assert len(frames) == len(drawn) == entry.frames, entry.name
        if entry.options.theme.name == "tutorial":
            # Themed entries sit in the README's themes row, which shows no frame counts.
            row = readme.split(f"**{entry.name}**")[1].split("\n")[0]
            assert f"| {entry.frames} |" in row, entry.name
        assert durations[0] == entry.duration
        expected = drawn.frame(0)
        assert frames[0].shape == expected.shape, entry.name
        close = (np.abs(frames[0].astype(int) - expected).max(axis=2) <= 24).mean()
        assert close > 0.99, (entry.name, close)


def test_a_gif_and_its_tex_share_one_scene_and_match_save(tmp_path, monkeypatch):
    import convanim.render
    from convanim import Spec
    from convanim.api import save, save_files
    from convanim.options import DrawOptions

    spec, options = Spec("conv", 5, 3, stride=2, padding=1), DrawOptions()
    built = []
    real = convanim.render.scene

    def counted(*args, **kwargs):
        built.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(convanim.render, "scene", counted)
    together = save_files(
        spec, [(tmp_path / "t.gif", None), (tmp_path / "t.tex", "standalone")], options=options
    )
    assert len(built) == 1  # one scene for both files
    save(spec, tmp_path / "a.gif", options=options, progress=False)
    save(spec, tmp_path / "a.tex", options=options, tex="standalone", progress=False)
    assert [path.read_bytes() for path in together] == [
        (tmp_path / "a.gif").read_bytes(),
        (tmp_path / "a.tex").read_bytes(),
    ]
