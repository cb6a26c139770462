"""The trusted side of grading: score the student's records against the reference's,
running no student code, and name the known mistakes the student's runs match."""

from . import results
from .evidence import StageFailed
from .mistakes import matches
from .seeding import fresh_seed as fresh_seed_for
from .stubs import stub_status
from .student_errors import explain


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
    `book.mistake_runs(exercise, mistake, seed)` gives the reference's runs with that
    mistake in place."""
    found = []
    if not isinstance(mine, list):  # the runs themselves timed out or crashed
        return found
    for mistake in book.mistakes(exercise):
        runs = book.mistake_runs(exercise, mistake, seed)
        # Variants of one mistake (argsort's two tie orders) share a message: say it once.
        if mistake.message not in found and matches(mine, ref, runs, tolerance, grad_tolerance):
            found.append(mistake.message)
    return found


def judge(exercise, evidence, book, seed, source_dir, source_tree=None, fresh_seed=None):
    """Score the student's records against the reference's.

    `source_dir` holds the student's files as sent (the rule against ready-made ops
    reads them there); `source_tree(exercise)` may give the parsed source instead,
    for an implementation that is not a folder (the reference, a known mistake).
    `fresh_seed` is the seed of the judge's own inputs (graphs.py): a batch's, drawn
    from its key, or by default `workshop check`'s, drawn from `seed`."""
    result = start_result(exercise, seed)
    if evidence.unavailable:
        status, reason = _unavailable(evidence.unavailable)
        result.status, result.reason = status, reason
        return result
    first = exercise.kind.stages(exercise)[0]
    record = evidence.stages.get(first)
    if not isinstance(record, StageFailed):
        status = stub_status(exercise.kind.primary(exercise, record), exercise.id)
        if status:
            result.status, result.reason = status
            return result
        short = _fewer_runs(exercise, record, book, seed, first)
        if short:  # a record cut short would leave its missing cases unchecked
            evidence.stages = dict(evidence.stages, **{first: StageFailed(short)})
    exercise.kind.judge(
        exercise,
        evidence.stages,
        book,
        seed,
        source_dir,
        result,
        source_tree=source_tree,
        fresh_seed=fresh_seed_for(seed) if fresh_seed is None else fresh_seed,
    )
    return finish(result)


def _fewer_runs(exercise, record, book, seed, first):
    """Why the first stage's record is not one the grader's own code makes (another
    number of runs than the reference's cases), or None."""
    mine = exercise.kind.primary(exercise, record)
    if not isinstance(mine, list) or first not in exercise.kind.reference_stages(exercise):
        return None
    theirs = exercise.kind.primary(exercise, book.stage(exercise, first, seed))
    if isinstance(theirs, list) and len(mine) != len(theirs):
        return f"its record holds {len(mine)} runs where the grader ran {len(theirs)}: not graded"
    return None


def _unavailable(record):
    """(status, reason) of graded objects that could not be loaded. The student side says
    so, and it says only this: a file that does not load (loading.Unavailable); any
    other status in its record is not one it can give."""
    try:
        status, reason = record
    except (TypeError, ValueError):
        return results.BROKEN, "the grading records could not be read: not graded"
    if status != results.BROKEN:
        return results.BROKEN, "the grading records could not be read: not graded"
    return status, str(reason)[:4000]
