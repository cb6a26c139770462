"""Experience replay that keeps each frame once, for stacked-frame observations (Atari:
84×84×4, the newest frame last), as Dopamine's and Stable-Baselines3's
(`optimize_memory_usage`) do, so that the paper's million transitions fit in 7 GB
instead of the 56 GB that Exercise 4.1's buffer (both observations in full) would take.

It is a drop-in for 4.1's `ReplayBuffer`: the same slots, the same draws
(`np.random.default_rng(seed).integers(0, len, size=batch_size)`), the same batch,
element for element (a test holds the two to it, episodes and wrapping included).

How: transition g (the g-th ever added) keeps only the newest frame of its next
observation, in a ring of capacity + 4 frames, so that the frames the oldest kept
transition looks back on are still there. Within an episode, observation(g) is the last
4 frames of the sequence [the episode's first observation, new frame of its first
transition, of its second, ...]; so only the first observation of each episode with a
transition still kept is stored whole. A transition whose observation is not the
previous next observation, or whose next observation is not its observation shifted by
one frame, starts a new episode: the buffer stays exact whatever the environment does at
a reset.
"""

from collections import OrderedDict

import numpy as np


class FrameReplay:
    """4.1's `ReplayBuffer` interface (add, sample, len, state, restore) for
    observations of shape (..., stack), the newest frame last."""

    def __init__(self, capacity, observation_shape, dtype="uint8"):
        self.capacity = int(capacity)
        self.observation_shape = tuple(int(d) for d in observation_shape)
        *frame_shape, self.stack = self.observation_shape
        # Transition g's new frame is at g % len(frames): the oldest kept transition's
        # observation reaches back to the new frames of the `stack` transitions before it.
        self.frames = np.zeros((self.capacity + self.stack, *frame_shape), dtype)
        self.actions = np.zeros(self.capacity, np.int64)
        self.rewards = np.zeros(self.capacity, np.float32)
        self.dones = np.zeros(self.capacity, np.float32)
        self.added = np.zeros(self.capacity, np.int64)  # slot -> g, its transition's number
        self.start = np.zeros(self.capacity, np.int64)  # slot -> g of its episode's first
        self.firsts = OrderedDict()  # g of an episode's first -> its first observation
        self.wholes = OrderedDict()  # g -> (observation, next observation), not a shift
        self.next_slot = 0
        self.size = 0
        self.count = 0  # transitions ever added: the next one's g
        self._last_next = None  # the last next observation, to see an episode go on
        self._last_whole = False

    def __len__(self):
        return self.size

    @property
    def nbytes(self):
        """Bytes held, the kept episodes' first observations included."""
        arrays = (self.frames, self.actions, self.rewards, self.dones, self.added, self.start)
        kept = [o.nbytes for o in self.firsts.values()]
        kept += [a.nbytes + b.nbytes for a, b in self.wholes.values()]
        return sum(a.nbytes for a in arrays) + sum(kept)

    def add(self, observation, action, reward, next_observation, done):
        observation = np.asarray(observation, self.frames.dtype)
        next_observation = np.asarray(next_observation, self.frames.dtype)
        g, slot = self.count, self.next_slot
        shifted = np.array_equal(next_observation[..., :-1], observation[..., 1:])
        goes_on = (
            shifted
            and self._last_next is not None
            and not self._last_whole
            and np.array_equal(observation, self._last_next)
        )
        if not shifted:  # not a stack of frames moving on: kept whole, on its own
            self.start[slot] = g
            self.wholes[g] = (observation.copy(), next_observation.copy())
        elif goes_on:
            self.start[slot] = self.start[(slot - 1) % self.capacity]
        else:
            self.start[slot] = g
            self.firsts[g] = observation.copy()
        self.frames[g % len(self.frames)] = next_observation[..., -1]
        self.actions[slot], self.rewards[slot], self.dones[slot] = action, reward, float(done)
        self.added[slot] = g
        self.count, self.next_slot = g + 1, (slot + 1) % self.capacity
        self.size = min(self.size + 1, self.capacity)
        self._last_next, self._last_whole = next_observation.copy(), not shifted
        self._forget()

    def _forget(self):
        """Drop what no kept transition reaches back to: an episode's first observation
        once the next episode began at or before the oldest kept transition."""
        oldest = self.count - self.size  # g of the oldest kept transition
        while self.wholes and next(iter(self.wholes)) < oldest:
            self.wholes.popitem(last=False)
        while self.firsts:
            keys = iter(self.firsts)
            first = next(keys)
            # Where its episode ended: the next start, of either kind (both in order).
            ends = [k for k in (next(keys, None), next((w for w in self.wholes if w > first), None))
                    if k is not None]  # fmt: skip
            if ends and min(ends) <= oldest:
                del self.firsts[first]
            else:
                break

    def observation(self, slot, offset=0):
        """The observation (offset 0) or next observation (offset 1) in `slot`."""
        g, start = int(self.added[slot]), int(self.start[slot])
        if g in self.wholes:
            return self.wholes[g][offset]
        first = self.firsts[start]
        m = g - start + offset  # the stack is S[m : m + stack]
        parts = [
            first[..., s]
            if s < self.stack
            else self.frames[(start + s - self.stack) % len(self.frames)]
            for s in range(m, m + self.stack)
        ]
        return np.stack(parts, axis=-1)

    def sample(self, batch_size, seed):
        """4.1's rule, its draws: slots = default_rng(seed).integers(0, len, batch_size)."""
        if self.size == 0:
            raise ValueError("the replay buffer is empty: add transitions before sampling")
        slots = np.random.default_rng(seed).integers(0, self.size, size=batch_size)
        return {
            "observations": np.stack([self.observation(s, 0) for s in slots]),
            "actions": self.actions[slots],
            "rewards": self.rewards[slots],
            "next_observations": np.stack([self.observation(s, 1) for s in slots]),
            "dones": self.dones[slots],
        }

    def state(self):
        """Everything the buffer holds, as arrays (for a checkpoint: np.savez)."""
        empty = np.zeros((0, *self.observation_shape), self.frames.dtype)
        return {
            "frames": self.frames,
            "actions": self.actions,
            "rewards": self.rewards,
            "dones": self.dones,
            "added": self.added,
            "start": self.start,
            "counters": np.array([self.next_slot, self.size, self.count, self._last_whole]),
            "first_keys": np.array(list(self.firsts), np.int64),
            "first_observations": np.stack(list(self.firsts.values())) if self.firsts else empty,
            "whole_keys": np.array(list(self.wholes), np.int64),
            "whole_observations": (
                np.stack([np.stack(pair) for pair in self.wholes.values()])
                if self.wholes
                else np.zeros((0, 2, *self.observation_shape), self.frames.dtype)
            ),
            "last_next": empty if self._last_next is None else self._last_next[None],
        }

    def restore(self, state):
        """Take back what `state()` gave (the capacity and shapes must match)."""
        for name in ("frames", "actions", "rewards", "dones", "added", "start"):
            getattr(self, name)[...] = state[name]
        self.next_slot, self.size, self.count, last_whole = (int(v) for v in state["counters"])
        self._last_whole = bool(last_whole)
        self.firsts = OrderedDict(
            (int(k), o) for k, o in zip(state["first_keys"], state["first_observations"])
        )
        self.wholes = OrderedDict(
            (int(k), (pair[0], pair[1]))
            for k, pair in zip(state["whole_keys"], state["whole_observations"])
        )
        self._last_next = state["last_next"][0] if len(state["last_next"]) else None
