"""Binary images as NumPy arrays, for the Boltzmann machines: each pixel on or off.

`digits` is scikit-learn's 1,797 scans at their own 8×8 (64 visible units, the size
scikit-learn's RBM example uses), split exactly as the 28×28 digits data set
(stratified, seeded: 1,077 / 360 / 360) so no test image, or a shifted copy of one,
is ever trained on. `mnist` goes through TensorFlow Datasets (28×28, 784 units).
A pixel is on when its intensity is above half.
"""

from dataclasses import dataclass

import numpy as np

from .digits_builder import split_indices


@dataclass
class BinarySplits:
    name: str
    image_shape: tuple  # (height, width)
    x: dict  # split -> (n, height * width) float32, 0 or 1
    y: dict  # split -> (n,) int64


def load_binary(name="digits", data_dir=None, download=False):
    if name == "digits":
        from sklearn.datasets import load_digits

        digits = load_digits()
        pixels = (digits.data / 16.0 > 0.5).astype(np.float32)
        parts = split_indices(digits.target)
        return BinarySplits(
            "digits",
            (8, 8),
            {split: pixels[index] for split, index in parts.items()},
            {split: digits.target[index].astype(np.int64) for split, index in parts.items()},
        )
    from .pipeline import load_splits

    splits = load_splits(name, data_dir, download=download)
    x, y = {}, {}
    for split in ("train", "validation", "test"):
        images, labels = zip(*getattr(splits, split).batch(4096).as_numpy_iterator())
        flat = np.concatenate(images).reshape(-1, int(np.prod(splits.image_shape)))
        x[split], y[split] = (flat > 0.5).astype(np.float32), np.concatenate(labels)
    return BinarySplits(name, tuple(splits.image_shape[:2]), x, y)


@dataclass
class LabelledSplits:
    """Unbatched (image, label) pipelines, as the training harness takes them."""

    name: str
    train: object
    validation: object
    test: object


def labelled_splits(data, train_indices):
    """The harness's splits from binary arrays, training on `train_indices` only."""
    import tensorflow as tf

    def pipeline(split, indices=None):
        x, y = data.x[split], data.y[split]
        if indices is not None:
            x, y = x[indices], y[indices]
        return tf.data.Dataset.from_tensor_slices((x, y))

    return LabelledSplits(
        data.name, pipeline("train", train_indices), pipeline("validation"), pipeline("test")
    )
