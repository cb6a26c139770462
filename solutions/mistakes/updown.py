"""Wrong pieces of the up-down algorithm, one realistic mistake each."""

import types

import numpy as np

import solutions.updown as reference
from solutions.mistakes import known
from solutions.updown import (
    sample,
    sigmoid,
    sleep_pass,
    top_hidden_probs,
    top_level_cd,
    wake_pass,
)


def _with(**wrong):
    """The reference's functions with some replaced by wrong ones: every function that
    calls a replaced one, however deep, calls the wrong one, as in a student's module."""
    namespace = dict(vars(reference))
    for name, value in vars(reference).items():
        if isinstance(value, types.FunctionType) and value.__module__ == reference.__name__:
            namespace[name] = types.FunctionType(
                value.__code__, namespace, name, value.__defaults__, value.__closure__
            )
    namespace.update(wrong)
    return types.SimpleNamespace(**namespace)


@known(
    "3.8",
    "untied-by-view",
    "untie without copies: W.T is a view of the RBM's W, the same memory, so the "
    "generative weights stay tied to the recognition weights and to the RBM (an update "
    "in place of one changes the others); copy each, W.T.copy()",
    replaces="untie",
)
def untie_by_reference(rbms):
    """The arrays themselves, as `for W, b, c in rbms: (W, c), (W.T, b)` gives them."""
    recognition = [(W, c) for W, b, c in rbms[:-1]]
    generative = [(W.T, b) for W, b, c in rbms[:-1]]
    return {"recognition": recognition, "generative": generative, "top": tuple(rbms[-1])}


def top_hidden_probs_of_pen_alone(top, pen, labels):
    """σ(c + h_L W) with only the penultimate rows of W."""
    W, b, c = top
    return sigmoid(c + pen @ W[: np.shape(pen)[1]])


LabelsLeftOut = known(
    "3.8",
    "labels-left-out",
    "the label units are left out of the top RBM: its visible layer is [h_L, y], "
    "p(t_j = 1 | h_L, y) = σ(c_j + ([h_L, y] W)_j), the label rows of W included; without "
    "them the top RBM learns nothing of the classes",
    replaces=("top_hidden_probs", "wake_pass", "top_level_cd", "up_down_step"),
)(_with(top_hidden_probs=top_hidden_probs_of_pen_alone))


def top_visible_probs_all_logistic(top, top_states, n_classes):
    """σ of every visible unit, the labels too."""
    W, b, c = top
    x = sigmoid(b + top_states @ W.T)
    return x[:, :-n_classes], x[:, -n_classes:]


LabelsLogistic = known(
    "3.8",
    "labels-logistic",
    "the label units are logistic: they are one softmax group (one label on at a time), "
    "p(y = k | t) = softmax(b_label + t W_labelᵀ)_k",
    replaces=("top_visible_probs", "top_level_cd", "up_down_step"),
)(_with(top_visible_probs=top_visible_probs_all_logistic))


def wake_pass_of_probabilities(params, v, labels, rng):
    """σ(r + h R) passed up unsampled; only the top sampled."""
    states = [np.asarray(v, dtype=np.float64)]
    for R, r in params["recognition"]:
        states.append(sigmoid(r + states[-1] @ R))
    return states, sample(top_hidden_probs(params["top"], states[-1], labels), rng)


WakeNotSampled = known(
    "3.8",
    "wake-not-sampled",
    "the wake pass carries probabilities up: each layer's binary states are sampled, "
    "h_l = sample(σ(r_l + h_{l−1} R_l)), one draw per layer, as the up-down algorithm's "
    "wake phase does",
    replaces=("wake_pass", "up_down_step"),
)(_with(wake_pass=wake_pass_of_probabilities))


def top_level_cd_with_probabilities(top, pen, labels, top_states, k, rng):
    """Exercise 3.5's habit: hidden probabilities in both phases' statistics."""
    grads, (pen_k, labels_k, chain) = top_level_cd(top, pen, labels, top_states, k, rng)
    positive = np.concatenate([pen, labels], axis=1)
    negative = np.concatenate([pen_k, labels_k], axis=1)
    p_positive = top_hidden_probs(top, pen, labels)
    p_negative = top_hidden_probs(top, pen_k, labels_k)
    n = len(positive)
    grads = {
        "kernel": (positive.T @ p_positive - negative.T @ p_negative) / n,
        "visible_bias": np.mean(positive - negative, axis=0),
        "hidden_bias": np.mean(p_positive - p_negative, axis=0),
    }
    return grads, (pen_k, labels_k, chain)


TopStatisticsFromProbabilities = known(
    "3.8",
    "top-statistics-from-probabilities",
    "the top RBM's statistics use p(t | ·) where the up-down algorithm (Appendix B) uses "
    "the binary top states t and t̃: zᵀ t − z̃ᵀ t̃",
    replaces=("top_level_cd", "up_down_step"),
)(_with(top_level_cd=top_level_cd_with_probabilities))


def _step(
    params, v, labels, rate, k, rng, *, tied=False, from_wake=False, swapped=False, n=None, sign=1
):
    """The reference's step with one thing changed: `tied` (the down pass and the
    generative predictions with R_lᵀ), `from_wake` (the sleep pass from the wake's h_L),
    `swapped` (the wake states train the recognition weights and the sleep states the
    generative ones), `n` (the divisor of the batch's sums), `sign` (of the top's step)."""
    labels = np.asarray(labels, dtype=np.float64)
    wake, top_states = wake_pass(params, v, labels, rng)
    grads, (pen_k, _, _) = top_level_cd(params["top"], wake[-1], labels, top_states, k, rng)
    down = tied_sleep_pass if tied else sleep_pass
    dream = down(params, wake[-1] if from_wake else pen_k, rng)
    n = len(wake[0]) if n is None else n
    up_states, down_states = (dream, wake) if swapped else (wake, dream)
    generative = []
    for l, ((G, g), (R, _)) in enumerate(zip(params["generative"], params["recognition"]), 1):
        error = up_states[l - 1] - sigmoid(g + up_states[l] @ (R.T if tied else G))
        generative.append((G + rate * up_states[l].T @ error / n, g + rate * error.sum(0) / n))
    recognition = []
    for l, (R, r) in enumerate(params["recognition"], start=1):
        error = down_states[l] - sigmoid(r + down_states[l - 1] @ R)
        recognition.append(
            (R + rate * down_states[l - 1].T @ error / n, r + rate * error.sum(0) / n)
        )
    W, b, c = params["top"]
    top = (
        W + sign * rate * grads["kernel"],
        b + sign * rate * grads["visible_bias"],
        c + sign * rate * grads["hidden_bias"],
    )
    return {"recognition": recognition, "generative": generative, "top": top}


def tied_sleep_pass(params, pen, rng):
    """The down pass with the recognition weights transposed, as before untying."""
    states = [np.asarray(pen, dtype=np.float64)]
    pairs = list(zip(params["recognition"], params["generative"]))
    for depth, ((R, _), (_, g)) in enumerate(reversed(pairs)):
        probs = sigmoid(g + states[0] @ R.T)
        states.insert(0, probs if depth == len(pairs) - 1 else sample(probs, rng))
    return states


TiedWeights = known(
    "3.8",
    "tied-weights-kept",
    "the weights are still tied: the sleep pass and the wake phase's predictions go down "
    "with R_lᵀ; after pre-training the generative weights G_l are their own (eq. 3.23), "
    "and the down pass uses them, h̃_{l−1} ~ σ(g_l + h̃_l G_l)",
    replaces=("sleep_pass", "up_down_step"),
)(
    types.SimpleNamespace(
        sleep_pass=tied_sleep_pass,
        up_down_step=lambda *args: _step(*args, tied=True),
    )
)


@known(
    "3.8",
    "roles-swapped",
    "the updates' roles are swapped: the wake phase (states from the data, up the "
    "recognition weights) trains the generative weights, G_l += ε h_lᵀ (h_{l−1} − "
    "σ(g_l + h_l G_l)); the sleep phase (a fantasy, down the generative weights) trains "
    "the recognition weights. Each layer's states were drawn from the very prediction "
    "the swapped rule corrects, so its updates average zero",
    replaces="up_down_step",
)
def up_down_step_roles_swapped(params, v, labels, rate, k, rng):
    return _step(params, v, labels, rate, k, rng, swapped=True)


@known(
    "3.8",
    "sleep-from-data",
    "the sleep phase starts from the data: its h̃_L is the top-level chain's end (a "
    "fantasy of the model), not the wake's h_L; from the data the recognition weights "
    "learn to invert the generative model only where the data are",
    replaces="up_down_step",
)
def up_down_step_sleeping_from_data(params, v, labels, rate, k, rng):
    return _step(params, v, labels, rate, k, rng, from_wake=True)


@known(
    "3.8",
    "updates-summed",
    "the updates are summed over the batch: average them (divide by N), or the step "
    "grows with the batch's size",
    replaces="up_down_step",
)
def up_down_step_summed(params, v, labels, rate, k, rng):
    return _step(params, v, labels, rate, k, rng, n=1)


@known(
    "3.8",
    "top-update-descends",
    "the top RBM steps down its CD estimate: the estimates are positive minus negative "
    'statistics, the likelihood\'s ascent, W += ε grads["kernel"]',
    replaces="up_down_step",
)
def up_down_step_top_descending(params, v, labels, rate, k, rng):
    return _step(params, v, labels, rate, k, rng, sign=-1)
