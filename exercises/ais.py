"""Exercise 3.7: annealed importance sampling (AIS) for an RBM's partition function."""

import numpy as np


def sigmoid(x):
    """σ(x) = 1 / (1 + exp(−x)) in float64, written with tanh so that no large |x|
    overflows (given).

    >>> sigmoid(np.array([-800.0, 0.0, 800.0])).tolist()
    [0.0, 0.5, 1.0]
    """
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=np.float64)))


def softplus(x):
    """softplus(x) = log(1 + exp(x)) in float64, without overflow (given).

    >>> softplus(np.array([0.0, 800.0])).round(4).tolist()
    [0.6931, 800.0]
    """
    return np.logaddexp(0.0, np.asarray(x, dtype=np.float64))


def base_rate_bias(data, pseudo_count=1.0):
    """The visible biases b_A of the base-rate RBM (given): zero weights, and each
    visible unit on as often as in the data, its log-odds log(p_i / (1 − p_i)), with
    p_i = (Σ_n v_ni + pseudo_count) / (N + 2 pseudo_count) so that a pixel never on in
    the data gets a finite bias (Salakhutdinov & Murray 2008, §4.1).

    Args:
        data: `(N, n_visible)`, binary. pseudo_count: float.

    Returns:
        `(n_visible,)` float64, b_A.

    >>> base_rate_bias(np.array([[1.0, 0.0], [1.0, 1.0]])).round(4).tolist()
    [1.0986, 0.0]
    """
    data = np.asarray(data, dtype=np.float64)
    p = (data.sum(axis=0) + pseudo_count) / (len(data) + 2.0 * pseudo_count)
    return np.log(p) - np.log1p(-p)


def beta_schedule(counts=(500, 4000, 10000), knots=(0.0, 0.5, 0.9, 1.0)):
    """The inverse temperatures 0 = β_0 < β_1 < … < β_K = 1 of AIS (notes §3.3.1).

    Salakhutdinov & Murray (2008, §4.1) space them evenly in three stretches, finer
    where the distributions change fastest: 500 steps from 0 to 0.5, 4,000 from 0.5 to
    0.9 and 10,000 from 0.9 to 1. Stretch i takes counts[i] equal steps from knots[i]
    to knots[i+1]; each knot appears once, and the schedule must start at the base-rate
    RBM (β_0 = knots[0] = 0) and end at the target (β_K = knots[-1] = 1) exactly.

    Args:
        counts: ints, the number of steps in each stretch; K = sum(counts).
        knots: floats, one more than counts, increasing from 0 to 1.

    Returns:
        `(K + 1,)` float64: β_0, …, β_K.

    Example:
    >>> beta_schedule((2, 1), (0.0, 0.5, 1.0)).tolist()
    [0.0, 0.25, 0.5, 1.0]
    >>> beta_schedule().shape
    (14501,)
    """
    # Exercise 3.7: counts[i] equal steps from knots[i] towards knots[i+1] for each
    # stretch (np.linspace), each knot once, starting at 0 and ending at 1 exactly.
    raise NotImplementedError("Exercise 3.7: beta_schedule")


def base_rate_log_partition(base_bias, n_hidden):
    """log Z_A of the base-rate RBM: zero weights and hidden biases, visible biases b_A,
    and n_hidden hidden units (notes §3.3.1, eq. 3.20).

    With W = 0 the units are independent: each visible unit gives 1 + exp(b_A,i), each
    hidden unit 1 + exp(0) = 2, so

        log Z_A = n_hidden · log 2 + Σ_i softplus(b_A,i)

    Args:
        base_bias: `(n_visible,)`, b_A. n_hidden: int, the target RBM's hidden units.

    Returns:
        A float, log Z_A.

    Example:
    >>> round(float(base_rate_log_partition(np.zeros(3), 2)), 4)  # 2**5 states
    3.4657
    """
    # Exercise 3.7: n_hidden · log 2 + Σ_i softplus(b_A,i).
    raise NotImplementedError("Exercise 3.7: base_rate_log_partition")


def log_p_star(v, beta, W, b, c, base_bias):
    """log p*_β(v): the unnormalised log-probability of the intermediate distribution at
    inverse temperature β, its hidden units summed out (notes §3.3.1, eq. 3.18).

    The joint energies of the base-rate RBM A (E_A = −v b_A) and the target B
    (E_B = −v b − h c − v W hᵀ) are mixed, p*_β(v, h) = exp(−(1 − β) E_A − β E_B),
    and then h is summed out, which leaves

        log p*_β(v) = (1 − β) v b_A + β v b + Σ_j softplus(β (c_j + (v W)_j))

    β = 0 is the base-rate RBM (with its hidden units: n_hidden · log 2 more), β = 1
    the target's −F(v).

    Args:
        v: `(M, n_visible)`, binary. beta: float in [0, 1].
        W: `(n_visible, n_hidden)`. b: `(n_visible,)`. c: `(n_hidden,)`.
        base_bias: `(n_visible,)`, b_A.

    Returns:
        `(M,)` float64.

    Example:
    >>> W = np.ones((2, 1)); b = np.zeros(2); c = np.zeros(1); b_A = np.array([1.0, -1.0])
    >>> log_p_star(np.array([[1.0, 0.0]]), 0.0, W, b, c, b_A).round(4).tolist()
    [1.6931]
    >>> log_p_star(np.array([[1.0, 0.0]]), 1.0, W, b, c, b_A).round(4).tolist()
    [1.3133]
    """
    # Exercise 3.7: (1 − β) v b_A + β v b + Σ_j softplus(β (c_j + (v W)_j)), one number per
    # row of v.
    raise NotImplementedError("Exercise 3.7: log_p_star")


def intermediate_gibbs_step(v, beta, W, b, c, base_bias, rng):
    """One Gibbs step v -> h -> v' that leaves p_β invariant (notes §3.3.1, eq. 3.19).

    p_β is an RBM whose weights, hidden biases and visible biases are β W, β c and
    (1 − β) b_A + β b, so

        p(h_j = 1 | v) = σ(β (c_j + (v W)_j))
        p(v_i = 1 | h) = σ((1 − β) b_A,i + β (b_i + (h Wᵀ)_i))

    Draws (the grader gives you and the reference the same generator): exactly two,
    `u = rng.random((M, n_hidden))` for h, then `u = rng.random((M, n_visible))` for
    v'; a unit is on when u < p.

    Args:
        v: `(M, n_visible)`, binary. beta: float in [0, 1].
        W, b, c, base_bias: as in `log_p_star`. rng: a `numpy.random.Generator`.

    Returns:
        `(M, n_visible)` float64, 0.0 or 1.0: v'.

    Example:
    >>> W = np.zeros((3, 2)); b = np.array([50.0, -50.0, 50.0]); c = np.zeros(2)
    >>> b_A = np.array([-50.0, 50.0, 50.0])
    >>> rng = np.random.default_rng(0)
    >>> intermediate_gibbs_step(np.zeros((1, 3)), 1.0, W, b, c, b_A, rng).tolist()
    [[1.0, 0.0, 1.0]]
    >>> intermediate_gibbs_step(np.zeros((1, 3)), 0.0, W, b, c, b_A, rng).tolist()
    [[0.0, 1.0, 1.0]]
    """
    # Exercise 3.7: p(h|v) with β W and β c; h = u < p from rng.random; then p(v|h) with
    # β Wᵀ and the mixed visible bias (1 − β) b_A + β b; v' = u < p.
    raise NotImplementedError("Exercise 3.7: intermediate_gibbs_step")


def log_mean_exp(a):
    """log((1/M) Σ_m exp(a_m)), without overflow or underflow (notes §3.3.1, eq. 3.22).

    AIS's log-weights run to hundreds of nats, where exp overflows float64 (above
    about 709) or underflows to 0 (below about −745): subtract the largest first,

        log_mean_exp(a) = max(a) + log((1/M) Σ_m exp(a_m − max(a)))

    Args:
        a: `(M,)`, log-weights.

    Returns:
        A float.

    Example:
    >>> round(float(log_mean_exp(np.array([1000.0, 1000.0]))), 4)
    1000.0
    >>> round(float(log_mean_exp(np.log(np.array([1.0, 3.0])))), 4)  # log 2
    0.6931
    """
    # Exercise 3.7: subtract the largest value, average the exps, take the log, add it back.
    raise NotImplementedError("Exercise 3.7: log_mean_exp")


def ais_log_partition(W, b, c, base_bias, betas, n_runs, rng):
    """Estimate log Z of the RBM (W, b, c) by annealed importance sampling from the
    base-rate RBM with visible biases b_A (notes §3.3.1, eq. 3.18–3.22; Salakhutdinov &
    Murray 2008, Algorithm 1).

    Each of the M = n_runs runs draws v_1 exactly from the base-rate RBM, p(v_i = 1) =
    σ(b_A,i), then for k = 1, …, K (K + 1 = len(betas)) adds to its log-weight

        log w += log p*_k(v_k) − log p*_{k−1}(v_k)          (eq. 3.21)

    and, while k < K, moves v_{k+1} = intermediate_gibbs_step(v_k, β_k, …): a step
    that leaves p_k invariant. Then (eq. 3.22)

        log Z ≈ log Z_A + log_mean_exp(log w)

    Draws: first `rng.random((n_runs, n_visible))` for v_1 (on when u < σ(b_A)), then
    only those of intermediate_gibbs_step, in order of k.

    Args:
        W: `(n_visible, n_hidden)`. b: `(n_visible,)`. c: `(n_hidden,)`.
        base_bias: `(n_visible,)`, b_A. betas: `(K + 1,)`, from 0 to 1 (beta_schedule).
        n_runs: int, M. rng: a `numpy.random.Generator`.

    Returns:
        `(log_z, log_w)`: the estimate, a float, and the runs' log-weights, `(n_runs,)`.

    Example (zero weights and b = b_A: every run gets the same weight, and the estimate
    is exact, log Z = Σ_i softplus(b_i) + Σ_j softplus(c_j), whatever the draws):
    >>> W = np.zeros((3, 2)); b = np.full(3, 0.5); c = np.array([1.0, -2.0])
    >>> log_z, log_w = ais_log_partition(W, b, c, b, np.linspace(0, 1, 11), 4,
    ...                                  np.random.default_rng(0))
    >>> round(float(log_z), 4), round(float(softplus(b).sum() + softplus(c).sum()), 4), log_w.shape
    (4.3624, 4.3624, (4,))
    """
    # Exercise 3.7: v_1 ~ p_A with one rng.random draw; for k = 1..K add log p*_k(v) −
    # log p*_{k−1}(v) to log_w, then (while k < K) one intermediate_gibbs_step at β_k;
    # return log Z_A + log_mean_exp(log_w) and log_w.
    raise NotImplementedError("Exercise 3.7: ais_log_partition")
