"""Probes of Exercise 4.2: the greedy action (ties included), ε-greedy under the same
draws, the action frequencies of many rows judged without our draws, and the linear
schedule."""

import numpy as np

from ..compare import Tolerance
from ..evidence import Raised
from ..kinds.probe_runs import capture
from ..seeding import rng_for

TOLERANCE = Tolerance(atol=1e-6, rtol=1e-6)  # actions are integers; a float32 schedule passes
GREEDY = "greedy at ε = 0, ties to the lowest index"
SAME_DRAWS = "ε-greedy, same draws"
FREQUENCIES = "actions as often as ε says"
SCHEDULE = "linear schedule"
POINTS = {GREEDY: 2, SAME_DRAWS: 3, FREQUENCIES: 2, SCHEDULE: 3}
STATISTICAL = {FREQUENCIES}
ROWS, ACTIONS, EPSILON = 20000, 4, 0.3  # the frequency check's draw


def describe(case):
    (rows,) = case.input_shape
    config = case.config
    return (
        f"{rows} rows of {config['actions']} actions, ε = {config['epsilon']}, "
        f"schedule over {config['steps']} steps"
    )


def labels(case):
    return [f"{GREEDY}: distinct values", f"{SAME_DRAWS}: seed", f"{SCHEDULE}: down"]


def observe(get, case, seed, index):
    rng = rng_for(seed, "exploration", index)
    (rows,) = case.input_shape
    actions, epsilon, steps = case.config["actions"], case.config["epsilon"], case.config["steps"]
    q = rng.standard_normal((rows, actions))
    tied = rng.integers(0, 2, (rows, actions)).astype(np.float64)  # most rows tie
    draws = int(rng.integers(1 << 30))
    greedy, schedule = get("epsilon_greedy"), get("linear_schedule")

    def with_generator():  # one generator used twice: each call draws afresh
        generator = np.random.default_rng(draws + 1)
        return (greedy(q, epsilon, generator), greedy(q, epsilon, generator))

    def values(start, end):
        points = (0, 1, steps // 3, steps - 1, steps, steps + 1, 3 * steps)
        return np.array([schedule(t, start, end, steps) for t in points], np.float64)

    def is_int_array(value):
        return float(isinstance(value, np.ndarray) and value.dtype.kind in "iu")

    return {
        f"{GREEDY}: distinct values": capture(greedy, q, 0.0, draws),
        f"{GREEDY}: an int NumPy array (1 = yes)": capture(
            lambda: is_int_array(greedy(q, epsilon, draws))
        ),
        f"{GREEDY}: tied values": capture(greedy, tied, 0.0, draws),
        f"{GREEDY}: lists in": capture(greedy, tied.tolist(), 0.0, draws),
        f"{SAME_DRAWS}: seed": capture(greedy, q, epsilon, draws),
        f"{SAME_DRAWS}: a generator, twice": capture(with_generator),
        f"{SCHEDULE}: down": capture(values, 1.0, 0.1),
        f"{SCHEDULE}: up": capture(values, 0.2, 0.7),
        f"{SCHEDULE}: a Python float (1 = yes)": capture(
            lambda: float(isinstance(schedule(1, 1.0, 0.1, steps), float))
        ),
    }


def statistical_record(check, get, seed):
    """20000 rows of distinct Q-values at ε = 0.3, with this side's own draws."""
    rng = rng_for(seed, "exploration-frequencies")
    q = rng.standard_normal((ROWS, ACTIONS))
    return {
        "actions": capture(get("epsilon_greedy"), q, EPSILON, seed),
        "greedy": np.argmax(q, axis=1).astype(np.float64),
    }


def statistical_judge(check, mine, ref):
    """The greedy action in 1 − ε + ε/A of the rows, each other one in ε/A, within 4.5
    standard errors."""
    actions = mine["actions"]
    if isinstance(actions, Raised):
        return False, "epsilon_greedy raised " + actions.error.explained
    actions = np.asarray(actions, np.float64).ravel()
    if actions.shape != (ROWS,):
        return False, f"epsilon_greedy returned {actions.shape[0]} actions for {ROWS} rows"
    greedy = ref["greedy"]
    offset = (actions - greedy) % ACTIONS  # 0: the greedy action; 1…A−1: the others
    for k in range(ACTIONS):
        p = 1 - EPSILON + EPSILON / ACTIONS if k == 0 else EPSILON / ACTIONS
        share = float(np.mean(offset == k))
        if abs(share - p) > 4.5 * np.sqrt(p * (1 - p) / ROWS):
            which = "the greedy action" if k == 0 else f"the greedy action + {k} (mod {ACTIONS})"
            return False, (
                f"ε = {EPSILON}, {ACTIONS} actions, {ROWS} rows: {which} was taken in "
                f"{share:.3f} of rows, expected {p:.3f}: explore with probability ε, and "
                "then pick among all actions, the greedy one included"
            )
    return True, (
        f"{ROWS} rows at ε = {EPSILON}: the greedy action in "
        f"{1 - EPSILON + EPSILON / ACTIONS:.3f} of rows, each other in {EPSILON / ACTIONS:.3f}"
    )
