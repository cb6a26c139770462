"""Wrong pieces of annealed importance sampling, one realistic mistake each."""

import numpy as np

from solutions.ais import (
    base_rate_log_partition,
    intermediate_gibbs_step,
    log_mean_exp,
    log_p_star,
    sigmoid,
    softplus,
)
from solutions.mistakes import known


@known(
    "3.7",
    "schedule-stops-short",
    "the β schedule stops short of β_K = 1: with endpoint=False in every stretch the last "
    "knot must be added, or AIS ends at p_{K−1} and estimates its log Z, not the target's",
    replaces="beta_schedule",
)
def schedule_without_last_knot(counts=(500, 4000, 10000), knots=(0.0, 0.5, 0.9, 1.0)):
    """Each stretch without its end (so knots are not repeated), and the final 1 never
    added."""
    return np.concatenate(
        [
            np.linspace(low, high, count, endpoint=False)
            for low, high, count in zip(knots[:-1], knots[1:], counts)
        ]
    )


@known(
    "3.7",
    "schedule-misses-zero",
    "the β schedule starts after β_0 = 0: dropping each stretch's first point (to list "
    "the knots once) drops the base-rate RBM, where the runs start, too",
    replaces="beta_schedule",
)
def schedule_without_first_knot(counts=(500, 4000, 10000), knots=(0.0, 0.5, 0.9, 1.0)):
    """Each stretch's first point dropped, the first stretch's included."""
    return np.concatenate(
        [
            np.linspace(low, high, count + 1)[1:]
            for low, high, count in zip(knots[:-1], knots[1:], counts)
        ]
    )


@known(
    "3.7",
    "base-hidden-units-left-out",
    "log Z_A without the hidden units: each of the base-rate RBM's n_hidden hidden units "
    "doubles Z_A, log Z_A = n_hidden · log 2 + Σ_i softplus(b_A,i)",
    replaces="base_rate_log_partition",
)
def base_partition_visible_only(base_bias, n_hidden):
    """Σ_i softplus(b_A,i): the visible units' factor only."""
    return float(np.sum(softplus(base_bias)))


@known(
    "3.7",
    "beta-outside-softplus",
    "β outside the softplus: β Σ_j softplus(c_j + (v W)_j) is the geometric mean of the "
    "marginals, which the Gibbs transitions do not leave invariant (and it is not the "
    "base rate at β = 0); mix the joint energies, then sum h out: softplus(β (c_j + (v W)_j))",
    replaces="log_p_star",
)
def log_p_star_tempering_the_marginal(v, beta, W, b, c, base_bias):
    """(1 − β) log p*_A(v) + β log p*_B(v) with the marginals: β times −F(v)."""
    v = np.asarray(v, dtype=np.float64)
    target = v @ b + np.sum(softplus(c + v @ W), axis=1)
    return (1.0 - beta) * (v @ base_bias) + beta * target


@known(
    "3.7",
    "base-rate-term-left-out",
    "p*_β without the base rate's term (1 − β) v b_A: the path must start at the base-rate "
    "RBM, whose Z_A is known, p*_0(v) = exp(v b_A) · 2^n_hidden",
    replaces="log_p_star",
)
def log_p_star_target_only(v, beta, W, b, c, base_bias):
    """The target tempered alone, p_B(v)^β, as if annealing from the uniform distribution."""
    v = np.asarray(v, dtype=np.float64)
    return beta * (v @ b) + np.sum(softplus(beta * (c + v @ W)), axis=1)


@known(
    "3.7",
    "transition-at-target",
    "the transition samples the target RBM (β = 1) at every step: at β_k it must use β W, "
    "β c and (1 − β) b_A + β b, or it does not leave p_k invariant",
    replaces="intermediate_gibbs_step",
)
def gibbs_step_of_the_target(v, beta, W, b, c, base_bias, rng):
    """The target RBM's own Gibbs step, whatever β."""
    v = np.asarray(v, dtype=np.float64)
    hidden_p = sigmoid(c + v @ W)
    h = (rng.random(hidden_p.shape) < hidden_p).astype(np.float64)
    visible_p = sigmoid(b + h @ W.T)
    return (rng.random(visible_p.shape) < visible_p).astype(np.float64)


@known(
    "3.7",
    "transition-without-base-bias",
    "the visible units' conditional leaves out the base rate: p(v_i = 1 | h) = "
    "σ((1 − β) b_A,i + β (b_i + (h Wᵀ)_i)); without (1 − β) b_A the step does not leave "
    "p_β invariant",
    replaces="intermediate_gibbs_step",
)
def gibbs_step_without_base_bias(v, beta, W, b, c, base_bias, rng):
    """Both conditionals scaled by β, the base rate's visible biases forgotten."""
    v = np.asarray(v, dtype=np.float64)
    hidden_p = sigmoid(beta * (c + v @ W))
    h = (rng.random(hidden_p.shape) < hidden_p).astype(np.float64)
    visible_p = sigmoid(beta * (b + h @ W.T))
    return (rng.random(visible_p.shape) < visible_p).astype(np.float64)


@known(
    "3.7",
    "weights-not-in-log-space",
    "the weights leave log space: exp of a log-weight overflows to inf above about 709 and "
    "underflows to 0 below about −745; subtract the largest log-weight first (logsumexp)",
    replaces="log_mean_exp",
)
def log_mean_exp_through_the_weights(a):
    """log(mean(exp(a))): the weights themselves, as the formula reads."""
    with np.errstate(over="ignore", divide="ignore"):  # as NumPy would only warn
        return float(np.log(np.mean(np.exp(np.asarray(a, dtype=np.float64)))))


@known(
    "3.7",
    "mean-of-log-weights",
    "the mean of the log-weights, not the log of the mean weight: Z_B / Z_A is estimated "
    "by (1/M) Σ_m w_m, and the mean of log w is below its log (Jensen's inequality)",
    replaces="log_mean_exp",
)
def mean_of_logs(a):
    """np.mean(log w): stable, but another number."""
    return float(np.mean(np.asarray(a, dtype=np.float64)))


@known(
    "3.7",
    "log-m-left-out",
    "log Σ_m exp(log w_m) without − log M: the estimate is the *mean* weight, "
    "(1/M) Σ_m w_m, so subtract log M (or average after subtracting the largest)",
    replaces="log_mean_exp",
)
def log_sum_exp(a):
    """The log of the sum of the weights, not of their mean."""
    a = np.asarray(a, dtype=np.float64)
    top = np.max(a)
    return float(top + np.log(np.sum(np.exp(a - top))))


@known(
    "3.7",
    "base-partition-left-out",
    "log Z_A left out: the weights estimate the ratio Z_B / Z_A, so log Z_B ≈ log Z_A + "
    "log_mean_exp(log w), with log Z_A from base_rate_log_partition",
    replaces="ais_log_partition",
)
def ais_ratio_only(W, b, c, base_bias, betas, n_runs, rng):
    """The right runs and weights, but the ratio returned as if it were Z."""
    W, b, c, base_bias = (np.asarray(x, dtype=np.float64) for x in (W, b, c, base_bias))
    v = (rng.random((n_runs, len(base_bias))) < sigmoid(base_bias)).astype(np.float64)
    log_w = np.zeros(n_runs)
    for k in range(1, len(betas)):
        log_w += log_p_star(v, betas[k], W, b, c, base_bias)
        log_w -= log_p_star(v, betas[k - 1], W, b, c, base_bias)
        if k < len(betas) - 1:
            v = intermediate_gibbs_step(v, betas[k], W, b, c, base_bias, rng)
    return log_mean_exp(log_w), log_w


@known(
    "3.7",
    "transition-before-weight",
    "each run moves before it is weighed: log w gains log p*_k(v_k) − log p*_{k−1}(v_k) at "
    "the state the step at β_{k−1} left, and only then does v move with the step at β_k",
    replaces="ais_log_partition",
)
def ais_moving_first(W, b, c, base_bias, betas, n_runs, rng):
    """A step at β_k, then the weight at β_k and β_{k−1} of the new state."""
    W, b, c, base_bias = (np.asarray(x, dtype=np.float64) for x in (W, b, c, base_bias))
    v = (rng.random((n_runs, len(base_bias))) < sigmoid(base_bias)).astype(np.float64)
    log_w = np.zeros(n_runs)
    for k in range(1, len(betas)):
        v = intermediate_gibbs_step(v, betas[k], W, b, c, base_bias, rng)
        log_w += log_p_star(v, betas[k], W, b, c, base_bias)
        log_w -= log_p_star(v, betas[k - 1], W, b, c, base_bias)
    log_z = base_rate_log_partition(base_bias, W.shape[1]) + log_mean_exp(log_w)
    return log_z, log_w
