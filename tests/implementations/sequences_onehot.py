"""Exercise 2.8: reading a whole number at once, Goodfellow et al.'s sequence model.

Only what a student writes: tests/splice.py lays it over the current stub."""


def sequence_log_likelihood(length_logits, digit_logits, lengths, digits):
    n_max = ops.shape(digit_logits)[1]
    lengths = ops.convert_to_tensor(lengths, dtype="int32")
    length_class = ops.where(lengths > n_max, n_max + 1, lengths)
    length_lp = ops.log_softmax(ops.cast(length_logits, "float32"))
    total = ops.sum(length_lp * ops.one_hot(length_class, n_max + 2), axis=1)
    digit_lp = ops.log_softmax(ops.cast(digit_logits, "float32"))
    digits = ops.convert_to_tensor(digits, dtype="int32")
    for i in range(n_max):
        wanted = ops.one_hot(ops.maximum(digits[:, i], 0), 10)
        term = ops.sum(digit_lp[:, i, :] * wanted, axis=1)
        total = total + ops.where(lengths > i, term, ops.zeros_like(term))
    return total


def decode(length_logits, digit_logits):
    lengths_lp = np.array(ops.log_softmax(ops.convert_to_tensor(length_logits, "float64")))
    digits_lp = np.array(ops.log_softmax(ops.convert_to_tensor(digit_logits, "float64")))
    batch, n_max, _ = digits_lp.shape
    best_lengths = np.zeros(batch, dtype=np.int64)
    best_digits = np.full((batch, n_max), -1, dtype=np.int64)
    best_scores = np.zeros(batch)
    for b in range(batch):
        score, top_score, top_n = lengths_lp[b, 0], lengths_lp[b, 0], 0
        for n in range(1, n_max + 1):
            score = score - lengths_lp[b, n - 1] + lengths_lp[b, n] + digits_lp[b, n - 1].max()
            if score > top_score:
                top_score, top_n = score, n
        best_lengths[b], best_scores[b] = top_n, top_score
        best_digits[b, :top_n] = digits_lp[b, :top_n].argmax(axis=1)
    return best_lengths, best_digits, best_scores
