"""Probes of Exercise 2.7: top-k accuracy on continuous probabilities, on scores with
many ties at the k-th place (where sorting and keeping k indices goes wrong), and at
the edges: k = 1 against the argmax, k = C, and inputs given as Python lists."""

import numpy as np

from ..compare import Tolerance
from ..kinds.probe_runs import capture
from ..seeding import rng_for

TOLERANCE = Tolerance(atol=1e-9, rtol=0.0)  # a fraction of whole examples
TOP_K = "top-k accuracy"
TIES = "ties at the k-th place"
EDGES = "k = 1, k = C, lists"
POINTS = {TOP_K: 4, TIES: 3, EDGES: 3}
STATISTICAL = set()


def labels(case):
    return [f"{TOP_K}: k = {case.config['k']}", f"{TIES}: k = {case.config['k']}"]


def _softmax(logits):
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def observe(get, case, seed, index):
    rng = rng_for(seed, "topk", index)
    (batch,) = case.input_shape
    classes, k = case.config["classes"], case.config["k"]
    probabilities = _softmax(2.0 * rng.standard_normal((batch, classes))).astype(np.float32)
    # Half the labels are the most probable class, so accuracy is far from k / C.
    labels_ = np.where(
        rng.random(batch) < 0.5, probabilities.argmax(axis=1), rng.integers(0, classes, batch)
    )
    # Scores on three levels: most rows tie at the k-th place.
    tied = rng.integers(0, 3, (batch, classes)).astype(np.float32)
    top_k = get("top_k_accuracy")
    return {
        f"{TOP_K}: k = {k}": capture(top_k, probabilities, labels_, k),
        f"{TIES}: k = {k}": capture(top_k, tied, labels_, k),
        f"{TIES}: every class tied": capture(top_k, np.ones_like(tied), labels_, k),
        f"{EDGES}: k = 1": capture(top_k, probabilities, labels_, 1),
        f"{EDGES}: k = C": capture(top_k, probabilities, labels_, classes),
        f"{EDGES}: lists in": capture(top_k, probabilities.tolist(), labels_.tolist(), k),
    }
