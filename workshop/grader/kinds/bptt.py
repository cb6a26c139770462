"""The kind of exercise whose answer is a pair of NumPy functions: the forward pass of
the RNN of eq. 3.1–3.4 (rnn_forward) and its backpropagation through time (bptt)."""

from .kind import GradingKind

FORWARD = "rnn_forward: h and ŷ"
LOSS = "bptt: loss"
GRADIENT_NAMES = "bptt: gradient names and shapes"
GRADIENTS = "bptt: gradients"
AGAINST_TAPE = "bptt vs tf.GradientTape"

BPTT_POINTS = {
    FORWARD: 2,
    LOSS: 1,
    GRADIENT_NAMES: 1,
    GRADIENTS: 4,
    AGAINST_TAPE: 2,
}

STAGE_CASES = "cases"


class BpttKind(GradingKind):
    """Case.input_shape is (batch, T, input_dim, units, classes)."""

    def points(self, exercise):
        return BPTT_POINTS

    def stages(self, exercise):
        return [STAGE_CASES]

    def run_stage(self, exercise, stage, implementation, seed):
        from . import bptt_runs

        return {STAGE_CASES: bptt_runs.record_cases}[stage](exercise, implementation, seed)

    def judge(
        self, exercise, records, book, seed, source_dir, result, source_tree=None, fresh_seed=None
    ):
        from ..common_checks import first_error
        from ..judging import diagnose, run_checks
        from . import bptt_checks as check

        mine = self.primary(exercise, records[STAGE_CASES])
        ref = book.stage(exercise, STAGE_CASES, seed)

        def describe(index):
            return check.describe(exercise, index)

        error = first_error(mine, describe, source_dir)  # every check reports it
        checks = (
            (FORWARD, STAGE_CASES, lambda: check.check_forward(mine, ref, describe, error)),
            (LOSS, STAGE_CASES, lambda: check.check_loss(mine, ref, describe, error)),
            (GRADIENT_NAMES, STAGE_CASES, lambda: check.check_names(mine, ref, describe, error)),
            (
                GRADIENTS,
                STAGE_CASES,
                lambda: check.check_against(
                    mine, lambda i: ref[i].grads, "the reference", describe, error
                ),
            ),
            (
                AGAINST_TAPE,
                STAGE_CASES,
                lambda: check.check_against(
                    mine,
                    lambda i: check.tape_gradients(exercise, seed)[i],
                    "tf.GradientTape",
                    describe,
                    error,
                ),
            ),
        )
        run_checks(result, checks, self.points(exercise), source_dir, stages=records)
        if not all(c.passed for c in result.checks):
            result.diagnoses.extend(
                diagnose(exercise, book, mine, ref, check.TOLERANCE, check.TOLERANCE, seed)
            )

    def hidden_cases(self, exercise):
        """One more sequence in the batch and one more time step."""
        return tuple(case.one_larger((0, 1)) for case in exercise.cases)

    def preload(self, exercise):
        import tensorflow  # noqa: F401  (tf.GradientTape on the trusted side)

        from . import bptt_checks, bptt_runs  # noqa: F401


BPTT = BpttKind()
