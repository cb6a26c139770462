"""Wrong ε-greedy policies and schedules, one realistic mistake each."""

import numpy as np

from solutions.mistakes import known


def _draws(q_values, epsilon, seed):
    q = np.asarray(q_values, dtype=np.float64)
    rng = np.random.default_rng(seed)
    return q, rng.random(len(q)) < epsilon, rng.integers(0, q.shape[1], size=len(q))


@known(
    "4.2",
    "epsilon-inverted",
    "ε applied the other way round (u > ε explores): the policy explores with "
    "probability 1 − ε; explore where rng.random(N) < epsilon",
    replaces="epsilon_greedy",
)
def inverted_epsilon_greedy(q_values, epsilon, seed):
    q, explore, random_actions = _draws(q_values, epsilon, seed)
    return np.where(~explore, random_actions, np.argmax(q, axis=1))


@known(
    "4.2",
    "ties-to-last",
    "ties broken towards the highest index: the docstring's greedy action is np.argmax, "
    "the lowest index among the tied",
    replaces="epsilon_greedy",
)
def last_tie_epsilon_greedy(q_values, epsilon, seed):
    q, explore, random_actions = _draws(q_values, epsilon, seed)
    last = q.shape[1] - 1 - np.argmax(q[:, ::-1], axis=1)
    return np.where(explore, random_actions, last)


@known(
    "4.2",
    "random-excludes-greedy",
    "a random action drawn among the non-greedy ones only: the greedy action is then "
    "taken in 1 − ε of rows, not 1 − ε + ε/A; draw among all A actions",
    replaces="epsilon_greedy",
)
def exclusive_epsilon_greedy(q_values, epsilon, seed):
    q = np.asarray(q_values, dtype=np.float64)
    rng = np.random.default_rng(seed)
    explore = rng.random(len(q)) < epsilon
    greedy = np.argmax(q, axis=1)
    others = (greedy + rng.integers(1, max(q.shape[1], 2), size=len(q))) % q.shape[1]
    return np.where(explore, others, greedy)


@known(
    "4.2",
    "draws-per-row",
    "draws made row by row (u, then a, for each row): the docstring's rule draws all N "
    "uniforms first, then all N actions",
    replaces="epsilon_greedy",
)
def row_by_row_epsilon_greedy(q_values, epsilon, seed):
    q = np.asarray(q_values, dtype=np.float64)
    rng = np.random.default_rng(seed)
    chosen = []
    for row in q:
        explore, action = rng.random() < epsilon, rng.integers(0, len(row))
        chosen.append(action if explore else np.argmax(row))
    return np.array(chosen, np.int64)


@known(
    "4.2",
    "schedule-not-held",
    "the schedule keeps going past `steps`: hold it at `end` with min(step / steps, 1)",
    replaces="linear_schedule",
)
def unclipped_schedule(step, start, end, steps):
    return start + (step / steps) * (end - start)


@known(
    "4.2",
    "schedule-integer-division",
    "step // steps: integer division jumps from start to end at once; divide as floats",
    replaces="linear_schedule",
)
def integer_schedule(step, start, end, steps):
    return start + min(step // steps, 1) * (end - start)


@known(
    "4.2",
    "schedule-reversed",
    "the schedule runs from end to start: value(0) must be start",
    replaces="linear_schedule",
)
def reversed_schedule(step, start, end, steps):
    return end + min(step / steps, 1.0) * (start - end)


@known(
    "4.2",
    "draws-swapped",
    "the two draws in the other order: first rng.random(N) (which rows explore), then "
    "rng.integers(0, A, size=N) (their random actions), as the docstring gives them",
    replaces="epsilon_greedy",
)
def swapped_draws_epsilon_greedy(q_values, epsilon, seed):
    q = np.asarray(q_values, dtype=np.float64)
    rng = np.random.default_rng(seed)
    random_actions = rng.integers(0, q.shape[1], size=len(q))
    explore = rng.random(len(q)) < epsilon
    return np.where(explore, random_actions, np.argmax(q, axis=1)).astype(np.int64)
