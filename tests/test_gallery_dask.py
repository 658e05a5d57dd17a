"""A gallery built on a real Dask cluster: a scheduler and two worker processes; and on
an executor whose futures behave as Ray's do.

The workers are fresh interpreters (Dask spawns them; the local pool forks), so the
byte comparison also checks that nothing of this process's state reaches the files.
"""

from __future__ import annotations

import concurrent.futures
import errno
import os
import queue
import threading
import time
from pathlib import Path

import pytest
from test_gallery import SMALL

import convanim
from convanim.gallery import build_gallery

# The conv, transpose and avg_pool of the local tests, and more kinds and options.
KINDS = (
    SMALL
    + """
[[animation]]
name = "conv_tex"
op = "conv"
input_size = 4
kernel_size = 3
padding = 1
tex = "standalone"

[[animation]]
name = "transposed"
op = "conv_transpose"
input_size = 2
kernel_size = 3
stride = 2

[[animation]]
name = "max_pool_dark"
op = "max_pool"
input_size = 4
kernel_size = 2
stride = 2
theme = "dark"
"""
)


@pytest.fixture(scope="module")
def client():
    """A LocalCluster of two single-threaded worker processes, closed after the tests."""
    distributed = pytest.importorskip("distributed")
    # ":0": any free port; None still takes 8787 when it is free, which another
    # cluster on a shared machine may hold.
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    try:
        with distributed.Client(cluster) as client:
            yield client
    finally:
        cluster.close()


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def _wait_until_idle(client, seconds: float = 30.0) -> None:
    """Wait until the scheduler has no task queued or running."""

    def idle(dask_scheduler) -> bool:
        return not dask_scheduler.queued and not any(
            worker.processing for worker in dask_scheduler.workers.values()
        )

    deadline = time.monotonic() + seconds
    while not client.run_on_scheduler(idle):
        assert time.monotonic() < deadline, "the cluster is still busy"
        time.sleep(0.05)


def test_workers_build_the_same_code(client):
    # Otherwise the comparison below could compare two versions of convanim.
    where = client.run(lambda: __import__("convanim").__file__)
    assert set(where.values()) == {convanim.__file__}


def test_dask_and_local_builds_are_byte_identical(client, tmp_path, monkeypatch):
    manifest = tmp_path / "kinds.toml"
    manifest.write_text(KINDS)
    # The same relative out_dir from two folders: the READMEs (which quote the command)
    # match too, and the workers, whose working folder is not this one, still write
    # into the right place.
    for side in ("dask", "local"):
        (tmp_path / side).mkdir()
    monkeypatch.chdir(tmp_path / "dask")
    seen = []
    written = build_gallery(
        "gallery",
        manifest,
        executor=client.get_executor(),
        progress=False,
        callback=lambda entry: seen.append(entry.name),
    )
    monkeypatch.chdir(tmp_path / "local")
    local = build_gallery("gallery", manifest, jobs=1, progress=False)
    assert written == local
    assert sorted(seen) == sorted(
        ["tiny", "tiny_transposed", "tiny_pool", "conv_tex", "transposed", "max_pool_dark"]
    )
    on_dask, here = _files(tmp_path / "dask" / "gallery"), _files(tmp_path / "local" / "gallery")
    assert sorted(on_dask) == sorted(path.name for path in local)
    assert "conv_tex.tex" in on_dask
    for name, data in here.items():
        assert on_dask[name] == data, name


def test_a_failure_on_a_worker_reads_as_locally_and_writes_nothing(client, tmp_path, monkeypatch):
    # The scenario is sized for tasks of 100 frames, whatever the default.
    monkeypatch.setattr(convanim.gallery, "TASK_FRAMES", 100)
    others = [f"small_{index}" for index in range(10)]
    # Over TASK_FRAMES frames (144): a task of its own, submitted first.
    body = '[[animation]]\nname = "full_disk"\nop = "conv"\ninput_size = 14\nkernel_size = 3\n'
    for name in others:
        # 36 frames each: three to a task (TASK_FRAMES), so most wait in the queue.
        body += f'\n[[animation]]\nname = "{name}"\nop = "conv"\ninput_size = 8\nkernel_size = 3\n'
    manifest = tmp_path / "failing.toml"
    manifest.write_text(body)
    log = tmp_path / "started.log"

    # Nested, so that Dask sends the functions themselves (this module is not importable
    # on a worker). The largest entry is submitted first: its disk is full.
    def fail_on_full_disk() -> None:
        import errno

        import convanim.api

        real = convanim.api.write_scene

        def write_scene(the_scene, path, *args, **kwargs):
            if Path(path).suffix == ".gif":
                with open(log, "a", encoding="utf-8") as file:
                    file.write(Path(path).stem + "\n")
            if Path(path).name == "full_disk.gif":
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real(the_scene, path, *args, **kwargs)

        write_scene.real = real
        convanim.api.write_scene = write_scene

    def restore() -> None:
        import convanim.api

        convanim.api.write_scene = convanim.api.write_scene.real

    errors = {}
    for side in ("dask", "local"):
        out = tmp_path / side
        out.mkdir()
        (out / "notes.txt").write_text("mine")
        if side == "dask":
            client.run(fail_on_full_disk)
        else:
            fail_on_full_disk()
        try:
            with pytest.raises(OSError) as caught:
                if side == "dask":
                    build_gallery(out, manifest, executor=client.get_executor(), progress=False)
                else:
                    build_gallery(out, manifest, jobs=1, progress=False)
        finally:
            if side == "dask":
                _wait_until_idle(client)
                client.run(restore)
            else:
                restore()
        errors[side] = caught.value
        assert sorted(path.name for path in out.iterdir()) == ["notes.txt"]
        if side == "dask":
            # The failure cancelled the builds not yet started: they never ran, even
            # once the cluster was idle.
            assert len(set(log.read_text().split()) & set(others)) < len(others)
    dask, local = errors["dask"], errors["local"]
    assert type(dask) is type(local)
    assert dask.errno == local.errno
    assert local.filename == str(tmp_path / "local" / "full_disk.gif")
    assert dask.filename == str(tmp_path / "dask" / "full_disk.gif")
    assert str(dask) == str(local).replace(local.filename, dask.filename)


class _Detached(concurrent.futures.Executor):
    """Runs the calls one by one on a thread of its own and never marks a Future running,
    as a Ray ObjectRef's ``future()``: one cancelled while queued is skipped, and is never
    done for ``concurrent.futures.wait``."""

    def __init__(self) -> None:
        self.calls: queue.Queue = queue.Queue()
        self.ran: list[str] = []
        threading.Thread(target=self._work, daemon=True).start()

    def submit(self, fn, /, *args, **kwargs):
        future = concurrent.futures.Future()
        self.calls.put((future, fn, args, kwargs))
        return future

    def _work(self) -> None:
        while True:
            future, fn, args, kwargs = self.calls.get()
            if future.cancelled():
                continue
            self.ran.extend(entry.name for entry in args[0])  # a task's batch
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as error:
                future.set_exception(error)
                # A cluster's latency: the build has cancelled the rest by then.
                time.sleep(0.5)


def test_a_failure_does_not_wait_for_futures_that_never_run(tmp_path, monkeypatch):
    import convanim.api

    real = convanim.api.write_scene

    def write_scene(the_scene, path, *args, **kwargs):
        if Path(path).name == "full_disk.gif":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(the_scene, path, *args, **kwargs)

    monkeypatch.setattr(convanim.api, "write_scene", write_scene)
    monkeypatch.setattr(convanim.gallery, "TASK_FRAMES", 100)  # the sizes below assume it
    # Over TASK_FRAMES frames (144): a task of its own, before the small one's.
    body = '[[animation]]\nname = "full_disk"\nop = "conv"\ninput_size = 14\nkernel_size = 3\n'
    body += '[[animation]]\nname = "small"\nop = "conv"\ninput_size = 4\nkernel_size = 2\n'
    manifest = tmp_path / "failing.toml"
    manifest.write_text(body)
    out = tmp_path / "out"
    executor = _Detached()
    failed = []

    def build() -> None:
        try:
            build_gallery(out, manifest, executor=executor, progress=False)
        except OSError as error:
            failed.append(error)

    # In a thread: a build that waited for the cancelled future would never return.
    builder = threading.Thread(target=build, daemon=True)
    builder.start()
    builder.join(timeout=30)
    assert not builder.is_alive(), "the build waits for a future that never runs"
    assert failed and failed[0].errno == errno.ENOSPC
    assert not out.exists()
    # Once the executor's pause is over: the queued build was cancelled, not run.
    time.sleep(1.0)
    assert executor.ran == ["full_disk"]
