"""Probes of Exercise 2.9: the fast gradient sign method on two small seeded models (a
softmax regression, and a convolutional net with dropout, which must be off), with
random labels, with labels that are not the prediction, and at the pixel range's edges,
clipped and not."""

import numpy as np

from ..compare import Tolerance
from ..kinds.probe_runs import capture
from ..seeding import rng_for

TOLERANCE = Tolerance(atol=1e-5, rtol=1e-5)  # pixels moved by ±ε exactly
STEP = "one signed step of ε"
LABELS = "along the true labels"
CLIPPED = "clipped to the pixel range"
UNCLIPPED = "clip=None: not clipped"
POINTS = {STEP: 4, LABELS: 2, CLIPPED: 2, UNCLIPPED: 2}
STATISTICAL = set()
CLASSES = 5


def describe(case):
    return f"{case.config['model']} model, ε = {case.config['epsilon']}, images {case.input_shape}"


def labels(case):
    return [f"{STEP}: fgsm(model, x, y, ε)"]


def small_model(kind, shape, rng, dropout=True):
    """A seeded model from images to 5 class probabilities."""
    import keras

    layers = [keras.Input(shape)]
    if kind == "cnn":
        layers += [keras.layers.Conv2D(4, 3, activation="relu"), keras.layers.Flatten()]
        if dropout:
            layers.append(keras.layers.Dropout(0.5))
    else:
        layers.append(keras.layers.Flatten())
    layers.append(keras.layers.Dense(CLASSES, activation="softmax"))
    model = keras.Sequential(layers)
    model.set_weights(
        [
            (rng.standard_normal(w.shape) / np.sqrt(max(np.prod(w.shape[:-1]), 1))).astype(
                np.float32
            )
            for w in model.get_weights()
        ]
    )
    return model


def observe(get, case, seed, index):
    rng = rng_for(seed, "fgsm", index)
    epsilon, shape = case.config["epsilon"], case.input_shape
    model = small_model(case.config["model"], shape[1:], rng)
    middle = rng.uniform(0.3, 0.7, shape).astype(np.float32)  # no clipping at ε ≤ 0.25
    edges = np.clip(rng.choice([0.0, 1.0, 0.5], shape) + rng.normal(0, 0.05, shape), 0, 1)
    edges = edges.astype(np.float32)
    random_labels = rng.integers(0, CLASSES, shape[0])
    predicted = np.asarray(model(middle)).argmax(axis=1)
    fgsm = get("fgsm")
    return {
        f"{STEP}: fgsm(model, x, y, ε)": capture(fgsm, model, middle, random_labels, epsilon),
        f"{LABELS}: y not the predicted class": capture(
            fgsm, model, middle, (predicted + 1) % CLASSES, epsilon
        ),
        f"{CLIPPED}: x at 0 and 1, ε = 0.3": capture(fgsm, model, edges, random_labels, 0.3),
        f"{CLIPPED}: clip=(0.1, 0.9)": capture(
            fgsm, model, edges, random_labels, 0.3, clip=(0.1, 0.9)
        ),
        f"{UNCLIPPED}: x at 0 and 1, ε = 0.3": capture(
            fgsm, model, edges, random_labels, 0.3, clip=None
        ),
    }
