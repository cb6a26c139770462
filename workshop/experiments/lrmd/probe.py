"""What the unsupervised features are worth with few labels: a linear probe (logistic
regression on frozen features) with 1, 5 or all labels per class, and LRMD's test of a
single unit (its "face neuron"): how well one unit's activation, thresholded, tells one
class from the rest."""

import numpy as np


def labelled_subset(labels, per_class, rng):
    """Indices of `per_class` examples of every class (all of them when None)."""
    if per_class is None:
        return np.arange(len(labels))
    return np.concatenate(
        [
            rng.choice(np.flatnonzero(labels == c), per_class, replace=False)
            for c in np.unique(labels)
        ]
    )


def linear_probe(train_x, train_y, test_x, test_y, per_class, draws, seed):
    """Test accuracy (mean and standard deviation over `draws` labelled subsets) of a
    logistic regression trained on `per_class` labels per class. The features are
    standardised with statistics of all training inputs: that needs no labels."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(train_x)
    train_x, test_x = scaler.transform(train_x), scaler.transform(test_x)
    rng = np.random.default_rng(seed)
    scores = []
    for _ in range(1 if per_class is None else draws):
        chosen = labelled_subset(train_y, per_class, rng)
        model = LogisticRegression(C=0.1, max_iter=2000)
        model.fit(train_x[chosen], train_y[chosen])
        scores.append(model.score(test_x, test_y))
    return float(np.mean(scores)), float(np.std(scores))


def best_single_units(chosen_on, chosen_labels, test, test_labels):
    """For each class, the unit whose thresholded activation best tells that class from
    the others, by balanced accuracy (LRMD's measure for the face neuron, on a set
    balanced between faces and distractors). Unit and threshold are chosen on one split
    (`chosen_on`, validation) and scored on another (`test`): among thousands of units
    one fits any small set by chance. Returns {class: (unit, test balanced accuracy)}."""
    order = np.argsort(chosen_on, axis=0)  # (n, units): examples by activation
    ranked = np.take_along_axis(chosen_on, order, axis=0)
    best = {}
    for c in np.unique(chosen_labels):
        positive = (chosen_labels == c)[order]  # (n, units), in activation order
        positives, negatives = positive.sum(axis=0), (~positive).sum(axis=0)
        # Threshold just above the i-th lowest activation: "this class" above it.
        true_positive_rate = (positives - np.cumsum(positive, axis=0)) / positives
        true_negative_rate = np.cumsum(~positive, axis=0) / negatives
        balanced = (true_positive_rate + true_negative_rate) / 2
        # A cut inside a run of equal activations cannot be a threshold: only cuts
        # between two different values (or above the largest) count.
        distinct = np.ones_like(balanced, dtype=bool)
        distinct[:-1] = ranked[1:] > ranked[:-1]
        balanced = np.where(distinct, balanced, -np.inf)
        unit = int(np.argmax(balanced.max(axis=0)))
        i = int(np.argmax(balanced[:, unit]))
        if i + 1 < len(ranked):
            threshold = (ranked[i, unit] + ranked[i + 1, unit]) / 2
        else:  # above the largest: "this class" nowhere
            threshold = ranked[i, unit]
        predicted, actual = test[:, unit] > threshold, test_labels == c
        score = (np.mean(predicted[actual]) + np.mean(~predicted[~actual])) / 2
        best[int(c)] = (unit, float(score))
    return best
