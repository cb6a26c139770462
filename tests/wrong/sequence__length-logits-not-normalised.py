# exercise: sequence (2.8)
# family: wrong normalisation
# mistake: You add the raw length logit instead of its log-softmax, so the length term is not a log-probability.
"""Exercise 2.8: reading a whole number at once, Goodfellow et al.'s sequence model."""

import numpy as np
from keras import ops


def sequence_log_likelihood(length_logits, digit_logits, lengths, digits):
    """The log-likelihood of a digit sequence under a network with one softmax for the
    length and one per digit position (notes §2.4; Goodfellow et al. 2013, §3):

        log P(S | X) = log P(L = n | X) + Σ_{i=1}^{min(n, N)} log P(s_i | X)

    where S = (n, s_1, …, s_n). The length softmax has N + 2 classes: 0, 1, …, N digits,
    and a last class, N + 1, for "more than N"; a longer number goes to that class, and
    only its first N digits count. Positions at or past the length are never read: the
    data puts −1 there. Each head is a softmax of its logits (take `ops.log_softmax`).
    Training maximises the mean of this over the batch (the loss is its negative).

    Args:
        length_logits: `(B, N + 2)` logits of the length head.
        digit_logits: `(B, N, 10)` logits of the N digit heads.
        lengths: `(B,)` ints ≥ 0, each number's length (above N allowed).
        digits: `(B, N)` ints: the digits, −1 (or anything) from the length on.

    Returns:
        `(B,)` float32 tensor, log P(S | X) per example (gradients flow to both logits).

    Example:
    >>> flat = np.zeros((1, 4), "float32")  # N = 2: lengths 0, 1, 2, more
    >>> digit_logits = np.zeros((1, 2, 10), "float32")
    >>> value = sequence_log_likelihood(flat, digit_logits, [1], [[7, -1]])
    >>> round(float(value[0]), 4), round(float(np.log(1 / 4) + np.log(1 / 10)), 4)
    (-3.6889, -3.6889)
    """
    length_logits = ops.convert_to_tensor(length_logits, "float32")
    digit_logits = ops.convert_to_tensor(digit_logits, "float32")
    positions = digit_logits.shape[1]
    lengths = ops.cast(ops.convert_to_tensor(lengths), "int32")
    digits = ops.cast(ops.convert_to_tensor(digits), "int32")
    length_class = ops.minimum(lengths, positions + 1)
    log_length = length_logits
    log_p_length = ops.take_along_axis(log_length, ops.expand_dims(length_class, 1), axis=1)
    log_digits = ops.log_softmax(digit_logits, axis=-1)
    # −1 past the length: any valid index will do, the mask drops it.
    safe = ops.clip(digits, 0, 9)
    picked = ops.take_along_axis(log_digits, ops.expand_dims(safe, -1), axis=-1)[..., 0]
    counted = ops.expand_dims(ops.arange(positions), 0) < ops.expand_dims(lengths, 1)
    return log_p_length[:, 0] + ops.sum(ops.where(counted, picked, 0.0), axis=1)


def _log_softmax(logits):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def decode(length_logits, digit_logits):
    """The most probable sequence (Goodfellow et al. 2013, §3: "we can maximize the
    log-probability of the sequence … by taking the argmax of each digit classifier
    together with a length"): for every length n = 0, …, N, the best digits at
    positions 1…n are each head's argmax, and the sequence's log-probability is

        score(n) = log P(L = n | X) + Σ_{i=1}^{n} max_d log P(s_i = d | X)

    The answer is the n with the highest score (ties to the shorter), with its digits.
    The "more than N" class cannot be written out, so it is never the answer. Taking
    the length head's argmax alone is not the same: a length whose extra digit is
    uncertain can lose to a shorter one.

    Args:
        length_logits: `(B, N + 2)` array-like. digit_logits: `(B, N, 10)` array-like.

    Returns:
        (lengths, digits, log_probability): NumPy arrays `(B,)` int64 in 0…N,
        `(B, N)` int64 with −1 from the length on, and `(B,)` float64, the chosen
        sequence's score (a confidence to threshold, as in the paper's coverage curve).

    Example:
    >>> length_logits = np.log([[0.01, 0.44, 0.55, 1e-9]])  # length 2 most likely alone
    >>> digit_logits = np.log([[[0.9] + [0.1 / 9] * 9, [0.1] * 10]])  # digit 2 uncertain
    >>> n, d, score = decode(length_logits, digit_logits)
    >>> int(n[0]), d[0].tolist(), round(float(np.exp(score[0])), 3)
    (1, [0, -1], 0.396)
    """
    log_length = _log_softmax(np.asarray(length_logits, np.float64))
    log_digits = _log_softmax(np.asarray(digit_logits, np.float64))
    batch, positions = log_digits.shape[:2]
    best, chosen = log_digits.max(axis=-1), log_digits.argmax(axis=-1)
    prefix = np.concatenate([np.zeros((batch, 1)), np.cumsum(best, axis=1)], axis=1)
    score = log_length[:, : positions + 1] + prefix
    lengths = score.argmax(axis=1)
    digits = np.where(np.arange(positions)[None, :] < lengths[:, None], chosen, -1)
    return lengths.astype(np.int64), digits.astype(np.int64), score[np.arange(batch), lengths]
