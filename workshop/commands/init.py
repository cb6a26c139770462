"""`workshop init DIR`: a folder of one's own to write the exercises in, for a workshop
installed from a wheel, whose stubs otherwise sit inside site-packages: the stubs
installed with the workshop, and a README that says how to start."""

import shutil
from pathlib import Path

from ..errors import UsageError
from .command import Command

README = """# Chapter 6 of Nielsen's book: your exercises

Each file in `exercises/` holds stubs that raise `NotImplementedError("Exercise N.M: ...")`.
Their docstrings give the equation, the shapes and a small example. Write the code in
the stubs, then ask the grader, from this folder:

```bash
workshop list              # the exercises, and how far you got with each
workshop check conv        # grade one exercise (or several, or all without a name)
workshop hint conv         # a hint, one tier more each time you ask
workshop watch conv        # grade again at every save
workshop run cnn --impl exercises --quick   # train the chapter's network with your layers
```

`workshop check` says which `exercises/` folder it graded: run it here, or pass
`--root {folder}`.
"""


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
        readme.write_text(README.format(folder=folder), encoding="utf-8")
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
