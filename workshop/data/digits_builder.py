"""scikit-learn's 1,797 handwritten digits as a TensorFlow Datasets builder.

The scans are 8×8 with 17 grey levels. To keep the notes' geometry (a 28×28 input, a
5×5 field giving 24×24, pooling giving 12×12) they are resized to 20×20 and centred in
a 28×28 frame, as MNIST centres its 20×20 digits. The split into train, validation and
test is stratified by digit and fixed by a seed, so every run sees the same test set.
Nothing is downloaded: the data ships inside scikit-learn.
"""

import numpy as np
import tensorflow as tf
import tensorflow_datasets as tfds

SPLIT_SEED = 20261127
VALIDATION_SHARE = 0.2
TEST_SHARE = 0.2
DIGIT_SIZE = 20  # as in MNIST: a 20×20 digit centred in 28×28
IMAGE_SIZE = 28


def digit_images():
    """All 1,797 digits as (images uint8 (n, 28, 28, 1), labels int64 (n,))."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    scans = digits.images.astype(np.float32) / 16.0  # (n, 8, 8), 0..1
    resized = tf.image.resize(scans[..., None], (DIGIT_SIZE, DIGIT_SIZE), method="bilinear")
    margin = (IMAGE_SIZE - DIGIT_SIZE) // 2
    framed = tf.pad(resized, [[0, 0], [margin, margin], [margin, margin], [0, 0]])
    images = np.round(np.clip(framed.numpy(), 0.0, 1.0) * 255).astype(np.uint8)
    return images, digits.target.astype(np.int64)


def split_indices(labels):
    """{'train', 'validation', 'test'} -> sorted indices: stratified, seeded, disjoint."""
    from sklearn.model_selection import train_test_split

    everything = np.arange(len(labels))
    rest, test = train_test_split(
        everything, test_size=TEST_SHARE, stratify=labels, random_state=SPLIT_SEED
    )
    train, validation = train_test_split(
        rest,
        test_size=VALIDATION_SHARE / (1 - TEST_SHARE),
        stratify=labels[rest],
        random_state=SPLIT_SEED,
    )
    return {"train": np.sort(train), "validation": np.sort(validation), "test": np.sort(test)}


def made_here(info):
    """`info` for data built on this machine: tfds looks an unprepared data set up in its
    GCS bucket, through a temporary folder it never removes (one tmp*tfds per look);
    ours are never there."""
    info.initialize_from_bucket = lambda: None
    return info


class WorkshopDigits(tfds.core.GeneratorBasedBuilder):
    """scikit-learn's handwritten digits, 28×28, split 60/20/20."""

    VERSION = tfds.core.Version("1.0.0")
    RELEASE_NOTES = {"1.0.0": "The 1,797 digits resized to 20×20 and centred in 28×28."}

    def _info(self):
        return made_here(
            self.dataset_info_from_configs(
                description=__doc__,
                features=tfds.features.FeaturesDict(
                    {
                        "image": tfds.features.Image(shape=(IMAGE_SIZE, IMAGE_SIZE, 1)),
                        "label": tfds.features.ClassLabel(num_classes=10),
                    }
                ),
                supervised_keys=("image", "label"),
                homepage="https://scikit-learn.org/stable/datasets/toy_dataset.html#digits-dataset",
            )
        )

    def _split_generators(self, dl_manager):
        images, labels = digit_images()
        return {
            name: self._generate_examples(images, labels, indices)
            for name, indices in split_indices(labels).items()
        }

    def _generate_examples(self, images, labels, indices):
        for index in indices:
            yield int(index), {"image": images[index], "label": int(labels[index])}
