# exercise: tica (2.3)
# family: wrong normalisation
# mistake: You average the squared reconstruction error (ops.mean) instead of summing it over the examples and inputs as eq. 2.3 does.
"""Exercise 2.3: the objective LRMD's network learns by, reconstruction plus L2 pooling."""

import numpy as np
from keras import ops


def pooling_matrix(features, size):
    """The fixed L2-pooling weights H: pooling unit i sums features i, …, i + size − 1.

    Args:
        features: int k, the number of features W₁ᵀ x has.
        size: int, how many neighbouring features one pooling unit covers.

    Returns:
        `(k − size + 1, k)` float32 of zeros and ones.

    Example:
    >>> pooling_matrix(4, 2).tolist()
    [[1.0, 1.0, 0.0, 0.0], [0.0, 1.0, 1.0, 0.0], [0.0, 0.0, 1.0, 1.0]]
    """
    units = features - size + 1
    rows = np.arange(units)[:, None]
    cols = np.arange(features)[None, :]
    return ((cols >= rows) & (cols < rows + size)).astype("float32")


def pooled_features(x, W1, H, eps):
    """The L2-pooled features of inputs x (notes §2.1; Le et al. 2012, §3, eq. 1).

    LRMD's layer, written as matrices: the encoding weights W₁ (a locally connected
    filter bank, here dense) give the features W₁ᵀ x; the fixed pooling H sums the
    squares of neighbouring features; the square root makes it L2 pooling:

        p(x) = √(ε + H (W₁ᵀ x)²)          (squares and root element-wise)

    With row vectors, for a batch: z = x W₁, then p = √(ε + z² Hᵀ).

    Args:
        x: `(batch, n)` inputs. W1: `(n, k)` encoding weights. H: `(m, k)` pooling
        (`pooling_matrix`). eps: float ε ≥ 0; ε > 0 keeps the root's slope finite at 0
        (the example uses 0 for round numbers).

    Returns:
        `(batch, m)` pooled features, as a tensor (keras.ops), so gradients flow.

    Example:
    >>> x = np.array([[1.0, 0.0]]); W1 = np.array([[3.0, 4.0], [0.0, 0.0]])
    >>> np.round(pooled_features(x, W1, pooling_matrix(2, 2), 0.0), 4).tolist()
    [[5.0]]
    """
    z = ops.matmul(x, W1)
    return ops.sqrt(eps + ops.matmul(ops.square(z), ops.transpose(H)))


def tica_objective(x, W1, W2, H, lam, eps):
    """The objective LRMD minimise without labels (notes §2.1; Le et al. 2012, eq. 1):

        L = Σ_examples ‖W₂ W₁ᵀ x − x‖²  +  λ Σ_examples Σ_i √(ε + (H (W₁ᵀ x)²)_i)

    The first term asks the features to keep enough to rebuild x through the decoding
    weights W₂ (untied: W₂ is not W₁); the second, the sum of the pooled features, asks
    for few active pooling units (sparsity), and so for features that pool into
    invariances. With row vectors: the reconstruction is x W₁ W₂ᵀ.

    The objective has no scale of its own: W₁ → a·W₁ with W₂ → W₂/a keeps the
    reconstruction and multiplies the second term by about a, so shrinking W₁ lowers
    L for nothing; training must bound W₂ (`workshop run lrmd` keeps each of its
    columns at norm ≤ 1).

    Args:
        x: `(batch, n)`. W1, W2: `(n, k)`. H: `(m, k)`. lam: float λ. eps: float ε.

    Returns:
        A scalar tensor (keras.ops), summed over the batch; its gradients with respect
        to W1 and W2 are what training follows.

    Example:
    >>> x = np.array([[1.0, 0.0]]); W = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> round(float(tica_objective(x, W, W, pooling_matrix(2, 2), 0.5, 0.0)), 4)
    0.5
    """
    reconstruction = ops.matmul(ops.matmul(x, W1), ops.transpose(W2))
    error = ops.mean(ops.square(reconstruction - x))
    return error + lam * ops.sum(pooled_features(x, W1, H, eps))
