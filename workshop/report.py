"""Grading results as a table for people, or as JSON for tools."""

import json
import textwrap

from .grader import results

MARK = {True: "ok  ", False: "FAIL"}


def _indent(text, prefix="        ", width=100):
    """Indent every line and wrap long ones, so messages stay readable in a terminal."""
    lines = []
    for line in text.splitlines():
        lines.extend(
            textwrap.wrap(
                line,
                width,
                initial_indent=prefix,
                subsequent_indent=prefix + "  ",
                break_on_hyphens=False,
                drop_whitespace=True,
            )
            or [prefix]
        )
    return "\n".join(lines)


HIDDEN_MARK = {results.HIDDEN_PASSED: "  hidden ok", results.HIDDEN_FAILED: "  hidden FAIL"}


def _error_part(message):
    """What a failure's message says of an exception, from 'raised' on: several checks
    failing on the same error print it once."""
    at = message.find(" raised ")
    return message[at:] if at >= 0 else message


def exercise_text(result):
    header = (
        f"Exercise {result.exercise_id}  {result.title}  "
        f"{result.points:g}/{result.max_points:g}  {result.status}"
    )
    lines = [header]
    if result.reason:
        lines.append(_indent(result.reason, "    "))
    width = max([24] + [len(check.name) for check in result.checks])
    first_with = {}  # an error's text -> the first check that showed it
    for check in result.checks:
        lines.append(
            f"  {MARK[check.passed]} {check.name:<{width}} {check.points:g}/{check.max_points:g}"
            + HIDDEN_MARK.get(check.hidden, "")
        )
        if not check.passed:
            error = _error_part(check.message)
            if error in first_with:
                lines.append(_indent(f"the same error as under '{first_with[error]}'"))
            else:
                first_with[error] = check.name
                lines.append(_indent(check.message))
    for diagnosis in result.diagnoses:
        lines.append(_indent(f"likely mistake: {diagnosis}", "  "))
    if result.checks and not result.hidden_run:
        passed = sum(check.passed for check in result.checks)
        points = sum(check.points for check in result.checks)
        total = sum(check.max_points for check in result.checks)
        lines.append(
            _indent(
                f"public checks: {passed} of {len(result.checks)} passed, {points:g}/{total:g} "
                "points; at grading every check runs again on hidden cases (other seeds and "
                "shapes)",
                "  ",
            )
        )
    failed_hidden = [c.name for c in result.checks if c.hidden == results.HIDDEN_FAILED]
    if failed_hidden:
        lines.append(
            _indent(
                f"on the hidden cases (other seeds and shapes) these checks failed: "
                f"{', '.join(failed_hidden)}; their points are not awarded. Their expected values "
                "are not shown: test your code on shapes of your own.",
                "  ",
            )
        )
    for diagnosis in result.hidden_diagnoses:
        lines.append(_indent(f"on the hidden cases, likely mistake: {diagnosis}", "  "))
    return "\n".join(lines)


def text(all_results, seed, command_hint):
    blocks = [exercise_text(result) for result in all_results]
    points = sum(r.points for r in all_results)
    total = sum(r.max_points for r in all_results)
    failing = [r.slug for r in all_results if r.status != results.PASSED]
    footer = f"Total {points:g}/{total:g}.  Seed {seed}."
    if failing:
        footer += (
            f" Reproduce exactly: {command_hint} {' '.join(failing)} --seed {seed}."
            f" More help: workshop hint {failing[0]}"
        )
    return "\n\n".join(blocks + [footer])


def as_json(all_results, seed):
    return json.dumps(
        {
            "seed": seed,
            "points": sum(r.points for r in all_results),
            "max_points": sum(r.max_points for r in all_results),
            "exercises": [r.to_dict() for r in all_results],
        },
        indent=2,
        ensure_ascii=False,
    )
