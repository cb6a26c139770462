"""Gradescope's results.json, from a grade (what the judge decided for one submission).

The format is Gradescope's autograder specification (gradescope-autograders.readthedocs.io,
"Autograder Specifications"); gradescope-results.schema.json beside this file writes it
down as a JSON Schema, and the tests hold every results.json we write to it. One test
per check, with its points and message; a check's hidden cases are counted in its
points and listed as a test of their own, visible when the instructor says so. The
grade itself (without the instructor's review flags or clocks) goes in `extra_data`,
which Gradescope stores and does not show: `workshop report` reads a class back from it.
"""

import json
from pathlib import Path

from ..grader import results as check_results

SCHEMA = Path(__file__).with_name("gradescope-results.schema.json")
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
# What `workshop report` needs of a grade; not the review flags (the instructor's), the
# signature, the fingerprint or the seconds (a regrade must write the same file).
KEPT = ("submission", "status", "score", "max_score", "exercises", "notes", "seed")
KEPT += ("hidden_seed", "isolation")


def _scaled(value, factor):
    return round(value * factor, 6)


def results(grade, points=None, hidden_visibility="after_published", note=None):
    """results.json's object. `points`: {slug: points} to scale each exercise to (an
    assignment's own weights; default the workshop's); `note`: a line put first in
    the output (a late submission, say)."""
    tests, total = [], 0.0
    for slug, data in grade["exercises"].items():
        factor = 1.0
        if points and slug in points and data["max_points"]:
            factor = points[slug] / data["max_points"]
        label = f"{data['id']} {slug}"
        if not data["checks"]:
            tests.append(
                _test(
                    label,
                    _scaled(data["points"], factor),
                    _scaled(data["max_points"], factor),
                    f"{data['status']}: {data['reason']}",
                    "visible",
                )
            )
        named = [f"likely mistake: {d}" for d in data.get("diagnoses", [])]
        for check in data["checks"]:
            output = check["message"]
            if named and not check["passed"]:  # the mistake named under the first failure
                output, named = "\n".join([output, *named]), []
            tests.append(
                _test(
                    f"{label}: {check['name']}",
                    _scaled(check["points"], factor),
                    _scaled(check["max_points"], factor),
                    output,
                    "visible",
                )
            )
        hidden_named = [
            f"on the hidden cases, likely mistake: {d}" for d in data.get("hidden_diagnoses", [])
        ]
        for check in data["checks"]:
            if not check.get("hidden"):
                continue
            passed = check["hidden"] == check_results.HIDDEN_PASSED
            verdict = (
                "passed"
                if passed
                else f"failed: the check's {_scaled(check['max_points'], factor):g} points "
                "are not awarded"
            )
            if hidden_named and not passed:
                verdict, hidden_named = "\n".join([verdict, *hidden_named]), []
            # Counted in the public test's score above; listed when the instructor says,
            # without its expected values.
            test = _test(f"{label}: {check['name']} (hidden cases)", 0, 0, verdict,
                         hidden_visibility)  # fmt: skip
            test["status"] = "passed" if passed else "failed"
            tests.append(test)
        total += _scaled(data["points"], factor)
    lines = ([note] if note else []) + list(grade["notes"])
    return {
        "score": round(total, 6),
        "output": "\n".join(lines),
        "output_format": "text",
        "stdout_visibility": "hidden",  # the runner's progress: the instructor's
        "tests": tests,
        "extra_data": {"workshop": _kept(grade, points)},
    }


def _kept(grade, points):
    """The grade for `workshop report`, on the assignment's points (each exercise's
    points, checks and maxima scaled as its tests are)."""
    kept = {k: grade[k] for k in KEPT if k in grade}
    if not points:
        return kept
    exercises = {}
    for slug, data in grade["exercises"].items():
        factor = points[slug] / data["max_points"] if slug in points and data["max_points"] else 1
        checks = [
            dict(
                c, points=_scaled(c["points"], factor), max_points=_scaled(c["max_points"], factor)
            )
            for c in data["checks"]
        ]
        exercises[slug] = dict(
            data,
            points=_scaled(data["points"], factor),
            max_points=_scaled(data["max_points"], factor),
            checks=checks,
        )
    kept["exercises"] = exercises
    kept["score"] = round(sum(e["points"] for e in exercises.values()), 6)
    kept["max_score"] = round(sum(e["max_points"] for e in exercises.values()), 6)
    return kept


def _test(name, score, max_score, output, visibility):
    test = {"name": name, "score": score, "max_score": max_score, "output": output}
    test.update({"output_format": "text", "visibility": visibility})
    if max_score:
        test["status"] = "passed" if score >= max_score else "failed"
    return test


def failure(message, max_score=0.0, note=None):
    """results.json for a submission the autograder could not grade (empty, unreadable,
    late under a refusing policy, or a fault of ours): a score of 0 that says why, never
    a crashed autograder (which Gradescope shows as an error, not a grade). extra_data
    holds it as a grade that was not gradable, for `workshop report`."""
    lines = ([note] if note else []) + [message]
    grade = {"submission": "submission", "status": "not gradable", "score": 0.0}
    grade.update(max_score=float(max_score), exercises={}, notes=lines)
    return {
        "score": 0.0,
        "output": "\n".join(lines),
        "output_format": "text",
        "stdout_visibility": "hidden",
        "tests": [
            {
                "name": "Submission: not graded",
                "score": 0.0,
                "max_score": float(max_score),
                "status": "failed",
                "output": message,
                "output_format": "text",
                "visibility": "visible",
            }
        ],
        "extra_data": {"workshop": grade},
    }


def dumps(data):
    return json.dumps(data, indent=1, ensure_ascii=False)


def grade_of(data):
    """The workshop's grade a results.json holds (extra_data), or None."""
    if not isinstance(data, dict):
        return None
    grade = (data.get("extra_data") or {}).get("workshop")
    return grade if isinstance(grade, dict) and "exercises" in grade else None
