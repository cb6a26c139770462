"""Annealed importance sampling checked against the exact partition function (notes
§3.3.1; Salakhutdinov & Murray 2008): on RBMs small enough to sum over every hidden
state, AIS's log Z beside the exact one for several numbers of intermediate
distributions, each repeated to show the spread; then the estimate for an RBM too
large to sum, and the test log-likelihood it gives.

AIS comes from the implementation being run (exercise 3.7, `ais_log_partition` and its
`beta_schedule` and `base_rate_bias`), the exact log Z from likelihood.py."""

import time

import numpy as np

from .likelihood import MAX_HIDDEN, free_energy, log_partition

# Salakhutdinov & Murray's schedule: 500 steps from β = 0 to 0.5, 4,000 to 0.9 and
# 10,000 to 1 (K = 14,500); a smaller K keeps the proportions.
KNOTS = (0.0, 0.5, 0.9, 1.0)
SHARES = (500, 4000, 10000)


def schedule_counts(steps):
    """The steps of each stretch for K = `steps` in all, in Salakhutdinov & Murray's
    proportions: 14500 -> (500, 4000, 10000), 1450 -> (50, 400, 1000)."""
    first = max(1, round(steps * SHARES[0] / sum(SHARES)))
    second = max(1, round(steps * SHARES[1] / sum(SHARES)))
    return (first, second, steps - first - second)


def estimates(ais, weights, base_bias, steps, runs, repeats, seed):
    """`repeats` independent AIS estimates of log Z, each from `runs` runs of K =
    `steps`, and the seconds each took. NumPy's BLAS keeps to one thread: on these small
    products (100 × 64 by 64 × 100) two threads were 6 times slower on a loaded 2-core
    machine."""
    from threadpoolctl import threadpool_limits

    W, b, c = (np.asarray(w, np.float64) for w in weights)
    betas = ais.beta_schedule(schedule_counts(steps), KNOTS)
    found, seconds = [], []
    for repeat in range(repeats):
        started = time.perf_counter()
        with threadpool_limits(1):
            log_z, _ = ais.ais_log_partition(
                W, b, c, base_bias, betas, runs, np.random.default_rng([seed, steps, repeat])
            )
        seconds.append(time.perf_counter() - started)
        found.append(float(log_z))
    return np.array(found), float(np.median(seconds))


def test_log_likelihood(weights, test, log_z):
    """Mean log p(v) = −F(v) − log Z over the test split, in nats."""
    return float(np.mean(-free_energy(*weights, test))) - log_z


def table(ais, rbms, data, setup, seed, log):
    """One row per RBM and K: exact and AIS log Z, their difference, the spread over
    repeats, and the test log-likelihood each gives. `rbms` maps a label to
    (hidden units, weights (W, b, c))."""
    import pandas as pd

    base_bias = ais.base_rate_bias(data.x["train"])
    test = data.x["test"]
    rows = []
    for label, (hidden, weights) in rbms.items():
        exact = log_partition(*weights) if hidden <= MAX_HIDDEN else None
        steps_tried = setup.ais_steps if exact is not None else setup.ais_steps[-1:]
        for steps in steps_tried:
            found, seconds = estimates(
                ais, weights, base_bias, steps, setup.ais_runs, setup.ais_repeats, seed
            )
            estimate = float(np.mean(found))
            rows.append(
                {
                    "RBM": label,
                    "K": steps,
                    "exact log Z": exact,
                    "AIS log Z (mean)": estimate,
                    "AIS − exact": None if exact is None else estimate - exact,
                    "s.d. over repeats": float(np.std(found, ddof=1)) if len(found) > 1 else None,
                    "test LL exact": None
                    if exact is None
                    else test_log_likelihood(weights, test, exact),
                    "test LL by AIS": test_log_likelihood(weights, test, estimate),
                    "seconds per estimate": seconds,
                }
            )
            off = "" if exact is None else f", {estimate - exact:+.3f} from the exact {exact:.3f}"
            log(
                f"   {label}, K = {steps}: AIS log Z {estimate:.3f} "
                f"(s.d. {rows[-1]['s.d. over repeats'] or 0:.3f} over {len(found)}){off}"
            )
    return pd.DataFrame(rows)
