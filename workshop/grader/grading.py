"""Both sides of grading in one process (`workshop check`, selfcheck, tests): grade
exercises from one implementation against the reference."""

from ..edition import REFERENCE_DATA, is_release
from .judging import judge
from .observing import observe
from .reference_book import LiveReference, StoredReference
from .seeding import DEFAULT_SEED, fresh_seed


def reference():
    """The reference's book: computed from the solutions package, or in a student release
    read from the stored reference results (for the default seed)."""
    if is_release():
        return StoredReference(REFERENCE_DATA)
    return LiveReference()


def grade_exercise(exercise, implementation, book, seed, time_limit=None):
    """One exercise: observe `implementation` (each stage within `time_limit` seconds,
    if given), then judge it against `book`."""
    from .rules import module_tree

    evidence = observe(exercise, implementation, seed, time_limit=time_limit)
    run_trusted_stages(exercise, evidence, seed, fresh_seed(seed))
    source_tree = None
    if implementation.source_dir is None:

        def source_tree(exercise):
            return module_tree(implementation.get(exercise.module, exercise.name))

    return judge(exercise, evidence, book, seed, implementation.source_dir, source_tree)


def run_trusted_stages(exercise, evidence, seed, fresh):
    """The judge's side's own runs on the student's records (a layer's exported graphs),
    added to `evidence`. In a batch, a process of their own does this
    (batch/graph_judge.py)."""
    from .evidence import clean

    if evidence.unavailable:
        return
    for stage in exercise.kind.trusted_stages(exercise):
        try:
            record = exercise.kind.run_trusted(exercise, stage, evidence.stages, seed, fresh)
        except Exception as error:  # a record of the right format but nonsense content
            record = error
        evidence.stages[stage] = clean(record)


def grade(
    exercises, implementation, seed=DEFAULT_SEED, hidden_seed=None, book=None, time_limit=None
):
    """One result per exercise; with `hidden_seed`, each check must also pass on the
    hidden cases (as at instructor grading) to earn its points; with `time_limit`,
    each stage of the student's code gets that many seconds (stage_clock.py)."""
    from . import hidden, results

    book = book or reference()
    graded = []
    for exercise in exercises:
        result = grade_exercise(exercise, implementation, book, seed, time_limit)
        if hidden_seed is not None:
            secret, secret_seed = hidden.pick(exercise, "hidden", seed, hidden_seed)
            result = results.with_hidden(
                result, grade_exercise(secret, implementation, book, secret_seed, time_limit)
            )
        graded.append(result)
    return graded
