"""Wrong pieces of the Boltzmann machine, one realistic mistake each."""

import numpy as np

from solutions.boltzmann import all_states, energy


def energy_double_counted(s, W, b):
    """−sᵀ W s − bᵀ s: every pair counted twice (the ½ forgotten)."""
    s = np.asarray(s, dtype=np.float64)
    return -np.einsum("ni,ij,nj->n", s, W, s) - s @ b


def energy_sign_flipped(s, W, b):
    """+½ sᵀ W s + bᵀ s: low energy should be likely, not unlikely."""
    return -energy(s, W, b)


def probabilities_unnormalised(W, b):
    """exp(−E(s)) without dividing by Z."""
    return np.exp(-energy(all_states(len(b)), W, b))


def probabilities_of_energy(W, b):
    """exp(+E(s)) / Z: the sign of the exponent flipped."""
    weights = np.exp(energy(all_states(len(b)), W, b))
    return weights / weights.sum()


def sweep_in_parallel(s, W, b, rng):
    """Every unit updated at once from the old state: not a Gibbs sweep, and its chain
    settles on another distribution."""
    s = np.array(s, dtype=np.float64)
    p = 1.0 / (1.0 + np.exp(-(b + s @ W)))
    new = np.empty_like(s)
    for i in range(s.shape[1]):
        new[:, i] = rng.random(s.shape[0]) < p[:, i]
    return new


def sweep_turns_off_with_p(s, W, b, rng):
    """`u > p`: the unit turns on with probability 1 − p."""
    s = np.array(s, dtype=np.float64)
    for i in range(s.shape[1]):
        p = 1.0 / (1.0 + np.exp(-(b[i] + s @ W[:, i])))
        s[:, i] = rng.random(s.shape[0]) > p
    return s


def sweep_without_bias(s, W, b, rng):
    """σ(Σ_j w_ij s_j): the bias b_i left out of the unit's input."""
    s = np.array(s, dtype=np.float64)
    for i in range(s.shape[1]):
        p = 1.0 / (1.0 + np.exp(-(s @ W[:, i])))
        s[:, i] = rng.random(s.shape[0]) < p
    return s
