"""Wrong sequence likelihoods and decoders, one realistic mistake each."""

import numpy as np
from keras import ops

from solutions.mistakes import known
from solutions.sequences import _log_softmax


def _parts(length_logits, digit_logits, lengths, digits, log_digits=None):
    length_logits = ops.convert_to_tensor(length_logits, "float32")
    digit_logits = ops.convert_to_tensor(digit_logits, "float32")
    positions = digit_logits.shape[1]
    lengths = ops.cast(ops.convert_to_tensor(lengths), "int32")
    digits = ops.clip(ops.cast(ops.convert_to_tensor(digits), "int32"), 0, 9)
    log_digits = ops.log_softmax(digit_logits, -1) if log_digits is None else log_digits
    picked = ops.take_along_axis(log_digits, ops.expand_dims(digits, -1), axis=-1)[..., 0]
    counted = ops.expand_dims(ops.arange(positions), 0) < ops.expand_dims(lengths, 1)
    log_length = ops.log_softmax(length_logits, -1)
    length_term = ops.take_along_axis(
        log_length, ops.expand_dims(ops.minimum(lengths, positions + 1), 1), axis=1
    )[:, 0]
    return length_term, picked, counted, positions, lengths, log_length


@known(
    "2.8",
    "past-length-counted",
    "positions past the length counted: only the first min(n, N) digits have a target; "
    "mask the others out",
    replaces="sequence_log_likelihood",
)
def counted_everywhere(length_logits, digit_logits, lengths, digits):
    length_term, picked, _, _, _, _ = _parts(length_logits, digit_logits, lengths, digits)
    return length_term + ops.sum(picked, axis=1)


@known(
    "2.8",
    "masked-by-sign",
    "positions past the length found by the digit's sign (digits >= 0): the data puts −1 "
    "there, but the docstring allows anything; mask by position < length",
    replaces="sequence_log_likelihood",
)
def masked_by_sign(length_logits, digit_logits, lengths, digits):
    length_term, picked, _, _, _, _ = _parts(length_logits, digit_logits, lengths, digits)
    written = ops.convert_to_tensor(digits) >= 0
    return length_term + ops.sum(ops.where(written, picked, 0.0), axis=1)


@known(
    "2.8",
    "no-length-head",
    "the length head left out: log P(S | X) starts with log P(L = n | X)",
    replaces="sequence_log_likelihood",
)
def without_length(length_logits, digit_logits, lengths, digits):
    _, picked, counted, _, _, _ = _parts(length_logits, digit_logits, lengths, digits)
    return ops.sum(ops.where(counted, picked, 0.0), axis=1)


@known(
    "2.8",
    "mean-over-positions",
    "the digits' log-probabilities averaged over the positions: the likelihood of the "
    "sequence is their product, so their logs add up",
    replaces="sequence_log_likelihood",
)
def averaged(length_logits, digit_logits, lengths, digits):
    length_term, picked, counted, _, _, _ = _parts(length_logits, digit_logits, lengths, digits)
    count = ops.maximum(ops.sum(ops.cast(counted, "float32"), axis=1), 1.0)
    return length_term + ops.sum(ops.where(counted, picked, 0.0), axis=1) / count


@known(
    "2.8",
    "raw-logits",
    "the digit logits used as log-probabilities: take ops.log_softmax of each head first",
    replaces="sequence_log_likelihood",
)
def raw_logits(length_logits, digit_logits, lengths, digits):
    raw = ops.convert_to_tensor(digit_logits, "float32")
    length_term, picked, counted, _, _, _ = _parts(
        length_logits, digit_logits, lengths, digits, log_digits=raw
    )
    return length_term + ops.sum(ops.where(counted, picked, 0.0), axis=1)


@known(
    "2.8",
    "long-numbers-as-N",
    "a number longer than N counted as length N: it belongs to the last class, "
    "'more than N' (index N + 1)",
    replaces="sequence_log_likelihood",
)
def capped_at_n(length_logits, digit_logits, lengths, digits):
    _, picked, counted, positions, lengths, log_length = _parts(
        length_logits, digit_logits, lengths, digits
    )
    classes = ops.expand_dims(ops.minimum(lengths, positions), 1)
    length_term = ops.take_along_axis(log_length, classes, axis=1)[:, 0]
    return length_term + ops.sum(ops.where(counted, picked, 0.0), axis=1)


def _decode_with(length_logits, digit_logits, lengths_of):
    log_length = _log_softmax(np.asarray(length_logits, np.float64))
    log_digits = _log_softmax(np.asarray(digit_logits, np.float64))
    batch, positions = log_digits.shape[:2]
    best, chosen = log_digits.max(axis=-1), log_digits.argmax(axis=-1)
    prefix = np.concatenate([np.zeros((batch, 1)), np.cumsum(best, axis=1)], axis=1)
    score = log_length[:, : positions + 1] + prefix
    lengths = lengths_of(log_length, score, positions)
    digits = np.where(np.arange(positions)[None, :] < lengths[:, None], chosen, -1)
    return lengths, digits, score[np.arange(batch), lengths]


@known(
    "2.8",
    "separate-argmax",
    "the length head's argmax taken alone: the most probable sequence maximises "
    "log P(L = n) + Σ_{i≤n} max log P(s_i) over n together",
    replaces="decode",
)
def separate_argmax(length_logits, digit_logits):
    return _decode_with(
        length_logits,
        digit_logits,
        lambda log_length, score, n: np.minimum(log_length.argmax(axis=1), n),
    )


@known(
    "2.8",
    "decode-raw-logits",
    "the lengths scored with raw logits: logits are log-probabilities only after "
    "log_softmax of each head",
    replaces="decode",
)
def raw_logit_decode(length_logits, digit_logits):
    length_logits = np.asarray(length_logits, np.float64)
    digit_logits = np.asarray(digit_logits, np.float64)
    batch, positions = digit_logits.shape[:2]
    prefix = np.concatenate(
        [np.zeros((batch, 1)), np.cumsum(digit_logits.max(axis=-1), axis=1)], axis=1
    )
    score = length_logits[:, : positions + 1] + prefix
    lengths = score.argmax(axis=1)
    digits = np.where(
        np.arange(positions)[None, :] < lengths[:, None], digit_logits.argmax(axis=-1), -1
    )
    true_score = _decode_with(length_logits, digit_logits, lambda a, s, n: lengths)[2]
    return lengths, digits, true_score


@known(
    "2.8",
    "one-position-too-many",
    "one digit too many counted: a number of length n has digits at positions 0 … n − 1, "
    "so the mask is position < n, not ≤ n",
    replaces="sequence_log_likelihood",
)
def one_too_many(length_logits, digit_logits, lengths, digits):
    length_term, picked, _, positions, lengths, _ = _parts(
        length_logits, digit_logits, lengths, digits
    )
    counted = ops.expand_dims(ops.arange(positions), 0) <= ops.expand_dims(lengths, 1)
    return length_term + ops.sum(ops.where(counted, picked, 0.0), axis=1)


@known(
    "2.8",
    "length-logits-raw",
    "the length's logit taken as a log-probability: log p(L = n) is the log-softmax of "
    "the length logits at n, like the digits'",
    replaces="sequence_log_likelihood",
)
def raw_length_logit(length_logits, digit_logits, lengths, digits):
    _, picked, counted, positions, lengths, _ = _parts(length_logits, digit_logits, lengths, digits)
    raw = ops.convert_to_tensor(length_logits, "float32")
    length_term = ops.take_along_axis(
        raw, ops.expand_dims(ops.minimum(lengths, positions + 1), 1), axis=1
    )[:, 0]
    return length_term + ops.sum(ops.where(counted, picked, 0.0), axis=1)
