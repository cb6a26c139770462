"""Probes of Exercise 2.10: the adversarial objective's value and its gradients with
respect to the model's weights (which must not flow through the attack), at α = 0.5 and
at other weights of the clean term. It calls the student's own fgsm (2.9)."""

import numpy as np

from ..compare import Tolerance
from ..kinds.probe_runs import capture, gradients
from ..seeding import rng_for
from .fgsm import CLASSES, describe, small_model  # noqa: F401  (describe: the same cases)

TOLERANCE = Tolerance(atol=1e-5, rtol=1e-4)
LOSS = "the objective"
GRADIENTS = "its gradients, the attack held fixed"
ALPHA = "other α"
POINTS = {LOSS: 3, GRADIENTS: 4, ALPHA: 3}
STATISTICAL = set()


def labels(case):
    return [f"{LOSS}: adversarial_loss(model, x, y, ε)"]


def _with_gradients(loss, model, images, labels_, epsilon, **kwargs):
    weights = model.trainable_variables
    value, found = gradients(lambda: loss(model, images, labels_, epsilon, **kwargs), weights)
    return {
        "J̃": value,
        **{f"∂J̃/∂weight {i} {tuple(v.shape)}": g for i, (v, g) in enumerate(zip(weights, found))},
    }


def observe(get, case, seed, index):
    rng = rng_for(seed, "advloss", index)
    epsilon, shape = case.config["epsilon"], case.input_shape
    model = small_model(case.config["model"], shape[1:], rng, dropout=False)
    images = rng.uniform(0, 1, shape).astype(np.float32)
    labels_ = rng.integers(0, CLASSES, shape[0])
    loss = get("adversarial_loss")
    both = capture(_with_gradients, loss, model, images, labels_, epsilon)
    return {
        f"{LOSS}: adversarial_loss(model, x, y, ε)": both["J̃"] if isinstance(both, dict) else both,
        f"{GRADIENTS}: ∂J̃/∂weights": {k: v for k, v in both.items() if k != "J̃"}
        if isinstance(both, dict)
        else both,
        f"{ALPHA}: α = 0.2, with gradients": capture(
            _with_gradients, loss, model, images, labels_, epsilon, alpha=0.2
        ),
        f"{ALPHA}: α = 1 (clean only)": capture(loss, model, images, labels_, epsilon, alpha=1.0),
        f"{ALPHA}: α = 0 (attack only)": capture(loss, model, images, labels_, epsilon, alpha=0.0),
    }
