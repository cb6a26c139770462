"""Exercise 2.3: the objective LRMD's network learns by, reconstruction plus L2 pooling.

Only what a student writes: tests/splice.py lays it over the current stub."""


def pooled_features(x, W1, H, eps):
    # einsum instead of matmul, the pooling written as a weighted sum over features.
    z = ops.einsum("bn,nk->bk", x, W1)
    return ops.sqrt(ops.einsum("bk,mk->bm", z * z, H) + eps)


def tica_objective(x, W1, W2, H, lam, eps):
    features = ops.einsum("bn,nk->bk", x, W1)
    residual = ops.einsum("bk,nk->bn", features, W2) - x
    return ops.sum(residual * residual) + lam * ops.sum(pooled_features(x, W1, H, eps))
