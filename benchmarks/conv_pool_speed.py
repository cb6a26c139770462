"""Speed of the reference Conv2D, MaxPool2D and L2Pool2D against Keras, in one process.

    python benchmarks/conv_pool_speed.py [--repeats 30]

Batch 64 of 28×28×1 images, 20 feature maps of 5×5 (the notes' first layer), and
the book's second layer (40 maps of 5×5 on the pooled 12×12×20); the pooling layers
run on the first layer's 64×24×24×20 output. Each variant is timed inside
`tf.function` (as training runs it): forward alone, forward + backward (gradients
w.r.t. the input and every weight), and for the conv forward + backward w.r.t. the
weights only, which is what the network's first layer needs in training. Rounds
alternate between ours and the reference so that load on this machine hits both alike;
the table gives medians and the ratio ours / reference (1.0 = as fast, 2.0 = twice as
slow).
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workshop.quiet import import_tensorflow  # noqa: E402

tf = import_tensorflow()
import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import ops  # noqa: E402
from timing import print_table, timed  # noqa: E402

from solutions.conv import Conv2D  # noqa: E402
from solutions.pooling import L2Pool2D, MaxPool2D  # noqa: E402


def l2_pool_from_keras_ops(x):
    """L2 pooling from Keras's own average pooling: sqrt(4 · mean of squares)."""
    return ops.sqrt(4.0 * ops.average_pool(ops.square(x), 2, 2, padding="valid"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="alternating timing rounds")
    parser.add_argument("--repeats", type=int, default=10, help="calls per round")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    images = tf.constant(rng.uniform(size=(64, 28, 28, 1)).astype(np.float32))
    ours_conv, keras_conv = Conv2D(20, 5), keras.layers.Conv2D(20, 5)
    ours_conv.build(images.shape)
    keras_conv.build(images.shape)
    ours_conv.set_weights(keras_conv.get_weights())
    maps = keras_conv(images)
    pooled = keras.layers.MaxPooling2D(2)(maps)  # the second conv layer's input
    ours_conv2, keras_conv2 = Conv2D(40, 5), keras.layers.Conv2D(40, 5)
    ours_conv2.build(pooled.shape)
    keras_conv2.build(pooled.shape)
    ours_conv2.set_weights(keras_conv2.get_weights())
    np.testing.assert_allclose(ours_conv2(pooled), keras_conv2(pooled), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(ours_conv(images), maps, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(
        L2Pool2D(2)(maps), l2_pool_from_keras_ops(maps), rtol=1e-4, atol=1e-5
    )

    pairs = [
        (
            "Conv2D 20@5x5 on 64x28x28x1",
            "keras.layers.Conv2D",
            timed(ours_conv, images, ours_conv.trainable_weights, args.repeats),
            timed(keras_conv, images, keras_conv.trainable_weights, args.repeats),
        ),
        (
            "Conv2D 40@5x5 on 64x12x12x20",
            "keras.layers.Conv2D",
            timed(ours_conv2, pooled, ours_conv2.trainable_weights, args.repeats),
            timed(keras_conv2, pooled, keras_conv2.trainable_weights, args.repeats),
        ),
        (
            "MaxPool2D 2x2 on 64x24x24x20",
            "keras.layers.MaxPooling2D",
            timed(MaxPool2D(2), maps, [], args.repeats),
            timed(keras.layers.MaxPooling2D(2), maps, [], args.repeats),
        ),
        (
            "L2Pool2D 2x2 on 64x24x24x20",
            "sqrt(4 * ops.average_pool(x^2))",
            timed(L2Pool2D(2), maps, [], args.repeats),
            timed(l2_pool_from_keras_ops, maps, [], args.repeats),
        ),
    ]
    print_table(pairs, args.rounds, args.repeats)


if __name__ == "__main__":
    main()
