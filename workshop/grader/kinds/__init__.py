"""The grading kinds: each implements the GradingKind interface of kind.py.

- layer: a Keras layer or recurrent cell (Conv2D, MaxPool2D, LSTMCell, ...);
- network: a function that assembles a Keras model from the student's layers;
- bptt: a pair of NumPy functions, a forward pass and its backpropagation;
- probe: several functions or methods, probed one value at a time (grader/probes/).

Import a kind from its module (`from .grader.kinds.layer import LAYER`): this package
imports none of them, so a kind may import its siblings with `from . import …`
without an import cycle through here.
"""
