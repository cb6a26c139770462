"""Exercise 3.8: one up-down (contrastive wake-sleep) step for a DBN with label units."""

import numpy as np


def sigmoid(x):
    """σ(x) = 1 / (1 + exp(−x)) in float64, written with tanh so that no large |x|
    overflows (given).

    >>> sigmoid(np.array([-800.0, 0.0, 800.0])).tolist()
    [0.0, 0.5, 1.0]
    """
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=np.float64)))


def softmax(x):
    """The softmax of each row, in float64, the largest subtracted first (given).

    >>> softmax(np.array([[0.0, 0.0], [1000.0, 0.0]])).tolist()
    [[0.5, 0.5], [1.0, 0.0]]
    """
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def sample(p, rng):
    """Binary states drawn with probabilities p: one `rng.random(p.shape)` draw, a unit
    on where u < p (given: every draw of this exercise is one call of it).

    >>> sample(np.array([[0.0, 1.0]]), np.random.default_rng(0)).tolist()
    [[0.0, 1.0]]
    """
    p = np.asarray(p, dtype=np.float64)
    return (rng.random(p.shape) < p).astype(np.float64)


def untie(rbms):
    """The parameters of up-down fine-tuning from a greedily pre-trained stack of RBMs
    (notes §3.3.2, eq. 3.23; Hinton, Osindero & Teh 2006, §5).

    Pre-training ties each directed layer's two directions to one RBM (W_l, b_l, c_l):
    up with W_l, down with W_lᵀ. Fine-tuning unties them: the recognition weights go up,
    the generative weights come down, and each starts as a *copy* of the RBM's

        R_l = W_l,  r_l = c_l        (recognition: layer l − 1 up to layer l)
        G_l = W_lᵀ, g_l = b_l        (generative: layer l down to layer l − 1)

    so that updating one changes neither the other nor the pre-trained RBM. The last
    RBM is the top-level associative memory, whose visible layer is the penultimate
    hidden layer h_L joined with the one-hot label units, [h_L, y]; it stays an RBM
    (undirected), copied whole.

    Args:
        rbms: list of `(W, b, c)` NumPy triples, bottom first: for directed layer l,
            W `(n_{l−1}, n_l)`, b `(n_{l−1},)`, c `(n_l,)`, n_0 the visible units;
            the last is the top RBM, W `(n_L + n_classes, n_top)`, b `(n_L +
            n_classes,)`, c `(n_top,)`.

    Returns:
        A dict: "recognition", a list of `(R_l, r_l)`, R_l `(n_{l−1}, n_l)`;
        "generative", a list of `(G_l, g_l)`, G_l `(n_l, n_{l−1})`, g_l `(n_{l−1},)`;
        both bottom first, L long; "top", `(W, b, c)`. Every array a new float64 one.

    Example:
    >>> W = np.arange(6.0).reshape(3, 2); top = (np.ones((4, 2)), np.zeros(4), np.zeros(2))
    >>> params = untie([(W, np.zeros(3), np.ones(2)), top])
    >>> params["generative"][0][0].tolist(), params["recognition"][0][1].tolist()
    ([[0.0, 2.0, 4.0], [1.0, 3.0, 5.0]], [1.0, 1.0])
    >>> params["generative"][0][0][0, 0] = 9.0; float(W[0, 0])  # a copy: the RBM is as it was
    0.0
    """
    # Exercise 3.8: for each directed RBM (W, b, c): recognition (copy of W, copy of c), generative
    # (copy of Wᵀ, copy of b); the last RBM, the top, copied whole. New arrays only.
    raise NotImplementedError("Exercise 3.8: untie")


def top_hidden_probs(top, pen, labels):
    """p(t_j = 1 | h_L, y) of the top RBM, its visible layer the penultimate states
    joined with the labels (notes §3.3.2, eq. 3.24):

        p(t_j = 1 | h_L, y) = σ(c_j + ([h_L, y] W)_j)

    Args:
        top: `(W, b, c)`, W `(n_L + n_classes, n_top)`.
        pen: `(N, n_L)`, h_L. labels: `(N, n_classes)`, one-hot y (or label
            probabilities).

    Returns:
        `(N, n_top)` float64.

    Example:
    >>> top = (np.array([[1.0], [0.0], [-800.0]]), np.zeros(3), np.zeros(1))
    >>> top_hidden_probs(top, np.ones((2, 1)), np.array([[1.0, 0.0], [0.0, 1.0]])).round(4).tolist()
    [[0.7311], [0.0]]
    """
    # Exercise 3.8: σ(c + [pen, labels] W): join the two on the last axis first.
    raise NotImplementedError("Exercise 3.8: top_hidden_probs")


def top_visible_probs(top, top_states, n_classes):
    """The top RBM's visible layer given its hidden states t: the penultimate units are
    logistic, the label units one softmax group, a single label on at a time (notes
    §3.3.2, eq. 3.25):

        x = b + t Wᵀ,   p(h_L,i = 1 | t) = σ(x_i),   p(y = k | t) = softmax(x_label)_k

    where x_label is the last n_classes entries of x.

    Args:
        top: `(W, b, c)`, W `(n_L + n_classes, n_top)`.
        top_states: `(N, n_top)`, t. n_classes: int.

    Returns:
        `(pen_probs, label_probs)`: `(N, n_L)` and `(N, n_classes)`, each label row
        summing to 1.

    Example:
    >>> top = (np.zeros((3, 2)), np.array([0.0, 1.0, 1.0]), np.zeros(2))
    >>> pen, labels = top_visible_probs(top, np.ones((1, 2)), 2)
    >>> pen.tolist(), labels.tolist()
    ([[0.5]], [[0.5, 0.5]])
    """
    # Exercise 3.8: x = b + t Wᵀ; σ of all but the last n_classes entries, softmax of
    # the last n_classes (the given softmax, row by row).
    raise NotImplementedError("Exercise 3.8: top_visible_probs")


def wake_pass(params, v, labels, rng):
    """The wake (up) pass: binary states of every layer from the data, up the
    recognition weights, and then the top RBM's hidden states given [h_L, y] (notes
    §3.3.2, eq. 3.26, 3.24):

        h_0 = v,   h_l ~ σ(r_l + h_{l−1} R_l)  (l = 1, …, L),   t ~ p(t | h_L, y)

    Draws: one `sample` per layer, bottom up (h_1 first), then one for t.

    Args:
        params: from `untie`. v: `(N, n_0)`, the data. labels: `(N, n_classes)`, one-hot.
        rng: a `numpy.random.Generator`.

    Returns:
        `(states, top_states)`: the list `[v, h_1, …, h_L]` (v itself first, float64)
        and t, `(N, n_top)`.

    Example:
    >>> params = untie([(np.zeros((3, 2)), np.zeros(3), np.full(2, 800.0)),
    ...                 (np.zeros((4, 1)), np.zeros(4), np.full(1, -800.0))])
    >>> states, top = wake_pass(params, np.ones((1, 3)), np.array([[1.0, 0.0]]),
    ...                         np.random.default_rng(0))
    >>> [s.tolist() for s in states], top.tolist()
    ([[[1.0, 1.0, 1.0]], [[1.0, 1.0]]], [[0.0]])
    """
    # Exercise 3.8: states = [v]; per layer sample(σ(r + states[-1] R), rng); then t by one
    # sample of top_hidden_probs(top, h_L, labels).
    raise NotImplementedError("Exercise 3.8: wake_pass")


def top_level_cd(top, pen, labels, top_states, k, rng):
    """Contrastive divergence at the top-level RBM over [h_L, y], its chain started from
    the wake's top states (notes §3.3.2, eq. 3.30; Hinton et al. 2006, Appendix B).

    k times: (h̃_L, ỹ) from t̃ by eq. 3.25, h̃_L sampled and ỹ kept as the softmax's
    probabilities; then t̃ ~ p(t | h̃_L, ỹ) (eq. 3.24). With z = [h_L, y] and
    z̃ = [h̃_L, ỹ], and t and t̃ *binary* states (as Appendix B has it), the estimates
    are, averaged over the batch,

        kernel: (zᵀ t − z̃ᵀ t̃) / N,   visible_bias: mean(z − z̃),   hidden_bias: mean(t − t̃)

    Draws: per step, one `sample` for h̃_L, then one for t̃.

    Args:
        top: `(W, b, c)`. pen: `(N, n_L)`, the wake's h_L. labels: `(N, n_classes)`.
        top_states: `(N, n_top)`, the wake's t. k: int ≥ 1, Gibbs steps.
        rng: a `numpy.random.Generator`.

    Returns:
        `(grads, (pen_k, labels_k, top_k))`: grads a dict with "kernel",
        "visible_bias" and "hidden_bias", each the shape of its weight (add them to
        climb the likelihood); the chain's end h̃_L `(N, n_L)`, ỹ `(N, n_classes)` and
        t̃ `(N, n_top)`.

    Example:
    >>> top = (np.zeros((3, 2)), np.zeros(3), np.zeros(2))
    >>> grads, (pen_k, labels_k, top_k) = top_level_cd(
    ...     top, np.ones((4, 1)), np.eye(2)[[0, 1, 0, 1]], np.ones((4, 2)), 1,
    ...     np.random.default_rng(0))
    >>> {name: g.shape for name, g in grads.items()}, labels_k[0].tolist()
    ({'kernel': (3, 2), 'visible_bias': (3,), 'hidden_bias': (2,)}, [0.5, 0.5])
    """
    # Exercise 3.8: k times: pen probs and label probs from t̃ (top_visible_probs), h̃_L =
    # sample, ỹ = the probs; t̃ = sample(top_hidden_probs(…)). Then the statistics with
    # binary t and t̃, averaged over the batch.
    raise NotImplementedError("Exercise 3.8: top_level_cd")


def sleep_pass(params, pen, rng):
    """The sleep (down) pass: from penultimate states h̃_L, binary states of every layer
    below, down the generative weights; the visible layer's probabilities, not a sample
    (notes §3.3.2, eq. 3.27):

        h̃_{l−1} ~ σ(g_l + h̃_l G_l)  (l = L, …, 2),   ṽ = σ(g_1 + h̃_1 G_1)

    In up-down, h̃_L is the top-level chain's end (`top_level_cd`), a fantasy of the
    model: not the wake's h_L, which came from the data.

    Draws: one `sample` per hidden layer below h̃_L, top down (h̃_{L−1} first); none
    for ṽ.

    Args:
        params: from `untie`. pen: `(N, n_L)`, h̃_L. rng: a `numpy.random.Generator`.

    Returns:
        The list `[ṽ, h̃_1, …, h̃_L]`, bottom first (h̃_L itself last, float64).

    Example:
    >>> params = untie([(np.zeros((3, 2)), np.full(3, -800.0), np.zeros(2)),
    ...                 (np.zeros((4, 1)), np.zeros(4), np.zeros(1))])
    >>> [s.tolist() for s in sleep_pass(params, np.ones((1, 2)), np.random.default_rng(0))]
    [[[0.0, 0.0, 0.0]], [[1.0, 1.0]]]
    """
    # Exercise 3.8: from h̃_L down the generative weights: sample each hidden layer, top down;
    # the visible layer's probabilities, not sampled.
    raise NotImplementedError("Exercise 3.8: sleep_pass")


def up_down_step(params, v, labels, rate, k, rng):
    """One step of the up-down algorithm (contrastive wake-sleep) on a mini-batch (notes
    §3.3.2, eq. 3.23–3.30; Hinton, Osindero & Teh 2006, Appendix B).

    1. Wake: `states = [v, h_1, …, h_L]`, t = `wake_pass(params, v, labels, rng)`.
    2. Top: `grads, (h̃_L, ỹ, t̃) = top_level_cd(top, h_L, labels, t, k, rng)`.
    3. Sleep: `[ṽ, h̃_1, …, h̃_L] = sleep_pass(params, h̃_L, rng)`, from the chain's
       h̃_L.
    4. The delta rule, ε = rate, averaged over the N rows, every prediction made with
       the parameters before the step. The wake phase trains the *generative* weights
       to rebuild each layer of the wake from the one above (eq. 3.28):

           p_{l−1} = σ(g_l + h_l G_l),   G_l += ε h_lᵀ (h_{l−1} − p_{l−1}) / N,
           g_l += ε mean(h_{l−1} − p_{l−1})

       the sleep phase the *recognition* weights to recover each layer of the fantasy
       from the one below (eq. 3.29, h̃_0 = ṽ):

           q_l = σ(r_l + h̃_{l−1} R_l),   R_l += ε h̃_{l−1}ᵀ (h̃_l − q_l) / N,
           r_l += ε mean(h̃_l − q_l)

       and the top RBM climbs its CD estimate, W += ε grads["kernel"], b += ε
       grads["visible_bias"], c += ε grads["hidden_bias"] (eq. 3.30).

    Draws: those of the three passes, in that order (wake, top, sleep), and no others.

    Args:
        params: from `untie` (left as it was). v: `(N, n_0)`, binary data.
        labels: `(N, n_classes)`, one-hot. rate: float, ε. k: int ≥ 1, the top's
        Gibbs steps. rng: a `numpy.random.Generator`.

    Returns:
        The new parameters, a dict shaped as `untie`'s, of new arrays.

    Example (nothing to learn: zero weights and biases, all units on and off alike):
    >>> rbms = [(np.zeros((3, 2)), np.zeros(3), np.zeros(2)),
    ...         (np.zeros((4, 2)), np.zeros(4), np.zeros(2))]
    >>> new = up_down_step(untie(rbms), np.ones((2, 3)), np.eye(2), 0.1, 1,
    ...                    np.random.default_rng(0))
    >>> new["generative"][0][1].tolist()  # each visible bias up by 0.1 · (1 − 0.5)
    [0.05, 0.05, 0.05]
    >>> [w.shape for w in new["top"]]
    [(4, 2), (4,), (2,)]
    """
    # Exercise 3.8: wake_pass, top_level_cd from its h_L and t, sleep_pass from the chain's h̃_L;
    # then G_l, g_l by the wake states, R_l, r_l by the sleep states, the top by grads;
    # every prediction with the old parameters, every update averaged over the batch.
    raise NotImplementedError("Exercise 3.8: up_down_step")
