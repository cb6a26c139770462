"""The student side of the BPTT exercise: run rnn_forward and bptt (NumPy functions) on
seeded data."""

import numpy as np

from ..evidence import Observation
from ..seeding import rng_for


def make_case(case, seed, index):
    """Inputs, targets, h0 and parameters for one (batch, T, input_dim, units, classes)."""
    batch, steps, inputs, units, classes = case.input_shape
    rng = rng_for(seed, "bptt", index)
    shapes = {
        "U": (inputs, units),
        "W": (units, units),
        "b": (units,),
        "V": (units, classes),
        "c": (classes,),
    }
    return {
        "x": rng.standard_normal((batch, steps, inputs)),
        "targets": rng.integers(0, classes, (batch, steps)),
        "h0": 0.5 * rng.standard_normal((batch, units)),
        "parameters": {n: 0.6 * rng.standard_normal(s) for n, s in shapes.items()},
    }


def observe(forward, backward, data):
    observation = Observation()
    try:
        h, y_hat = forward(data["x"], data["h0"], **data["parameters"])
        observation.extra["h"] = np.asarray(h, dtype=np.float64)
        observation.output = np.asarray(y_hat, dtype=np.float64)
        observation.output_kind = "y_hat"
        loss, grads = backward(data["x"], data["targets"], data["h0"], **data["parameters"])
        observation.extra["loss"] = float(loss)
        grads = {name: np.asarray(value, dtype=np.float64) for name, value in dict(grads).items()}
        observation.grads = grads
        observation.weight_shapes = tuple(sorted((n, g.shape) for n, g in grads.items()))
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # student code may raise anything, even SystemExit
        observation.error = error
    return observation


def record_cases(exercise, implementation, seed):
    forward = implementation.get(exercise.module, "rnn_forward")
    backward = implementation.get(exercise.module, "bptt")
    data = [make_case(case, seed, i) for i, case in enumerate(exercise.cases)]
    return [observe(forward, backward, d) for d in data]
