"""Sphinx configuration for convanim's documentation.

Build with ``sphinx-build -W -b html docs docs/_build/html``. Pages that show what the
code does are generated while the build starts, into ``docs/_generated/`` (ignored by
git): the command line's ``--help``, the writers registry and the gallery, whose
animations the ``convanim`` directive renders (and caches) during the build.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Document the checkout these pages belong to, installed or not.
sys.path.insert(0, str(HERE.parent))

import convanim  # noqa: E402

project = "convanim"
author = "convanim developers"
copyright = "2026, convanim developers"
release = version = convanim.__version__

extensions = [
    "sphinx.ext.autodoc",
    "numpydoc",
    "convanim.sphinxext",
    "sphinx_gallery.gen_gallery",
]
exclude_patterns = ["_build", "_generated", "mkdocs"]
numfig = True
# pdflatex (make latexpdf): the one character of these pages TeX has no glyph for, and
# the arithmetic page's matrices, wider than amsmath's default 10 columns.
latex_elements = {
    "preamble": r"\DeclareUnicodeCharacter{1D40}{\ensuremath{^{\mathsf{T}}}}"
    "\n"
    r"\setcounter{MaxMatrixCols}{32}"
}

# sphinx-gallery runs the scripts of gallery_examples/ and shows the animations they
# make through convanim's scraper ("convanim" resolves to convanim.sphinxext.scraper).
sphinx_gallery_conf = {
    "examples_dirs": "gallery_examples",
    "gallery_dirs": "auto_examples",
    "image_scrapers": ("convanim",),
    "ignore_repr_types": r"convanim\.animation\.Animation",
    "download_all_examples": False,
    "show_memory": False,
}
html_theme = "alabaster"
html_theme_options = {
    "description": "Animate convolution arithmetic",
    "fixed_sidebar": True,
}
html_title = f"convanim {release}"

autodoc_member_order = "bysource"
autodoc_typehints = "none"  # types are in the numpydoc sections
# Defaults are shown by value: the drawing options are a signature generated from the
# options table, which has no source text for autodoc to preserve.
autodoc_preserve_defaults = False
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

GENERATED = HERE / "_generated"


def _write(name: str, text: str) -> None:
    """Write a generated file only when its text changed, so Sphinx rereads only then."""
    path = GENERATED / name
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _run_cli(*argv: str) -> str:
    """What ``convanim *argv`` prints, at a fixed width."""
    from convanim import cli

    buffer = io.StringIO()
    columns = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "88"
    try:
        with contextlib.redirect_stdout(buffer), contextlib.suppress(SystemExit):
            cli.main(list(argv))
    finally:
        if columns is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = columns
    return buffer.getvalue()


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return json.dumps(value)
    return str(value)


def _plain(value: object) -> object:
    """Nested tuples (or arrays) of floats as nested lists, integral numbers as ints."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _directive(entry) -> list[str]:
    """The ``convanim`` directive that draws a gallery entry."""
    from convanim.values import TUTORIAL_SEED

    spec = entry.spec

    def size(values: tuple[int, ...]) -> str:
        if spec.ndim == 2 and len(set(values)) == 1:
            return str(values[0])
        return "x".join(map(str, values))

    lines = [".. convanim::"]
    if spec.op != "conv":
        lines.append(f"   :op: {spec.op}")
    if spec.ndim == 1:
        lines.append("   :axes: 1")
    lines += [f"   :input: {size(spec.input_size)}", f"   :kernel: {size(spec.kernel_size)}"]
    # Pooling's stride defaults to its kernel (as PyTorch's does): say it when it is not.
    stride_default = spec.kernel_size if spec.is_pool else (1,) * spec.ndim
    if spec.stride != stride_default:
        lines.append(f"   :stride: {size(spec.stride)}")
    for option, name, default in (
        ("padding", "padding", 0),
        ("dilation", "dilation", 1),
        ("output-padding", "output_padding", 0),
    ):
        values = getattr(spec, name)
        if any(value != default for value in values):
            lines.append(f"   :{option}: {size(values)}")
    if entry.style != "tutorial":
        lines.append(f"   :style: {entry.style}")
    if entry.theme.name != "tutorial":
        lines.append(f"   :theme: {entry.theme.name}")
    if entry.duration != 1000:
        lines.append(f"   :duration: {entry.duration}")
    if entry.loop != 0:
        lines.append(f"   :loop: {entry.loop}")
    from convanim.options import option

    for flag in ("values", "labels", "caption"):
        if getattr(entry, flag):
            lines.append(f"   :{option(flag).directive}:")  # caption: :arithmetic:
    if entry.seed != TUTORIAL_SEED:
        lines.append(f"   :seed: {entry.seed}")
    for name in ("x", "weight"):
        if getattr(entry, name) is not None:
            lines.append(f"   :{name}: {json.dumps(_plain(getattr(entry, name)))}")
    return lines


def _gallery() -> str:
    from convanim.gallery import load_manifest

    entries, _ = load_manifest()
    lines: list[str] = []
    for entry in entries:
        spec = entry.spec
        arithmetic = spec.output_arithmetic()
        if len(set(arithmetic)) == 1:
            per_axis = " per axis" if spec.ndim > 1 else ""
            sizes = f"``{arithmetic[0]}``{per_axis}"
        else:
            sizes = "; ".join(f"axis {axis}: ``{text}``" for axis, text in enumerate(arithmetic))
        description = entry.description or spec.describe()
        description = description[0].upper() + description[1:]
        lines += [
            f".. _gallery-{entry.name}:",
            "",
            entry.name,
            "-" * len(entry.name),
            "",
            f"{description}. ``{spec.describe()}``: output size {sizes}; {spec.num_frames} frames.",
            "",
            *_directive(entry),
            "",
            ".. code-block:: toml",
            "",
            "   [[animation]]",
            *(f"   {key} = {_toml(value)}" for key, value in entry.source.items()),
            "",
        ]
    return "\n".join(lines)


def _writers() -> str:
    from convanim.writers import writers

    lines = [
        ".. list-table::",
        "   :header-rows: 1",
        "   :widths: 12 22 10 56",
        "",
        "   * - name",
        "     - extensions",
        "     - animated",
        "     - description",
    ]
    for name, writer in sorted(writers().items()):
        extensions = ", ".join(f"``{ext}``" for ext in writer.extensions) or "(a folder)"
        lines += [
            f"   * - ``{name}``",
            f"     - {extensions}",
            f"     - {'yes' if writer.animated else 'no (a still)'}",
            f"     - {writer.description}",
        ]
    return "\n".join(lines) + "\n"


def _directive_options() -> str:
    """The directive's options, from the options table (the MkDocs block's too)."""
    from convanim.embed import OPTION_NAMES, TABLE

    own = {
        "axes": "``1`` makes plain numbers one axis (a 1-D spec); by default they are 2-D",
        "transposed": "a flag: the op is ``conv_transpose`` (``:input:`` is its own input)",
    }
    lines = [
        ".. list-table::",
        "   :header-rows: 1",
        "   :widths: 22 12 66",
        "",
        "   * - option",
        "     - of the",
        "     - meaning",
    ]
    for name in OPTION_NAMES:
        entry = TABLE.get(name)
        if entry is None:
            group, meaning = "spec", own[name]
        else:
            group = {"spec": "spec", "draw": "drawing", "page": "page"}[entry.group]
            meaning = entry.help
            if entry.kind == "flag":
                meaning += " (a flag)"
            elif entry.kind == "choice":
                meaning += ": " + ", ".join(f"``{choice}``" for choice in entry.choices)
            if entry.required:
                meaning += " (required)"
        lines += [f"   * - ``:{name}:``", f"     - {group}", f"     - {meaning}"]
    return "\n".join(lines) + "\n"


def generate(app) -> None:
    """Write the generated pieces the pages include (``builder-inited``)."""
    GENERATED.mkdir(exist_ok=True)
    for command in ("", "render", "info", "gallery"):
        argv = [command, "--help"] if command else ["--help"]
        _write(f"help-{command or 'convanim'}.txt", _run_cli(*argv))
    example = ("info", "-i", "6", "-k", "3", "-s", "2", "-p", "1", "--transposed")
    _write("info-example.txt", "$ convanim " + " ".join(example) + "\n" + _run_cli(*example))
    _write("writers.inc", _writers())
    _write("directive-options.inc", _directive_options())
    _write("gallery.inc", _gallery())


def setup(app) -> None:
    app.connect("builder-inited", generate)
