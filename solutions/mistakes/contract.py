"""Layers that compute the right numbers but break the layer contract: the checks
for dtype, config, saving and tf.function each catch one."""

import keras
import numpy as np
from keras import ops

from solutions.conv import Conv2D
from solutions.lstm import LSTMCell
from solutions.pooling import L2Pool2D, MaxPool2D
from solutions.rnn import SimpleRNNCell

LAYERS = (Conv2D, MaxPool2D, L2Pool2D)
CELLS = (SimpleRNNCell, LSTMCell)


def _register(cls, kind):
    cls.__name__ = cls.__qualname__ = f"{kind}{cls.__bases__[0].__name__}"
    return keras.saving.register_keras_serializable(package="mistakes")(cls)


def _map_output(output, change):
    """Apply `change` to a layer's output, or to a cell's h_t and new states."""
    if isinstance(output, tuple):
        h, states = output
        return change(h), [change(state) for state in states]
    return change(output)


def float64_output(layer_class):
    class Layer(layer_class):
        def call(self, inputs, *args):
            return _map_output(super().call(inputs, *args), lambda y: ops.cast(y, "float64"))

    return _register(Layer, "Float64")


def through_numpy(layer_class):
    class Layer(layer_class):
        def call(self, inputs, *args):
            return _map_output(
                super().call(inputs, *args), lambda y: ops.convert_to_tensor(np.asarray(y))
            )

    return _register(Layer, "Numpy")


def forgetful_config(layer_class, key):
    class Layer(layer_class):
        def get_config(self):
            config = super().get_config()
            del config[key]
            return config

    return _register(Layer, "ForgetfulConfig")


def unregistered(layer_class):
    class Layer(layer_class):
        pass

    Layer.__name__ = Layer.__qualname__ = f"Unregistered{layer_class.__name__}"
    return Layer


Float64Conv2D, Float64MaxPool2D, Float64L2Pool2D = map(float64_output, LAYERS)
NumpyConv2D, NumpyMaxPool2D, NumpyL2Pool2D = map(through_numpy, LAYERS)
ForgetfulConfigConv2D, ForgetfulConfigMaxPool2D, ForgetfulConfigL2Pool2D = (
    forgetful_config(layer, "strides") for layer in LAYERS
)
UnregisteredConv2D, UnregisteredMaxPool2D, UnregisteredL2Pool2D = map(unregistered, LAYERS)

Float64SimpleRNNCell, Float64LSTMCell = map(float64_output, CELLS)
NumpySimpleRNNCell, NumpyLSTMCell = map(through_numpy, CELLS)
ForgetfulConfigSimpleRNNCell, ForgetfulConfigLSTMCell = (
    forgetful_config(cell, "units") for cell in CELLS
)
UnregisteredSimpleRNNCell, UnregisteredLSTMCell = map(unregistered, CELLS)
