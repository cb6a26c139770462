"""Wrong replay buffers, one realistic mistake each."""

import numpy as np

from solutions.mistakes import known
from solutions.replay import ReplayBuffer


def _fields(buffer, slots, next_slots=None):
    return {
        "observations": buffer.observations[slots],
        "actions": buffer.actions[slots],
        "rewards": buffer.rewards[slots],
        "next_observations": buffer.next_observations[slots if next_slots is None else next_slots],
        "dones": buffer.dones[slots],
    }


def _write(buffer, slot, observation, action, reward, next_observation, done):
    buffer.observations[slot] = observation
    buffer.actions[slot] = action
    buffer.rewards[slot] = reward
    buffer.next_observations[slot] = next_observation
    buffer.dones[slot] = float(done)


@known(
    "4.1",
    "advance-before-write",
    "next_slot moved on before writing: the first transition lands in slot 1, not 0; "
    "write at next_slot, then move it on",
)
class AdvanceFirstReplayBuffer(ReplayBuffer):
    def add(self, observation, action, reward, next_observation, done):
        self.next_slot = (self.next_slot + 1) % self.capacity
        _write(self, self.next_slot, observation, action, reward, next_observation, done)
        self.size = min(self.size + 1, self.capacity)


@known(
    "4.1",
    "wraps-one-early",
    "the ring wraps one slot early (% (capacity − 1)): the last slot keeps a stale "
    "transition instead of the oldest being overwritten; wrap with % capacity",
)
class EarlyWrapReplayBuffer(ReplayBuffer):
    def add(self, observation, action, reward, next_observation, done):
        _write(self, self.next_slot, observation, action, reward, next_observation, done)
        self.next_slot = (self.next_slot + 1) % max(self.capacity - 1, 1)
        self.size = min(self.size + 1, self.capacity)


@known(
    "4.1",
    "writes-at-len",
    "writes at len(self) % capacity: once the buffer is full, len stays at capacity and "
    "every new transition overwrites slot 0, not the oldest; keep a next_slot of its own",
)
class LengthSlotReplayBuffer(ReplayBuffer):
    def add(self, observation, action, reward, next_observation, done):
        slot = self.size % self.capacity
        _write(self, slot, observation, action, reward, next_observation, done)
        self.next_slot = (self.next_slot + 1) % self.capacity  # kept, but not used
        self.size = min(self.size + 1, self.capacity)


@known(
    "4.1",
    "size-not-capped",
    "len grows past capacity: count at most capacity transitions, size = min(size + 1, capacity)",
)
class UncappedReplayBuffer(ReplayBuffer):
    def add(self, observation, action, reward, next_observation, done):
        _write(self, self.next_slot, observation, action, reward, next_observation, done)
        self.next_slot = (self.next_slot + 1) % self.capacity
        self.size += 1

    def sample(self, batch_size, seed):
        slots = np.random.default_rng(seed).integers(0, self.size, size=batch_size)
        return _fields(self, slots % self.capacity)


@known(
    "4.1",
    "samples-empty-slots",
    "draws from all capacity slots before the buffer is full, empty ones included: draw "
    "integers(0, len(self))",
)
class EmptySlotsReplayBuffer(ReplayBuffer):
    def sample(self, batch_size, seed):
        slots = np.random.default_rng(seed).integers(0, self.capacity, size=batch_size)
        return _fields(self, slots)


@known(
    "4.1",
    "next-from-next-slot",
    "the next observation taken from the next slot: that slot holds another transition "
    "(or a new episode, or nothing); return next_observations at the same slots",
)
class NextSlotReplayBuffer(ReplayBuffer):
    def sample(self, batch_size, seed):
        slots = np.random.default_rng(seed).integers(0, self.size, size=batch_size)
        following = (slots + 1) % self.capacity
        fields = _fields(self, slots)
        fields["next_observations"] = self.observations[following]
        return fields


@known(
    "4.1",
    "without-replacement",
    "drawn without replacement (rng.choice(len, batch, replace=False)): the docstring's "
    "rule is integers(0, len(self), size=batch_size), with replacement",
)
class ChoiceReplayBuffer(ReplayBuffer):
    def sample(self, batch_size, seed):
        rng = np.random.default_rng(seed)
        slots = rng.choice(self.size, size=batch_size, replace=batch_size > self.size)
        return _fields(self, slots)


def _sampled(buffer, slots):
    return _fields(buffer, slots)


@known(
    "4.1",
    "samples-whole-capacity",
    "slots drawn from the whole capacity: until the buffer is full, integers(0, capacity) "
    "draws empty slots; draw from integers(0, len(self))",
)
class WholeCapacityReplayBuffer(ReplayBuffer):
    def sample(self, batch_size, seed):
        if self.size == 0:
            return super().sample(batch_size, seed)
        slots = np.random.default_rng(seed).integers(0, self.capacity, size=batch_size)
        return _sampled(self, slots)


@known(
    "4.1",
    "newest-never-drawn",
    "the newest transition is never drawn: integers' upper bound is exclusive, so "
    "integers(0, len(self)) already reaches the last stored slot; do not subtract one",
)
class NewestNeverDrawnReplayBuffer(ReplayBuffer):
    def sample(self, batch_size, seed):
        if self.size <= 1:
            return super().sample(batch_size, seed)
        slots = np.random.default_rng(seed).integers(0, self.size - 1, size=batch_size)
        return _sampled(self, slots)
