"""Probes of Exercise 3.6: what greedy pre-training feeds each RBM, and the classifier
built from a stack of RBMs (its weights, output and gradients)."""

import numpy as np

from ..compare import Tolerance
from ..kinds.probe_runs import capture
from ..seeding import rng_for
from .rbm import built

TOLERANCE = Tolerance(atol=1e-5, rtol=1e-4)
PRETRAINING = "greedy pre-training"
CLASSIFIER = "classifier from the RBMs"
CLASSIFIER_OUTPUT = "classifier output and gradients"
POINTS = {PRETRAINING: 4, CLASSIFIER: 3, CLASSIFIER_OUTPUT: 3}
STATISTICAL = set()


def labels(case):
    return ["greedy pre-training: data seen"]


def _seeded_fit(seed, index, seen):
    """A stand-in for training: records the data, then gives the RBM weights that depend
    only on its position in the stack and its shape (so each next input is known)."""

    def fit(rbm, data):
        position = len(seen)
        seen.append(np.asarray(data, dtype=np.float64))
        rng = rng_for(seed, "dbn-fit", index, position)
        for weight in rbm.weights:
            weight.assign(rng.standard_normal(tuple(weight.shape)).astype(np.float32))

    return fit


def _pretrain(greedy_pretrain, x, sizes, seed, index):
    seen = []
    rbms = greedy_pretrain(x, sizes, _seeded_fit(seed, index, seen))
    return {
        "data seen by each RBM": tuple(seen),
        "hidden sizes returned": np.array([rbm.n_hidden for rbm in rbms], dtype=np.float64),
        "kernels returned": tuple(np.asarray(rbm.kernel) for rbm in rbms),
    }


def _stack(rbm_class, n_visible, sizes, rng):
    rbms, width = [], n_visible
    for size in sizes:
        weights = {
            "kernel": rng.standard_normal((width, size)).astype(np.float32),
            "visible_bias": rng.standard_normal(width).astype(np.float32),
            "hidden_bias": rng.standard_normal(size).astype(np.float32),
        }
        rbms.append(built(rbm_class, {"n_hidden": size}, width, weights))
        width = size
    return rbms


def _classifier(build_classifier, rbms, classes, x, rng):
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(int(rng.integers(1 << 30)))  # initialisers repeat, run to run
    model = build_classifier(rbms, classes)
    if not isinstance(model, keras.Model):
        raise TypeError(f"build_classifier returned a {type(model).__name__}, not a keras.Model")
    dense = [layer for layer in model.layers if layer.weights]
    top = dense[-1]  # the softmax layer starts random: give it known weights
    top.set_weights([rng.standard_normal(tuple(w.shape)).astype(np.float32) for w in top.weights])
    upstream = rng.standard_normal((len(x), classes)).astype(np.float32)
    with tf.GradientTape() as tape:
        output = model(tf.constant(x), training=False)
        loss = tf.reduce_sum(output * upstream)
    gradients = tape.gradient(loss, model.trainable_weights)
    return {
        "weights": {
            "layer sizes": np.array([layer.units for layer in dense], dtype=np.float64),
            "hidden weights": tuple(np.asarray(w) for layer in dense[:-1] for w in layer.weights),
        },
        "output": {"output": output, "gradients": tuple(gradients)},
    }


def observe(get, case, seed, index):
    rng = rng_for(seed, "dbn", index)
    batch, n_visible = case.input_shape
    sizes, classes = case.config["hidden_sizes"], case.config["num_classes"]
    x = rng.random((batch, n_visible)).astype(np.float32)
    pretrained = capture(_pretrain, get("greedy_pretrain"), x, sizes, seed, index)
    # The classifier only reads the RBMs' weights, which `built` sets: any RBM class that
    # builds (the stub's included) gives the same stack.
    stack = _stack(get("RBM"), n_visible, sizes, rng)
    classifier = capture(_classifier, get("build_classifier"), stack, classes, x, rng)
    parts = (
        classifier
        if isinstance(classifier, dict)
        else {"weights": classifier, "output": classifier}
    )
    return {
        "greedy pre-training: pre-training": pretrained,
        "classifier from the RBMs: weights": parts["weights"],
        "classifier output and gradients: with the top layer's weights fixed": parts["output"],
    }
