"""Wrong network builders, one realistic mistake each."""

import functools

import keras

from solutions.conv import Conv2D
from solutions.mistakes import known
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
    conv_activation=True,
    output_dropout=True,
    classes_given=True,
):
    inputs = keras.Input(shape=input_shape)
    x = inputs
    for filters, kernel_size in conv_layers:
        if keras_layers:
            x = keras.layers.Conv2D(filters, kernel_size, activation=activation)(x)
        else:
            x = Conv2D(filters, kernel_size, activation=activation if conv_activation else None)(x)
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
    if dropout and output_dropout:
        x = keras.layers.Dropout(dropout)(x)
    num_classes = num_classes if classes_given else 10
    if lambda_softmax:
        logits = keras.layers.Dense(num_classes)(x)
        outputs = keras.layers.Lambda(lambda t: keras.ops.softmax(t))(logits)
    else:
        outputs = keras.layers.Dense(num_classes, activation="softmax" if softmax else None)(x)
    return keras.Model(inputs, outputs)


no_softmax = known(
    "1.4",
    "no-softmax",
    "softmax missing: the last Dense layer needs activation='softmax' to give probabilities",
)(functools.partial(_build, softmax=False))
no_pooling = known(
    "1.4", "no-pooling", "pooling missing: every Conv2D is followed by a 2×2 pooling layer"
)(functools.partial(_build, pool_each=False))
linear_hidden = known(
    "1.4",
    "linear-hidden",
    "hidden layers without activation: pass `activation` to each hidden Dense layer",
)(functools.partial(_build, hidden_activation=False))
dropout_ignored = known(
    "1.4",
    "dropout-ignored",
    "dropout ignored: with dropout > 0 put keras.layers.Dropout before every Dense layer",
)(functools.partial(_build, use_dropout=False))
linear_conv = known(
    "1.4",
    "linear-conv",
    "convolutions without activation: pass `activation` to each Conv2D as well",
)(functools.partial(_build, conv_activation=False))
no_output_dropout = known(
    "1.4",
    "no-dropout-before-output",
    "no dropout before the softmax layer: with dropout > 0, keras.layers.Dropout comes "
    "before every Dense layer, the output layer included",
)(functools.partial(_build, output_dropout=False))
ten_classes = known(
    "1.4",
    "ten-classes",
    "the output layer has 10 units whatever `num_classes` says: use Dense(num_classes)",
)(functools.partial(_build, classes_given=False))
keras_layers = known(
    "1.4", "keras-layers", "uses keras.layers.Conv2D and MaxPooling2D", diagnosed=False
)(functools.partial(_build, keras_layers=True))
lambda_softmax = known(
    "1.4",
    "lambda-softmax",
    "softmax in a Lambda layer: the model will not load",
    diagnosed=False,
)(functools.partial(_build, lambda_softmax=True))


@known("1.4", "returns-nothing", "forgets to return the model", diagnosed=False)
def returns_nothing(**config):
    """Builds the model but forgets to return it."""
    _build(**config)
