"""Probes of Exercise 3.7: annealed importance sampling for an RBM's log Z. The schedule,
the base rate's log Z_A, the intermediate distributions, the transitions, log-mean-exp
and whole AIS runs under the same draws; the transitions' long-run frequencies judged
against the exact intermediate distribution, and an estimate against the exact log Z."""

import numpy as np

from ..compare import Tolerance
from ..evidence import Raised
from ..kinds.probe_runs import capture
from ..seeding import rng_for

TOLERANCE = Tolerance(atol=1e-6, rtol=1e-6)  # float64 NumPy work
SCHEDULE = "β schedule"
BASE = "base-rate log Z_A"
INTERMEDIATE = "intermediate distributions log p*_β"
TRANSITION = "transitions, same draws"
INVARIANT = "transitions leave p_β invariant"
LOG_SPACE = "log-mean-exp in log space"
ESTIMATE = "AIS estimate, same draws"
EXACT = "AIS agrees with the exact log Z"
POINTS = {
    SCHEDULE: 1,
    BASE: 1,
    INTERMEDIATE: 2,
    TRANSITION: 1,
    INVARIANT: 1,
    LOG_SPACE: 1,
    ESTIMATE: 2,
    EXACT: 1,
}
STATISTICAL = {INVARIANT, EXACT}
CHAINS, BURN_IN, KEPT = 4000, 30, 20  # parallel chains, steps discarded, steps counted
INVARIANT_BETA, INVARIANT_SCALE = 0.4, 3.0  # where a step's slips show most
# Total variation: the reference gives 0.004–0.007, a step that leaves only the hidden
# units untempered 0.036–0.082 (five seeds), the known mistakes 0.2 and more.
MAX_DISTANCE = 0.02
EXACT_RUNS, EXACT_STEPS = 400, 300
MAX_ERROR = 0.1  # nats: the reference is within 0.01 of the exact log Z here


def rbm(n_visible, n_hidden, rng, scale=1.0):
    """A target RBM (W, b, c) and base-rate visible biases b_A, all float64."""
    W = rng.standard_normal((n_visible, n_hidden)) * scale
    b = 0.5 * rng.standard_normal(n_visible)
    c = 0.5 * rng.standard_normal(n_hidden)
    return W, b, c, rng.standard_normal(n_visible)


def _sizes(case):
    n_runs, n_visible = case.input_shape
    return n_runs, n_visible, case.config["n_hidden"], sum(case.config["counts"])


def describe(case):
    n_runs, n_visible, n_hidden, steps = _sizes(case)
    return (
        f"an RBM of {n_visible} visible and {n_hidden} hidden units (weights ×"
        f"{case.config.get('scale', 1.0)}), {n_runs} runs, K = {steps}"
    )


def labels(case):
    return [f"{SCHEDULE}: beta_schedule(counts, knots)"]


def observe(get, case, seed, index):
    rng = rng_for(seed, "ais", index)
    n_runs, n_visible, n_hidden, steps = _sizes(case)
    W, b, c, base_bias = rbm(n_visible, n_hidden, rng, case.config.get("scale", 1.0))
    v = (rng.random((n_runs, n_visible)) < 0.5).astype(np.float64)
    beta = float(np.round(rng.uniform(0.2, 0.8), 2))
    log_w = rng.normal(0.0, 3.0, n_runs)
    betas = np.linspace(0.0, 1.0, steps + 1)
    counts, knots = tuple(case.config["counts"]), tuple(case.config["knots"])

    def rbm_copies():
        return W.copy(), b.copy(), c.copy(), base_bias.copy()

    def steps_at(at, times):
        draws, state = np.random.default_rng([seed, index, times]), v.copy()
        for _ in range(times):
            state = np.asarray(
                get("intermediate_gibbs_step")(state, at, *rbm_copies(), draws), np.float64
            )
        return state

    def ais():
        draws = np.random.default_rng([seed, index, 99])
        log_z, found = get("ais_log_partition")(*rbm_copies(), betas.copy(), n_runs, draws)
        return {"log Z": log_z, "log w": found}

    log_p_star = get("log_p_star")
    log_mean_exp = get("log_mean_exp")
    return {
        f"{SCHEDULE}: beta_schedule({counts}, {knots})": capture(
            get("beta_schedule"), counts, knots
        ),
        f"{BASE}: base_rate_log_partition(b_A, {n_hidden})": capture(
            get("base_rate_log_partition"), base_bias.copy(), n_hidden
        ),
        f"{INTERMEDIATE}: log_p_star(v, 0.0, …)": capture(log_p_star, v.copy(), 0.0, *rbm_copies()),
        f"{INTERMEDIATE}: log_p_star(v, {beta}, …)": capture(
            log_p_star, v.copy(), beta, *rbm_copies()
        ),
        f"{INTERMEDIATE}: log_p_star(v, 1.0, …)": capture(log_p_star, v.copy(), 1.0, *rbm_copies()),
        f"{TRANSITION}: one step at β = {beta}": capture(steps_at, beta, 1),
        f"{TRANSITION}: three steps at β = 1.0": capture(steps_at, 1.0, 3),
        f"{LOG_SPACE}: log_mean_exp(log w)": capture(log_mean_exp, log_w.copy()),
        f"{LOG_SPACE}: log_mean_exp(log w + 800)": capture(log_mean_exp, log_w + 800.0),
        f"{LOG_SPACE}: log_mean_exp(log w − 800)": capture(log_mean_exp, log_w - 800.0),
        f"{ESTIMATE}: ais_log_partition(…, K = {steps}, n_runs={n_runs})": capture(ais),
    }


def exact_log_partition(W, b, c):
    """log Z by summing −F(v) over every visible state (few visible units only)."""
    n_visible = len(b)
    codes = np.arange(2**n_visible)[:, None]
    v = ((codes >> np.arange(n_visible - 1, -1, -1)) & 1).astype(np.float64)
    negative_free_energy = v @ b + np.logaddexp(0.0, c + v @ W).sum(axis=1)
    top = negative_free_energy.max()
    return float(top + np.log(np.exp(negative_free_energy - top).sum()))


def _invariance_record(get, seed):
    rng = rng_for(seed, "ais-invariant")
    W, b, c, base_bias = rbm(4, 3, rng, scale=INVARIANT_SCALE)
    beta = INVARIANT_BETA
    step = get("intermediate_gibbs_step")
    draws = np.random.default_rng([seed, 7])
    state = (draws.random((CHAINS, 4)) < 0.5).astype(np.float64)
    counts = np.zeros(16)
    for done in range(BURN_IN + KEPT):
        state = np.asarray(step(state, beta, W, b, c, base_bias, draws), np.float64)
        if done >= BURN_IN:
            counts += np.bincount((state @ np.array([8, 4, 2, 1])).astype(int), minlength=16)

    def exact():
        codes = np.arange(16)[:, None]
        states = ((codes >> np.arange(3, -1, -1)) & 1).astype(np.float64)
        log_p = np.asarray(get("log_p_star")(states, beta, W, b, c, base_bias), np.float64)
        p = np.exp(log_p - log_p.max())
        return p / p.sum()

    return {"frequencies": counts / counts.sum(), "exact": capture(exact)}


def _exact_record(get, seed):
    rng = rng_for(seed, "ais-exact")
    W, b, c, base_bias = rbm(8, 5, rng)
    draws = np.random.default_rng([seed, 3])
    betas = np.linspace(0.0, 1.0, EXACT_STEPS + 1)

    def estimate():
        return get("ais_log_partition")(W, b, c, base_bias, betas, EXACT_RUNS, draws)[0]

    return {"estimate": capture(estimate), "exact": exact_log_partition(W, b, c)}


def statistical_record(check, get, seed):
    """INVARIANT: the state frequencies of 4000 chains of the transition at β = 0.4 on a
    4-visible, 3-hidden RBM, and p_β exactly by this side's log_p_star (only the
    reference's is used). EXACT: an AIS estimate (300 steps, 400 runs) on an 8-visible,
    5-hidden RBM, and its exact log Z."""
    if check == INVARIANT:
        return _invariance_record(get, seed)
    return _exact_record(get, seed)


def statistical_judge(check, mine, ref):
    if check == INVARIANT:
        return _judge_invariance(mine, ref)
    return _judge_exact(mine, ref)


def _judge_invariance(mine, ref):
    found, exact = np.asarray(mine["frequencies"], np.float64), ref["exact"]
    distance = 0.5 * np.abs(found - exact).sum()
    worst = int(np.argmax(np.abs(found - exact)))
    where = f"v = {worst:04b}: chain {found[worst]:.3f}, exact {exact[worst]:.3f}"
    if not distance <= MAX_DISTANCE:
        return False, (
            f"{CHAINS} chains of intermediate_gibbs_step at β = {INVARIANT_BETA} on a "
            f"4-visible, 3-hidden RBM, {KEPT} steps after {BURN_IN}: the frequencies are "
            f"{distance:.3f} from p_β "
            f"in total variation (allowed {MAX_DISTANCE}); worst {where}: the step must leave "
            "p_β invariant, with β W, β c and (1 − β) b_A + β b"
        )
    return True, (
        f"{CHAINS} chains × {KEPT} steps at β = {INVARIANT_BETA}: total variation "
        f"{distance:.3f} from p_β (allowed {MAX_DISTANCE})"
    )


def _judge_exact(mine, ref):
    estimate, exact = mine["estimate"], ref["exact"]
    if isinstance(estimate, Raised):
        return False, "ais_log_partition raised " + estimate.error.explained
    estimate = np.asarray(estimate, np.float64)
    if estimate.shape != ():
        return False, f"ais_log_partition's log Z has shape {estimate.shape}: expected a number"
    error = float(estimate - exact)
    if not abs(error) <= MAX_ERROR:
        return False, (
            f"AIS with {EXACT_STEPS} steps and {EXACT_RUNS} runs on an 8-visible, 5-hidden RBM "
            f"estimates log Z = {float(estimate):.4f}, but exactly (a sum over all 256 visible "
            f"states) it is {exact:.4f}: {error:+.3f} nats off (allowed ±{MAX_ERROR})"
        )
    return True, (
        f"{EXACT_RUNS} runs of {EXACT_STEPS} steps: log Z = {float(estimate):.4f} against "
        f"{exact:.4f} exactly ({error:+.4f} nats, allowed ±{MAX_ERROR})"
    )
