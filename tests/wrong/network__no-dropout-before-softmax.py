# exercise: network (1.4)
# family: term/floor/clip/epsilon left out
# mistake: With dropout > 0 you put Dropout before each hidden Dense layer but not before the softmax output layer.
"""Exercise 1.4: the notes' Figure 4 network, assembled from your own layers."""

import keras

from .conv import Conv2D
from .pooling import L2Pool2D, MaxPool2D

POOLS = {"max": MaxPool2D, "l2": L2Pool2D}


def build_network(
    input_shape=(28, 28, 1),
    conv_layers=((20, 5),),
    pool="max",
    hidden_units=(100,),
    num_classes=10,
    activation="sigmoid",
    dropout=0.0,
):
    """Build the notes' Figure 4 network as a Keras model (notes §1.3, Figure 4).

    For each `(filters, kernel_size)` in `conv_layers`: a `Conv2D` with that many feature
    maps and `activation`, then a 2×2 pooling layer (`MaxPool2D` or `L2Pool2D`). Then the
    feature maps are flattened and go through one fully connected `keras.layers.Dense`
    layer per entry of `hidden_units` (with `activation`), and a final fully connected
    softmax layer with `num_classes` units:

        x → [conv → pool] × len(conv_layers) → flatten → [dense] × len(hidden_units)
          → softmax

    With `dropout > 0`, a `keras.layers.Dropout(dropout)` comes right before every
    fully connected layer, the softmax layer included, as in the book's dropout
    experiment (network3.py drops units feeding each fully connected layer).
    The layers are your own `Conv2D`, `MaxPool2D` and `L2Pool2D` from this package.

    Figure 4 itself is `build_network(hidden_units=())`: 28×28×1 → conv 20@5×5 →
    24×24×20 → max-pool 2×2 → 12×12×20 → softmax 10. The defaults add the 100-unit
    hidden layer of the book's first conv experiment. The two-conv variant,
    `conv_layers=((20, 5), (40, 5))`, gives 24×24×20 → 12×12×20 → 8×8×40 → 4×4×40.
    `conv_layers=()` gives a plain fully connected network (the shallow baseline).

    Args:
        input_shape: `(height, width, channels)` of one image.
        conv_layers: sequence of `(filters, kernel_size)` pairs, one per conv-pool stage.
        pool: `"max"` or `"l2"`.
        hidden_units: sequence of ints, the sizes of the hidden fully connected layers.
        num_classes: int. Units of the softmax layer.
        activation: activation of the conv and hidden layers (`"sigmoid"`, `"relu"`...).
        dropout: float in [0, 1). Dropout rate before each fully connected layer.

    Returns:
        A `keras.Model` from `(batch, *input_shape)` to `(batch, num_classes)` softmax
        probabilities.

    Example:
    >>> model = build_network()
    >>> [tuple(layer.output.shape[1:]) for layer in model.layers[-5:]]  # after any Input
    [(24, 24, 20), (12, 12, 20), (2880,), (100,), (10,)]
    """
    if pool not in POOLS:
        raise ValueError(f"`pool` must be one of {sorted(POOLS)}. Received: pool={pool!r}")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"`dropout` must be in [0, 1). Received: dropout={dropout!r}")

    inputs = keras.Input(shape=input_shape)
    x = inputs
    for filters, kernel_size in conv_layers:
        x = Conv2D(filters, kernel_size, activation=activation)(x)
        x = POOLS[pool](2)(x)
    x = keras.layers.Flatten()(x)
    for units in hidden_units:
        if dropout:
            x = keras.layers.Dropout(dropout)(x)
        x = keras.layers.Dense(units, activation=activation)(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs)
