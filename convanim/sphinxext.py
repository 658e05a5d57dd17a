"""A Sphinx extension: the ``convanim`` directive draws an animation into the docs.

Add ``"convanim.sphinxext"`` to ``extensions`` in ``conf.py``, then write::

    .. convanim::
       :input: 6
       :kernel: 3
       :stride: 2
       :format: html
       :caption: Stride 2 over a 6x6 input.
       :name: fig-stride

The options come from the options table (:data:`convanim.options.OPTIONS`), spelt as
options and typed as on the command line (per-axis values ``5x7``, flags without a
value): the spec's (``:op:``, ``:input:``, ``:kernel:``, ``:stride:``, ``:padding:``,
``:dilation:``, ``:output-padding:``, ...), the drawing's (``:style:``, ``:theme:``,
``:dpi:``, ``:values:``, ``:seed:``, ``:labels:``, ``:arithmetic:`` -- the command
line's ``--caption`` --, ``:duration:``, ``:loop:``, ``:x:``, ``:weight:``) and the
page's: ``:format:`` (``gif``, ``mp4``, ``webp`` or ``html``, the player),
``:still-frame:``, ``:width:``, ``:align:``, ``:class:``, ``:alt:``, ``:caption:`` (a
numbered figure) and ``:name:`` (its label, for ``:numref:``). Two more: ``:axes: 1``
makes plain numbers 1-D and ``:transposed:`` is ``:op: conv_transpose``. ``:input:``
and ``:kernel:`` are required.

Every option but the spec's, ``:alt:``, ``:caption:`` and ``:name:`` has a site-wide
default in ``conf.py``: ``convanim_`` and the option's name with ``_`` for ``-``
(``convanim_format = "html"``, ``convanim_width = "80%"``, ``convanim_theme = ...``).

HTML builders show the animation in ``:format:``; every other builder (LaTeX/PDF, text,
man...) gets a vector still of ``:still-frame:`` (the first frame by default) instead,
since none of them can show an animation: a PDF for LaTeX, an SVG for others (EPUB, whose
readers play no video, gets it for ``:format: mp4`` too). Both are rendered while the document
is read, into ``<doctreedir>/convanim/`` (the build's cache, next to the pickled
environment), under names that hash the spec, the options and the drawing code; a file
that exists is not rendered again, so a rebuild, even a full one (``-E``), renders only
what changed, and ``make html latexpdf`` renders each animation once.

A bad option is an error: one line naming the document, the line and the problem in
the command line's words (``index.rst:12: ERROR: convanim :stride: stride[1] = 0 is not
valid: expected an integer >= 1``), and the build fails (exit status 1) even without
``-W``; the document is read again on every build until it is fixed.

For sphinx-gallery, :func:`scraper` (``"convanim"`` or ``"convanim.sphinxext.scraper"``
in ``image_scrapers``) puts every :class:`~convanim.Animation` an example makes into its
page and thumbnail.
"""

from __future__ import annotations

import os
import posixpath
import re
import textwrap
import urllib.parse
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.errors import ConfigError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import __version__
from .embed import (
    OPTION_NAMES,
    SPHINX,
    TABLE,
    Embed,
    EmbedError,
    cache_name,
    check_defaults,
    parse_embed,
    player_fragment,
    render_files,
)
from .errors import SpecError, shown

__all__ = ["ConvanimDirective", "cache_name", "scraper", "setup"]

logger = logging.getLogger(__name__)

_OPTIONS = OPTION_NAMES

# conf.py's site-wide defaults: every drawing and page option a whole site could share.
_SETTINGS = {
    name: f"convanim_{name.replace('-', '_')}"
    for name, entry in TABLE.items()
    if entry.group in ("draw", "page")
    # per animation only: its numbers, alt text, caption and label
    and entry.name not in ("x", "weight", "alt", "figure_caption", "target")
}


def _parse(options: dict[str, Any], defaults: dict[str, Any] | None = None) -> Embed:
    """The directive's options as an :class:`~convanim.embed.Embed` (one-line errors)."""
    return parse_embed(options, words=SPHINX, defaults=defaults)


def _typed(name: str):
    """The option's converter, generated from the table: the value as the table parses
    it. A bad value is kept as typed, for ``run`` to refuse in one line with its line
    number (docutils' own refusal quotes the whole directive over several lines)."""
    entry = TABLE.get(name)

    def convert(text: str | None) -> Any:
        text = text or ""
        if entry is None or entry.kind == "theme":  # a theme is kept by name
            return text
        try:
            return entry.parse(text)
        except SpecError:
            return text

    convert.__name__ = f"convanim_{name.replace('-', '_')}"
    convert.__doc__ = None if entry is None else entry.help
    return convert


_OptionError = EmbedError


class _BlockError(EmbedError):
    """One line about the directive's text (its content, an argument, an option given
    twice); ``offset`` is its line within the directive."""

    def __init__(self, option: str | None, message: str, offset: int | None = None) -> None:
        super().__init__(option, message)
        self.offset = offset


_FIELD = re.compile(r":((?:[^:\\]|\\.)+):(?:\s+(.*?))?\s*$")


def _read_options(block_text: str) -> dict[str, str]:
    """The directive's options from its text, refusing what docutils would only log.

    docutils drops a directive given content, an argument or one option twice, with an
    error the build survives; read here, each is the directive's own one-line error.
    """
    lines = block_text.splitlines()
    options: dict[str, str] = {}
    current: str | None = None
    indent = 0
    head = re.sub(r"^\s*\.\.\s+convanim\s*::", "", lines[0]) if lines else ""
    if head.strip():
        raise _BlockError(
            None,
            f"argument {shown(head.strip())} is not valid: expected none (everything is an "
            "option, like :input: 5)",
            0,
        )
    for offset, line in enumerate(lines[1:], start=1):
        if not line.strip():
            if options:  # a blank line ends the options: what follows is content
                rest = [later for later in lines[offset:] if later.strip()]
                if rest:
                    where = offset + next(i for i, t in enumerate(lines[offset:]) if t.strip())
                    raise _BlockError(
                        None,
                        f"content {shown(rest[0].strip())} is not valid: expected no content "
                        "(only options; write text outside the directive)",
                        where,
                    )
                break
            continue
        match = _FIELD.match(line.strip())
        depth = len(line) - len(line.lstrip())
        if match and (current is None or depth <= indent):
            current, indent = match.group(1), depth
            if current in options:
                raise _BlockError(
                    current,
                    f"option :{current}: is given twice: expected each option once",
                    offset,
                )
            value = match.group(2) or ""
            options[current] = value
        elif current is not None and depth > indent:
            # an indented continuation of the option above (a long :x: list)
            options[current] = f"{options[current]}\n{line.strip()}"
        else:
            kind = "argument" if not options else "content"
            raise _BlockError(
                None,
                f"{kind} {shown(line.strip())} is not valid: expected only options "
                "(like :input: 5)",
                offset,
            )
    return options


class _OptionSpec(dict):
    """The directive's options, each typed by the table; an unknown one is kept, to be
    refused in one line.

    It reads as empty to docutils (``bool`` is False), which then leaves the options
    in the directive's text: docutils drops a directive given content, an argument or
    one option twice with an error the build survives, so :func:`_read_options` reads
    them instead and makes each the directive's own one-line error.
    """

    def __missing__(self, name: str):
        return directives.unchanged

    def __bool__(self) -> bool:
        return False


class ConvanimVideo(nodes.image):
    """An MP4 the HTML builders show as ``<video>`` (an image, so Sphinx copies it)."""


def _visit_video(self, node: ConvanimVideo) -> None:
    source = posixpath.join(
        self.builder.imgpath, urllib.parse.quote(self.builder.images[node["uri"]])
    )
    attributes = {"src": source, "title": node["alt"], "aria-label": node["alt"]}
    if node.get("width"):
        attributes["style"] = f"width: {node['width']}; max-width: 100%"
    else:
        attributes["style"] = "max-width: 100%"
    flags = "autoplay muted playsinline controls" + (" loop" if node["loop"] else "")
    tag = self.starttag(node, "video", "", CLASS=" ".join(node["classes"]), **attributes)
    self.body.append(tag.replace("<video ", f"<video {flags} ", 1) + "</video>\n")
    raise nodes.SkipNode


class ConvanimDirective(SphinxDirective):
    """``.. convanim::``: one animation, rendered at build time and cached by spec."""

    # docutils would refuse content, an argument or a repeated option by logging an
    # error and dropping the directive (the build succeeds): everything is taken as
    # written and read by _read_options, which makes each the directive's own error.
    has_content = True
    required_arguments = 0
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = _OptionSpec({name: _typed(name) for name in OPTION_NAMES})

    def _option_line(self, option: str | None) -> int:
        """The absolute line of ``:option:`` in the directive, or the directive's own."""
        if option is not None:
            for offset, line in enumerate(self.block_text.splitlines()):
                if offset and line.strip().startswith(f":{option}:"):
                    return self.lineno + offset
        return self.lineno

    def _report(self, error: EmbedError) -> list[nodes.Node]:
        offset = getattr(error, "offset", None)
        line = self.lineno + offset if offset is not None else self._option_line(error.option)
        source, line = self.state_machine.get_source_and_line(line)
        logger.error("convanim %s", error, location=f"{source}:{line}")
        _failures(self.env).add(self.env.docname)
        return []

    def _uri(self, path: Path) -> str:
        document_folder = Path(self.env.doc2path(self.env.docname)).parent
        return Path(os.path.relpath(path, document_folder)).as_posix()

    def run(self) -> list[nodes.Node]:
        try:
            raw = _read_options(self.block_text)
            self.options = {
                name: self.option_spec[name](text or None) for name, text in raw.items()
            }
            embed = _parse(self.options, _defaults(self.config))
            animated, still = render_files(
                embed, Path(self.env.doctreedir) / "convanim", rendered=_rendered(embed)
            )
        except EmbedError as error:
            return self._report(error)
        names = {animated.name, *embed.still_names}
        _files(self.env).setdefault(self.env.docname, set()).update(names)

        shown = self._animated(embed, animated)
        # The stills' stem with "*": each builder takes the type it can show.
        fallback = self._image(nodes.image, embed, still.with_suffix(".*"))
        # Chosen per builder when it writes (one doctree serves html and latex builds).
        # EPUB readers play no video: an e-book gets the still of an MP4.
        plays = "html and not epub" if embed.format == "mp4" else "html"
        parts = [
            addnodes.only("", shown, expr=plays),
            addnodes.only("", fallback, expr=f"not ({plays})"),
        ]
        caption = embed.page.get("figure_caption")
        if caption is None:
            if "target" not in embed.page:
                return parts
            holder = nodes.container("", *parts, classes=["convanim-container"])
            self.options["name"] = embed.page["target"]
            self.add_name(holder)
            return [holder]
        figure = nodes.figure("", *parts, classes=["convanim-figure"])
        if "align" in embed.page:
            figure["align"] = embed.page["align"]
        text_nodes, messages = self.state.inline_text(caption, self.lineno)
        figure += nodes.caption(caption, "", *text_nodes)
        self.set_source_info(figure)
        if "target" in embed.page:
            self.options["name"] = embed.page["target"]
            self.add_name(figure)
        return [figure, *messages]

    def _image(self, kind: type[nodes.image], embed: Embed, path: Path) -> nodes.image:
        image = kind(self.block_text, uri=self._uri(path), alt=embed.alt, classes=embed.classes)
        if "display_width" in embed.page:
            image["width"] = embed.page["display_width"]
        if "align" in embed.page and "figure_caption" not in embed.page:
            image["align"] = embed.page["align"]
        self.set_source_info(image)
        return image

    def _animated(self, embed: Embed, path: Path) -> nodes.Node:
        """What an HTML page shows: the image, the video or the player."""
        if embed.format == "mp4":
            video = self._image(ConvanimVideo, embed, path)
            video["loop"] = embed.render.get("loop", 0) == 0
            return video
        if embed.format == "html":
            seen = self.env.temp_data.setdefault("convanim_players", {})
            fragment = player_fragment(embed, path, seen)
            style = (
                f' style="max-width: {embed.page["display_width"]}"'
                if "display_width" in embed.page
                else ""
            )
            align = embed.page.get("align")
            classes = " ".join([*embed.classes, *([f"align-{align}"] if align else [])])
            markup = f'<div class="{classes}"{style}>{fragment}</div>'
            return nodes.raw("", markup, format="html")
        image = self._image(nodes.image, embed, path)
        image["loading"] = "lazy"
        return image


def _rendered(embed: Embed):
    from .drawable import frame_count, selected_frames
    from .options import option

    # The style's frames (a scatter view's are stamps), as many as :frames: selects.
    frames = embed.render.get("frames")
    chosen = option("frames").check(frames) if frames is not None else None
    count = len(selected_frames(frame_count(embed.spec, embed.render.get("style", "")), chosen))

    def report(path: Path, seconds: float) -> None:
        logger.info(
            "convanim: rendered %s (%s, %d frames) in %.2f s",
            path.name,
            embed.spec.describe(),
            count,
            seconds,
        )

    return report


def _defaults(config) -> dict[str, Any]:
    """conf.py's ``convanim_*`` settings that are set, by option name."""
    given = {
        name: getattr(config, setting, None)
        for name, setting in _SETTINGS.items()
        if getattr(config, setting, None) is not None
    }
    return check_defaults(given, lambda name: _SETTINGS.get(name, name))


def _check_config(app, config) -> None:
    try:
        _defaults(config)
    except EmbedError as error:
        raise ConfigError(f"conf.py: {error}") from None


# -- failures and files: the build fails; a failed document is read again next time ---
def _failures(env) -> set[str]:
    if not hasattr(env, "convanim_failures"):
        env.convanim_failures = set()
    return env.convanim_failures


def _files(env) -> dict[str, set[str]]:
    """The cache files each document shows."""
    if not hasattr(env, "convanim_files"):
        env.convanim_files = {}
    return env.convanim_files


def _purge(app, env, docname: str) -> None:
    _failures(env).discard(docname)
    _files(env).pop(docname, None)


def _merge(app, env, docnames, other) -> None:
    _failures(env).update(_failures(other) & set(docnames))
    for docname in docnames:
        if docname in _files(other):
            _files(env)[docname] = _files(other)[docname]


def _outdated(app, env, added, changed, removed) -> list[str]:
    return sorted(_failures(env) - set(removed))


def _finished(app, exception) -> None:
    if exception is not None:
        return
    if _failures(app.env):
        app.statuscode = app.statuscode or 1
    # Forget renders no document shows any more (a spec edited, a directive removed).
    shown = set().union(*_files(app.env).values())
    for path in (Path(app.env.doctreedir) / "convanim").glob("convanim-*"):
        if path.name not in shown:
            path.unlink(missing_ok=True)


# -- sphinx-gallery ------------------------------------------------------------------
def scraper(block, block_vars: dict, gallery_conf: dict, **kwargs: Any) -> str:
    """A sphinx-gallery image scraper: every new :class:`~convanim.Animation` of a block.

    Register it in ``conf.py``, as plotly and pyvista register theirs::

        sphinx_gallery_conf = {
            ...,
            "image_scrapers": ("matplotlib", "convanim"),
            # the scraper shows the animation; do not also print its repr
            "ignore_repr_types": r"convanim\\.animation\\.Animation",
        }

    (``"convanim"`` resolves to this function through ``convanim._get_sg_image_scraper``,
    as ``"pyvista"`` does; ``"convanim.sphinxext.scraper"`` names it directly.)
    After each code block of an example, every Animation in the example's variables
    that was not shown yet (the block's last expression included) is saved as a GIF in
    the gallery's image folder; the first is the example's thumbnail by default.

    Returns
    -------
    str
        The reStructuredText sphinx-gallery puts under the block.
    """
    from sphinx_gallery.scrapers import figure_rst

    from .animation import Animation

    shown = block_vars.setdefault("convanim_shown", set())
    found: list[Animation] = []
    for value in block_vars["example_globals"].values():
        if isinstance(value, Animation) and id(value) not in shown and value not in found:
            found.append(value)
    paths, stills = [], []
    for animation, image_path in zip(found, block_vars["image_path_iterator"], strict=False):
        path = Path(image_path).with_suffix(".gif")
        animation.save(path, progress=False)
        # The vector still for builders that cannot show a GIF (LaTeX): the first frame.
        still = path.with_suffix(".pdf")
        animation.save(still, frame=0, progress=False)
        shown.add(id(animation))
        paths.append(str(path))
        stills.append(still)
    if not paths:
        return ""
    source = Path(gallery_conf["src_dir"])
    fallback = "".join(
        f"\n   .. image:: /{Path(os.path.relpath(still, source)).as_posix()}\n"
        f"      :class: sphx-glr-single-img\n"
        for still in stills
    )
    animated = textwrap.indent(figure_rst(paths, gallery_conf["src_dir"]), "   ")
    return f"\n.. only:: html\n\n{animated}\n\n.. only:: not html\n{fallback}\n"


def setup(app) -> dict[str, Any]:
    """Register the ``convanim`` directive (Sphinx calls this for ``extensions``)."""
    for setting in _SETTINGS.values():
        app.add_config_value(setting, None, "env")
    app.add_node(ConvanimVideo, html=(_visit_video, None))
    app.add_directive("convanim", ConvanimDirective)
    app.connect("config-inited", _check_config)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-outdated", _outdated)
    app.connect("build-finished", _finished)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
