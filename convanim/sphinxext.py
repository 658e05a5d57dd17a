"""A Sphinx extension: the ``convanim`` directive draws an animation into the docs.

Add ``"convanim.sphinxext"`` to ``extensions`` in ``conf.py``, then write::

    .. convanim::
       :input: 5
       :kernel: 3
       :stride: 2
       :padding: 1

The options are the command line's, spelt as options: ``:op:``, ``:input:``,
``:kernel:``, ``:stride:``, ``:padding:``, ``:dilation:``, ``:output-padding:``,
``:transposed:`` (a flag: ``--op conv_transpose``), ``:style:``, ``:duration:``,
``:loop:``, ``:dpi:``, ``:values:``, ``:seed:``, ``:labels:`` and ``:caption:`` (flags
but ``:seed:``), with per-axis values written ``5x7``. ``:input:`` and ``:kernel:`` are
required. Three have no command-line flag: ``:axes: 1`` makes plain numbers 1-D (they
are 2-D by default); ``:x:`` and ``:weight:`` give the numbers to print as nested lists
(``[[1, 2], [3, 4]]``), as a gallery manifest does. ``:alt:`` replaces the alt text, by
default the spec's description (``conv 5x5, k 3, s 2, p 1 -> 3x3``).

The GIF is rendered while the document is read, into ``<doctreedir>/convanim/`` (the
build's cache, next to the pickled environment), under a name that hashes the spec, the
options and the convanim version; Sphinx's image machinery then copies it into the
output's ``_images/``. A file that exists is not rendered again: a rebuild, even a full
one (``-E``), renders only animations whose spec or options changed. Deleting the
doctree folder (``make clean``) empties the cache.

A bad option is an error: one line naming the document, the line and the problem in
the command line's words (``index.rst:12: ERROR: convanim :stride: stride[1] = 0 is not
valid: expected an integer >= 1``), and the build fails (exit status 1) even without
``-W``; the document is read again on every build until it is fixed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import time
from importlib import resources
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import __version__
from .drawable import check_drawable, check_request
from .errors import SpecError
from .options import OPTIONS, DrawOptions
from .spec import Spec

__all__ = ["ConvanimDirective", "setup"]

logger = logging.getLogger(__name__)

# The directive's options: the table's (spec and drawing), plus three of its own.
_TABLE = {
    entry.directive: entry
    for entry in OPTIONS
    if entry.directive is not None and entry.group in ("spec", "draw")
}
_OWN = ("axes", "transposed", "alt")
_OPTIONS = (*_TABLE, *_OWN)

# The parameter a one-line SpecError names, and the option that sets it.
_OPTION_OF = {entry.name: name for name, entry in _TABLE.items()}


class _Unknown(str):
    """The value of an option the directive does not have (reported by ``run``)."""


class _OptionSpec(dict):
    """The directive's options; an unknown one is kept, to be refused in one line.

    docutils refuses an unknown option itself, with a multi-line message that quotes
    the whole directive; answering every name lets ``run`` say it in one line instead.
    """

    def __missing__(self, name: str):
        return _Unknown


class _OptionError(Exception):
    """One line about one option (``option`` None: about the directive as a whole)."""

    def __init__(self, option: str | None, message: str) -> None:
        super().__init__(message)
        self.option = option


def _fail(option: str, message: str) -> _OptionError:
    return _OptionError(option, f":{option}: {message}")


def _spec_error(error: SpecError) -> _OptionError:
    """A SpecError's one line, prefixed by the option it is about (as the CLI's flag)."""
    option = _OPTION_OF.get(getattr(error, "parameter", None) or "")
    return _OptionError(option, f":{option}: {error}" if option else str(error))


def _parse(options: dict[str, Any]) -> tuple[Spec, dict[str, Any], str | None]:
    """The directive's options as a spec, :func:`convanim.save` options and alt text."""
    unknown = sorted(name for name, value in options.items() if isinstance(value, _Unknown))
    if unknown:
        choices = ", ".join(f":{name}:" for name in _OPTIONS)
        raise _OptionError(
            unknown[0], f"option :{unknown[0]}: is not valid: expected one of {choices}"
        )
    for required in ("input", "kernel"):
        if required not in options:
            raise _OptionError(
                None,
                f"option :{required}: is missing: expected it in every convanim directive "
                f"(like :{required}: 5, or 5x7 per axis)",
            )
    if "transposed" in options and options["transposed"].strip():
        raise _fail(
            "transposed", f"{options['transposed']!r} is not valid: expected no value (a flag)"
        )
    parsed: dict[str, Any] = {}
    for name, entry in _TABLE.items():
        if name in options:
            try:
                parsed[entry.name] = entry.parse(options[name])
            except SpecError as error:
                raise _spec_error(error) from None
    spec_values = {
        entry.name: parsed.pop(entry.name)
        for entry in _TABLE.values()
        if entry.group == "spec" and entry.name in parsed
    }
    if "axes" in options:
        # The command line's plain integers make a 2-D spec; :axes: 1 makes them 1-D.
        axes = options["axes"].strip()
        if axes not in ("1", "2"):
            raise _fail("axes", f"axes = {axes!r} is not valid: expected 1 or 2 (axes to draw)")
        spec_values = {
            name: (value,) * int(axes) if isinstance(value, int) else value
            for name, value in spec_values.items()
        }
    op = spec_values.pop("op", "conv")
    if "transposed" in options:
        if op not in ("conv", "conv_transpose"):
            raise _fail("transposed", f"is not valid with :op: {op}: expected :op: conv")
        op = "conv_transpose"
    try:
        spec = Spec(op, **spec_values)
        check_drawable(spec)
        # Checked now, so a bad combination (or too much work: frames, time, picture,
        # numbers) names its option and line before anything is planned.
        check_request(spec, DrawOptions(**parsed), "gif")
    except SpecError as error:
        raise _spec_error(error) from None
    render = {
        name: value.tolist() if hasattr(value, "tolist") else value
        for name, value in parsed.items()
    }
    for name in ("theme", "frames"):  # as written: a slice is not JSON (the cache key)
        if name in render:
            render[name] = options[name].strip()
    alt = options.get("alt", "").strip() or None
    return spec, render, alt


@functools.lru_cache(maxsize=1)
def _drawing_code_fingerprint() -> str:
    """A hash of the modules whose code decides the pixels, so that a changed renderer
    (between releases too, in a checkout) never serves an old cached picture."""
    package = resources.files("convanim")
    digest = hashlib.sha256()
    for folder in (package, package / "layout", package / "render", package / "writers"):
        for item in sorted(folder.iterdir(), key=lambda entry: entry.name):
            if item.name.endswith(".py"):
                digest.update(item.name.encode())
                digest.update(item.read_bytes())
    return digest.hexdigest()[:16]


def cache_name(spec: Spec, render: dict[str, Any]) -> str:
    """The cache file name of ``spec`` drawn with ``render`` options.

    A hash of the spec, the options, the version and the drawing code's source.

    Parameters
    ----------
    spec : Spec
        What is drawn.
    render : dict
        The :func:`convanim.save` options the directive passes.

    Returns
    -------
    str
        ``convanim-<16 hex digits>.gif``.
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
        },
        "options": render,
    }
    text = json.dumps(key, sort_keys=True, separators=(",", ":"))
    return f"convanim-{hashlib.sha256(text.encode()).hexdigest()[:16]}.gif"


class ConvanimDirective(SphinxDirective):
    """``.. convanim::``: one animation, rendered at build time and cached by spec."""

    has_content = False
    required_arguments = 0
    optional_arguments = 0
    option_spec = _OptionSpec(dict.fromkeys(_OPTIONS, directives.unchanged))

    def _option_line(self, option: str | None) -> int:
        """The absolute line of ``:option:`` in the directive, or the directive's own."""
        if option is not None:
            for offset, line in enumerate(self.block_text.splitlines()):
                if offset and line.strip().startswith(f":{option}:"):
                    return self.lineno + offset
        return self.lineno

    def _report(self, error: _OptionError) -> list[nodes.Node]:
        source, line = self.state_machine.get_source_and_line(self._option_line(error.option))
        logger.error("convanim %s", error, location=f"{source}:{line}")
        _failures(self.env).add(self.env.docname)
        return []

    def run(self) -> list[nodes.Node]:
        try:
            spec, render, alt = _parse(self.options)
        except _OptionError as error:
            return self._report(error)

        folder = Path(self.env.doctreedir) / "convanim"
        target = folder / cache_name(spec, render)
        if not target.exists():
            from .api import save

            folder.mkdir(parents=True, exist_ok=True)
            start = time.perf_counter()
            try:
                save(spec, target, **render, format="gif", progress=False)
            except ValueError as error:  # SpecError, or a writer's one-line ValueError
                return self._report(_spec_error(error))
            logger.info(
                "convanim: rendered %s (%s, %d frames) in %.2f s",
                target.name,
                spec.describe(),
                spec.num_frames,
                time.perf_counter() - start,
            )

        document_folder = Path(self.env.doc2path(self.env.docname)).parent
        uri = Path(os.path.relpath(target, document_folder)).as_posix()
        image = nodes.image(
            self.block_text,
            uri=uri,
            alt=alt or spec.describe(),
            loading="lazy",
            classes=["convanim"],
        )
        self.set_source_info(image)
        return [image]


# -- failures: the build fails, and a failed document is read again next time ----------
def _failures(env) -> set[str]:
    if not hasattr(env, "convanim_failures"):
        env.convanim_failures = set()
    return env.convanim_failures


def _purge(app, env, docname: str) -> None:
    _failures(env).discard(docname)


def _merge(app, env, docnames, other) -> None:
    _failures(env).update(_failures(other) & set(docnames))


def _outdated(app, env, added, changed, removed) -> list[str]:
    return sorted(_failures(env) - set(removed))


def _finished(app, exception) -> None:
    if exception is not None:
        return
    if _failures(app.env):
        app.statuscode = app.statuscode or 1
    # Forget renders no document shows any more (a spec edited, a directive removed).
    shown = {Path(path).name for path in app.env.images}
    for path in (Path(app.env.doctreedir) / "convanim").glob("convanim-*.gif"):
        if path.name not in shown:
            path.unlink(missing_ok=True)


def setup(app) -> dict[str, Any]:
    """Register the ``convanim`` directive (Sphinx calls this for ``extensions``)."""
    app.add_directive("convanim", ConvanimDirective)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-outdated", _outdated)
    app.connect("build-finished", _finished)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
