"""The deep Q-network and its learner: the online and target networks, the optimizer,
and one update under a `tf.distribute` strategy, built from the exercises' functions
(`q_targets` and `dqn_loss`, Exercise 4.3). The networks know nothing of the strategy."""

import time

import keras
import numpy as np
import tensorflow as tf

from ...train import levers
from ...train.custom_loss import runs_in_a_graph
from ...train.meter import Meter


def build_q_network(kind, observation_shape, num_actions):
    """Q(s, ·) for every action at once, from an observation (uint8 frames rescaled)."""
    scale = 1.0 / 255.0 if kind == "atari2013" else 1.0
    inputs = keras.Input(observation_shape)
    x = keras.layers.Rescaling(scale)(inputs)  # also casts uint8 to float32
    if kind == "mlp":  # bsuite's Catch baseline
        x = keras.layers.Flatten()(x)
        x = keras.layers.Dense(50, activation="relu")(x)
        x = keras.layers.Dense(50, activation="relu")(x)
    elif kind == "minatar":  # Young & Tian 2019
        x = keras.layers.Conv2D(16, 3, activation="relu")(x)
        x = keras.layers.Flatten()(x)
        x = keras.layers.Dense(128, activation="relu")(x)
    elif kind == "atari2013":  # Mnih et al. 2013, §5
        x = keras.layers.Conv2D(16, 8, strides=4, activation="relu")(x)
        x = keras.layers.Conv2D(32, 4, strides=2, activation="relu")(x)
        x = keras.layers.Flatten()(x)
        x = keras.layers.Dense(256, activation="relu")(x)
    else:
        raise ValueError(f"unknown network {kind}")
    outputs = keras.layers.Dense(num_actions)(x)
    return keras.Model(inputs, outputs, name=f"q_{kind}")


def make_optimizer(setup):
    if setup.optimizer == "rmsprop":  # the DQN papers' choice
        return keras.optimizers.RMSprop(setup.learning_rate, rho=0.95, epsilon=0.01)
    return keras.optimizers.Adam(setup.learning_rate)


class Learner:
    """The online network Q, the target network Q̂ (a copy, refreshed by `copy_target`)
    and one update: y from `q_targets` on Q̂ (and Q, for Double DQN), then a step on
    `dqn_loss`, each replica on its share of the batch, gradients summed across them."""

    def __init__(self, strategy, setup, observation_shape, num_actions, parts, double=False):
        self.strategy, self.setup, self.double = strategy, setup, double
        self.q_targets, self.dqn_loss = parts["q_targets"], parts["dqn_loss"]
        with strategy.scope():
            self.online = build_q_network(setup.network, observation_shape, num_actions)
            self.target = build_q_network(setup.network, observation_shape, num_actions)
            self.optimizer = levers.loss_scaled(make_optimizer(setup))
            self.optimizer.build(self.online.trainable_variables)
        self.copy_target()
        replicas = strategy.num_replicas_in_sync
        # Student code in NumPy passes the grader but cannot run in a graph: then the
        # targets are computed eagerly between two graph calls.
        self.fused = runs_in_a_graph(
            lambda r, d, q: self.q_targets(r, d, q, setup.gamma, q if double else None),
            tf.TensorSpec([None], tf.float32),
            tf.TensorSpec([None], tf.float32),
            tf.TensorSpec([None, num_actions], tf.float32),
        )

        def replica_loss(observations, actions, targets):
            q = levers.as_float32(tf, self.online(observations, training=True))
            # dqn_loss is the replica's batch mean; the replicas' gradients are summed.
            return (self.dqn_loss(q, actions, targets) / replicas,)

        variables = self.online.trainable_variables
        gradients_of = levers.gradient_function(tf, replica_loss, variables, self.optimizer)

        def update(observations, actions, targets):
            loss, gradients = gradients_of(observations, actions, targets)
            self.optimizer.apply_gradients(zip(gradients, variables))
            return loss

        def next_values(next_observations):  # in float32 for the student's q_targets
            online = self.online(next_observations) if double else None
            return levers.as_float32(tf, (self.target(next_observations), online))

        def fused_step(observations, actions, rewards, next_observations, dones):
            next_target, next_online = next_values(next_observations)
            targets = self.q_targets(rewards, dones, next_target, setup.gamma, next_online)
            return update(observations, actions, targets)

        @tf.function
        def train_fused(batch):
            losses = strategy.run(fused_step, args=batch)
            return strategy.reduce(tf.distribute.ReduceOp.SUM, losses, axis=None)

        @tf.function
        def train_given_targets(batch):
            losses = strategy.run(update, args=batch)
            return strategy.reduce(tf.distribute.ReduceOp.SUM, losses, axis=None)

        self._train_fused, self._train_given = train_fused, train_given_targets
        self.meter = Meter("DQN update")
        self._next_values = tf.function(next_values)
        self._q = tf.function(
            lambda observations: levers.as_float32(tf, self.online(observations)),
            reduce_retracing=True,
        )

    def copy_target(self):
        for mine, theirs in zip(self.target.weights, self.online.weights):
            mine.assign(theirs)

    def q_values(self, observations):
        return self._q(np.asarray(observations)).numpy()

    def _distribute(self, *arrays):
        """The batch's rows dealt out to the replicas (each takes every n-th)."""
        replicas = self.strategy.num_replicas_in_sync

        def share(context):
            index = context.replica_id_in_sync_group
            return tuple(tf.constant(a[index::replicas]) for a in arrays)

        return self.strategy.experimental_distribute_values_from_function(share)

    def train(self, batch):
        """One update on a sample of the replay buffer; the loss (mean over the batch)."""
        started = time.perf_counter()
        loss = self._update(batch)
        self.meter.add(len(batch["actions"]), time.perf_counter() - started, loss)
        return loss

    def _update(self, batch):
        observations = batch["observations"]
        actions = np.asarray(batch["actions"], np.int32)
        rewards = np.asarray(batch["rewards"], np.float32)
        dones = np.asarray(batch["dones"], np.float32)
        next_observations = batch["next_observations"]
        if self.fused:
            return float(self._train_fused(
                self._distribute(observations, actions, rewards, next_observations, dones)
            ))  # fmt: skip
        next_target, next_online = self._next_values(tf.constant(next_observations))
        targets = self.q_targets(rewards, dones, next_target, self.setup.gamma, next_online)
        targets = np.asarray(targets, np.float32)
        return float(self._train_given(self._distribute(observations, actions, targets)))

    def weights(self):
        """Everything a checkpoint needs: both networks and the optimizer's state."""
        return {
            **{f"online/{i}": w for i, w in enumerate(self.online.get_weights())},
            **{f"target/{i}": w for i, w in enumerate(self.target.get_weights())},
            **{f"optimizer/{i}": v.numpy() for i, v in enumerate(self.optimizer.variables)},
        }

    def restore(self, saved):
        count = len(self.online.weights)
        self.online.set_weights([saved[f"online/{i}"] for i in range(count)])
        self.target.set_weights([saved[f"target/{i}"] for i in range(count)])
        for i, variable in enumerate(self.optimizer.variables):
            variable.assign(saved[f"optimizer/{i}"])
