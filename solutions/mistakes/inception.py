"""Wrong inception modules, one realistic mistake each."""

import keras
from keras import ops

from solutions.inception import InceptionModule
from solutions.mistakes import known

register = keras.saving.register_keras_serializable(package="mistakes")


class _Module(InceptionModule):
    """The reference's module with switches for what a student may get wrong."""

    reductions = True  # the 1×1 reductions before the 3×3 and 5×5 convolutions
    projection = True  # the 1×1 projection after the pooling
    reduction_relu = (True, True)  # after the 3×3's reduction, after the 5×5's
    project_first = False  # the projection before the pooling
    relu = True
    pooling = "max"
    pool_size = 3
    order = (0, 1, 2, 3)  # of the branches in the concatenation

    def build(self, input_shape):
        def conv(filters, size, relu=True):
            activation = "relu" if relu and self.relu else None
            return keras.layers.Conv2D(filters, size, padding="same", activation=activation)

        spatial = tuple(input_shape[:-1])
        self.branch1 = conv(self.f1, 1)
        self.branch1.build(input_shape)
        if self.reductions:
            self.reduce3 = conv(self.f3_reduce, 1, relu=self.reduction_relu[0])
            self.reduce3.build(input_shape)
        self.branch3 = conv(self.f3, 3)
        self.branch3.build(spatial + (self.f3_reduce,) if self.reductions else input_shape)
        if self.reductions:
            self.reduce5 = conv(self.f5_reduce, 1, relu=self.reduction_relu[1])
            self.reduce5.build(input_shape)
        self.branch5 = conv(self.f5, 5)
        self.branch5.build(spatial + (self.f5_reduce,) if self.reductions else input_shape)
        pool = {"max": keras.layers.MaxPooling2D, "average": keras.layers.AveragePooling2D}
        self.pool = pool[self.pooling](self.pool_size, strides=1, padding="same")
        self.pool.build(input_shape)
        if self.projection:
            self.projection_layer = conv(self.pool_proj, 1)
            self.projection_layer.build(input_shape)

    def call(self, inputs):
        reduced3 = self.reduce3(inputs) if self.reductions else inputs
        reduced5 = self.reduce5(inputs) if self.reductions else inputs
        if self.project_first:
            last = self.pool(self.projection_layer(inputs))
        else:
            pooled = self.pool(inputs)
            last = self.projection_layer(pooled) if self.projection else pooled
        branches = [self.branch1(inputs), self.branch3(reduced3), self.branch5(reduced5), last]
        return ops.concatenate([branches[i] for i in self.order], axis=-1)


@known(
    "2.6",
    "naive",
    "the naive module of Figure 2(a): no 1×1 reductions before the 3×3 and 5×5 "
    "convolutions and no projection after the pooling; the reductions are what make "
    "the module cheap (module 3a: 163,696 weights instead of 387,296)",
)
@register
class NaiveInceptionModule(_Module):
    reductions = False
    projection = False


@known(
    "2.6",
    "no-reductions",
    "the 1×1 reductions left out: the 3×3 and 5×5 convolutions read f3_reduce and "
    "f5_reduce maps of a 1×1 convolution, not the input itself",
)
@register
class NoReductionsInceptionModule(_Module):
    reductions = False


@known(
    "2.6",
    "no-pool-projection",
    "the pool branch without its projection: after the 3×3 max pooling comes a 1×1 "
    "convolution to pool_proj maps, or the pooled input's C channels pass straight on",
)
@register
class NoProjectionInceptionModule(_Module):
    projection = False


BRANCH_ORDER = (
    "the branches concatenated in another order: 1×1, then 3×3, then 5×5, then the pool "
    "branch, as in the paper's Table 1"
)


@known("2.6", "branch-order", BRANCH_ORDER)
@register
class PoolFirstInceptionModule(_Module):
    order = (3, 0, 1, 2)


@known("2.6", "branch-order-5x5-first", BRANCH_ORDER)
@register
class LargeFirstInceptionModule(_Module):
    order = (0, 2, 1, 3)


@known(
    "2.6",
    "linear-reductions",
    "no ReLU after the 1×1 reductions: every convolution of the module, the reductions "
    "included, is followed by a ReLU",
)
@register
class LinearReductionsInceptionModule(_Module):
    reduction_relu = (False, False)


LINEAR_REDUCTION = (
    "no ReLU after one of the 1×1 reductions: every convolution of the module, both "
    "reductions included, is followed by a ReLU"
)


@known("2.6", "linear-reduction-3x3", LINEAR_REDUCTION)
@register
class LinearReduction3InceptionModule(_Module):
    reduction_relu = (False, True)


@known("2.6", "linear-reduction-5x5", LINEAR_REDUCTION)
@register
class LinearReduction5InceptionModule(_Module):
    reduction_relu = (True, False)


@known(
    "2.6",
    "projection-before-pool",
    "the projection before the pooling: the pool branch max-pools the input first, then "
    "projects it with the 1×1 convolution",
)
@register
class ProjectFirstInceptionModule(_Module):
    project_first = True


@known(
    "2.6",
    "no-relu",
    "no ReLU at all: every convolution of the module is followed by a ReLU (activation='relu')",
)
@register
class LinearInceptionModule(_Module):
    relu = False


@known(
    "2.6",
    "average-pool",
    "average pooling in the pool branch: it is 3×3 max pooling, stride 1, padding 'same'",
)
@register
class AveragePoolInceptionModule(_Module):
    pooling = "average"


@known(
    "2.6",
    "pool-window-2",
    "a 2×2 pooling window: the pool branch max-pools 3×3 windows with stride 1 and "
    "'same' padding (Figure 2(b)), so every pixel's neighbours on all sides count",
)
@register
class SmallPoolInceptionModule(_Module):
    pool_size = 2
