# exercise: boltzmann (3.4)
# family: wrong normalisation
# mistake: sᵀ W s counts every pair twice; without the ½ your energy is −2 Σ_{i<j} w_ij s_i s_j − bᵀ s.
"""Exercise 3.4: a small general Boltzmann machine, exactly and by Gibbs sampling."""

import numpy as np


def all_states(units):
    """Every binary state of `units` units, `(2**units, units)`, in counting order:
    row k holds the bits of k, unit 0 the most significant.

    >>> all_states(2).tolist()
    [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    """
    codes = np.arange(2**units)[:, None]
    return ((codes >> np.arange(units - 1, -1, -1)) & 1).astype(np.float64)


def energy(s, W, b):
    """The energy of states s of a Boltzmann machine (notes §3.3, Figure 11).

    K binary units s_i ∈ {0, 1}, fully connected with symmetric weights w_ij = w_ji and
    w_ii = 0, biases b_i. The energy (notes §3.3, eq. 3.14; Hinton & Sejnowski 1983)
    counts each pair once:

        E(s) = −Σ_{i<j} w_ij s_i s_j − Σ_i b_i s_i = −½ sᵀ W s − bᵀ s

    Args:
        s: `(n, K)` states, 0 or 1. W: `(K, K)`, symmetric, zero diagonal. b: `(K,)`.

    Returns:
        `(n,)`, the energy of each state.

    Example:
    >>> W = np.array([[0.0, 2.0], [2.0, 0.0]]); b = np.array([1.0, -1.0])
    >>> energy(np.array([[1.0, 1.0], [1.0, 0.0]]), W, b).tolist()
    [-2.0, -1.0]
    """
    s = np.asarray(s, dtype=np.float64)
    return -np.einsum("ni,ij,nj->n", s, W, s) - s @ b


def exact_probabilities(W, b):
    """The Boltzmann distribution over all 2**K states, p(s) = exp(−E(s)) / Z.

        Z = Σ_s exp(−E(s)), summed over every state (feasible for K up to ~20)

    Computed with the largest −E subtracted first, so large weights do not overflow.

    Args:
        W: `(K, K)`. b: `(K,)`.

    Returns:
        `(2**K,)` probabilities, in the order of `all_states(K)`; they sum to 1.

    Example:
    >>> p = exact_probabilities(np.zeros((2, 2)), np.zeros(2))
    >>> p.tolist()
    [0.25, 0.25, 0.25, 0.25]
    """
    negative_energy = -energy(all_states(len(b)), W, b)
    weights = np.exp(negative_energy - negative_energy.max())
    return weights / weights.sum()


def gibbs_sweep(s, W, b, rng):
    """One Gibbs sweep: update units 0, 1, ..., K−1 in turn, each from the others.

    Unit i sees the current values of all the others (the ones already updated in
    this sweep included), and turns on with probability

        p(s_i = 1 | s_−i) = σ(b_i + Σ_{j≠i} w_ij s_j)

    Draws: for each unit i in order, exactly one `u = rng.random(n)` (one number per
    chain); the unit becomes `u < p`. The grader gives you and the reference the same
    generator, so the same draws must give the same states.

    Args:
        s: `(n, K)`, n chains' current states (not changed in place).
        W, b: as in `energy`. rng: a `numpy.random.Generator`.

    Returns:
        `(n, K)`, the states after the sweep, 0.0 or 1.0.

    Example:
    >>> W = np.zeros((3, 3)); b = np.array([50.0, -50.0, 50.0])
    >>> gibbs_sweep(np.zeros((1, 3)), W, b, np.random.default_rng(0)).tolist()
    [[1.0, 0.0, 1.0]]
    """
    s = np.array(s, dtype=np.float64)
    for i in range(s.shape[1]):
        field = b[i] + s @ W[:, i] - s[:, i] * W[i, i]  # Σ_{j≠i} w_ij s_j + b_i
        p = 1.0 / (1.0 + np.exp(-field))
        s[:, i] = rng.random(s.shape[0]) < p
    return s
