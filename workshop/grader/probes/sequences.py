"""Probes of Exercise 2.8: the sequence log-likelihood (lengths of 0, within N and above
it; −1 past the length, and digits there too, as the docstring allows) and its
gradients, and decoding: on random logits, and on logits made so that the length head's
own argmax is not the most probable sequence."""

import numpy as np

from ..compare import Tolerance
from ..kinds.probe_runs import capture, gradients
from ..seeding import rng_for

TOLERANCE = Tolerance(atol=1e-5, rtol=1e-5)  # float32 Keras work
LIKELIHOOD = "log-likelihood"
GRADIENTS = "its gradients"
DECODE = "decode, random logits"
JOINT = "decode, the best length with its digits"
POINTS = {LIKELIHOOD: 3, GRADIENTS: 2, DECODE: 2, JOINT: 3}
STATISTICAL = set()


def describe(case):
    (batch,) = case.input_shape
    return f"a batch of {batch} numbers of up to N = {case.config['digits']} digits"


def labels(case):
    return [f"{LIKELIHOOD}: sequence_log_likelihood", f"{DECODE}: decode"]


def _sequences(rng, batch, positions):
    lengths = rng.integers(0, positions + 3, batch)  # 0 … N + 2: some "more than N"
    lengths[0] = positions + 2
    if batch > 1:
        lengths[-1] = 0
    digits = rng.integers(0, 10, (batch, positions))
    digits[np.arange(positions)[None, :] >= lengths[:, None]] = -1
    return lengths, digits


def _gradients(function, length_logits, digit_logits, lengths, digits):
    import tensorflow as tf

    length_logits, digit_logits = tf.constant(length_logits), tf.constant(digit_logits)
    _, (by_length, by_digit) = gradients(
        lambda: tf.reduce_sum(function(length_logits, digit_logits, lengths, digits)),
        [length_logits, digit_logits],
    )
    return {"∂/∂length_logits": by_length, "∂/∂digit_logits": by_digit}


def _uncertain_last_digit(rng, batch, positions):
    """Logits where the length head prefers n* by a little, but the n*-th digit is a
    toss-up: the most probable sequence is one digit shorter. Every head's logits are
    shifted by a constant of their own (softmax does not see it; raw logits do)."""
    length_p = np.full((batch, positions + 2), 0.25 / positions)
    digit_p = np.full((batch, positions, 10), 0.05 / 9)
    best = rng.integers(0, 10, (batch, positions))
    np.put_along_axis(digit_p, best[..., None], 0.95, axis=-1)
    for row in range(batch):
        n = int(rng.integers(1, positions + 1))
        length_p[row, n], length_p[row, n - 1] = 0.4, 0.35
        digit_p[row, n - 1] = 0.1  # the n-th digit: flat
    length_p /= length_p.sum(axis=1, keepdims=True)
    length_logits = np.log(length_p) + rng.normal(0, 3, (batch, 1))
    digit_logits = np.log(digit_p) + rng.normal(0, 3, (batch, positions, 1))
    return length_logits.astype(np.float32), digit_logits.astype(np.float32)


def observe(get, case, seed, index):
    rng = rng_for(seed, "sequences", index)
    (batch,), positions = case.input_shape, case.config["digits"]
    length_logits = (2 * rng.standard_normal((batch, positions + 2))).astype(np.float32)
    digit_logits = (2 * rng.standard_normal((batch, positions, 10))).astype(np.float32)
    lengths, digits = _sequences(rng, batch, positions)
    likelihood, decode = get("sequence_log_likelihood"), get("decode")
    crafted = _uncertain_last_digit(rng, batch, positions)
    # The docstring allows anything past the length, not only −1: digits there too.
    anything = np.where(digits >= 0, digits, rng.integers(0, 10, digits.shape))
    return {
        f"{LIKELIHOOD}: sequence_log_likelihood": capture(
            likelihood, length_logits, digit_logits, lengths, digits
        ),
        f"{LIKELIHOOD}: sequence_log_likelihood, digits (not −1) past the length": capture(
            likelihood, length_logits, digit_logits, lengths, anything
        ),
        f"{GRADIENTS}: of Σ log P(S | X)": capture(
            _gradients, likelihood, length_logits, digit_logits, lengths, digits
        ),
        f"{DECODE}: decode": capture(decode, length_logits, digit_logits),
        f"{JOINT}: decode, a toss-up for the last digit": capture(decode, *crafted),
    }
