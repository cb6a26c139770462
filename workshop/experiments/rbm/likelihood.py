"""The exact log-likelihood of a small binary RBM: the partition function by enumerating
every hidden state (2**n_hidden of them; fine up to about 20 hidden units).

    log p(v) = −F(v) − log Z,   F(v) = −v b − Σ_j softplus(c_j + (v W)_j)
    log Z = log Σ_h exp(h c + Σ_i softplus(b_i + (h Wᵀ)_i))     (v summed out instead)

In float64 NumPy, from the weights alone, so it also scores scikit-learn's BernoulliRBM.
"""

import numpy as np

MAX_HIDDEN = 22


def _softplus(z):
    return np.logaddexp(0.0, z)


def _logsumexp(values):
    top = values.max()
    return top + np.log(np.exp(values - top).sum())


def log_partition(W, b, c, chunk=1 << 14):
    """log Z of the RBM with kernel W `(n_visible, n_hidden)`, biases b and c."""
    W, b, c = (np.asarray(a, dtype=np.float64) for a in (W, b, c))
    hidden = W.shape[1]
    if hidden > MAX_HIDDEN:
        raise ValueError(
            f"exact log Z enumerates 2**{hidden} hidden states; at most {MAX_HIDDEN} hidden units"
        )
    bits = 2 ** np.arange(hidden - 1, -1, -1)
    parts = []
    for start in range(0, 2**hidden, chunk):
        codes = np.arange(start, min(start + chunk, 2**hidden))
        h = ((codes[:, None] & bits) > 0).astype(np.float64)
        parts.append(_logsumexp(h @ c + _softplus(b + h @ W.T).sum(axis=1)))
    return _logsumexp(np.array(parts))


def free_energy(W, b, c, v):
    v = np.asarray(v, dtype=np.float64)
    return -(v @ np.asarray(b, np.float64)) - _softplus(c + v @ np.asarray(W, np.float64)).sum(1)


def average_log_likelihood(W, b, c, v):
    """Mean log p(v) over the rows of v, in nats."""
    return float(np.mean(-free_energy(W, b, c, v)) - log_partition(W, b, c))
