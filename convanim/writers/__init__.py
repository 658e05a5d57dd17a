"""Writers: one small module per format, registered by name and file extension.

Modelled on matplotlib's ``animation.writers`` registry and imageio's v3 plugins: a
writer says which extensions it takes and turns a :class:`FrameSource` into a file.
Every writer writes into a temporary file beside the target and moves it into place
with :func:`os.replace` only when it has finished, so a failed or interrupted run
leaves no partial file and never touches a file the user already had.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

__all__ = [
    "FrameSource",
    "WriteOptions",
    "Writer",
    "atomic_output",
    "check_output_path",
    "register",
    "track_commits",
    "transparent",
    "writer_for",
    "writers",
]


@runtime_checkable
class FrameSource(Protocol):
    """What a writer reads: frames as HxWx3 uint8 arrays, streamed, and vector stills."""

    def __len__(self) -> int: ...

    @property
    def size(self) -> tuple[int, int]:
        """Frame (width, height) in pixels."""
        ...

    def frames(self) -> Iterator[np.ndarray]:
        """Every frame, in order, one array at a time."""
        ...

    def frame(self, index: int) -> np.ndarray:
        """One frame."""
        ...

    def save_figure(self, file: Path, index: int, format: str) -> None:
        """Draw frame ``index`` as a vector (or raster) figure file of ``format``."""
        ...


def transparent(source: FrameSource) -> bool:
    """Whether ``source`` has a transparent background (its frames' alpha matters)."""
    return bool(getattr(source, "transparent", False))


@dataclass(frozen=True, slots=True, kw_only=True)
class WriteOptions:
    """Options every writer understands (each uses those that apply to its format).

    Attributes
    ----------
    duration : int
        Milliseconds per frame.
    loop : int
        Times to play; 0 loops forever.
    frame : int
        Which frame a still (PNG, SVG, PDF, a TikZ picture) shows.
    tex : {"picture", "standalone", "beamer", "animate"}
        What a ``.tex`` file is: a still ``tikzpicture`` to ``\\input``, a document of
        one page per frame, beamer overlays (one per frame) or an ``animateinline``.
    """

    duration: int = 1000
    loop: int = 0
    frame: int = 0
    tex: str = "picture"


@dataclass(frozen=True, slots=True, kw_only=True)
class Writer:
    """A registered format.

    Attributes
    ----------
    name : str
        Registry key, e.g. ``"gif"``.
    extensions : tuple of str
        File extensions (lower case, with the dot) that select this writer.
    animated : bool
        False for stills, which draw one frame.
    description : str
        One line for ``--help`` and the docs.
    write : callable
        ``write(source, path, options)`` writes the whole file at ``path`` (a temporary
        path chosen by :func:`save`; the writer need not care about atomicity).
    directory : bool
        True when the output is a folder of files rather than one file.
    loops : bool
        True when the format stores a loop count (GIF, WebP, APNG).
    takes_frame : bool
        True for an animated format that can also hold one frame (``.tex``'s picture).
    alpha : bool
        True when the format keeps a transparent background (``transparent=True``).
    owned : str, optional
        For a folder writer, a regular expression matching the file names it writes:
        an earlier run's files of that form are removed once the new set is in place,
        so the folder holds one run's frames (other files of the user's stay).
    min_duration : int
        The shortest frame (ms) the format plays as written; a shorter one is refused
        before any drawing.
    duration_reason : str
        Why, for the error (starting with a space, in parentheses).
    """

    name: str
    extensions: tuple[str, ...]
    animated: bool
    description: str
    write: Callable[[FrameSource, Path, WriteOptions], None]
    directory: bool = False
    loops: bool = False
    owned: str | None = None
    takes_frame: bool = False
    min_duration: int = 1
    duration_reason: str = ""
    alpha: bool = True


_REGISTRY: dict[str, Writer] = {}


def register(writer: Writer) -> Writer:
    """Add ``writer`` to the registry (replacing one of the same name)."""
    _REGISTRY[writer.name] = writer
    return writer


def writers() -> dict[str, Writer]:
    """All registered writers by name."""
    _load_builtin()
    return dict(_REGISTRY)


def extensions() -> list[str]:
    """Every extension some writer takes, sorted."""
    return sorted({ext for writer in writers().values() for ext in writer.extensions})


def writer_for(path: str | os.PathLike[str], name: str | None = None) -> Writer:
    """The writer registered under ``name``, or the one whose extension ``path`` has.

    Raises
    ------
    ValueError
        One line listing the supported extensions (or names).
    """
    registry = writers()
    if name is not None:
        if name not in registry:
            raise ValueError(
                f"format = {name!r} is not valid: expected one of {', '.join(sorted(registry))}"
            )
        return registry[name]
    suffix = Path(path).suffix.lower()
    for writer in registry.values():
        if suffix in writer.extensions:
            return writer
    shown = suffix or "(none)"
    raise ValueError(
        f"output extension {shown} of {os.fspath(path)!r} is not valid: expected one of "
        + ", ".join(extensions())
    )


def _read_umask() -> int:
    # os.umask can only be read by setting it; done once, at import, before any thread
    # of ours could create a file in the moment it is 0.
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def check_output_path(path: str | os.PathLike[str], *, directory: bool = False) -> None:
    """Raise a one-line ``ValueError`` unless ``path`` can be written (checked before any
    work: its folder exists, and it is not a folder where a file is expected, or the
    reverse)."""
    target = Path(path)
    if not os.fspath(path):
        raise ValueError("output path '' is not valid: expected a file or folder name")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise ValueError(
            f"output folder {os.fspath(parent)!r} is not valid: expected an existing folder"
        )
    if directory and target.is_symlink() and not target.exists():
        raise ValueError(
            f"frames folder {os.fspath(path)!r} is not valid: expected a folder (it is a "
            f"symbolic link to {os.readlink(target)!r}, which does not exist)"
        )
    if directory and target.exists() and not target.is_dir():
        raise ValueError(
            f"frames folder {os.fspath(path)!r} is not valid: expected a folder "
            "(a file of that name exists)"
        )
    if not directory and target.is_dir():
        raise ValueError(
            f"output file {os.fspath(path)!r} is not valid: expected a file name "
            "(a folder of that name exists)"
        )


@contextlib.contextmanager
def atomic_output(
    path: str | os.PathLike[str], *, directory: bool = False, owned: str | None = None
) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it onto ``path`` only on success.

    On any exception, KeyboardInterrupt included, the temporary file (or folder) is
    removed and whatever was at ``path`` is left as it was. With ``directory=True`` the
    files written into the temporary folder are moved into the folder ``path`` (created
    if needed); files already there that the writer did not write are kept.

    Raises
    ------
    ValueError
        One line, before anything is written, when ``path`` cannot be written: its
        folder is missing, or it is a folder where a file is expected (or the reverse).
    """
    check_output_path(path, directory=directory)
    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    # Short, fixed-length temporary names: a long target name must not overflow the
    # file system's limit once a random part is added.
    if directory:
        # Inside an existing folder (it may be a mount point: a rename from its parent
        # would cross file systems), else beside the folder to be.
        home = target if target.is_dir() else parent
        temporary = Path(tempfile.mkdtemp(dir=home, prefix=".convanim-", suffix=".tmp"))
    else:
        handle, name = tempfile.mkstemp(dir=parent, prefix=".convanim-", suffix=target.suffix)
        os.close(handle)
        temporary = Path(name)
    try:
        yield temporary
        with _signals_held():
            # A signal now would leave the message ("no file was written") and the
            # outcome disagreeing: it is delivered once the file is in place and known.
            if directory:
                _move_into(temporary, target, owned)
            else:
                # mkstemp makes 0600 files; give the result the usual permissions.
                os.chmod(temporary, 0o666 & ~_UMASK)
                os.replace(temporary, target)
            for record in _COMMITS:
                record.append(target)
    except BaseException as error:
        # Read the file system before the partial file is removed (which frees space).
        plain = _plain_os_error(error, target, temporary, parent)
        if temporary.is_dir():
            shutil.rmtree(temporary, ignore_errors=True)
        else:
            temporary.unlink(missing_ok=True)
        if plain is not None:
            raise plain from None
        raise


FULL_BELOW = 2**20
"""Free bytes under which a file system counts as full when a writer's failure comes with
no reason of its own (ffmpeg, a subprocess, reports only that it stopped)."""


def _plain_os_error(
    error: BaseException, target: Path, temporary: Path, parent: Path
) -> OSError | None:
    """The one-line :class:`OSError` to raise for ``error`` (None: raise it unchanged).

    Every writer's failure to write reads the same, ``[Errno 28] No space left on device:
    'x.pdf'``: named after the target, not the temporary file, and a full file system
    named as such even when the writer (ffmpeg) reports only that it stopped.
    """
    if not isinstance(error, OSError):
        return None
    code = error.errno
    if code is None or code == errno.EPIPE:
        try:
            status = os.statvfs(parent)
            full = status.f_bavail * status.f_frsize < FULL_BELOW
        except (OSError, AttributeError):
            full = False
        if full:
            code = errno.ENOSPC
    if code is None:
        # No errno: keep the first line of the message (imageio appends ffmpeg's whole
        # command line and log).
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return OSError(first)
    named = error.filename
    if named is None or Path(os.fspath(named)).name.startswith(".convanim-"):
        named = target
    if code == error.errno and named == error.filename:
        return None
    return OSError(code, os.strerror(code), os.fspath(named))


_COMMITS: list[list[Path]] = []
"""The open :func:`track_commits` records."""

_HELD_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM") if hasattr(signal, name)
)


@contextlib.contextmanager
def track_commits() -> Iterator[list[Path]]:
    """Yield a list that every file (or folder) moved into place meanwhile is added to.

    A front-end reads it when interrupted to say truthfully what was written: a file is
    added in the same signal-free moment it is moved into place.
    """
    record: list[Path] = []
    _COMMITS.append(record)
    try:
        yield record
    finally:
        _COMMITS.remove(record)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM for the block, then deliver them to the handlers that
    were in place (only the main thread can; elsewhere this does nothing)."""
    if threading.current_thread() is not threading.main_thread() or any(
        signal.getsignal(number) is None for number in _HELD_SIGNALS
    ):  # not ours to hold: another thread, or a handler set outside Python
        yield
        return
    pending: list[int] = []
    previous = {}
    try:
        for number in _HELD_SIGNALS:
            previous[number] = signal.signal(number, lambda got, frame: pending.append(got))
    except ValueError:  # an embedding interpreter that owns the signals
        for number, handler in previous.items():
            signal.signal(number, handler)
        yield
        return
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for number in dict.fromkeys(pending):
            handler = previous[number]
            if callable(handler):
                handler(number, None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(number)


def _move_into(temporary: Path, target: Path, owned: str | None = None) -> None:
    """Move every file of ``temporary`` into the folder ``target``, then remove it.

    Files of the ``owned`` form that this run did not write (an earlier, longer run's
    frames) are removed after the new ones are in place.
    """
    if not target.exists():
        os.chmod(temporary, 0o777 & ~_UMASK)
        os.replace(temporary, target)
        return
    # The folder is the user's: add (or update) our files one by one, each move atomic,
    # and leave everything else in it alone.
    written = set()
    for item in sorted(temporary.iterdir()):
        os.chmod(item, 0o666 & ~_UMASK)
        os.replace(item, target / item.name)
        written.add(item.name)
    temporary.rmdir()
    if owned is not None:
        pattern = re.compile(owned)
        for item in sorted(target.iterdir()):
            if item.name not in written and pattern.fullmatch(item.name) and item.is_file():
                item.unlink(missing_ok=True)


_LOADED = False
_LOADING = threading.Lock()


def _load_builtin() -> None:
    global _LOADED
    if _LOADED:
        return
    # Threads of one gallery build may ask at once: only one imports, and nobody sees
    # the registry before every built-in writer is in it.
    with _LOADING:
        if _LOADED:
            return
        # Importing a format module registers its writer(s).
        from . import apng, gif, html, mp4, png, tikz, vector, webp  # noqa: F401

        _LOADED = True
