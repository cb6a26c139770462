"""`workshop report GRADES_DIR`: what a graded class got right and wrong, read from the
batch's grade.json files, as report.html with its figures (PNG) beside it.

What no autograder's score column shows: the share of the class that made each named
mistake ("34% flipped the kernel"), the pass rate of every check, the checks that failed
most often with no mistake recognised (where a new known mistake would help most), and
the submissions that timed out or crashed."""

import html
import json
import math
from pathlib import Path

import pandas as pd

from .grader import results

TIMEOUT, CRASH = "timed out", "the grading process ended"


def load(grades_dir):
    """The grade of every submission in a `workshop grade --out` folder (or merged
    shards); else in a folder of Gradescope results.json files (an export, or any tree
    of them: the grade is the one our autograder stored in each file's extra_data)."""
    grades = []
    for path in sorted(Path(grades_dir).glob("submissions/*/grade.json")):
        try:
            grades.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError):
            continue  # a submission still being graded
    return grades or _from_gradescope(Path(grades_dir))


def _from_gradescope(folder):
    """Grades read back from results.json files under `folder`, each named by its
    folder (Gradescope's submissions are all "submission" to the autograder)."""
    from .batch.gradescope import grade_of

    grades = []
    for path in sorted(folder.rglob("results.json")):
        try:
            grade = grade_of(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
        if grade is not None:
            name = path.parent.relative_to(folder).as_posix()
            grades.append(dict(grade, submission=name if name != "." else grade["submission"]))
    return grades


def summarise(grades):
    """{name: DataFrame} of everything the report shows."""
    graded = [g for g in grades if g.get("status") == "graded"]
    exercises, checks, mistakes, unknown, troubles = [], [], {}, {}, []
    slugs = sorted({s for g in graded for s in g["exercises"]}, key=_order)
    for slug in slugs:
        entries = [
            (g["submission"], g["exercises"][slug]) for g in graded if slug in g["exercises"]
        ]
        attempted = [(n, e) for n, e in entries if e["status"] not in _UNATTEMPTED]
        points = [e["points"] for _, e in entries]
        first = entries[0][1]
        full = sum(e["points"] == e["max_points"] for _, e in attempted)
        zero = sum(e["points"] == 0 for _, e in attempted)
        exercises.append(
            {
                "exercise": f"{first['id']} {slug}",
                "submissions": len(entries),
                "full marks": full,
                "partial": len(attempted) - full - zero,
                "zero": zero,
                "not attempted": len(entries) - len(attempted),
                "mean points": round(sum(points) / max(len(points), 1), 2),
                "max points": first["max_points"],
            }
        )
        for name in [c["name"] for c in first.get("checks", [])] or _check_names(attempted):
            outcomes = [_check(e, name) for _, e in attempted]
            outcomes = [o for o in outcomes if o is not None]
            passed = sum(c["passed"] and c.get("hidden") != results.HIDDEN_FAILED for c in outcomes)
            checks.append(
                {
                    "exercise": f"{first['id']} {slug}",
                    "check": name,
                    "attempted": len(outcomes),
                    "pass rate %": round(100 * passed / len(outcomes), 1) if outcomes else None,
                }
            )
        for submission, entry in attempted:
            diagnoses = entry["diagnoses"] + entry["hidden_diagnoses"]
            named = {results.mistake_label(d): d for d in diagnoses}
            for label in named:
                mistakes.setdefault((first["id"], slug, label), set()).add(submission)
            for check in entry.get("checks", []):
                failed = not check["passed"] or check.get("hidden") == results.HIDDEN_FAILED
                if failed and not named:
                    unknown.setdefault((first["id"], slug, check["name"]), set()).add(submission)
                if failed and check["message"].startswith((TIMEOUT, CRASH)):
                    troubles.append(
                        {
                            "submission": submission,
                            "exercise": f"{first['id']} {slug}",
                            "check": check["name"],
                            "what": "timeout" if check["message"].startswith(TIMEOUT) else "crash",
                            "message": check["message"].splitlines()[0][:200],
                        }
                    )
    class_size = max(len(graded), 1)
    mistake_rows = [
        {
            "exercise": f"{exercise_id} {slug}",
            "mistake": label,
            "submissions": len(names),
            "share of the class %": round(100 * len(names) / class_size, 1),
        }
        for (exercise_id, slug, label), names in mistakes.items()
    ]
    unknown_rows = [
        {"exercise": f"{exercise_id} {slug}", "check": name, "failed, no mistake named": len(names)}
        for (exercise_id, slug, name), names in unknown.items()
    ]
    not_graded = [
        {
            "submission": g["submission"],
            "what": g.get("status", "?"),
            "message": "; ".join(g.get("notes", []))[:200],
        }
        for g in grades
        if g.get("status") != "graded"
    ]
    return {
        "exercises": pd.DataFrame(exercises),
        "checks": pd.DataFrame(checks),
        "mistakes": _sorted(pd.DataFrame(mistake_rows), "submissions"),
        "unknown": _sorted(pd.DataFrame(unknown_rows), "failed, no mistake named"),
        "troubles": pd.DataFrame(troubles + not_graded),
        "scores": pd.DataFrame(
            [
                {"submission": g["submission"], "score": g["score"], "max": g["max_score"]}
                for g in grades
            ]
        ),
        "review": pd.DataFrame(
            [
                {"submission": g["submission"], "flag": flag}
                for g in grades
                for flag in g.get("review", [])
            ]
        ),
    }


def isolation_note(grades):
    """One paragraph: the boundary the class was graded behind (a warning without)."""
    kinds = sorted({g.get("isolation", "not recorded") for g in grades})
    if any(k.startswith("none") for k in kinds):
        return (
            "<p class='warning'>Graded WITHOUT isolation (--isolation none) for some or "
            "all submissions: student code could read the solutions and write other "
            "grades. Treat the scores as unchecked.</p>"
        )
    return f"<p class='note'>Isolation of student code: {html.escape('; '.join(kinds))}.</p>"


_UNATTEMPTED = (results.NOT_ATTEMPTED, results.BLOCKED)


def _order(slug):
    from .catalog import find

    exercise = find(slug)
    return tuple(int(p) for p in exercise.id.split(".")) if exercise else (99, 0)


def _check(entry, name):
    return next((c for c in entry.get("checks", []) if c["name"] == name), None)


def _check_names(entries):
    return list(dict.fromkeys(c["name"] for _, e in entries for c in e.get("checks", [])))


def _sorted(table, column):
    return table.sort_values(column, ascending=False, kind="stable") if len(table) else table


STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; }
th { background: #f3f3f3; } td.low { color: #b00; font-weight: bold; }
img { max-width: 100%; border: 1px solid #eee; margin: 0.5em 0; }
p.note { color: #555; }
p.warning { color: #b00; font-weight: bold; }
"""


def _table(frame, empty="nothing"):
    if frame is None or not len(frame):
        return f"<p class='note'>({html.escape(empty)})</p>"
    return frame.to_html(index=False, escape=True, border=0, na_rep="")


def score_bins(max_points, most=20):
    """Histogram edges for totals from 0 to `max_points`: bars `step` points wide (a
    whole number), each centred on a multiple of it, so that 0 points has a bar of its
    own and at most `most` bars are drawn."""
    step = max(1, math.ceil(max_points / most))
    return [step * (i - 0.5) for i in range(math.ceil(max_points / step) + 2)]


def _figures(summary, out):
    from matplotlib.ticker import MaxNLocator

    from .experiments.figures import plt

    made = []
    exercises = summary["exercises"]
    if len(exercises):
        figure, axis = plt.subplots(figsize=(7, 0.35 * len(exercises) + 1.2))
        left = pd.Series(0, index=exercises.index, dtype=float)
        for column, colour in (("full marks", "#2a9d4b"), ("partial", "#e9b741"),
                               ("zero", "#d1495b"), ("not attempted", "#bbbbbb")):  # fmt: skip
            axis.barh(exercises["exercise"], exercises[column], left=left, color=colour,
                      label=column)  # fmt: skip
            left += exercises[column]
        axis.invert_yaxis()
        axis.set_xlabel("submissions")
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))  # no half a submission
        axis.legend(fontsize=8, ncol=4, loc="lower center", bbox_to_anchor=(0.5, 1.0))
        figure.tight_layout()
        figure.savefig(out / "scores.png", dpi=110)
        plt.close(figure)
        made.append(("scores.png", "Each exercise: full marks, partial, zero, not attempted"))
    mistakes = summary["mistakes"].head(15)
    if len(mistakes):
        figure, axis = plt.subplots(figsize=(7, 0.35 * len(mistakes) + 1.2))
        names = mistakes["exercise"] + ": " + mistakes["mistake"]
        axis.barh(names, mistakes["share of the class %"], color="#d1495b")
        axis.invert_yaxis()
        axis.set_xlabel("share of the class (%)")
        figure.tight_layout()
        figure.savefig(out / "mistakes.png", dpi=110)
        plt.close(figure)
        made.append(("mistakes.png", "The named mistakes the most students made"))
    scores = summary["scores"]
    if len(scores):
        figure, axis = plt.subplots(figsize=(6, 3))
        axis.hist(scores["score"], bins=score_bins(scores["max"].max()), color="#3d6fb6")
        axis.set_xlabel(f"total points (of {scores['max'].max():g})")
        axis.set_ylabel("submissions")
        axis.yaxis.set_major_locator(MaxNLocator(integer=True))
        figure.tight_layout()
        figure.savefig(out / "totals.png", dpi=110)
        plt.close(figure)
        made.append(("totals.png", "Total points"))
    return made


def write(grades_dir, out=None):
    """report.html and its PNGs in `out` (default GRADES_DIR/report); returns the page."""
    grades = load(grades_dir)
    out = Path(out or Path(grades_dir) / "report")
    out.mkdir(parents=True, exist_ok=True)
    summary = summarise(grades)
    figures = {name: caption for name, caption in _figures(summary, out)}
    graded = sum(g.get("status") == "graded" for g in grades)
    checks = summary["checks"]
    worst = checks.sort_values("pass rate %", kind="stable") if len(checks) else checks

    def figure(name):
        if name not in figures:
            return ""
        return f"<img src='{name}' alt='{html.escape(figures[name])}'>"

    sections = [
        f"<h1>Class report: {html.escape(str(Path(grades_dir).resolve().name))}</h1>",
        f"<p>{len(grades)} submissions, {graded} graded.</p>",
        isolation_note(grades),
        "<h2>Scores</h2>", figure("totals.png"), figure("scores.png"),
        _table(summary["exercises"], "no graded submission"),
        "<h2>Named mistakes</h2>",
        "<p class='note'>The share of the class whose code computed what a known mistake "
        "computes (on public or hidden cases).</p>",
        figure("mistakes.png"), _table(summary["mistakes"], "no mistake named"),
        "<h2>Failures no known mistake explains</h2>",
        "<p class='note'>Checks failed by submissions in which the grader named no mistake: "
        "where a new known mistake (solutions/mistakes/) would help most.</p>",
        _table(summary["unknown"], "none"),
        "<h2>Pass rate of every check</h2>",
        "<p class='note'>Among the submissions that attempted the exercise; a hidden "
        "failure counts as a failure. Lowest first.</p>",
        _table(worst, "no checks"),
        "<h2>Timeouts, crashes and submissions not graded</h2>",
        _table(summary["troubles"], "none"),
        "<h2>For review</h2>",
        "<p class='note'>Dynamic code in the files as sent (built-up names, eval, "
        "sys.modules, frames, tf.io, processes, sockets...): it can hide a ready-made op "
        "or forge what the grader records. The score stands; you decide. Students do "
        "not see this.</p>",
        _table(summary["review"], "nothing flagged"),
    ]  # fmt: skip
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Class report</title><style>{STYLE}</style></head><body>"
        + "\n".join(s for s in sections if s)
        + "</body></html>\n"
    )
    (out / "report.html").write_text(page, encoding="utf-8")
    return out / "report.html"
