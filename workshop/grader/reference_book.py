"""Where the judge gets the reference's records and the known mistakes: computed from
`solutions/` (instructors, selfcheck, batch grading), or read from the files a student
release ships.

Both give, for an exercise, a stage and a seed, the same clean data the student side
records; the exercise's known mistakes; and, for each, the records of its first stage
with the mistake in place (to name it in a student's runs).
"""

from pathlib import Path

from . import evidence
from .loading import PackageImplementation, SwappedImplementation
from .mistakes import Mistake
from .observing import run_stage
from .seeding import DEFAULT_SEED, fresh_seed


def _cases_key(exercise):
    return repr(exercise.cases)


# Records depend only on the exercise, its cases, the stage and the seed: kept for the
# life of the process, so grading many submissions (or selfcheck) runs each once.
_RECORDS = {}


def with_mistake(implementation, exercise, mistake):
    """`implementation` with the mistake's wrong object in place of the one it replaces."""
    swaps = {(exercise.module, name): wrong for name, wrong in mistake.swaps(exercise).items()}
    return SwappedImplementation(implementation, swaps, mistake.key)


class LiveReference:
    """Records computed from the reference implementation in this process."""

    def __init__(self, implementation=None):
        self.implementation = implementation or PackageImplementation("solutions")

    def stage(self, exercise, stage, seed):
        key = (self.implementation.label, exercise.id, _cases_key(exercise), stage, seed)
        if key not in _RECORDS:
            _RECORDS[key] = run_stage(exercise, stage, self.implementation, seed)
        return _RECORDS[key]

    def mistakes(self, exercise):
        """The exercise's known mistakes: those registered in solutions/mistakes/ that
        are named in a student's runs, then those derived mechanically from the
        reference (one call changed, derived_mistakes.py), then the contract mistakes
        the kind derives, then the other registered ones."""
        from solutions.mistakes import registered

        # Asked on every judgement that fails a check: found once per process, as the
        # records are (registering scans the mistakes package).
        key = (self.implementation.label, exercise.id, "mistakes")
        if key not in _RECORDS:
            own = registered(exercise.id)
            named = tuple(m for m in own if m.diagnosed)
            reference = self.implementation.get(exercise.module, exercise.name)
            _RECORDS[key] = (
                named
                + self._changed_calls(exercise, reference, named)
                + tuple(exercise.kind.contract_mistakes(exercise, reference))
                + tuple(m for m in own if not m.diagnosed)
            )
        return _RECORDS[key]

    def _changed_calls(self, exercise, reference, named):
        """The mistakes derived by changing one call of the reference, each unlike the
        reference and every named mistake on the first stage at the default seed."""
        from . import derived_mistakes  # keras: not for the commands that only read seeds

        tolerances = exercise.kind.naming_tolerances(exercise)
        if tolerances is None:
            return ()

        def first_runs(key, wrong):
            """Kept like a known mistake's runs (a derived mistake that is kept asks
            for them again), but for the one recording run (`key` None)."""
            mistake = Mistake(key or "recording", "", wrong=wrong)
            if key is None:
                return self._first_runs(exercise, mistake, DEFAULT_SEED)
            return self.mistake_runs(exercise, mistake, DEFAULT_SEED)

        def earlier():
            return [self.mistake_runs(exercise, m, DEFAULT_SEED) for m in named]

        return derived_mistakes.derive(reference, first_runs, earlier, *tolerances)

    def mistake_runs(self, exercise, mistake, seed):
        key = (self.implementation.label, exercise.id, _cases_key(exercise), mistake.key, seed)
        if key not in _RECORDS:
            _RECORDS[key] = self._first_runs(exercise, mistake, seed)
        return _RECORDS[key]

    def _first_runs(self, exercise, mistake, seed):
        """The first stage's runs with the mistake in place."""
        swapped = with_mistake(self.implementation, exercise, mistake)
        first = exercise.kind.stages(exercise)[0]
        return exercise.kind.primary(exercise, run_stage(exercise, first, swapped, seed))


class MissingReference(LookupError):
    """The release holds no reference records for this exercise and seed."""


class StoredReference:
    """Records read from a folder written by `save` (what a student release ships)."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self._loaded = {}

    def _book(self, exercise, seed):
        stem = self.folder / f"{exercise.slug}-{seed}"
        if stem not in self._loaded:
            if not Path(f"{stem}.json").is_file():
                raise MissingReference(
                    f"this copy of the workshop has no reference results for {exercise.slug} "
                    f"at seed {seed}: run `workshop check` without --seed or --rehearse"
                )
            self._loaded[stem] = evidence.read(stem)
        book = self._loaded[stem]
        if book["cases"] != _cases_key(exercise):
            raise MissingReference(f"the stored reference for {exercise.slug} is for other cases")
        return book

    def stage(self, exercise, stage, seed):
        return self._book(exercise, seed)["stages"][stage]

    def mistakes(self, exercise):
        stem = self.folder / f"{exercise.slug}-mistakes"
        if stem not in self._loaded:  # read once, like the books
            described = evidence.read(stem) if Path(f"{stem}.json").is_file() else {}
            self._loaded[stem] = tuple(
                Mistake(key, entry["message"], entry["diagnosed"], entry["replaces"])
                for key, entry in described.items()
            )
        return self._loaded[stem]

    def mistake_runs(self, exercise, mistake, seed):
        return self._book(exercise, seed)["mistakes"][mistake.key]

    def stub(self, exercise, seed):
        """The untouched stub's first-stage records ({stage: record}), or None."""
        stem = self.folder / f"{exercise.slug}-stub-{seed}"
        if not Path(f"{stem}.json").is_file():
            return None
        return evidence.read(stem)


def save_fresh(exercise, fresh, folder, live=None):
    """Write the reference's records of the stages the judge reads at a fresh seed
    (kind.fresh_reference_stages), if the exercise has any: what the student's exported
    graphs are compared with on inputs the student's process never saw."""
    stages = exercise.kind.fresh_reference_stages(exercise)
    if not stages:
        return
    live = live or LiveReference()
    book = {
        "cases": _cases_key(exercise),
        "stages": {s: live.stage(exercise, s, fresh) for s in stages},
        "mistakes": {},
    }
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    evidence.write(book, folder / f"{exercise.slug}-{fresh}")


def save_stub(exercise, seed, folder, stubs):
    """Write the first stage of the untouched stub in `stubs` (an exercises/ folder, our
    own code): what a submission that left the exercise's file as it came is judged on,
    without a worker (its module the stub byte for byte, nothing else can change it)."""
    from .loading import FolderImplementation

    first = exercise.kind.stages(exercise)[0]
    record = run_stage(exercise, first, FolderImplementation(Path(stubs).parent), seed)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    evidence.write({first: record}, folder / f"{exercise.slug}-stub-{seed}")


def save(exercise, seed, folder, live=None):
    """Write the reference's records of the stages the judge reads, the exercise's known
    mistakes (their messages, not their code) and each mistake's first-stage runs; and
    the stages the judge reads at the fresh seed `workshop check` draws from `seed`."""
    live = live or LiveReference()
    stages = exercise.kind.reference_stages(exercise)
    mistakes = live.mistakes(exercise)
    book = {
        "cases": _cases_key(exercise),
        "stages": {s: live.stage(exercise, s, seed) for s in stages},
        "mistakes": {m.key: live.mistake_runs(exercise, m, seed) for m in mistakes},
    }
    described = {
        m.key: {"message": m.message, "diagnosed": m.diagnosed, "replaces": m.replaces}
        for m in mistakes
    }
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    evidence.write(book, folder / f"{exercise.slug}-{seed}")
    evidence.write(described, folder / f"{exercise.slug}-mistakes")
    save_fresh(exercise, fresh_seed(seed), folder, live)
