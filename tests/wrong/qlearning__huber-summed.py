# exercise: qlearning (4.3)
# family: wrong normalisation
# mistake: You sum the Huber losses over the batch instead of averaging them.
"""Exercise 4.3: the Q-learning target and the DQN loss."""

import numpy as np  # noqa: F401  (the examples use it)
from keras import ops


def q_targets(rewards, dones, next_q_target, gamma, next_q_online=None):
    """The one-step Q-learning targets (notes §3.4; Mnih et al. 2013, eq. 3 and
    Algorithm 1; Mnih et al. 2015, the target network Q̂):

        y = r + γ · (1 − done) · max_a′ Q̂(s′, a′)

    A transition that ended the episode (done = 1) has no future: its target is r alone.

    Double DQN (van Hasselt et al. 2016, eq. 4), when `next_q_online` is given: the
    online network picks the action, the target network values it,

        y = r + γ · (1 − done) · Q̂(s′, argmax_a′ Q(s′, a′))

    with ties in the argmax broken towards the lowest index (`ops.argmax`).

    Args:
        rewards: `(N,)` rewards r.
        dones: `(N,)` 1.0 where s′ ended the episode, else 0.0.
        next_q_target: `(N, A)` Q̂(s′, ·), the target network's values.
        gamma: float, the discount γ.
        next_q_online: `(N, A)` Q(s′, ·), the online network's values, or None.

    Returns:
        `(N,)` float32 tensor of targets.

    Example:
    >>> q_next = np.array([[1.0, 3.0], [2.0, 0.0]], "float32")
    >>> q_targets([1.0, 1.0], [0.0, 1.0], q_next, 0.5).numpy().tolist()
    [2.5, 1.0]
    >>> online = np.array([[9.0, 0.0], [0.0, 9.0]], "float32")  # picks action 0, then 1
    >>> q_targets([1.0, 1.0], [0.0, 0.0], q_next, 0.5, online).numpy().tolist()
    [1.5, 1.0]
    """
    rewards = ops.convert_to_tensor(rewards, "float32")
    dones = ops.convert_to_tensor(dones, "float32")
    next_q_target = ops.convert_to_tensor(next_q_target, "float32")
    if next_q_online is None:
        future = ops.max(next_q_target, axis=1)
    else:
        best = ops.argmax(ops.convert_to_tensor(next_q_online, "float32"), axis=1)
        future = ops.take_along_axis(next_q_target, ops.expand_dims(best, 1), axis=1)[:, 0]
    return rewards + gamma * (1.0 - dones) * future


def dqn_loss(q_values, actions, targets, delta=1.0):
    """The DQN loss: the Huber loss of the taken action's Q-value against its target,
    averaged over the batch (notes §3.4; Mnih et al. 2013, eq. 2–3; Mnih et al. 2015,
    Methods: the error term clipped to [−1, 1], which is Huber's gradient with δ = 1):

        e = Q(s, a) − y
        L = (1/N) Σ_n huber(e_n),   huber(e) = ½ e²  if |e| ≤ δ,  δ (|e| − ½ δ)  otherwise

    Only the action taken counts: the other actions have no target. The targets are held
    fixed (`ops.stop_gradient`): the gradient reaches Q(s, a) and never y, even if y was
    computed from the same network.

    Args:
        q_values: `(N, A)` Q(s, ·) from the online network (a tensor the gradient
            flows through).
        actions: `(N,)` ints, the actions taken.
        targets: `(N,)` y, from `q_targets`.
        delta: float > 0, where the loss turns from quadratic to linear.

    Returns:
        A float32 scalar tensor.

    Example:
    >>> q = np.array([[1.0, 5.0], [0.0, 2.0]], "float32")
    >>> float(dqn_loss(q, [0, 1], [1.5, -1.0]))  # errors −0.5 and 3.0: (0.125 + 2.5) / 2
    1.3125
    """
    q_values = ops.convert_to_tensor(q_values, "float32")
    actions = ops.cast(ops.convert_to_tensor(actions), "int32")
    targets = ops.stop_gradient(ops.convert_to_tensor(targets, "float32"))
    chosen = ops.take_along_axis(q_values, ops.expand_dims(actions, 1), axis=1)[:, 0]
    error = ops.abs(chosen - targets)
    quadratic = ops.minimum(error, delta)
    return ops.sum(0.5 * ops.square(quadratic) + delta * (error - quadratic))
