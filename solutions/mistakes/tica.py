"""Wrong LRMD/TICA objectives, one realistic mistake each."""

from keras import ops

from solutions.mistakes import known
from solutions.tica import pooled_features


def _objective(x, W1, W2, H, lam, eps, decode=None, pooled=pooled_features, weigh="sparsity"):
    reconstruction = ops.matmul(ops.matmul(x, W1), ops.transpose(W2 if decode is None else decode))
    error = ops.sum(ops.square(reconstruction - x))
    sparsity = ops.sum(pooled(x, W1, H, eps))
    if weigh == "reconstruction":
        return lam * error + sparsity
    return error + lam * sparsity


def _with_objective(pooled):
    """A wrong pooled_features, and the objective that sums it, as a student's own
    tica_objective calls their own pooled_features."""

    class Pair:
        pooled_features = staticmethod(pooled)

        @staticmethod
        def tica_objective(x, W1, W2, H, lam, eps):
            return _objective(x, W1, W2, H, lam, eps, pooled=pooled)

    return Pair


def _squares_pooled(x, W1, H):
    return ops.matmul(ops.square(ops.matmul(x, W1)), ops.transpose(H))


PooledWithoutRoot = known(
    "2.3",
    "no-sqrt",
    "the square root left out: the sparsity term is the L2 pool √(ε + H (W₁ᵀx)²), not "
    "its square (that is an L1 penalty on the squares)",
    replaces=("pooled_features", "tica_objective"),
)(_with_objective(lambda x, W1, H, eps: eps + _squares_pooled(x, W1, H)))

PooledWithoutEps = known(
    "2.3",
    "no-eps",
    "ε missing: √ has an infinite slope at 0, so a zero input gives a NaN gradient; keep "
    "ε inside the root",
    replaces=("pooled_features", "tica_objective"),
)(_with_objective(lambda x, W1, H, eps: ops.sqrt(_squares_pooled(x, W1, H))))

PooledBeforeSquare = known(
    "2.3",
    "pooled-before-square",
    "pooled before squaring: H sums the squares of the features, H (W₁ᵀx)², not the "
    "square of their sum",
    replaces=("pooled_features", "tica_objective"),
)(
    _with_objective(
        lambda x, W1, H, eps: ops.sqrt(
            eps + ops.square(ops.matmul(ops.matmul(x, W1), ops.transpose(H)))
        )
    )
)


@known(
    "2.3",
    "lambda-on-reconstruction",
    "λ on the wrong term: it weighs the sparsity, L = ‖W₂W₁ᵀx − x‖² + λ Σ √(…)",
    replaces="tica_objective",
)
def lambda_on_reconstruction(x, W1, W2, H, lam, eps):
    return _objective(x, W1, W2, H, lam, eps, weigh="reconstruction")


@known(
    "2.3",
    "tied-weights",
    "tied weights: decode with W₂ (x W₁ W₂ᵀ); the objective's weights are untied, W₂ is not W₁",
    replaces="tica_objective",
)
def tied_weights(x, W1, W2, H, lam, eps):
    return _objective(x, W1, W2, H, lam, eps, decode=W1)


@known(
    "2.3",
    "batch-mean",
    "averaged over the batch: the objective sums over the examples",
    replaces="tica_objective",
)
def averaged_over_batch(x, W1, W2, H, lam, eps):
    return _objective(x, W1, W2, H, lam, eps) / ops.cast(ops.shape(x)[0], "float32")


@known(
    "2.3",
    "encoder-decoder-swapped",
    "W₁ and W₂ swapped in the reconstruction: the features are x W₁ and the "
    "reconstruction decodes them with W₂ᵀ, x̂ = x W₁ W₂ᵀ",
    replaces="tica_objective",
)
def swapped_reconstruction(x, W1, W2, H, lam, eps):
    reconstruction = ops.matmul(ops.matmul(x, W2), ops.transpose(W1))
    error = ops.sum(ops.square(reconstruction - x))
    return error + lam * ops.sum(pooled_features(x, W1, H, eps))
