"""An MkDocs plugin: fenced ```` ```convanim ```` blocks become animations at build time.

Enable it in ``mkdocs.yml`` (the package registers it as ``convanim``, an
``mkdocs.plugins`` entry point)::

    plugins:
      - convanim:
          defaults: {format: gif, width: 80%}   # optional: any page option, site-wide
          cache_dir: .cache/convanim            # optional: beside mkdocs.yml

and write a block of ``option: value`` lines, with the Sphinx directive's option names
(:data:`convanim.embed.OPTION_NAMES`)::

    ```convanim
    input: 7
    kernel: 3
    dilation: 2
    format: html
    caption: A dilated convolution.
    ```

Each block is rendered while its page is built (``format``: ``gif``, ``mp4``, ``webp``
or ``html``, the player), into the cache folder under the same content-hashed names the
Sphinx directive uses, so an unchanged block is never drawn again; the file is copied
into the site under ``assets/convanim/``. A bad option stops the build with one line
naming the page and line: ``index.md:7: convanim stride: stride[1] = 0 is not valid:
expected an integer >= 1``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as options
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from .embed import (
    MKDOCS,
    Embed,
    EmbedError,
    check_defaults,
    parse_embed,
    player_fragment,
    render_files,
)

__all__ = ["ConvanimPlugin", "ConvanimPluginConfig"]

log = get_plugin_logger(__name__)

_BLOCK = re.compile(
    r"^(?P<indent>[ ]{0,3})(?P<fence>`{3,}|~{3,})[ ]*convanim[ ]*\n"
    r"(?P<body>.*?)^(?P=indent)(?P=fence)[ ]*$",
    re.MULTILINE | re.DOTALL,
)
_LINE = re.compile(r"^(?P<name>[A-Za-z][A-Za-z0-9_-]*)[ ]*:(?P<value>.*)$")
_SLOT = re.compile(r'<div class="convanim-slot" data-convanim-slot="(?P<index>[0-9]+)"></div>')
_ASSETS = "assets/convanim"


class ConvanimPluginConfig(base.Config):
    """``mkdocs.yml``'s settings of the plugin."""

    defaults = options.Type(dict, default={})
    """Page options for every block (``format``, ``width``, ``theme``, ``style``...)."""
    cache_dir = options.Type(str, default=".cache/convanim")
    """Where rendered files are kept between builds (relative to ``mkdocs.yml``)."""


class ConvanimPlugin(BasePlugin[ConvanimPluginConfig]):
    """Renders ```` ```convanim ```` blocks (see the module's documentation)."""

    _dirty = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self._dirty = dirty  # mkdocs serve --dirty rebuilds some pages only

    def on_config(self, config):
        try:
            self._defaults = check_defaults(
                self.config.defaults, lambda name: f"plugins.convanim.defaults.{name}"
            )
        except EmbedError as error:
            raise PluginError(f"convanim: {error}") from None
        self._cache = Path(config.config_file_path or ".").parent / self.config.cache_dir
        self._players: dict[str, list[str]] = {}
        self._used: set[str] = set()
        return config

    def on_post_build(self, *, config) -> None:
        # Forget renders no page shows any more (a block edited or removed); a dirty
        # build saw only some pages, so it keeps everything.
        if self._dirty or not self._cache.is_dir():
            return
        for path in self._cache.glob("convanim-*"):
            if path.name not in self._used:
                path.unlink(missing_ok=True)

    def on_page_markdown(self, markdown: str, /, *, page, config, files) -> str:
        offset = _front_matter_lines(page, markdown)
        players: list[str] = []
        seen: dict[str, int] = {}

        def replace(match: re.Match[str]) -> str:
            first_line = offset + markdown.count("\n", 0, match.start()) + 1
            embed = self._embed(page, match.group("body"), first_line)
            try:
                animated, _ = render_files(
                    embed, self._cache, words=MKDOCS, still=False, rendered=_rendered(embed)
                )
            except EmbedError as error:
                raise _page_error(page, first_line, error) from None
            self._used.add(animated.name)
            if embed.format == "html":
                players.append(player_fragment(embed, animated, seen))
                body = f'<div class="convanim-slot" data-convanim-slot="{len(players) - 1}"></div>'
            else:
                uri = f"{_ASSETS}/{animated.name}"
                asset = files.get_file_from_path(uri)
                if asset is None:
                    asset = File.generated(config, uri, abs_src_path=str(animated))
                    files.append(asset)
                # Relative to where the page is served (sub/page/ with directory URLs).
                body = _media(embed, get_relative_url(asset.url, page.url))
            return "\n" + _wrap(embed, body) + "\n"

        markdown = _BLOCK.sub(replace, markdown)
        self._players[page.file.src_uri] = players
        return markdown

    def on_page_content(self, html_text: str, /, *, page, config, files) -> str:
        # The player is inserted after Markdown has run: its script and style must reach
        # the page untouched.
        players = self._players.pop(page.file.src_uri, [])
        return _SLOT.sub(lambda match: players[int(match.group("index"))], html_text)

    def _embed(self, page, body: str, first_line: int) -> Embed:
        given: dict[str, str] = {}
        lines: dict[str, int] = {}
        for number, line in enumerate(body.splitlines(), start=first_line + 1):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            match = _LINE.match(stripped)
            if match is None:
                raise _page_error(
                    page,
                    number,
                    EmbedError(
                        None,
                        f"line {stripped!r} is not valid: expected an option and its value "
                        "(like stride: 2)",
                    ),
                )
            given[match.group("name")] = match.group("value").strip()
            lines[match.group("name")] = number
        try:
            return parse_embed(given, words=MKDOCS, defaults=self._defaults)
        except EmbedError as error:
            raise _page_error(page, lines.get(error.option, first_line), error) from None


def _front_matter_lines(page, markdown: str) -> int:
    """Lines of the page's source before ``markdown`` (its YAML front matter)."""
    try:
        source = Path(page.file.abs_src_path).read_text(encoding="utf-8")
    except (OSError, TypeError):
        return 0
    start = source.find(markdown[:200]) if markdown else -1
    return source.count("\n", 0, start) if start > 0 else 0


def _page_error(page, line: int, error: EmbedError) -> PluginError:
    return PluginError(f"{page.file.src_uri}:{line}: convanim {error}")


def _rendered(embed: Embed):
    def report(path: Path, seconds: float) -> None:
        log.info(f"rendered {path.name} ({embed.spec.describe()}) in {seconds:.2f} s")

    return report


def _media(embed: Embed, url: str) -> str:
    """The ``<img>`` or ``<video>`` of an animated file at ``url``."""
    alt = html.escape(embed.alt, quote=True)
    style = (
        f' style="width: {embed.page["display_width"]}"' if "display_width" in embed.page else ""
    )
    classes = " ".join(embed.classes)
    if embed.format == "mp4":
        loop = " loop" if embed.render.get("loop", 0) == 0 else ""
        return (
            f'<video class="{classes}" src="{url}" title="{alt}" aria-label="{alt}"{style} '
            f"autoplay muted playsinline controls{loop}></video>"
        )
    return f'<img class="{classes}" src="{url}" alt="{alt}" loading="lazy"{style}>'


def _wrap(embed: Embed, body: str) -> str:
    """The block's HTML: a figure with its caption, or a plain ``<div>``."""
    page: dict[str, Any] = embed.page
    attributes = f' id="{html.escape(page["target"], quote=True)}"' if "target" in page else ""
    styles = [f"text-align: {page['align']}"] if "align" in page else []
    if "display_width" in page and embed.format == "html":  # the player fits its container
        styles.append(f"max-width: {page['display_width']}")
    align = f' style="{"; ".join(styles)}"' if styles else ""
    if "figure_caption" in page:
        caption = html.escape(page["figure_caption"])
        return (
            f'<figure class="convanim-figure"{attributes}{align}>{body}'
            f"<figcaption>{caption}</figcaption></figure>"
        )
    return f'<div class="convanim-embed"{attributes}{align}>{body}</div>'
