"""Wrong Q-learning targets and DQN losses, one realistic mistake each."""

from keras import ops

from solutions.mistakes import known
from solutions.qlearning import dqn_loss, q_targets


def _tensors(rewards, dones, next_q_target):
    return (
        ops.convert_to_tensor(rewards, "float32"),
        ops.convert_to_tensor(dones, "float32"),
        ops.convert_to_tensor(next_q_target, "float32"),
    )


def _chosen(q_values, actions):
    q_values = ops.convert_to_tensor(q_values, "float32")
    actions = ops.cast(ops.convert_to_tensor(actions), "int32")
    return ops.take_along_axis(q_values, ops.expand_dims(actions, 1), axis=1)[:, 0]


def _huber(error, delta):
    error = ops.abs(error)
    quadratic = ops.minimum(error, delta)
    return 0.5 * ops.square(quadratic) + delta * (error - quadratic)


@known(
    "4.3",
    "bootstrap-terminal",
    "bootstrapped from a terminal state: when done = 1 the target is r alone; multiply "
    "the future by (1 − done)",
    replaces="q_targets",
)
def terminal_q_targets(rewards, dones, next_q_target, gamma, next_q_online=None):
    return q_targets(rewards, ops.zeros_like(ops.convert_to_tensor(dones)), next_q_target,
                     gamma, next_q_online)  # fmt: skip


@known(
    "4.3",
    "gamma-on-reward",
    "γ applied to the reward too, γ (r + max Q̂): the reward is not discounted, "
    "y = r + γ (1 − done) max Q̂",
    replaces="q_targets",
)
def discounted_reward_q_targets(rewards, dones, next_q_target, gamma, next_q_online=None):
    rewards, dones, next_q_target = _tensors(rewards, dones, next_q_target)
    return gamma * (rewards + (1.0 - dones) * ops.max(next_q_target, axis=1))


@known(
    "4.3",
    "online-max",
    "Double DQN taken as the max over the online network: the online network only picks "
    "the action, the target network values it, Q̂(s′, argmax Q(s′, ·))",
    replaces="q_targets",
)
def online_max_q_targets(rewards, dones, next_q_target, gamma, next_q_online=None):
    if next_q_online is None:
        return q_targets(rewards, dones, next_q_target, gamma)
    return q_targets(rewards, dones, next_q_online, gamma)


@known(
    "4.3",
    "double-swapped",
    "Double DQN the wrong way round: you let the target network pick the action and the "
    "online network value it; pick with argmax of next_q_online, value with next_q_target",
    replaces="q_targets",
)
def swapped_double_q_targets(rewards, dones, next_q_target, gamma, next_q_online=None):
    if next_q_online is None:
        return q_targets(rewards, dones, next_q_target, gamma)
    return q_targets(rewards, dones, next_q_online, gamma, next_q_target)


@known(
    "4.3",
    "targets-not-held",
    "the gradient flows into the targets: hold them fixed with ops.stop_gradient(targets)",
    replaces="dqn_loss",
)
def moving_target_dqn_loss(q_values, actions, targets, delta=1.0):
    targets = ops.convert_to_tensor(targets, "float32")
    return ops.mean(_huber(_chosen(q_values, actions) - targets, delta))


@known(
    "4.3",
    "all-actions",
    "every action's Q-value pulled towards the target: only the action taken has one; "
    "pick Q(s, a) with ops.take_along_axis",
    replaces="dqn_loss",
)
def all_actions_dqn_loss(q_values, actions, targets, delta=1.0):
    q_values = ops.convert_to_tensor(q_values, "float32")
    targets = ops.stop_gradient(ops.convert_to_tensor(targets, "float32"))
    return ops.mean(_huber(q_values - ops.expand_dims(targets, 1), delta))


@known(
    "4.3",
    "squared-error",
    "the squared error where Huber belongs: beyond |e| = δ the loss is linear, "
    "δ (|e| − δ/2), so a large error's gradient is clipped to ±δ",
    replaces="dqn_loss",
)
def squared_dqn_loss(q_values, actions, targets, delta=1.0):
    targets = ops.stop_gradient(ops.convert_to_tensor(targets, "float32"))
    return ops.mean(ops.square(_chosen(q_values, actions) - targets))


@known(
    "4.3",
    "summed",
    "summed over the batch: the loss is the mean over the N transitions",
    replaces="dqn_loss",
)
def summed_dqn_loss(q_values, actions, targets, delta=1.0):
    return dqn_loss(q_values, actions, targets, delta) * ops.cast(
        ops.shape(ops.convert_to_tensor(actions))[0], "float32"
    )
