"""Grade a folder of submissions: each in its own worker process, several at once.

The runner never runs student code itself. For each submission it lays the student's
files over the stubs, starts `workshop.batch.worker` in a new process group with a
memory cap, and watches which exercise it is on: an exercise that runs past the time
limit, or a worker that dies (os._exit, a crash, the memory cap), costs that exercise
alone: the worker is killed, the exercise scores 0 with the reason, and a fresh worker
grades the rest. A finished submission's grade is kept on disk with a fingerprint of
its files, so an interrupted batch resumes where it stopped.
"""

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .. import catalog
from . import outputs
from .submissions import SubmissionError, digest, discover, lay_out, read_files

POLL_SECONDS = 0.2


@dataclass(frozen=True)
class BatchSettings:
    exercises: tuple  # slugs, in grading order
    seed: int
    time_limit: float = 120.0  # seconds per exercise
    memory_gb: float = 8.0
    jobs: int = 2


def _kill_group(process):
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


KEEP_LOG_BYTES = 64 * 1024


def _trim(path):
    """Keep the start and the end of a worker's output: a submission that prints
    megabytes must not fill the instructor's disk (the worker's own cap is 64 MB)."""
    size = path.stat().st_size
    if size <= 2 * KEEP_LOG_BYTES:
        return
    with open(path, "rb") as log:
        head = log.read(KEEP_LOG_BYTES)
        log.seek(size - KEEP_LOG_BYTES)
        tail = log.read()
    marker = f"\n[... {size - 2 * KEEP_LOG_BYTES} bytes of output left out ...]\n".encode()
    path.write_bytes(head + marker + tail)


class Attempt:
    """One worker process grading the exercises left of one submission."""

    def __init__(self, job, remaining):
        self.job, self.remaining = job, list(remaining)
        folder = job.folder
        self.results_path = folder / "results.jsonl"
        self.progress_path = folder / "progress.txt"
        self.progress_path.write_text("")
        command = [
            sys.executable, "-m", "workshop.batch.worker", str(job.root), *self.remaining,
            "--seed", str(job.settings.seed), "--results", str(self.results_path),
            "--progress", str(self.progress_path), "--memory-gb", str(job.settings.memory_gb),
        ]  # fmt: skip
        self.log = open(folder / "output.log", "ab")
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killed whole, children included
            env=dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2])),
        )
        self.current, self.since = None, time.monotonic()

    def poll(self):
        """None while running; else the list of (slug, reason) charged to this attempt."""
        started = [s for s in self.progress_path.read_text().split("\n") if s]
        if started and started[-1] != self.current:
            self.current, self.since = started[-1], time.monotonic()
        code = self.process.poll()
        if code is None:
            if self.current not in (None, "done") and (
                time.monotonic() - self.since > self.job.settings.time_limit
            ):
                _kill_group(self.process)
                return self._finish(f"timed out after {self.job.settings.time_limit:g} s "
                                    f"while grading it (an endless loop, or far too slow)")  # fmt: skip
            return None
        _kill_group(self.process)  # children it may have left
        if started and started[-1] == "done":
            return self._finish(None)
        where = self.current or "start-up"
        return self._finish(f"the grading process ended (exit code {code}) while grading "
                            f"{where}: os._exit, a crash, or the {self.job.settings.memory_gb:g} "
                            "GB memory cap")  # fmt: skip

    def _finish(self, failure):
        self.log.close()
        _trim(self.job.folder / "output.log")
        charged = []
        if failure and self.current not in (None, "done"):
            charged.append((self.current, failure))
        elif failure:  # died before the first exercise: charge the first
            charged.append((self.remaining[0], failure))
        return charged


class Job:
    """One submission, through as many attempts as its exercises need."""

    def __init__(self, submission, settings, out_dir, stubs):
        self.submission, self.settings = submission, settings
        self.folder = out_dir / "submissions" / submission.name
        self.root = out_dir / "work" / submission.name
        self.stubs = stubs
        self.results, self.attempt, self.failures = {}, None, {}
        self.grade = None

    def start(self, modules):
        """Prepare and start; returns False when nothing needs running (done or broken)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            files = read_files(self.submission, modules)
        except SubmissionError as error:
            self.grade = outputs.broken_grade(self.submission.name, str(error), self.settings)
            outputs.write_submission(self.folder, self.grade)  # the student hears why too
            return False
        self.fingerprint = digest(files, {"seed": self.settings.seed,
                                          "exercises": self.settings.exercises})  # fmt: skip
        kept = outputs.read_grade(self.folder)
        if kept and kept.get("fingerprint") == self.fingerprint:
            self.grade, self.resumed = kept, True
            return False
        graded = {catalog.find(slug).module for slug in self.settings.exercises}
        self.missing = [m for m in sorted(graded) if m not in files]
        lay_out(files, self.stubs, self.root)
        (self.folder / "results.jsonl").write_text("")
        (self.folder / "output.log").write_bytes(b"")
        self.attempt = Attempt(self, self.settings.exercises)
        return True

    def poll(self):
        """True when the submission is finished."""
        charged = self.attempt.poll()
        if charged is None:
            return False
        for slug, reason in charged:
            self.failures[slug] = reason
        done = set(self.failures) | set(outputs.read_results(self.folder / "results.jsonl"))
        left = [s for s in self.settings.exercises if s not in done]
        if left:
            self.attempt = Attempt(self, left)
            return False
        self.grade = outputs.make_grade(self, outputs.read_results(self.folder / "results.jsonl"))
        outputs.write_submission(self.folder, self.grade)
        return True


def grade_batch(submissions_dir, out_dir, settings, stubs, modules, progress=print):
    """Grade every submission; returns the gradebook (a DataFrame) and writes it."""
    out_dir = Path(out_dir).resolve()  # the worker runs in another folder: absolute paths
    out_dir.mkdir(parents=True, exist_ok=True)
    stubs = Path(stubs).resolve()
    jobs = [Job(s, settings, out_dir, stubs) for s in discover(Path(submissions_dir).resolve())]
    waiting, running, grades = list(jobs), [], {}
    started_at, finished = time.monotonic(), 0
    try:
        while waiting or running:
            while waiting and len(running) < settings.jobs:
                job = waiting.pop(0)
                if job.start(modules):
                    running.append(job)
                else:
                    finished += 1
                    grades[job.submission.name] = job.grade
                    progress(_line(finished, len(jobs), job, started_at, "kept" if
                                   getattr(job, "resumed", False) else "not gradable"))  # fmt: skip
            time.sleep(POLL_SECONDS)
            for job in list(running):
                if job.poll():
                    running.remove(job)
                    finished += 1
                    grades[job.submission.name] = job.grade
                    progress(_line(finished, len(jobs), job, started_at, "graded"))
                    outputs.write_gradebook(
                        out_dir,
                        [grades[j.submission.name] for j in jobs if j.submission.name in grades],
                        settings,
                    )
    finally:
        for job in running:  # interrupted: leave no process behind
            _kill_group(job.attempt.process)
    return outputs.write_gradebook(out_dir, [grades[j.submission.name] for j in jobs], settings)


def _line(done, total, job, started_at, how):
    elapsed = time.monotonic() - started_at
    eta = elapsed / done * (total - done) if done else 0.0
    grade = job.grade or {}
    score = f"{grade.get('score', 0):g}/{grade.get('max_score', 0):g}"
    width = 20
    bar = "#" * round(width * done / total) + "." * (width - round(width * done / total))
    return (f"[{bar}] {done}/{total}  {job.submission.name}: {score} ({how})  "
            f"elapsed {elapsed:.0f} s, ETA {eta:.0f} s")  # fmt: skip
