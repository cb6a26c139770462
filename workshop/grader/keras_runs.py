"""Run a Keras layer or model on one test case and record everything the checks compare
(student side, shared by the layer and network kinds).

The same function runs the student's object, the reference and each known mistake,
with the same inputs, the same weights and the same upstream gradient, so any two
observations of one case can be compared element by element.
"""

import os
import tempfile

import keras
import numpy as np
import tensorflow as tf

from .evidence import Observation
from .seeding import random_weights, rng_for


def output_kind(value):
    if isinstance(value, (tf.Tensor, tf.Variable)):
        return f"tf.Tensor {value.dtype.name}"
    if isinstance(value, np.ndarray):
        return f"numpy.ndarray {value.dtype}"
    return type(value).__name__


def _to_numpy(value):
    if value is None:
        return None
    if isinstance(value, (tf.Tensor, tf.Variable)):
        return value.numpy()
    return np.asarray(value)


def run_with_gradients(forward, inputs, variables, seed, case_index):
    """Run `forward(inputs)`, then backpropagate a fixed random upstream gradient.

    Returns (output, kind, grads) where grads maps "input" and each variable's name
    (or position) to the gradient as an array, or None where no gradient flows.
    """
    x = tf.constant(inputs)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = forward(x)
        kind = output_kind(y)
        y_tensor = tf.cast(tf.convert_to_tensor(y), tf.float32)
        upstream = (
            rng_for(seed, "upstream", case_index)
            .standard_normal(tuple(y_tensor.shape))
            .astype(np.float32)
        )
        loss = tf.reduce_sum(y_tensor * upstream)
    grads = tape.gradient(loss, [x] + list(variables))
    names = ["input"] + [name for name, _ in variables_names(variables)]
    return _to_numpy(y), kind, {n: _to_numpy(g) for n, g in zip(names, grads)}


def variables_names(variables):
    """Readable, unique names: a layer's own names ('kernel'), or 'layer_i/name'."""
    seen = {}
    for variable in variables:
        name = variable.name
        seen[name] = seen.get(name, 0) + 1
    counts = {}
    for variable in variables:
        name = variable.name
        if seen[name] > 1:
            counts[name] = counts.get(name, 0) + 1
            name = f"{name} #{counts[name]}"
        yield name, variable


def build_layer(layer_class, config, inputs, seed, case_index):
    """`layer_class(**config)` built on `inputs` and given seeded weights."""
    layer = layer_class(**config)
    if not layer.built:
        layer.build(tuple(inputs.shape))
    shapes = [tuple(int(d) for d in w.shape) for w in layer.weights]
    for variable, value in zip(layer.weights, random_weights(shapes, seed, case_index)):
        variable.assign(value)
    return layer


def observe_layer(layer_class, config, inputs, seed, case_index):
    """Build `layer_class(**config)` on `inputs`, give it seeded weights, run it."""
    observation = Observation()
    try:
        layer = build_layer(layer_class, config, inputs, seed, case_index)
        observation.weight_shapes = tuple(
            (w.name, tuple(int(d) for d in w.shape)) for w in layer.weights
        )
        observation.output, observation.output_kind, observation.grads = run_with_gradients(
            layer, inputs, layer.trainable_weights, seed, case_index
        )
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # student code may raise anything, even SystemExit
        observation.error = error
    return observation


def describe_layer(layer):
    """'Conv2D(filters=20, kernel_size=(5, 5), activation=sigmoid) -> (24, 24, 20)'."""
    config = layer.get_config()
    shown = []
    for key in ("filters", "kernel_size", "strides", "pool_size", "units", "activation", "rate"):
        if key in config:
            value = config[key]
            if isinstance(value, list):
                value = tuple(value)
            if isinstance(value, dict):  # a serialised activation
                value = value.get("config", {}).get("name", value.get("class_name"))
            shown.append(f"{key}={value}")
    shape = tuple(layer.output.shape[1:]) if hasattr(layer, "output") else "?"
    return f"{type(layer).__name__}({', '.join(shown)}) -> {shape}"


def build_model(build, config, seed, case_index):
    """`build(**config)` with seeded weights."""
    model = build(**config)
    if not isinstance(model, keras.Model):
        raise TypeError(f"build_network returned a {type(model).__name__}, not a keras.Model")
    shapes = [tuple(int(d) for d in w.shape) for w in model.weights]
    for variable, value in zip(model.weights, random_weights(shapes, seed, case_index)):
        variable.assign(value)
    return model


def class_name(obj):
    """'keras.src.layers.convolutional.conv2d.Conv2D' for an object or a class."""
    cls = obj if isinstance(obj, type) else type(obj)
    return f"{cls.__module__}.{cls.__qualname__}"


def observe_model(build, config, inputs, seed, case_index):
    """Build `build(**config)`, give it seeded weights, run it in inference mode.

    Besides the numbers, records the model's input and output shapes and the class of
    each layer (data the checks need, so the model itself never leaves this process)."""
    observation = Observation()
    try:
        model = build_model(build, config, seed, case_index)
        for what in ("input_shape", "output_shape"):
            try:
                observation.extra[what] = tuple(getattr(model, what))
            except Exception:  # a subclassed model without a defined input
                observation.extra[what] = None
        observation.extra["layer_classes"] = tuple(class_name(layer) for layer in model.layers)
        observation.signature = tuple(
            describe_layer(layer)
            for layer in model.layers
            if not isinstance(layer, keras.layers.InputLayer)
        )
        named = list(variables_names(model.weights))
        observation.weight_shapes = tuple(
            (name, tuple(int(d) for d in w.shape)) for name, w in named
        )
        observation.output, observation.output_kind, observation.grads = run_with_gradients(
            lambda x: model(x, training=False), inputs, model.trainable_weights, seed, case_index
        )
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # student code may raise anything, even SystemExit
        observation.error = error
    return observation


def record_save_and_load(model, inputs):
    """Save `model` to a .keras file, load it back, and record both outputs on `inputs`."""
    expected = np.asarray(model(inputs, training=False))
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        model.save(path)
        try:
            loaded = keras.saving.load_model(path)
        except Exception as error:
            return {
                "built": True,
                "load error": f"{type(error).__name__}: "
                f"{(str(error).splitlines() or [''])[0][:200]}",
            }
    return {"built": True, "before": expected, "after": np.asarray(loaded(inputs, training=False))}
