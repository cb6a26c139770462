"""The interface every grading kind implements: how an exercise's answer is run (the
student side) and judged (the trusted side).

An exercise (grader/exercise.py) names its kind; everything that differs between a
layer, a network builder, a pair of NumPy functions and a set of probed methods is
asked of the kind, never dispatched on names: its stages, the reference records the
judge reads, the point table, the hidden cases, the contract mistakes it derives and
the modules a fork server loads ahead of time.

A kind's module stays light (no TensorFlow at import): `workshop list` and `hint`
read the catalog at once. The heavy work lives in its `*_runs.py` (student side) and
`*_checks.py` (trusted side) modules, imported inside the methods.
"""

from abc import ABC, abstractmethod


class GradingKind(ABC):
    """How one kind of exercise is run and judged (layer, network, bptt, probe)."""

    @abstractmethod
    def points(self, exercise):
        """Check name -> points, in the order the checks run and are reported."""

    @abstractmethod
    def stages(self, exercise):
        """The student-side stages, in order. Each runs in its own time limit, and the
        first one's runs decide whether the answer is still a stub."""

    def reference_stages(self, exercise):
        """The stages whose reference records the judge reads (what a release stores)."""
        return list(self.stages(exercise))

    def trusted_stages(self, exercise):
        """Stages the judge's side runs on the student's records (never on student
        code): what a graph exported as data computes, say. None by default."""
        return []

    def trusted_inputs(self, exercise):
        """The student-side stages whose records `run_trusted` reads."""
        return list(self.stages(exercise))

    def fresh_reference_stages(self, exercise):
        """Reference stages the judge also reads at a fresh seed, one the student's
        process never sees (what `run_trusted` compares with). None by default."""
        return []

    def run_trusted(self, exercise, stage, records, seed, fresh_seed):
        """One trusted stage's record, from the student side's `records`."""
        raise NotImplementedError(f"{type(self).__name__} has no trusted stage {stage!r}")

    @abstractmethod
    def run_stage(self, exercise, stage, implementation, seed):
        """Run one stage on `implementation` (student, reference or known mistake) and
        return its record: data only (arrays, numbers, strings, Observations).
        May raise anything: the caller keeps the error as the stage's record."""

    def primary(self, exercise, record):
        """The first stage's record as Observations, one per case: what stub detection
        and the naming of known mistakes compare."""
        from ..observing import runs_of

        return runs_of(record)

    @abstractmethod
    def judge(
        self, exercise, records, book, seed, source_dir, result, source_tree=None, fresh_seed=None
    ):
        """Score `records` ({stage: record}, a failed stage as StageFailed) against the
        reference's (`book.stage(exercise, stage, seed)`, and at `fresh_seed` what the
        trusted stages compare with) into `result`, and add the messages of the known
        mistakes they match to `result.diagnoses`. Runs no student code."""

    @abstractmethod
    def hidden_cases(self, exercise):
        """The public cases varied (one larger along some input axes, with
        Case.one_larger): code fitted to the public cases fails the same checks on
        these. Their expected values are never shipped."""

    def naming_tolerances(self, exercise):
        """(output, gradient) tolerances under which a student's runs are taken for a
        known mistake's; None for a kind whose mistakes are not derived mechanically
        (derived_mistakes.py), which is the default."""
        return None

    def contract_mistakes(self, exercise, reference):
        """Known mistakes derived from the reference object (right numbers, broken
        contract), each of which must fail a contract check. None by default."""
        return ()

    def preload(self, exercise):
        """Import the heavy modules this exercise's grading runs, once, in a fork server
        (so each forked worker shares them instead of importing them again)."""
