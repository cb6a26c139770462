"""Wrong versions of rnn_forward and bptt, one realistic mistake each."""

import functools

import numpy as np

from solutions.mistakes import known
from solutions.rnn import rnn_forward


def _bptt(
    x,
    targets,
    h0,
    U,
    W,
    b,
    V,
    c,
    *,
    carry=True,
    full_tanh=True,
    transpose_dW=False,
    h0_gradient=True,
    sign=1.0,
    mean=False,
    sum_bias=True,
    dW_from_current=False,
    carry_skips_tanh=False,
    forward=rnn_forward,
):
    x = np.asarray(x, dtype=np.float64)
    h, y_hat = forward(x, h0, U, W, b, V, c)
    batch, steps = targets.shape
    rows, times = np.arange(batch)[:, None], np.arange(steps)[None, :]
    loss = float(-np.log(y_hat[rows, times, targets]).sum())
    d_o = y_hat.copy()
    d_o[rows, times, targets] -= 1.0
    d_o *= sign
    if mean:  # averaged over batch and time instead of summed
        loss /= batch * steps
        d_o /= batch * steps
    grads = {
        n: np.zeros_like(np.asarray(p, dtype=np.float64))
        for n, p in (("U", U), ("W", W), ("b", b), ("V", V), ("c", c))
    }
    h_from_later = np.zeros_like(h[:, 0])
    for t in reversed(range(steps)):
        h_before = h[:, t - 1] if t > 0 else np.asarray(h0, dtype=np.float64)
        grads["V"] += h[:, t].T @ d_o[:, t]
        grads["c"] += d_o[:, t].sum(axis=0)
        d_h = d_o[:, t] @ np.asarray(V).T + (h_from_later if carry else 0.0)
        d_a = d_h * ((1.0 - h[:, t] ** 2) if full_tanh else (1.0 - h[:, t]))
        grads["U"] += x[:, t].T @ d_a
        h_into_W = h[:, t] if dW_from_current else h_before
        grads["W"] += (d_a.T @ h_into_W) if transpose_dW else (h_into_W.T @ d_a)
        grads["b"] = grads["b"] + (d_a.sum(axis=0) if sum_bias else d_a)
        h_from_later = (d_h if carry_skips_tanh else d_a) @ np.asarray(W).T
    grads["h0"] = h_from_later if h0_gradient else np.zeros_like(h_from_later)
    return loss, grads


no_carry = known(
    "3.2",
    "no-carry",
    "BPTT without the gradient from later steps: ∂L/∂h(t) also gets δh(t+1) = ∂L/∂a(t+1) Wᵀ",
)(functools.partial(_bptt, carry=False))
tanh_derivative = known("3.2", "tanh-derivative", "tanh'(a) is 1 − h², not 1 − h")(
    functools.partial(_bptt, full_tanh=False)
)
transposed_dW = known("3.2", "transposed-dW", "∂L/∂W transposed: it is Σ_t h(t−1)ᵀ ∂L/∂a(t)")(
    functools.partial(_bptt, transpose_dW=True)
)
no_h0_gradient = known(
    "3.2", "no-h0-gradient", "∂L/∂h(0) missing: it is the δh carried out of step 1"
)(functools.partial(_bptt, h0_gradient=False))
ascent = known("3.2", "ascent", "sign flipped: ∂L/∂o(t) = ŷ(t) − onehot, not onehot − ŷ(t)")(
    functools.partial(_bptt, sign=-1.0)
)
mean_loss = known(
    "3.2", "mean-loss", "loss averaged: the notes' L sums over time (and here over the batch)"
)(functools.partial(_bptt, mean=True))
unsummed_bias = known(
    "3.2", "unsummed-bias", "∂L/∂b kept per example: sum ∂L/∂a(t) over the batch too"
)(functools.partial(_bptt, sum_bias=False))


@known(
    "3.2",
    "softmax-over-time",
    "softmax over the time steps: normalise over the classes (the last axis)",
    replaces="rnn_forward",
)
def softmax_over_time(x, h0, U, W, b, V, c):
    """Normalises each output over the time steps instead of over the classes."""
    h, _ = rnn_forward(x, h0, U, W, b, V, c)
    o = c + h @ np.asarray(V)
    o = o - o.max(axis=1, keepdims=True)
    return h, np.exp(o) / np.exp(o).sum(axis=1, keepdims=True)


@known(
    "3.2",
    "forward-no-recurrence",
    "rnn_forward ignores h(t−1): a(t) = b + h(t−1) W + x(t) U",
    replaces="rnn_forward",
)
def no_recurrence(x, h0, U, W, b, V, c):
    """Each step ignores h(t−1)."""
    return rnn_forward(x, np.zeros_like(np.asarray(h0)), U, np.zeros_like(np.asarray(W)), b, V, c)


dW_from_current = known(
    "3.2",
    "dW-from-h(t)",
    "∂L/∂W from the wrong state: W multiplies h(t−1) in a(t), so ∂L/∂W = Σ_t h(t−1)ᵀ ∂L/∂a(t)",
)(functools.partial(_bptt, dW_from_current=True))
carry_skips_tanh = known(
    "3.2",
    "carry-skips-tanh",
    "the carried gradient skips tanh': what goes back to h(t−1) is ∂L/∂a(t) Wᵀ, with "
    "∂L/∂a(t) = ∂L/∂h(t) ⊙ (1 − h(t)²), not ∂L/∂h(t) Wᵀ",
)(functools.partial(_bptt, carry_skips_tanh=True))


@known(
    "3.2",
    "softmax-over-batch",
    "softmax over the examples: normalise each output over the classes (the last axis), "
    "not over the batch",
    replaces="rnn_forward",
)
def softmax_over_batch(x, h0, U, W, b, V, c):
    """Divides by the sum over the batch instead of over the classes (the shift by each
    row's largest output kept, as a student who changed only the sum's axis has it)."""
    h, _ = rnn_forward(x, h0, U, W, b, V, c)
    o = c + h @ np.asarray(V)
    o = o - o.max(axis=-1, keepdims=True)
    return h, np.exp(o) / np.exp(o).sum(axis=0, keepdims=True)
