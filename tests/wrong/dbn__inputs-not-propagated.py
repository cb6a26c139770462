# exercise: dbn (3.6)
# family: term/floor/clip/epsilon left out
# mistake: You never replace the inputs by the trained RBM's hidden probabilities, so every RBM of the stack is trained on the raw data.
"""Exercise 3.6: a deep belief network, pre-trained greedily and turned into a classifier."""

import keras

from .rbm import RBM


def greedy_pretrain(x, hidden_sizes, fit_rbm):
    """Greedy layer-wise pre-training of a stack of RBMs (notes §3.3, Figure 13).

    Train the first RBM on the data; then freeze it and train the second on the first's
    hidden probabilities p(h|v), and so on up the stack:

        input_1 = x,   input_{l+1} = p(h | input_l) under RBM l (already trained)

    Args:
        x: `(n, n_visible)`, the training data, values in [0, 1].
        hidden_sizes: tuple of ints, the hidden layer sizes from the bottom up.
        fit_rbm: `fit_rbm(rbm, data)` trains a built `RBM` on `(n, d)` data in place
            (the harness gives it; the grader gives one that records what it saw).

    Returns:
        The list of trained `RBM`s, bottom first, each built on its input's width.

    Example:
    >>> import numpy as np
    >>> seen = []
    >>> def fit(rbm, data):
    ...     seen.append(tuple(data.shape))
    >>> rbms = greedy_pretrain(np.zeros((4, 6)), (5, 3), fit)
    >>> seen, [r.n_hidden for r in rbms]
    ([(4, 6), (4, 5)], [5, 3])
    """
    rbms, inputs = [], keras.ops.convert_to_tensor(x, "float32")
    for n_hidden in hidden_sizes:
        rbm = RBM(n_hidden)
        rbm.build(tuple(inputs.shape))
        fit_rbm(rbm, inputs)
        rbms.append(rbm)
    return rbms


def build_classifier(rbms, num_classes):
    """The stack as a feed-forward classifier, initialised from the RBMs, for fine-tuning.

    Each RBM becomes a sigmoid layer computing its p(h|v) = σ(c + v W), with kernel W and
    bias c copied from the RBM (the visible biases are not used); a softmax layer of
    `num_classes` units, randomly initialised, goes on top:

        x -> σ(c_1 + x W_1) -> σ(c_2 + · W_2) -> ... -> softmax

    Args:
        rbms: list of built `RBM`s, bottom first (from `greedy_pretrain`).
        num_classes: int.

    Returns:
        A `keras.Model` from `(batch, n_visible)` to `(batch, num_classes)`, whose
        `Dense` layers start with copies of the RBMs' weights (copies: fine-tuning
        leaves the RBMs as they were).

    Example:
    >>> import numpy as np
    >>> rbm = RBM(4); rbm.build((None, 6))
    >>> model = build_classifier([rbm], 3)
    >>> tuple(model(np.zeros((2, 6))).shape), [layer.units for layer in model.layers[-2:]]
    ((2, 3), [4, 3])
    """
    n_visible = int(rbms[0].kernel.shape[0])
    inputs = keras.Input((n_visible,))
    x = inputs
    for rbm in rbms:
        layer = keras.layers.Dense(rbm.n_hidden, activation="sigmoid")
        x = layer(x)
        layer.set_weights(
            [keras.ops.convert_to_numpy(rbm.kernel), keras.ops.convert_to_numpy(rbm.hidden_bias)]
        )
    outputs = keras.layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs)
