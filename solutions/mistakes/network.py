"""Wrong network builders, one realistic mistake each."""

import functools

import keras

from solutions.conv import Conv2D
from solutions.network import POOLS


def _build(
    input_shape=(28, 28, 1),
    conv_layers=((20, 5),),
    pool="max",
    hidden_units=(100,),
    num_classes=10,
    activation="sigmoid",
    dropout=0.0,
    *,
    keras_layers=False,
    lambda_softmax=False,
    softmax=True,
    pool_each=True,
    hidden_activation=True,
    use_dropout=True,
):
    inputs = keras.Input(shape=input_shape)
    x = inputs
    for filters, kernel_size in conv_layers:
        if keras_layers:
            x = keras.layers.Conv2D(filters, kernel_size, activation=activation)(x)
        else:
            x = Conv2D(filters, kernel_size, activation=activation)(x)
        if pool_each and keras_layers and pool == "max":
            x = keras.layers.MaxPooling2D(2)(x)
        elif pool_each:
            x = POOLS[pool](2)(x)
    x = keras.layers.Flatten()(x)
    dropout = dropout if use_dropout else 0.0
    for units in hidden_units:
        if dropout:
            x = keras.layers.Dropout(dropout)(x)
        x = keras.layers.Dense(units, activation=activation if hidden_activation else None)(x)
    if dropout:
        x = keras.layers.Dropout(dropout)(x)
    if lambda_softmax:
        logits = keras.layers.Dense(num_classes)(x)
        outputs = keras.layers.Lambda(lambda t: keras.ops.softmax(t))(logits)
    else:
        outputs = keras.layers.Dense(num_classes, activation="softmax" if softmax else None)(x)
    return keras.Model(inputs, outputs)


no_softmax = functools.partial(_build, softmax=False)
no_pooling = functools.partial(_build, pool_each=False)
linear_hidden = functools.partial(_build, hidden_activation=False)
dropout_ignored = functools.partial(_build, use_dropout=False)
keras_layers = functools.partial(_build, keras_layers=True)
lambda_softmax = functools.partial(_build, lambda_softmax=True)


def returns_nothing(**config):
    """Builds the model but forgets to return it."""
    _build(**config)
