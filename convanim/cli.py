"""The ``convanim`` command: parse, then call the library (nothing else happens here).

Every error a user can cause prints one line to stderr, exits with status 2 and leaves
no file behind.
"""

from __future__ import annotations

import argparse
import difflib
import math
import os
import re
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

# Light imports only (no numpy, no matplotlib): main() installs the Ctrl-C and SIGTERM
# handling before anything heavy loads, so an interruption always reads the same.
from . import __version__
from .blocks import Separable, separable
from .errors import SHOWN_MAX, SpecError, shown
from .options import OPTIONS
from .spec import Spec

EXAMPLES = """\
examples:
  convanim render -i 5 -k 3 -s 2 -p 1 -o padding_strides.gif
  convanim render -i 3 -k 3 -s 2 -p 1 --transposed -o padding_strides_transposed.mp4
  convanim render --op max_pool -i 5x7 -k 3x2 -s 2x1 -o pool.webp
  convanim render -i 7 -k 3 -d 2 --frame 4 -o dilation.svg
  convanim render -i 5 -k 3 --frames-dir frames/
  convanim info -i 3 -k 3 -s 2 -p 1 --output-padding 1 --transposed
  convanim gallery --out gallery
  convanim gallery --manifest my_gallery.toml --out my_gallery
"""


class _Exit(Exception):
    """A one-line user error: printed to stderr, exit status 2."""


class _Parser(argparse.ArgumentParser):
    known_flags: ClassVar[set[str]] = set()  # every flag of every command, for suggestions

    def __init__(self, *args, **kwargs) -> None:
        # "--strid 2" must not be taken for --stride: abbreviations off, suggestions on.
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse prints usage plus the error; one line is easier to read and to grep.
        match = re.search(r"unrecognized arguments: (\S+)", message)
        if match and match.group(1).startswith("-"):
            close = difflib.get_close_matches(match.group(1), sorted(self.known_flags), n=1)
            if close:
                message += f" (did you mean {close[0]}?)"
        raise _Exit(f"{message} (see {self.prog} --help)")


def _all_flags(parser: argparse.ArgumentParser) -> set[str]:
    flags = set()
    for action in parser._actions:
        flags.update(name for name in action.option_strings if name.startswith("--"))
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                flags |= _all_flags(command)
    return flags


def _add_options(parser: argparse.ArgumentParser, group: str, title: str | None = None):
    """Add a flag for every option of ``group`` in the table that has one.

    Values are kept as typed and parsed by the option itself (:func:`_values`), so a
    mistake reads as it does in a manifest or the Sphinx directive.
    """
    section = parser.add_argument_group(title) if title else parser
    for entry in OPTIONS:
        if entry.group != group or entry.flag is None:
            continue
        names = [entry.short, entry.flag] if entry.short else [entry.flag]
        default = "" if entry.default is None else f" ({_shown_default(entry)})"
        if entry.kind == "flag":
            section.add_argument(
                *names, dest=entry.name, action="store_true", default=None, help=entry.help
            )
            continue
        metavar = (
            "{" + ",".join(entry.choices) + "}"
            if entry.kind == "choice"
            else entry.flag.lstrip("-").upper().replace("-", "_")
        )
        section.add_argument(
            *names,
            dest=entry.name,
            default=None,
            metavar="ROLE=COLOR" if entry.kind == "colors" else metavar,
            action="append" if entry.kind == "colors" else "store",
            # --layer gives the kernel: required options are checked by _spec
            required=entry.required and entry.name != "kernel_size",
            help=entry.help + default,
        )
    return section


def _shown_default(entry) -> str:
    return str(entry.default)


def _values(args: argparse.Namespace, group: str) -> dict[str, object]:
    """The options of ``group`` the user gave, parsed and checked by the table."""
    given = {}
    for entry in OPTIONS:
        if entry.group != group or entry.flag is None:
            continue
        text = getattr(args, entry.name, None)
        if text is None:
            continue
        if isinstance(text, list):  # a repeatable flag (--color): every value, in order
            text = ",".join(text)
        try:
            given[entry.name] = entry.flag_value if entry.kind == "flag" else entry.parse(text)
        except SpecError as error:
            raise _Exit(_flagged(error)) from None
    return given


def _add_spec_arguments(parser: argparse.ArgumentParser) -> None:
    group = _add_options(parser, "spec", "spec (per-axis values are written 5x7)")
    group.add_argument(
        "--transposed", action="store_true", help="shorthand for --op conv_transpose"
    )
    group.add_argument(
        "--layer",
        help='a torch.nn layer as written in code, e.g. "nn.Conv2d(3, 8, 3, stride=2)" '
        "(literals only, never evaluated); -i gives its spatial size",
    )
    group.add_argument(
        "--separable",
        action="store_true",
        help="a depthwise-separable block: a depthwise conv of -k over --in-channels, "
        "then a 1x1 conv to --out-channels, drawn in two stages",
    )
    group.add_argument(
        "--axes",
        default=None,
        help="axes of a spec written in plain integers (2; -i 8 --axes 1 is a 1-D spec)",
    )


_FLAG = {entry.name: entry.flag for entry in OPTIONS if entry.flag is not None}
_FLAG["fps"] = "--fps"
"""The flag behind each parameter a one-line error can name."""


def _spec(args: argparse.Namespace) -> Spec:
    values = _values(args, "spec")
    if args.layer is not None:
        from .layers import spec_from_layer_text

        extra = sorted(set(values) - {"input_size", "in_channels"})
        if extra or args.transposed:
            flag = _FLAG.get(extra[0], "--transposed") if extra else "--transposed"
            raise _Exit(f"{flag} is not valid with --layer: expected the layer to give it")
        try:
            return spec_from_layer_text(args.layer, values["input_size"], values.get("in_channels"))
        except SpecError as error:
            raise _Exit(f"--layer: {error}") from None
    if args.separable:
        return _separable(args, values)
    if "kernel_size" not in values:
        raise _Exit(
            "the following arguments are required: -k/--kernel (or --layer) "
            "(see convanim render --help)"
        )
    op = values.pop("op", "conv")
    if args.transposed:
        if op not in ("conv", "conv_transpose"):
            raise _Exit(f"--transposed is not valid with --op {op}: expected --op conv")
        op = "conv_transpose"
    if args.axes is not None:
        if args.axes.strip() not in ("1", "2", "3"):
            raise _Exit(f"--axes: axes = {args.axes!r} is not valid: expected 1, 2 or 3")
        axes = int(args.axes)
        for name, value in values.items():
            if isinstance(value, tuple) and len(value) != axes:
                written = "x".join(map(str, value))
                raise _Exit(
                    f"--axes {axes} is not valid with {_FLAG[name]} {written}: expected "
                    f"{axes} value{'s' if axes > 1 else ''} per parameter"
                )
        # Plain integers repeat on every axis; written-out values must already agree.
        values = {
            name: (value,) * axes if isinstance(value, int) else value
            for name, value in values.items()
        }
    try:
        return Spec(op, **values)
    except SpecError as error:
        raise _Exit(_flagged(error)) from None


def _separable(args: argparse.Namespace, values: dict) -> Separable:
    """``--separable``: the depthwise and pointwise stages from the spec flags."""
    if args.layer is not None or args.transposed or values.get("op", "conv") != "conv":
        raise _Exit("--separable is not valid with --layer, --transposed or --op: expected a conv")
    allowed = ("input_size", "kernel_size", "stride", "padding", "dilation", "padding_mode")
    for name in values:
        if name not in (*allowed, "op", "in_channels", "out_channels"):
            raise _Exit(f"{_FLAG[name]} is not valid with --separable: expected it without")
    for name in ("kernel_size", "in_channels", "out_channels"):
        if name not in values:
            raise _Exit(f"{_FLAG[name]} is required with --separable")
    try:
        return separable(
            values["input_size"],
            values["kernel_size"],
            in_channels=values["in_channels"],
            out_channels=values["out_channels"],
            **{name: values[name] for name in allowed[2:] if name in values},
        )
    except SpecError as error:
        raise _Exit(_flagged(error)) from None


def _build_parser() -> _Parser:
    parser = _Parser(
        prog="convanim",
        description="Animate convolution arithmetic, in the look of Dumoulin & Visin's figures.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"convanim {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    render = commands.add_parser(
        "render",
        help="draw one animation (or a still) into a file",
        description="Draw one spec into a file; the extension of -o picks the format.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_spec_arguments(render)
    look = _add_options(render, "draw", "look and output")
    _add_options(look, "write")
    look.add_argument(
        "--matrix", action="store_true", help="the matrix view y = C x (same as --style matrix)"
    )
    look.add_argument(
        "--standalone",
        action="store_true",
        help="a .tex document that compiles on its own, a page per frame (--tex standalone)",
    )
    look.add_argument("--fps", help="frames per second (instead of --duration)")
    target = look.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "-o", "--output", help="output file: .gif .mp4 .webp .apng .png .svg .pdf .html .tex"
    )
    target.add_argument("--frames-dir", help="write numbered PNG frames into this folder")
    look.add_argument(
        "--markdown",
        action="store_true",
        help="then print the Markdown that embeds the file (for a README)",
    )
    look.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    info = commands.add_parser(
        "info",
        help="output size, arithmetic, frame count and the PyTorch call",
        description="Print a spec's output size, its arithmetic and the PyTorch call.",
    )
    _add_spec_arguments(info)

    gallery = commands.add_parser(
        "gallery",
        help="build a whole gallery (the tutorial's animations by default)",
        description="Build every animation of a manifest, in parallel, into a folder.",
    )
    gallery.add_argument("--out", required=True, help="folder to write into")
    gallery.add_argument("--manifest", help="a manifest TOML file (default: the built-in gallery)")
    gallery.add_argument(
        "-j",
        "--jobs",
        default=None,
        help="worker processes (all cores; at most one per animation and 2 per core)",
    )
    gallery.add_argument(
        "--force",
        action="store_true",
        help="replace files of --out that no gallery wrote (a README.md of yours)",
    )
    gallery.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    _Parser.known_flags = _all_flags(parser)
    return parser


def _render(args: argparse.Namespace) -> int:
    spec = _spec(args)
    drawing = _values(args, "draw")
    if args.matrix:
        if drawing.get("style", "matrix") not in ("tutorial", "matrix"):
            raise _Exit(
                f"--matrix is not valid with --style {drawing['style']}: expected one of them"
            )
        drawing["style"] = "matrix"
    if drawing.get("style") == "matrix" and drawing.get("values"):
        raise _Exit("--values is not valid with the matrix view: expected it without")
    if args.fps is not None:
        if "duration" in drawing:
            raise _Exit("--fps is not valid with --duration: expected one of them")
        drawing["duration"] = _duration_of_fps(args.fps)
    write = _values(args, "write")
    if args.standalone:
        if write.get("tex", "standalone") != "standalone":
            raise _Exit(
                f"--standalone is not valid with --tex {write['tex']}: expected one of them"
            )
        write["tex"] = "standalone"
    if args.markdown and args.frames_dir is not None:
        raise _Exit("--markdown is not valid with --frames-dir: expected -o FILE")
    path, format = (
        (args.frames_dir, "frames") if args.frames_dir is not None else (args.output, None)
    )
    progress = False if args.quiet else None
    from .api import save
    from .writers import track_commits

    with track_commits() as committed:
        try:
            try:
                written = save(spec, path, format=format, progress=progress, **write, **drawing)
            except (ValueError, OSError):
                if _RECEIVED:
                    # A library (matplotlib's C++ drawing) turned the signal into its own
                    # error: the run was interrupted, and is said so.
                    raise KeyboardInterrupt from None
                raise
        except SpecError as error:
            if error.parameter == "duration" and args.fps is not None:
                raise _Exit(_fps_message(args.fps, path, format)) from None
            raise _Exit(_flagged(error)) from None
        except ValueError as error:
            raise _Exit(str(error)) from None
        except OSError as error:
            raise _Exit(_os_message(error, path)) from None
        except KeyboardInterrupt:
            if len(committed) > 1:  # paired themes: say which files are in place
                names = ", ".join(repr(os.fspath(each)) for each in committed)
                raise _Interrupted(f"interrupted; {names} were written") from None
            if committed:  # the signal came once the file was in place: say so
                raise _Interrupted(f"interrupted; {os.fspath(path)!r} was written") from None
            raise
    if args.markdown:
        print(_markdown(path, spec, drawing.get("theme"), written))
    return 0


def _markdown(path: str, spec, themes, written) -> str:
    """The snippet embedding what was written: with a theme pair (``--theme
    tutorial,dark``), a <picture> that shows the dark file to dark-mode readers."""
    from .api import paired_paths
    from .embed import markdown_snippet

    if not isinstance(written, list) or len(written) < 2:
        return markdown_snippet(path, spec.describe())
    # As the user typed them: the snippet goes into their page, beside the files.
    paths = [str(name) for name in paired_paths(path, themes)]
    names = [getattr(theme, "name", str(theme)) for theme in themes]
    dark = names.index("dark") if "dark" in names[1:] else 1
    return markdown_snippet(paths[0], spec.describe(), dark=paths[dark])


def _typed(text: str) -> str:
    """A value as the user typed it, cut in the middle when too long for one line."""
    return text if len(text) <= SHOWN_MAX else shown(text)


def _fps_message(text: str, path: str, format: str | None) -> str:
    """--fps too high for the format's shortest frame, said in frames per second."""
    from .writers import writer_for

    writer = writer_for(path, format)
    # round(1000 / fps) >= min_duration, in whole frames per second
    most = int(1000 / (writer.min_duration - 0.5))
    return (
        f"--fps: fps = {_typed(text)} is not valid for {writer.name.upper()}: expected at most "
        f"{most} (frames of at least {writer.min_duration} ms{writer.duration_reason})"
    )


def _duration_of_fps(text: str) -> int:
    """Whole milliseconds per frame for ``--fps``, within the durations a GIF can hold."""
    # Durations are whole milliseconds between 1 and 655350 (GIF's 16-bit field of
    # hundredths of a second): that bounds the frame rate.
    # The lowest rate is shown rounded up, so that the rate shown is itself valid.
    low, high = math.ceil(1000 / 655_350 * 1e6) / 1e6, 1000
    try:
        fps = float(text)
    except ValueError:
        fps = None
    if fps is None or not low <= fps <= high:
        raise _Exit(
            f"--fps: fps = {_typed(text)} is not valid: expected a number between {low:g} "
            f"and {high}"
        )
    return max(1, round(1000 / fps))


def _os_message(error: OSError, path: str) -> str:
    """One line for a file-system refusal (permissions, full disk, name too long...)."""
    where = error.filename if error.filename is not None else path
    reason = error.strerror or str(error)
    return f"cannot write {os.fspath(where)!r}: {reason}"


def _flagged(error: SpecError) -> str:
    """The error prefixed with the flag of the parameter it names, as users typed it."""
    flag = _FLAG.get(error.parameter or "")
    return f"{flag}: {error}" if flag else str(error)


def _info(args: argparse.Namespace) -> int:
    spec = _spec(args)
    if isinstance(spec, Separable):
        lines = [spec.describe(), f"torch.nn: {spec.torch_module()}"]
        lines.append(f"frames: {spec.num_frames} (every output value of both stages)")
        for name, stage in (("depthwise", spec.depthwise), ("pointwise", spec.pointwise)):
            lines += ["", f"{name}:", *_info_lines(stage)]
        print("\n".join(lines))
        return 0
    print("\n".join(_info_lines(spec)))
    return 0


def _info_lines(spec: Spec) -> list[str]:
    lines = [spec.describe(), ""]
    for axis, arithmetic in enumerate(spec.output_arithmetic()):
        label = f"axis {axis}" if spec.ndim > 1 else "output"
        lines.append(f"{label}: {arithmetic}")
    lines.append(f"output size: {'x'.join(map(str, spec.output_size))}")
    lines.append(f"frames: {spec.num_frames} (one per output cell)")
    if spec.transposed:
        grid = "x".join(map(str, spec.grid_size))
        around = [geometry.input_offset for geometry in spec.axes]
        if min(around) >= 0:
            border = f"k_eff-1-p = {'x'.join(map(str, around))} zeros around"
        else:
            # padding > k_eff - 1: the stretched input loses cells instead of gaining them
            border = f"k_eff-1-p = {'x'.join(map(str, around))}: cropped by {-min(around)} per side"
        lines.append(
            f"drawn as: a stride-1 convolution over the {grid} stretched input "
            f"(s-1 zeros between cells, {border}, "
            f"{'x'.join(map(str, spec.extra))} extra at the bottom/right)"
        )
    lines.append(f"pytorch: {spec.torch_call()}")
    if spec.in_channels != 1 or spec.out_channels != 1 or spec.groups != 1:
        lines += spec.info_lines()[:2]
    lines.append(f"torch.nn: {spec.torch_module()}")
    return lines


def _gallery(args: argparse.Namespace) -> int:
    from .gallery import build_gallery

    out = args.out
    if os.path.exists(out) and not os.path.isdir(out):
        raise _Exit(f"--out {out!r} is not valid: expected a folder")
    parent = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(parent):
        raise _Exit(f"--out {out!r} is not valid: expected a folder whose parent exists")
    from .gallery import gallery_workers, load_manifest
    from .writers import track_commits

    jobs = _jobs(args.jobs)
    try:
        # build_gallery checks the whole manifest before it writes anything, and moves
        # its files in only when every one is finished.
        count = len(load_manifest(args.manifest)[0])
        workers, capped = gallery_workers(jobs, count)
        if capped and jobs is not None and not args.quiet:
            print(f"convanim: -j {jobs} capped at {workers} workers ({capped})", file=sys.stderr)
        with track_commits() as moved:
            try:
                written = build_gallery(
                    out,
                    args.manifest,
                    jobs=workers,
                    progress=False if args.quiet else None,
                    overwrite=args.force,
                )
            except KeyboardInterrupt:
                if moved and Path(moved[-1]) == Path(out):
                    raise _Interrupted(f"interrupted; the gallery was written to {out!r}") from None
                raise _Interrupted(f"interrupted; nothing was written to {out!r}") from None
    except SpecError as error:
        raise _Exit(_gallery_flagged(error)) from None
    except OSError as error:
        # The build is all or nothing: a failure, even midway, leaves --out as it was.
        raise _Exit(f"{_os_message(error, out)}; nothing was written to {out!r}") from None
    if not args.quiet:
        print(f"wrote {len(written)} files to {out}", file=sys.stderr)
    return 0


def _jobs(text: str | None) -> int | None:
    """``-j`` as an integer, refused in one line (a 5,000-digit value shown cut)."""
    if text is None:
        return None
    from .gallery import MAX_JOBS

    stripped = text.strip()
    expected = f"an integer between 1 and {MAX_JOBS}"
    if not re.fullmatch(r"[0-9]{1,6}", stripped) or not 1 <= int(stripped) <= MAX_JOBS:
        raise _Exit(f"--jobs: jobs = {_typed(text)} is not valid: expected {expected}")
    return int(stripped)


def _gallery_flagged(error: SpecError) -> str:
    return f"--jobs: {error}" if error.parameter == "jobs" else str(error)


class _Interrupted(Exception):
    """Ctrl-C, with what it leaves behind said in one line."""


_RECEIVED: list[int] = []
"""The signals this run received: one a library swallowed must still be reported."""


def _terminate(signum: int, frame: object) -> None:
    # SIGTERM (kill, a CI timeout) unwinds like Ctrl-C, so temporary files are removed.
    _RECEIVED.append(signum)
    raise KeyboardInterrupt


def _install_interrupts() -> dict[int, object]:
    """Ctrl-C and SIGTERM raise KeyboardInterrupt and are recorded; returns what to
    restore (nothing off the main thread, where main() leaves signals alone)."""
    previous = {}
    try:
        previous[signal.SIGTERM] = signal.signal(signal.SIGTERM, _terminate)
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not ignored
            previous[signal.SIGINT] = signal.signal(signal.SIGINT, _terminate)
    except ValueError:  # not the main thread (main() called from a thread)
        pass
    return previous


def _output_of(args: argparse.Namespace) -> str | None:
    if args.command == "render":
        return args.output if args.output is not None else args.frames_dir
    return args.out if args.command == "gallery" else None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (2 for a user error, 130 when
    interrupted).

    Without ``argv`` (the ``convanim`` program) Ctrl-C and SIGTERM are ignored once the
    status is returned, while the interpreter exits; with ``argv`` the signal handlers
    in place before are restored.
    """
    _RECEIVED.clear()
    previous = _install_interrupts()  # first: before anything heavy is imported
    try:
        parser = _build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        handler = {"render": _render, "info": _info, "gallery": _gallery}[args.command]
        status = handler(args)
        sys.stdout.flush()
        if _RECEIVED and status == 0:
            # Interrupted, but a library swallowed it and the work finished: say what
            # is there rather than exit 0 as if nothing happened.
            output = _output_of(args)
            done = f"{output!r} was written" if output is not None else "it had finished"
            print(f"convanim: interrupted; {done}", file=sys.stderr)
            return 130
        return status
    except _Exit as error:
        print(f"convanim: error: {error}", file=sys.stderr)
        return 2
    except _Interrupted as error:
        print(f"convanim: {error}", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("convanim: interrupted; no file was written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into a program that stopped reading (`| head`): not an error of
        # ours. Point stdout at devnull so that the interpreter's final flush is quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    finally:
        for number, handler in previous.items():
            # As the program (no argv: the console script, python -m), the work is
            # done and said: a signal while the interpreter exits must not kill it
            # with another outcome. Called with argv (a test, a script), hand back.
            signal.signal(number, signal.SIG_IGN if argv is None else handler)


if __name__ == "__main__":
    sys.exit(main())
