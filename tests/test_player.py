"""The HTML player, in a real browser: Debian's Chromium driven by Playwright, from disk.

Every frame the controls reach is screenshotted and compared by content with the raster
frame of the same index (tests/similarity.py). Outside CI the browser tests skip when
Playwright or Chromium is missing; in CI (``CI`` set) they fail instead, so a missing
install step cannot pass unnoticed.
"""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from cases import ALL_NAMES, DIRECT
from PIL import Image
from similarity import compare

import convanim
from convanim import Spec
from convanim.layout.notes import frame_notes
from convanim.render import scene as build_scene
from convanim.theme import TUTORIAL_THEME
from convanim.writers.html import player_html

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def tutorial_spec(name: str) -> Spec:
    base = name.removesuffix("_transposed")
    i, k, s, p, d, _, _ = DIRECT[base]
    spec = Spec("conv", i, k, stride=s, padding=p, dilation=d)
    return spec.transpose() if name.endswith("_transposed") else spec


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    missing = (
        "playwright is not installed"
        if sync_playwright is None
        else ("chromium is not installed" if executable is None else None)
    )
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing}: CI must run the browser tests (see .ci/run)")
        pytest.skip(missing)
    with sync_playwright() as playwright:
        # A fresh profile each run: Playwright makes a temporary user-data-dir.
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Page:
    """A player page with its console errors and network requests recorded."""

    def __init__(
        self, browser, path: Path, size: tuple[int, int], *, wait: bool = True, **context
    ) -> None:
        width, height = size
        self.context = browser.new_context(
            viewport={"width": width + 64, "height": height + 400}, **context
        )
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on(
            "console",
            lambda message: self.errors.append(message.text) if message.type == "error" else None,
        )
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.goto(path.resolve().as_uri())
        if wait:
            self.page.wait_for_function("document.querySelector('.convanim-player').convanim")

    def frame(self) -> int:
        return int(self.page.get_attribute(".convanim-player", "data-frame"))

    def playing(self) -> bool:
        return self.page.evaluate("document.querySelector('.convanim-player').convanim.playing")

    def screenshot(self, selector: str = "svg.convanim-svg") -> np.ndarray:
        png = self.page.locator(selector).screenshot()
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))

    def note(self) -> str:
        return self.page.inner_text(".ca-note")

    def close(self) -> None:
        self.context.close()

    def offline(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(("file:", "data:"))]


CASES = {
    "tutorial": (Spec("conv", 5, 3, stride=2, padding=1), {}),
    "flat_numbers": (Spec("conv", 5, 3, stride=2, padding=1), {"style": "flat", "values": True}),
    "transposed_numbers": (
        Spec("conv", 5, 3, stride=2, padding=1).transpose(),
        {"style": "flat", "values": True},
    ),
    "matrix": (Spec("conv", 4, 3), {"style": "matrix"}),
    "scatter": (
        Spec("conv", 5, 3, stride=2, padding=1).transpose(),
        {"style": "scatter", "values": True, "overlap": True},
    ),
    "scatter_gather": (Spec("conv_transpose", (3,), (3,), stride=2), {"style": "scatter_gather"}),
}


def _assert_same_picture(shot: np.ndarray, raster: np.ndarray, where: str) -> None:
    assert abs(shot.shape[0] - raster.shape[0]) <= 1, where
    assert abs(shot.shape[1] - raster.shape[1]) <= 1, where
    result = compare(shot, raster)
    regions = {k: v for k, v in result.items() if k not in ("overall", "line")}
    assert result["overall"] >= 0.99, (where, result)
    assert min(regions.values()) >= 0.97, (where, result)
    assert result.get("line", 1.0) >= 0.8, (where, result)


@pytest.mark.parametrize("case", list(CASES))
def test_controls_reach_frames_that_match_the_raster(browser, tmp_path: Path, case: str) -> None:
    spec, options = CASES[case]
    scene = build_scene(spec, **options)
    # The scatter views' frames are not their plan's: they say their own notes.
    notes = getattr(scene, "notes", None) or frame_notes(
        scene.plan, getattr(scene, "numbers", None)
    )
    path = convanim.save(spec, tmp_path / "player.html", duration=60_000, progress=False, **options)
    page = Page(browser, path, scene.size)
    try:
        frames = len(scene)
        assert page.page.inner_text(".ca-count") == f"1 / {frames}"
        page.page.click(".ca-play")  # it autoplays: pause it
        assert not page.playing()
        page.page.click(".ca-prev")  # loop is on: back from 0 wraps to the last frame
        assert page.frame() == frames - 1
        page.page.locator(".ca-scrub").fill("0")
        reached = []

        def check() -> None:
            index = page.frame()
            reached.append(index)
            _assert_same_picture(page.screenshot(), scene.frame(index), f"{case} frame {index}")
            assert page.note() == notes[index]
            assert page.page.inner_text(".ca-count") == f"{index + 1} / {frames}"

        check()
        page.page.click(".ca-next")
        check()
        page.page.click(".ca-next")
        check()
        page.page.click(".ca-prev")
        check()
        page.page.locator(".ca-scrub").fill(str(frames - 1))
        check()
        page.page.locator(".ca-scrub").fill(str(frames // 2))
        check()
        assert reached == [0, 1, 2, 1, frames - 1, frames // 2]
        assert len({notes[index] for index in reached}) == len(set(reached))  # the text changes
        assert page.errors == []
        assert page.offline() == []
    finally:
        page.close()


def test_keyboard_plays_pauses_and_steps(browser, tmp_path: Path) -> None:
    spec, options = CASES["flat_numbers"]
    scene = build_scene(spec, **options)
    path = convanim.save(spec, tmp_path / "player.html", duration=50, progress=False, **options)
    page = Page(browser, path, scene.size, reduced_motion="reduce")  # no autoplay
    try:
        assert not page.playing() and page.frame() == 0
        page.page.locator(".convanim-player").focus()
        page.page.keyboard.press("ArrowRight")
        page.page.keyboard.press("ArrowRight")
        assert page.frame() == 2
        page.page.keyboard.press("ArrowLeft")
        assert page.frame() == 1
        _assert_same_picture(page.screenshot(), scene.frame(1), "after the arrows")
        page.page.keyboard.press("End")
        assert page.frame() == len(scene) - 1
        page.page.keyboard.press("Home")
        assert page.frame() == 0
        page.page.keyboard.press(" ")
        assert page.playing()
        page.page.wait_for_function(
            "+document.querySelector('.convanim-player').dataset.frame >= 3"
        )
        page.page.keyboard.press(" ")
        assert not page.playing()
        stopped = page.frame()
        page.page.wait_for_timeout(200)
        assert page.frame() == stopped
        # Without loop, playing stops at the last frame.
        page.page.uncheck(".ca-loop")
        page.page.select_option(".ca-speed", "4")
        page.page.locator(".convanim-player").focus()  # the select had it
        page.page.keyboard.press("End")
        page.page.keyboard.press("ArrowRight")
        assert page.frame() == len(scene) - 1
        page.page.keyboard.press("ArrowLeft")
        page.page.keyboard.press(" ")
        page.page.wait_for_function("!document.querySelector('.convanim-player').convanim.playing")
        assert page.frame() == len(scene) - 1
        assert page.errors == []
        assert page.offline() == []
    finally:
        page.close()


def test_player_fits_a_narrow_container(browser, tmp_path: Path) -> None:
    spec = tutorial_spec("padding_strides")
    path = convanim.save(spec, tmp_path / "player.html", progress=False)
    width, height = build_scene(spec).size
    page = Page(browser, path, (width, height))
    try:
        page.page.set_viewport_size({"width": 200, "height": 600})
        box = page.page.locator("svg.convanim-svg").bounding_box()
        assert box["width"] <= 200
        assert box["height"] == pytest.approx(box["width"] * height / width, abs=1)
        page.page.set_viewport_size({"width": 2000, "height": 900})
        box = page.page.locator("svg.convanim-svg").bounding_box()
        assert box["width"] == pytest.approx(width, abs=0.5)  # never wider than its pixels
    finally:
        page.close()


DARK = dataclasses.replace(
    TUTORIAL_THEME,
    name="dark-test",
    background=(0.0, 0.0, 0.0, 1.0),
    text=(1.0, 1.0, 1.0, 1.0),
)


def test_prefers_color_scheme_picks_the_dark_drawing(browser, tmp_path: Path) -> None:
    from convanim.layout import TUTORIAL, plane_layout
    from convanim.render.mpl import measure_for

    spec = tutorial_spec("no_padding_no_strides")
    light = build_scene(spec)
    dark = plane_layout(light.plan, TUTORIAL, theme=DARK, measure=measure_for(DARK))
    path = tmp_path / "pair.html"
    path.write_text(player_html(light.drawing, dpi=light.dpi, dark=dark), encoding="utf-8")
    for scheme, background in (("light", (255, 255, 255)), ("dark", (0, 0, 0))):
        page = Page(browser, path, light.size, color_scheme=scheme)
        try:
            shown = page.screenshot(f"svg.ca-{scheme}")
            assert tuple(shown[2, 2]) == background
            other = "dark" if scheme == "light" else "light"
            assert not page.page.locator(f"svg.ca-{other}").is_visible()
            assert page.errors == []
        finally:
            page.close()


def test_notebook_fragment_is_a_player(browser, tmp_path: Path) -> None:
    animation = convanim.animate(Spec("conv", 4, 3), style="flat", values=True)
    fragment = animation.to_html(format="player")
    assert fragment.startswith("<div") and "<img" not in fragment
    # Two on one page do not interfere.
    second = convanim.animate(Spec("conv", 5, 3, stride=2)).to_html(format="player")
    path = tmp_path / "page.html"
    path.write_text(f"<!DOCTYPE html><html><body>{fragment}{second}</body></html>")
    page = Page(browser, path, animation.size)
    try:
        players = page.page.locator(".convanim-player")
        assert players.count() == 2
        players.nth(0).locator(".ca-play").click()
        players.nth(1).locator(".ca-play").click()
        players.nth(0).locator(".ca-next").click()
        assert players.nth(0).get_attribute("data-frame") == "1"
        assert players.nth(1).get_attribute("data-frame") == "0"
        assert page.errors == [] and page.offline() == []
    finally:
        page.close()


def test_to_html_default_is_still_the_gif() -> None:
    animation = convanim.animate(Spec("conv", 4, 3))
    assert animation.to_html().startswith("<img")
    with pytest.raises(convanim.SpecError, match="format = 'mp4' is not valid"):
        animation.to_html(format="mp4")


def test_player_file_is_self_contained(tmp_path: Path) -> None:
    path = convanim.save(Spec("conv", 5, 3, padding=1), tmp_path / "p.html", progress=False)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    for needle in ("http://", "https://", "src=", "@import", "url("):
        assert needle not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")


@pytest.mark.parametrize("name", ALL_NAMES)
def test_player_is_smaller_than_the_gif(tmp_path: Path, name: str) -> None:
    spec = tutorial_spec(name)
    player = convanim.save(spec, tmp_path / f"{name}.html", progress=False)
    gif = convanim.save(spec, tmp_path / f"{name}.gif", progress=False)
    assert player.stat().st_size < gif.stat().st_size


def test_fragment_runs_as_a_notebook_inserts_it(browser, tmp_path: Path) -> None:
    """JupyterLab sets an output's HTML with innerHTML (whose scripts never run) and
    re-creates the scripts, which run once the output is in the page."""
    fragment = convanim.animate(Spec("conv", 4, 3)).to_html(format="player")
    path = tmp_path / "lab.html"
    path.write_text("<!DOCTYPE html><html><body></body></html>")
    page = Page(browser, path, (300, 300), wait=False)
    try:
        page.page.evaluate(
            """html => {
                const node = document.createElement("div");
                node.innerHTML = html;
                for (const old of node.querySelectorAll("script:not([type])")) {
                    const fresh = document.createElement("script");
                    fresh.textContent = old.textContent;
                    old.replaceWith(fresh);
                }
                document.body.appendChild(node);
                window.ready = !!node.querySelector(".convanim-player").convanim;
            }""",
            fragment,
        )
        assert page.page.evaluate("window.ready")
        page.page.click(".ca-play")
        page.page.click(".ca-next")
        assert page.frame() == 1
        assert page.errors == [] and page.offline() == []
    finally:
        page.close()
