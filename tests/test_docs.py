"""The documentation tools, run for real: Animation, the Sphinx directive, the docs, the notebook.

Sphinx builds run as subprocesses (``python -m sphinx``), the notebook in a real kernel
through nbclient. The full documentation build is marked ``docs`` so that it can be
deselected (``-m "not docs"``); it runs by default.
"""

from __future__ import annotations

import base64
import contextlib
import doctest
import html
import io
import re
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from test_tikz import _tools

import convanim
from convanim import Spec, SpecError, animate
from convanim import animation as animation_module
from convanim.gallery import load_manifest
from convanim.sphinxext import _OPTIONS as DIRECTIVE_OPTIONS

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
NOTEBOOK = ROOT / "examples" / "convanim_tour.ipynb"
DATA_URI = re.compile(r'src="data:image/gif;base64,([A-Za-z0-9+/=]+)"')


# -- helpers ---------------------------------------------------------------------------
class _Images(HTMLParser):
    """Every <img> of a page, as a dict of its attributes (entities decoded)."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append({name: value or "" for name, value in attrs})


def images(page: Path) -> list[dict[str, str]]:
    parser = _Images()
    parser.feed(page.read_text(encoding="utf-8"))
    return [image for image in parser.images if "convanim" in image.get("class", "").split()]


def gif_frames(data: bytes) -> int:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "GIF"
        return image.n_frames


def embedded_gif(markup: str) -> bytes:
    match = DATA_URI.search(markup)
    assert match, markup[:200]
    return base64.b64decode(match.group(1), validate=True)


def sphinx(src: Path, out: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """``sphinx-build`` (html unless ``options`` give ``-b``) of ``src`` into ``out``."""
    builder = () if "-b" in options else ("-b", "html")
    # --no-color: Sphinx colours its messages when it thinks it runs in CI (CI=true).
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "--no-color", *builder, *options, str(src), str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def docs_tools(*modules: str, mkdocs_plugin: bool = False) -> None:
    """Fail (in CI, which installs the docs extra) or skip unless the docs tools are here:
    ``modules`` importable, and the convanim MkDocs plugin registered (an installed
    package's entry point: ``pip install '.[docs]'``, or ``-e .`` for a checkout)."""
    import importlib.util
    import os
    from importlib.metadata import entry_points

    missing = [module for module in modules if importlib.util.find_spec(module) is None]
    if mkdocs_plugin and not entry_points(group="mkdocs.plugins", name="convanim"):
        missing.append("the convanim mkdocs.plugins entry point")
    if missing:
        message = f"{', '.join(missing)} not installed (pip install '.[docs]')"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs the docs extra: never a silent skip there
        pytest.skip(message)


def pdflatex(tex: Path, runs: int = 1) -> None:
    """Compile a LaTeX builder's ``.tex`` in its folder (``runs`` times: references)."""
    _tools()
    for _ in range(runs):
        compiled = subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name],
            cwd=tex.parent,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=600,
        )
        assert compiled.returncode == 0, compiled.stdout[-3000:]


def project(root: Path, pages: dict[str, str]) -> Path:
    """A tiny Sphinx project using only the convanim extension."""
    src = root / "src"
    src.mkdir(parents=True)
    (src / "conf.py").write_text('extensions = ["convanim.sphinxext"]\n', encoding="utf-8")
    for name, text in pages.items():
        (src / f"{name}.rst").write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return src


def rendered(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The 'convanim: rendered ...' lines of a build: one per GIF actually drawn."""
    return [line for line in result.stdout.splitlines() if line.startswith("convanim: rendered")]


def cache(out: Path) -> dict[str, int]:
    """The directive's render cache: file name -> mtime in ns."""
    return {
        path.name: path.stat().st_mtime_ns for path in (out / ".doctrees" / "convanim").iterdir()
    }


# The specs of the test project, as (alt text, frames).
SMALL = """
Animations
==========

.. convanim::
   :input: 5
   :kernel: 3
   :stride: 2
   :padding: 1

.. convanim::
   :input: 2
   :kernel: 3
   :transposed:
   :alt: a transposed convolution: 2x2 up to 4x4

.. convanim::
   :axes: 1
   :input: 8
   :kernel: 3
   :stride: 2
   :padding: 1

.. convanim::
   :op: max_pool
   :input: 5
   :kernel: 3
   :stride: 2
   :style: flat
   :values:
   :duration: 200
"""
SMALL_EXPECTED = [
    (Spec("conv", 5, 3, stride=2, padding=1).describe(), 9),
    ("a transposed convolution: 2x2 up to 4x4", 16),
    (Spec("conv", (8,), (3,), stride=(2,), padding=(1,)).describe(), 4),
    (Spec("max_pool", 5, 3, stride=2).describe(), 4),
]


# -- Animation -------------------------------------------------------------------------
def test_animation_is_lazy_and_counts_its_frames() -> None:
    spec = Spec("conv", 5, 3, stride=2, padding=1)
    anim = animate(spec, duration=500)
    assert isinstance(anim, convanim.Animation)
    assert anim.spec == spec and anim.plan.spec == spec
    assert len(anim) == len(anim.plan) == spec.num_frames == 9
    assert anim._scene is None  # nothing drawn yet
    frames = list(anim.frames())
    assert len(frames) == len(anim)
    width, height = anim.size
    assert all(frame.shape == (height, width, 3) and frame.dtype == np.uint8 for frame in frames)
    assert np.array_equal(anim.frame(4), frames[4])
    assert repr(anim) == (
        "<Animation conv 5x5, k 3, s 2, p 1 -> 3x3: 9 frames, style 'tutorial', 500 ms per frame>"
    )


def test_animate_takes_a_plan() -> None:
    the_plan = convanim.plan(Spec("conv", 4, 3))
    anim = animate(the_plan)
    assert anim.plan is the_plan and len(anim) == 4


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"style": "fancy"},
            "style = 'fancy' is not valid: expected one of 'tutorial', 'flat', 'matrix', "
            "'scatter', 'overlap', 'scatter_gather'",
        ),
        ({"duration": 0}, "duration = 0 is not valid: expected an integer between 1 and 655350"),
        ({"loop": -1}, "loop = -1 is not valid: expected an integer between 0 and 65535"),
        ({"dpi": 5}, "dpi = 5 is not valid: expected a number between 10 and 1200"),
        (
            {"values": True, "seed": -1},
            "seed = -1 is not valid: expected an integer between 0 and 4294967295",
        ),
        ({"x": np.zeros((2, 2))}, "x.shape = (2, 2) is not valid: expected (5, 5)"),
    ],
)
def test_animate_checks_options_at_once(options: dict, message: str) -> None:
    with pytest.raises(SpecError) as caught:
        animate(Spec("conv", 5, 3), **options)
    assert str(caught.value) == message


def test_animate_refuses_what_cannot_be_drawn() -> None:
    with pytest.raises(SpecError, match=r"^input_size = \(5, 5, 5\) is not valid for drawing"):
        animate(Spec("conv", (5, 5, 5), 3))
    with pytest.raises(TypeError):
        animate("conv 5x5")


def test_animation_saves_by_extension(tmp_path: Path) -> None:
    anim = animate(Spec("conv", 5, 3, stride=2, padding=1), duration=500)
    gif = anim.save(tmp_path / "anim.gif")
    assert gif == tmp_path / "anim.gif"
    with Image.open(gif) as image:
        assert image.format == "GIF" and image.n_frames == len(anim)
        assert image.size == anim.size
        assert image.info["duration"] == 500
    with Image.open(anim.save(tmp_path / "anim-fast.gif", duration=200)) as image:
        assert image.info["duration"] == 200  # an override, for this file only
    with Image.open(anim.save(tmp_path / "still.png", frame=4)) as image:
        assert image.format == "PNG" and image.size == anim.size
    with pytest.raises(
        ValueError, match=r"^output extension \.xyz of .* is not valid: expected one of "
    ):
        anim.save(tmp_path / "anim.xyz")


def test_repr_html_embeds_the_gif() -> None:
    anim = animate(Spec("conv", 5, 3, stride=2, padding=1))
    markup = anim._repr_html_()
    assert markup.startswith('<img src="data:image/gif;base64,')
    assert gif_frames(embedded_gif(markup)) == len(anim)
    parser = _Images()
    parser.feed(markup)
    (image,) = parser.images
    assert image["alt"] == "conv 5x5, k 3, s 2, p 1 -> 3x3" == anim.spec.describe()
    assert (int(image["width"]), int(image["height"])) == anim.size
    assert anim._repr_html_() == markup  # encoded once, then reused

    bundle = anim._repr_mimebundle_()
    assert bundle["text/html"] == markup and bundle["text/plain"] == repr(anim)
    assert "text/html" not in anim._repr_mimebundle_(include=["text/plain"])
    assert "text/html" not in anim._repr_mimebundle_(exclude=["text/html"])


def test_repr_html_of_a_flat_animation_with_numbers() -> None:
    anim = animate(Spec("max_pool", 5, 3, stride=2), style="flat", values=True, labels=True)
    assert gif_frames(embedded_gif(anim.to_html())) == len(anim) == 4


def test_too_large_to_embed_is_refused_before_drawing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(animation_module, "embed_limit", 1000)
    anim = animate(Spec("conv", 5, 3, stride=2, padding=1))
    markup = anim._repr_html_()
    assert "<img" not in markup and "base64" not in markup
    assert "too large to show in the notebook" in markup
    assert "estimated from its first 6 frames" in markup
    assert "the embed limit is 1.0 kB" in markup
    assert anim._gif_size is None  # refused on the estimate: nothing was encoded


def test_too_large_to_embed_after_encoding() -> None:
    anim = animate(Spec("conv", 5, 3, stride=2, padding=1))
    estimate = anim._estimated_embed_bytes()
    anim.embed_limit = estimate + 1  # the estimate passes; the real GIF is larger
    markup = anim._repr_html_()
    assert "<img" not in markup and "too large to show in the notebook" in markup
    assert anim._gif_size is not None and 4 * -(-anim._gif_size // 3) > anim.embed_limit
    embedded = 4 * -(-anim._gif_size // 3)  # base64 length
    assert f"is {embedded / 1e3:.1f} kB as an embedded GIF" in html.unescape(markup)
    anim.embed_limit = None  # back to the module's 10 MB
    assert gif_frames(embedded_gif(anim._repr_html_())) == len(anim)


def test_the_estimate_is_a_lower_bound() -> None:
    # The estimate refuses without drawing, so it must never exceed the real size.
    for spec in (
        Spec("conv", 4, 3),
        Spec("conv", (8,), (3,), stride=(2,)),
        Spec("conv", 7, 3, dilation=2).transpose(),
        Spec("conv", (4, 12), (3, 3)),
    ):
        anim = animate(spec)
        anim._repr_html_()
        assert anim._estimated_embed_bytes() <= 4 * -(-anim._gif_size // 3), spec


# -- the Sphinx directive --------------------------------------------------------------
def test_directive_embeds_animations(tmp_path: Path) -> None:
    src = project(tmp_path, {"index": SMALL})
    out = tmp_path / "out"
    result = sphinx(src, out, "-W")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    found = images(out / "index.html")
    assert [image["alt"] for image in found] == [alt for alt, _ in SMALL_EXPECTED]
    for image, (_, frames) in zip(found, SMALL_EXPECTED, strict=True):
        assert image["src"].startswith("_images/convanim-") and image["src"].endswith(".gif")
        data = (out / image["src"]).read_bytes()
        assert gif_frames(data) == frames
        assert data == (out / ".doctrees" / "convanim" / Path(image["src"]).name).read_bytes()
    with Image.open(out / found[3]["src"]) as image:
        assert image.info["duration"] == 200
    # Each animation and its PDF and SVG stills (for non-HTML builders); HTML copies only
    # the GIF.
    assert len(rendered(result)) == 12
    assert sorted(path.suffix for path in (out / "_images").iterdir()) == [".gif"] * 4


def test_directive_caches_renders(tmp_path: Path) -> None:
    src = project(tmp_path, {"index": SMALL})
    out = tmp_path / "out"
    first = sphinx(src, out, "-W")
    assert first.returncode == 0, first.stderr
    assert len(rendered(first)) == 12  # the GIFs and their PDF and SVG stills
    before = cache(out)
    assert len(before) == 12

    # Nothing changed; then every document read again (-E): the directive runs, finds
    # every file and renders nothing.
    for options in (("-W",), ("-W", "-E")):
        again = sphinx(src, out, *options)
        assert again.returncode == 0, again.stderr
        assert rendered(again) == []
        assert cache(out) == before
        assert [image["alt"] for image in images(out / "index.html")] == [
            alt for alt, _ in SMALL_EXPECTED
        ]

    # One spec edited: that one is rendered, the file it replaces is dropped.
    index = src / "index.rst"
    index.write_text(index.read_text().replace(":padding: 1\n\n", ":padding: 0\n\n", 1))
    edited = sphinx(src, out, "-W")
    assert edited.returncode == 0, edited.stderr
    assert len(rendered(edited)) == 3
    after = cache(out)
    assert len(after) == 12 and len(set(after) & set(before)) == 9
    assert images(out / "index.html")[0]["alt"] == "conv 5x5, k 3, s 2 -> 2x2"


BAD = {
    "stride": (
        """
        Stride
        ======

        .. convanim::
           :input: 5
           :kernel: 3
           :stride: 1x0
        """,
        7,
        ":stride: stride[1] = 0 is not valid: expected an integer >= 1",
    ),
    "size": (
        """
        Size
        ====

        Some text.

        .. convanim::
           :input: 5y
           :kernel: 3
        """,
        7,
        ":input: input_size = '5y' is not valid: expected an integer or one per axis like 5x7",
    ),
    "unknown": (
        """
        Unknown
        =======

        .. convanim::
           :input: 5
           :kernel: 3
           :strid: 2
        """,
        7,
        # every option of the table, then the directive's own
        "option :strid: is not valid: expected one of "
        + ", ".join(f":{name}:" for name in DIRECTIVE_OPTIONS),
    ),
    "style": (
        """
        Style
        =====

        .. convanim::
           :input: 5
           :kernel: 3
           :style: fancy
        """,
        7,
        ":style: style = 'fancy' is not valid: expected one of 'tutorial', 'flat', 'matrix', "
        "'scatter', 'overlap', 'scatter_gather'",
    ),
    "missing": (
        """
        Missing
        =======

        .. convanim::
           :input: 5
        """,
        4,
        "option :kernel: is missing: expected it in every convanim directive "
        "(like :kernel: 5, or 5x7 per axis)",
    ),
    "kernel": (
        """
        Kernel
        ======

        .. convanim::
           :op: max_pool
           :input: 5
           :kernel: 3
           :padding: 2
        """,
        8,
        ":padding: padding = 2 is not valid: expected an integer between 0 and 1 (at most "
        "half the kernel size 3, as PyTorch requires for max_pool)",
    ),
}


def test_bad_option_fails_the_build_in_one_line(tmp_path: Path) -> None:
    pages = {name: text for name, (text, _, _) in BAD.items()}
    pages["index"] = "Index\n=====\n\n.. toctree::\n\n" + "".join(f"   {name}\n" for name in BAD)
    src = project(tmp_path, pages)
    expected = sorted(
        f"{src / name}.rst:{line}: ERROR: convanim {message}"
        for name, (_, line, message) in BAD.items()
    )
    for options in ((), ("-W",)):
        out = tmp_path / f"out{''.join(options)}"
        result = sphinx(src, out, *options)
        assert result.returncode == 1
        # One line per bad directive, and nothing else.
        assert sorted(result.stderr.splitlines()) == expected
        assert list((out / ".doctrees").glob("convanim/*")) == []  # nothing rendered
    # Still broken on the next build, which reads those documents again.
    again = sphinx(src, tmp_path / "out")
    assert again.returncode == 1 and sorted(again.stderr.splitlines()) == expected


def test_directive_and_cli_give_the_same_message() -> None:
    from convanim import cli

    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        assert cli.main(["info", "-i", "5", "-k", "3", "-s", "1x0"]) == 2
    assert stderr.getvalue() == (
        "convanim: error: --stride: stride[1] = 0 is not valid: expected an integer >= 1\n"
    )
    assert BAD["stride"][2] == ":stride: stride[1] = 0 is not valid: expected an integer >= 1"


# -- the documentation -----------------------------------------------------------------
@pytest.mark.docs
def test_docs_build_without_warnings(tmp_path: Path) -> None:
    docs_tools("sphinx_gallery", "numpydoc")
    out = tmp_path / "html"
    result = sphinx(DOCS, out, "-W", "-d", str(tmp_path / "doctrees"))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    entries, _ = load_manifest()
    found = images(out / "gallery.html")
    assert [image["alt"] for image in found] == [entry.spec.describe() for entry in entries]
    by_name = {entry.name: entry for entry in entries}
    for name in ("padding_strides", "conv1d_strides", "matrix_no_padding_no_strides"):
        index = list(by_name).index(name)
        data = (out / found[index]["src"]).read_bytes()
        assert gif_frames(data) == by_name[name].spec.num_frames
    for page in ("index", "quickstart", "cli", "api", "arithmetic", "sphinx", "latex"):
        assert (out / f"{page}.html").is_file()
    for page in ("sphinx_gallery", "mkdocs", "markdown", "auto_examples/index"):
        assert (out / f"{page}.html").is_file()
    # The Sphinx page shows a numbered figure and the player; the sphinx-gallery
    # examples show the animations their scripts make.
    sphinx_page = (out / "sphinx.html").read_text(encoding="utf-8")
    assert '<span class="caption-number">Fig. 1 </span>' in sphinx_page
    assert "data-convanim-player" in sphinx_page
    example = (out / "auto_examples" / "plot_transposed_with_numbers.html").read_text("utf-8")
    assert example.count('src="../_images/sphx_glr_plot_transposed_with_numbers_0') == 2

    # The same doctrees, built as LaTeX (make html latexpdf) and compiled by pdflatex:
    # every animation is a vector still there, the gallery's included.
    _tools()
    latex = tmp_path / "latex"
    result = sphinx(DOCS, latex, "-W", "-b", "latex", "-d", str(tmp_path / "doctrees"))
    assert result.returncode == 0, result.stderr
    tex = (latex / "convanim.tex").read_text(encoding="utf-8")
    graphics = re.findall(r"\\sphinxincludegraphics(?:\[[^]]*\])?\{\{([^}]*)\}(\.[a-z]+)\}", tex)
    assert len(graphics) >= len(entries) + 3
    assert {suffix for _, suffix in graphics} == {".pdf"}
    pdflatex(latex / "convanim.tex")
    assert (latex / "convanim.pdf").read_bytes().startswith(b"%PDF")
    api = (out / "api.html").read_text(encoding="utf-8")
    for name in ("convanim.Spec", "convanim.plan", "convanim.animate", "convanim.Animation"):
        assert f'id="{name}"' in api
    assert "usage: convanim render" in (out / "cli.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", ["quickstart.rst", "arithmetic.rst"])
def test_docs_examples_run(page: str) -> None:
    failed, attempted = doctest.testfile(
        str(DOCS / page),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        verbose=False,
    )
    assert attempted > 0 and failed == 0


# -- the example notebook --------------------------------------------------------------
def test_notebook_is_committed_without_outputs() -> None:
    nbformat = pytest.importorskip("nbformat")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.id


def test_notebook_runs_and_shows_animations(tmp_path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=300,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    cells = {cell.id: cell for cell in notebook.cells}
    for cell in cells.values():
        for output in cell.get("outputs", []):
            assert output.output_type != "error", (cell.id, output.get("evalue"))

    def result(cell_id: str) -> dict:
        (output,) = [o for o in cells[cell_id].outputs if o.output_type == "execute_result"]
        return output.data

    for cell_id, frames in (
        ("animate-conv", 9),
        ("animate-transposed", 25),
        ("animate-matrix", 4),
        ("animate-numbers", 4),
    ):
        data = result(cell_id)
        assert "data:image/gif;base64," in data["text/html"]
        assert gif_frames(embedded_gif(data["text/html"])) == frames
        assert data["text/plain"].startswith("<Animation ")
    assert result("matrix")["text/plain"] == "True"
    assert result("plan")["text/plain"] == "(9, [[0, 0], [0, 2], [0, 4], [2, 0]])"
    printed = "".join(o.text for o in cells["save"].outputs if o.output_type == "stream")
    assert [line.split()[0] for line in printed.splitlines()] == [
        "padding_strides.gif",
        "padding_strides.webp",
        "frame_4.png",
    ]
