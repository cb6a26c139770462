"""Speed of the reference LocallyConnected2D (Exercise 2.1) against the locally
connected layers a user would otherwise pick, in one process.

Keras 3 has no LocallyConnected2D. A user picks tf_keras's (Keras 2, `pip install
tf-keras`, the `bench` extra; its `implementation=1` multiplies each position's patch by
its own matrix, `2` multiplies the whole input by one dense masked kernel) or writes
TensorFlow's own patch gather and one einsum. Batch 64 of 28×28×1 digits, 8 maps of
5×5 per position (LRMD's first layer at MNIST scale: 24·24 positions, 115,200
weights). Each variant is timed inside `tf.function`: forward, forward + backward
(input and weights), and backward w.r.t. the weights only (a first layer). Outputs are
checked equal first.

    python benchmarks/local_speed.py [--rounds 15 --repeats 10]
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workshop.quiet import import_tensorflow  # noqa: E402

tf = import_tensorflow()
import numpy as np  # noqa: E402
from timing import print_table, timed  # noqa: E402

from solutions.local import LocallyConnected2D  # noqa: E402


class PatchesEinsum:
    """tf.image.extract_patches, then one einsum with the same kernel and bias."""

    def __init__(self, kernel, bias, size):
        self.kernel, self.bias, self.size = tf.Variable(kernel), tf.Variable(bias), size

    def __call__(self, x):
        patches = tf.image.extract_patches(
            x, [1, self.size, self.size, 1], [1, 1, 1, 1], [1, 1, 1, 1], "VALID"
        )
        return tf.einsum("nhwk,hwkf->nhwf", patches, self.kernel) + self.bias


def tf_keras_layer(implementation, kernel, bias, x):
    """tf_keras's LocallyConnected2D (5×5 fields, one input channel) with our weights, or
    None without tf_keras. Implementation 1 keeps a kernel per flattened position;
    implementation 2 a dense (H, W, C, H', W', filters) kernel, zero outside each field."""
    try:
        import tf_keras
    except ImportError:
        return None
    out_h, out_w, size, filters = kernel.shape
    layer = tf_keras.layers.LocallyConnected2D(filters, 5, implementation=implementation)
    layer.build(x.shape)
    if implementation == 1:
        layer.set_weights([kernel.reshape(out_h * out_w, size, filters), bias])
        return layer
    dense = np.zeros(layer.get_weights()[0].shape, np.float32)
    for j in range(out_h):
        for k in range(out_w):
            for q, (l, m) in enumerate((l, m) for l in range(5) for m in range(5)):
                dense[j + l, k + m, 0, j, k, :] = kernel[j, k, q]
    layer.set_weights([dense, bias])
    return layer


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="alternating timing rounds")
    parser.add_argument("--repeats", type=int, default=10, help="calls per round")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    images = tf.constant(rng.uniform(size=(64, 28, 28, 1)).astype(np.float32))
    ours = LocallyConnected2D(8, 5)
    ours.build(images.shape)
    kernel = (0.2 * rng.standard_normal(ours.kernel.shape)).astype(np.float32)
    bias = (0.1 * rng.standard_normal(ours.bias.shape)).astype(np.float32)
    ours.set_weights([kernel, bias])
    expected = np.asarray(ours(images))

    einsum = PatchesEinsum(kernel, bias, 5)
    np.testing.assert_allclose(einsum(images), expected, rtol=1e-4, atol=1e-4)
    ours_passes = timed(ours, images, ours.trainable_weights, args.repeats)
    pairs = [
        (
            "LocallyConnected2D 8@5x5",
            "extract_patches + einsum",
            ours_passes,
            timed(einsum, images, [einsum.kernel, einsum.bias], args.repeats),
        )
    ]
    for implementation in (1, 2):
        layer = tf_keras_layer(implementation, kernel, bias, images)
        if layer is None:
            print("tf_keras is not installed (pip install tf-keras): its layers left out")
            break
        np.testing.assert_allclose(layer(images), expected, rtol=1e-4, atol=1e-4)
        pairs.append(
            (
                "LocallyConnected2D 8@5x5",
                f"tf_keras LocallyConnected2D, implementation={implementation}",
                ours_passes,
                timed(layer, images, layer.trainable_weights, args.repeats),
            )
        )
    print_table(pairs, args.rounds, args.repeats)


if __name__ == "__main__":
    main()
