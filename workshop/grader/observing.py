"""What every exercise shares: identity, hints, known mistakes, and the grading frame
that turns 'not written yet' and broken files into a status instead of a crash.

Grading is two functions. `observe` is the student side: it runs the student's code,
stage by stage, and keeps what happened as data (evidence.py). `judge` is the trusted
side: it compares that data with the reference's and scores it, running no student
code. `workshop check` calls both in one process; `workshop grade` calls `observe` in a
worker process per submission and `judge` in the runner.
"""

import importlib
import re
from dataclasses import dataclass

from . import results
from .compare import close
from .evidence import ErrorInfo, Evidence, Observation, StageFailed, clean
from .loading import Unavailable
from .student_errors import explain


@dataclass(frozen=True)
class Mistake:
    """A realistic wrong implementation, kept to recognise the same mistake in a student's."""

    key: str  # short id, e.g. "flipped-kernel"
    message: str  # what the student is told when their code behaves like this
    module: str  # where the wrong implementation lives
    attr: str
    # False for mistakes whose numbers are right (a contract broken): a check's own
    # message explains those, and no output comparison can recognise them.
    diagnosed: bool = True
    replaces: str = ""  # the graded name it stands in for, when not the exercise's own

    def load(self):
        return getattr(importlib.import_module(self.module), self.attr)


@dataclass(frozen=True)
class Case:
    """One input on which student and reference are compared."""

    config: dict  # constructor (or builder) keyword arguments
    input_shape: tuple  # including the batch axis
    zero_window: bool = False  # non-negative input with an all-zero corner (after a ReLU)

    @property
    def label(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.config.items())
        return f"({args}) on input {tuple(self.input_shape)}"


STUB_MESSAGE = re.compile(r"Exercise (\d+\.\d+): ([\w.]+)")


def not_written(error, exercise_id):
    """(status, reason) when `error` is a stub's NotImplementedError, else None."""
    kind = getattr(error, "type_name", type(error).__name__)
    if error is None or kind != "NotImplementedError":
        return None
    stub = STUB_MESSAGE.search(str(error))
    if stub is None:
        return results.NOT_ATTEMPTED, "raises NotImplementedError: not written yet"
    other, where = stub.groups()
    if other != exercise_id:
        return results.BLOCKED, (
            f"this runs your {where} (Exercise {other}), which is not written yet: "
            f"finish Exercise {other} first"
        )
    return results.NOT_ATTEMPTED, f"{where} is still the stub"


def same_run(mine, theirs, tolerance, grad_tolerance):
    """True when two runs of one case agree: weights, layers, output and every gradient."""
    if mine.weight_shapes != theirs.weight_shapes or mine.signature != theirs.signature:
        return False
    if not close(theirs.output, mine.output, tolerance):
        return False
    for name, grad in theirs.grads.items():
        other = mine.grads.get(name)
        if (grad is None) != (other is None):
            return False
        if grad is not None and not close(grad, other, grad_tolerance):
            return False
    return True


def matches(observations, reference, candidate, tolerance, grad_tolerance):
    """True when the student's observations equal the candidate's on every case they
    both ran, and differ from the reference's on at least one."""
    compared = differs = 0
    for mine, ref, theirs in zip(observations, reference, candidate):
        if mine.error is not None or theirs.error is not None:
            continue
        if not same_run(mine, theirs, tolerance, grad_tolerance):
            return False
        compared += 1
        if ref.error is None and not same_run(mine, ref, tolerance, grad_tolerance):
            differs += 1
    return compared > 0 and differs > 0


def start_result(exercise, seed):
    return results.ExerciseResult(
        exercise_id=exercise.id,
        slug=exercise.slug,
        title=exercise.title,
        status=results.FAILED,
        max_points=exercise.max_points,
        seed=seed,
    )


def finish(result):
    if result.status == results.FAILED and all(c.passed for c in result.checks):
        result.status = results.PASSED
    return result


def stub_status(observations, exercise_id):
    """(status, reason) when any run hit a stub's NotImplementedError, else None."""
    for observation in observations:
        status = not_written(observation.error, exercise_id)
        if status:
            return status
    return None


def run_checks(result, checks, points, source_dir, note_on_failure=None, stages=None):
    """Run (name, stage, check) triples into `result`; each check returns (passed, message).

    A check whose stage left no record (timed out, process died) fails with that
    reason; a check that raises fails with the error: grading never crashes.
    `note_on_failure(name)` may add a line to a failure's message.
    """
    for name, stage, check in checks:
        if name not in points:
            continue
        failed_stage = (stages or {}).get(stage)
        if stages is not None and stage not in stages:
            failed_stage = StageFailed("this part of the grading did not run")
        try:
            if isinstance(failed_stage, StageFailed):
                passed, message = False, failed_stage.reason
            else:
                passed, message = check()
        except KeyboardInterrupt:
            raise
        except BaseException as error:
            passed, message = False, explain(error, source_dir)
        if not passed and note_on_failure:
            message += note_on_failure(name)
        result.checks.append(results.CheckResult(name, points[name], passed, message))


def diagnose(exercise, book, mine, ref, tolerance, grad_tolerance, seed):
    """The messages of the known mistakes whose runs match the student's;
    `book.mistake(exercise, mistake, seed)` gives the reference's runs with that
    mistake in place."""
    found = []
    if not isinstance(mine, list):  # the runs themselves timed out or crashed
        return found
    for mistake in exercise.mistakes:
        if matches(mine, ref, book.mistake(exercise, mistake, seed), tolerance, grad_tolerance):
            found.append(mistake.message)
    return found


# --- the two sides -------------------------------------------------------------------


def caught(function, *args):
    """`function(*args)`, or the exception it raised (one case's record)."""
    try:
        return function(*args)
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # student code may raise anything, even SystemExit
        return error


def runs_of(record):
    """A first stage's runs: the record, or one failed run when the whole stage raised."""
    if isinstance(record, ErrorInfo):
        return [Observation(error=record)]
    return record


def graded_names(exercise):
    return getattr(exercise, "names", None) or (exercise.name,)


def run_stage(exercise, stage, implementation, seed):
    """One stage on one implementation, as clean data (an exception becomes its text)."""
    try:
        record = exercise.grading.run_stage(exercise, stage, implementation, seed)
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # student code may raise anything, even SystemExit
        record = error
    return clean(record, implementation.source_dir)


def observe(exercise, implementation, seed, stages=None, on_record=None, on_start=None):
    """The student side: run every stage (or those named) and keep the records.

    `on_start(stage)` hears when a stage starts, `on_record(stage, record)` its record
    as soon as it exists, so a worker can hand it over before the next stage can hang
    or crash.
    """
    evidence = Evidence()
    for name in graded_names(exercise):  # every graded name must load before anything runs
        try:
            implementation.get(exercise.module, name)
        except Unavailable as unavailable:
            evidence.unavailable = (unavailable.status, unavailable.reason)
            return evidence
    all_stages = exercise.grading.stages(exercise)
    for stage in all_stages if stages is None else stages:
        if on_start is not None:
            on_start(stage)
        record = run_stage(exercise, stage, implementation, seed)
        evidence.stages[stage] = record
        if on_record is not None:
            on_record(stage, record)
        if stage == all_stages[0] and stub_status(
            exercise.grading.primary(exercise, record), exercise.id
        ):
            break  # a stub: nothing else is worth running
    return evidence


def judge(exercise, evidence, book, seed, source_dir, source_tree=None):
    """The trusted side: score the student's records against the reference's.

    `source_dir` holds the student's files as sent (the rule against ready-made ops
    reads them there); `source_tree(exercise)` may give the parsed source instead,
    for an implementation that is not a folder (the reference, a known mistake)."""
    result = start_result(exercise, seed)
    if evidence.unavailable:
        result.status, result.reason = evidence.unavailable
        return result
    first = exercise.grading.stages(exercise)[0]
    record = evidence.stages.get(first)
    if not isinstance(record, StageFailed):
        status = stub_status(exercise.grading.primary(exercise, record), exercise.id)
        if status:
            result.status, result.reason = status
            return result
    exercise.grading.judge(
        exercise, evidence.stages, book, seed, source_dir, result, source_tree=source_tree
    )
    return finish(result)


def grade(exercise, implementation, reference, seed):
    """Both sides in one process (`workshop check`, selfcheck, tests)."""
    from .reference_book import as_book

    from .rules import module_tree

    evidence = observe(exercise, implementation, seed)
    source_tree = None
    if implementation.source_dir is None:

        def source_tree(exercise):
            return module_tree(implementation.get(exercise.module, exercise.name))

    return judge(exercise, evidence, as_book(reference), seed, implementation.source_dir,
                 source_tree)  # fmt: skip
