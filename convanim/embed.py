"""Animations embedded in documentation: a page's options, checked, and the files they make.

The Sphinx directive (:mod:`convanim.sphinxext`) and the MkDocs plugin
(:mod:`convanim.mkdocs_plugin`) take the same options, named as in :data:`OPTION_NAMES`
(the options table's ``directive`` names, plus ``axes`` and ``transposed``), typed as on
the command line (``5x7``, flags without a value). This module parses them into an
:class:`Embed` and renders its files into a cache folder under names that hash what
decides their bytes, so a file that exists is never drawn again. It needs neither Sphinx
nor MkDocs.

Each front-end spells an option its own way (``:stride:`` in reStructuredText,
``stride:`` in a Markdown block): :class:`Words` carries the spelling, and every error is
one :class:`EmbedError` line in it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from . import __version__
from .drawable import check_request
from .errors import SpecError, invalid
from .options import OPTIONS, DrawOptions, Option, frames_text
from .spec import Spec

__all__ = [
    "MKDOCS",
    "OPTION_NAMES",
    "SPHINX",
    "Embed",
    "EmbedError",
    "Words",
    "cache_name",
    "check_defaults",
    "markdown_snippet",
    "parse_embed",
    "player_fragment",
    "player_id",
    "render_files",
]

TABLE: dict[str, Option] = {
    entry.directive: entry
    for entry in OPTIONS
    if entry.directive is not None and entry.group in ("spec", "draw", "page")
}
"""The table's options a page can give, by their page name."""
OWN = ("axes", "transposed")
OPTION_NAMES: tuple[str, ...] = (*TABLE, *OWN)
"""Every option a page can give, in the order errors list them."""

# The parameter a one-line SpecError names, and the page option that sets it.
_OPTION_OF = {entry.name: name for name, entry in TABLE.items()}


@dataclass(frozen=True, slots=True, kw_only=True)
class Words:
    """How a front-end spells its options in messages.

    Attributes
    ----------
    template : str
        An option's name in the page's syntax (``":{}:"``, ``"{}"``).
    thing : str
        What holds the options (``"convanim directive"``).
    """

    template: str
    thing: str

    def name(self, option: str) -> str:
        """``option`` as the page writes it."""
        return self.template.format(option)

    def prefix(self, option: str) -> str:
        """What starts a message about ``option`` (``":stride: "``, ``"stride: "``)."""
        name = self.name(option)
        return f"{name} " if name.endswith(":") else f"{name}: "


SPHINX = Words(template=":{}:", thing="convanim directive")
MKDOCS = Words(template="{}", thing="convanim block")


class EmbedError(ValueError):
    """One line about one option (``option`` None: about the block as a whole)."""

    def __init__(self, option: str | None, message: str) -> None:
        super().__init__(message)
        self.option = option


def _named(error: SpecError, words: Words) -> EmbedError:
    """A SpecError's one line, prefixed by the page option it is about."""
    option = _OPTION_OF.get(getattr(error, "parameter", None) or "")
    return EmbedError(option, f"{words.prefix(option)}{error}" if option else str(error))


@dataclass(frozen=True, slots=True, kw_only=True)
class Embed:
    """One embedded animation: what to draw, how, and how the page shows it.

    Attributes
    ----------
    spec : Spec
    render : dict
        :func:`convanim.save`'s drawing options (JSON-like: a theme by name).
    page : dict
        The page options by Python name: ``format``, ``still_frame``, ``display_width``,
        ``align``, ``classes``, ``alt``, ``figure_caption``, ``target``.
    """

    spec: Spec
    render: dict[str, Any] = field(default_factory=dict)
    page: dict[str, Any] = field(default_factory=dict)

    @property
    def format(self) -> str:
        """What an HTML page shows: ``gif``, ``mp4``, ``webp`` or ``html`` (the player)."""
        return self.page.get("format", "gif")

    @property
    def still_frame(self) -> int:
        """The frame of the still shown where the animation cannot play."""
        return self.page.get("still_frame", 0)

    @property
    def alt(self) -> str:
        """The alt text: given, or the spec's description."""
        return self.page.get("alt") or self.spec.describe()

    @property
    def classes(self) -> list[str]:
        """CSS classes: ``convanim`` and the page's own."""
        return ["convanim", *self.page.get("classes", "").split()]

    @property
    def file_name(self) -> str:
        """The animated file's cache name (``html``: the player, as an HTML fragment)."""
        return cache_name(self.spec, self.render, f".{self.format}")

    @property
    def still_names(self) -> tuple[str, str]:
        """The vector stills' cache names: a PDF and an SVG of :attr:`still_frame`, with
        one stem (LaTeX takes the PDF, e-books the SVG)."""
        stem = Path(cache_name(self.spec, {**self.render, "frame": self.still_frame}, ".pdf"))
        return stem.name, stem.with_suffix(".svg").name


@functools.lru_cache(maxsize=1)
def _drawing_code_fingerprint() -> str:
    """A hash of the modules whose code decides the pixels, so that a changed renderer
    (between releases too, in a checkout) never serves an old cached picture."""
    package = resources.files("convanim")
    digest = hashlib.sha256()
    folders = (package, package / "layout", package / "render", package / "writers")
    for folder in (*folders, package / "backends"):
        for item in sorted(folder.iterdir(), key=lambda entry: entry.name):
            if item.name.endswith((".py", ".js")):
                digest.update(item.name.encode())
                digest.update(item.read_bytes())
    return digest.hexdigest()[:16]


def cache_name(spec: Spec, render: dict[str, Any], extension: str = ".gif") -> str:
    """The cache file name of ``spec`` drawn with ``render`` options.

    A hash of the spec, the options, the version and the drawing code's source.

    Parameters
    ----------
    spec : Spec
        What is drawn.
    render : dict
        The :func:`convanim.save` options the page passes.
    extension : str
        The file's extension, with its dot (part of the hash too).

    Returns
    -------
    str
        ``convanim-<16 hex digits><extension>``.
    """
    key = {
        "convanim": __version__,
        "code": _drawing_code_fingerprint(),
        "spec": {
            "op": spec.op,
            "input_size": spec.input_size,
            "kernel_size": spec.kernel_size,
            "stride": spec.stride,
            "padding": spec.padding,
            "dilation": spec.dilation,
            "output_padding": spec.output_padding,
            "in_channels": spec.in_channels,
            "out_channels": spec.out_channels,
            "groups": spec.groups,
            "padding_mode": spec.padding_mode,
            "ceil_mode": spec.ceil_mode,
            "count_include_pad": spec.count_include_pad,
        },
        "options": render,
    }
    if extension != ".gif":
        key["extension"] = extension
    theme = render.get("theme")
    if isinstance(theme, str) and theme.strip().lower().endswith(".toml"):
        # A theme file: its contents decide the pixels, so an edited file redraws.
        with contextlib.suppress(OSError):  # missing: save() refuses it in one line
            key["theme_file"] = hashlib.sha256(Path(theme.strip()).read_bytes()).hexdigest()
    text = json.dumps(key, sort_keys=True, separators=(",", ":"), default=str)
    return f"convanim-{hashlib.sha256(text.encode()).hexdigest()[:16]}{extension}"


def _value(entry: Option, given: Any) -> Any:
    """A page's value (typed text, or a Python value from a config file), checked."""
    if isinstance(given, str):
        return entry.parse(given)
    return entry.check(given)


def check_defaults(defaults: Mapping[str, Any], spell: Callable[[str], str]) -> dict[str, Any]:
    """Site-wide defaults (``conf.py``'s ``convanim_*``, ``mkdocs.yml``'s plugin options),
    checked now: ``{page option: value}``; a bad one raises :class:`EmbedError` naming
    it as ``spell(option)`` does."""
    checked = {}
    for name, given in defaults.items():
        if given is None:
            continue
        entry = TABLE.get(name)
        if entry is None or entry.group == "spec" or entry.name in ("alt", "figure_caption"):
            raise EmbedError(name, f"{spell(name)} is not a setting convanim has")
        try:
            checked[name] = _value(entry, given)
        except SpecError as error:
            raise EmbedError(name, f"{spell(name)}: {error}") from None
        if entry.kind == "theme":
            checked[name] = given
    return checked


def parse_embed(
    options: Mapping[str, Any],
    *,
    words: Words = SPHINX,
    defaults: Mapping[str, Any] | None = None,
) -> Embed:
    """A page's options (typed text by page name) as an :class:`Embed`.

    ``defaults`` (checked by :func:`check_defaults`) apply to the options not given.

    Raises
    ------
    EmbedError
        One line in ``words``: an unknown or missing option, or a bad value.
    """
    unknown = sorted(name for name in options if name not in OPTION_NAMES)
    if unknown:
        choices = ", ".join(words.name(name) for name in OPTION_NAMES)
        raise EmbedError(
            unknown[0], f"option {words.name(unknown[0])} is not valid: expected one of {choices}"
        )
    for required in ("input", "kernel"):
        if required not in options:
            raise EmbedError(
                None,
                f"option {words.name(required)} is missing: expected it in every "
                f"{words.thing} (like {words.prefix(required)}5, or 5x7 per axis)",
            )
    transposed = False
    if "transposed" in options:
        flag = str(options["transposed"]).strip().lower()
        if flag not in ("", "true", "false"):
            raise EmbedError(
                "transposed",
                f"{words.prefix('transposed')}transposed = {options['transposed']!r} is not "
                "valid: expected no value (a flag), true or false",
            )
        transposed = flag != "false"
    parsed: dict[str, Any] = {}
    given_theme = None
    for name, entry in TABLE.items():
        if name in options:
            text = options[name]
        elif defaults and name in defaults:
            text = defaults[name]
        else:
            continue
        try:
            parsed[entry.name] = _value(entry, text)
        except SpecError as error:
            raise _named(error, words) from None
        if entry.kind == "theme":
            given_theme = text.strip() if isinstance(text, str) else text
    if parsed.get("figure_caption") == "" and "caption" in options:
        raise EmbedError(
            "caption",
            f"{words.prefix('caption')}caption = '' is not valid: expected the figure's text "
            f"(the drawn arithmetic is {words.name('arithmetic')})",
        )
    page = {
        entry.name: parsed.pop(entry.name)
        for entry in TABLE.values()
        if entry.group == "page" and entry.name in parsed
    }
    spec_values = {
        entry.name: parsed.pop(entry.name)
        for entry in TABLE.values()
        if entry.group == "spec" and entry.name in parsed
    }
    if "axes" in options:
        # The command line's plain integers make a 2-D spec; axes 1 makes them 1-D.
        axes = str(options["axes"]).strip()
        if axes not in ("1", "2"):
            raise EmbedError(
                "axes",
                f"{words.prefix('axes')}axes = {axes!r} is not valid: expected 1 or 2 (axes "
                "to draw)",
            )
        spec_values = {
            name: (value,) * int(axes) if isinstance(value, int) else value
            for name, value in spec_values.items()
        }
    op = spec_values.pop("op", "conv")
    if transposed:
        if op not in ("conv", "conv_transpose"):
            raise EmbedError(
                "transposed",
                f"{words.name('transposed')} is not valid with {words.name('op')} {op}: "
                f"expected {words.name('op')} conv",
            )
        op = "conv_transpose"
    try:
        spec = Spec(op, **spec_values)
        # Checked now, so a bad combination (or too much work: frames, time, picture,
        # numbers) names its option and line before anything is planned.
        shown = page.get("format", "gif")
        chosen = check_request(spec, DrawOptions(**parsed), shown)
        last = len(chosen) - 1
        if page.get("still_frame", 0) > last:
            raise invalid("still_frame", page["still_frame"], f"an integer between 0 and {last}")
    except SpecError as error:
        raise _named(error, words) from None
    render = {
        name: value.tolist() if hasattr(value, "tolist") else value
        for name, value in parsed.items()
    }
    if "theme" in render:
        render["theme"] = given_theme
    if render.get("frames") is not None:  # as typed: a slice is not JSON (the cache key)
        render["frames"] = frames_text(render["frames"])
    return Embed(spec=spec, render=render, page=page)


def _player_fragment(embed: Embed, player_id: str) -> str:
    """The HTML player of ``embed`` as one ``<div>`` for a page."""
    from .animation import animate

    return animate(embed.spec, **embed.render)._player_html(player_id, title=embed.alt)


def player_id(embed: Embed) -> str:
    """The id of the player in :attr:`Embed.file_name` (a page with it twice renames one)."""
    return Path(embed.file_name).stem


def player_fragment(embed: Embed, path: Path, seen: dict[str, int]) -> str:
    """The player's HTML fragment, read from ``path``; ``seen`` counts the players of
    one page by file, so the same animation shown again gets ids of its own."""
    fragment = path.read_text(encoding="utf-8")
    count = seen[path.name] = seen.get(path.name, 0) + 1
    if count > 1:
        fragment = fragment.replace(player_id(embed), f"{player_id(embed)}-{count}")
    return fragment


def render_files(
    embed: Embed,
    folder: str | Path,
    *,
    words: Words = SPHINX,
    still: bool = True,
    rendered: Callable[[Path, float], None] | None = None,
) -> tuple[Path, Path | None]:
    """Draw ``embed``'s animated file (and its vector still) into ``folder``, unless there.

    Parameters
    ----------
    embed : Embed
    folder : path-like
        The cache (created if missing).
    words : Words
        How errors name options.
    still : bool
        Also the vector stills (PDF and SVG) of :attr:`Embed.still_frame`.
    rendered : callable, optional
        ``rendered(path, seconds)`` for each file actually drawn.

    Returns
    -------
    (Path, Path or None)
        The animated file and the PDF still (the SVG beside it has its stem).

    Raises
    ------
    EmbedError
        A writer's refusal (``loop`` with ``mp4``...), naming its option.
    """
    import time

    from .api import save
    from .writers import atomic_output

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / embed.file_name
    stills = [folder / name for name in embed.still_names] if still else []
    try:
        if not target.exists():
            start = time.perf_counter()
            if embed.format == "html":
                with atomic_output(target) as temporary:
                    fragment = _player_fragment(embed, player_id(embed))
                    temporary.write_text(fragment, encoding="utf-8")
            else:
                save(embed.spec, target, **embed.render, format=embed.format, progress=False)
            if rendered is not None:
                rendered(target, time.perf_counter() - start)
        drawing = {k: v for k, v in embed.render.items() if k not in ("duration", "loop")}
        for still_path in stills:
            if not still_path.exists():
                start = time.perf_counter()
                save(embed.spec, still_path, **drawing, frame=embed.still_frame, progress=False)
                if rendered is not None:
                    rendered(still_path, time.perf_counter() - start)
    except SpecError as error:
        raise _named(error, words) from None
    except ValueError as error:  # a writer's one-line refusal
        raise EmbedError(None, str(error)) from None
    return target, (stills[0] if stills else None)


_PICTURES = (".gif", ".webp", ".apng", ".png", ".svg")


def markdown_snippet(
    path: str, alt: str, *, dark: str | None = None, width: int | None = None
) -> str:
    """The GitHub-flavoured Markdown that embeds the file at ``path`` (as written).

    Parameters
    ----------
    path : str
        The file, as the Markdown links it (relative to the page).
    alt : str
        Alt text (or link text).
    dark : str, optional
        The same animation in a dark theme: the snippet is then a ``<picture>`` that
        shows it to readers who prefer a dark colour scheme, ``path`` to the others.
    width : int, optional
        A width in pixels (HTML forms only: Markdown images have none).

    Returns
    -------
    str
        An image (``.gif``, ``.webp``, ``.apng``, ``.png``, ``.svg``), a ``<video>``
        (``.mp4``) or a link (``.html``, ``.pdf``, ``.tex``...).
    """
    import html
    import os
    import urllib.parse

    def url(name: str) -> str:
        return urllib.parse.quote(Path(name).as_posix() if os.sep != "/" else name)

    alt_text = html.escape(alt, quote=True)
    sized = "" if width is None else f' width="{width}"'
    suffix = Path(path).suffix.lower()
    if suffix in _PICTURES:
        if dark is not None:
            return (
                "<picture>"
                f'<source media="(prefers-color-scheme: dark)" srcset="{url(dark)}">'
                f'<source media="(prefers-color-scheme: light)" srcset="{url(path)}">'
                f'<img alt="{alt_text}" src="{url(path)}"{sized}>'
                "</picture>"
            )
        if width is not None:
            return f'<img alt="{alt_text}" src="{url(path)}"{sized}>'
        return f"![{alt.replace(']', '')}]({url(path)})"
    if suffix == ".mp4":
        return (
            f'<video src="{url(path)}" title="{alt_text}"{sized} autoplay loop muted '
            "playsinline controls></video>"
        )
    return f"[{alt.replace(']', '')}]({url(path)})"
