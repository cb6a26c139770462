"""Exercise 3.8: one up-down (contrastive wake-sleep) step for a DBN with label units.

Only what a student writes: tests/splice.py lays it over the current stub. Written from
the notes (§3.3.2) and Hinton, Osindero & Teh's Appendix B, with named layers
(`vishid`-style pairs) and explicit per-layer lists where the reference indexes."""

import copy


def untie(rbms):
    *directed, top_rbm = rbms
    up, down = [], []
    for weights, visible_bias, hidden_bias in directed:
        up.append((np.array(weights, dtype=float), np.array(hidden_bias, dtype=float)))
        down.append((np.array(np.transpose(weights), dtype=float), np.array(visible_bias, float)))
    W, b, c = (np.array(x, dtype=float) for x in top_rbm)
    return {"recognition": up, "generative": down, "top": (W, b, c)}


def top_hidden_probs(top, pen, labels):
    W, _, c = top
    n_pen = np.shape(pen)[1]
    field = c + np.dot(pen, W[:n_pen]) + np.dot(labels, W[n_pen:])
    return sigmoid(field)


def top_visible_probs(top, top_states, n_classes):
    W, b, _ = top
    n_pen = W.shape[0] - n_classes
    pen_field = b[:n_pen] + np.dot(top_states, W[:n_pen].T)
    label_field = b[n_pen:] + np.dot(top_states, W[n_pen:].T)
    return sigmoid(pen_field), softmax(label_field)


def wake_pass(params, v, labels, rng):
    layer = np.array(v, dtype=float)
    states = [layer]
    for weights, bias in params["recognition"]:
        layer = sample(sigmoid(np.dot(layer, weights) + bias), rng)
        states.append(layer)
    top_states = sample(top_hidden_probs(params["top"], layer, labels), rng)
    return states, top_states


def top_level_cd(top, pen, labels, top_states, k, rng):
    W, b, c = top
    n_classes = labels.shape[1]
    negative_top = top_states
    for _ in range(k):
        pen_probs, label_probs = top_visible_probs(top, negative_top, n_classes)
        negative_pen = sample(pen_probs, rng)
        negative_labels = label_probs
        negative_top = sample(top_hidden_probs(top, negative_pen, negative_labels), rng)
    batch = pen.shape[0]
    data_side = np.hstack([pen, labels])
    model_side = np.hstack([negative_pen, negative_labels])
    kernel = np.zeros_like(W)
    for row in range(batch):  # one outer product per example, as Appendix B writes them
        kernel += np.outer(data_side[row], top_states[row])
        kernel -= np.outer(model_side[row], negative_top[row])
    grads = {
        "kernel": kernel / batch,
        "visible_bias": (data_side - model_side).sum(axis=0) / batch,
        "hidden_bias": (top_states - negative_top).sum(axis=0) / batch,
    }
    return grads, (negative_pen, negative_labels, negative_top)


def sleep_pass(params, pen, rng):
    layers = params["generative"]
    below = [np.array(pen, dtype=float)]  # top first while going down
    for depth in range(len(layers) - 1, -1, -1):
        weights, bias = layers[depth]
        probs = sigmoid(np.dot(below[-1], weights) + bias)
        below.append(probs if depth == 0 else sample(probs, rng))
    return below[::-1]


def up_down_step(params, v, labels, rate, k, rng):
    labels = np.array(labels, dtype=float)
    awake, top_states = wake_pass(params, v, labels, rng)
    grads, chain_end = top_level_cd(params["top"], awake[-1], labels, top_states, k, rng)
    dreamt = sleep_pass(params, chain_end[0], rng)
    batch = awake[0].shape[0]
    new = copy.deepcopy(params)
    for index in range(len(params["generative"])):
        G, g = params["generative"][index]
        above, below = awake[index + 1], awake[index]
        miss = below - sigmoid(np.dot(above, G) + g)
        new["generative"][index] = (
            G + rate * np.dot(above.T, miss) / batch,
            g + rate * miss.sum(axis=0) / batch,
        )
    for index in range(len(params["recognition"])):
        R, r = params["recognition"][index]
        below, above = dreamt[index], dreamt[index + 1]
        miss = above - sigmoid(np.dot(below, R) + r)
        new["recognition"][index] = (
            R + rate * np.dot(below.T, miss) / batch,
            r + rate * miss.sum(axis=0) / batch,
        )
    W, b, c = params["top"]
    new["top"] = (
        W + rate * grads["kernel"],
        b + rate * grads["visible_bias"],
        c + rate * grads["hidden_bias"],
    )
    return new
