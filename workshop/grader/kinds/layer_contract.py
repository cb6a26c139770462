"""Known mistakes every layer exercise has, derived from its reference class: the right
numbers with a broken contract (float64 output, a detour through NumPy, a config that
forgets an argument, no registration with keras.saving; under mixed_float16, a cast of
the input to float32 or weights made in float16). Each must fail its own contract
check, so a new layer exercise gets them without writing them."""

import keras
import numpy as np
from keras import ops

from ..mistakes import Mistake

_DERIVED = {}  # (reference class, key) -> class: each made (and registered) once


def _named(cls, prefix, reference):
    cls.__name__ = cls.__qualname__ = f"{prefix}{reference.__name__}"
    return cls


def _registered(cls, prefix, reference):
    return keras.saving.register_keras_serializable(package="mistakes")(
        _named(cls, prefix, reference)
    )


def _map_output(output, change):
    """Apply `change` to a layer's output, or to a cell's h_t and new states."""
    if isinstance(output, tuple):
        h, states = output
        return change(h), [change(state) for state in states]
    return change(output)


def float64_output(reference):
    class Layer(reference):
        def call(self, inputs, *args):
            return _map_output(super().call(inputs, *args), lambda y: ops.cast(y, "float64"))

    return _registered(Layer, "Float64", reference)


def through_numpy(reference):
    class Layer(reference):
        def call(self, inputs, *args):
            return _map_output(
                super().call(inputs, *args), lambda y: ops.convert_to_tensor(np.asarray(y))
            )

    return _registered(Layer, "Numpy", reference)


def float32_inside(reference):
    """Casts its input to float32 first: right under the default policy, a float32
    output under mixed_float16."""

    class Layer(reference):
        def call(self, inputs, *args):
            return super().call(ops.cast(inputs, "float32"), *args)

    return _registered(Layer, "Float32Inside", reference)


def float16_weights(reference):
    """Creates its weights in float16, whatever the policy says."""

    class Layer(reference):
        def add_weight(self, *args, **kwargs):
            return super().add_weight(*args, **{**kwargs, "dtype": "float16"})

    return _registered(Layer, "Float16Weights", reference)


def forgetful_config(reference, key):
    class Layer(reference):
        def get_config(self):
            config = super().get_config()
            del config[key]
            return config

    return _registered(Layer, "ForgetfulConfig", reference)


def unregistered(reference):
    class Layer(reference):
        pass

    return _named(Layer, "Unregistered", reference)


def _derived(reference, key, make):
    if (reference, key) not in _DERIVED:
        _DERIVED[reference, key] = make()
    return _DERIVED[reference, key]


def mistakes(exercise, reference):
    """The contract mistakes of a layer exercise whose reference class is `reference`: four
    for every layer, and for a layer (not a cell) two under mixed precision."""
    key = exercise.options.forgotten_key
    made = (
        ("float64", "returns float64: keep the layer's float32", lambda: float64_output(reference)),
        (
            "numpy",
            "goes through NumPy: no gradient flows and it fails inside tf.function",
            lambda: through_numpy(reference),
        ),
        (
            "forgetful-config",
            f"get_config() forgets `{key}`",
            lambda: forgetful_config(reference, key),
        ),
        (
            "unregistered",
            "not registered with keras.saving: a saved model cannot find the class",
            lambda: unregistered(reference),
        ),
    )
    # Cells: keras.layers.RNN sets the dtype. A module of Keras's own layers (inception):
    # its inner layers cast to the policy's dtype themselves, so neither slip shows.
    if not exercise.options.recurrent and exercise.options.banned_names:
        made += (
            (
                "float32-inside",
                "casts its input to float32: under mixed_float16 it returns float32",
                lambda: float32_inside(reference),
            ),
        )
        if exercise.options.has_weights:
            made += (
                (
                    "float16-weights",
                    "creates its weights in float16, not in the policy's float32",
                    lambda: float16_weights(reference),
                ),
            )
    return tuple(
        Mistake(name, message, diagnosed=False, wrong=_derived(reference, name, make))
        for name, message, make in made
    )
