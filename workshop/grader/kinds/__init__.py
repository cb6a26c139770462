"""The grading kinds: each implements the GradingKind interface of kind.py.

- layer: a Keras layer or recurrent cell (Conv2D, MaxPool2D, LSTMCell, ...);
- network: a function that assembles a Keras model from the student's layers;
- bptt: a pair of NumPy functions, a forward pass and its backpropagation;
- probe: several functions or methods, probed one value at a time (grader/probes/).
"""

from .bptt import BPTT
from .layer import LAYER, LayerOptions
from .network import NETWORK, NetworkOptions
from .probe import PROBE, ProbeOptions

__all__ = ["BPTT", "LAYER", "NETWORK", "PROBE", "LayerOptions", "NetworkOptions", "ProbeOptions"]
