"""Grade a folder of submissions: the student side in worker processes, the judging here.

For each submission the runner lays the student's files over the stubs as sent, which
the judge reads, and starts one worker per exercise (job.py): forked from the fork
server (zygote.py, so TensorFlow is not imported again), walled in (isolation.py), it
runs the student's code stage by stage and streams records to the runner; it computes
no score. When every stage has a record or a reason, this process judges the records
against the reference, computed before any student's worker by processes of its own
(reference.py). A finished submission's grade is kept on disk with a fingerprint of
its files, so an interrupted batch resumes where it stopped.
"""

import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..grader import hidden
from ..quiet import import_tensorflow, threads_setter
from . import isolation as isolations
from . import outputs, reference
from .area import remove
from .isolation import IsolationUnavailable
from .job import Job
from .spawning import ExecWorker, Zygote
from .submissions import discover, shard_of

POLL_SECONDS = 0.02  # a free slot gets its next worker at once


@dataclass(frozen=True)
class BatchSettings:
    exercises: tuple  # slugs, in grading order
    seed: int
    hidden_seed: int = hidden.DEFAULT_HIDDEN_SEED
    with_hidden: bool = True
    time_limit: float = 60.0  # seconds per stage (one or a few checks)
    memory_gb: float = 8.0
    disk_mb: float = 512.0  # what a worker may leave in its folder
    records_mb: float = 256.0  # what a submission's workers may send the runner in all
    jobs: int = 2
    isolation: str = "auto"  # isolation.CHOICES
    keep_work: bool = False  # keep each worker's folder (out/work/NAME) after judging
    shard: tuple = (1, 1)  # (K, N): grade the K-th of N parts of the class (submissions.py)

    @property
    def threads_each(self):
        """TensorFlow threads per process: the cores shared by the `jobs` workers."""
        return max(1, len(os.sched_getaffinity(0)) // self.jobs)

    @property
    def variants(self):
        return ("public", "hidden") if self.with_hidden else ("public",)

    @property
    def units(self):
        """Every grading unit: (exercise, variant)."""
        return [(slug, variant) for slug in self.exercises for variant in self.variants]

    def fingerprint(self):
        return {
            "seed": self.seed,
            "exercises": self.exercises,
            "hidden_seed": self.hidden_seed if self.with_hidden else None,
            "isolation": self.isolation,
        }


def grade_batch(
    submissions_dir,
    out_dir,
    settings,
    stubs,
    modules,
    progress=print,
    use_zygote=True,
    key=None,
    books=None,
):
    """Grade every submission (of `settings.shard`); returns the gradebook (a DataFrame)
    and writes it with the batch's manifest. `key`: the signing key, which also draws
    the judge's fresh seed (default: the batch's own, made once in OUT); `books`: the
    reference's records, stored beforehand ({variant: StoredReference}, as an
    autograder ships them; default: computed here from solutions/)."""
    out_dir = Path(out_dir).resolve()  # the worker runs in another folder: absolute paths
    out_dir.mkdir(parents=True, exist_ok=True)
    stubs = Path(stubs).resolve()
    isolation = isolations.probe(settings.isolation)  # IsolationUnavailable: one line
    key = outputs.batch_key(out_dir, key)
    found = shard_of(discover(Path(submissions_dir).resolve()), *settings.shard)
    jobs = [Job(s, settings, out_dir, stubs, isolation, key) for s in found]
    outputs.write_manifest(out_dir, settings, key, [j.submission.name for j in jobs])
    progress(f"Isolation of student code: {isolation.describe()}.")
    # The zygote imports TensorFlow while this process does (the judge needs it).
    zygote = _start_zygote(progress, isolation.namespaces) if use_zygote else None
    import_tensorflow(before_first_op=threads_setter(settings.threads_each))
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)  # `kill` or a CI timeout: clean up too

    def spawn(argv, log, entry="worker"):
        nonlocal zygote
        if zygote is not None:
            try:
                return zygote.spawn(argv, log, entry)
            except (OSError, RuntimeError, ValueError) as error:  # it died: carry on without
                progress(f"The worker fork server stopped ({error}); starting workers directly.")
                zygote.close()
                zygote = None
        return ExecWorker(argv, log, entry)

    waiting, running, unjudged, grades = list(jobs), [], [], {}

    def done(job, how):
        grades[job.submission.name] = job.grade
        progress(_line(len(grades), len(jobs), job, started_at, how))
        so_far = [grades[j.submission.name] for j in jobs if j.submission.name in grades]
        try:  # the gradebook so far; written again at the end, whatever happens here
            outputs.write_gradebook(out_dir, so_far, settings)
        except OSError as error:
            progress(f"The gradebook could not be written yet ({error}); trying again later.")

    try:
        # Before any student's worker: the reference in `jobs` processes of its own.
        if books is None:
            books = reference.prepare(
                settings, out_dir / ".reference", spawn, progress, outputs.fresh_seed(key), stubs
            )
        started_at = time.monotonic()
        while waiting or running or unjudged:
            for job in list(running):
                if _guarded(job, job.poll, default=True):
                    running.remove(job)
                    unjudged.append(job)
            # Free slots get their next worker before anything is judged: judging runs
            # here, beside the workers, not instead of one.
            while waiting and len(running) < settings.jobs:
                job = waiting.pop(0)
                if _guarded(job, lambda job=job: job.start(modules, spawn, books), default=False):
                    running.append(job)
                elif job.grade is None:  # nothing left to run: judge what is recorded
                    unjudged.append(job)
                else:
                    done(job, "kept" if getattr(job, "resumed", False) else "graded")
            if unjudged:
                job = unjudged.pop(0)
                if job.grade is None:
                    _guarded(job, lambda job=job: job.judge(books), default=None)
                done(job, "graded")
            else:
                time.sleep(POLL_SECONDS)
    finally:
        for job in running:  # interrupted: leave no process behind
            job.kill()
        if zygote:
            zygote.close()
        if not settings.keep_work:  # it holds the hidden cases' expected values
            remove(out_dir / ".reference")
    return outputs.write_gradebook(out_dir, [grades[j.submission.name] for j in jobs], settings)


def _guarded(job, step, default):
    """One step of one job; what a submission can make go wrong in the runner (a file
    the worker shaped oddly, a record of nonsense) ends that submission alone, with a
    row that says so, never the batch."""
    try:
        return step()
    except (IsolationUnavailable, KeyboardInterrupt):
        raise
    except Exception as error:
        job.kill()
        job.attempt = None
        reason = (
            f"the grader could not grade this submission ({type(error).__name__}: "
            f"{str(error)[:200]}): look at its files"
        )
        job.grade = outputs.broken_grade(job.submission.name, reason, job.settings, job.isolation)
        job.grade["review"] = list(getattr(job, "review", [])) + [f"grading failed: {reason}"]
        try:
            outputs.write_submission(job.folder, job.grade, job.key)
        except Exception:  # the row says so; nothing of one submission stops the batch
            pass
        return default


def _start_zygote(progress, namespaced):
    try:
        return Zygote(namespaced)
    except (OSError, RuntimeError, ValueError) as error:
        progress(f"No worker fork server ({error}); each worker imports TensorFlow itself.")
        return None


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _line(done, total, job, started_at, how):
    elapsed = time.monotonic() - started_at
    eta = elapsed / done * (total - done) if done else 0.0
    grade = job.grade or {}
    score = f"{grade.get('score', 0):g}/{grade.get('max_score', 0):g}"
    if grade.get("status") == "not gradable":
        how = "not gradable"
    width = 20
    bar = "#" * round(width * done / total) + "." * (width - round(width * done / total))
    return (
        f"[{bar}] {done}/{total}  {job.submission.name}: {score} ({how})  "
        f"elapsed {elapsed:.0f} s, ETA {eta:.0f} s"
    )
