"""`workshop release OUT`: the copy of the workshop that students get.

It holds the library, the stubs, a README of its own (student_readme.py) and the
student part of the documentation site (workshop/site.py: the student page, the
experiment pages and the notes, as Markdown in docs/ and built in site/), but not
`solutions/`,
the known mistakes, the tests (which hold independent correct answers) or the
benchmarks. In their place it holds the reference's records for the public cases and
the default seed (workshop/reference_data/): the inputs are regenerated from the seed,
and the records give the expected outputs and gradients, and the known mistakes' runs
that let `workshop check` name a mistake. Only what the judge reads is stored: not the
reference's traced ops, configs or saved files.

Before it is called done, the copy is scanned: no file from the withheld folders, and
no line of solution code (a line of a solution or mistake file that the stubs do not
share) anywhere in it.
"""

import datetime
import json
import shutil
import subprocess
from pathlib import Path

from . import edition, student_readme

SHIPPED = (
    "README.md",
    "setup.cfg",
    "pyproject.toml",
    "constraints.txt",
    "workshop",
    "exercises",
    "notebooks",
)
WITHHELD = ("solutions", "tests", "benchmarks")
# notebooks/make_notebooks.py is how we write the notebooks, not for students. Of docs/,
# only the student part ships (site.STUDENT_PAGES): not the contributors' guide, which
# quotes known mistakes' code, nor the instructors' pages.
IGNORED = shutil.ignore_patterns(
    "__pycache__",
    "*.pyc",
    "*.egg-info",
    "RELEASE",
    "reference_data",
    "adding-an-exercise.md",
    "make_notebooks.py",
)
GITIGNORE = """\
# What the workshop makes as you use it: your environment, your progress, your runs.
.venv/
.workshop/
runs/
__pycache__/
*.egg-info/
exercises.zip
"""
MIN_LINE = 24  # shorter lines ("return x", "import keras") are common to any code


class LeakFound(Exception):
    """The release holds something a solution can be read back from."""


def build(repo, out, seed, progress=print, exercises=None, with_reference=True, practice=True):
    """Write the student copy of `repo` into `out` (which must not exist yet), with
    reference results for `exercises` (default all; fewer only for quick tests; none
    without `with_reference`, for an autograder, which ships its own), at `seed` and,
    with `practice`, at the practice seeds (grader/seeding.py)."""
    from . import catalog
    from .grader import hidden, reference_book
    from .grader.seeding import PRACTICE_HIDDEN_SEED, PRACTICE_SEEDS

    repo, out = Path(repo).resolve(), Path(out).resolve()
    out.mkdir(parents=True)
    for name in SHIPPED:
        source = repo / name
        if source.is_dir():
            shutil.copytree(source, out / name, ignore=IGNORED)
        elif source.is_file():
            shutil.copy2(source, out / name)
    _student_site(repo, out, progress)
    _without_solutions_package(out / "setup.cfg")
    # The instructors' README describes solutions, tests and CI: students get their own.
    (out / "README.md").write_text(student_readme.render(), encoding="utf-8")
    # The README says to publish the copy as a repository: not what running it makes.
    (out / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    data = out / "workshop" / "reference_data"
    live = reference_book.LiveReference()
    data.mkdir(parents=True, exist_ok=True)
    for exercise in (exercises or catalog.EXERCISES) if with_reference else ():
        reference_book.save(exercise, seed, data, live)
        if practice:  # other inputs and weights, and the hidden cases' other shapes
            for other in PRACTICE_SEEDS:
                reference_book.save(exercise, other, data, live)
            secret, secret_seed = hidden.pick(exercise, "hidden", seed, PRACTICE_HIDDEN_SEED)
            reference_book.save(secret, secret_seed, data, live)
        progress(f"reference results for {exercise.id} {exercise.slug}")
    # The versions the records were made with: check names a difference in one line.
    (data / edition.VERSIONS_NAME).write_text(json.dumps(edition.installed_versions()) + "\n")
    (out / "workshop" / "RELEASE").write_text(
        f"Student release built {datetime.date.today()} from {_commit(repo)}, seed {seed}.\n"
    )
    problems = scan(out, repo)
    if problems:
        raise LeakFound("; ".join(problems[:5]))
    return out


def _student_site(repo, out, progress):
    """The student part of the docs: built into site/ where MkDocs is installed (the
    `test` extra), else as Markdown only, said in one line."""
    from . import site

    try:
        import mkdocs  # noqa: F401
    except ImportError:
        site.copy_student_docs(repo, out / "docs")
        progress('the pages ship as Markdown only: pip install -e ".[test]" to build site/')
        return
    from mkdocs.exceptions import Abort

    from .errors import RunFailed

    try:
        site.build_student_site(repo, out)
    except Abort as error:  # a broken link or a missing page: the strict build's words
        raise RunFailed(f"the student pages did not build: {error}") from error
    progress("the student pages, built into site/")


def _without_solutions_package(setup_cfg):
    """The package list without solutions; the reference records shipped as data."""
    if not setup_cfg.is_file():
        return
    lines = [
        line
        for line in setup_cfg.read_text().splitlines()
        if line.strip() not in ("solutions", "solutions.*")
    ]
    setup_cfg.write_text("\n".join(lines) + "\n")


def _commit(repo):
    try:
        found = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        return found.stdout.strip() or "an unknown commit"
    except (OSError, subprocess.SubprocessError):
        return "an unknown commit"


def _lines(path):
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return set()
    return {" ".join(line.split()) for line in text.splitlines()}


def solution_lines(repo):
    """Lines of the withheld code that the shipped code does not share: each one is a
    piece of an answer (or of an independent correct answer, or of a near-answer)."""
    repo = Path(repo)
    withheld = set()
    for folder in WITHHELD:
        for path in (repo / folder).rglob("*.py"):
            withheld |= _lines(path)
    shipped = set()
    for folder in ("exercises", "workshop"):
        for path in (repo / folder).rglob("*.py"):
            shipped |= _lines(path)
    return {
        line for line in withheld - shipped if len(line) >= MIN_LINE and not line.startswith("#")
    }


def scan(release, repo):
    """What in `release` gives a solution away: withheld files, compiled files, or
    lines of solution code. An empty list when clean."""
    release = Path(release)
    problems = []
    for path in release.rglob("*"):
        relative = path.relative_to(release)
        if relative.parts[0] in WITHHELD or "mistakes" in relative.parts:
            problems.append(f"{relative} is from a withheld folder")
        elif path.suffix == ".pyc":
            problems.append(f"{relative} is compiled code")
    answers = solution_lines(repo)
    for path in release.rglob("*"):
        if path.is_file() and path.suffix in (
            ".py", ".md", ".txt", ".cfg", ".toml", ".json", ".html",
        ):  # fmt: skip
            for line in sorted(_lines(path) & answers)[:1]:
                problems.append(f"{path.relative_to(release)} holds solution code: {line!r}")
    return problems
