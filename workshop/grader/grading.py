"""Grade a set of exercises from one implementation against the reference."""

from .edition import REFERENCE_DATA, is_release
from .grader.loading import PackageImplementation

DEFAULT_SEED = 20261127


def reference():
    """The reference: the solutions package, or in a student release the stored
    reference results (for the default seed)."""
    if is_release():
        from .grader.reference_book import StoredReference

        return StoredReference(REFERENCE_DATA)
    return PackageImplementation("solutions")


def grade(exercises, implementation, seed=DEFAULT_SEED, hidden_seed=None):
    """One result per exercise; with `hidden_seed`, each check must also pass on the
    hidden cases (as at instructor grading) to earn its points."""
    from .grader import hidden, results

    ref = reference()
    graded = []
    for exercise in exercises:
        result = exercise.grade(implementation, ref, seed)
        if hidden_seed is not None:
            secret, secret_seed = hidden.pick(exercise, "hidden", seed, hidden_seed)
            result = results.with_hidden(result, secret.grade(implementation, ref, secret_seed))
        graded.append(result)
    return graded
