"""The ``convanim`` command: parse, then call the library (nothing else happens here).

Every error a user can cause prints one line to stderr, exits with status 2 and leaves
no file behind.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
from collections.abc import Sequence

from . import __version__
from .spec import OPS, Spec, SpecError

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
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse prints usage plus the error; one line is easier to read and to grep.
        raise _Exit(f"{message} (see {self.prog} --help)")


_SIZE = re.compile(r"^-?[0-9]+(x-?[0-9]+){0,2}$")  # ASCII digits only, as typed


def _sizes(flag: str) -> callable:
    def parse(text: str) -> int | tuple[int, ...]:
        if not _SIZE.match(text.strip()):
            raise argparse.ArgumentTypeError(
                f"{flag} {text!r} is not valid: expected an integer or one per axis like 5x7"
            )
        values = tuple(int(part) for part in text.strip().split("x"))
        return values[0] if len(values) == 1 else values

    parse.__name__ = flag
    return parse


def _add_spec_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("spec (per-axis values are written 5x7)")
    group.add_argument("--op", choices=OPS, default="conv", help="operation (default: conv)")
    group.add_argument("-i", "--input", type=_sizes("--input"), required=True, help="input size")
    group.add_argument("-k", "--kernel", type=_sizes("--kernel"), required=True, help="kernel size")
    group.add_argument("-s", "--stride", type=_sizes("--stride"), default=1, help="stride (1)")
    group.add_argument("-p", "--padding", type=_sizes("--padding"), default=0, help="padding (0)")
    group.add_argument(
        "-d", "--dilation", type=_sizes("--dilation"), default=1, help="dilation (1)"
    )
    group.add_argument(
        "--output-padding",
        type=_sizes("--output-padding"),
        default=0,
        help="conv_transpose only: extra rows/columns at the bottom/right (0)",
    )
    group.add_argument(
        "--transposed", action="store_true", help="shorthand for --op conv_transpose"
    )
    group.add_argument(
        "--axes",
        type=int,
        choices=(1, 2, 3),
        default=None,
        help="axes of a spec written in plain integers (2; -i 8 --axes 1 is a 1-D spec)",
    )


_FLAG = {
    "input_size": "--input",
    "kernel_size": "--kernel",
    "stride": "--stride",
    "padding": "--padding",
    "dilation": "--dilation",
    "output_padding": "--output-padding",
    "op": "--op",
    "duration": "--duration",
    "loop": "--loop",
    "frame": "--frame",
    "dpi": "--dpi",
    "style": "--style",
    "seed": "--seed",
}
"""The flag behind each parameter a one-line error can name."""


def _spec(args: argparse.Namespace) -> Spec:
    op = "conv_transpose" if args.transposed else args.op
    if args.transposed and args.op not in ("conv", "conv_transpose"):
        raise _Exit(f"--transposed is not valid with --op {args.op}: expected --op conv")
    values = {
        "input_size": args.input,
        "kernel_size": args.kernel,
        "stride": args.stride,
        "padding": args.padding,
        "dilation": args.dilation,
        "output_padding": args.output_padding,
    }
    if args.axes is not None:
        for name, value in values.items():
            if isinstance(value, tuple) and len(value) != args.axes:
                written = "x".join(map(str, value))
                raise _Exit(
                    f"--axes {args.axes} is not valid with {_FLAG[name]} {written}: expected "
                    f"{args.axes} value{'s' if args.axes > 1 else ''} per parameter"
                )
        # Plain integers repeat on every axis; written-out values must already agree.
        values = {
            name: (value,) * args.axes if isinstance(value, int) else value
            for name, value in values.items()
        }
    try:
        return Spec(op, **values)
    except SpecError as error:
        raise _Exit(_flagged(str(error))) from None


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
    look = render.add_argument_group("look and output")
    look.add_argument("--style", choices=("tutorial", "flat", "matrix"), default="tutorial")
    look.add_argument(
        "--matrix", action="store_true", help="the matrix view y = C x (same as --style matrix)"
    )
    look.add_argument(
        "--values", action="store_true", help="print input, kernel and output numbers in cells"
    )
    look.add_argument("--seed", type=int, default=1234, help="seed for --values numbers (1234)")
    look.add_argument("--labels", action="store_true", help='label the planes "input"/"output"')
    look.add_argument(
        "--caption", action="store_true", help="write the spec and its arithmetic underneath"
    )
    timing = look.add_mutually_exclusive_group()
    timing.add_argument("--duration", type=int, help="milliseconds per frame (1000)")
    timing.add_argument("--fps", type=float, help="frames per second (instead of --duration)")
    look.add_argument("--loop", type=int, default=0, help="times to play, 0 = forever (0)")
    look.add_argument("--dpi", type=float, default=None, help="pixels per inch (150)")
    look.add_argument("--frame", type=int, default=0, help="the frame a still shows (0)")
    target = look.add_mutually_exclusive_group(required=True)
    target.add_argument("-o", "--output", help="output file: .gif .mp4 .webp .apng .png .svg .pdf")
    target.add_argument("--frames-dir", help="write numbered PNG frames into this folder")
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
        "-j", "--jobs", type=int, default=None, help="worker processes (all cores)"
    )
    gallery.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    return parser


def _render(args: argparse.Namespace) -> int:
    from .api import save

    spec = _spec(args)
    if args.matrix and args.style not in ("tutorial", "matrix"):
        raise _Exit(f"--matrix is not valid with --style {args.style}: expected one of them")
    style = "matrix" if args.matrix else args.style
    if style == "matrix" and args.values:
        raise _Exit("--values is not valid with the matrix view: expected it without")
    if args.fps is not None:
        # Durations are whole milliseconds between 1 and 655350 (GIF's 16-bit field of
        # hundredths of a second): that bounds the frame rate.
        low, high = 1000 / 655_350, 1000
        if not low <= args.fps <= high:
            raise _Exit(
                f"--fps: fps = {args.fps:g} is not valid: expected a number between "
                f"{low:.4f} and {high}"
            )
        duration = round(1000 / args.fps)
    else:
        duration = args.duration if args.duration is not None else 1000
    path, format = (
        (args.frames_dir, "frames") if args.frames_dir is not None else (args.output, None)
    )
    progress = False if args.quiet else None
    try:
        save(
            spec,
            path,
            style=style,
            values=args.values,
            seed=args.seed,
            labels=args.labels,
            caption=args.caption,
            duration=duration,
            loop=args.loop,
            frame=args.frame,
            dpi=args.dpi,
            format=format,
            progress=progress,
        )
    except SpecError as error:
        raise _Exit(_flagged(str(error))) from None
    except ValueError as error:
        raise _Exit(str(error)) from None
    except OSError as error:
        raise _Exit(_os_message(error, path)) from None
    return 0


def _os_message(error: OSError, path: str) -> str:
    """One line for a file-system refusal (permissions, full disk, name too long...)."""
    where = error.filename if error.filename is not None else path
    reason = error.strerror or str(error)
    return f"cannot write {os.fspath(where)!r}: {reason}"


def _flagged(message: str) -> str:
    """Prefix an error with the flag of the parameter it names, as users typed it."""
    name = re.split(r"[\[ .]", message, maxsplit=1)[0]
    flag = _FLAG.get(name)
    return f"{flag}: {message}" if flag else message


def _info(args: argparse.Namespace) -> int:
    spec = _spec(args)
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
    print("\n".join(lines))
    return 0


def _gallery(args: argparse.Namespace) -> int:
    from .gallery import build_gallery

    if args.jobs is not None and args.jobs < 1:
        raise _Exit(f"--jobs: jobs = {args.jobs} is not valid: expected an integer >= 1")
    out = args.out
    if os.path.exists(out) and not os.path.isdir(out):
        raise _Exit(f"--out {out!r} is not valid: expected a folder")
    parent = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(parent):
        raise _Exit(f"--out {out!r} is not valid: expected a folder whose parent exists")
    try:
        # build_gallery checks the whole manifest before it writes anything.
        written = build_gallery(
            out, args.manifest, jobs=args.jobs, progress=False if args.quiet else None
        )
    except SpecError as error:
        raise _Exit(str(error)) from None
    except OSError as error:
        raise _Exit(_os_message(error, out)) from None
    except KeyboardInterrupt:
        raise _Interrupted(
            f"interrupted; animations finished before it are in {out!r}, no partial file"
        ) from None
    if not args.quiet:
        print(f"wrote {len(written)} files to {out}", file=sys.stderr)
    return 0


class _Interrupted(Exception):
    """Ctrl-C, with what it leaves behind said in one line."""


def _terminate(signum: int, frame: object) -> None:
    # SIGTERM (kill, a CI timeout) unwinds like Ctrl-C, so temporary files are removed.
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (2 for a user error)."""
    parser = _build_parser()
    try:
        previous = signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # not the main thread (main() called from a thread): leave it be
        previous = None
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        handler = {"render": _render, "info": _info, "gallery": _gallery}[args.command]
        status = handler(args)
        sys.stdout.flush()
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
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
