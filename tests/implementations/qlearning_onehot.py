"""Exercise 4.3: the Q-learning target and the DQN loss.

Only what a student writes: tests/splice.py lays it over the current stub."""


def q_targets(rewards, dones, next_q_target, gamma, next_q_online=None):
    r = ops.cast(rewards, "float32")
    alive = 1.0 - ops.cast(dones, "float32")
    q_hat = ops.cast(next_q_target, "float32")
    if next_q_online is not None:
        pick = ops.one_hot(ops.argmax(ops.cast(next_q_online, "float32"), axis=-1), q_hat.shape[-1])
        best = ops.sum(q_hat * pick, axis=-1)
    else:
        best = ops.max(q_hat, axis=-1)
    return r + gamma * alive * best


def dqn_loss(q_values, actions, targets, delta=1.0):
    q_values = ops.cast(q_values, "float32")
    mask = ops.one_hot(ops.cast(actions, "int32"), q_values.shape[-1])
    chosen = ops.sum(q_values * mask, axis=-1)
    error = chosen - ops.stop_gradient(ops.cast(targets, "float32"))
    small = ops.abs(error) <= delta
    losses = ops.where(small, 0.5 * error * error, delta * (ops.abs(error) - 0.5 * delta))
    return ops.mean(losses)
