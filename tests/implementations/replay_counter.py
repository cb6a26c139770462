"""Exercise 4.1: experience replay, the memory a deep Q-network learns from.

Only what a student writes: tests/splice.py lays it over the current stub."""

FIELDS = ("observations", "actions", "rewards", "next_observations", "dones")


class ReplayBuffer:
    def add(self, observation, action, reward, next_observation, done):
        values = (observation, action, reward, next_observation, 1.0 if done else 0.0)
        for name, value in zip(FIELDS, values):
            getattr(self, name)[self.next_slot] = value
        self.next_slot += 1
        if self.next_slot == self.capacity:
            self.next_slot = 0
        if self.size < self.capacity:
            self.size += 1

    def sample(self, batch_size, seed):
        rng = np.random.default_rng(seed)
        picked = rng.integers(len(self), size=batch_size)
        return {name: getattr(self, name)[picked] for name in FIELDS}
