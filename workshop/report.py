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


def exercise_text(result):
    header = (
        f"Exercise {result.exercise_id}  {result.title}  "
        f"{result.points:g}/{result.max_points:g}  {result.status}"
    )
    lines = [header]
    if result.reason:
        lines.append(_indent(result.reason, "    "))
    for check in result.checks:
        lines.append(
            f"  {MARK[check.passed]} {check.name:<24} {check.points:g}/{check.max_points:g}"
        )
        if not check.passed:
            lines.append(_indent(check.message))
    for diagnosis in result.diagnoses:
        lines.append(_indent(f"likely mistake: {diagnosis}", "  "))
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
