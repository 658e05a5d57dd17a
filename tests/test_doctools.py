"""Docs tools, built for real: the directive's page options and formats, Sphinx's LaTeX
builder compiled with pdflatex, sphinx-gallery, MkDocs and the Markdown snippet."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from similarity import compare
from test_docs import docs_tools, images, pdflatex, project, sphinx
from test_tikz import _tools, aligned
from test_writers import pillow_frames

from convanim import Spec
from convanim.render import scene

ROOT = Path(__file__).resolve().parents[1]

FIGURES = """
Figures
=======

See :numref:`fig-strides` for the strides.

.. convanim::
   :input: 5
   :kernel: 3
   :stride: 2
   :padding: 1
   :width: 60%
   :align: center
   :class: wide shadow
   :caption: Padding 1 and *stride 2*.
   :name: fig-strides
   :still-frame: 4

.. convanim::
   :input: 4
   :kernel: 3
   :format: mp4
   :alt: a video

.. convanim::
   :input: 4
   :kernel: 3
   :format: webp

.. convanim::
   :input: 4
   :kernel: 3
   :format: html
   :width: 400px

.. convanim::
   :input: 4
   :kernel: 3
   :format: html
"""


class _Tags(HTMLParser):
    """Every start tag of a page: (tag, attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def tags(page: Path, name: str) -> list[dict[str, str]]:
    parser = _Tags()
    parser.feed(page.read_text(encoding="utf-8"))
    return [attributes for tag, attributes in parser.tags if tag == name]


def figures(root: Path, *settings: str) -> Path:
    """The FIGURES page in a project "figures" with numbered figures and ``settings``."""
    src = project(root, {"index": FIGURES})
    conf = ['project = "figures"', 'extensions = ["convanim.sphinxext"]', "numfig = True"]
    (src / "conf.py").write_text("\n".join([*conf, *settings]) + "\n", encoding="utf-8")
    return src


def test_html_builder_shows_each_format_in_a_numbered_figure(tmp_path: Path) -> None:
    src = figures(tmp_path)
    out = tmp_path / "html"
    result = sphinx(src, out, "-W")
    assert result.returncode == 0, result.stderr
    page = out / "index.html"
    text = page.read_text(encoding="utf-8")

    (figure,) = [tag for tag in tags(page, "figure") if "convanim-figure" in tag["class"]]
    assert figure["id"] == "fig-strides" and "align-center" in figure["class"]
    assert '<span class="caption-number">Fig. 1 </span>' in text
    assert "<em>stride 2</em>" in text  # the caption is inline markup
    assert 'href="#fig-strides"><span class="std std-numref">Fig. 1</span>' in text

    gif, webp = images(page)
    assert gif["class"].split() == ["convanim", "wide", "shadow"]
    assert gif["style"] == "width: 60%;" and gif["src"].endswith(".gif")
    with Image.open(out / gif["src"]) as image:
        assert image.n_frames == 9
    with Image.open(out / webp["src"]) as image:
        assert image.format == "WEBP" and image.n_frames == 4

    (video,) = tags(page, "video")
    assert video["src"].startswith("_images/") and video["src"].endswith(".mp4")
    assert {"autoplay", "muted", "loop", "playsinline"} <= set(video)
    assert video["title"] == "a video"
    assert (out / video["src"]).read_bytes()[4:8] == b"ftyp"

    players = [tag for tag in tags(page, "div") if "data-convanim-player" in tag]
    assert len(players) == 2 and players[0]["id"] != players[1]["id"]  # same spec twice
    assert 'style="max-width: 400px"' in text
    assert "<script" in text and "src=" not in text.split("data-convanim-player")[1][:2000]
    # HTML pages copy the animations, never the PDF stills other builders use.
    assert sorted(p.suffix for p in (out / "_images").iterdir()) == [".gif", ".mp4", ".webp"]


def test_latex_builder_gets_a_vector_still_that_pdflatex_compiles(tmp_path: Path) -> None:
    _tools()
    # Computer Modern: the test needs no font package beyond TeX Live's base; black
    # links, so that the only colour on the pages is the pictures'.
    src = figures(
        tmp_path,
        'latex_elements = {"fontpkg": "", "sphinxsetup": "InnerLinkColor={rgb}{0,0,0}"}',
    )
    doctrees = tmp_path / "doctrees"
    html = sphinx(src, tmp_path / "html", "-W", "-d", str(doctrees))
    assert html.returncode == 0, html.stderr
    # The same doctrees as the HTML build (make html latexpdf): nothing is read again,
    # and the LaTeX builder still finds its stills.
    out = tmp_path / "latex"
    result = sphinx(src, out, "-W", "-b", "latex", "-d", str(doctrees))
    assert result.returncode == 0, result.stderr
    tex = (out / "figures.tex").read_text(encoding="utf-8")
    assert ".gif" not in tex and ".mp4" not in tex and ".webp" not in tex
    assert tex.count("\\sphinxincludegraphics") == 5
    assert "\\ref{\\detokenize{index:fig-strides}}" in tex  # :numref:
    assert (
        "\\begin{figure}" in tex
        and "\\caption{Padding 1 and \\sphinxstyleemphasis{stride 2}.}" in tex
    )
    assert "width=0.600\\linewidth" in tex
    stills = sorted(out.glob("convanim-*.pdf"))
    assert len(stills) == 2  # frame 4 of the first spec, frame 0 of the 4x4 one
    for path in stills:
        assert path.read_bytes().startswith(b"%PDF")

    pdflatex(out / "figures.tex", runs=2)  # twice: the figure number and reference resolve
    subprocess.run(["pdftoppm", "-r", "150", "-png", "figures.pdf", "page"], cwd=out, check=True)
    pages = [np.asarray(Image.open(path).convert("RGB")) for path in sorted(out.glob("page-*"))]
    # The page with the figure shows frame 4 of its spec, at 60 % of the line: compare
    # it with the raster frame scaled to the size it has on the page.
    frame = scene(Spec("conv", 5, 3, stride=2, padding=1)).frame(4)
    coloured = [p for p in pages if _colour_pixels(p) > 1000]
    assert coloured, "no page shows the figure"
    # Only the figure's rows are kept, the rest whitened: of the runs of rows with colour
    # (the smaller pictures below it), the figure's has the most.
    first = coloured[0].copy()
    counts = _colour_mask(first).sum(axis=1)
    rows = np.nonzero(counts)[0]
    runs = np.split(rows, np.nonzero(np.diff(rows) > 120)[0] + 1)
    figure_rows = max(runs, key=lambda run: counts[run].sum())
    keep = np.zeros(first.shape[0], dtype=bool)
    keep[figure_rows[0] : figure_rows[-1] + 1] = True
    first[~keep] = 255
    cols = np.nonzero(_colour_mask(first))[1]
    drawn_width = cols.max() - cols.min() + 1
    frame_cols = np.nonzero(_colour_mask(frame))[1]
    scale = drawn_width / (frame_cols.max() - frame_cols.min() + 1)
    size = (round(frame.shape[1] * scale), round(frame.shape[0] * scale))
    scaled = np.asarray(Image.fromarray(frame).resize(size, Image.LANCZOS))
    # Scaled by a non-integer factor, the thin shades blur; the planes must agree.
    result = compare(aligned(first, scaled), scaled)
    assert result["overall"] > 0.97, result
    assert min(result["input"], result["output"], result["line"]) > 0.9, result
    # 60 % of the text width, which the running header's rule spans.
    dark = coloured[0].max(axis=2) < 100
    rule = max(range(dark.shape[0] // 8), key=lambda row: dark[row].sum())
    text_width = np.ptp(np.nonzero(dark[rule])[0]) + 1
    assert abs(size[0] / text_width - 0.6) < 0.02, (size, text_width)


def _colour_mask(image: np.ndarray) -> np.ndarray:
    channels = image.astype(int)
    return channels.max(axis=2) - channels.min(axis=2) > 60


def _colour_pixels(image: np.ndarray) -> int:
    return int(_colour_mask(image).sum())


def test_conf_defaults_apply_and_bad_ones_stop_the_build(tmp_path: Path) -> None:
    src = project(
        tmp_path,
        {"index": "Index\n=====\n\n.. convanim::\n   :input: 4\n   :kernel: 3\n"},
    )
    conf = src / "conf.py"
    conf.write_text(
        'extensions = ["convanim.sphinxext"]\nconvanim_format = "webp"\n'
        'convanim_width = "300px"\nconvanim_duration = 250\n',
        encoding="utf-8",
    )
    result = sphinx(src, tmp_path / "out", "-W")
    assert result.returncode == 0, result.stderr
    (image,) = images(tmp_path / "out" / "index.html")
    assert image["src"].endswith(".webp") and image["style"] == "width: 300px;"
    _, durations, about = pillow_frames(tmp_path / "out" / image["src"])
    assert about["format"] == "WEBP" and durations == [250] * 4

    conf.write_text(
        'extensions = ["convanim.sphinxext"]\nconvanim_format = "gof"\n', encoding="utf-8"
    )
    bad = sphinx(src, tmp_path / "bad")
    assert bad.returncode == 2
    assert (
        "conf.py: convanim_format: format = 'gof' is not valid: expected one of 'gif', "
        "'mp4', 'webp', 'html'"
    ) in bad.stderr


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        (
            "format",
            "avi",
            ":format: format = 'avi' is not valid: expected one of 'gif', 'mp4', 'webp', 'html'",
        ),
        (
            "still-frame",
            "9",
            ":still-frame: still_frame = 9 is not valid: expected an integer between 0 and 3",
        ),
        (
            "width",
            "wide",
            ":width: display_width = 'wide' is not valid: expected a length like 400px, 80% or 30em",
        ),
        (
            "align",
            "middle",
            ":align: align = 'middle' is not valid: expected one of 'left', 'center', 'right'",
        ),
        (
            "caption",
            "",
            ":caption: caption = '' is not valid: expected the figure's text (the drawn "
            "arithmetic is :arithmetic:)",
        ),
    ],
)
def test_page_options_are_refused_in_one_line(
    tmp_path: Path, option: str, value: str, message: str
) -> None:
    page = f"Page\n====\n\n.. convanim::\n   :input: 4\n   :kernel: 3\n   :{option}: {value}\n"
    src = project(tmp_path, {"index": page})
    result = sphinx(src, tmp_path / "out")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"{src / 'index.rst'}:7: ERROR: convanim {message}"]


def test_mp4_refuses_a_loop_count(tmp_path: Path) -> None:
    page = textwrap.dedent(
        """
        Page
        ====

        .. convanim::
           :input: 4
           :kernel: 3
           :format: mp4
           :loop: 2
        """
    ).lstrip()
    src = project(tmp_path, {"index": page})
    result = sphinx(src, tmp_path / "out")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{src / 'index.rst'}:8: ERROR: convanim :loop: loop = 2 is not valid with the mp4 "
        "writer: expected 0 (only GIF, WebP and APNG store a loop count)"
    ]


# -- the TikZ variant from the command line and save() --------------------------------
def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    from convanim import cli

    status = cli.main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize(
    ("flags", "variant"),
    [((), "picture"), (("--standalone",), "standalone"), (("--tex", "beamer"), "beamer")]
    + [(("--tex", "animate"), "animate"), (("--tex", "standalone"), "standalone")],
)
def test_tex_variant_is_chosen_on_the_command_line(capsys, tmp_path, flags, variant):
    from convanim.backends.tikz import tikz_document

    path = tmp_path / "conv.tex"
    status, _, err = _cli(capsys, "render", "-i", "4", "-k", "3", "-o", str(path), *flags)
    assert status == 0, err
    drawing = scene(Spec("conv", 4, 3)).drawing
    assert path.read_text(encoding="utf-8") == tikz_document(drawing, variant)


def test_save_takes_the_tex_variant(tmp_path):
    import convanim
    from convanim.backends.tikz import VARIANTS, tikz_document
    from convanim.options import TEX_VARIANTS, option

    assert TEX_VARIANTS == VARIANTS == option("tex").choices
    spec = Spec("conv", 5, 3, stride=2, padding=1)
    drawing = scene(spec).drawing
    for variant in VARIANTS:
        written = convanim.save(spec, tmp_path / f"{variant}.tex", tex=variant)
        assert written.read_text(encoding="utf-8") == tikz_document(drawing, variant)
    still = convanim.save(spec, tmp_path / "still.tex", tex="picture", frame=3)
    assert still.read_text(encoding="utf-8") == tikz_document(drawing, "picture", frame=3)
    anim = convanim.animate(spec)
    assert anim.save(tmp_path / "b.tex", tex="beamer").read_text(encoding="utf-8") == (
        tikz_document(drawing, "beamer")
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ("-o", "a.gif", "--tex", "beamer"),
            "--tex: tex = 'beamer' is not valid with the gif writer: expected no tex (only a "
            ".tex file has a variant)",
        ),
        (
            ("-o", "a.tex", "--tex", "beamer", "--frame", "2"),
            "--frame: frame = 2 is not valid: expected no frame (a beamer .tex file holds "
            "every frame; a still is the picture variant)",
        ),
        (
            ("-o", "a.tex", "--tex", "animate", "--standalone"),
            "--standalone is not valid with --tex animate: expected one of them",
        ),
        (
            ("-o", "a.tex", "--tex", "slides"),
            "--tex: tex = 'slides' is not valid: expected one of 'picture', 'standalone', "
            "'beamer', 'animate'",
        ),
        (
            ("-o", "a.tex", "--frame", "9"),
            "--frame: frame = 9 is not valid: expected an integer between 0 and 3",
        ),
        (
            ("--frames-dir", "frames", "--markdown"),
            "--markdown is not valid with --frames-dir: expected -o FILE",
        ),
    ],
)
def test_tex_and_markdown_mistakes_are_one_line(capsys, tmp_path, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    status, _, err = _cli(capsys, "render", "-i", "4", "-k", "3", *argv)
    assert status == 2
    assert err == f"convanim: error: {message}\n"
    assert list(tmp_path.iterdir()) == []


# -- Markdown --------------------------------------------------------------------------
def test_markdown_prints_the_snippet_that_embeds_the_file(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name, expected in (
        ("strides.gif", "![conv 5x5, k 3, s 2 -> 2x2](strides.gif)"),
        (
            "strides.mp4",
            '<video src="strides.mp4" title="conv 5x5, k 3, s 2 -&gt; 2x2" autoplay loop '
            "muted playsinline controls></video>",
        ),
        ("strides.html", "[conv 5x5, k 3, s 2 -> 2x2](strides.html)"),
    ):
        status, out, err = _cli(
            capsys, "render", "-i", "5", "-k", "3", "-s", "2", "-o", name, "--markdown", "-q"
        )
        assert status == 0, err
        assert out == expected + "\n"
        assert (tmp_path / name).stat().st_size > 0


def test_markdown_light_and_dark_pair():
    from convanim.embed import markdown_snippet

    assert markdown_snippet("a b.gif", "conv <x>", dark="a b-dark.gif") == (
        '<picture><source media="(prefers-color-scheme: dark)" srcset="a%20b-dark.gif">'
        '<source media="(prefers-color-scheme: light)" srcset="a%20b.gif">'
        '<img alt="conv &lt;x&gt;" src="a%20b.gif"></picture>'
    )
    assert markdown_snippet("x.webp", "x", width=300) == '<img alt="x" src="x.webp" width="300">'


def test_markdown_of_a_theme_pair_is_a_picture_of_both_files(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    argv = ("render", "-i", "5", "-k", "3", "-s", "2", "--theme", "tutorial,dark")
    status, out, err = _cli(capsys, *argv, "-o", "fig.gif", "--markdown", "-q")
    assert status == 0, err
    assert out == (
        '<picture><source media="(prefers-color-scheme: dark)" srcset="fig.dark.gif">'
        '<source media="(prefers-color-scheme: light)" srcset="fig.gif">'
        '<img alt="conv 5x5, k 3, s 2 -&gt; 2x2" src="fig.gif"></picture>\n'
    )
    assert (tmp_path / "fig.gif").read_bytes() != (tmp_path / "fig.dark.gif").read_bytes()


# -- the gallery links each tutorial animation's TikZ source ------------------------------
def test_gallery_readme_links_each_tutorial_tex():
    from convanim.backends.tikz import tikz_document
    from convanim.gallery import load_manifest

    gallery = ROOT / "gallery"
    readme = (gallery / "README.md").read_text(encoding="utf-8")
    entries, _ = load_manifest()
    tutorial = [entry for entry in entries if entry.tex]
    assert len(tutorial) == 15
    assert all(entry.options.style == "tutorial" for entry in tutorial)
    assert sorted(path.name for path in gallery.glob("*.tex")) == sorted(
        f"{entry.name}.tex" for entry in tutorial
    )
    for entry in tutorial:
        assert f"TikZ: [{entry.name}.tex]({entry.name}.tex) (standalone)" in readme
    entry = next(entry for entry in tutorial if entry.name == "padding_strides")
    drawing = scene(entry.spec, options=entry.options).drawing
    assert (gallery / "padding_strides.tex").read_text(encoding="utf-8") == tikz_document(
        drawing, "standalone"
    )


# -- MkDocs ------------------------------------------------------------------------------
MKDOCS_HOME = """\
---
title: Home
---
# Home

```convanim
input: 5
kernel: 3
stride: 2
padding: 1
caption: Padding 1, stride 2.
name: fig-strides
width: 60%
```

```convanim
input: 4
kernel: 3
format: html
```
"""

MKDOCS_PAGE = """\
# A page

~~~convanim
op: max_pool
input: 5
kernel: 3
stride: 2
style: flat
values:
format: mp4
~~~
"""


def mkdocs(folder: Path, *options: str) -> subprocess.CompletedProcess[str]:
    # The plugin is found through its entry point, as mkdocs.yml names it.
    docs_tools("mkdocs", mkdocs_plugin=True)
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", *options],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def mkdocs_project(root: Path, pages: dict[str, str], plugin: str = "  - convanim") -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(f"site_name: test\nplugins:\n{plugin}\n", encoding="utf-8")
    for name, text in pages.items():
        path = root / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_mkdocs_build_renders_convanim_blocks(tmp_path: Path) -> None:
    root = mkdocs_project(
        tmp_path,
        {"index.md": MKDOCS_HOME, "sub/page.md": MKDOCS_PAGE},
        plugin="  - convanim:\n      defaults: {duration: 500}",
    )
    result = mkdocs(root)
    assert result.returncode == 0, result.stderr
    rendered_lines = [line for line in result.stderr.splitlines() if "convanim: rendered" in line]
    assert len(rendered_lines) == 3
    site = root / "site"

    home = site / "index.html"
    (figure,) = [tag for tag in tags(home, "figure") if "convanim-figure" in tag.get("class", "")]
    assert figure["id"] == "fig-strides"
    assert "<figcaption>Padding 1, stride 2.</figcaption>" in home.read_text(encoding="utf-8")
    (image,) = [tag for tag in tags(home, "img") if "convanim" in tag.get("class", "")]
    assert image["style"] == "width: 60%" and image["alt"] == "conv 5x5, k 3, s 2, p 1 -> 3x3"
    _, durations, about = pillow_frames(site / image["src"])
    assert about["format"] == "GIF" and durations == [500] * 9  # the site-wide default
    players = [tag for tag in tags(home, "div") if "data-convanim-player" in tag]
    assert len(players) == 1
    assert "<script>" in home.read_text(encoding="utf-8")

    # A page in a folder, served as sub/page/: the video's URL climbs out of both.
    (video,) = tags(site / "sub" / "page" / "index.html", "video")
    assert video["src"].startswith("../../assets/convanim/") and video["src"].endswith(".mp4")
    assert (site / "sub" / "page" / video["src"]).resolve().read_bytes()[4:8] == b"ftyp"

    # Rebuilt: nothing is drawn again (the cache beside mkdocs.yml).
    cache = sorted(path.name for path in (root / ".cache" / "convanim").iterdir())
    again = mkdocs(root)
    assert again.returncode == 0, again.stderr
    assert "convanim: rendered" not in again.stderr
    assert sorted(path.name for path in (root / ".cache" / "convanim").iterdir()) == cache

    # A block edited: it alone is drawn, and the file it replaces leaves the cache.
    page = root / "docs" / "sub" / "page.md"
    page.write_text(page.read_text(encoding="utf-8").replace("stride: 2", "stride: 1"))
    edited = mkdocs(root)
    assert edited.returncode == 0, edited.stderr
    assert edited.stderr.count("convanim: rendered") == 1
    after = sorted(path.name for path in (root / ".cache" / "convanim").iterdir())
    assert len(after) == 3 and len(set(after) & set(cache)) == 2


@pytest.mark.parametrize(
    ("block", "line", "message"),
    [
        (
            "input: 5\nkernel: 3\nstride: 1x0\n",
            8,
            "stride: stride[1] = 0 is not valid: expected an integer >= 1",
        ),
        (
            "input: 5\nkernel: 3\nstrid: 2\n",
            8,
            "option strid is not valid: expected one of "
            + ", ".join(__import__("convanim.embed", fromlist=["x"]).OPTION_NAMES),
        ),
        (
            "input: 5\n",
            5,
            "option kernel is missing: expected it in every convanim block (like kernel: 5, "
            "or 5x7 per axis)",
        ),
        (
            "input: 5\nkernel 3\n",
            7,
            "line 'kernel 3' is not valid: expected an option and its value (like stride: 2)",
        ),
    ],
)
def test_mkdocs_bad_option_fails_the_build_naming_the_page(
    tmp_path: Path, block: str, line: int, message: str
) -> None:
    page = f"# Title\n\nSome text.\n\n```convanim\n{block}```\n"
    root = mkdocs_project(tmp_path, {"index.md": "# Home\n", "guide/bad.md": page})
    result = mkdocs(root)
    assert result.returncode == 1
    assert f"guide/bad.md:{line}: convanim {message}" in result.stderr.splitlines()[-1]
    assert not (root / "site" / "assets").exists()


# -- sphinx-gallery ----------------------------------------------------------------------
EXAMPLES = {
    "plot_strides.py": '''
        """
        Strides
        =======

        A stride of 2 skips every other position.
        """

        import convanim

        convanim.animate(convanim.Spec("conv", 5, 3, stride=2, padding=1))
        ''',
    "plot_pooling.py": '''
        """
        Pooling
        =======

        Max pooling with its numbers, then the transposed convolution.
        """

        import convanim

        pool = convanim.animate(convanim.Spec("max_pool", 5, 3, stride=2), style="flat",
                                values=True)

        # %%
        # A second block: only the animation it makes is added.
        up = convanim.animate(convanim.Spec("conv", 4, 3).transpose())
        up
        ''',
}


def test_sphinx_gallery_scraper_puts_each_animation_in_the_gallery(tmp_path: Path) -> None:
    docs_tools("sphinx_gallery")
    src = project(tmp_path, {"index": "Index\n=====\n\n.. toctree::\n\n   auto_examples/index\n"})
    (src / "conf.py").write_text(
        textwrap.dedent(
            """
            extensions = ["sphinx_gallery.gen_gallery"]
            sphinx_gallery_conf = {
                "examples_dirs": "examples",
                "gallery_dirs": "auto_examples",
                "image_scrapers": ("convanim.sphinxext.scraper",),
                "ignore_repr_types": r"convanim\\.animation\\.Animation",
                "download_all_examples": False,
            }
            """
        ),
        encoding="utf-8",
    )
    examples = src / "examples"
    examples.mkdir()
    (examples / "README.txt").write_text("Examples\n========\n", encoding="utf-8")
    for name, text in EXAMPLES.items():
        (examples / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    out = tmp_path / "html"
    result = sphinx(src, out, "-W")
    assert result.returncode == 0, result.stderr + result.stdout[-3000:]

    def animations(page: Path) -> list[tuple[int, str]]:
        found = []
        for attributes in tags(page, "img"):
            if attributes.get("src", "").endswith(".gif"):
                with Image.open(page.parent / attributes["src"]) as image:
                    found.append((image.n_frames, attributes["src"]))
        return found

    strides = animations(out / "auto_examples" / "plot_strides.html")
    assert [frames for frames, _ in strides] == [9]
    pooling = animations(out / "auto_examples" / "plot_pooling.html")
    assert [frames for frames, _ in pooling] == [4, 16]  # one per block, none twice
    # The repr is not printed too (ignore_repr_types), nor embedded as base64.
    text = (out / "auto_examples" / "plot_pooling.html").read_text(encoding="utf-8")
    assert "&lt;Animation" not in text and "data:image/gif" not in text
    # The gallery's index shows a thumbnail of each example, drawn from its animation.
    thumbnails = [
        attributes["src"]
        for attributes in tags(out / "auto_examples" / "index.html", "img")
        if "sphx_glr_plot_" in attributes.get("src", "")
    ]
    assert len(thumbnails) == 2
    for thumbnail in thumbnails:
        with Image.open(out / "auto_examples" / thumbnail) as image:
            pixels = np.asarray(image.convert("RGB")).astype(int)
        assert (pixels.max(axis=2) - pixels.min(axis=2) > 60).sum() > 500  # the planes' blue


def test_the_docs_mkdocs_example_site_builds(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "site-source"
    shutil.copytree(ROOT / "docs" / "mkdocs", root)
    result = mkdocs(root)
    assert result.returncode == 0, result.stderr
    page = root / "site" / "index.html"
    (figure,) = [tag for tag in tags(page, "figure") if "convanim-figure" in tag.get("class", "")]
    assert figure["id"] == "padding-strides"
    (image,) = [tag for tag in tags(page, "img") if "convanim" in tag.get("class", "")]
    assert image["style"] == "width: 320px"  # mkdocs.yml's default
    with Image.open(page.parent / image["src"]) as gif:
        assert gif.n_frames == 9
    assert len([tag for tag in tags(page, "div") if "data-convanim-player" in tag]) == 1


def test_directive_options_are_typed_by_the_table():
    from convanim.embed import OPTION_NAMES
    from convanim.sphinxext import _SETTINGS, ConvanimDirective

    spec = ConvanimDirective.option_spec
    assert set(OPTION_NAMES) <= set(spec)
    assert spec["stride"]("2x1") == (2, 1)
    assert spec["values"](None) is True  # a flag, given without a value
    assert spec["still-frame"]("3") == 3
    assert spec["width"]("80%") == "80%"
    assert spec["format"]("html") == "html"
    assert spec["stride"]("1x") == "1x"  # kept as typed, refused by run() in one line
    assert _SETTINGS["format"] == "convanim_format"
    assert _SETTINGS["still-frame"] == "convanim_still_frame"
    assert "caption" not in _SETTINGS and "input" not in _SETTINGS


def test_epub_gets_the_animations_it_can_show_and_svg_stills(tmp_path: Path) -> None:
    src = figures(tmp_path, 'version = "1"', 'copyright = "2026"')
    out = tmp_path / "epub"
    # The doctrees outside: an EPUB packs every file of its output folder.
    result = sphinx(src, out, "-W", "-b", "epub", "-d", str(tmp_path / "doctrees"))
    assert result.returncode == 0, result.stderr
    images_folder = out / "_images"
    suffixes = sorted(path.suffix for path in images_folder.iterdir())
    # GIF and WebP play in e-book readers; the MP4 becomes its vector still.
    assert suffixes == [".gif", ".svg", ".webp"]
    (svg,) = images_folder.glob("*.svg")
    assert svg.read_text(encoding="utf-8").lstrip().startswith(("<?xml", "<svg"))


def test_the_build_log_counts_the_frames_the_page_draws(monkeypatch):
    from pathlib import Path

    from convanim import sphinxext
    from convanim.embed import Embed

    said = []
    monkeypatch.setattr(sphinxext.logger, "info", lambda *args: said.append(args))
    stamps = Spec("conv", 3, 3, stride=2, padding=1).transpose()  # 2x2 input: 4 stamps
    for render, frames in (({"style": "scatter"}, 4), ({"style": "scatter", "frames": "1:"}, 3)):
        sphinxext._rendered(Embed(spec=stamps, render=render))(Path("x.gif"), 0.5)
        assert said[-1][3] == frames, render
    sphinxext._rendered(Embed(spec=stamps, render={}))(Path("x.gif"), 0.5)
    assert said[-1][3] == stamps.num_frames  # the gather view: a frame per output value
