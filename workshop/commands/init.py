"""`workshop init DIR`: a folder of one's own to write the exercises in, for a workshop
installed from a wheel, whose stubs otherwise sit inside site-packages: the stubs
installed with the workshop, and the student copy's README (student_readme.py)."""

import shutil
from pathlib import Path

from ..errors import UsageError
from .command import Command


def add_arguments(parser):
    parser.add_argument(
        "folder",
        metavar="DIR",
        help="the folder to write (made if missing; not one with exercises/)",
    )


def installed_exercises():
    """The stubs that came with the workshop (site-packages, or the checkout)."""
    return Path(__file__).resolve().parents[2] / "exercises"


def run(args, root):
    folder = Path(args.folder).expanduser().resolve()
    if (folder / "exercises").exists():
        raise UsageError(
            f"{args.folder} already has an exercises/ folder: nothing was changed "
            "(choose a new folder)"
        )
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{args.folder} is a file: choose a folder")
    source = installed_exercises()
    if not (source / "__init__.py").is_file():
        raise UsageError(f"the workshop's own stubs are missing from {source}: reinstall it")
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, folder / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    readme = folder / "README.md"
    written = ["exercises/"]
    if not readme.exists():  # a README of the student's own stays as it is
        from ..student_readme import render

        readme.write_text(render(), encoding="utf-8")
        written.append("README.md")
    print(f"Wrote {', '.join(written)} in {folder}. Next: cd {folder} && workshop list")
    return 0


COMMAND = Command(
    "init",
    "write a folder of your own with the exercise stubs",
    add_arguments,
    run,
    needs_root=False,
)
