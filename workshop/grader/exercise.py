"""What every exercise shares: identity, hints, known mistakes, and the grading frame
that turns 'not written yet' and broken files into a status instead of a crash."""

import importlib
import re
from dataclasses import dataclass

from . import results
from .compare import close
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
    if not isinstance(error, NotImplementedError):
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


def resolve(exercise, implementation, result, name=None):
    """The student's object, or None with the result's status and reason set."""
    try:
        return implementation.get(exercise.module, name or exercise.name)
    except Unavailable as unavailable:
        result.status = unavailable.status
        result.reason = unavailable.reason
        return None


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


def run_checks(result, checks, points, source_dir, note_on_failure=None):
    """Run (name, check) pairs into `result`; each check returns (passed, message).

    A check that raises fails with the student's own frames: grading never crashes.
    `note_on_failure(name)` may add a line to a failure's message.
    """
    for name, check in checks:
        if name not in points:
            continue
        try:
            passed, message = check()
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # student code may raise anything, even SystemExit
            passed, message = False, explain(error, source_dir)
        if not passed and note_on_failure:
            message += note_on_failure(name)
        result.checks.append(results.CheckResult(name, points[name], passed, message))


# A known mistake's runs depend only on the exercise, the mistake and the seed: kept for
# the life of the process, so grading many submissions (or selfcheck) runs each once.
_MISTAKE_RUNS = {}


def diagnose(exercise, observe, mine, ref, tolerance, grad_tolerance, seed):
    """The messages of the known mistakes whose runs match the student's;
    `observe(mistake)` runs the reference with that mistake in place."""
    found = []
    for mistake in exercise.mistakes:
        key = (exercise.id, mistake.key, seed)
        if key not in _MISTAKE_RUNS:
            _MISTAKE_RUNS[key] = observe(mistake)
        if matches(mine, ref, _MISTAKE_RUNS[key], tolerance, grad_tolerance):
            found.append(mistake.message)
    return found
