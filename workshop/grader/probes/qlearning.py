"""Probes of Exercise 4.3: Q-learning targets (terminal transitions included), Double
DQN targets, the Huber loss on both sides of δ, and its gradient with respect to the
Q-values (only the taken action's) and to the targets (none)."""

import numpy as np

from ..compare import Tolerance
from ..kinds.probe_runs import capture, gradients
from ..seeding import rng_for

TOLERANCE = Tolerance(atol=1e-5, rtol=1e-5)  # float32 Keras work
TARGETS = "targets"
DOUBLE = "Double DQN targets"
LOSS = "loss"
GRADIENTS = "gradients"
POINTS = {TARGETS: 2, DOUBLE: 2, LOSS: 3, GRADIENTS: 3}
STATISTICAL = set()


def describe(case):
    (rows,) = case.input_shape
    config = case.config
    return (
        f"a batch of {rows}, {config['actions']} actions, γ = {config['gamma']}, "
        f"δ = {config['delta']}"
    )


def labels(case):
    return [
        f"{TARGETS}: q_targets",
        f"{DOUBLE}: q_targets(..., next_q_online)",
        f"{LOSS}: dqn_loss",
    ]


def _gradients(loss, q, actions, targets, delta):
    """∂L/∂Q and ∂L/∂y, a gradient that does not reach its variable given as zeros."""
    import tensorflow as tf

    q, y = tf.constant(q), tf.constant(targets)
    _, (dq, dy) = gradients(lambda: loss(q, actions, y, delta), [q, y])
    return {"∂L/∂Q": dq, "∂L/∂y": dy}


def observe(get, case, seed, index):
    rng = rng_for(seed, "qlearning", index)
    (rows,) = case.input_shape
    actions, gamma, delta = case.config["actions"], case.config["gamma"], case.config["delta"]
    rewards = rng.standard_normal(rows).astype(np.float32)
    dones = (rng.random(rows) < 0.3).astype(np.float32)
    dones[0] = 1.0  # at least one terminal transition
    next_target = (3 * rng.standard_normal((rows, actions))).astype(np.float32)
    next_online = (3 * rng.standard_normal((rows, actions))).astype(np.float32)
    # Errors on both sides of δ: Q-values spread several δ around the targets.
    q = (2 * delta * rng.standard_normal((rows, actions))).astype(np.float32)
    taken = rng.integers(0, actions, rows)
    targets = (2 * delta * rng.standard_normal(rows)).astype(np.float32)
    q_targets, dqn_loss = get("q_targets"), get("dqn_loss")

    def float32(value):
        dtype = getattr(value, "dtype", None)  # tf.DType and np.dtype both have a .name
        return float(getattr(dtype, "name", "") == "float32")

    return {
        f"{TARGETS}: float32 (1 = yes)": capture(
            lambda: float32(q_targets(rewards, dones, next_target, gamma))
        ),
        f"{LOSS}: float32 (1 = yes)": capture(lambda: float32(dqn_loss(q, taken, targets, delta))),
        f"{TARGETS}: q_targets": capture(q_targets, rewards, dones, next_target, gamma),
        f"{TARGETS}: lists in": capture(
            q_targets, rewards.tolist(), dones.tolist(), next_target.tolist(), gamma
        ),
        f"{DOUBLE}: q_targets(..., next_q_online)": capture(
            q_targets, rewards, dones, next_target, gamma, next_online
        ),
        f"{LOSS}: dqn_loss": capture(dqn_loss, q, taken, targets, delta),
        f"{LOSS}: dqn_loss, default δ": capture(dqn_loss, q, taken, targets),
        f"{GRADIENTS}: of dqn_loss": capture(_gradients, dqn_loss, q, taken, targets, delta),
    }
