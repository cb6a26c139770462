"""The kind of exercise whose answer is several functions or methods (the Boltzmann
machine, the RBM, the deep belief network), probed one value at a time.

The exercise's options (ProbeOptions) name its probe module (grader/probes/), which
names the checks and their points, says what to run for each, and judges the statistical
ones; see probe_runs.py for what a probe module holds."""

import importlib
from dataclasses import dataclass

from .kind import GradingKind

STAGE_PROBES = (
    "probes"  # the first stage: every deterministic probe; then one per statistical check
)


@dataclass(frozen=True)
class ProbeOptions:
    probes: str  # the probe module, e.g. "workshop.grader.probes.rbm"


def probes_of(exercise):
    return importlib.import_module(exercise.options.probes)


class ProbeKind(GradingKind):
    def points(self, exercise):
        return probes_of(exercise).POINTS

    def stages(self, exercise):
        return [STAGE_PROBES] + sorted(probes_of(exercise).STATISTICAL)

    def run_stage(self, exercise, stage, implementation, seed):
        from . import probe_runs

        probes = probes_of(exercise)

        def get(name):
            return implementation.get(exercise.module, name)

        if stage == STAGE_PROBES:
            return probe_runs.run_probes(probes, get, exercise.cases, seed)
        return probes.statistical_record(stage, get, seed)

    def primary(self, exercise, record):
        from ..evidence import StageFailed
        from ..observing import runs_of
        from .probe_runs import as_observations

        if isinstance(record, StageFailed):  # timed out or stopped: no runs to compare
            return record
        if hasattr(record, "explained"):
            return runs_of(record)
        return as_observations(record)

    def judge(
        self, exercise, records, book, seed, source_dir, result, source_tree=None, fresh_seed=None
    ):
        from ..judging import diagnose, run_checks
        from . import probe_checks as check
        from .probe_runs import as_observations

        probes = probes_of(exercise)
        mine = records[STAGE_PROBES]
        ref = book.stage(exercise, STAGE_PROBES, seed)

        def describe(index):  # "RBM(n_hidden=5) on input (6, 8)", as the layer kinds say
            case = exercise.cases[index]
            if hasattr(probes, "describe"):  # where "on input (5,)" would say little
                return probes.describe(case)
            return f"{exercise.name}{case.label}"

        checks = []
        for name in self.points(exercise):
            if name in probes.STATISTICAL:
                checks.append(
                    (
                        name,
                        name,
                        lambda name=name: check.statistical_check(
                            probes, name, records[name], book.stage(exercise, name, seed)
                        ),
                    )
                )
            else:
                checks.append(
                    (
                        name,
                        STAGE_PROBES,
                        lambda name=name: check.compare_check(
                            name, mine, ref, probes.TOLERANCE, describe, source_dir
                        ),
                    )
                )
        run_checks(result, checks, self.points(exercise), source_dir, stages=records)
        if not all(c.passed for c in result.checks):
            result.diagnoses.extend(
                diagnose(
                    exercise,
                    book,
                    self.primary(exercise, mine),
                    as_observations(ref),
                    probes.TOLERANCE,
                    probes.TOLERANCE,
                    seed,
                )
            )

    def naming_tolerances(self, exercise):
        tolerance = probes_of(exercise).TOLERANCE
        return tolerance, tolerance

    def hidden_cases(self, exercise):
        """One larger in the first input axis (the batch, or the number of states)."""
        return tuple(case.one_larger((0,)) for case in exercise.cases)

    def preload(self, exercise):
        import keras  # noqa: F401  (the RBM and DBN probes build Keras objects)

        from . import probe_checks, probe_runs  # noqa: F401

        probes_of(exercise)


PROBE = ProbeKind()
