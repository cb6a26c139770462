"""Exercise 4.2: ε-greedy exploration and its linear schedule.

Only what a student writes: tests/splice.py lays it over the current stub."""


def epsilon_greedy(q_values, epsilon, seed):
    table = [list(map(float, row)) for row in np.asarray(q_values)]
    rng = np.random.default_rng(seed)
    coins = rng.random(len(table))
    randoms = rng.integers(0, len(table[0]), size=len(table))
    chosen = []
    for row, coin, random_action in zip(table, coins, randoms):
        if coin < epsilon:
            chosen.append(int(random_action))
        else:
            best = 0
            for action, value in enumerate(row):
                if value > row[best]:  # strictly greater: the first of a tie stays
                    best = action
            chosen.append(best)
    return np.array(chosen, dtype=np.int64)


def linear_schedule(step, start, end, steps):
    if step >= steps:
        return float(end)
    return start + (end - start) * step / steps
