"""`workshop check` and `workshop hint` inside Jupyter or Colab.

`check("conv")` grades the same exercises/ folder as `workshop check conv` (found from
the current folder, as cli.find_root does) with the same 60-second limit per stage, and
returns a `Results`: in a notebook its last-line display is an HTML table (checks,
points, failures in red, the mistake named, the next hint); anywhere else `check`
prints the plain text report, word for word the command's. `%load_ext workshop` adds
the line magics `%check` and `%hint` (workshop/__init__.py, load_ipython_extension).

IPython is never imported here: a notebook is recognised from the shell already
running, and the magics are registered on the shell IPython passes in. Hints are
plain HTML (a `<details>` per tier already seen, a line naming the next one), with no
widgets, so they show the same in Colab, Jupyter and a saved notebook.
"""

import argparse
import html
import shlex
import sys

from .cli import Parser, find_root
from .commands.check import add_time_limit, grade_and_remember, seed_to_use, where_graded
from .commands.picking import pick_exercises
from .edition import is_release, version_note
from .errors import UsageError

RED, GREEN, GREY = "#d32f2f", "#2e7d32", "#757575"
FAILED_ROW = "background: rgba(211, 47, 47, 0.08)"  # light and dark themes alike
CELL = "padding: 0.15em 0.8em"


class NotebookUsageError(UsageError):
    """A UsageError that IPython shows as its one line (`_render_traceback_` is IPython's
    hook for that) instead of a traceback through the workshop's frames."""

    def _render_traceback_(self):
        return [f"workshop: {self}"]


def in_notebook():
    """True inside a Jupyter or Colab kernel: its shell has a kernel; a terminal's has not."""
    ipython = sys.modules.get("IPython")  # never imported here: a notebook has done it
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "kernel", None) is not None


def folder(root=None):
    """The folder whose exercises/ `check` grades: `root`, else the current folder or one
    above it, else the copy installed with the workshop (as `workshop check`)."""
    try:
        return find_root(root)
    except UsageError as error:
        raise NotebookUsageError(str(error)) from None


def check(*names, seed=None, time_limit=60.0, root=None):
    """Grade exercises (all when no name is given) and return their `Results`.

    Args:
        *names: ids or names, e.g. "1.1" or "conv".
        seed: seed for the random inputs and weights (default the workshop's).
        time_limit: seconds for each stage of your code before it is stopped.
        root: the folder holding exercises/ (default: found from the current folder).
    """
    try:
        exercises = pick_exercises(list(names))  # before TensorFlow: a typo answers at once
        number = isinstance(time_limit, (int, float)) and not isinstance(time_limit, bool)
        if not (number and time_limit > 0):
            raise UsageError(f"time_limit must be a positive number of seconds, not {time_limit!r}")
        graded_root = find_root(root)
        from .quiet import import_tensorflow

        import_tensorflow()
        seed = seed_to_use(seed, "the seed")
    except UsageError as error:
        raise NotebookUsageError(str(error)) from None
    where = where_graded(root, graded_root)
    note = version_note() if is_release() else None
    show_text = not in_notebook()
    if show_text:  # the command's first lines, before the wait
        print("\n".join(line for line in (where, note) if line), flush=True)
    graded, state = grade_and_remember(exercises, graded_root, seed, time_limit)
    found = Results(graded, seed, where, note, hints_seen=dict(state.data["hints"]))
    if show_text:
        print(found.report(), flush=True)
    return found


def hint(name, root=None):
    """Print one more hint for the exercise `name`, as `workshop hint NAME` does."""
    from .commands import hint as hint_command

    try:
        pick_exercises([name])
        graded_root = find_root(root)
    except UsageError as error:
        raise NotebookUsageError(str(error)) from None
    hint_command.run(argparse.Namespace(exercise=name), graded_root)


class Results:
    """What `check` returns: one grader ExerciseResult per exercise, in `exercises`.

    `str()` is the text report of `workshop check`; a notebook shows `_repr_html_`.
    """

    def __init__(self, exercises, seed, where="", note=None, hints_seen=None):
        self.exercises = list(exercises)
        self.seed = seed
        self.where = where
        self.note = note
        self.hints_seen = dict(hints_seen or {})  # slug -> tiers shown (state.json)

    def __iter__(self):
        return iter(self.exercises)

    def __len__(self):
        return len(self.exercises)

    @property
    def points(self):
        return sum(result.points for result in self.exercises)

    @property
    def max_points(self):
        return sum(result.max_points for result in self.exercises)

    @property
    def passed(self):
        from .grader import results

        return all(result.status == results.PASSED for result in self.exercises)

    def report(self):
        """The report alone, as `workshop check` prints it after its first lines."""
        from .report import text

        return text(self.exercises, self.seed, "workshop check")

    def __str__(self):
        return "\n".join(line for line in (self.where, self.note, self.report()) if line)

    def __repr__(self):
        # Short: in a terminal `check` has printed the report already.
        each = ", ".join(f"{r.slug} {r.points:g}/{r.max_points:g} {r.status}" for r in self)
        return f"<workshop results: {each}; total {self.points:g}/{self.max_points:g}>"

    def _repr_html_(self):
        from .grader import results

        parts = ['<div class="workshop-check">']
        if self.where:
            parts.append(f'<p style="color: {GREY}; margin: 0 0 0.5em">{_e(self.where)}</p>')
        if self.note:
            parts.append(f'<p style="color: {RED}">{_e(self.note)}</p>')
        parts.extend(exercise_html(r, self.hints_seen.get(r.slug, 0)) for r in self)
        footer = f"<b>Total {self.points:g}/{self.max_points:g}.</b> Seed {self.seed}."
        failing = [r.slug for r in self if r.status != results.PASSED]
        if failing:
            again = ", ".join(f'"{slug}"' for slug in failing)
            footer += f" Reproduce exactly: <code>check({_e(again)}, seed={self.seed})</code>."
        parts.append(f"<p>{footer}</p></div>")
        return "\n".join(parts)


def _e(text):
    return html.escape(str(text), quote=False)


def _colour(status):
    """Green for passed, grey for a stub not written yet (or waiting on one), else red."""
    from .grader import results

    if status == results.PASSED:
        return GREEN
    return GREY if status in (results.NOT_ATTEMPTED, results.BLOCKED) else RED


def _status(result):
    score = f"{result.points:g}/{result.max_points:g} {result.status}"
    return f'<span style="color: {_colour(result.status)}">{_e(score)}</span>'


def _verdict(passed):
    if passed:
        return f'<td style="text-align: left; color: {GREEN}; {CELL}">passed</td>'
    return f'<td style="text-align: left; color: {RED}; font-weight: bold; {CELL}">failed</td>'


def _message(text, colour=RED, in_table=False):
    # In the table, width 0 and min-width 100% wrap a long message to the table's width
    # instead of stretching the table (and its columns) to the message's length.
    fit = " width: 0; min-width: 100%; box-sizing: border-box;" if in_table else ""
    return (
        f'<pre style="white-space: pre-wrap; color: {colour}; margin: 0.2em 0 0.4em;'
        f' padding: 0 0 0 1em; background: none; font-size: 90%;{fit}">{_e(text)}</pre>'
    )


def exercise_html(result, hints_seen=0):
    """One exercise as the text report has it: title and score, its checks as a table
    (failures in red, each with its message), the mistake named, and the hints."""
    from .grader import results
    from .report import _error_part

    parts = [
        f'<h4 style="margin: 1em 0 0.3em">Exercise {_e(result.exercise_id)} '
        f"{_e(result.title)} &nbsp; {_status(result)}</h4>"
    ]
    if result.reason:
        parts.append(_message(result.reason, _colour(result.status)))
    if result.checks:
        hidden = result.hidden_run
        names = ["check", "points", "result"] + (["hidden cases"] if hidden else [])
        align = {"points": "right"}
        head = "".join(
            f'<th style="text-align: {align.get(name, "left")}; {CELL}">{name}</th>'
            for name in names
        )
        columns = 4 if hidden else 3
        rows = [
            '<table style="border-collapse: collapse; min-width: 40em">'
            f"<thead><tr>{head}</tr></thead><tbody>"
        ]
        first_with = {}  # an error's text -> the first check that showed it, as report.py
        for check in result.checks:
            style = "" if check.passed else f' style="{FAILED_ROW}"'
            cells = (
                f'<td style="text-align: left; {CELL}">{_e(check.name)}</td>'
                f'<td style="text-align: right; {CELL}">{check.points:g}/{check.max_points:g}</td>'
            )
            cells += _verdict(check.passed)
            if hidden:
                cells += _verdict(check.hidden == results.HIDDEN_PASSED)
            rows.append(f'<tr class="{"ok" if check.passed else "fail"}"{style}>{cells}</tr>')
            if not check.passed:
                error = _error_part(check.message)
                if error in first_with:
                    shown = f"the same error as under '{first_with[error]}'"
                else:
                    first_with[error] = check.name
                    shown = check.message
                shown = _message(shown, in_table=True)
                rows.append(
                    f'<tr{style}><td colspan="{columns}" style="text-align: left">{shown}</td></tr>'
                )
        rows.append("</tbody></table>")
        parts.append("\n".join(rows))
    for diagnosis in result.diagnoses:
        parts.append(f'<p><b style="color: {RED}">Likely mistake:</b> {_e(diagnosis)}</p>')
    if result.checks and not result.hidden_run:
        passed = sum(check.passed for check in result.checks)
        parts.append(
            f'<p style="color: {GREY}">Public checks: {passed} of {len(result.checks)} passed; '
            "at grading every check runs again on hidden cases (other seeds and shapes).</p>"
        )
    failed_hidden = [c.name for c in result.checks if c.hidden == results.HIDDEN_FAILED]
    if failed_hidden:
        parts.append(
            f"<p>On the hidden cases (other seeds and shapes) these checks failed: "
            f"{_e(', '.join(failed_hidden))}; their points are not awarded.</p>"
        )
    for diagnosis in result.hidden_diagnoses:
        parts.append(
            f'<p><b style="color: {RED}">On the hidden cases, likely mistake:</b> '
            f"{_e(diagnosis)}</p>"
        )
    if result.status != results.PASSED:
        parts.append(hints_html(result.slug, hints_seen))
    return "\n".join(parts)


def hints_html(slug, seen):
    """The hints shown so far, each folded in a `<details>`, and how to get the next:
    `hint` keeps the tiers in order (state.json), so the HTML never shows one early."""
    from .catalog import find

    exercise = find(slug)
    if exercise is None or not exercise.hints:
        return ""
    total = len(exercise.hints)
    seen = min(seen, total)
    parts = [
        f"<details><summary>Hint {tier} of {total}</summary><p>{_e(text)}</p></details>"
        for tier, text in enumerate(exercise.hints[:seen], start=1)
    ]
    if seen < total:
        parts.append(
            f"<p>Stuck? <code>%hint {_e(slug)}</code> or <code>hint(&quot;{_e(slug)}&quot;)"
            f"</code> shows hint {seen + 1} of {total}.</p>"
        )
    else:
        parts.append(
            f"<p>That was the last hint; the docstring in exercises/{_e(exercise.module)}.py "
            "has the formula and the shapes.</p>"
        )
    return "\n".join(parts)


# The magics: `%check conv maxpool --seed 5`, `%hint conv`. Their parsers raise
# UsageError (cli.Parser) for one line, as the command does.


def _check_parser():
    parser = Parser(prog="%check", description="grade exercises (all by default)")
    parser.add_argument("exercises", nargs="*", metavar="EXERCISE", help="id or name")
    parser.add_argument("--seed", type=int, help="seed for the random inputs and weights")
    parser.add_argument("--root", help="the folder that holds exercises/")
    add_time_limit(parser)
    return parser


def _hint_parser():
    parser = Parser(prog="%hint", description="one more hint for an exercise each time")
    parser.add_argument("exercise", metavar="EXERCISE")
    parser.add_argument("--root", help="the folder that holds exercises/")
    return parser


def _parse(parser, line):
    try:
        return parser.parse_args(shlex.split(line))
    except UsageError as error:
        raise NotebookUsageError(str(error)) from None
    except SystemExit:  # --help has printed the usage
        return None


def check_magic(line):
    """%check [EXERCISE ...] [--seed N] [--time-limit SECONDS] [--root DIR]"""
    args = _parse(_check_parser(), line)
    if args is None:
        return None
    return check(*args.exercises, seed=args.seed, time_limit=args.time_limit, root=args.root)


def hint_magic(line):
    """%hint EXERCISE [--root DIR]"""
    args = _parse(_hint_parser(), line)
    if args is not None:
        hint(args.exercise, root=args.root)


def register_magics(ipython):
    ipython.register_magic_function(check_magic, magic_kind="line", magic_name="check")
    ipython.register_magic_function(hint_magic, magic_kind="line", magic_name="hint")
