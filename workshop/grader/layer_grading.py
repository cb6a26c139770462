"""Grading of an exercise whose answer is a Keras layer (Conv2D, MaxPool2D, ...)."""

import functools
import os

import keras
import numpy as np
import tensorflow as tf

from . import exercise as base
from . import numeric, recurrent_checks, rules
from .compare import compare
from .numeric import FORWARD_TOLERANCE, GRADIENT_TOLERANCE
from .observe import observe_layer, rng_for


def make_input(case, seed, case_index):
    x = rng_for(seed, "input", case_index).standard_normal(case.input_shape)
    if case.zero_window:
        x = np.maximum(x, 0.0)
        x[:, :3, :3, :] = 0.0  # a whole window of zeros, as after a ReLU
    return x.astype(np.float32)


def grade(exercise, implementation, reference, seed):
    result = base.start_result(exercise, seed)
    student_class = base.resolve(exercise, implementation, result)
    if student_class is None:
        return result
    source_dir = implementation.source_dir
    inputs = [make_input(case, seed, i) for i, case in enumerate(exercise.cases)]
    mine = _observe(exercise, student_class, inputs, seed)
    status = base.stub_status(mine, exercise.id)
    if status:
        result.status, result.reason = status
        return result
    reference_class = reference.get(exercise.module, exercise.name)
    ref = _observe(exercise, reference_class, inputs, seed)
    describe = functools.partial(_describe, exercise)
    checks = (
        ("no ready-made op", lambda: _check_rules(exercise, student_class, mine, inputs)),
        ("weights", lambda: _check_weights(exercise, mine, ref, source_dir)),
        ("output shape", lambda: _check_shapes(exercise, mine, ref, source_dir)),
        ("dtype", lambda: _check_dtype(exercise, mine, source_dir)),
        ("config round trip", lambda: _check_config(exercise, mine, inputs)),
        ("save and load (.keras)", lambda: _check_saving(exercise, mine, inputs)),
        ("inside tf.function", lambda: _check_tf_function(exercise, mine, inputs)),
        ("forward output", lambda: _check_forward(exercise, mine, ref, source_dir)),
        ("gradients", lambda: _check_gradients(exercise, mine, ref, source_dir)),
        (
            "final states under a mask",
            lambda: recurrent_checks.check_masking(
                exercise, student_class, reference_class, inputs, seed, describe
            ),
        ),
        (
            "same as Keras's own layer",
            lambda: recurrent_checks.check_twin(exercise, student_class, inputs, seed, describe),
        ),
    )
    base.run_checks(result, checks, exercise.points, source_dir)
    if not all(c.passed for c in result.checks[1:]):  # the rule alone changes no number
        result.diagnoses.extend(
            base.diagnose(
                exercise,
                lambda mistake: _observe(exercise, mistake.load(), inputs, seed),
                mine,
                ref,
                FORWARD_TOLERANCE,
                GRADIENT_TOLERANCE,
                seed,
            )
        )
    return base.finish(result)


# --- running -------------------------------------------------------------------


def _observe(exercise, layer_class, inputs, seed):
    make = layer_class
    if exercise.recurrent:  # a cell runs over the whole sequence, as students will use it

        def make(**config):
            return keras.layers.RNN(layer_class(**config), return_sequences=True)

    return [
        observe_layer(make, case.config, x, seed, i)
        for i, (case, x) in enumerate(zip(exercise.cases, inputs))
    ]


def _describe(exercise, index):
    return f"{exercise.name}{exercise.cases[index].label}"


def _first_error(exercise, observations, source_dir):
    return numeric.first_error(observations, functools.partial(_describe, exercise), source_dir)


def _built(exercise, observation):
    return observation.extra.get("layer")


# --- contract checks -----------------------------------------------------------


def _check_rules(exercise, student_class, mine, inputs):
    tree, path = rules.module_tree(student_class)
    found = rules.banned_in_source(tree, exercise.banned_names, own_names={exercise.name})
    if found:
        line, text = found[0]
        return False, (
            f"{os.path.basename(path)} line {line} uses `{text}`: this exercise is to "
            "write the operation yourself from slices, sums and products"
        )
    layer = _built(exercise, mine[0])
    if layer is None:
        return False, "the layer could not be built, so its graph could not be read"
    x = tf.constant(inputs[0])
    try:
        kernels = rules.banned_in_graph(lambda: layer(x), exercise.banned_kernels)
    except Exception:
        # It does not trace at all; 'inside tf.function' reports why.
        return True, "no ready-made op in the source; the graph does not trace"
    if kernels:
        return False, (
            f"the traced graph runs the ready-made kernel(s) {', '.join(kernels)}: "
            "write the operation yourself from slices, sums and products"
        )
    return True, "no ready-made convolution or pooling op, in the source or the graph"


def _check_weights(exercise, mine, ref, source_dir):
    for i, (m, r) in enumerate(zip(mine, ref)):
        if not m.weight_shapes and m.error is not None:
            return False, _first_error(exercise, [m], source_dir)
        if m.weight_shapes != r.weight_shapes:
            return False, (
                f"{_describe(exercise, i)}: expected weights "
                f"{_shapes(r.weight_shapes)}, got {_shapes(m.weight_shapes)}"
            )
    return True, f"weights {_shapes(ref[0].weight_shapes)} as the stub creates them"


def _check_shapes(exercise, mine, ref, source_dir):
    error = _first_error(exercise, mine, source_dir)
    if error:
        return False, error
    for i, (m, r) in enumerate(zip(mine, ref)):
        if np.shape(m.output) != np.shape(r.output):
            return False, (
                f"{_describe(exercise, i)}: expected output shape {tuple(np.shape(r.output))},"
                f" got {tuple(np.shape(m.output))}: check the output-size formula"
                " in the docstring"
            )
    return True, f"output shapes right on all {len(mine)} cases"


def _check_dtype(exercise, mine, source_dir):
    error = _first_error(exercise, mine, source_dir)
    if error:
        return False, error
    for i, m in enumerate(mine):
        if m.output_kind != "tf.Tensor float32":
            advice = (
                "keep the computation in keras.ops so it stays a tensor and gradients flow"
                if "numpy" in m.output_kind
                else "keep float32 throughout (keras.ops.cast if needed)"
            )
            return False, (
                f"{_describe(exercise, i)}: expected a tf.Tensor float32, got "
                f"{m.output_kind}: {advice}"
            )
    return True, "returns float32 tensors"


def _check_config(exercise, mine, inputs):
    for i, observation in enumerate(mine):
        layer = _built(exercise, observation)
        if layer is None:
            return False, f"{_describe(exercise, i)} could not be built"
        subject = layer.cell if exercise.recurrent else layer  # a cell's own config
        config = subject.get_config()
        clone = type(subject).from_config(config)
        if clone.get_config() != config:
            return False, (
                f"{_describe(exercise, i)}: from_config(get_config()) gives "
                f"{clone.get_config()}, not {config}: get_config must return every "
                "constructor argument"
            )
        if exercise.recurrent:
            clone = keras.layers.RNN(clone, return_sequences=True)
        clone.build(tuple(inputs[i].shape))
        clone.set_weights(layer.get_weights())
        comparison = compare(
            "output of the clone",
            np.asarray(layer(inputs[i])),
            np.asarray(clone(inputs[i])),
            FORWARD_TOLERANCE,
        )
        if not comparison.ok:
            return False, (
                f"{_describe(exercise, i)}: {comparison.summary}: the layer rebuilt from its "
                "config computes something else: get_config must return every "
                "constructor argument"
            )
    return True, "from_config(get_config()) rebuilds the same layer"


def _check_saving(exercise, mine, inputs):
    layer = _built(exercise, mine[0])
    if layer is None:
        return False, "the layer could not be built"
    x = inputs[0]
    model = keras.Sequential([keras.Input(shape=x.shape[1:], batch_size=None), layer])
    return numeric.check_save_and_load(
        model, x, "a model holding the layer saves to .keras and loads back identical"
    )


def _check_tf_function(exercise, mine, inputs):
    for i, observation in enumerate(mine):
        layer = _built(exercise, observation)
        if layer is None or observation.error is not None:
            return False, f"{_describe(exercise, i)} does not run eagerly, so not in a graph either"
        compiled = tf.function(lambda t, layer=layer: layer(t))
        got = compiled(tf.constant(inputs[i]))
        comparison = compare(
            "output in tf.function", observation.output, np.asarray(got), FORWARD_TOLERANCE
        )
        if not comparison.ok:
            return False, (
                f"{_describe(exercise, i)}: {comparison.summary}: inside tf.function avoid "
                "Python-side values (.numpy(), float(tensor), NumPy calls on tensors)"
            )
    return True, "gives the same output traced in tf.function as eagerly"


# --- numeric checks ------------------------------------------------------------


def _check_forward(exercise, mine, ref, source_dir):
    return numeric.check_forward(mine, ref, functools.partial(_describe, exercise), source_dir)


def _check_gradients(exercise, mine, ref, source_dir):
    return numeric.check_gradients(mine, ref, functools.partial(_describe, exercise), source_dir)


def _shapes(weight_shapes):
    if not weight_shapes:
        return "none"
    return ", ".join(f"{name} {shape}" for name, shape in weight_shapes)
