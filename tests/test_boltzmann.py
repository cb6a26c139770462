"""The Boltzmann machine, the RBM and its exact likelihood against brute-force sums over
every state, contrastive divergence against the exact gradient, and RBM training."""

import itertools

import keras
import numpy as np
import pytest

from solutions.boltzmann import all_states, energy, exact_probabilities
from solutions.rbm import RBM
from workshop.data.binary_images import load_binary
from workshop.experiments.rbm.likelihood import average_log_likelihood, log_partition
from workshop.train.rbm_training import RBMConfig, fit_rbm


def test_boltzmann_probabilities_by_brute_force():
    rng = np.random.default_rng(0)
    upper = np.triu(rng.standard_normal((4, 4)), 1)
    W, b = upper + upper.T, rng.standard_normal(4)
    weights = []
    for s in itertools.product([0.0, 1.0], repeat=4):  # the same counting order
        pairs = sum(W[i, j] * s[i] * s[j] for i in range(4) for j in range(i + 1, 4))
        weights.append(np.exp(pairs + np.dot(b, s)))
    np.testing.assert_allclose(exact_probabilities(W, b), np.array(weights) / sum(weights))
    np.testing.assert_allclose(-np.log(weights), energy(all_states(4), W, b))


def small_rbm(n_visible=4, n_hidden=3, seed=1):
    rng = np.random.default_rng(seed)
    rbm = RBM(n_hidden)
    rbm.build((None, n_visible))
    rbm.set_weights(
        [
            rng.standard_normal((n_visible, n_hidden)).astype(np.float32),
            rng.standard_normal(n_visible).astype(np.float32),
            rng.standard_normal(n_hidden).astype(np.float32),
        ]
    )
    return rbm


def joint(rbm):
    """p(v, h) for every (v, h), by brute force: the table and the states."""
    W, b, c = (np.asarray(w, np.float64) for w in rbm.get_weights())
    vs, hs = all_states(W.shape[0]), all_states(W.shape[1])
    unnormalised = np.exp((vs @ b)[:, None] + (hs @ c)[None, :] + vs @ W @ hs.T)
    return unnormalised / unnormalised.sum(), unnormalised.sum(), vs, hs


def test_free_energy_and_likelihood_by_brute_force():
    rbm = small_rbm()
    p, z, vs, hs = joint(rbm)
    W, b, c = rbm.get_weights()
    marginal = p.sum(axis=1)
    np.testing.assert_allclose(np.asarray(rbm.free_energy(vs)), -np.log(marginal * z), rtol=1e-5)
    assert log_partition(W, b, c) == pytest.approx(np.log(z), rel=1e-10)
    data = vs[[1, 5, 5, 12]]
    assert average_log_likelihood(W, b, c, data) == pytest.approx(
        np.mean(np.log(marginal[[1, 5, 5, 12]])), rel=1e-10
    )


def test_conditionals_are_the_brute_force_conditionals():
    rbm = small_rbm()
    p, _, vs, hs = joint(rbm)
    p_h_given_v = p / p.sum(axis=1, keepdims=True)  # (v, h)
    expected = p_h_given_v @ hs  # E[h | v]
    np.testing.assert_allclose(np.asarray(rbm.hidden_probs(vs)), expected, rtol=1e-5)
    p_v_given_h = (p / p.sum(axis=0, keepdims=True)).T
    np.testing.assert_allclose(np.asarray(rbm.visible_probs(hs)), p_v_given_h @ vs, rtol=1e-5)


def test_long_chains_estimate_the_exact_gradient():
    """CD-k with a long chain (k = 100) from many copies of the data approaches the exact
    gradient ⟨v p(h|v)⟩_data − ⟨v h⟩_model: the sign and the statistics are right."""
    rbm = small_rbm()
    p, _, vs, hs = joint(rbm)
    data = vs[[3, 6, 9]]
    copies = np.repeat(data, 4000, axis=0)
    grads, _ = rbm.contrastive_divergence(copies, k=100, seed=keras.random.SeedGenerator(3))
    positive = data.T @ np.asarray(rbm.hidden_probs(data), np.float64) / len(data)
    model = vs.T @ p @ hs  # Σ_{v,h} p(v, h) vᵀ h
    np.testing.assert_allclose(np.asarray(grads["kernel"]), positive - model, atol=0.02)
    np.testing.assert_allclose(
        np.asarray(grads["visible_bias"]), data.mean(0) - p.sum(1) @ vs, atol=0.02
    )


def test_zero_gibbs_steps_give_zero_estimates():
    rbm = small_rbm()
    v = all_states(4)[[2, 7]]
    grads, chain_end = rbm.contrastive_divergence(v, k=0, seed=keras.random.SeedGenerator(0))
    np.testing.assert_array_equal(np.asarray(chain_end), v)
    for value in grads.values():
        np.testing.assert_allclose(np.asarray(value), 0.0, atol=1e-7)


@pytest.mark.parametrize("persistent", [False, True])
def test_training_raises_the_exact_likelihood_and_repeats_exactly(persistent):
    data = load_binary()
    config = RBMConfig(epochs=3, k=1, persistent=persistent, seed=4)
    trained = []
    for _ in range(2):
        rbm = RBM(10)
        rbm.build((None, 64))
        keras.utils.set_random_seed(0)
        rbm.set_weights(
            [w * 0 + np.random.default_rng(0).normal(0, 0.01, w.shape) for w in rbm.get_weights()]
        )
        before = average_log_likelihood(*rbm.get_weights(), data.x["test"])
        fit_rbm(rbm, data.x["train"], config)
        trained.append(rbm.get_weights())
    after = average_log_likelihood(*trained[0], data.x["test"])
    assert after > before + 10  # nats per image: from about −44 to about −26
    for first, second in zip(*trained):
        np.testing.assert_array_equal(first, second)
