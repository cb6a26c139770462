"""Known mistakes: realistic wrong implementations, kept to recognise the same mistake
in a student's code by running both on the same inputs."""

from dataclasses import dataclass, field

from .compare import close


@dataclass(frozen=True)
class Mistake:
    """One known mistake of one exercise."""

    key: str  # short id, e.g. "flipped-kernel"
    message: str  # what the student is told when their code behaves like this
    # False for mistakes whose numbers are right (a contract broken): a check's own
    # message explains those, and no output comparison can recognise them.
    diagnosed: bool = True
    # The graded name it stands in for, when not the exercise's own; or a tuple of names,
    # when one mistake runs through several (a wrong helper, and the function calling it).
    replaces: object = ""
    # The wrong class or function; for a tuple of names, an object with one attribute each.
    wrong: object = field(default=None, compare=False)

    def swaps(self, exercise):
        """{graded name: the wrong object in its place}."""
        if isinstance(self.replaces, (tuple, list)):
            return {name: getattr(self.wrong, name) for name in self.replaces}
        return {self.replaces or exercise.name: self.wrong}


def same_run(mine, theirs, tolerance, grad_tolerance):
    """True when two runs of one case agree: weights, layers, output and every gradient."""
    if mine.weight_shapes != theirs.weight_shapes or mine.signature != theirs.signature:
        return False
    if not close(theirs.output, mine.output, tolerance):
        return False
    for name, grad in theirs.grads.items():
        other = mine.grads.get(name)
        if (grad is None) != (other is None):
            return False
        if grad is not None and not close(grad, other, grad_tolerance):
            return False
    return True


def matches(observations, reference, candidate, tolerance, grad_tolerance):
    """True when the student's observations equal the candidate's on every case they
    both ran, and differ from the reference's on at least one."""
    compared = differs = 0
    for mine, ref, theirs in zip(observations, reference, candidate):
        if mine.error is not None or theirs.error is not None:
            continue
        if not same_run(mine, theirs, tolerance, grad_tolerance):
            return False
        compared += 1
        if ref.error is None and not same_run(mine, ref, tolerance, grad_tolerance):
            differs += 1
    return compared > 0 and differs > 0
