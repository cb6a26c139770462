"""The trusted side of the network exercise: each check reads the records of the
student's model and returns (passed, message)."""

import functools

import numpy as np

from ..common_checks import first_error


def keras_stand_in(layer_class_name):
    """True for a ready-made Keras convolution or pooling layer (by its class's path)."""
    lowered = layer_class_name.lower()
    return lowered.startswith("keras.") and ("conv" in lowered or "pool" in lowered)


def describe(exercise, index):
    return f"{exercise.name}{exercise.cases[index].label}"


def check_model(exercise, mine, source_dir):
    error = first_error(mine, functools.partial(describe, exercise), source_dir)
    if error:
        return False, error
    for i, (case, observation) in enumerate(zip(exercise.cases, mine)):
        expected_in = (None,) + tuple(case.input_shape[1:])
        expected_out = (None, case.config.get("num_classes", 10))
        got_in = observation.extra.get("input_shape")
        got_out = observation.extra.get("output_shape")
        if got_in != expected_in or got_out != expected_out:
            return False, (
                f"{describe(exercise, i)}: expected a model {expected_in} -> {expected_out},"
                f" got {got_in} -> {got_out}"
            )
    return True, "returns a keras.Model with the right input and output shapes"


def check_own_layers(exercise, mine):
    for i, (case, observation) in enumerate(zip(exercise.cases, mine)):
        classes = observation.extra.get("layer_classes")
        if observation.error is not None or classes is None:
            return False, f"{describe(exercise, i)} did not build a model"
        for layer in classes:
            if keras_stand_in(layer):
                return False, (
                    f"{describe(exercise, i)} uses keras.layers.{layer.rsplit('.', 1)[1]}: "
                    "use your own Conv2D, MaxPool2D and L2Pool2D from this package"
                )
        own = observation.extra["own classes"]
        pool = own[case.config.get("pool", "max")]
        pool_name = exercise.options.own_layers[case.config.get("pool", "max")][1]
        convs = sum(layer == own["conv"] for layer in classes)
        pools = sum(layer == pool for layer in classes)
        stages = len(case.config.get("conv_layers", ((20, 5),)))
        if convs != stages or pools != stages:
            return False, (
                f"{describe(exercise, i)}: expected {stages} of your Conv2D and {stages} of your "
                f"{pool_name} layers, found {convs} and {pools}"
            )
    return True, "builds the network from your own Conv2D and pooling layers"


def check_architecture(exercise, mine, ref):
    for i, (m, r) in enumerate(zip(mine, ref)):
        if m.error is not None:
            return False, f"{describe(exercise, i)} did not build a model"
        if tuple(m.signature) != tuple(r.signature):
            return False, f"{describe(exercise, i)}: " + _first_difference(r.signature, m.signature)
        if tuple(m.weight_shapes) != tuple(r.weight_shapes):
            return False, (
                f"{describe(exercise, i)}: the layers look right but their weights differ: "
                f"expected {[s for _, s in r.weight_shapes]}, got {[s for _, s in m.weight_shapes]}"
            )
    return True, f"layers, output shapes and weights as in Figure 4 on {len(mine)} cases"


def check_softmax(exercise, mine, source_dir):
    error = first_error(mine, functools.partial(describe, exercise), source_dir)
    if error:
        return False, error
    for i, observation in enumerate(mine):
        output = np.asarray(observation.output, dtype=np.float64)
        sums = output.sum(axis=-1)
        if (output < 0).any() or not np.allclose(sums, 1.0, atol=1e-4):
            return False, (
                f"{describe(exercise, i)}: outputs must be probabilities (>= 0, rows summing "
                f"to 1); row sums are {np.round(sums, 4).tolist()}: end with a softmax layer"
            )
    return True, "outputs are probabilities: each row sums to 1"


def _first_difference(expected, got):
    for position, (e, g) in enumerate(zip(expected, got)):
        if e != g:
            return f"layer {position + 1}: expected {e}, got {g}"
    if len(expected) > len(got):
        return f"layer {len(got) + 1} missing: expected {expected[len(got)]}"
    return f"extra layer {len(expected) + 1}: {got[len(expected)]}"
