"""Probes of Exercise 3.4: energy, exact probabilities and Gibbs sweeps of a small
Boltzmann machine; the chain's long-run frequencies judged against the exact ones."""

import numpy as np

from ..compare import Tolerance
from ..kinds.probe_runs import capture
from ..seeding import rng_for

TOLERANCE = Tolerance(atol=1e-6, rtol=1e-5)  # float64 NumPy work
ENERGY = "energy"
PROBABILITIES = "exact probabilities"
SWEEP = "Gibbs sweep, same draws"
CHAIN = "Gibbs chain reaches the Boltzmann distribution"
POINTS = {ENERGY: 2, PROBABILITIES: 2, SWEEP: 3, CHAIN: 3}
STATISTICAL = {CHAIN}
CHAINS, BURN_IN, KEPT = 4000, 40, 25  # parallel chains, sweeps discarded, sweeps counted
MAX_DISTANCE = 0.03  # total variation: the reference gives 0.002-0.005, known mistakes 0.1


def machine(units, rng, scale=1.2):
    """Symmetric weights with a zero diagonal, and biases."""
    upper = np.triu(rng.standard_normal((units, units)) * scale, k=1)
    return upper + upper.T, rng.standard_normal(units) * 0.7


def labels(case):
    return [
        "energy: E(s)",
        "exact probabilities: p(s)",
        "Gibbs sweep, same draws: after one sweep",
        "Gibbs sweep, same draws: after three",
    ]


def observe(get, case, seed, index):
    rng = rng_for(seed, "boltzmann", index)
    units, (count,) = case.config["units"], case.input_shape
    W, b = machine(units, rng)
    s = (rng.random((count, units)) < 0.5).astype(np.float64)
    sweep = get("gibbs_sweep")

    def sweeps(times):
        draws, state = np.random.default_rng([seed, index, times]), s.copy()
        for _ in range(times):
            state = np.asarray(sweep(state, W.copy(), b.copy(), draws), dtype=np.float64)
        return state

    return {
        "energy: E(s)": capture(get("energy"), s.copy(), W.copy(), b.copy()),
        "exact probabilities: p(s)": capture(get("exact_probabilities"), W.copy(), b.copy()),
        "Gibbs sweep, same draws: after one sweep": capture(sweeps, 1),
        "Gibbs sweep, same draws: after three": capture(sweeps, 3),
    }


def chain_frequencies(sweep, W, b, seed):
    """State frequencies of many chains, after a burn-in, over several sweeps."""
    units = len(b)
    draws = np.random.default_rng([seed, 7])
    state = (draws.random((CHAINS, units)) < 0.5).astype(np.float64)
    counts = np.zeros(2**units)
    weights = 2 ** np.arange(units - 1, -1, -1)  # unit 0 the most significant bit
    for done in range(BURN_IN + KEPT):
        state = np.asarray(sweep(state, W, b, draws), dtype=np.float64)
        if done >= BURN_IN:
            counts += np.bincount((state @ weights).astype(int), minlength=2**units)
    return counts / counts.sum()


def statistical_record(check, get, seed):
    """The chain's state frequencies, and the exact distribution by this side's
    exact_probabilities (only the reference's is used)."""
    rng = rng_for(seed, "boltzmann-chain")
    W, b = machine(4, rng, scale=1.5)
    found = chain_frequencies(get("gibbs_sweep"), W.copy(), b.copy(), seed)
    return {"frequencies": found, "exact": capture(get("exact_probabilities"), W, b)}


def statistical_judge(check, mine, ref):
    found, exact = np.asarray(mine["frequencies"], np.float64), ref["exact"]
    distance = 0.5 * np.abs(found - exact).sum()
    worst = int(np.argmax(np.abs(found - exact)))
    where = f"state {worst:04b}: chain {found[worst]:.3f}, exact {exact[worst]:.3f}"
    if not distance <= MAX_DISTANCE:
        return False, (
            f"{CHAINS} chains of 4 units, {KEPT} sweeps after {BURN_IN} of burn-in: the "
            f"frequencies are {distance:.3f} from the exact distribution in total variation "
            f"(allowed {MAX_DISTANCE}); worst {where}: each unit must be drawn from "
            "σ(b_i + Σ_j w_ij s_j) with the others' current values"
        )
    return True, (
        f"{CHAINS} chains × {KEPT} sweeps: total variation {distance:.3f} from the exact "
        f"distribution (allowed {MAX_DISTANCE})"
    )
