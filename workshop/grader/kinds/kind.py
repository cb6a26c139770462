"""What an exercise is, as data: identity, cases, points, hints and known mistakes.

Kept free of TensorFlow so that `workshop list` and `workshop hint` answer at once;
grading imports the heavy modules only when it runs.
"""

from dataclasses import dataclass

# Points per check of a layer exercise; the contract checks come first, then the numbers.
LAYER_POINTS = {
    "no ready-made op": 1,
    "weights": 1,
    "output shape": 1,
    "dtype": 1,
    "config round trip": 1,
    "save and load (.keras)": 1,
    "inside tf.function": 1,
    "forward output": 2,
    "gradients": 1,
}
# A layer without weights (pooling) has no weights to check; its gradient, the only
# way anything is learned through it, counts double instead.
WEIGHTLESS_LAYER_POINTS = {
    name: (2 if name == "gradients" else points)
    for name, points in LAYER_POINTS.items()
    if name != "weights"
}
# Inside keras.layers.RNN the output dtype is the wrapper's, whatever the cell returns
# (a cell's float64 shows up inside tf.function instead), so cells have no dtype check.
CELL_POINTS = {
    **{
        name: (2 if name == "gradients" else points)
        for name, points in LAYER_POINTS.items()
        if name != "dtype"
    },
    "final states under a mask": 1,
    "same as Keras's own layer": 1,
}
FUNCTION_POINTS = {
    "rnn_forward: h and ŷ": 2,
    "bptt: loss": 1,
    "bptt: gradient names and shapes": 1,
    "bptt: gradients": 4,
    "bptt vs tf.GradientTape": 2,
}
BOLTZMANN_POINTS = {
    "energy": 2,
    "exact probabilities": 2,
    "Gibbs sweep, same draws": 3,
    "Gibbs chain reaches the Boltzmann distribution": 3,
}
RBM_POINTS = {
    "weights and config": 1,
    "conditional probabilities": 2,
    "free energy and its gradient": 2,
    "sampling, same draws": 2,
    "samples follow the probabilities": 1,
    "contrastive divergence (CD-k, PCD)": 2,
}
DBN_POINTS = {
    "greedy pre-training": 4,
    "classifier from the RBMs": 3,
    "classifier output and gradients": 3,
}
NETWORK_POINTS = {
    "returns a Keras model": 1,
    "uses your own layers": 1,
    "architecture": 2,
    "softmax output": 1,
    "save and load (.keras)": 1,
    "forward output": 3,
    "gradients": 1,
}


@dataclass(frozen=True)
class LayerExercise:
    """The answer is a Keras layer class (Conv2D, MaxPool2D, ...) or an RNN cell."""

    id: str
    slug: str
    title: str
    section: str
    module: str  # file in exercises/, without .py
    name: str  # the class graded
    cases: tuple
    banned_names: frozenset  # ready-made ops the source may not use
    banned_kernels: frozenset  # TensorFlow kernels the traced graph may not run
    mistakes: tuple
    hints: tuple
    has_weights: bool = True
    recurrent: bool = False  # a cell: graded inside keras.layers.RNN over whole sequences
    keras_twin: str = ""  # a cell's Keras layer (keras.layers.LSTM), compared with mapped weights

    @property
    def points(self):
        if self.recurrent:
            return CELL_POINTS
        return LAYER_POINTS if self.has_weights else WEIGHTLESS_LAYER_POINTS

    @property
    def max_points(self):
        return sum(self.points.values())

    @property
    def grading(self):
        """The module that runs (student side) and judges (trusted side) this kind."""
        from . import layer_grading

        return layer_grading

    def grade(self, implementation, reference, seed):
        from .exercise import grade

        return grade(self, implementation, reference, seed)


@dataclass(frozen=True)
class NetworkExercise:
    """The answer is a function that assembles a Keras model."""

    id: str
    slug: str
    title: str
    section: str
    module: str
    name: str
    cases: tuple
    mistakes: tuple
    hints: tuple

    points = NETWORK_POINTS
    max_points = sum(NETWORK_POINTS.values())

    @property
    def grading(self):
        """The module that runs (student side) and judges (trusted side) this kind."""
        from . import network_grading

        return network_grading

    def grade(self, implementation, reference, seed):
        from .exercise import grade

        return grade(self, implementation, reference, seed)


@dataclass(frozen=True)
class BpttExercise:
    """The answer is the pair rnn_forward and bptt, NumPy functions."""

    id: str
    slug: str
    title: str
    section: str
    module: str
    name: str  # "bptt"; rnn_forward is graded with it
    names = ("rnn_forward", "bptt")
    cases: tuple  # Case.input_shape = (batch, T, input_dim, units, classes)
    mistakes: tuple
    hints: tuple

    points = FUNCTION_POINTS
    max_points = sum(FUNCTION_POINTS.values())

    @property
    def grading(self):
        """The module that runs (student side) and judges (trusted side) this kind."""
        from . import function_grading

        return function_grading

    def grade(self, implementation, reference, seed):
        from .exercise import grade

        return grade(self, implementation, reference, seed)


@dataclass(frozen=True)
class ProbeExercise:
    """The answer is several functions or methods, each probed on the same inputs and
    the same random draws as the reference (see grader/probe_grading.py)."""

    id: str
    slug: str
    title: str
    section: str
    module: str
    name: str  # what a mistake replaces unless it says otherwise
    names: tuple  # every name graded, loaded before anything runs
    probes: str  # the module saying what to run and compare
    points: dict
    cases: tuple
    mistakes: tuple
    hints: tuple

    @property
    def max_points(self):
        return sum(self.points.values())

    @property
    def grading(self):
        """The module that runs (student side) and judges (trusted side) this kind."""
        from . import probe_grading

        return probe_grading

    def grade(self, implementation, reference, seed):
        from .exercise import grade

        return grade(self, implementation, reference, seed)
