"""Time limits for `workshop check`, which runs the student's code in its own process
(`workshop grade` uses worker processes instead, batch/runner.py).

A clock ticks once a second (SIGALRM) while a stage runs. Every `report_every` seconds
(or half the limit, if shorter) it prints where the student's code is ("still in
MaxPool2D.call ... after 10 s"); at the limit it raises `StageTimedOut` there, which
the stage turns into a StageFailed that says where the code was. A Ctrl-C during a
stage ends that exercise alone the same way; a second Ctrl-C within DOUBLE_INTERRUPT
seconds stops everything.

The clock reaches Python code only: an endless loop inside one TensorFlow op (a
`tf.while_loop` that never ends) is not interrupted. Off the main thread, or where
there is no SIGALRM (Windows), stages run without a limit.
"""

import signal
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

DOUBLE_INTERRUPT = 2.0  # seconds: a second Ctrl-C this soon stops the whole check
_last_interrupt = [float("-inf")]


class StageTimedOut(KeyboardInterrupt):
    """Raised into the student's code at the time limit. A KeyboardInterrupt, so that
    `except Exception` in the student's code does not swallow it and every place of
    the grader that keeps a student's error as a record lets it through to the stage."""


def _located(frame, line, root):
    path = Path(frame.f_code.co_filename)
    if not (path.is_absolute() and path.resolve().is_relative_to(root)):
        return None
    name = getattr(frame.f_code, "co_qualname", frame.f_code.co_name)  # Python 3.11+
    return f"{name} ({path.resolve().relative_to(root.parent)} line {line})"


def where_in(frame, source_dir):
    """'MaxPool2D.call (exercises/pooling.py line 58)' for the innermost frame of the
    code under `source_dir` in the stack from `frame` outwards, or None."""
    root = Path(source_dir).resolve()
    while frame is not None:
        found = _located(frame, frame.f_lineno, root)
        if found:
            return found
        frame = frame.f_back
    return None


def where_raised(error, source_dir):
    """Where an exception passed through the code under `source_dir` last, or None."""
    root, found = Path(source_dir).resolve(), None
    traceback = error.__traceback__
    while traceback is not None:  # outermost first: the last match is the innermost
        found = _located(traceback.tb_frame, traceback.tb_lineno, root) or found
        traceback = traceback.tb_next
    return found


def can_limit():
    return hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()


@contextmanager
def limited(limit, source_dir, stage, report_every=10.0, out=None):
    """Run the body with the clock on (see the module's docstring)."""
    if limit is None or source_dir is None or not can_limit():
        yield
        return
    out = out or sys.stderr
    report_every = min(report_every, limit / 2)  # a short limit still hears once
    started = time.monotonic()
    reported = [0]

    def tick(signum, frame):
        elapsed = time.monotonic() - started
        where = where_in(frame, source_dir) or f"the {stage} stage"
        if elapsed >= limit:
            raise StageTimedOut(
                f"timed out after {limit:g} s in {where}: an endless loop, or far too slow "
                "(--time-limit sets the limit)"
            )
        if elapsed >= (reported[0] + 1) * report_every:
            reported[0] = int(elapsed // report_every)
            print(f"  still in {where} after {elapsed:.0f} s…", file=out, flush=True)

    previous = signal.signal(signal.SIGALRM, tick)
    signal.setitimer(signal.ITIMER_REAL, 1.0, 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def interrupted(error, source_dir, stage, started):
    """The StageFailed reason for a Ctrl-C during a stage, or re-raise it when it is
    the second Ctrl-C in a row (the student wants out)."""
    now = time.monotonic()
    if now - _last_interrupt[0] < DOUBLE_INTERRUPT:
        raise error
    _last_interrupt[0] = now
    where = where_raised(error, source_dir) or f"the {stage} stage"
    return (
        f"stopped by Ctrl-C after {now - started:.0f} s in {where} (press Ctrl-C twice "
        "to stop the whole check)"
    )
