"""Galleries: a TOML manifest of named animations, built in parallel into a folder.

A manifest is a list of ``[[animation]]`` tables. Each names its output file and gives
a spec in :class:`~convanim.spec.Spec`'s own words::

    [[animation]]
    name = "padding_strides"        # -> padding_strides.gif
    op = "conv"                     # conv, conv_transpose, max_pool, avg_pool
    input_size = 5                  # int, or a list with one value per axis
    kernel_size = 3
    stride = 2
    padding = 1
    # dilation = 1, output_padding = 0
    # transpose = true              # draw the transposed convolution of this conv
    # style = "tutorial"            # or "flat"
    # theme = "dark"                # or "colorblind", "print", a .toml theme file
    # duration = 1000               # ms per frame
    # tex = "standalone"            # also <name>.tex: picture, standalone, beamer, animate
    # description = "..."           # one line for the gallery's README

Every entry is checked before anything is written; a bad one is refused with one line
naming the entry, the field and the valid range.
"""

from __future__ import annotations

import concurrent.futures
import os
import re
import sys
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from .drawable import check_request, frame_count, selected_frames
from .errors import ManifestError, SpecError
from .options import OPTIONS, DrawOptions, draw_option_names
from .spec import Spec
from .values import numbers

__all__ = [
    "GalleryEntry",
    "build_gallery",
    "default_manifest_text",
    "load_manifest",
    "parse_manifest",
]

_GALLERY_FIELDS = ("name", "transpose", "description")
_SPEC_OPTIONS = {entry.field: entry for entry in OPTIONS if entry.group == "spec" and entry.field}
_DRAW_OPTIONS = {entry.field: entry for entry in OPTIONS if entry.group == "draw" and entry.field}
_WRITE_OPTIONS = {entry.field: entry for entry in OPTIONS if entry.group == "write" and entry.field}
_FIELDS = ("name", *_SPEC_OPTIONS, "transpose", *_DRAW_OPTIONS, *_WRITE_OPTIONS, "description")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True, slots=True, kw_only=True)
class GalleryEntry:
    """One animation of a gallery: a file name, its spec and how to draw it."""

    name: str
    spec: Spec
    options: DrawOptions = field(default_factory=DrawOptions)
    description: str = ""
    tex: str | None = None
    source: dict = field(default_factory=dict, compare=False, repr=False)

    def render_options(self) -> dict[str, object]:
        """Keyword arguments for :func:`convanim.api.save` and the renderers (the drawing
        options but the timing)."""
        options = self.options.as_dict()
        options.pop("duration"), options.pop("loop")
        return options

    def __getattr__(self, name: str):
        # entry.style, entry.duration ...: the drawing options read as attributes
        if name in draw_option_names():
            return getattr(self.options, name)
        raise AttributeError(name)

    @property
    def filename(self) -> str:
        """The output file's name."""
        return f"{self.name}.gif"

    @property
    def frames(self) -> int:
        """The animation's number of frames (its style's, without drawing it)."""
        total = frame_count(self.spec, self.options.style)
        return len(selected_frames(total, self.options.frames))

    @property
    def filenames(self) -> list[str]:
        """Every file the entry writes: the GIF, and its TikZ source when ``tex`` is set."""
        return [self.filename] + ([f"{self.name}.tex"] if self.tex else [])


def default_manifest_text() -> str:
    """The text of the built-in gallery manifest (the tutorial's animations and more)."""
    return resources.files("convanim").joinpath("gallery.toml").read_text(encoding="utf-8")


def _entry(index: int, table: object) -> GalleryEntry:
    if not isinstance(table, Mapping):
        raise ManifestError(
            f"gallery entry #{index + 1} = {table!r} is not valid: expected a table of fields"
        )
    raw_name = table.get("name")
    label = (
        f"gallery entry {raw_name!r}"
        if isinstance(raw_name, str)
        else f"gallery entry #{index + 1}"
    )

    def fail(error: SpecError | str) -> ManifestError:
        if isinstance(error, str):
            return ManifestError(f"{label}: {error}")
        return ManifestError(
            f"{label}: {error}",
            parameter=error.parameter,
            axis=error.axis,
            value=error.value,
            expected=error.expected,
        )

    for key in table:
        if key not in _FIELDS:
            raise fail(f"field {key!r} is not valid: expected one of {', '.join(_FIELDS)}")
    if not isinstance(raw_name, str) or not _NAME.match(raw_name):
        raise fail(
            f"name = {raw_name!r} is not valid: expected a file name of letters, digits, "
            "'_', '-' or '.'"
        )
    for required in ("op", "input_size", "kernel_size"):
        if required not in table:
            raise fail(f"field {required!r} is missing: expected it in every entry")
    for key, kind in (("transpose", bool), ("description", str)):
        if key in table and not isinstance(table[key], kind):
            raise fail(f"{key} = {table[key]!r} is not valid: expected {kind.__name__}")
    try:
        arguments = {
            entry.name: entry.check(table[key])
            for key, entry in _SPEC_OPTIONS.items()
            if key in table
        }
        spec = Spec(**arguments)
        if table.get("transpose", False):
            spec = spec.transpose()
        drawing = {
            entry.name: entry.check(table[key])
            for key, entry in _DRAW_OPTIONS.items()
            if key in table
        }
        options = DrawOptions(**drawing)
        tex = _WRITE_OPTIONS["tex"].check(table["tex"]) if "tex" in table else None
        # Bounded work (frames, time, picture, numbers) before anything is planned.
        check_request(spec, options, "gif")
        if options.numbered:
            numbers(spec, x=options.x, weight=options.weight, seed=options.seed)
        elif options.weight is not None and spec.is_pool:
            numbers(spec, weight=options.weight)
    except SpecError as error:
        raise fail(error) from None
    return GalleryEntry(
        name=raw_name,
        spec=spec,
        options=options,
        description=table.get("description", ""),
        tex=tex,
        source=dict(table),
    )


def parse_manifest(text: str, *, origin: str = "manifest") -> list[GalleryEntry]:
    """Parse and check a manifest's text; raise :class:`ManifestError` on the first problem."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ManifestError(f"{origin} is not valid TOML: {error}") from None
    unknown = set(document) - {"animation"}
    if unknown:
        raise ManifestError(
            f"{origin}: table {sorted(unknown)[0]!r} is not valid: "
            "expected only [[animation]] entries"
        )
    tables = document.get("animation", [])
    if not isinstance(tables, list) or not tables:
        raise ManifestError(f"{origin}: expected at least one [[animation]] entry")
    entries = [_entry(index, table) for index, table in enumerate(tables)]
    seen: set[str] = set()
    for entry in entries:
        if entry.name in seen:
            raise ManifestError(
                f"gallery entry {entry.name!r}: name is not valid: expected each name once"
            )
        seen.add(entry.name)
    return entries


def load_manifest(path: str | os.PathLike[str] | None = None) -> tuple[list[GalleryEntry], str]:
    """Read a manifest file (the built-in one when ``path`` is None): entries and text."""
    if path is None:
        text = default_manifest_text()
        return parse_manifest(text, origin="built-in manifest"), text
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ManifestError(
            f"manifest {os.fspath(path)!r} is not valid: {error.strerror}"
        ) from None
    except UnicodeDecodeError:
        raise ManifestError(
            f"manifest {os.fspath(path)!r} is not valid: expected UTF-8 text (TOML)"
        ) from None
    return parse_manifest(text, origin=os.fspath(path)), text


def _build_one(entry: GalleryEntry, out_dir: str) -> str:
    # Runs in a worker process: import here so that the parent stays light.
    from .api import save

    path = Path(out_dir) / entry.filename
    save(entry.spec, path, options=entry.options, progress=False)
    if entry.tex:
        save(entry.spec, path.with_suffix(".tex"), options=entry.options, tex=entry.tex)
    return str(path)


def build_gallery(
    out_dir: str | os.PathLike[str],
    manifest: str | os.PathLike[str] | None = None,
    *,
    executor: concurrent.futures.Executor | None = None,
    jobs: int | None = None,
    progress: bool | None = None,
    callback: Callable[[GalleryEntry], None] | None = None,
    attribution: str | None = None,
) -> list[Path]:
    """Build every animation of a manifest into ``out_dir``, plus README.md and manifest.toml.

    Parameters
    ----------
    out_dir : path-like
        Folder to write into (created if missing).
    manifest : path-like, optional
        A manifest file; the built-in gallery when omitted.
    executor : concurrent.futures.Executor, optional
        Where to run the builds: any Executor works (a Dask or Ray executor
        unchanged). By default a process pool over the machine's cores.
    jobs : int, optional
        Worker processes for the default pool (``os.cpu_count()``); 1 builds in this
        process.
    progress : bool, optional
        A tqdm bar; by default only when stderr is a terminal.
    callback : callable, optional
        Called with each entry as it completes.
    attribution : str, optional
        Text for the README's attribution section; the conv_arithmetic credit by default.

    Returns
    -------
    list of pathlib.Path
        The files written, in manifest order.
    """
    entries, text = load_manifest(manifest)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if progress is None:
        progress = sys.stderr.isatty()
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(entries), unit="animation", desc="gallery")

    def done(entry: GalleryEntry) -> None:
        if bar is not None:
            bar.update(1)
        if callback is not None:
            callback(entry)

    try:
        if executor is None and (jobs == 1 or (jobs is None and (os.cpu_count() or 1) == 1)):
            for entry in entries:
                _build_one(entry, str(out))
                done(entry)
        else:
            own = executor is None
            pool = executor or concurrent.futures.ProcessPoolExecutor(max_workers=jobs)
            try:
                # Longest first keeps every worker busy until the end.
                ordered = sorted(entries, key=lambda entry: -entry.frames)
                futures = {pool.submit(_build_one, entry, str(out)): entry for entry in ordered}
                for future in concurrent.futures.as_completed(futures):
                    future.result()
                    done(futures[future])
            finally:
                if own:
                    pool.shutdown(cancel_futures=True)
    finally:
        if bar is not None:
            bar.close()
    written = [out / name for entry in entries for name in entry.filenames]
    _write_text(out / "manifest.toml", text)
    command = f"convanim gallery --out {os.fspath(out_dir)}"
    source = "`manifest.toml`"
    if manifest is not None:
        command += f" --manifest {os.fspath(manifest)}"
        source += f" (a copy of `{os.fspath(manifest)}`)"
    _write_text(
        out / "README.md", gallery_readme(entries, attribution, command=command, source=source)
    )
    return [*written, out / "manifest.toml", out / "README.md"]


def _write_text(path: Path, text: str) -> None:
    from .writers import atomic_output

    with atomic_output(path) as temporary:
        temporary.write_text(text, encoding="utf-8")


ATTRIBUTION = (
    "The tutorial's animations reproduce figures from Vincent Dumoulin, Francesco Visin, "
    '"A guide to convolution arithmetic for deep learning", arXiv:1603.07285 (2016), '
    "and its conv_arithmetic repository (MIT licence, Copyright (c) 2016 Vincent Dumoulin "
    "and Francesco Visin)."
)


def _parameters(spec: Spec) -> str:
    def show(values: tuple[int, ...]) -> str:
        return str(values[0]) if len(set(values)) == 1 else "x".join(map(str, values))

    parts = [f"i={show(spec.input_size)}", f"k={show(spec.kernel_size)}", f"s={show(spec.stride)}"]
    parts.append(f"p={show(spec.padding)}")
    if any(d != 1 for d in spec.dilation):
        parts.append(f"d={show(spec.dilation)}")
    if spec.transposed:
        parts.append(f"a={show(spec.output_padding)}")
    return ", ".join(parts)


def _versions() -> str:
    """The libraries whose versions decide the files' bytes (the pictures stay the same)."""
    import matplotlib
    import PIL

    from . import __version__

    return (
        f"Built by convanim {__version__} with matplotlib {matplotlib.__version__}, "
        f"Pillow {PIL.__version__} and numpy {np.__version__}: the same versions rebuild "
        "these files byte for byte; other versions may shift anti-aliasing and bytes, "
        "not what is drawn."
    )


def gallery_readme(
    entries: Iterable[GalleryEntry],
    attribution: str | None = None,
    *,
    command: str = "convanim gallery --out gallery",
    source: str = "`manifest.toml`",
) -> str:
    """The gallery's README: each animation with its parameters and size arithmetic.

    ``command`` and ``source`` say how it was made (the command line and the manifest).
    """
    entries = list(entries)
    themed = [entry for entry in entries if entry.options.theme.name != "tutorial"]
    lines = [
        "# convanim gallery",
        "",
        f"Generated by `{command}` from {source}; do not edit by hand.",
        "",
        _versions(),
        "",
        "| animation | op | parameters | output size | frames |",
        "|---|---|---|---|---|",
    ]
    for entry in entries:
        if entry in themed:
            continue
        spec = entry.spec
        per_axis = spec.output_arithmetic()
        if len(set(per_axis)) == 1:
            arithmetic = f"`{per_axis[0]}` per axis" if spec.ndim > 1 else f"`{per_axis[0]}`"
        else:
            arithmetic = "<br>".join(f"axis {axis}: `{line}`" for axis, line in enumerate(per_axis))
        title = f"**{entry.name}**"
        if entry.description:
            title += f"<br>{entry.description}"
        if entry.tex:
            title += f"<br>TikZ: [{entry.name}.tex]({entry.name}.tex) ({entry.tex})"
        lines.append(
            f"| ![{entry.name}]({entry.filename})<br>{title} | {spec.op} | {_parameters(spec)} "
            f"| {arithmetic} | {entry.frames} |"
        )
    lines += _themes_row(entries, themed)
    lines += ["", "## Attribution", "", attribution or ATTRIBUTION, ""]
    return "\n".join(lines)


def _themes_row(entries: list[GalleryEntry], themed: list[GalleryEntry]) -> list[str]:
    """One row per animation drawn in several themes: the tutorial's first, then each."""
    if not themed:
        return []

    def look(entry: GalleryEntry) -> tuple:
        options = entry.options.replace(theme="tutorial", colors=None).as_dict()
        return (entry.spec, *(repr(value) for value in options.values()))

    rows: dict[tuple, list[GalleryEntry]] = {}
    for entry in themed:
        rows.setdefault(look(entry), []).append(entry)
    lines = [
        "",
        "## Themes",
        "",
        'The same animation in each built-in theme (`--theme NAME`, `theme = "NAME"` in a '
        "manifest): `dark` for dark slides and pages, `colorblind` for readers with any "
        "colour-vision deficiency, `print` for black-and-white printouts.",
        "",
    ]
    for key, row in rows.items():
        base = [entry for entry in entries if entry not in themed and look(entry) == key]
        shown = base[:1] + row
        lines += [
            "| " + " | ".join(entry.options.theme.name for entry in shown) + " |",
            "|" + "---|" * len(shown),
            "| "
            + " | ".join(
                f"![{entry.name}]({entry.filename})<br>**{entry.name}**" for entry in shown
            )
            + " |",
            "",
        ]
    return lines[:-1]
