"""The `workshop` command: its parser, built from the commands' registry
(workshop/commands/), where the workshop is, and one line for every error.

Arguments are parsed before TensorFlow is imported, so a typo is answered at once.
"""

import argparse
import os
import sys
from pathlib import Path

from .errors import USAGE_EXIT, RunFailed, UsageError


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{message}. See `{self.prog} --help`.")


def build_parser():
    from .commands import COMMANDS

    parser = Parser(
        prog="workshop",
        description="Write the pieces of chapter 6 of Nielsen's book (layers, cells, Boltzmann "
        "machines, attacks, a deep Q-network) and get them graded.",
    )
    parser.add_argument(
        "--root",
        help="the folder that holds exercises/ (default: found from the current folder)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True
    for command in COMMANDS:
        command.add_arguments(commands.add_parser(command.name, help=command.help))
    return parser


def find_root(given):
    """The folder with exercises/: --root, else the current folder or a parent of it,
    else the checkout the workshop is installed from."""
    if given:
        root = Path(given).expanduser().resolve()
        if not (root / "exercises" / "__init__.py").is_file():
            raise UsageError(f"--root {given}: no exercises/ folder there")
        return root
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "exercises" / "__init__.py").is_file():
            return folder
    installed = Path(__file__).resolve().parent.parent
    if (installed / "exercises" / "__init__.py").is_file():
        return installed
    raise UsageError("no exercises/ folder here or above: cd into the workshop, or pass --root")


def main(argv=None):
    from .commands import COMMANDS

    by_name = {command.name: command for command in COMMANDS}
    args = None
    try:
        args = build_parser().parse_args(argv)
        command = by_name[args.command]
        root = find_root(args.root) if command.needs_root else None
        return command.run(args, root)
    except UsageError as error:
        print(f"workshop: {error}", file=sys.stderr)
        return USAGE_EXIT
    except RunFailed as error:
        print(f"workshop: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # `workshop list | head`: the reader left; say nothing more, as `ls | head` does.
        # Python would print a traceback when it flushes stdout at exit: point it at null.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, a shell's code for it
    except KeyboardInterrupt:
        again = args is not None and by_name[args.command].resumable
        resume = " (run the same command again to resume)" if again else ""
        print(f"workshop: interrupted{resume}", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
