"""The TikZ writer: every variant compiled with pdflatex, its pages compared with the frames.

Each ``.tex`` variant is compiled in a temporary folder, its pages rasterised with
``pdftoppm -r 150`` and compared by content (tests/similarity.py) with the raster frames
of the same scene. A standalone page is the raster frame's size, so the two are compared
as they are; a picture inside a document (an article, a beamer slide) is aligned by its
ink first.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from similarity import compare

from convanim import Spec
from convanim.api import save
from convanim.backends.tikz import VARIANTS, tex_escape, tikz_document, tikz_picture
from convanim.errors import SpecError
from convanim.render import scene
from convanim.writers import WriteOptions, atomic_output, writer_for

SPEC = Spec("conv", 4, 3)  # 4 frames


def _tools() -> None:
    missing = [tool for tool in ("pdflatex", "pdftoppm") if shutil.which(tool) is None]
    if missing:
        message = f"{' and '.join(missing)} not found (.ci/run installs TeX Live and poppler)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs them: never a silent skip there
        pytest.skip(message)


def compile_tex(folder: Path, name: str, document: str, runs: int = 1) -> list[np.ndarray]:
    """Compile ``document`` as ``folder/name.tex``; its pages at 150 dpi, as RGB arrays."""
    _tools()
    (folder / f"{name}.tex").write_text(document, encoding="utf-8")
    for _ in range(runs):
        result = subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
            cwd=folder,
            capture_output=True,
            text=True,
            errors="replace",
        )
        assert result.returncode == 0, result.stdout[-3000:]
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", f"{name}.pdf", f"{name}-page"], cwd=folder, check=True
    )
    pages = sorted(folder.glob(f"{name}-page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return [np.asarray(Image.open(page).convert("RGB")) for page in pages]


def _ink(image: np.ndarray) -> tuple[int, int]:
    """Top-left corner of what is painted in colour (not the document's black text)."""
    channels = image.astype(int)
    rows, cols = np.nonzero(channels.max(axis=2) - channels.min(axis=2) > 60)
    return int(rows.min()), int(cols.min())


def aligned(page: np.ndarray, frame: np.ndarray) -> np.ndarray:
    """The part of ``page`` where ``frame`` lies, found by lining up their coloured ink."""
    (page_row, page_col), (frame_row, frame_col) = _ink(page), _ink(frame)
    top, left = page_row - frame_row, page_col - frame_col
    assert top >= 0 and left >= 0
    height, width = frame.shape[:2]
    return page[top : top + height, left : left + width]


def assert_similar(pages, frames, overall: float, region: float) -> None:
    assert len(pages) == len(frames)
    for index, (page, frame) in enumerate(zip(pages, frames, strict=True)):
        result = compare(page, frame)
        worst = min(value for key, value in result.items() if key != "overall")
        assert result["overall"] >= overall and worst >= region, (index, result)


@pytest.fixture(scope="module")
def tutorial():
    the_scene = scene(SPEC)
    return the_scene, [the_scene.frame(index) for index in range(len(the_scene))]


def write(the_scene, path: Path, **options) -> str:
    writer = writer_for(path)
    with atomic_output(path) as temporary:
        writer.write(the_scene, temporary, WriteOptions(**options))
    return path.read_text(encoding="utf-8")


def test_standalone_has_a_page_per_frame_of_the_frames_size(tutorial, tmp_path):
    the_scene, frames = tutorial
    document = write(the_scene, tmp_path / "conv.tex", tex="standalone")
    pages = compile_tex(tmp_path, "conv", document)
    assert len(pages) == len(frames) == 4
    for page, frame in zip(pages, frames, strict=True):
        assert page.shape == frame.shape  # pdftoppm -r 150 gives the GIF's frame size
    assert_similar(pages, frames, overall=0.995, region=0.98)


def test_picture_inputs_into_any_document(tutorial, tmp_path):
    the_scene, frames = tutorial
    write(the_scene, tmp_path / "conv.tex", frame=2)  # the default: a still picture
    document = (
        "\\documentclass{article}\n\\usepackage{tikz}\n\\pagestyle{empty}\n"
        "\\begin{document}\nA paper figure:\n\n\\input{conv.tex}\n\\end{document}\n"
    )
    (page,) = compile_tex(tmp_path, "paper", document)
    assert_similar([aligned(page, frames[2])], [frames[2]], overall=0.995, region=0.98)


def test_beamer_steps_through_the_frames(tutorial, tmp_path):
    the_scene, frames = tutorial
    write(the_scene, tmp_path / "conv.tex", tex="beamer")
    document = (
        "\\documentclass{beamer}\n\\usepackage{tikz}\n"
        "\\setbeamertemplate{navigation symbols}{}\n\\begin{document}\n"
        "\\begin{frame}\\input{conv.tex}\\end{frame}\n\\end{document}\n"
    )
    pages = compile_tex(tmp_path, "slides", document)
    assert len(pages) == len(frames)  # one overlay per frame
    pages = [aligned(page, frame) for page, frame in zip(pages, frames, strict=True)]
    assert_similar(pages, frames, overall=0.995, region=0.98)


def test_animate_holds_every_frame(tutorial, tmp_path):
    the_scene, frames = tutorial
    write(the_scene, tmp_path / "conv.tex", tex="animate", duration=500)
    document = (
        "\\documentclass{article}\n\\usepackage{tikz,animate}\n\\pagestyle{empty}\n"
        "\\begin{document}\n\\input{conv.tex}\n\\end{document}\n"
    )
    # animate writes its timeline on the first run and uses it on the second
    pages = compile_tex(tmp_path, "animated", document, runs=2)
    assert len(pages) == 1
    log = (tmp_path / "animated.log").read_text(errors="replace")
    assert re.findall(r"<a0,fr(\d+)>", log) == [str(index) for index in range(len(frames))]
    assert "{2}" in (tmp_path / "conv.tex").read_text()  # 2 frames a second
    # The page shows the first frame until the animation plays.
    assert_similar([aligned(pages[0], frames[0])], frames[:1], overall=0.995, region=0.98)


def test_numbers_labels_and_caption_as_tex_text(tmp_path):
    the_scene = scene(
        Spec("conv", 5, 3, stride=2, padding=1).transpose(), values=True, labels=True, caption=True
    )
    document = tikz_document(the_scene.drawing, "standalone")
    assert "\\node" in document
    assert "conv\\_transpose" in document and "$>$" in document  # escaped, not ¿
    assert "cm={1,0.5,-0.7,0.65," in document  # numbers lie in the slanted plane
    pages = compile_tex(tmp_path, "numbers", document)[:3]
    frames = [the_scene.frame(index) for index in range(3)]
    # The fonts differ (TeX's own against matplotlib's): text pixels disagree a little.
    assert_similar(pages, frames, overall=0.94, region=0.4)


def test_negative_numbers_have_a_minus_sign():
    drawing = scene(SPEC, weight=-np.ones((3, 3))).drawing
    assert "{$-$1}" in tikz_picture(drawing, 0)


def test_matrix_view_of_a_transpose(tmp_path):
    the_scene = scene(Spec("conv", 4, 3).transpose(), "matrix")
    document = tikz_document(the_scene.drawing, "picture", frame=5)
    assert "C$^{\\mathsf{T}}$" in document
    (page,) = compile_tex(
        tmp_path,
        "matrix",
        "\\documentclass[tikz,border=0pt]{standalone}\n\\begin{document}\n"
        + document
        + "\\end{document}\n",
    )
    frame = the_scene.frame(5)
    assert page.shape == frame.shape
    assert_similar([page], [frame], overall=0.96, region=0.7)


@pytest.mark.parametrize("variant", VARIANTS)
def test_output_is_deterministic(tutorial, tmp_path, variant):
    the_scene, _ = tutorial
    first = write(the_scene, tmp_path / "a.tex", tex=variant)
    again = write(scene(SPEC), tmp_path / "b.tex", tex=variant)
    assert first == again
    assert "convanim" in first and len(first) < 40_000


def test_static_layers_once_moving_layers_per_frame(tutorial):
    the_scene, _ = tutorial
    beamer = tikz_document(the_scene.drawing, "beamer")
    assert beamer.count("\\only<") == 2 * 4  # two moving runs, four frames
    assert beamer.count("dash pattern") == 1  # the padding grid, drawn once
    standalone = tikz_document(the_scene.drawing, "standalone")
    assert standalone.count("\\begin{tikzpicture}") == 4
    assert standalone.count("\\definecolor{convaniminput}") == 1
    assert standalone.count("\\tikzset{convanim input/.style=") == 1  # restyle a role once
    # The window only translates: defined once, drawn per frame in a shifted scope.
    assert standalone.count("\\def\\convanimmovea{") == 1
    assert standalone.count("\\convanimmovea\n") == 4


def test_save_writes_a_picture_by_extension(tmp_path):
    path = save(SPEC, tmp_path / "conv.tex", frame=3)
    text = path.read_text()
    assert text.count("\\begin{tikzpicture}") == 1 and "\\documentclass" not in text
    assert text.endswith(tikz_picture(scene(SPEC).drawing, 3))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda d: tikz_document(d, "slides"),
            "tex = 'slides' is not valid: expected one of 'picture', 'standalone', "
            "'beamer', 'animate'",
        ),
        (
            lambda d: tikz_document(d, frame=4),
            "frame = 4 is not valid: expected an integer between 0 and 3",
        ),
        (
            lambda d: tikz_picture(d, -1),
            "frame = -1 is not valid: expected an integer between 0 and 3",
        ),
        (
            lambda d: tikz_picture(d, 1.5),
            "frame = 1.5 is not valid: expected an integer between 0 and 3",
        ),
    ],
)
def test_bad_input_is_one_line(tutorial, call, message):
    the_scene, _ = tutorial
    with pytest.raises(SpecError) as caught:
        call(the_scene.drawing)
    assert str(caught.value) == message


def test_bad_frame_through_save_leaves_no_file(tmp_path):
    with pytest.raises(SpecError, match=r"^frame = 9 is not valid: expected an integer"):
        save(SPEC, tmp_path / "conv.tex", frame=9)
    assert list(tmp_path.iterdir()) == []


def test_tex_escape():
    assert tex_escape("a_b^c & 50% #1 {x} ~") == "a\\_b\\^{}c \\& 50\\% \\#1 \\{x\\} \\~{}"
    assert tex_escape("Cᵀ") == "C$^{\\mathsf{T}}$"
