# exercise: epsilon (4.2)
# family: random draws in another order or from the wrong distribution
# mistake: You draw the random actions before the explore decisions; the docstring's order is rng.random first, then rng.integers.
"""Exercise 4.2: ε-greedy exploration and its linear schedule."""

import numpy as np


def epsilon_greedy(q_values, epsilon, seed):
    """One action per row: with probability ε a uniformly random action, otherwise the
    greedy one, argmax_a Q(s, a) (notes §3.4; Mnih et al. 2013, Algorithm 1: "with
    probability ε select a random action a_t, otherwise select a_t = max_a Q*(φ(s_t), a)").

    Random draws, exactly (so that the grader can give you and the reference the same
    ones), with `rng = np.random.default_rng(seed)` and N rows, A actions:
        explore = rng.random(N) < epsilon           # first draw: which rows explore
        random_actions = rng.integers(0, A, size=N)  # second draw, made for every row
    A row that explores takes its random action (which may be the greedy one). A row
    that does not takes the greedy action, ties broken towards the *lowest* index, as
    `np.argmax` does.

    Args:
        q_values: `(N, A)` array-like of Q-values.
        epsilon: float in [0, 1].
        seed: an int, or a `numpy.random.Generator`, used as it is by
            `np.random.default_rng(seed)`.

    Returns:
        `(N,)` int64 NumPy array of actions in [0, A).

    Example:
    >>> q = np.array([[0.0, 2.0, 1.0], [5.0, 5.0, -1.0]])
    >>> epsilon_greedy(q, 0.0, seed=0).tolist()  # row 1: a tie, the lower index wins
    [1, 0]
    >>> epsilon_greedy(q, 1.0, seed=4).tolist()  # every row explores
    [2, 2]
    """
    q = np.asarray(q_values, dtype=np.float64)
    rows, actions = q.shape
    rng = np.random.default_rng(seed)
    random_actions = rng.integers(0, actions, size=rows)
    explore = rng.random(rows) < epsilon
    return np.where(explore, random_actions, np.argmax(q, axis=1)).astype(np.int64)


def linear_schedule(step, start, end, steps):
    """ε annealed linearly from `start` to `end` over `steps` steps, then held at `end`
    (Mnih et al. 2013, §5: "ε annealed linearly from 1 to 0.1 over the first million
    frames, and fixed at 0.1 thereafter"):

        value(step) = start + min(step / steps, 1) · (end − start)

    Args:
        step: int ≥ 0, the number of steps taken so far.
        start, end: floats (end may be above start: the rule is the same).
        steps: int > 0, the steps the change takes.

    Returns:
        A Python float.

    Example:
    >>> [round(linear_schedule(t, 1.0, 0.1, 10), 2) for t in (0, 5, 10, 20)]
    [1.0, 0.55, 0.1, 0.1]
    """
    fraction = min(float(step) / float(steps), 1.0)
    return float(start + fraction * (end - start))
