"""Grading of the exercise whose answer is a function that assembles a Keras model."""

import functools

import keras
import numpy as np

from . import exercise as base
from . import numeric
from .observe import observe_model, rng_for

# Ready-made Keras layers that would stand in for the student's own.
KERAS_STAND_INS = (
    keras.layers.Conv2D,
    keras.layers.MaxPooling2D,
    keras.layers.AveragePooling2D,
)


def make_input(case, seed, case_index):
    """Pixel intensities in [0, 1], like the digits the network will see."""
    return rng_for(seed, "input", case_index).uniform(size=case.input_shape).astype(np.float32)


def grade(exercise, implementation, reference, seed):
    result = base.start_result(exercise, seed)
    build = base.resolve(exercise, implementation, result)
    if build is None:
        return result
    source_dir = implementation.source_dir
    inputs = [make_input(case, seed, i) for i, case in enumerate(exercise.cases)]
    mine = _observe(exercise, build, inputs, seed)
    status = base.stub_status(mine, exercise.id)
    if status:
        result.status, result.reason = status
        return result
    ref = _observe(exercise, reference.get(exercise.module, exercise.name), inputs, seed)
    describe = functools.partial(_describe, exercise)
    checks = (
        ("returns a Keras model", lambda: _check_model(exercise, mine, source_dir)),
        ("uses your own layers", lambda: _check_own_layers(exercise, mine, implementation)),
        ("architecture", lambda: _check_architecture(exercise, mine, ref)),
        ("softmax output", lambda: _check_softmax(exercise, mine, source_dir)),
        ("save and load (.keras)", lambda: _check_saving(exercise, mine, inputs)),
        ("forward output", lambda: numeric.check_forward(mine, ref, describe, source_dir)),
        ("gradients", lambda: numeric.check_gradients(mine, ref, describe, source_dir)),
    )
    base.run_checks(result, checks, exercise.points, source_dir, _layers_note)
    if not all(c.passed for c in result.checks):
        result.diagnoses.extend(
            base.diagnose(
                exercise,
                lambda mistake: _observe(exercise, mistake.load(), inputs, seed),
                mine,
                ref,
                numeric.FORWARD_TOLERANCE,
                numeric.GRADIENT_TOLERANCE,
                seed,
            )
        )
    return base.finish(result)


def _observe(exercise, build, inputs, seed):
    return [
        observe_model(build, case.config, x, seed, i)
        for i, (case, x) in enumerate(zip(exercise.cases, inputs))
    ]


def _layers_note(name):
    if name in ("forward output", "gradients"):
        return (
            "\n  note: the network runs your own Conv2D and pooling layers: "
            "if their exercises fail, fix those first"
        )
    return ""


def _describe(exercise, index):
    return f"{exercise.name}{exercise.cases[index].label}"


def _check_model(exercise, mine, source_dir):
    error = numeric.first_error(mine, functools.partial(_describe, exercise), source_dir)
    if error:
        return False, error
    for i, (case, observation) in enumerate(zip(exercise.cases, mine)):
        model = observation.extra["model"]
        expected_in = (None,) + tuple(case.input_shape[1:])
        expected_out = (None, case.config.get("num_classes", 10))
        got_in = tuple(model.input_shape)
        got_out = tuple(model.output_shape)
        if got_in != expected_in or got_out != expected_out:
            return False, (
                f"{_describe(exercise, i)}: expected a model {expected_in} -> {expected_out},"
                f" got {got_in} -> {got_out}"
            )
    return True, "returns a keras.Model with the right input and output shapes"


def _check_own_layers(exercise, mine, implementation):
    own = {
        "conv": implementation.get("conv", "Conv2D"),
        "max": implementation.get("pooling", "MaxPool2D"),
        "l2": implementation.get("pooling", "L2Pool2D"),
    }
    for i, (case, observation) in enumerate(zip(exercise.cases, mine)):
        model = observation.extra.get("model")
        if model is None:
            return False, f"{_describe(exercise, i)} did not build a model"
        for layer in model.layers:
            if isinstance(layer, KERAS_STAND_INS):
                return False, (
                    f"{_describe(exercise, i)} uses keras.layers.{type(layer).__name__}: "
                    "use your own Conv2D, MaxPool2D and L2Pool2D from this package"
                )
        pool = own[case.config.get("pool", "max")]
        convs = sum(isinstance(layer, own["conv"]) for layer in model.layers)
        pools = sum(isinstance(layer, pool) for layer in model.layers)
        stages = len(case.config.get("conv_layers", ((20, 5),)))
        if convs != stages or pools != stages:
            return False, (
                f"{_describe(exercise, i)}: expected {stages} of your Conv2D and {stages} of your "
                f"{pool.__name__} layers, found {convs} and {pools}"
            )
    return True, "builds the network from your own Conv2D and pooling layers"


def _check_architecture(exercise, mine, ref):
    for i, (m, r) in enumerate(zip(mine, ref)):
        if m.error is not None:
            return False, f"{_describe(exercise, i)} did not build a model"
        if m.signature != r.signature:
            return False, f"{_describe(exercise, i)}: " + _first_difference(
                r.signature, m.signature
            )
        if m.weight_shapes != r.weight_shapes:
            return False, (
                f"{_describe(exercise, i)}: the layers look right but their weights differ: "
                f"expected {[s for _, s in r.weight_shapes]}, got {[s for _, s in m.weight_shapes]}"
            )
    return True, f"layers, output shapes and weights as in Figure 4 on {len(mine)} cases"


def _check_softmax(exercise, mine, source_dir):
    error = numeric.first_error(mine, functools.partial(_describe, exercise), source_dir)
    if error:
        return False, error
    for i, observation in enumerate(mine):
        output = np.asarray(observation.output, dtype=np.float64)
        sums = output.sum(axis=-1)
        if (output < 0).any() or not np.allclose(sums, 1.0, atol=1e-4):
            return False, (
                f"{_describe(exercise, i)}: outputs must be probabilities (>= 0, rows summing "
                f"to 1); row sums are {np.round(sums, 4).tolist()}: end with a softmax layer"
            )
    return True, "outputs are probabilities: each row sums to 1"


def _check_saving(exercise, mine, inputs):
    model = mine[0].extra.get("model")
    if model is None or mine[0].error is not None:
        return False, "the model could not be built and run"
    return numeric.check_save_and_load(
        model, inputs[0], "the model saves to .keras and loads back identical"
    )


def _first_difference(expected, got):
    for position, (e, g) in enumerate(zip(expected, got)):
        if e != g:
            return f"layer {position + 1}: expected {e}, got {g}"
    if len(expected) > len(got):
        return f"layer {len(got) + 1} missing: expected {expected[len(got)]}"
    return f"extra layer {len(expected) + 1}: {got[len(expected)]}"
