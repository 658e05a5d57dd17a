"""Themes: the built-in looks meet their colour figures, custom themes, every front-end.

The colour figures (issue 12) are computed twice: from each theme's own colours
(:func:`convanim.colorvision.region_colors`) and from a rendered frame's pixels at each
region's interior (``scripts/theme_report.py``'s sampler), what a reader sees.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

from convanim.cli import main
from convanim.colorvision import (
    DEFICIENCIES,
    contrast_ratio,
    delta_e,
    lab,
    region_colors,
    simulate,
    worst_contrast,
    worst_delta_e,
    worst_lightness_gap,
)
from convanim.errors import SpecError
from convanim.gallery import load_manifest
from convanim.options import DrawOptions
from convanim.render import scene
from convanim.theme import (
    COLOR_ROLES,
    THEMES,
    TUTORIAL_THEME,
    Theme,
    as_theme,
    load_theme,
    parse_color,
)

ROOT = Path(__file__).resolve().parents[1]
MIN_DELTA_E = 20.0  # colorblind: every pair of regions, under every simulation
MIN_CONTRAST = 3.0  # dark: every region against the background (WCAG 2, graphics)
MIN_LIGHTNESS_GAP = 12.0  # print: every pair of regions by L* alone (0..100)


def _report_module():
    spec = importlib.util.spec_from_file_location("theme_report", ROOT / "scripts/theme_report.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rendered():
    """Each theme's region colours sampled from a rendered frame (cached per module)."""
    sampler = _report_module().rendered_region_colors
    return {name: sampler(theme) for name, theme in THEMES.items()}


# -- the colour science itself ------------------------------------------------------------
def test_simulations_keep_greys_grey_and_lose_what_each_deficiency_loses():
    greys = np.linspace(0, 1, 11)[:, None].repeat(3, axis=1)
    for name in DEFICIENCIES:
        assert np.allclose(simulate(greys, name), greys, atol=2e-3), name
    red, green = np.array([0.8, 0.2, 0.2]), np.array([0.3, 0.55, 0.2])
    blue, green2 = np.array([0.1, 0.4, 0.9]), np.array([0.1, 0.6, 0.35])
    # Red and green collapse for protan and deutan readers, not for tritan ones.
    for name in ("protanopia", "deuteranopia"):
        assert delta_e(simulate(red, name), simulate(green, name)) < 0.35 * delta_e(red, green)
    assert delta_e(simulate(red, "tritanopia"), simulate(green, "tritanopia")) > 30
    assert delta_e(simulate(blue, "tritanopia"), simulate(green2, "tritanopia")) < delta_e(
        blue, green2
    )


def test_lab_and_contrast_match_published_values():
    assert np.allclose(lab(np.ones(3)), [100, 0, 0], atol=1e-3)
    assert np.allclose(lab(np.zeros(3)), [0, 0, 0], atol=1e-6)
    # sRGB red in CIELAB (D65): L 53.24, a 80.09, b 67.20
    assert np.allclose(lab(np.array([1.0, 0, 0])), [53.24, 80.09, 67.20], atol=0.05)
    assert contrast_ratio(np.zeros(3), np.ones(3)) == pytest.approx(21.0)
    # WCAG's own example: #777777 on white is 4.48:1
    assert contrast_ratio(np.full(3, 0x77 / 255), np.ones(3)) == pytest.approx(4.48, abs=0.01)


def test_the_tutorial_palette_fails_as_the_issue_measured():
    # "about 6 (shaded input against the shaded output cell under tritanopia)"
    value, first, second = worst_delta_e(region_colors(TUTORIAL_THEME), "tritanopia")
    assert 5 < value < 8
    assert {first, second} == {"window_on_input", "output_cell"}


# -- the built-in themes' figures, from colours and from pixels ---------------------------
@pytest.mark.parametrize("source", ["colours", "pixels"])
def test_colorblind_regions_stay_apart_under_every_simulation(source, rendered):
    colors = region_colors(THEMES["colorblind"]) if source == "colours" else rendered["colorblind"]
    assert len(colors) == 8  # input, padding, window on both, output, output cell, lines, page
    for deficiency in (None, *DEFICIENCIES):
        value, first, second = worst_delta_e(colors, deficiency)
        assert value >= MIN_DELTA_E, (deficiency, first, second, value)


@pytest.mark.parametrize("source", ["colours", "pixels"])
def test_dark_regions_contrast_with_the_background(source, rendered):
    colors = region_colors(THEMES["dark"]) if source == "colours" else rendered["dark"]
    assert len(colors) == 8
    ratio, name = worst_contrast(colors)
    assert ratio >= MIN_CONTRAST, (name, ratio)
    # A dark page: the background is darker than every region and the text is light.
    assert lab(colors["background"])[0] < 20
    assert contrast_ratio(np.array(THEMES["dark"].text[:3]), colors["background"]) >= 7


@pytest.mark.parametrize("source", ["colours", "pixels"])
def test_print_regions_differ_by_lightness_alone(source, rendered):
    colors = region_colors(THEMES["print"]) if source == "colours" else rendered["print"]
    assert len(colors) == 8
    gap, first, second = worst_lightness_gap(colors)
    assert gap >= MIN_LIGHTNESS_GAP, (first, second, gap)
    # greys: a colour printer and a black-and-white one print the same picture
    for rgb in colors.values():
        assert np.ptp(rgb) < 0.01


@pytest.mark.parametrize("name", list(THEMES))
def test_rendered_regions_are_the_theme_colours(name, rendered):
    """The pixel sampler reads what the theme says (so the pixel figures mean something)."""
    expected, seen = region_colors(THEMES[name]), rendered[name]
    assert set(seen) == set(expected)
    for region, rgb in expected.items():
        assert np.abs(seen[region] - rgb).max() <= 2.5 / 255, region


def test_every_built_in_theme_differs_from_the_others():
    palettes = {name: region_colors(theme) for name, theme in THEMES.items()}
    for first, second in combinations(palettes, 2):
        common = set(palettes[first]) & set(palettes[second])
        assert any(not np.allclose(palettes[first][r], palettes[second][r]) for r in common), (
            first,
            second,
        )


# -- each theme renders every gallery spec ------------------------------------------------
@pytest.mark.parametrize("name", ["dark", "colorblind", "print"])
def test_each_theme_renders_every_gallery_spec(name):
    theme = THEMES[name]
    background = np.round(np.array(theme.background[:3]) * 255)
    entries, _ = load_manifest()
    for entry in entries:
        options = {**entry.render_options(), "theme": name, "dpi": 60}
        the_scene = scene(entry.spec, **options)
        assert len(the_scene) == entry.frames, entry.name
        for index in sorted({0, len(the_scene) - 1}):
            frame = the_scene.frame(index)
            assert np.abs(frame[1, 1].astype(float) - background).max() <= 1, entry.name
            # The theme's own input (or matrix) colour is drawn, not the tutorial's; the
            # overlap map has no input plane: its most-stamped cells are the output shaded
            # at the map's strongest alpha (0.65).
            pixels = frame.reshape(-1, 3).astype(int)
            color = np.array(theme.input[:3]) * 255
            if entry.options.style == "overlap":
                output, shade = np.array(theme.output[:3]), np.array(theme.output_shade[:3])
                color = np.round((output * 0.35 + shade * 0.65) * 255)
            assert (np.abs(pixels - color).max(axis=1) <= 2).any(), entry.name


# -- custom themes ------------------------------------------------------------------------
def test_parse_color_takes_every_spelling():
    assert parse_color("#ff0000") == (1.0, 0.0, 0.0, 1.0)
    assert parse_color("#f008") == pytest.approx((1.0, 0.0, 0.0, 0x88 / 255))
    assert parse_color((0.1, 0.2, 0.3)) == (0.1, 0.2, 0.3, 1.0)
    assert parse_color("tab:orange") == pytest.approx((1.0, 0.498, 0.0549, 1.0), abs=1e-3)
    assert parse_color("0.5") == (0.5, 0.5, 0.5, 1.0)
    for bad in ("bleu", "#12", (1, 2, 3), (0.1, 0.2), "", None, True):
        with pytest.raises(SpecError, match="expected a colour"):
            parse_color(bad, "input")


def test_replace_changes_only_the_roles_given():
    theme = TUTORIAL_THEME.replace({"input": "red"}, output="#00ff00", thick=1.2)
    assert theme.input == (1.0, 0.0, 0.0, 1.0) and theme.output == (0.0, 1.0, 0.0, 1.0)
    assert theme.thick == 1.2
    for role in set(COLOR_ROLES) - {"input", "output"}:
        assert getattr(theme, role) == getattr(TUTORIAL_THEME, role)
    with pytest.raises(SpecError) as error:
        TUTORIAL_THEME.replace(inptu="red")
    message = str(error.value)
    assert "\n" not in message and "'inptu'" in message
    assert all(role in message for role in COLOR_ROLES)


def test_theme_files_and_mappings(tmp_path):
    path = tmp_path / "slides.toml"
    path.write_text('base = "dark"\ninput = "tab:orange"\nthick = 1.0\n', encoding="utf-8")
    theme = load_theme(path)
    assert theme.name == "slides" and theme.thick == 1.0
    assert theme.input == parse_color("tab:orange")
    assert theme.background == THEMES["dark"].background
    assert as_theme(str(path)) == theme
    assert as_theme({"base": "print", "output": "white"}).output == (1.0, 1.0, 1.0, 1.0)
    path.write_text('input = "bleu"\n', encoding="utf-8")
    with pytest.raises(SpecError, match=r"slides\.toml.*input = 'bleu' is not valid"):
        load_theme(path)
    with pytest.raises(SpecError, match="is not valid"):
        as_theme(str(tmp_path / "missing.toml"))
    with pytest.raises(SpecError, match="'dark'"):
        as_theme("drak")


def test_draw_options_colors_recolour_the_theme():
    options = DrawOptions(theme="dark", colors={"input": "red"})
    assert options.theme.input == (1.0, 0.0, 0.0, 1.0)
    assert options.theme.background == THEMES["dark"].background
    assert options.replace(seed=3).theme == options.theme  # applying twice changes nothing
    with pytest.raises(SpecError, match="color role 'inptu' is not valid"):
        DrawOptions(colors={"inptu": "red"})


def _pixels(path: Path) -> np.ndarray:
    from PIL import Image

    return np.array(Image.open(path).convert("RGBA"))


def test_cli_theme_file_and_color_flags(tmp_path, capsys):
    theme_file = tmp_path / "mine.toml"
    theme_file.write_text('base = "colorblind"\noutput = "#ff00ff"\n', encoding="utf-8")
    out = tmp_path / "fig.png"
    status = main(
        ["render", "-i", "5", "-k", "3", "-p", "1", "--theme", str(theme_file),
         "--color", "input=#00ff00", "--color", "background=black", "-o", str(out), "-q"]
    )  # fmt: skip
    assert status == 0
    pixels = _pixels(out).reshape(-1, 4)[:, :3].astype(int)
    for color in ((0, 255, 0), (255, 0, 255)):
        assert (np.abs(pixels - color).max(axis=1) == 0).mean() > 0.01, color
    assert (pixels == 0).all(axis=1).mean() > 0.2  # the black page
    for flag, expected in (
        (["--color", "inptu=red"], "--color: color role 'inptu' is not valid: expected one of"),
        (["--color", "input=bleu"], "--color: input = 'bleu' is not valid: expected a colour"),
        (["--color", "input"], "--color: colors = 'input' is not valid"),
        (["--theme", "nope"], "--theme: theme = 'nope' is not valid"),
    ):
        assert main(["render", "-i", "4", "-k", "3", *flag, "-o", str(tmp_path / "x.gif")]) == 2
        error = capsys.readouterr().err
        assert expected in error and error.count("\n") == 1, error
    assert not (tmp_path / "x.gif").exists()


def test_manifest_theme_and_colors_fields(tmp_path):
    from convanim.gallery import parse_manifest

    (entry,) = parse_manifest(
        '[[animation]]\nname = "a"\nop = "conv"\ninput_size = 4\nkernel_size = 3\n'
        'theme = "dark"\ncolors = {input = "red"}\n'
    )
    assert entry.options.theme.input == (1.0, 0.0, 0.0, 1.0)
    assert entry.options.theme.background == THEMES["dark"].background
    with pytest.raises(SpecError, match="gallery entry 'a': color role 'nope'"):
        parse_manifest(
            '[[animation]]\nname = "a"\nop = "conv"\ninput_size = 4\nkernel_size = 3\n'
            'colors = {nope = "red"}\n'
        )


def test_import_convanim_and_its_themes_stays_numpy_only():
    code = (
        "import sys, convanim, convanim.theme, convanim.options, convanim.colorvision\n"
        "convanim.theme.THEMES['dark'].replace(input='#123456')\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'\n"
        "assert 'PIL' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_a_theme_is_frozen_and_named():
    for name, theme in THEMES.items():
        assert isinstance(theme, Theme) and theme.name == name
        with pytest.raises(AttributeError):
            theme.input = (0, 0, 0, 1)  # type: ignore[misc]


# -- paired output for docs ---------------------------------------------------------------
def test_cli_paired_themes_write_one_file_each(tmp_path):
    out = tmp_path / "fig.gif"
    argv = ["render", "-i", "4", "-k", "3", "--theme", "tutorial,dark", "-o", str(out), "-q"]
    assert main(argv) == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == ["fig.dark.gif", "fig.gif"]
    light, dark = _pixels(out), _pixels(tmp_path / "fig.dark.gif")
    assert tuple(light[1, 1, :3]) == (255, 255, 255)
    expected = np.round(np.array(THEMES["dark"].background[:3]) * 255)
    assert np.abs(dark[1, 1, :3] - expected).max() <= 1
    # each file is what a single-theme render writes, byte for byte
    assert main(["render", "-i", "4", "-k", "3", "--theme", "dark",
                 "-o", str(tmp_path / "alone.gif"), "-q"]) == 0  # fmt: skip
    assert (tmp_path / "alone.gif").read_bytes() == (tmp_path / "fig.dark.gif").read_bytes()


def test_python_paired_themes_and_a_refused_pair(tmp_path):
    from convanim import Spec, save
    from convanim.api import paired_paths

    spec = Spec("conv", input_size=4, kernel_size=3)
    written = save(spec, tmp_path / "fig.png", theme=("dark", "print", THEMES["colorblind"]))
    assert written == paired_paths(tmp_path / "fig.png", ["dark", "print", "colorblind"])
    assert [path.name for path in written] == ["fig.png", "fig.print.png", "fig.colorblind.png"]
    assert all(path.is_file() for path in written)
    # Every theme is checked before anything is drawn: a bad one writes nothing.
    with pytest.raises(SpecError, match="theme = 'nope' is not valid"):
        save(spec, tmp_path / "bad.gif", theme="tutorial,nope")
    with pytest.raises(SpecError, match="themes of different names"):
        save(spec, tmp_path / "bad.gif", theme=("dark", "dark"))
    assert not list(tmp_path.glob("bad*"))


# -- the Sphinx directive -----------------------------------------------------------------
def test_directive_theme_option_and_conf_default(tmp_path):
    import textwrap

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["convanim.sphinxext"]\nconvanim_theme = "dark"\n', encoding="utf-8"
    )
    page = """
        Themes
        ======

        .. convanim::
           :input: 4
           :kernel: 3

        .. convanim::
           :input: 4
           :kernel: 3
           :theme: print
           :colors: input=#ff0000
        """
    (src / "index.rst").write_text(textwrap.dedent(page).lstrip(), encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "--no-color", "-b", "html", "-W", str(src), str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    images = sorted((out / "_images").glob("convanim-*.gif"))
    html = (out / "index.html").read_text(encoding="utf-8")
    order = sorted(images, key=lambda path: html.index(path.name))
    assert len(order) == 2
    first, second = (_pixels(path) for path in order)
    dark = np.round(np.array(THEMES["dark"].background[:3]) * 255)
    assert np.abs(first[1, 1, :3] - dark).max() <= 1  # conf.py's default
    assert tuple(second[1, 1, :3]) == (255, 255, 255)  # :theme: print
    assert ((second[..., :3] == (255, 0, 0)).all(axis=2)).mean() > 0.05  # :colors:


def test_directive_cache_follows_a_theme_file(tmp_path):
    from convanim import Spec
    from convanim.sphinxext import cache_name

    path = tmp_path / "mine.toml"
    path.write_text('input = "red"\n', encoding="utf-8")
    spec = Spec("conv", input_size=4, kernel_size=3)
    first = cache_name(spec, {"theme": str(path)})
    assert cache_name(spec, {"theme": str(path)}) == first
    path.write_text('input = "blue"\n', encoding="utf-8")
    assert cache_name(spec, {"theme": str(path)}) != first
