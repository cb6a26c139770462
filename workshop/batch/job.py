"""One submission through the batch: its exercises, each run by a worker process the
runner starts for that exercise alone, then judged here.

The runner knows what runs because it started it: a worker grades one exercise (its
public and hidden units), so a hang or a crash is charged to that exercise whatever
the worker writes. The worker streams its progress and records (channel.py) into this
submission's folder, which is the runner's; the runner keeps the clocks: a stage's
time runs from when the runner heard it start, each attempt has a cap, and the
submission a budget across all of its attempts. A stage past the time limit costs
the exercise (its other stages are not run: each could hang as long again); a worker
that dies costs the stage it was in, and a fresh worker runs the rest.
"""

import ast
import itertools
import os
import re
import secrets
import signal
import time
from pathlib import Path

from .. import catalog
from ..grader import evidence, hidden, results
from ..grader.evidence import Evidence, StageFailed
from ..grader.source import SourceError, read_source
from . import channel, outputs
from .area import PACKAGE_ROOT, Area, disk_use, read_back, remove
from .cgroups import Group, Hierarchy
from .guards import forbidden_imports
from .isolation import IsolationUnavailable
from .jail import FIRST_UID, UIDS
from .review import flagged
from .submissions import SubmissionError, digest, lay_out, read_files
from .worker import ISOLATION_FAILED

HIDDEN = (PACKAGE_ROOT / "solutions", PACKAGE_ROOT / "tests")
DISK_POLL_SECONDS = 1.0
_numbers = itertools.count()  # each worker its uid and group name


# --- where a hung worker was -------------------------------------------------------------

FRAME = re.compile(r'File "(?P<file>[^"]{1,4096})", line (?P<line>\d{1,9}) in (?P<func>\S{1,200})')


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
    try:  # the file as sent (the runner's), read as Python reads it
        tree = ast.parse(read_source(path))
    except (OSError, SourceError, SyntaxError, ValueError, RecursionError, MemoryError):
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


def _fresh(path):
    """An empty file the worker will append to, replacing whatever is there."""
    remove(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    os.close(fd)


# --- one worker ----------------------------------------------------------------------------


class Attempt:
    """One worker process running the stages left of one exercise of one submission.

    The clocks are the runner's: a stage's time runs from when the runner first heard
    it start, and the whole attempt has a cap (one time limit per unit left, plus one
    for the start-up), so nothing the worker sends can stop a clock."""

    entry = "worker"  # what the fork server runs: the student's side

    def __init__(self, job, slug, units, spawn):
        self.job, self.slug, self.units = job, slug, units
        settings = job.settings
        finished = job.finished_stages()
        self.expected = set()  # the (unit, stage) progress this attempt may report
        names = set()  # the records it may send
        for unit_slug, variant in units:
            stem = f"{unit_slug}.{variant}"
            for stage in self.stages(job.unit_exercise(unit_slug, variant)[0]):
                if f"{stem}.{stage}" not in finished:
                    self.expected.add((stem, stage))
                    if stage != "load":  # a stage reported, never recorded
                        names.add(f"{stem}.{stage}")
            names.update(self.ending(stem))
        number = next(_numbers)
        self.group, self.reader = job.new_group(number), None
        try:
            fifo = channel.make(job.folder / "channel")
            self.reader = channel.Reader(fifo, job.records, names.__contains__, job.records_left())
            _fresh(job.stack)
        except BaseException:  # nothing started: what was made goes now
            self._release()
            raise
        argv = [
            str(job.area.folder),
            *[f"{unit_slug}:{variant}" for unit_slug, variant in units],
            "--channel",
            str(fifo),
            "--stack",
            str(job.stack),
            *self.arguments(finished),
            *job.wall_arguments(FIRST_UID + number % UIDS, self.group),
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
        self.cap = min(settings.time_limit * (len(units) + 1), self.budget_left())
        self.heard, self.seen, self.current = 0, {}, None
        self.disk_checked, self.over_disk, self.stopped = self.started, False, False
        try:
            self.worker = spawn(argv, job.folder / "output.log", self.entry)
        except BaseException:  # no worker: the stream and the group go now
            self._release()
            raise

    def _release(self):
        if self.reader is not None:
            self.reader.close(drain_seconds=0)
        if self.group is not None:
            self.group.remove()

    def stages(self, exercise):
        """The stages this attempt runs of a unit, the progress it may report."""
        return ["load", *exercise.kind.stages(exercise)]

    def ending(self, stem):
        """Records besides the stages' that a unit may send: the worker's last word."""
        return {f"{stem}.origin", f"{stem}.unavailable"}

    def arguments(self, finished):
        """The stages of its units already recorded or charged: not run again."""
        stems = tuple(f"{slug}.{variant}." for slug, variant in self.units)
        return [a for name in sorted(finished) if name.startswith(stems) for a in ("--skip", name)]

    def budget_left(self):
        return self.job.budget_left()

    def duration(self):
        """From its start to its end: the end its parent reported, where there is one."""
        ended = getattr(self.worker, "ended_at", None) or time.monotonic()
        return max(ended - self.started, 0.0)

    def _listen(self):
        for when, unit, stage in self.reader.events(self.heard):
            self.heard += 1
            if (unit, stage) in self.expected:  # anything else is ignored
                self.current = (unit, stage)
                self.seen.setdefault(self.current, when)

    def poll(self):
        """None while running; else {(unit stem, stage): StageFailed} charged to it."""
        self._listen()
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
                    f"limit for each variant it had left, plus one to start "
                    f"(last in {self._where()})"
                )
            if self.reader.over_cap or self.reader.broken:
                return self._charge_exercise(self._stream_failure())
            if now - self.disk_checked > DISK_POLL_SECONDS:
                self.disk_checked = now
                if self.job.over_disk_cap(self.worker.pid):
                    self.over_disk = True
                    return self._charge_exercise(
                        f"wrote more than {settings.disk_mb:g} MB to disk in "
                        f"{self._stage_name()} (the cap, --disk-mb)"
                    )
            return None
        self._stop()
        if code == ISOLATION_FAILED and self.job.walls_fail():
            raise IsolationUnavailable(_log_tail(self.job.folder / "output.log"))
        if self.reader.over_cap or self.reader.broken:  # what it sent before it ended
            return self._charge_exercise(self._stream_failure())
        if self.reader.done:
            return self._finish(None)
        if self.group is not None and self.group.out_of_memory():
            cause = f"the {settings.memory_gb:g} GB memory cap (the kernel stopped it)"
        else:
            cause = f"os._exit, a crash, or the {settings.memory_gb:g} GB memory cap"
        return self._finish(
            f"the grading process ended (exit code {code}) in {self._stage_name()}: {cause}"
        )

    def _stream_failure(self):
        if self.reader.over_cap:
            return (
                f"sent the grader more than {self.job.settings.records_mb:g} MB of records "
                f"in {self._stage_name()} (the cap on a submission's records)"
            )
        return f"sent the grader {self.reader.broken} in {self._stage_name()}"

    def _stop(self):
        """The worker and whatever it left: killed, its stream drained, its group gone."""
        if self.stopped:
            return
        self.stopped = True
        self.worker.kill()
        self.reader.close()
        self._listen()
        if self.group is not None:
            self.group.remove()  # whatever it left, killed

    def _stage_name(self):
        if self.current is None:
            return f"the start-up of {self.slug}"
        stem, stage = self.current
        return f"the {stage} stage of {stem.split('.')[0]}"

    def _where(self):
        """Where the student's code was: the stack dumped on SIGUSR1 (faulthandler)."""
        if self.current is None:
            return self._stage_name()
        try:
            self.worker.signal(signal.SIGUSR1)
            time.sleep(0.3)
            stack = read_back(self.job.stack, 1 << 20).decode("utf-8", errors="replace")
            found = hang_location(stack, self.job.root, self.job.sent)
        except Exception:  # a dump the student's code wrote itself: where is unknown
            found = None
        return found or self._stage_name()

    def _charge_exercise(self, failure):
        """A hang costs one time limit per exercise: the stage is charged, and every stage
        of this exercise not yet run (its hidden cases too) is not run at all."""
        stage_name = self._stage_name()
        self._stop()
        charged = self._finish(failure)
        reason = next(iter(charged.values())).reason
        finished = self.job.finished_stages()
        for stem, stage in sorted(self.expected):
            key = f"{stem}.{stage}"
            if (stem, stage) not in charged and key not in finished and stage != "load":
                charged[(stem, stage)] = StageFailed(
                    f"not run: {reason} (in {stage_name}; the exercise's other checks were "
                    "not run, as each could do the same again)"
                )
        return charged

    def _finish(self, failure):
        _trim(self.job.folder / "output.log")
        if not failure:
            return {}
        if self.current is not None:
            return {self.current: StageFailed(failure)}
        slug, variant = self.units[0]  # died before the first stage
        return {(f"{slug}.{variant}", self.stages(self.job.unit_exercise(slug, variant)[0])[0]):
                StageFailed(failure)}  # fmt: skip

    def kill(self):
        self._stop()


class GraphAttempt(Attempt):
    """The judge's run of a submission's exported graphs (graph_judge.py): trusted code
    on the student's data, so walled in like a worker and timed the same way, on its
    own budget (one time limit per unit, plus one to start), not the student's."""

    entry = "graph_judge"

    def stages(self, exercise):
        return exercise.kind.trusted_stages(exercise)

    def ending(self, stem):
        return set()

    def arguments(self, finished):
        return [
            "--records",
            str(self.job.records),
            "--fresh-seed",
            str(self.job.fresh_seed),
        ]

    def budget_left(self):
        return float("inf")

    def _charge_exercise(self, failure):
        """A graph that hangs the judge costs its own unit: the others run again."""
        self._stop()
        return self._finish(failure)

    def _where(self):
        return self._stage_name()

    def _stage_name(self):
        if self.current is None:
            return f"the start of the grader's run of the traced graphs of {self.slug}"
        stem, _ = self.current
        return f"the grader's run of the traced graphs of {stem.replace('.', ', ')} cases"


def _log_tail(path):
    lines = read_back(path, 1 << 16).decode("utf-8", errors="replace").strip().splitlines()
    return lines[-1] if lines else "the worker could not wall itself in"


# --- one submission --------------------------------------------------------------------------


class Job:
    """One submission, through as many attempts as its exercises need."""

    def __init__(self, submission, settings, out_dir, stubs, isolation, key):
        self.submission, self.settings, self.out_dir = submission, settings, out_dir
        self.isolation, self.key = isolation, key
        self.folder = out_dir / "submissions" / submission.name  # the runner's alone
        self.area = Area(out_dir / "work" / submission.name)  # the worker's
        self.sent = self.folder / "sent"  # as sent: what the judge reads
        self.records = self.folder / "records"  # streamed in by the runner (channel.py)
        self.stack = self.folder / "stack.txt"
        self.stubs = stubs
        self.attempt, self.failures, self.refused = None, {}, {}
        self.grade, self.review = None, []
        self.used = 0.0  # seconds its student-side workers ran (the budget's measure)
        self.received = 0  # bytes of records taken from its workers
        self.fresh_seed = outputs.fresh_seed(key)  # the judge's, never a student process's

    @property
    def root(self):
        """Where the worker sees the submission: the paths its records and stacks name."""
        return self.area.copy

    def new_group(self, number):
        if not self.isolation.cgroups:
            return None
        isolation = self.isolation
        hierarchy = Hierarchy(isolation.cgroups, isolation.hierarchy, isolation.controllers)
        name = f"workshop-{os.getpid()}-{number}-{secrets.token_hex(4)}"
        memory = int(self.settings.memory_gb * (1 << 30))
        return Group(hierarchy, name, memory, cpus=self.settings.threads_each)

    def wall_arguments(self, uid, group=None):
        """The worker's walls, as its command line: the isolation, its uid and group,
        what its audit hook refuses to read, and what its read list may never hold."""
        never = [self.out_dir, self.submission.path.parent, *HIDDEN]
        return [
            "--isolation",
            self.isolation.as_argument(),
            "--uid",
            str(uid),
            "--disk-bytes",
            str(int(self.settings.disk_mb * (1 << 20))),
            "--sent",
            str(self.sent),
            *[a for path in (group.procs_files if group else []) for a in ("--cgroup-procs", path)],
            *[a for path in never for a in ("--never-readable", str(path))],
            *[a for path in [self.out_dir, *HIDDEN] for a in ("--unreadable", str(path))],
        ]

    def walls_fail(self):
        """Whether a fresh worker, running no student code, fails to wall itself in (a
        worker's exit code alone could be forged by the code it ran)."""
        self._prepare_area()
        check = self.spawn(
            [str(self.area.folder), "--check-walls", *self.wall_arguments(FIRST_UID + UIDS)],
            self.folder / "walls.log",
        )
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
        """What is left of the budget: the time its student-side workers ran, each from
        its start to its end (its parent's word), not the time the runner spent on
        others before it noticed or started the next."""
        return max(self.budget() - self.used, 0.0)

    def records_left(self):
        cap = int(self.settings.records_mb * (1 << 20))
        return max(cap - self.received, 0)

    def over_disk_cap(self, pid=None):
        """Whether the worker `pid` filled its folder: its private tmpfs, seen through
        /proc/PID/root (the tmpfs itself refuses writes past the cap), or without
        namespaces the folder on disk, measured."""
        cap = self.settings.disk_mb * (1 << 20)
        if not self.isolation.namespaces:
            return disk_use(self.area.folder) > cap
        if pid is None:
            return False
        try:
            seen = os.statvfs(f"/proc/{pid}/root{self.area.folder}")
        except OSError:
            return False  # gone, or not ours to look at (a --no-fork worker's parent)
        return seen.f_bavail * seen.f_frsize < min(cap / 100, 1 << 20)

    def start(self, modules, spawn, books=None):
        """Prepare and start; returns False when nothing needs running (done or broken).
        `books` ({variant: StoredReference}) may hold the untouched stubs' records: an
        exercise whose file is the stub byte for byte is judged on them, no worker run."""
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
        self.books = books or {}
        self.untouched = {
            m for m in graded if files.get(m, (self.stubs / f"{m}.py").read_bytes())
            == (self.stubs / f"{m}.py").read_bytes()
        }  # fmt: skip
        remove(self.records)  # an interrupted batch's
        self.records.mkdir(parents=True)
        self.files = files
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

    def _prepare_area(self):
        """The worker's folder, afresh: with namespaces an empty mount point (the worker
        fills its own tmpfs from `sent`); without, the copy laid out and a scratch."""
        remove(self.area.folder)
        self.area.folder.mkdir(parents=True)
        if not self.isolation.namespaces:
            lay_out(self.files, self.stubs, self.area.copy)
            self.area.scratch.mkdir()

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
        if self.records.is_dir():
            done.update(p.name[: -len(".json")] for p in self.records.glob("*.json"))
        return done

    def _units_left(self):
        """Units no worker has finished (it sends `origin` or `unavailable` last), but
        those of untouched stubs, judged on the stub's own records."""
        done = self.finished_stages()
        return [
            (slug, variant)
            for slug, variant in self.units()
            if not {f"{slug}.{variant}.{end}" for end in ("origin", "unavailable", "load")} & done
            and self._stub_records(slug, variant) is None
        ]

    def _stub_records(self, slug, variant):
        """The untouched stub's first-stage records for this unit, where its file is the
        stub byte for byte and the reference has them; else None."""
        if catalog.find(slug).module not in getattr(self, "untouched", ()):
            return None
        book = self.books.get(variant)
        if book is None or not hasattr(book, "stub"):
            return None
        exercise, seed = self.unit_exercise(slug, variant)
        try:
            return book.stub(exercise, seed)
        except evidence.BadRecord:
            return None

    def _next_attempt(self):
        left = self._units_left()
        if left and self.budget_left() <= 0:
            for slug, variant in left:
                self.failures[(f"{slug}.{variant}", "load")] = StageFailed(
                    f"not run: the submission used up its time, {self.budget():g} s in all (one "
                    "time limit for each exercise and variant, plus one to start)"
                )
            left = []
        if left:
            slug = left[0][0]  # the next exercise, with whichever of its units are left
            self._prepare_area()
            self.attempt = Attempt(self, slug, [u for u in left if u[0] == slug], self.spawn)
            return True
        graphs = self._graph_units_left()
        if graphs:  # the student side is done: the judge's runs of what it exported
            self._prepare_area()
            self.attempt = GraphAttempt(self, graphs[0][0], graphs, self.spawn)
            return True
        self.attempt = None
        return False

    def _graph_units_left(self):
        """Units with exported records for the judge's side to run, not yet run."""
        done = self.finished_stages()
        left = []
        for slug, variant in self.units():
            exercise, stem = self.unit_exercise(slug, variant)[0], f"{slug}.{variant}"
            inputs = exercise.kind.trusted_inputs(exercise)
            if not any((self.records / f"{stem}.{stage}.json").exists() for stage in inputs):
                continue
            if any(
                f"{stem}.{stage}" not in done for stage in exercise.kind.trusted_stages(exercise)
            ):
                left.append((slug, variant))
        return left

    def poll(self):
        """True when the student side is finished (every stage recorded or charged)."""
        charged = self.attempt.poll()
        if charged is None:
            return False
        self.received += self.attempt.reader.received
        if not isinstance(self.attempt, GraphAttempt):  # the judge's own time is not its
            self.used += self.attempt.duration()
        self.failures.update(charged)
        if self.attempt.over_disk:
            self._prepare_area()
            if not self.isolation.namespaces and self.over_disk_cap():
                for slug, variant in self._units_left():  # still full: nothing more runs
                    self.failures[(f"{slug}.{variant}", "load")] = StageFailed(
                        f"not run: the grading folder stayed over the {self.settings.disk_mb:g}"
                        " MB disk cap"
                    )
        if not charged and isinstance(self.attempt, GraphAttempt):
            finished = self.finished_stages()
            for stem, stage in self.attempt.expected:
                if f"{stem}.{stage}" not in finished:
                    self.failures[(stem, stage)] = StageFailed(
                        "the grader's run of the traced graphs recorded nothing"
                    )
        elif not charged:  # the worker said done: whatever it left unrecorded stays so
            for slug, variant in self._units_left():
                if slug == self.attempt.slug:
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
            for made in (self.area.folder, self.records, self.stack, self.folder / "channel"):
                remove(made)  # the stack file too: a worker may have filled it

    def _judge_unit(self, slug, variant, book):
        from ..grader.judging import judge

        exercise, seed = self.unit_exercise(slug, variant)
        stem = f"{slug}.{variant}"
        load_failure = self.failures.get((stem, "load"))
        if load_failure:
            return results.zero(exercise, seed, load_failure.reason)
        stub = self._stub_records(slug, variant)
        if stub is not None:  # the stub as it came: judged on its own first stage
            return judge(exercise, Evidence(stages=dict(stub)), book, seed, self.sent / "exercises",
                         fresh_seed=self.fresh_seed)  # fmt: skip
        found, sources = Evidence(), []
        try:
            if (self.records / f"{stem}.unavailable.json").exists():
                found.unavailable = tuple(evidence.read(self.records / f"{stem}.unavailable"))
            origin = self.records / f"{stem}.origin"
            if (self.records / f"{stem}.origin.json").exists():
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
        for stage in [*exercise.kind.stages(exercise), *exercise.kind.trusted_stages(exercise)]:
            failure = self.failures.get((stem, stage))
            if failure:
                found.stages[stage] = failure
            elif (self.records / f"{stem}.{stage}.json").exists():
                try:
                    found.stages[stage] = evidence.read(self.records / f"{stem}.{stage}")
                except evidence.BadRecord as error:
                    found.stages[stage] = StageFailed(f"its record could not be read ({error})")
        try:
            result = judge(
                exercise, found, book, seed, self.sent / "exercises", fresh_seed=self.fresh_seed
            )
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
            self.attempt.kill()
