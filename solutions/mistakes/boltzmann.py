"""Wrong pieces of the Boltzmann machine, one realistic mistake each."""

import numpy as np

from solutions.boltzmann import all_states, energy
from solutions.mistakes import known


@known(
    "3.4",
    "energy-double-counted",
    "every pair counted twice: E = −½ sᵀ W s − bᵀ s, the ½ because W holds each pair in "
    "both w_ij and w_ji",
    replaces="energy",
)
def energy_double_counted(s, W, b):
    """−sᵀ W s − bᵀ s: every pair counted twice (the ½ forgotten)."""
    s = np.asarray(s, dtype=np.float64)
    return -np.einsum("ni,ij,nj->n", s, W, s) - s @ b


@known(
    "3.4",
    "energy-sign",
    "energy with the wrong sign: E = −½ sᵀ W s − bᵀ s, so states the weights favour "
    "have low energy",
    replaces="energy",
)
def energy_sign_flipped(s, W, b):
    """+½ sᵀ W s + bᵀ s: low energy should be likely, not unlikely."""
    return -energy(s, W, b)


@known(
    "3.4",
    "unnormalised",
    "probabilities not divided by Z = Σ_s exp(−E(s)): they must sum to 1",
    replaces="exact_probabilities",
)
def probabilities_unnormalised(W, b):
    """exp(−E(s)) without dividing by Z."""
    return np.exp(-energy(all_states(len(b)), W, b))


@known(
    "3.4",
    "exp-of-energy",
    "exp(+E) where exp(−E) belongs: p(s) = exp(−E(s)) / Z",
    replaces="exact_probabilities",
)
def probabilities_of_energy(W, b):
    """exp(+E(s)) / Z: the sign of the exponent flipped."""
    weights = np.exp(energy(all_states(len(b)), W, b))
    return weights / weights.sum()


@known(
    "3.4",
    "parallel-updates",
    "all units updated at once from the old state: a Gibbs sweep updates unit i from "
    "the others' current values, one unit after another",
)
def sweep_in_parallel(s, W, b, rng):
    """Every unit updated at once from the old state: not a Gibbs sweep, and its chain
    settles on another distribution."""
    s = np.array(s, dtype=np.float64)
    p = 1.0 / (1.0 + np.exp(-(b + s @ W)))
    new = np.empty_like(s)
    for i in range(s.shape[1]):
        new[:, i] = rng.random(s.shape[0]) < p[:, i]
    return new


@known(
    "3.4",
    "u-greater-than-p",
    "`u > p` turns a unit on with probability 1 − p: use `u < p`",
)
def sweep_turns_off_with_p(s, W, b, rng):
    """`u > p`: the unit turns on with probability 1 − p."""
    s = np.array(s, dtype=np.float64)
    for i in range(s.shape[1]):
        p = 1.0 / (1.0 + np.exp(-(b[i] + s @ W[:, i])))
        s[:, i] = rng.random(s.shape[0]) > p
    return s


@known(
    "3.4",
    "no-bias-in-sweep",
    "the bias is missing from the unit's input: p(s_i = 1 | s_−i) = σ(b_i + Σ_j w_ij s_j)",
)
def sweep_without_bias(s, W, b, rng):
    """σ(Σ_j w_ij s_j): the bias b_i left out of the unit's input."""
    s = np.array(s, dtype=np.float64)
    for i in range(s.shape[1]):
        p = 1.0 / (1.0 + np.exp(-(s @ W[:, i])))
        s[:, i] = rng.random(s.shape[0]) < p
    return s


@known(
    "3.4",
    "draws-up-front",
    "every draw made before the sweep: draw u = rng.random(n) for unit i when unit i is "
    "updated, one call per unit, in order (the docstring's draws), not one (n, K) array",
    replaces="gibbs_sweep",
)
def draws_up_front_sweep(s, W, b, rng):
    s = np.array(s, dtype=np.float64)
    u = rng.random(s.shape)
    for i in range(s.shape[1]):
        field = b[i] + s @ W[:, i] - s[:, i] * W[i, i]
        s[:, i] = u[:, i] < 1.0 / (1.0 + np.exp(-field))
    return s
