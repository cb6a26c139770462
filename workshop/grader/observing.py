"""The student side of grading: run the student's code, stage by stage, and keep what
happened as clean data (evidence.py), never a live object.

`workshop check` observes and judges in one process (grading.py); `workshop grade`
observes in a worker process per submission and judges in the runner (judging.py).
"""

import time

from . import stage_clock
from .evidence import ErrorInfo, Evidence, Observation, StageFailed, clean
from .loading import Unavailable
from .stubs import stub_status


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


def run_stage(exercise, stage, implementation, seed, time_limit=None):
    """One stage on one implementation, as clean data (an exception becomes its text).
    With `time_limit` (seconds; `workshop check`), a stage past it, or stopped by one
    Ctrl-C, becomes a StageFailed that says where the student's code was."""
    source_dir = implementation.source_dir
    started = time.monotonic()
    try:
        with stage_clock.limited(time_limit, source_dir, stage):
            record = exercise.kind.run_stage(exercise, stage, implementation, seed)
    except stage_clock.StageTimedOut as timeout:
        return StageFailed(str(timeout))
    except KeyboardInterrupt as interrupt:
        if time_limit is None or source_dir is None:
            raise
        return StageFailed(stage_clock.interrupted(interrupt, source_dir, stage, started))
    except BaseException as error:  # student code may raise anything, even SystemExit
        record = error
    return clean(record, source_dir)


def observe(
    exercise, implementation, seed, stages=None, on_record=None, on_start=None, time_limit=None
):
    """Run every stage (or those named) and keep the records.

    `on_start(stage)` hears when a stage starts, `on_record(stage, record)` its record
    as soon as it exists, so a worker can hand it over before the next stage can hang
    or crash. With `time_limit`, a stage that times out or is stopped ends the
    exercise: the stages after it are not run (each could hang as long again).
    """
    evidence = Evidence()
    for name in exercise.graded_names:  # every graded name must load before anything runs
        try:
            implementation.get(exercise.module, name)
        except Unavailable as unavailable:
            evidence.unavailable = (unavailable.status, unavailable.reason)
            return evidence
    all_stages = exercise.kind.stages(exercise)
    to_run = list(all_stages if stages is None else stages)
    for index, stage in enumerate(to_run):
        if on_start is not None:
            on_start(stage)
        record = run_stage(exercise, stage, implementation, seed, time_limit)
        evidence.stages[stage] = record
        if on_record is not None:
            on_record(stage, record)
        if isinstance(record, StageFailed):  # stopped: each stage left could hang as long
            for later in to_run[index + 1 :]:
                evidence.stages[later] = StageFailed(
                    f"not run: the {stage} stage, run before it, was stopped"
                )
            break
        if stage == all_stages[0] and stub_status(
            exercise.kind.primary(exercise, record), exercise.id
        ):
            break  # a stub: nothing else is worth running
    return evidence
