"""The kind of exercise whose answer is a Keras layer (Conv2D, MaxPool2D, ...) or a
recurrent cell graded inside keras.layers.RNN: its options, check names and points."""

from dataclasses import dataclass

from .kind import GradingKind

# The checks, contract first, then the numbers.
NO_READY_MADE_OP = "no ready-made op"
WEIGHTS = "weights"
OUTPUT_SHAPE = "output shape"
DTYPE = "dtype"
CONFIG = "config round trip"
SAVE_AND_LOAD = "save and load (.keras)"
TF_FUNCTION = "inside tf.function"
FORWARD = "forward output"
GRADIENTS = "gradients"
MASKING = "final states under a mask"
KERAS_TWIN = "same as Keras's own layer"

LAYER_POINTS = {
    NO_READY_MADE_OP: 1,
    WEIGHTS: 1,
    OUTPUT_SHAPE: 1,
    DTYPE: 1,
    CONFIG: 1,
    SAVE_AND_LOAD: 1,
    TF_FUNCTION: 1,
    FORWARD: 2,
    GRADIENTS: 1,
}
# A layer without weights (pooling) has no weights to check; its gradient, the only
# way anything is learned through it, counts double instead.
WEIGHTLESS_LAYER_POINTS = {
    name: (2 if name == GRADIENTS else points)
    for name, points in LAYER_POINTS.items()
    if name != WEIGHTS
}
# A module assembled from Keras's own layers (the inception module) bans nothing; its
# weights, the module's parameter count, take the rule's point.
MODULE_POINTS = {
    name: (2 if name == WEIGHTS else points)
    for name, points in LAYER_POINTS.items()
    if name != NO_READY_MADE_OP
}
# Inside keras.layers.RNN the output dtype is the wrapper's, whatever the cell returns
# (a cell's float64 shows up inside tf.function instead), so cells have no dtype check.
CELL_POINTS = {
    **{
        name: (2 if name == GRADIENTS else points)
        for name, points in LAYER_POINTS.items()
        if name != DTYPE
    },
    MASKING: 1,
    KERAS_TWIN: 1,
}

# The stages a layer's answer runs in (each in its own time limit).
STAGE_CASES = "cases"
STAGE_GRAPH = "graph"  # each case's call traced and exported as data (graphs.py)
STAGE_CONFIG = "config"
STAGE_SAVING = "saving"
STAGE_MASKING = "masking"
STAGE_TWIN = "twin"
# The first case under mixed_float16 (judged by the dtype check; cells, whose dtype is
# keras.layers.RNN's, have none).
STAGE_PRECISION = "mixed precision"
# Run by the judge's side, on the exported graphs: no student code on its path.
STAGE_GRAPH_RUNS = "graph runs"


@dataclass(frozen=True)
class LayerOptions:
    banned_names: frozenset  # ready-made ops the source may not use
    allowed_ops: frozenset  # every op the traced graph may hold (rules.py): the judge
    # runs nothing else
    has_weights: bool = True
    recurrent: bool = False  # a cell: graded inside keras.layers.RNN over whole sequences
    keras_twin: str = ""  # a cell's Keras layer ("LSTM"), compared with mapped weights
    forgotten_key: str = "strides"  # the config key the forgetful-config mistake drops


class LayerKind(GradingKind):
    def points(self, exercise):
        if exercise.options.recurrent:
            return CELL_POINTS
        if not exercise.options.banned_names:
            return MODULE_POINTS
        return LAYER_POINTS if exercise.options.has_weights else WEIGHTLESS_LAYER_POINTS

    def stages(self, exercise):
        names = [STAGE_CASES, STAGE_GRAPH, STAGE_CONFIG, STAGE_SAVING]
        if exercise.options.recurrent:
            names += [STAGE_MASKING, STAGE_TWIN]
        else:
            names.append(STAGE_PRECISION)
        return names

    def reference_stages(self, exercise):
        return [STAGE_CASES] + ([STAGE_MASKING] if exercise.options.recurrent else [])

    def trusted_stages(self, exercise):
        return [STAGE_GRAPH_RUNS]

    def trusted_inputs(self, exercise):
        return [STAGE_GRAPH]

    def fresh_reference_stages(self, exercise):
        return [STAGE_CASES]

    def run_trusted(self, exercise, stage, records, seed, fresh_seed):
        """The exported graphs run by the judge's side (graphs.py), on the cases' inputs
        and on fresh ones from `fresh_seed`."""
        from ..graphs import run_graphs
        from .layer_runs import inputs_of

        exported = records.get(STAGE_GRAPH)
        runs = None
        if isinstance(exported, list):
            runs = run_graphs(
                exported,
                inputs_of(exercise, seed),
                inputs_of(exercise, fresh_seed),
                seed,
                fresh_seed,
            )
        return {"cases": runs}

    def run_stage(self, exercise, stage, implementation, seed):
        from . import layer_runs

        record = {
            STAGE_CASES: layer_runs.record_cases,
            STAGE_GRAPH: layer_runs.record_graphs,
            STAGE_CONFIG: layer_runs.record_configs,
            STAGE_SAVING: layer_runs.record_saving,
            STAGE_MASKING: layer_runs.record_masking,
            STAGE_TWIN: layer_runs.record_twin,
            STAGE_PRECISION: layer_runs.record_precision,
        }[stage]
        return record(exercise, implementation.get(exercise.module, exercise.name), seed)

    def judge(
        self, exercise, records, book, seed, source_dir, result, source_tree=None, fresh_seed=None
    ):
        from .. import common_checks as common
        from ..judging import diagnose, run_checks
        from . import layer_checks as check
        from . import recurrent_checks

        def ref(stage, at=seed):
            return book.stage(exercise, stage, at)

        cases = self.primary(exercise, records.get(STAGE_CASES))
        ref_cases = ref(STAGE_CASES)

        def describe(index):
            return check.describe(exercise, index)

        checks = (
            (
                NO_READY_MADE_OP,
                STAGE_GRAPH,
                lambda: check.check_rules(
                    exercise,
                    records[STAGE_GRAPH],
                    records.get(STAGE_GRAPH_RUNS),
                    source_dir,
                    source_tree,
                    cases,
                    ref_cases,
                    lambda: ref(STAGE_CASES, at=fresh_seed),
                ),
            ),
            (
                WEIGHTS,
                STAGE_CASES,
                lambda: check.check_weights(exercise, cases, ref_cases, source_dir),
            ),
            (
                OUTPUT_SHAPE,
                STAGE_CASES,
                lambda: check.check_shapes(exercise, cases, ref_cases, source_dir),
            ),
            (
                DTYPE,
                STAGE_CASES,
                lambda: check.check_dtype(
                    exercise, cases, source_dir, records.get(STAGE_PRECISION)
                ),
            ),
            (CONFIG, STAGE_CONFIG, lambda: check.check_config(exercise, records[STAGE_CONFIG])),
            (
                SAVE_AND_LOAD,
                STAGE_SAVING,
                lambda: common.judge_save_and_load(
                    records[STAGE_SAVING],
                    "a model holding the layer saves to .keras and loads back identical",
                ),
            ),
            (
                TF_FUNCTION,
                STAGE_GRAPH,
                lambda: check.check_tf_function(
                    exercise, cases, records[STAGE_GRAPH], records.get(STAGE_GRAPH_RUNS)
                ),
            ),
            (
                FORWARD,
                STAGE_CASES,
                lambda: common.check_forward(cases, ref_cases, describe, source_dir),
            ),
            (
                GRADIENTS,
                STAGE_CASES,
                lambda: common.check_gradients(cases, ref_cases, describe, source_dir),
            ),
            (
                MASKING,
                STAGE_MASKING,
                lambda: recurrent_checks.judge_masking(
                    records[STAGE_MASKING], ref(STAGE_MASKING), describe
                ),
            ),
            (
                KERAS_TWIN,
                STAGE_TWIN,
                lambda: recurrent_checks.judge_twin(exercise, records[STAGE_TWIN], seed, describe),
            ),
        )
        run_checks(result, checks, self.points(exercise), source_dir, stages=records)
        # The rule alone changes no number.
        if not all(c.passed for c in result.checks if c.name != NO_READY_MADE_OP):
            result.diagnoses.extend(
                diagnose(
                    exercise,
                    book,
                    cases,
                    ref_cases,
                    common.FORWARD_TOLERANCE,
                    common.GRADIENT_TOLERANCE,
                    seed,
                )
            )

    def hidden_cases(self, exercise):
        """One larger in the batch and every axis between batch and channels: a pooling
        window then meets a ragged edge, a cell one more time step."""
        return tuple(
            case.one_larger((0, *range(1, len(case.input_shape) - 1))) for case in exercise.cases
        )

    def naming_tolerances(self, exercise):
        from .. import common_checks as common

        return common.FORWARD_TOLERANCE, common.GRADIENT_TOLERANCE

    def contract_mistakes(self, exercise, reference):
        from . import layer_contract

        return layer_contract.mistakes(exercise, reference)

    def preload(self, exercise):
        from . import layer_checks, layer_contract, layer_runs, recurrent_checks  # noqa: F401


LAYER = LayerKind()
