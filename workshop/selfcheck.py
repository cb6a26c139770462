"""Prove the grader right on known answers: the solutions score full marks, the untouched
stubs score 0, and every known mistake fails at least one check (and, where its numbers
differ from the reference, is named). Every check must fail on at least one mistake."""

from dataclasses import dataclass, field

from .grader import results
from .grader.grading import grade, grade_exercise
from .grader.loading import FolderImplementation
from .grader.reference_book import LiveReference, with_mistake


@dataclass
class SelfCheck:
    problems: list = field(default_factory=list)
    lines: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems


def run(exercises, root, seed, progress=print):
    report = SelfCheck()
    book = LiveReference()
    ref = book.implementation

    solution_results = {r.slug: r for r in grade(exercises, ref, seed, book=book)}
    for result in solution_results.values():
        line = (
            f"solution  {result.exercise_id} {result.slug:<8} "
            f"{result.points:g}/{result.max_points:g}"
        )
        progress(line)
        if result.status != results.PASSED or result.points != result.max_points:
            failed = [f"{c.name}: {c.message}" for c in result.checks if not c.passed]
            report.problems.append(
                f"solution of {result.slug} is not full marks: {result.reason} {failed}"
            )

    for result in grade(exercises, FolderImplementation(root), seed, book=book):
        progress(f"stub      {result.exercise_id} {result.slug:<8} {result.status}")
        if result.status != results.NOT_ATTEMPTED or result.points != 0:
            report.problems.append(
                f"stub of {result.slug} in {root}/exercises is {result.status} with "
                f"{result.points:g} points, expected 'not attempted' and 0 (is it edited?)"
            )

    for exercise in exercises:
        bitten = set()
        for mistake in book.mistakes(exercise):
            result = grade_exercise(exercise, with_mistake(ref, exercise, mistake), book, seed)
            failed = [c.name for c in result.checks if not c.passed]
            bitten.update(failed)
            named = mistake.message in result.diagnoses
            progress(
                f"mistake   {exercise.id} {exercise.slug:<8} {mistake.key:<18} "
                f"{result.points:g}/{result.max_points:g}  "
                f"caught by: {', '.join(failed) or 'NOTHING'}" + ("  [named]" if named else "")
            )
            if not failed:
                report.problems.append(f"{exercise.slug}: mistake {mistake.key} passes every check")
            if mistake.diagnosed and not named:
                report.problems.append(
                    f"{exercise.slug}: mistake {mistake.key} is not named "
                    f"(diagnoses: {result.diagnoses or 'none'})"
                )
            others = [d for d in result.diagnoses if d != mistake.message]
            if others:
                report.problems.append(
                    f"{exercise.slug}: mistake {mistake.key} is also taken for {others}"
                )
        for name in [c.name for c in solution_results[exercise.slug].checks]:
            if name not in bitten:
                report.problems.append(
                    f"{exercise.slug}: check '{name}' fails on none of the known mistakes"
                )
    return report
