"""Hidden checks: the same checks on other shapes and another seed. Code that fits the
public cases only loses the points, and the student is told which checks failed but
not the hidden expected values."""

from workshop import catalog, report
from workshop.grader import hidden, results
from workshop.grader.grading import DEFAULT_SEED, grade

HIDDEN_SEED = hidden.DEFAULT_HIDDEN_SEED

# A max pooling that is right on the public cases' shapes and off elsewhere: what
# code tuned to the public checks (or to their stored expected values) looks like.
FITS_PUBLIC_ONLY = """
from solutions.pooling import MaxPool2D as _Right, _Pool2D
import keras

PUBLIC = {(1, 24, 24, 20), (2, 7, 9, 3), (2, 9, 8, 2), (1, 6, 5, 4)}


@keras.saving.register_keras_serializable(package="exercises")
class MaxPool2D(_Pool2D):
    def call(self, inputs):
        if tuple(inputs.shape) in PUBLIC:
            return _Right.call(self, inputs)
        return 0.9 * _Right.call(self, inputs)
"""


def test_hidden_cases_differ_from_the_public_ones():
    for exercise in catalog.EXERCISES:
        secret = hidden.variant_of(exercise)
        assert [c.input_shape for c in secret.cases] != [c.input_shape for c in exercise.cases]
        assert secret.points == exercise.points


def test_correct_code_passes_the_hidden_checks(student_root):
    student_root.use("pooling", "pooling_stacked.py")
    (result,) = grade([catalog.find("l2pool")], _folder(student_root), DEFAULT_SEED, HIDDEN_SEED)
    assert result.points == result.max_points
    assert {c.hidden for c in result.checks} == {results.HIDDEN_PASSED}


def test_code_that_fits_the_public_cases_loses_the_points(student_root):
    student_root.write("pooling", FITS_PUBLIC_ONLY)
    maxpool = catalog.find("maxpool")
    (public,) = grade([maxpool], _folder(student_root), DEFAULT_SEED)
    assert public.points == public.max_points  # the public checks cannot tell
    text = " ".join(report.exercise_text(public).split())
    assert f"public checks: {len(public.checks)} of {len(public.checks)} passed" in text
    assert "every check runs again on hidden cases" in text
    (graded,) = grade([maxpool], _folder(student_root), DEFAULT_SEED, HIDDEN_SEED)
    failed = {c.name for c in graded.checks if c.hidden == results.HIDDEN_FAILED}
    assert {"forward output", "gradients"} <= failed
    assert graded.points < graded.max_points and graded.status == results.FAILED
    text = report.exercise_text(graded)
    assert "hidden FAIL" in text and "forward output" in text
    assert "largest absolute error" not in text  # hidden expected values stay hidden


def _folder(root):
    from workshop.grader.loading import FolderImplementation

    return FolderImplementation(root.path)
