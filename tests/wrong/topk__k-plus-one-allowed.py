# exercise: topk (2.7)
# family: off-by-one
# mistake: You accept an example when k classes are more probable than its label (<= k); it is in the top k only when fewer than k are (< k).
"""Exercise 2.7: top-k accuracy, the measure of ImageNet's results."""

import numpy as np


def top_k_accuracy(probabilities, labels, k):
    """The share of examples whose true class is among the k most probable: KSH's
    top-5 error is 1 − top_k_accuracy(p, y, 5) (notes §2.2; Krizhevsky et al. 2012, §2
    and Table 1: 37.5% top-1 and 17.0% top-5 error on ILSVRC-2010).

        top-k accuracy = (1/N) Σ_n [ #{c : p[n, c] > p[n, y_n]} < k ]

    Example n counts when fewer than k classes are *strictly* more probable than its
    label. So a class tied with the label never pushes it out: where classes tie at the
    k-th place, the label is in the top k if its probability is among the tied values.
    This is `tf.math.in_top_k`'s rule; sorting and keeping k indices (`argsort`,
    `ops.top_k`) breaks ties by position instead, and gets them wrong.

    Args:
        probabilities: `(N, C)` array-like (NumPy, a tensor or nested lists) of
            probabilities, or any scores: only their order within a row matters.
        labels: `(N,)` array-like of ints in [0, C).
        k: int ≥ 1. With k ≥ C every example counts.

    Returns:
        A float in [0, 1].

    Example:
    >>> import numpy as np
    >>> p = np.array([[0.1, 0.6, 0.3], [0.4, 0.2, 0.4], [0.5, 0.25, 0.25]])
    >>> round(float(top_k_accuracy(p, [2, 2, 1], k=1)), 4)  # p[1]: 0.4 ties for first
    0.3333
    >>> float(top_k_accuracy(p, [2, 2, 1], k=2))  # p[2]: 0.25 ties for second
    1.0
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    labels = np.asarray(labels).astype(np.int64)
    own = probabilities[np.arange(len(labels)), labels]
    higher = np.sum(probabilities > own[:, None], axis=1)
    return float(np.mean(higher <= k))
