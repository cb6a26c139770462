"""What an exercise is, as data: identity, cases, hints, and the grading kind that runs
and judges it (with that kind's options).

Kept free of TensorFlow so that `workshop list` and `workshop hint` answer at once;
a kind imports its heavy modules only when it runs.
"""

from dataclasses import dataclass, replace


@dataclass(frozen=True, repr=False)
class Case:
    """One input on which student and reference are compared."""

    config: dict  # constructor (or builder) keyword arguments
    input_shape: tuple  # including the batch axis
    zero_window: bool = False  # non-negative input with an all-zero corner (after a ReLU)
    constant: bool = False  # every value the same (normalisation must give 0, not NaN)

    def __repr__(self):
        # repr is the key of cached and stored reference records: a new field shows only
        # when it is set, so the records of every earlier case keep their key.
        text = (
            f"Case(config={self.config!r}, input_shape={self.input_shape!r}, "
            f"zero_window={self.zero_window!r}"
        )
        return text + (", constant=True)" if self.constant else ")")

    @property
    def label(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.config.items())
        return f"({args}) on input {tuple(self.input_shape)}"

    def one_larger(self, axes):
        """The same case with the input one larger along each of `axes`."""
        shape = list(self.input_shape)
        for axis in axes:
            shape[axis] += 1
        return replace(self, input_shape=tuple(shape))


@dataclass(frozen=True)
class Exercise:
    """One exercise of the catalog. `kind` (a GradingKind, grader/kinds/) says how the
    answer is run and judged; `options` holds what that kind needs to know besides."""

    id: str  # "1.1"
    slug: str  # "conv"
    title: str
    section: str  # where in the notes
    module: str  # file in exercises/, without .py
    name: str  # the object graded; a known mistake replaces it unless it says otherwise
    kind: object  # a GradingKind
    cases: tuple
    hints: tuple
    options: object = None  # the kind's options (LayerOptions, ProbeOptions, ...)
    names: tuple = ()  # every name graded, loaded before anything runs (default: `name`)

    @property
    def graded_names(self):
        return self.names or (self.name,)

    @property
    def points(self):
        """Check name -> points, in the order the checks run."""
        return self.kind.points(self)

    @property
    def max_points(self):
        return sum(self.points.values())
