"""The reference layers against plain NumPy loops written from the notes' formulas,
and against TensorFlow's own ops where those compute the same thing."""

import doctest
import importlib

import keras
import numpy as np
import pytest
import tensorflow as tf

import solutions.conv
import solutions.lstm
import solutions.network
import solutions.pooling
import solutions.rnn
from solutions.conv import Conv2D
from solutions.network import build_network
from solutions.pooling import L2Pool2D, MaxPool2D
from workshop import catalog


def numpy_conv(x, kernel, bias, stride, activation=lambda z: z):
    """The notes' σ(b + Σ_l Σ_m w[l, m] a[j+l, k+m]), summed over channels, by loops."""
    n, h, w, _ = x.shape
    kh, kw, _, f = kernel.shape
    sh, sw = stride
    out = np.zeros((n, (h - kh) // sh + 1, (w - kw) // sw + 1, f))
    for j in range(out.shape[1]):
        for k in range(out.shape[2]):
            field = x[:, j * sh : j * sh + kh, k * sw : k * sw + kw, :]
            out[:, j, k, :] = np.tensordot(field, kernel, axes=([1, 2, 3], [0, 1, 2])) + bias
    return activation(out)


def numpy_pool(x, size, stride, reduce):
    n, h, w, c = x.shape
    (ph, pw), (sh, sw) = size, stride
    out = np.zeros((n, (h - ph) // sh + 1, (w - pw) // sw + 1, c))
    for i in range(out.shape[1]):
        for j in range(out.shape[2]):
            out[:, i, j, :] = reduce(x[:, i * sh : i * sh + ph, j * sw : j * sw + pw, :])
    return out


@pytest.mark.parametrize(
    "shape, filters, kernel_size, strides",
    [((1, 28, 28, 1), 20, (5, 5), (1, 1)), ((2, 9, 7, 3), 4, (3, 2), (2, 1))],
)
def test_conv_matches_the_notes_formula(shape, filters, kernel_size, strides):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(np.float32)
    layer = Conv2D(filters, kernel_size, strides=strides, activation="sigmoid")
    layer.build(shape)
    kernel = rng.standard_normal(layer.kernel.shape).astype(np.float32)
    bias = rng.standard_normal(layer.bias.shape).astype(np.float32)
    layer.kernel.assign(kernel)
    layer.bias.assign(bias)
    expected = numpy_conv(x, kernel, bias, strides, lambda z: 1 / (1 + np.exp(-z)))
    np.testing.assert_allclose(layer(x), expected, rtol=1e-4, atol=1e-5)


def test_conv_equals_keras_conv2d_with_the_same_weights():
    x = np.random.default_rng(1).standard_normal((3, 11, 8, 2)).astype(np.float32)
    ours = Conv2D(5, (3, 2), strides=2)
    theirs = keras.layers.Conv2D(5, (3, 2), strides=2)
    ours.build(x.shape)
    theirs.build(x.shape)
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(ours(x), theirs(x), rtol=1e-4, atol=1e-5)
    with tf.GradientTape(persistent=True) as tape:
        a, b = ours(x), theirs(x)
    np.testing.assert_allclose(
        tape.gradient(a, ours.kernel), tape.gradient(b, theirs.kernel), rtol=1e-4, atol=1e-4
    )


def test_notes_geometry_28_to_24_to_12():
    x = np.zeros((1, 28, 28, 1), np.float32)
    assert tuple(MaxPool2D(2)(Conv2D(20, 5)(x)).shape) == (1, 12, 12, 20)


@pytest.mark.parametrize("size, stride", [((2, 2), (2, 2)), ((3, 2), (2, 1)), ((3, 3), (1, 1))])
def test_pooling_matches_numpy(size, stride):
    x = np.random.default_rng(2).standard_normal((2, 9, 8, 3)).astype(np.float32)
    np.testing.assert_allclose(
        MaxPool2D(size, stride)(x),
        numpy_pool(x, size, stride, lambda w: w.max(axis=(1, 2))),
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        L2Pool2D(size, stride)(x),
        numpy_pool(x, size, stride, lambda w: np.sqrt((w**2).sum(axis=(1, 2)))),
        rtol=1e-5,
    )


def test_max_pool_equals_keras():
    x = np.random.default_rng(3).standard_normal((2, 7, 9, 3)).astype(np.float32)
    np.testing.assert_allclose(MaxPool2D(2)(x), keras.layers.MaxPooling2D(2)(x))


def test_l2_pool_gradient_is_zero_not_nan_on_a_zero_window():
    x = tf.constant(np.zeros((1, 4, 4, 1), np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(L2Pool2D(2)(x))
    grad = tape.gradient(loss, x).numpy()
    assert np.all(grad == 0)


def test_network_shapes_for_both_figure_4_variants():
    one = build_network(hidden_units=())
    assert [tuple(layer.output.shape[1:]) for layer in one.layers[1:]] == [
        (24, 24, 20),
        (12, 12, 20),
        (2880,),
        (10,),
    ]
    two = build_network(conv_layers=((20, 5), (40, 5)), pool="l2")
    assert tuple(two.layers[4].output.shape[1:]) == (4, 4, 40)
    assert two.count_params() == 20 * 26 + 40 * (25 * 20 + 1) + (640 * 100 + 100) + (100 * 10 + 10)


@pytest.mark.parametrize("name", sorted({e.module for e in catalog.EXERCISES}))
def test_docstring_examples_run(name):
    """As `python -m doctest` runs them: with the module's own names only (an example
    that uses `np` imports it, as a student who pastes it must)."""
    module = importlib.import_module(f"solutions.{name}")
    failures, tried = doctest.testmod(module)
    assert tried > 0 and failures == 0


def test_simple_rnn_cell_equals_keras_simple_rnn():
    x = np.random.default_rng(4).standard_normal((3, 7, 4)).astype(np.float32)
    theirs = keras.layers.SimpleRNN(5, return_sequences=True)
    ours = keras.layers.RNN(solutions.rnn.SimpleRNNCell(5), return_sequences=True)
    theirs(x), ours(x)
    kernel, recurrent, bias = theirs.get_weights()
    ours.set_weights([kernel, recurrent, bias + 0.1])
    theirs.set_weights([kernel, recurrent, bias + 0.1])
    np.testing.assert_allclose(ours(x), theirs(x), rtol=1e-5, atol=1e-6)


def test_lstm_cell_with_mapped_weights_equals_keras_lstm():
    """Keras stacks gates i, f, c̃, o in separate input and recurrent kernels; the notes
    fuse them (eq. 3.11) in the order c̃, o, i, f."""
    x = np.random.default_rng(5).standard_normal((3, 7, 4)).astype(np.float32)
    theirs = keras.layers.LSTM(5, return_sequences=True)
    ours = keras.layers.RNN(solutions.lstm.LSTMCell(5), return_sequences=True)
    theirs(x), ours(x)
    kernel, recurrent, bias = theirs.get_weights()

    def notes_order(matrix):
        i, f, c, o = np.split(matrix, 4, axis=-1)
        return np.concatenate([c, o, i, f], axis=-1)

    ours.set_weights([notes_order(np.concatenate([kernel, recurrent])), notes_order(bias)])
    np.testing.assert_allclose(ours(x), theirs(x), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "shape, filters, kernel_size, strides",
    [((2, 7, 6, 3), 4, (3, 2), (1, 1)), ((1, 9, 8, 2), 3, (2, 3), (2, 1))],
)
def test_locally_connected_matches_its_formula_and_equals_conv_when_tied(
    shape, filters, kernel_size, strides
):
    from solutions.local import LocallyConnected2D

    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape).astype(np.float32)
    local = LocallyConnected2D(filters, kernel_size, strides=strides)
    local.build(shape)
    kernel = rng.standard_normal(local.kernel.shape).astype(np.float32)
    bias = rng.standard_normal(local.bias.shape).astype(np.float32)
    local.set_weights([kernel, bias])
    (kh, kw), (sh, sw) = kernel_size, strides
    out_h, out_w = kernel.shape[:2]
    expected = np.zeros((shape[0], out_h, out_w, filters), np.float32)
    for j in range(out_h):
        for k in range(out_w):
            field = x[:, j * sh : j * sh + kh, k * sw : k * sw + kw, :].reshape(shape[0], -1)
            expected[:, j, k] = field @ kernel[j, k] + bias[j, k]
    np.testing.assert_allclose(local(x), expected, rtol=1e-4, atol=1e-5)

    # Tied: every position given Conv2D's kernel and bias computes Conv2D.
    conv = Conv2D(filters, kernel_size, strides=strides)
    conv.build(shape)
    shared = rng.standard_normal(conv.kernel.shape).astype(np.float32)
    shared_bias = rng.standard_normal(filters).astype(np.float32)
    conv.set_weights([shared, shared_bias])
    local.set_weights(
        [
            np.broadcast_to(shared.reshape(-1, filters), kernel.shape).copy(),
            np.broadcast_to(shared_bias, bias.shape).copy(),
        ]
    )
    np.testing.assert_allclose(local(x), conv(x), rtol=1e-4, atol=1e-5)


def test_contrast_normalisation_is_zero_on_flat_images_and_ignores_contrast():
    from solutions.contrast import LocalContrastNormalization

    layer = LocalContrastNormalization(radius=2, sigma=1.5)
    flat = tf.constant(np.full((2, 7, 6, 3), -1.3, np.float32))
    rng = np.random.default_rng(2)
    corner = np.maximum(rng.standard_normal((2, 9, 9, 2)), 0).astype(np.float32)
    corner[:, :5, :5, :] = 0.0  # a whole window of zeros: σ = 0 there
    for x in (flat, tf.constant(corner)):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = layer(x)
            loss = tf.reduce_sum(y * rng.standard_normal(y.shape).astype(np.float32))
        assert np.isfinite(tape.gradient(loss, x).numpy()).all()
    assert np.abs(layer(flat)).max() < 1e-3
    # Contrast and brightness do not matter where σ is well above the floor ε.
    x = rng.standard_normal((2, 10, 9, 3)).astype(np.float32)
    np.testing.assert_allclose(layer(3.0 * x + 5.0), layer(x), rtol=1e-3, atol=1e-4)


def test_response_normalisation_is_tensorflows_op_and_ksh_formula():
    from solutions.response import LocalResponseNormalization

    rng = np.random.default_rng(4)
    x = (3 * rng.standard_normal((2, 4, 5, 7))).astype(np.float32)
    settings = [
        {},  # KSH's n = 5, k = 2, α = 1e-4, β = 0.75
        {"depth_radius": 1, "bias": 1.0, "alpha": 0.5, "beta": 0.75},
        {"depth_radius": 4, "bias": 2.0, "alpha": 0.3, "beta": 0.5},  # wider than C
        {"depth_radius": 0, "bias": 1.5, "alpha": 1.0, "beta": 1.0},
    ]
    for config in settings:
        layer = LocalResponseNormalization(**config)
        ready_made = tf.nn.local_response_normalization(
            x, layer.depth_radius, layer.bias, layer.alpha, layer.beta
        )
        np.testing.assert_allclose(layer(x), ready_made, rtol=1e-5, atol=1e-6)
        # KSH §3.3, one channel at a time, the sum cut at the first and last channel.
        r, channels = layer.depth_radius, x.shape[-1]
        for i in (0, 3, channels - 1):
            window = x[..., max(0, i - r) : min(channels - 1, i + r) + 1]
            expected = x[..., i] / (layer.bias + layer.alpha * (window**2).sum(-1)) ** layer.beta
            np.testing.assert_allclose(np.asarray(layer(x))[..., i], expected, rtol=1e-5)


def test_inception_3a_parameters_with_and_without_reductions():
    from solutions.inception import InceptionModule
    from solutions.mistakes.inception import NaiveInceptionModule

    # GoogLeNet's 3a on 192 channels: Table 1's 64, 96, 128, 16, 32, 32.
    sizes = (64, 96, 128, 16, 32, 32)
    reduced, naive = InceptionModule(*sizes), NaiveInceptionModule(*sizes)
    for module in (reduced, naive):
        module.build((None, 28, 28, 192))
    weights = 192 * 64 + 192 * 96 + 96 * 9 * 128 + 192 * 16 + 16 * 25 * 32 + 192 * 32
    assert reduced.count_params() == weights + sum(sizes) == 163_696
    assert naive.count_params() == 192 * (64 + 9 * 128 + 25 * 32) + 64 + 128 + 32 == 387_296
    x = np.random.default_rng(5).standard_normal((2, 28, 28, 192)).astype(np.float32)
    assert reduced(x).shape == (2, 28, 28, 256) and naive(x).shape == (2, 28, 28, 416)


def test_pca_colour_basis_is_scikit_learns_pca_of_the_pixels():
    from sklearn.decomposition import PCA

    from solutions.augment import pca_colour_basis

    rng = np.random.default_rng(6)
    images = rng.standard_normal((5, 7, 6, 3)) @ rng.standard_normal((3, 3)) + 0.3
    values, vectors = pca_colour_basis(images)
    pca = PCA().fit(images.reshape(-1, 3))
    np.testing.assert_allclose(values, pca.explained_variance_, rtol=1e-5)
    for i, component in enumerate(pca.components_):  # the same axis, up to its sign
        assert abs(abs(float(np.dot(vectors[:, i], component))) - 1) < 1e-5
        assert vectors[np.argmax(np.abs(vectors[:, i])), i] > 0


def test_tica_gradients_equal_finite_differences():
    from solutions.tica import pooling_matrix, tica_objective

    rng = np.random.default_rng(3)
    x, W1, W2 = (
        rng.standard_normal((3, 5)),
        rng.standard_normal((5, 4)),
        rng.standard_normal((5, 4)),
    )
    H = pooling_matrix(4, 2).astype(np.float64)
    variables = [tf.Variable(W1), tf.Variable(W2)]
    with tf.GradientTape() as tape:
        loss = tica_objective(tf.constant(x), *variables, tf.constant(H), 0.7, 0.05)
    gradients = [g.numpy() for g in tape.gradient(loss, variables)]
    for which, (W, gradient) in enumerate(zip((W1, W2), gradients)):
        for index in [(0, 0), (2, 3), (4, 1)]:
            step = np.zeros_like(W)
            step[index] = 1e-6
            args = [W1, W2]
            up = [a + step if i == which else a for i, a in enumerate(args)]
            down = [a - step if i == which else a for i, a in enumerate(args)]
            numeric = (
                float(tica_objective(x, *up, H, 0.7, 0.05))
                - float(tica_objective(x, *down, H, 0.7, 0.05))
            ) / 2e-6
            assert gradient[index] == pytest.approx(numeric, rel=1e-5, abs=1e-6)


def test_bptt_equals_tf_gradient_tape():
    from workshop.grader.exercise import Case
    from workshop.grader.kinds.bptt_checks import autodiff
    from workshop.grader.kinds.bptt_runs import make_case

    data = make_case(Case({}, (3, 9, 4, 5, 3)), seed=11, index=0)
    loss, grads = solutions.rnn.bptt(data["x"], data["targets"], data["h0"], **data["parameters"])
    tape_loss, tape_grads = autodiff(data)
    assert loss == pytest.approx(tape_loss, rel=1e-12)
    for name, grad in tape_grads.items():
        np.testing.assert_allclose(grads[name], grad, rtol=1e-9, atol=1e-12, err_msg=name)


def test_replay_buffer_keeps_the_newest_transitions_in_a_ring():
    from solutions.replay import ReplayBuffer

    buffer = ReplayBuffer(4, (1,))
    for t in range(10):
        buffer.add([t], t % 3, float(t), [t + 1], t == 9)
    assert len(buffer) == 4 and buffer.next_slot == 10 % 4
    assert sorted(buffer.observations[:, 0].tolist()) == [6.0, 7.0, 8.0, 9.0]
    batch = buffer.sample(2000, seed=1)
    assert set(batch["observations"][:, 0].tolist()) == {6.0, 7.0, 8.0, 9.0}
    np.testing.assert_array_equal(batch["next_observations"], batch["observations"] + 1)
    np.testing.assert_array_equal(batch["dones"], batch["observations"][:, 0] == 9)
    restored = ReplayBuffer(4, (1,))
    restored.restore(buffer.state())
    for name in ("observations", "actions", "rewards", "dones"):
        np.testing.assert_array_equal(restored.sample(8, 3)[name], buffer.sample(8, 3)[name])


def test_dqn_loss_equals_keras_huber_on_the_taken_actions():
    from solutions.qlearning import dqn_loss, q_targets

    rng = np.random.default_rng(5)
    q = rng.standard_normal((16, 4)).astype(np.float32) * 3
    actions = rng.integers(0, 4, 16)
    targets = rng.standard_normal(16).astype(np.float32)
    for delta in (0.5, 1.0, 2.0):
        theirs = keras.losses.Huber(delta=delta)(targets, q[np.arange(16), actions])
        assert float(dqn_loss(q, actions, targets, delta)) == pytest.approx(float(theirs), 1e-6)
    # The target, written out row by row.
    rewards, dones = rng.standard_normal(16), (rng.random(16) < 0.3).astype(np.float32)
    y = q_targets(rewards, dones, q, 0.9).numpy()
    for n in range(16):
        assert y[n] == pytest.approx(rewards[n] + (0.0 if dones[n] else 0.9 * q[n].max()), 1e-5)


def test_epsilon_greedy_explores_at_the_rate_epsilon_says():
    from solutions.exploration import epsilon_greedy

    q = np.tile([0.0, 1.0, 0.5], (30000, 1))
    actions = epsilon_greedy(q, 0.25, seed=2)
    shares = np.bincount(actions, minlength=3) / len(actions)
    np.testing.assert_allclose(shares, [0.25 / 3, 0.75 + 0.25 / 3, 0.25 / 3], atol=0.01)


def test_sequence_likelihood_sums_to_one_over_every_sequence_and_decode_finds_its_best():
    """Over all sequences of length 0…N (N = 2) and the 'more than N' class with its
    first N digits, the probabilities add up to 1; decode's answer is the most
    probable one written out, found by enumeration."""
    import itertools

    from solutions.sequences import decode, sequence_log_likelihood

    rng = np.random.default_rng(8)
    length_logits = rng.standard_normal((1, 4)).astype(np.float32)
    digit_logits = rng.standard_normal((1, 2, 10)).astype(np.float32)
    total, best = 0.0, (-np.inf, None)
    for n in range(4):
        for prefix in itertools.product(range(10), repeat=min(n, 2)):
            digits = list(prefix) + [-1] * (2 - len(prefix))
            log_p = float(sequence_log_likelihood(length_logits, digit_logits, [n], [digits])[0])
            total += np.exp(log_p)
            if n <= 2 and log_p > best[0]:
                best = (log_p, (n, digits))
    assert total == pytest.approx(1.0, abs=1e-5)
    lengths, digits, score = decode(length_logits, digit_logits)
    assert (int(lengths[0]), digits[0].tolist()) == best[1]
    assert score[0] == pytest.approx(best[0], abs=1e-5)


def test_fgsm_raises_the_loss_and_moves_each_pixel_by_at_most_epsilon():
    from solutions.adversarial import cross_entropy, fgsm

    rng = np.random.default_rng(2)
    model = keras.Sequential(
        [
            keras.Input((6, 6, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    x = rng.uniform(0.2, 0.8, (16, 6, 6, 1)).astype(np.float32)
    y = rng.integers(0, 3, 16)
    adversarial = fgsm(model, x, y, 0.1).numpy()
    np.testing.assert_allclose(np.abs(adversarial - x), 0.1, atol=1e-6)
    assert float(cross_entropy(model, adversarial, y)) > float(cross_entropy(model, x, y))


def test_ais_intermediate_distributions_are_rbms_and_the_estimate_meets_the_exact_log_z():
    """Salakhutdinov & Murray 2008: p*_β sums (over all v) to the partition function of
    the RBM (β W, (1 − β) b_A + β b, β c), which at β = 0 is the base rate's Z_A (3.20);
    and AIS on an RBM small enough to sum gets log Z, its spread shrinking with K."""
    from solutions.ais import ais_log_partition, base_rate_log_partition, log_p_star
    from workshop.experiments.rbm.likelihood import log_partition

    rng = np.random.default_rng(4)
    W, b, c = rng.normal(0, 1.5, (6, 4)), rng.normal(0, 0.5, 6), rng.normal(0, 0.5, 4)
    base_bias = rng.normal(0, 1, 6)
    every_v = ((np.arange(64)[:, None] >> np.arange(5, -1, -1)) & 1).astype(float)
    for beta in (0.0, 0.3, 1.0):
        log_p = log_p_star(every_v, beta, W, b, c, base_bias)
        summed = np.logaddexp.reduce(log_p)
        scaled = log_partition(beta * W, (1 - beta) * base_bias + beta * b, beta * c)
        assert summed == pytest.approx(scaled, abs=1e-9), beta
    assert base_rate_log_partition(base_bias, 4) == pytest.approx(
        log_partition(0 * W, base_bias, 0 * c), abs=1e-9
    )
    exact = log_partition(W, b, c)
    spread = {}
    for steps in (20, 500):
        estimates = [
            ais_log_partition(
                W, b, c, base_bias, np.linspace(0, 1, steps + 1), 200, np.random.default_rng(s)
            )[0]
            for s in range(4)
        ]
        spread[steps] = np.std(estimates)
        if steps == 500:
            assert np.mean(estimates) == pytest.approx(exact, abs=0.05)
    assert spread[500] < spread[20]


def test_up_down_delta_rules_climb_each_directions_log_likelihood():
    """Hinton, Osindero & Teh 2006, Appendix B: the wake phase's generative update is the
    gradient of log p(h_{l−1} | h_l) under the generative weights at the wake's states,
    the sleep phase's recognition update that of log q(h̃_l | h̃_{l−1}) at the sleep's
    (both averaged over the batch), by central differences; and the step replays its
    passes' draws in order (wake, top, sleep)."""
    from solutions.updown import sleep_pass, top_level_cd, untie, up_down_step, wake_pass

    rng = np.random.default_rng(3)
    sizes = (6, 5, 4)  # visible, h_1, h_L; then 2 labels and a top of 3
    rbms = [
        (rng.normal(0, 1, (6, 5)), rng.normal(0, 0.5, 6), rng.normal(0, 0.5, 5)),
        (rng.normal(0, 1, (5, 4)), rng.normal(0, 0.5, 5), rng.normal(0, 0.5, 4)),
        (rng.normal(0, 1, (6, 3)), rng.normal(0, 0.5, 6), rng.normal(0, 0.5, 3)),
    ]
    params = untie(rbms)
    params["generative"][1] = (params["generative"][1][0] + rng.normal(0, 0.3, (4, 5)), rbms[1][1])
    v = (rng.random((8, sizes[0])) < 0.5).astype(float)
    labels = np.eye(2)[rng.integers(0, 2, 8)]
    rate = 0.01
    new = up_down_step(params, v, labels, rate, 2, np.random.default_rng(9))
    draws = np.random.default_rng(9)
    wake, top_states = wake_pass(params, v, labels, draws)
    _, (pen_k, _, _) = top_level_cd(params["top"], wake[-1], labels, top_states, 2, draws)
    sleep = sleep_pass(params, pen_k, draws)

    def log_likelihood(target, source, W, bias):
        p = 1 / (1 + np.exp(-(bias + source @ W)))
        return np.mean(np.sum(target * np.log(p) + (1 - target) * np.log1p(-p), axis=1))

    def numeric_gradient(target, source, W, bias):
        gradient, step = np.zeros_like(W), 1e-6
        for index in np.ndindex(*W.shape):
            up, down = W.copy(), W.copy()
            up[index] += step
            down[index] -= step
            gradient[index] = (
                log_likelihood(target, source, up, bias)
                - log_likelihood(target, source, down, bias)
            ) / (2 * step)
        return gradient

    for l in (1, 2):
        G, g = params["generative"][l - 1]
        expected = numeric_gradient(wake[l - 1], wake[l], G, g)
        np.testing.assert_allclose((new["generative"][l - 1][0] - G) / rate, expected, atol=1e-6)
        R, r = params["recognition"][l - 1]
        expected = numeric_gradient(sleep[l], sleep[l - 1], R, r)
        np.testing.assert_allclose((new["recognition"][l - 1][0] - R) / rate, expected, atol=1e-6)
