"""The kind of exercise whose answer is a function that assembles a Keras model from the
student's own layers: its options, check names and points."""

from dataclasses import dataclass

from .kind import GradingKind

RETURNS_MODEL = "returns a Keras model"
OWN_LAYERS = "uses your own layers"
ARCHITECTURE = "architecture"
SOFTMAX = "softmax output"
SAVE_AND_LOAD = "save and load (.keras)"
FORWARD = "forward output"
GRADIENTS = "gradients"

NETWORK_POINTS = {
    RETURNS_MODEL: 1,
    OWN_LAYERS: 1,
    ARCHITECTURE: 2,
    SOFTMAX: 1,
    SAVE_AND_LOAD: 1,
    FORWARD: 3,
    GRADIENTS: 1,
}

STAGE_CASES = "cases"
STAGE_SAVING = "saving"


@dataclass(frozen=True)
class NetworkOptions:
    # The student's own layers the network must use: config value -> (module, class).
    own_layers: dict


class NetworkKind(GradingKind):
    def points(self, exercise):
        return NETWORK_POINTS

    def stages(self, exercise):
        return [STAGE_CASES, STAGE_SAVING]

    def reference_stages(self, exercise):
        return [STAGE_CASES]

    def run_stage(self, exercise, stage, implementation, seed):
        from . import network_runs

        record = {STAGE_CASES: network_runs.record_cases, STAGE_SAVING: network_runs.record_saving}[
            stage
        ]
        return record(exercise, implementation, seed)

    def judge(
        self, exercise, records, book, seed, source_dir, result, source_tree=None, fresh_seed=None
    ):
        from .. import common_checks as common
        from ..judging import diagnose, run_checks
        from . import network_checks as check

        cases = self.primary(exercise, records.get(STAGE_CASES))
        ref = book.stage(exercise, STAGE_CASES, seed)

        def describe(index):
            return check.describe(exercise, index)

        checks = (
            (RETURNS_MODEL, STAGE_CASES, lambda: check.check_model(exercise, cases, source_dir)),
            (OWN_LAYERS, STAGE_CASES, lambda: check.check_own_layers(exercise, cases)),
            (ARCHITECTURE, STAGE_CASES, lambda: check.check_architecture(exercise, cases, ref)),
            (SOFTMAX, STAGE_CASES, lambda: check.check_softmax(exercise, cases, source_dir)),
            (
                SAVE_AND_LOAD,
                STAGE_SAVING,
                lambda: common.judge_save_and_load(
                    records[STAGE_SAVING], "the model saves to .keras and loads back identical"
                ),
            ),
            (FORWARD, STAGE_CASES, lambda: common.check_forward(cases, ref, describe, source_dir)),
            (
                GRADIENTS,
                STAGE_CASES,
                lambda: common.check_gradients(cases, ref, describe, source_dir),
            ),
        )
        run_checks(result, checks, self.points(exercise), source_dir, _layers_note, records)
        if not all(c.passed for c in result.checks):
            result.diagnoses.extend(
                diagnose(
                    exercise,
                    book,
                    cases,
                    ref,
                    common.FORWARD_TOLERANCE,
                    common.GRADIENT_TOLERANCE,
                    seed,
                )
            )

    def hidden_cases(self, exercise):
        """One more image in the batch: the network's input shape is part of its config."""
        return tuple(case.one_larger((0,)) for case in exercise.cases)

    def preload(self, exercise):
        from . import network_checks, network_runs  # noqa: F401


def _layers_note(name):
    if name in (FORWARD, GRADIENTS):
        return (
            "\n  note: the network runs your own Conv2D and pooling layers: "
            "if their exercises fail, fix those first"
        )
    return ""


NETWORK = NetworkKind()
