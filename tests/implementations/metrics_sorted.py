"""Exercise 2.7: top-k accuracy, the measure of ImageNet's results.

Only what a student writes: tests/splice.py lays it over the current stub."""


def top_k_accuracy(probabilities, labels, k):
    # The k-th largest value of each row is the bar: the label is in the top k when its
    # own probability reaches it (a tie at the bar counts).
    scores = np.array(probabilities, dtype=float)
    classes = scores.shape[1]
    bar = -np.sort(-scores, axis=1)[:, min(k, classes) - 1]
    hits = 0
    for row, label in enumerate(labels):
        if scores[row, int(label)] >= bar[row]:
            hits += 1
    return hits / len(scores)
