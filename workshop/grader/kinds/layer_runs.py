"""The student side of a layer exercise: each stage builds the layer afresh and records
numbers, shapes and op names as data (see layer.py for the stages)."""

import contextlib
import json

import keras
import numpy as np
import tensorflow as tf

from .. import rules
from ..keras_runs import build_layer, observe_layer, record_save_and_load
from ..observing import caught
from ..seeding import rng_for
from . import recurrent_runs


def make_input(case, seed, case_index):
    if case.constant:
        value = rng_for(seed, "input", case_index).uniform(-2.0, 2.0)
        return np.full(case.input_shape, value, dtype=np.float32)
    x = rng_for(seed, "input", case_index).standard_normal(case.input_shape)
    if case.zero_window:
        x = np.maximum(x, 0.0)
        x[:, :3, :3, :] = 0.0  # a whole window of zeros, as after a ReLU
    return x.astype(np.float32)


def inputs_of(exercise, seed):
    return [make_input(case, seed, i) for i, case in enumerate(exercise.cases)]


def record_cases(exercise, layer_class, seed):
    """Each case's run: weight shapes, output, its kind, and every gradient."""
    make = _maker(exercise, layer_class)
    return [
        observe_layer(make, case.config, x, seed, i)
        for i, (case, x) in enumerate(zip(exercise.cases, inputs_of(exercise, seed)))
    ]


def record_graph_ops(exercise, layer_class, seed):
    """The ops of the first case's call traced into a graph, and that very graph's
    output: the op list counts only if this graph is what computes the graded answer
    (code that behaves differently when traced gives itself away)."""
    inputs = inputs_of(exercise, seed)
    layer = _build_or_none(_maker(exercise, layer_class), exercise.cases[0], inputs[0], seed, 0)
    if layer is None:
        return {"built": False}
    x = tf.constant(inputs[0])
    try:
        concrete = tf.function(lambda inputs: layer(inputs)).get_concrete_function(
            tf.TensorSpec(x.shape, x.dtype)
        )
        ops = rules.concrete_ops(concrete)
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # does not trace: 'inside tf.function' reports why
        return {"built": True, "traced": False, "error": error}
    return {"built": True, "traced": True, "ops": ops, "output": caught(_numpy, concrete, x)}


def _numpy(concrete, x):
    with _no_grappler():
        return np.asarray(concrete(x))


@contextlib.contextmanager
def _no_grappler():
    """Grappler's rewrites cost two thirds of a traced function's one run and change
    nothing these stages compare (the op list is read before them; each output is
    checked against the eager one at the forward tolerance)."""
    options = tf.config.optimizer.get_experimental_options()
    tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": True})
    try:
        yield
    finally:
        tf.config.optimizer.set_experimental_options(
            {"disable_meta_optimizer": options.get("disable_meta_optimizer", False)}
        )


def record_configs(exercise, layer_class, seed):
    """Per case: the config, the clone's config, and both outputs."""
    make = _maker(exercise, layer_class)
    return [
        caught(_record_config, exercise, make, case, x, seed, i)
        for i, (case, x) in enumerate(zip(exercise.cases, inputs_of(exercise, seed)))
    ]


def record_saving(exercise, layer_class, seed):
    """A model holding the first case's layer, saved to .keras and loaded back."""
    inputs = inputs_of(exercise, seed)
    layer = _build_or_none(_maker(exercise, layer_class), exercise.cases[0], inputs[0], seed, 0)
    if layer is None:
        return {"built": False}
    x = inputs[0]
    model = keras.Sequential([keras.Input(shape=x.shape[1:], batch_size=None), layer])
    return record_save_and_load(model, x)


def record_traced(exercise, layer_class, seed):
    """Per case: the output inside tf.function."""
    make = _maker(exercise, layer_class)
    return [
        caught(_record_tf_function, make, case, x, seed, i)
        for i, (case, x) in enumerate(zip(exercise.cases, inputs_of(exercise, seed)))
    ]


def record_masking(exercise, layer_class, seed):
    return recurrent_runs.record_masking(exercise, layer_class, inputs_of(exercise, seed), seed)


def record_twin(exercise, layer_class, seed):
    return recurrent_runs.record_twin(exercise, layer_class, inputs_of(exercise, seed), seed)


def _maker(exercise, layer_class):
    if not exercise.options.recurrent:
        return layer_class

    def make(**config):  # a cell runs over the whole sequence, as students will use it
        return keras.layers.RNN(layer_class(**config), return_sequences=True)

    return make


def _build_or_none(make, case, x, seed, index):
    try:
        return build_layer(make, case.config, x, seed, index)
    except KeyboardInterrupt:
        raise
    except BaseException:  # student code may raise anything; the cases stage reports it
        return None


def _canonical(config):
    return json.dumps(config, sort_keys=True, default=repr)


def _record_config(exercise, make, case, x, seed, index):
    layer = _build_or_none(make, case, x, seed, index)
    if layer is None:
        return {"built": False}
    subject = layer.cell if exercise.options.recurrent else layer  # a cell's own config
    config = subject.get_config()
    clone = type(subject).from_config(config)
    record = {
        "built": True,
        "config": _canonical(config),
        "clone config": _canonical(clone.get_config()),
    }
    if exercise.options.recurrent:
        clone = keras.layers.RNN(clone, return_sequences=True)
    clone.build(tuple(x.shape))
    clone.set_weights(layer.get_weights())
    record["output"] = np.asarray(layer(x))
    record["clone output"] = np.asarray(clone(x))
    return record


def _record_tf_function(make, case, x, seed, index):
    layer = build_layer(make, case.config, x, seed, index)
    layer(x)  # eagerly first, as the check compares with the eager run
    with _no_grappler():
        return np.asarray(tf.function(lambda t: layer(t))(tf.constant(x)))
