"""The one options table: every front-end refuses the same mistake in its own words."""

from __future__ import annotations

import argparse

import pytest

from convanim import SpecError, cli
from convanim.gallery import parse_manifest
from convanim.options import OPTIONS, DrawOptions, option
from convanim.sphinxext import _OPTIONS as DIRECTIVE_OPTIONS
from convanim.sphinxext import _OptionError, _parse

# (option, what a user types on the command line and in the directive, the TOML value)
BAD = [
    ("dpi", "5", "5"),
    ("duration", "0", "0"),
    ("loop", "70000", "70000"),
    ("seed", "-1", "-1"),
    ("style", "fancy", '"fancy"'),
    ("theme", "neon", '"neon"'),
    ("stride", "1x0", "[1, 0]"),
    ("padding", "-1", "-1"),
]


def _cli_error(capsys, flag: str, text: str) -> str:
    status = cli.main(["render", "-i", "5", "-k", "3", flag, text, "-o", "never.gif"])
    assert status == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    return lines[0]


def _manifest_error(field: str, value: str) -> str:
    text = '[[animation]]\nname = "a"\nop = "conv"\ninput_size = 5\nkernel_size = 3\n'
    text += f"{field} = {value}\n"
    with pytest.raises(SpecError) as caught:
        parse_manifest(text)
    return str(caught.value)


def _directive_error(name: str, text: str) -> str:
    with pytest.raises(_OptionError) as caught:
        _parse({"input": "5", "kernel": "3", name: text})
    return str(caught.value)


@pytest.mark.parametrize(("name", "typed", "toml"), BAD)
def test_the_same_bad_value_is_refused_by_every_front_end_in_its_own_words(
    capsys, tmp_path, monkeypatch, name, typed, toml
):
    monkeypatch.chdir(tmp_path)
    entry = option(name)
    with pytest.raises(SpecError) as caught:
        if entry.group == "spec":
            from convanim import Spec

            Spec("conv", 5, 3, **{name: entry.parse(typed)})
        else:
            DrawOptions(**{name: entry.parse(typed)})
    expected = caught.value.expected
    assert expected

    on_cli = _cli_error(capsys, entry.flag, typed)
    in_manifest = _manifest_error(entry.field, toml)
    in_directive = _directive_error(entry.directive, typed)
    assert on_cli.startswith(f"convanim: error: {entry.flag}: {name}")
    assert in_manifest.startswith(f"gallery entry 'a': {name}")
    assert in_directive.startswith(f":{entry.directive}: {name}")
    for message in (on_cli, in_manifest, in_directive):
        assert f"is not valid: expected {expected}" in message, message
    assert not list(tmp_path.iterdir())  # nothing written


def test_every_option_reaches_every_front_end_it_names():
    parser = cli._build_parser()
    render = next(
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    ).choices["render"]
    flags = {name for action in render._actions for name in action.option_strings}
    manifest_fields = set(__import__("convanim.gallery", fromlist=["_FIELDS"])._FIELDS)
    for entry in OPTIONS:
        if entry.flag:
            assert entry.flag in flags, entry.name
        if entry.field:
            assert entry.field in manifest_fields, entry.name
        if entry.directive:
            assert entry.directive in DIRECTIVE_OPTIONS, entry.name


def test_draw_options_are_frozen_and_checked_once():
    options = DrawOptions(style="flat", dpi=72, values=True)
    with pytest.raises(AttributeError):
        options.dpi = 10
    assert options.replace(dpi=100).dpi == 100 and options.dpi == 72
    with pytest.raises(SpecError, match=r"^labels = True is not valid with style = 'matrix'"):
        DrawOptions(style="matrix", labels=True)
    with pytest.raises(SpecError) as caught:
        DrawOptions(x=[[1, float("nan")]])
    assert caught.value.parameter == "x"
