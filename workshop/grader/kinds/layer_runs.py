"""The student side of a layer exercise: each stage builds the layer afresh and records
numbers, shapes and op names as data (see layer.py for the stages)."""

import json

import keras
import numpy as np

from .. import graphs
from ..keras_runs import (
    build_layer,
    observe_layer,
    record_save_and_load,
    run_with_gradients,
    variables_names,
)
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


def record_graphs(exercise, layer_class, seed):
    """Per case: the layer, called eagerly once, then its call traced and exported as a
    GraphDef (graphs.export), which the judge's side lists and runs; nothing of the
    graph runs here."""
    make = _maker(exercise, layer_class)
    return [
        caught(_export_case, make, case, x, seed, i)
        for i, (case, x) in enumerate(zip(exercise.cases, inputs_of(exercise, seed)))
    ]


def _export_case(make, case, x, seed, index):
    layer = build_layer(make, case.config, x, seed, index)
    layer(x)  # eagerly first, as students call it: state made on the first call exists
    return graphs.export(layer, x)


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


def record_precision(exercise, layer_class, seed):
    """The first case built and run under Keras's mixed_float16 policy, as a GPU user
    runs it: each weight's dtype, the output's kind and whether it is finite, and
    whether a gradient flows to the input and to each weight (finite, not all zero)."""
    x = inputs_of(exercise, seed)[0]
    return caught(_record_precision, layer_class, exercise.cases[0], x, seed)


def _record_precision(layer_class, case, x, seed):
    before = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_float16")
    try:
        layer = build_layer(layer_class, case.config, x, seed, 0)
        weights = {name: str(v.dtype) for name, v in variables_names(layer.weights)}
        output, kind, grads = run_with_gradients(layer, x, layer.trainable_weights, seed, 0)
    finally:
        keras.config.set_dtype_policy(before)
    return {
        "weights": weights,
        "output kind": kind,
        "output finite": bool(np.all(np.isfinite(np.asarray(output, np.float32)))),
        "gradients": {
            name: "none"
            if g is None
            else ("flows" if np.all(np.isfinite(g)) and np.any(g != 0) else "zero or not finite")
            for name, g in grads.items()
        },
    }


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
