# exercise: replay (4.1)
# family: random draws in another order or from the wrong distribution
# mistake: You draw slots from 0 … capacity − 1, including slots that hold no transition yet; draw from 0 … len − 1.
"""Exercise 4.1: experience replay, the memory a deep Q-network learns from."""

import numpy as np


class ReplayBuffer:
    """A ring of the last `capacity` transitions (s, a, r, s′, done), sampled uniformly
    (notes §3.4; Mnih et al. 2013, §4 and Algorithm 1: "store transition
    (φ_t, a_t, r_t, φ_{t+1}) in D", then "sample random minibatch of transitions from D").

    Learning from a random sample of the past, rather than from the last few steps,
    breaks the correlation between consecutive updates and reuses each transition many
    times.

    Storage: one preallocated NumPy array per field, `capacity` slots each. Slot
    `self.next_slot` receives the next transition; then `next_slot` moves on by one and
    wraps to 0 after `capacity − 1`, so once the buffer is full each new transition
    overwrites the oldest. `self.size` counts the stored transitions, at most `capacity`
    (`len(buffer)` returns it).

    Sampling, exactly (so that the grader can give you and the reference the same
    draws): `slots = np.random.default_rng(seed).integers(0, len(self), size=batch_size)`,
    with replacement; the batch is each field at those slots, in that order. The
    filled slots are 0 … len − 1 whether or not the ring has wrapped, so no empty slot is
    ever drawn.

    Args:
        capacity: int ≥ 1, how many transitions are kept.
        observation_shape: tuple, the shape of one observation, e.g. (10, 5, 1).
        dtype: the observations' dtype: "float32", or "uint8" for Atari frames (a
            quarter of the memory).

    Example:
    >>> buffer = ReplayBuffer(3, (2,))
    >>> for t in range(4):  # the fourth transition overwrites the first
    ...     buffer.add([t, t], 1, 0.5, [t + 1, t + 1], False)
    >>> len(buffer), buffer.next_slot, buffer.observations[:, 0].tolist()
    (3, 1, [3.0, 1.0, 2.0])
    >>> batch = buffer.sample(4, seed=0)
    >>> sorted(batch), batch["observations"].shape
    (['actions', 'dones', 'next_observations', 'observations', 'rewards'], (4, 2))
    """

    def __init__(self, capacity, observation_shape, dtype="float32"):
        self.capacity = int(capacity)
        self.observation_shape = tuple(int(d) for d in observation_shape)
        shape = (self.capacity,) + self.observation_shape
        self.observations = np.zeros(shape, dtype)
        self.next_observations = np.zeros(shape, dtype)
        self.actions = np.zeros(self.capacity, np.int64)
        self.rewards = np.zeros(self.capacity, np.float32)
        self.dones = np.zeros(self.capacity, np.float32)
        self.next_slot = 0  # where the next transition goes
        self.size = 0  # how many slots hold a transition

    def __len__(self):
        return self.size

    def add(self, observation, action, reward, next_observation, done):
        """Store one transition in slot `next_slot`; then move `next_slot` on by one
        (wrapping to 0) and count it in `size` (at most `capacity`).

        Args:
            observation, next_observation: arrays of `observation_shape`.
            action: int. reward: float. done: bool, True when next_observation ended
                the episode (then nothing is bootstrapped from it, Exercise 4.3).
        """
        slot = self.next_slot
        self.observations[slot] = observation
        self.actions[slot] = action
        self.rewards[slot] = reward
        self.next_observations[slot] = next_observation
        self.dones[slot] = float(done)
        self.next_slot = (slot + 1) % self.capacity
        self.size = min(self.size + 1, self.capacity)

    def sample(self, batch_size, seed):
        """A uniform random batch of stored transitions, drawn with the class
        docstring's rule.

        Args:
            batch_size: int.
            seed: an int, or a `numpy.random.Generator`, which
                `np.random.default_rng(seed)` uses as it is (the training loop passes
                one generator, so every call draws afresh).

        Returns:
            A dict of arrays: "observations" and "next_observations"
            `(batch_size,) + observation_shape` in the buffer's dtype, "actions"
            `(batch_size,)` int64, "rewards" and "dones" `(batch_size,)` float32.

        Raises:
            ValueError: the buffer is empty.
        """
        if self.size == 0:
            raise ValueError("the replay buffer is empty: add transitions before sampling")
        slots = np.random.default_rng(seed).integers(0, self.capacity, size=batch_size)
        return {
            "observations": self.observations[slots],
            "actions": self.actions[slots],
            "rewards": self.rewards[slots],
            "next_observations": self.next_observations[slots],
            "dones": self.dones[slots],
        }

    def state(self):
        """Everything the buffer holds, as arrays (for a checkpoint: np.savez)."""
        return {
            "observations": self.observations,
            "next_observations": self.next_observations,
            "actions": self.actions,
            "rewards": self.rewards,
            "dones": self.dones,
            "next_slot": np.int64(self.next_slot),
            "size": np.int64(self.size),
        }

    def restore(self, state):
        """Take back what `state()` gave (the capacity and shapes must match)."""
        for name in ("observations", "next_observations", "actions", "rewards", "dones"):
            getattr(self, name)[...] = state[name]
        self.next_slot, self.size = int(state["next_slot"]), int(state["size"])
