"""Wrong top-k accuracies, one realistic mistake each."""

import numpy as np

from solutions.mistakes import known


def _arrays(probabilities, labels):
    return np.asarray(probabilities, dtype=np.float64), np.asarray(labels).astype(np.int64)


def _share_picked(probabilities, labels, pick):
    """The share of examples whose label is among the classes `pick(p)` keeps per row."""
    probabilities, labels = _arrays(probabilities, labels)
    return float(np.mean(np.any(pick(probabilities) == labels[:, None], axis=1)))


def _higher(probabilities, labels):
    """Per example, how many classes are strictly more probable than its label."""
    probabilities, labels = _arrays(probabilities, labels)
    own = probabilities[np.arange(len(labels)), labels]
    return np.sum(probabilities > own[:, None], axis=1)


TIES_BY_POSITION = (
    "ties broken by position: keeping the k indices of argsort (or ops.top_k) leaves out "
    "a label tied with the k-th largest; count the classes strictly more probable than "
    "the label instead"
)


@known("2.7", "ties-by-position", TIES_BY_POSITION)
def top_k_by_indices(probabilities, labels, k):
    """ops.top_k's order: of tied classes, the lower index first."""
    return _share_picked(
        probabilities, labels, lambda p: np.argsort(-p, axis=1, kind="stable")[:, :k]
    )


@known("2.7", "ties-by-position-last", TIES_BY_POSITION)
def top_k_by_last_indices(probabilities, labels, k):
    """np.argsort(p)[:, -k:]: of tied classes, the higher index first."""
    return _share_picked(
        probabilities, labels, lambda p: np.argsort(p, axis=1, kind="stable")[:, -k:]
    )


@known("2.7", "ties-by-position-default-sort", TIES_BY_POSITION)
def top_k_by_default_sort(probabilities, labels, k):
    """np.argsort(-p)[:, :k] with NumPy's default (unstable) sort."""
    return _share_picked(probabilities, labels, lambda p: np.argsort(-p, axis=1)[:, :k])


@known("2.7", "ties-by-position-default-sort-last", TIES_BY_POSITION)
def top_k_by_default_sort_last(probabilities, labels, k):
    """np.argsort(p)[:, -k:] with NumPy's default (unstable) sort."""
    return _share_picked(probabilities, labels, lambda p: np.argsort(p, axis=1)[:, -k:])


@known(
    "2.7",
    "ties-against-the-label",
    "ties counted against the label: a class exactly as probable as the label does not "
    "push it out; count only the strictly more probable ones (>, not >=)",
)
def top_k_ties_against(probabilities, labels, k):
    probabilities, labels = _arrays(probabilities, labels)
    own = probabilities[np.arange(len(labels)), labels]
    at_least = np.sum(probabilities >= own[:, None], axis=1) - 1  # the label itself out
    return float(np.mean(at_least < k))


@known(
    "2.7",
    "one-too-many",
    "k + 1 places counted: the label is in the top k when at most k − 1 classes are "
    "more probable (< k, not <= k)",
)
def top_k_plus_one(probabilities, labels, k):
    return float(np.mean(_higher(probabilities, labels) <= k))


@known(
    "2.7",
    "smallest-k",
    "the k least probable classes: argsort sorts in ascending order; take the k largest",
)
def top_k_smallest(probabilities, labels, k):
    return _share_picked(probabilities, labels, lambda p: np.argsort(p, axis=1)[:, :k])


@known(
    "2.7",
    "count-not-share",
    "a count, not a share: divide the number of examples in the top k by N",
)
def top_k_count(probabilities, labels, k):
    return float(np.sum(_higher(probabilities, labels) < k))


@known(
    "2.7",
    "percent-not-share",
    "a percentage, not a share: return the fraction in [0, 1] (0.375, not 37.5)",
)
def top_k_percent(probabilities, labels, k):
    return 100.0 * float(np.mean(_higher(probabilities, labels) < k))


@known(
    "2.7",
    "k-ignored",
    "k ignored: that is top-1 accuracy (the argmax equal to the label)",
)
def top_k_ignored(probabilities, labels, k):
    probabilities, labels = _arrays(probabilities, labels)
    return float(np.mean(probabilities.argmax(axis=1) == labels))


@known(
    "2.7",
    "lists-not-converted",
    "fails on Python lists: convert the inputs first (np.asarray or ops.convert_to_tensor), "
    "lists have no p[rows, labels] indexing",
    diagnosed=False,  # it raises: the check shows the error at the student's own line
)
def top_k_unconverted(probabilities, labels, k):
    own = probabilities[np.arange(len(labels)), labels]
    return float(np.mean(np.sum(probabilities > own[:, None], axis=1) < k))
