"""Probes of Exercise 2.3: LRMD's L2-pooled features, the reconstruction + sparsity
objective, its gradients with respect to W₁ and W₂ by tf.GradientTape through the
student's own code, and both at a zero input (finite, not NaN)."""

import numpy as np

from ..compare import Tolerance
from ..kinds.probe_runs import capture
from ..seeding import rng_for

TOLERANCE = Tolerance(atol=1e-4, rtol=1e-4)  # float32 Keras work
FEATURES = "pooled features"
OBJECTIVE = "objective"
GRADIENTS = "gradients"
ZERO_INPUT = "at a zero input"
POINTS = {FEATURES: 2, OBJECTIVE: 3, GRADIENTS: 3, ZERO_INPUT: 2}
STATISTICAL = set()


def labels(case):
    return [f"{FEATURES}: p(x)", f"{OBJECTIVE}: L"]


def pooling(features, size):
    """H, built here (not from the student's file): unit i sums features i..i+size-1."""
    rows = np.arange(features - size + 1)[:, None]
    cols = np.arange(features)[None, :]
    return ((cols >= rows) & (cols < rows + size)).astype(np.float32)


def _loss_and_gradients(objective, x, W1, W2, H, lam, eps):
    import tensorflow as tf

    variables = [tf.Variable(W1), tf.Variable(W2)]
    with tf.GradientTape() as tape:
        loss = objective(tf.constant(x), *variables, tf.constant(H), lam, eps)
    gradients = tape.gradient(loss, variables)
    if all(g is None for g in gradients):
        raise TypeError("no gradient flows to W₁ or W₂: keep the work in keras.ops")
    # A weight the objective does not use (W₂ when tied to W₁) has a zero gradient.
    gradients = [tf.zeros_like(v) if g is None else g for v, g in zip(variables, gradients)]
    return {"∂L/∂W₁": gradients[0], "∂L/∂W₂": gradients[1]}


def observe(get, case, seed, index):
    rng = rng_for(seed, "tica", index)
    batch, n = case.input_shape
    k, size = case.config["features"], case.config["size"]
    lam, eps = case.config["lam"], case.config["eps"]
    x = rng.standard_normal((batch, n)).astype(np.float32)
    W1 = (rng.standard_normal((n, k)) / np.sqrt(n)).astype(np.float32)
    W2 = (rng.standard_normal((n, k)) / np.sqrt(n)).astype(np.float32)
    H = pooling(k, size)
    features, objective = get("pooled_features"), get("tica_objective")
    zero = np.zeros_like(x)
    return {
        f"{FEATURES}: p(x)": capture(features, x, W1, H, eps),
        f"{OBJECTIVE}: L": capture(objective, x, W1, W2, H, lam, eps),
        f"{GRADIENTS}: of L": capture(_loss_and_gradients, objective, x, W1, W2, H, lam, eps),
        f"{ZERO_INPUT}: p(0)": capture(features, zero, W1, H, eps),
        f"{ZERO_INPUT}: gradients of L": capture(
            _loss_and_gradients, objective, zero, W1, W2, H, lam, eps
        ),
    }
