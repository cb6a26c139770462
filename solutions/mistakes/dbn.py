"""Wrong pieces of the deep belief network, one realistic mistake each."""

import keras
from keras import ops

from solutions.mistakes import known
from solutions.rbm import RBM


@known(
    "3.6",
    "every-rbm-on-data",
    "every RBM trained on the data: RBM l+1 learns from RBM l's hidden probabilities p(h|v)",
)
def pretrain_every_rbm_on_the_data(x, hidden_sizes, fit_rbm):
    """Every RBM trained on the raw data: nothing is stacked."""
    rbms, x = [], ops.convert_to_tensor(x, "float32")
    for n_hidden in hidden_sizes:
        rbm = RBM(n_hidden)
        rbm.build(tuple(x.shape))
        fit_rbm(rbm, x)
        rbms.append(rbm)
    return rbms


@known(
    "3.6",
    "rounded-features",
    "hidden probabilities rounded to 0/1 before the next RBM: feed p(h|v) itself",
)
def pretrain_on_rounded_features(x, hidden_sizes, fit_rbm):
    """The hidden probabilities rounded to 0 or 1 before they feed the next RBM."""
    rbms, inputs = [], ops.convert_to_tensor(x, "float32")
    for n_hidden in hidden_sizes:
        rbm = RBM(n_hidden)
        rbm.build(tuple(inputs.shape))
        fit_rbm(rbm, inputs)
        rbms.append(rbm)
        inputs = ops.cast(rbm.hidden_probs(inputs) > 0.5, "float32")
    return rbms


def _classifier(rbms, num_classes, activation="sigmoid", copy=True, top="softmax"):
    inputs = keras.Input((int(rbms[0].kernel.shape[0]),))
    x = inputs
    for rbm in rbms:
        layer = keras.layers.Dense(rbm.n_hidden, activation=activation)
        x = layer(x)
        if copy:
            layer.set_weights(
                [ops.convert_to_numpy(rbm.kernel), ops.convert_to_numpy(rbm.hidden_bias)]
            )
    return keras.Model(inputs, keras.layers.Dense(num_classes, activation=top)(x))


@known(
    "3.6",
    "not-initialised",
    "the classifier's layers keep their random weights: copy each RBM's kernel and "
    "hidden bias into its Dense layer",
    replaces="build_classifier",
)
def classifier_not_initialised(rbms, num_classes):
    """The Dense layers keep their random initial weights: the pre-training is thrown away."""
    return _classifier(rbms, num_classes, copy=False)


@known(
    "3.6",
    "relu-layers",
    "ReLU layers: an RBM's features are σ(c + v W), so the layers are sigmoid",
    replaces="build_classifier",
)
def classifier_with_relu(rbms, num_classes):
    """ReLU hidden layers: the RBM's weights were learned for σ(c + v W)."""
    return _classifier(rbms, num_classes, activation="relu")


@known(
    "3.6",
    "no-softmax",
    "no softmax on the top layer: the classifier outputs class probabilities",
    replaces="build_classifier",
)
def classifier_without_softmax(rbms, num_classes):
    """A linear top layer: class probabilities need the softmax."""
    return _classifier(rbms, num_classes, top=None)


@known(
    "3.6",
    "linear-layers",
    "linear layers: an RBM's features are σ(c + v W), so each Dense layer built from an RBM "
    "has activation='sigmoid'",
    replaces="build_classifier",
)
def classifier_linear(rbms, num_classes):
    """No activation on the layers the RBMs initialise."""
    return _classifier(rbms, num_classes, activation=None)
