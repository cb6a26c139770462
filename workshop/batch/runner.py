"""Grade a folder of submissions: the student side in worker processes, the judging here.

For each submission the runner lays the student's files over the stubs twice: one copy
for the worker to run, one kept as sent, which the judge reads. A worker (forked from
the zygote, so TensorFlow is not imported again) runs the student's code stage by
stage and writes records; it computes no score. The runner watches which stage runs: a
stage past the time limit, or a worker that dies (os._exit, a crash, the memory cap),
costs that stage alone: the process group is killed, the checks that needed the stage
score 0 with the reason, and a fresh worker runs the stages left. When every stage has
a record or a reason, this process judges the records against the reference, which it
computes itself. A finished submission's grade is kept on disk with a fingerprint of
its files, so an interrupted batch resumes where it stopped.
"""

import ast
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .. import catalog
from ..grader import evidence, hidden, results
from ..grader.evidence import Evidence, StageFailed
from ..grader.source import SourceError, read_source
from ..quiet import import_tensorflow, threads_setter
from . import isolation as isolations
from . import outputs, reference
from .area import PACKAGE_ROOT, Area, disk_use, read_back, remove
from .guards import forbidden_imports
from .isolation import IsolationUnavailable
from .review import flagged
from .submissions import SubmissionError, digest, discover, lay_out, read_files
from .worker import ISOLATION_FAILED

POLL_SECONDS = 0.1
HIDDEN = (PACKAGE_ROOT / "solutions", PACKAGE_ROOT / "tests")


@dataclass(frozen=True)
class BatchSettings:
    exercises: tuple  # slugs, in grading order
    seed: int
    hidden_seed: int = hidden.DEFAULT_HIDDEN_SEED
    with_hidden: bool = True
    time_limit: float = 60.0  # seconds per stage (one or a few checks)
    memory_gb: float = 8.0
    disk_mb: float = 512.0  # what a worker may leave in its folder
    jobs: int = 2
    isolation: str = "auto"  # isolation.CHOICES
    keep_work: bool = False  # keep each worker's folder (out/work/NAME) after judging

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


# --- starting workers ------------------------------------------------------------------


class Zygote:
    """The fork server (zygote.py), talked to over its stdin and stdout. It starts at
    once and imports TensorFlow while the runner does its own set-up; the first spawn
    waits until it is ready."""

    def __init__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-P", "-m", "workshop.batch.zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=PACKAGE_ROOT / "workshop",
            env=worker_environment(),
        )
        self.exits, self._pids, self._lock = {}, [], threading.Condition()
        self.ready = None  # True once it said so, False if it ended first
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        first = self.process.stdout.readline()
        with self._lock:
            self.ready = bool(first) and bool(json.loads(first).get("ready"))
            self._lock.notify_all()
        for line in self.process.stdout:
            message = json.loads(line)
            with self._lock:
                if "pid" in message:
                    self._pids.append(message["pid"])
                else:
                    self.exits[message["exit"]] = message["code"]
                self._lock.notify_all()

    def spawn(self, argv, log, entry="worker"):
        with self._lock:
            if not self._lock.wait_for(lambda: self.ready is not None, timeout=300):
                raise RuntimeError("the worker fork server did not start in 5 minutes")
            if not self.ready:
                raise RuntimeError("the worker fork server did not start")
            request = {"argv": argv, "log": str(log), "entry": entry}
            self.process.stdin.write((json.dumps(request) + "\n").encode())
            self.process.stdin.flush()
            if not self._lock.wait_for(lambda: self._pids, timeout=60):
                raise RuntimeError("the worker fork server does not answer")
            return ForkedWorker(self._pids.pop(0), self)

    def close(self):
        try:
            self.process.stdin.close()
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()


class ForkedWorker:
    def __init__(self, pid, zygote):
        self.pid, self.zygote = pid, zygote

    def poll(self):
        code = self.zygote.exits.get(self.pid)
        if code is None and self.zygote.process.poll() is not None:
            # The zygote is gone, so nobody reports this worker's end: look for it.
            return None if Path(f"/proc/{self.pid}").exists() else -1
        return code

    def kill(self):
        _kill_group(self.pid)
        deadline = time.monotonic() + 10
        while self.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)


class ExecWorker:
    """A worker (or reference process) as its own `python -m workshop.batch.ENTRY`, when
    there is no zygote."""

    def __init__(self, argv, log, entry="worker"):
        self.log = open(log, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-P", "-m", f"workshop.batch.{entry}", *argv],
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=PACKAGE_ROOT / "workshop",
            env=worker_environment(),
        )
        self.pid = self.process.pid

    def poll(self):
        return self.process.poll()

    def kill(self):
        _kill_group(self.pid)
        self.process.wait()
        self.log.close()


# What student code may see of the grader's environment: what Python, TensorFlow and
# the C library need, not tokens or credentials (they would leak into feedback).
ENVIRONMENT_KEPT = ("PATH", "HOME", "LANG", "LC_", "TZ", "PYTHON", "TF_", "KERAS_", "XLA_")
ENVIRONMENT_KEPT += ("CUDA", "NVIDIA", "LD_LIBRARY_PATH", "OMP_", "MKL_", "OPENBLAS_")
ENVIRONMENT_KEPT += ("WORKSHOP_",)


def worker_environment():
    kept = {k: v for k, v in os.environ.items() if k.startswith(ENVIRONMENT_KEPT)}
    return dict(kept, PYTHONPATH=str(PACKAGE_ROOT))


def _kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


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


# --- where a hung worker was -------------------------------------------------------------

FRAME = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+) in (?P<func>\S+)')


def hang_location(stack_text, source_root, sent_root):
    """'L2Pool2D.call (exercises/pooling.py line 91)' for the innermost frame of the
    student's own code in a faulthandler dump, or None."""
    for match in FRAME.finditer(stack_text):  # most recent call first
        path = Path(os.path.normpath(match["file"]))  # the dump is the worker's: no `..`
        if not path.is_relative_to(source_root):
            continue
        relative = path.relative_to(source_root)
        if relative.parts[:1] != ("exercises",) or relative.suffix != ".py":
            continue
        line, func = int(match["line"]), match["func"]
        return f"{_qualified(sent_root / relative, line, func)} ({relative} line {line})"
    return None


def _qualified(path, line, func):
    """'Class.method' when `func` at `line` is a method of a class in `path`."""
    try:  # the file as sent (the runner's), read as the worker's files are: capped
        tree = ast.parse(read_back(path, 1 << 20).decode("utf-8", errors="replace"))
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return func
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if (
                    isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                    and item.name == func
                    and item.lineno <= line <= item.end_lineno
                ):
                    return f"{node.name}.{func}"
    return func


# --- one submission -------------------------------------------------------------------------

PROGRESS_BYTES = 1 << 20  # read per poll: a flood of progress lines cannot stall the runner
DISK_POLL_SECONDS = 1.0


class Attempt:
    """One worker process running the stages left of one submission.

    The clocks are the runner's: a stage's time runs from when the runner first saw its
    progress line, and the whole attempt has a cap (one time limit per unit left, plus
    one for the start-up), so nothing the worker writes can stop a clock."""

    def __init__(self, job, units, spawn):
        self.job, self.units = job, units
        area, settings = job.area, job.settings
        _fresh(area.progress, "")
        _fresh(area.stack, "")
        finished = job.finished_stages()
        _fresh(area.skip, "\n".join(sorted(finished)))
        self.expected = set()  # the progress lines this attempt may write
        for slug, variant in units:
            exercise = job.unit_exercise(slug, variant)[0]
            for stage in ["load", *exercise.kind.stages(exercise)]:
                if f"{slug}.{variant}.{stage}" not in finished:
                    self.expected.add((f"{slug}.{variant}", stage))
        argv = [
            str(area.folder),
            *[f"{slug}:{variant}" for slug, variant in units],
            *job.wall_arguments(),
            "--seed",
            str(settings.seed),
            "--hidden-seed",
            str(settings.hidden_seed),
            "--memory-gb",
            str(settings.memory_gb),
            "--threads",
            str(settings.threads_each),
        ]
        self.started = time.monotonic()
        # One time limit per unit left, plus one to start; never past the submission's
        # whole budget, so that no number of attempts stretches it.
        self.cap = min(settings.time_limit * (len(units) + 1), job.budget_left())
        self.offset, self.seen, self.current, self.done = 0, {}, None, False
        self.disk_checked, self.over_disk = self.started, False
        self.worker = spawn(argv, job.folder / "output.log")

    def _read_progress(self):
        data = read_back(self.job.area.progress, PROGRESS_BYTES, self.offset)
        end = data.rfind(b"\n")
        if end < 0:
            return  # nothing new, or a line half written
        self.offset += end + 1
        now = time.monotonic()
        for line in data[:end].decode("utf-8", errors="replace").split("\n"):
            if line == "done":
                self.done = True
            elif tuple(line.split("\t")) in self.expected:  # anything else is ignored
                self.current = tuple(line.split("\t"))
                self.seen.setdefault(self.current, now)

    def poll(self):
        """None while running; else {(unit stem, stage): StageFailed} charged to it."""
        self._read_progress()
        code = self.worker.poll()
        settings = self.job.settings
        now = time.monotonic()
        if code is None:
            limit = settings.time_limit
            if self.current is not None and now - self.seen[self.current] > limit:
                return self._charge_exercise(
                    f"timed out after {limit:g} s in {self._where()}: an endless loop, "
                    "or far too slow"
                )
            if now - self.started > self.cap:
                return self._charge_exercise(
                    f"timed out: the grading process ran {self.cap:g} s in all, one time "
                    f"limit for each exercise and variant it had left, plus one to start "
                    f"(last in {self._where()})"
                )
            if now - self.disk_checked > DISK_POLL_SECONDS:
                self.disk_checked = now
                if self.job.over_disk_cap():
                    self.over_disk = True
                    return self._charge_exercise(
                        f"wrote more than {settings.disk_mb:g} MB to disk in "
                        f"{self._stage_name()} (the cap, --disk-mb)"
                    )
            return None
        self.worker.kill()  # children it may have left
        if code == ISOLATION_FAILED and self.job.walls_fail():
            raise IsolationUnavailable(_log_tail(self.job.folder / "output.log"))
        if self.done:
            return self._finish(None)
        return self._finish(
            f"the grading process ended (exit code {code}) in {self._stage_name()}: "
            f"os._exit, a crash, or the {settings.memory_gb:g} GB memory cap"
        )

    def _stage_name(self):
        if self.current is None:
            return "start-up"
        stem, stage = self.current
        return f"the {stage} stage of {stem.split('.')[0]}"

    def _where(self):
        """Where the student's code was: the stack dumped on SIGUSR1 (faulthandler)."""
        if self.current is None:
            return "start-up"
        try:
            os.kill(self.worker.pid, signal.SIGUSR1)
            time.sleep(0.3)
            stack = read_back(self.job.area.stack, 1 << 20).decode("utf-8", errors="replace")
            found = hang_location(stack, self.job.area.copy, self.job.sent)
        except OSError:
            found = None
        return found or self._stage_name()

    def _charge_exercise(self, failure):
        """A hang costs one time limit per exercise: the stage is charged, and every stage
        of the same exercise not yet run (its hidden cases too) is not run at all."""
        self.worker.kill()
        charged = self._finish(failure)
        (stem, stage), reason = next(iter(charged.items()))
        slug = stem.split(".")[0]
        finished = self.job.finished_stages()
        for later_stem, later_stage in sorted(self.expected):
            key = f"{later_stem}.{later_stage}"
            if later_stem.split(".")[0] == slug and (later_stem, later_stage) not in charged:
                if key not in finished and later_stage != "load":
                    charged[(later_stem, later_stage)] = StageFailed(
                        f"not run: {reason.reason} (in the {stage} stage; the exercise's "
                        "other checks were not run, as each could do the same again)"
                    )
        return charged

    def _finish(self, failure):
        _trim(self.job.folder / "output.log")
        if not failure:
            return {}
        if self.current is not None:
            return {self.current: StageFailed(failure)}
        slug, variant = self.units[0]  # died before the first stage
        return {(f"{slug}.{variant}", "load"): StageFailed(failure)}


def _fresh(path, text):
    """Write a new file the worker will read or append to, replacing whatever is there
    without following it (a link left by the student's code)."""
    remove(path)  # a file, a link or a folder
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)


def _log_tail(path):
    lines = read_back(path, 1 << 16).decode("utf-8", errors="replace").strip().splitlines()
    return lines[-1] if lines else "the worker could not wall itself in"


class Job:
    """One submission, through as many attempts as its stages need."""

    def __init__(self, submission, settings, out_dir, stubs, isolation, key):
        self.submission, self.settings, self.out_dir = submission, settings, out_dir
        self.isolation, self.key = isolation, key
        self.folder = out_dir / "submissions" / submission.name  # the runner's alone
        self.area = Area(out_dir / "work" / submission.name)  # the worker's
        self.sent = self.folder / "sent"  # as sent: what the judge reads
        self.stubs = stubs
        self.attempt, self.failures, self.refused = None, {}, {}
        self.grade, self.review = None, []
        self.started = self.finished_at = None  # the runner's clock: the student side

    @property
    def root(self):
        return self.area.copy

    def wall_arguments(self):
        """The worker's walls, as its command line: the isolation, what its audit hook
        refuses to read, and what its read list may never hold."""
        never = [self.out_dir, self.submission.path.parent]
        return [
            "--isolation",
            self.isolation.as_argument(),
            *[a for path in never for a in ("--never-readable", str(path))],
            *[a for path in [self.out_dir, *HIDDEN] for a in ("--unreadable", str(path))],
        ]

    def walls_fail(self):
        """Whether a fresh worker, running no student code, fails to wall itself in (a
        worker's exit code alone could be forged by the code it ran)."""
        check = self.spawn([str(self.area.folder), "--check-walls", *self.wall_arguments()],
                           self.folder / "walls.log")  # fmt: skip
        deadline = time.monotonic() + 60
        while check.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        code = check.poll()
        check.kill()
        return code != 0

    def budget(self):
        """The submission's whole time, across every attempt: one time limit per unit
        and one to start."""
        return self.settings.time_limit * (len(self.units()) + 1)

    def budget_left(self):
        return max(self.budget() - (time.monotonic() - self.started), 0.0)

    def over_disk_cap(self):
        return disk_use(self.area.folder) > self.settings.disk_mb * (1 << 20)

    def start(self, modules, spawn):
        """Prepare and start; returns False when nothing needs running (done or broken)."""
        self.started = time.monotonic()
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            files = read_files(self.submission, modules)
        except SubmissionError as error:
            self.grade = outputs.broken_grade(
                self.submission.name, str(error), self.settings, self.isolation
            )
            outputs.write_submission(self.folder, self.grade, self.key)  # the student hears why
            return False
        self.fingerprint = digest(files, self.settings.fingerprint())
        kept = outputs.read_grade(self.folder, self.key)
        if kept and kept.get("fingerprint") == self.fingerprint:
            self.grade, self.resumed = kept, True
            return False
        graded = {catalog.find(slug).module for slug in self.settings.exercises}
        self.missing = [m for m in sorted(graded) if m not in files]
        remove(self.area.folder)  # an interrupted batch's
        self.area.records.mkdir(parents=True)
        self.files = files
        lay_out(files, self.stubs, self.area.copy)
        remove(self.sent)
        lay_out(files, self.stubs, self.sent)
        self.review = flagged(self.sent, sorted(files))
        (self.folder / "output.log").write_bytes(b"")
        for slug in self.settings.exercises:
            reason = self._refusal(slug)
            if reason:
                self.refused[slug] = reason
        self.spawn = spawn
        return self._next_attempt()

    def _refusal(self, slug):
        """Why an exercise is not run at all: its file is not UTF-8 (what the scanners
        read would not be what Python runs), or imports the reference or grader."""
        module = catalog.find(slug).module
        path = self.sent / "exercises" / f"{module}.py"
        try:
            read_source(path, f"exercises/{module}.py")
        except SourceError as error:
            return str(error)
        except OSError:
            pass  # not sent: the stub, which is ours
        found = forbidden_imports(path)
        if found:
            line, name = found[0]
            return (
                f"exercises/{module}.py line {line} imports `{name}`: submissions may "
                "not use the reference or the grader"
            )
        return None

    def units(self):
        return [unit for unit in self.settings.units if unit[0] not in self.refused]

    def unit_exercise(self, slug, variant):
        settings = self.settings
        return hidden.pick(catalog.find(slug), variant, settings.seed, settings.hidden_seed)

    def finished_stages(self):
        """'slug.variant.stage' for every stage with a record or a reason."""
        done = {f"{stem}.{stage}" for stem, stage in self.failures}
        if self.area.records.is_dir():
            done.update(p.name[: -len(".json")] for p in self.area.records.glob("*.json"))
        return done

    def _units_left(self):
        """Units the worker has not finished: it writes `origin` (or `unavailable`) last."""
        done = self.finished_stages()
        return [
            (slug, variant)
            for slug, variant in self.units()
            if not {f"{slug}.{variant}.{end}" for end in ("origin", "unavailable", "load")} & done
        ]

    def clean_area(self):
        """After a worker filled its disk: the copy laid out afresh, the scratch emptied,
        and only records named as the grader names them kept."""
        remove(self.area.copy)
        remove(self.area.scratch)
        lay_out(self.files, self.stubs, self.area.copy)
        stems = tuple(f"{slug}.{variant}." for slug, variant in self.units())
        if not self.area.records.is_dir() or self.area.records.is_symlink():
            remove(self.area.records)
            self.area.records.mkdir()
        for path in self.area.records.iterdir():
            if not path.name.startswith(stems) or not path.is_file() or path.is_symlink():
                remove(path)

    def _next_attempt(self):
        left = self._units_left()
        if left and self.budget_left() <= 0:
            for slug, variant in left:
                self.failures[(f"{slug}.{variant}", "load")] = StageFailed(
                    f"not run: the submission used up its time, {self.budget():g} s in all (one "
                    "time limit for each exercise and variant, plus one to start)"
                )
            left = []
        if not left:
            self.attempt = None
            return False
        self.attempt = Attempt(self, left, self.spawn)
        return True

    def poll(self):
        """True when the student side is finished (every stage recorded or charged)."""
        charged = self.attempt.poll()
        if charged is None:
            return False
        self.failures.update(charged)
        if self.attempt.over_disk:
            self.clean_area()
            if self.over_disk_cap():
                for slug, variant in self._units_left():  # still full: nothing more runs
                    self.failures[(f"{slug}.{variant}", "load")] = StageFailed(
                        f"not run: the grading folder stayed over the {self.settings.disk_mb:g}"
                        " MB disk cap"
                    )
        if not charged:  # the worker said done: whatever it left unrecorded stays so
            for slug, variant in self._units_left():
                self.failures[(f"{slug}.{variant}", "load")] = StageFailed(
                    "the grading process finished without recording this exercise"
                )
        return not self._next_attempt()

    # --- the trusted side ---

    def judge(self, books):
        graded = {}
        for slug in self.settings.exercises:
            exercise = catalog.find(slug)
            if slug in self.refused:
                graded[slug] = results.zero(exercise, self.settings.seed, self.refused[slug])
                continue
            public = self._judge_unit(slug, "public", books["public"])
            if self.settings.with_hidden and public.status not in (
                results.NOT_ATTEMPTED,
                results.BLOCKED,
                results.BROKEN,
            ):
                hidden_result = self._judge_unit(slug, "hidden", books["hidden"])
                public = results.with_hidden(public, hidden_result)
            graded[slug] = public
        self.grade = outputs.make_grade(self, {s: r.to_dict() for s, r in graded.items()})
        outputs.write_submission(self.folder, self.grade, self.key)
        if not self.settings.keep_work:
            remove(self.area.folder)

    def _judge_unit(self, slug, variant, book):
        from ..grader.judging import judge

        exercise, seed = self.unit_exercise(slug, variant)
        stem = f"{slug}.{variant}"
        load_failure = self.failures.get((stem, "load"))
        if load_failure:
            return results.zero(exercise, seed, load_failure.reason)
        found, sources = Evidence(), []
        try:
            if (self.area.records / f"{stem}.unavailable.json").exists():
                found.unavailable = tuple(evidence.read(self.area.records / f"{stem}.unavailable"))
            origin = self.area.records / f"{stem}.origin"
            if (self.area.records / f"{stem}.origin.json").exists():
                for path in evidence.read(origin):
                    if path is not None and Path(path).is_relative_to(self.root):
                        sources.append(Path(path).relative_to(self.root).as_posix())
                    elif path is not None:
                        sources.append(path)
                    if path is not None and not Path(path).is_relative_to(self.root / "exercises"):
                        return results.zero(
                            exercise,
                            seed,
                            f"the graded {exercise.name} comes "
                            f"from {path}, not from your own exercises/ files: "
                            "not graded",
                        )
        except (evidence.BadRecord, TypeError, ValueError) as error:  # forged: not paths
            return results.zero(exercise, seed, f"the grading records could not be read ({error})")
        for stage in exercise.kind.stages(exercise):
            failure = self.failures.get((stem, stage))
            if failure:
                found.stages[stage] = failure
            elif (self.area.records / f"{stem}.{stage}.json").exists():
                try:
                    found.stages[stage] = evidence.read(self.area.records / f"{stem}.{stage}")
                except evidence.BadRecord as error:
                    found.stages[stage] = StageFailed(f"its record could not be read ({error})")
        try:
            result = judge(exercise, found, book, seed, self.sent / "exercises")
            result.sources = sources
            return result
        except Exception as error:  # a record of the right format but nonsense content
            return results.zero(
                exercise,
                seed,
                "the grading records do not make sense "
                f"({type(error).__name__}: {error}): not graded",
            )

    def kill(self):
        if self.attempt is not None:
            self.attempt.worker.kill()


def grade_batch(
    submissions_dir, out_dir, settings, stubs, modules, progress=print, use_zygote=True
):
    """Grade every submission; returns the gradebook (a DataFrame) and writes it."""
    out_dir = Path(out_dir).resolve()  # the worker runs in another folder: absolute paths
    out_dir.mkdir(parents=True, exist_ok=True)
    stubs = Path(stubs).resolve()
    isolation = isolations.probe(settings.isolation)  # IsolationUnavailable: one line
    key = outputs.batch_key(out_dir)
    jobs = [
        Job(s, settings, out_dir, stubs, isolation, key)
        for s in discover(Path(submissions_dir).resolve())
    ]
    progress(f"Isolation of student code: {isolation.describe()}.")
    # The zygote imports TensorFlow while this process does (the judge needs it).
    zygote = _start_zygote(progress) if use_zygote else None
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
        outputs.write_gradebook(out_dir, so_far, settings)

    try:
        # Before any student's worker: the reference in `jobs` processes of its own.
        books = reference.prepare(settings, out_dir / ".reference", spawn, progress)
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
                if _guarded(job, lambda job=job: job.start(modules, spawn), default=False):
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
        except OSError:
            pass
        return default


def _start_zygote(progress):
    try:
        return Zygote()
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
