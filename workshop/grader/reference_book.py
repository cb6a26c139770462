"""Where the judge gets the reference's records: computed from `solutions/` (instructors,
selfcheck, batch grading), or read from the files a student release ships.

Both give, for an exercise, a stage and a seed, the same clean data the student side
records; and, for a known mistake, the records of its first stage (to name it).
"""

from pathlib import Path

from . import evidence
from .exercise import run_stage
from .loading import PackageImplementation, SwappedImplementation


def _cases_key(exercise):
    return repr(exercise.cases)


# Records depend only on the exercise, its cases, the stage and the seed: kept for the
# life of the process, so grading many submissions (or selfcheck) runs each once.
_RECORDS = {}


class LiveReference:
    """Records computed from the reference implementation in this process."""

    def __init__(self, implementation=None):
        self.implementation = implementation or PackageImplementation("solutions")

    def stage(self, exercise, stage, seed):
        key = (self.implementation.label, exercise.id, _cases_key(exercise), stage, seed)
        if key not in _RECORDS:
            _RECORDS[key] = run_stage(exercise, stage, self.implementation, seed)
        return _RECORDS[key]

    def mistake(self, exercise, mistake, seed):
        key = (self.implementation.label, exercise.id, _cases_key(exercise), mistake.key, seed)
        if key not in _RECORDS:
            swapped = SwappedImplementation(
                self.implementation,
                {(exercise.module, mistake.replaces or exercise.name): mistake.load()},
                mistake.key,
            )
            first = exercise.grading.stages(exercise)[0]
            record = run_stage(exercise, first, swapped, seed)
            _RECORDS[key] = exercise.grading.primary(exercise, record)
        return _RECORDS[key]


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
                    f"this copy of the workshop has reference results for {exercise.slug} "
                    "with the default seed only: run `workshop check` without --seed"
                )
            self._loaded[stem] = evidence.read(stem)
        book = self._loaded[stem]
        if book["cases"] != _cases_key(exercise):
            raise MissingReference(f"the stored reference for {exercise.slug} is for other cases")
        return book

    def stage(self, exercise, stage, seed):
        return self._book(exercise, seed)["stages"][stage]

    def mistake(self, exercise, mistake, seed):
        return self._book(exercise, seed)["mistakes"][mistake.key]


def save(exercise, seed, folder, live=None):
    """Write the reference's records of the stages the judge reads, and each mistake's
    first-stage runs, for one seed."""
    live = live or LiveReference()
    stages = exercise.grading.reference_stages(exercise)
    book = {
        "cases": _cases_key(exercise),
        "stages": {s: live.stage(exercise, s, seed) for s in stages},
        "mistakes": {m.key: live.mistake(exercise, m, seed) for m in exercise.mistakes},
    }
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    evidence.write(book, folder / f"{exercise.slug}-{seed}")


def as_book(reference):
    """A reference book from a book, or from an implementation to compute it from."""
    if hasattr(reference, "stage"):
        return reference
    return LiveReference(reference)
