"""Every data set reaches the models the same way: a TensorFlow Datasets pipeline of
(image float32 in [0, 1], shape (height, width, channels); label int64).

`digits` (the default) and `numbers` (two-digit numbers in colour, 100 classes) are
built here from data inside scikit-learn and need no network. The others go through
the real `tfds.load`; since downloading needs the internet, it only downloads when
asked (`download=True`), and otherwise fails at once with a message instead of
retrying for minutes on a machine that is offline.
"""

import contextlib
import fcntl
import io
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import tensorflow as tf
import tensorflow_datasets as tfds

# Splits per data set: train, validation, test, in TFDS's split syntax. The book held
# out the last 10,000 MNIST training images for validation; the others follow suit.
SPLITS = {
    "digits": {"train": "train", "validation": "validation", "test": "test"},
    "numbers": {"train": "train", "validation": "validation", "test": "test"},
    "mnist": {"train": "train[:50000]", "validation": "train[50000:]", "test": "test"},
    "cifar10": {"train": "train[:45000]", "validation": "train[45000:]", "test": "test"},
    "svhn_cropped": {"train": "train[:90%]", "validation": "train[90%:]", "test": "test"},
    # Imagenette publishes no test split: its validation split is the test set here.
    "imagenette": {"train": "train[:90%]", "validation": "train[90%:]", "test": "validation"},
}
TFDS_NAMES = {
    "digits": "workshop_digits",
    "numbers": "workshop_numbers",
    "imagenette": "imagenette/160px-v2",
}
# Data sets whose images differ in size are resized to one size, as KSH resized
# ImageNet to 256×256 before cropping; 32×32 fits the workshop's KSH-shaped nets.
RESIZED = {"imagenette": (32, 32)}


tfds.display_progress_bar(False)  # the harness prints its own progress


class DatasetUnavailable(Exception):
    """The data set cannot be had here; the message says what to do instead."""


@dataclass
class Splits:
    name: str
    train: tf.data.Dataset
    validation: tf.data.Dataset
    test: tf.data.Dataset
    image_shape: tuple
    num_classes: int
    version: str = ""  # the builder's version: a run's settings name it, so a run on
    # another version of the data starts afresh instead of resuming


def default_data_dir():
    return os.environ.get(
        "WORKSHOP_DATA_DIR", str(Path.home() / ".cache" / "nndl-workshop" / "tensorflow_datasets")
    )


def _to_float(image, label):
    return tf.cast(image, tf.float32) / 255.0, label


def _shorter_side_to(image, size):
    """`image` scaled so that its shorter side fits `size` (KSH §2: rescaled so the
    shorter side is 256, then the central 256×256 patch)."""
    shape = tf.cast(tf.shape(image)[:2], tf.float32)
    scale = tf.reduce_max(tf.constant(size, tf.float32) / shape)
    return tf.image.resize(image, tf.cast(tf.math.ceil(shape * scale), tf.int32))


def _local_builder(name):
    """The builders of the data sets made here from scikit-learn's own data."""
    if name == "numbers":
        from .numbers_builder import WorkshopNumbers

        return WorkshopNumbers
    from .digits_builder import WorkshopDigits

    return WorkshopDigits


def _prepared_locally(name, data_dir):
    """The builder of a data set built from scikit-learn's copy (no network), built
    once: processes started together on one data folder (the workers of a multi-worker
    run) take turns, and the later ones find it ready, instead of racing to rename the
    same folder. A folder already built is only read, so it may be read-only or shared."""
    builder = _local_builder(name)(data_dir=data_dir)
    if builder.is_prepared():
        return builder
    with _turn(data_dir, name):
        # Made after the wait: a builder made before the data exist reads no splits.
        builder = _local_builder(name)(data_dir=data_dir)
        # tfds prints "Downloading and preparing dataset Unknown size": nothing is
        # downloaded, so say what happens instead.
        print(f"building the {name} data set into {data_dir} (once)", flush=True)
        with contextlib.redirect_stdout(io.StringIO()):
            builder.download_and_prepare()
    return builder


@contextlib.contextmanager
def _turn(data_dir, name):
    """Hold the folder's lock for `name`; where none can be had (a bucket, a folder we
    cannot write to, a file system without flock) go on without it."""
    lock = None
    if "://" not in str(data_dir):
        try:
            Path(data_dir).mkdir(parents=True, exist_ok=True)
            # Read-only is enough for flock, and works on a lock file another user made.
            lock = os.open(Path(data_dir) / f".{name}.lock", os.O_RDONLY | os.O_CREAT, 0o666)
            fcntl.flock(lock, fcntl.LOCK_EX)
        except OSError:
            pass
    try:
        yield
    finally:
        if lock is not None:
            os.close(lock)  # releases the lock


def load_splits(name="digits", data_dir=None, download=False):
    """Train, validation and test pipelines of one data set, unbatched."""
    if name not in SPLITS:
        raise DatasetUnavailable(
            f"unknown data set '{name}'; choose from {', '.join(sorted(SPLITS))}"
        )
    data_dir = data_dir or default_data_dir()
    tfds_name = TFDS_NAMES.get(name, name)
    if name in ("digits", "numbers"):
        builder = _prepared_locally(name, data_dir)
        loaded = {
            split: builder.as_dataset(split=s, as_supervised=True)
            for split, s in SPLITS[name].items()
        }
        info = builder.info
    else:
        try:
            loaded, info = {}, None
            for split, selection in SPLITS[name].items():
                loaded[split], info = tfds.load(
                    tfds_name,
                    split=selection,
                    data_dir=data_dir,
                    download=download,
                    as_supervised=True,
                    with_info=True,
                )
        except (AssertionError, tfds.core.registered.DatasetNotFoundError) as error:
            if download:
                raise DatasetUnavailable(f"{name} could not be prepared in {data_dir}: {error}")
            raise DatasetUnavailable(
                f"{name} is not in {data_dir} and is only downloaded on request: add "
                "--download on a machine with internet (or copy a prepared data dir there "
                "and pass --data-dir), or use --dataset digits, which ships with scikit-learn"
            ) from None
    image_shape = tuple(info.features["image"].shape)
    num_classes = info.features["label"].num_classes
    convert = _to_float
    if name in RESIZED:
        size = RESIZED[name]
        image_shape = size + image_shape[-1:]

        def convert(image, label):  # shorter side to the size, then the centre square
            image, label = _to_float(image, label)
            return tf.image.resize_with_crop_or_pad(_shorter_side_to(image, size), *size), label

    pipelines = {
        split: ds.map(convert, num_parallel_calls=tf.data.AUTOTUNE) for split, ds in loaded.items()
    }
    return Splits(
        name,
        image_shape=image_shape,
        num_classes=num_classes,
        version=str(info.version),
        **pipelines,
    )


def as_arrays(dataset):
    """An unbatched (image, label) pipeline as NumPy: (images, labels)."""
    images, labels = zip(*dataset.as_numpy_iterator())
    return np.stack(images), np.asarray(labels)


def expand_by_shifts(dataset):
    """Nielsen's expanded training data: each image, and copies shifted one pixel up,
    down, left and right (the uncovered edge filled with 0). Five times the data."""

    def shifted(image, label):
        padded = tf.pad(image, [[1, 1], [1, 1], [0, 0]])
        height, width = tf.shape(image)[0], tf.shape(image)[1]
        views = [image]
        for dy, dx in ((2, 1), (0, 1), (1, 2), (1, 0)):  # up, down, left, right
            views.append(padded[dy : dy + height, dx : dx + width])
        return tf.data.Dataset.from_tensor_slices((tf.stack(views), tf.fill([5], label)))

    return dataset.flat_map(shifted)


def batched(dataset, global_batch_size, shuffle_seed=None, drop_remainder=False, buffer=60_000):
    """Shuffled (when a seed is given) and batched at the global batch size; the
    strategy splits each global batch between its replicas."""
    if shuffle_seed is not None:
        dataset = dataset.shuffle(buffer, seed=shuffle_seed, reshuffle_each_iteration=True)
    return dataset.batch(global_batch_size, drop_remainder=drop_remainder).prefetch(
        tf.data.AUTOTUNE
    )
