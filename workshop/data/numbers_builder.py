"""Two-digit numbers in colour, 00 to 99, as a TensorFlow Datasets builder: 100
classes, so that top-5 error means something, built offline from data inside
scikit-learn (§2.2's experiments; no natural-image data set can be downloaded here).

Each 32×32 RGB image is a crop of one of scikit-learn's two sample photographs
(china.jpg, flower.jpg), shrunk to a quarter and tinted at random (a dark crop turned
into its negative), with two of scikit-learn's digit scans drawn on it side by side in
a dark colour, at a random height (16 to 20 pixels) and offset. The label is 10·first +
second. The train, validation and test images draw their scans from disjoint sets of
the 1,797 scans (the digits data set's own stratified split), so a test number is never
written with a scan seen in training. Digits are not mirror-symmetric: a horizontal
flip turns 12 into a mirrored 21 with the label 12, so augmentation must not flip them.
"""

import numpy as np
import tensorflow as tf
import tensorflow_datasets as tfds

from .digits_builder import made_here, split_indices

SEED = 20261130
IMAGE_SIZE = 32
# The digits' heights in pixels (width 3/4 of the height). Version 1.0.0 drew 12-18:
# on those, KSH's five-conv net stayed at chance for 8 epochs (docs/experiments/ksh.md).
HEIGHTS = (16, 18, 20)
SIZES = {"train": 10_000, "validation": 2_000, "test": 2_000}


def _scans():
    """scikit-learn's 1,797 scans, (n, 8, 8) in [0, 1], and their digits."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    return digits.images.astype(np.float32) / 16.0, digits.target.astype(np.int64)


def _resized(scans):
    """{height: (n, height, 3/4 height) masks in [0, 1]} for every scan."""
    return {
        height: np.clip(
            tf.image.resize(scans[..., None], (height, height * 3 // 4)).numpy()[..., 0], 0, 1
        )
        for height in HEIGHTS
    }


def _backgrounds():
    """The two sample photos at a quarter of their size, float32 RGB in [0, 1]."""
    from sklearn.datasets import load_sample_images

    photos = []
    for photo in load_sample_images().images:
        small = tf.image.resize(
            photo.astype(np.float32) / 255.0, (photo.shape[0] // 4, photo.shape[1] // 4)
        )
        photos.append(small.numpy())
    return photos


def compose(count, pools, masks, photos, rng):
    """`count` images and labels, and the two scan indices each was written with.

    `pools[d]` holds the indices of the scans of digit d this split may use."""
    images = np.empty((count, IMAGE_SIZE, IMAGE_SIZE, 3), np.float32)
    labels = rng.permutation(np.arange(count) % 100)  # every number equally often
    used = np.empty((count, 2), np.int64)
    for n, label in enumerate(labels):
        photo = photos[rng.integers(len(photos))]
        top = rng.integers(photo.shape[0] - IMAGE_SIZE + 1)
        left = rng.integers(photo.shape[1] - IMAGE_SIZE + 1)
        background = photo[top : top + IMAGE_SIZE, left : left + IMAGE_SIZE]
        background = np.clip(background * rng.uniform(0.6, 1.4, 3), 0.0, 1.0)
        # Ink that contrasts with the background: dark on light, light on dark.
        light = background.mean() < 0.5
        ink = rng.uniform(0.75, 1.0, 3) if light else rng.uniform(0.0, 0.25, 3)
        if light:
            # Since 1.2.0 a dark crop is turned into its negative, so the ink is always
            # the darker: with both polarities KSH's ReLU nets sat at chance for 4-6
            # epochs or more, and on negatives they left it at epoch 3 (tanh nets, which
            # are symmetric, at epoch 2 with either; docs/experiments/ksh.md).
            background, ink = 1.0 - background, 1.0 - ink
        height = HEIGHTS[rng.integers(len(HEIGHTS))]
        width = height * 3 // 4
        row = rng.integers(0, IMAGE_SIZE - height + 1)
        column = rng.integers(0, IMAGE_SIZE - 2 * width + 1)
        canvas = np.zeros((IMAGE_SIZE, IMAGE_SIZE), np.float32)
        for place, digit in enumerate((label // 10, label % 10)):
            scan = rng.choice(pools[digit])
            used[n, place] = scan
            start = column + place * width
            canvas[row : row + height, start : start + width] = masks[height][scan]
        images[n] = background * (1 - canvas[..., None]) + ink * canvas[..., None]
    return np.round(images * 255).astype(np.uint8), labels.astype(np.int64), used


def splits():
    """{'train', 'validation', 'test'} -> (images uint8, labels, scan indices used)."""
    scans, digits = _scans()
    masks, photos = _resized(scans), _backgrounds()
    rng = np.random.default_rng(SEED)
    made = {}
    for name, indices in split_indices(digits).items():
        pools = {d: indices[digits[indices] == d] for d in range(10)}
        made[name] = compose(SIZES[name], pools, masks, photos, rng)
    return made


class WorkshopNumbers(tfds.core.GeneratorBasedBuilder):
    """Two-digit numbers 00-99 on photo backgrounds, 32×32 RGB, 100 classes."""

    VERSION = tfds.core.Version("1.2.0")
    RELEASE_NOTES = {
        "1.0.0": "10,000 / 2,000 / 2,000 images, scans disjoint between splits.",
        "1.1.0": "Digits 16 to 20 pixels tall (were 12 to 18).",
        "1.2.0": "Dark ink always: a dark photo crop is inverted (same numbers and scans).",
    }

    def _info(self):
        return made_here(
            self.dataset_info_from_configs(
                description=__doc__,
                features=tfds.features.FeaturesDict(
                    {
                        "image": tfds.features.Image(shape=(IMAGE_SIZE, IMAGE_SIZE, 3)),
                        "label": tfds.features.ClassLabel(num_classes=100),
                    }
                ),
                supervised_keys=("image", "label"),
            )
        )

    def _split_generators(self, dl_manager):
        return {
            name: self._generate_examples(images, labels)
            for name, (images, labels, _) in splits().items()
        }

    def _generate_examples(self, images, labels):
        for index, (image, label) in enumerate(zip(images, labels)):
            yield index, {"image": image, "label": int(label)}
