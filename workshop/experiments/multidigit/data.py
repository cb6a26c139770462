"""The data of `workshop run multidigit`: the embedded synthetic house numbers, or
TFDS's svhn_cropped (single 32×32 digits: length 1 everywhere, so it shows per-digit
reading and the length head's trivial case, not whole-number reading)."""

from dataclasses import dataclass

import numpy as np

from ...errors import RunFailed


@dataclass
class Prepared:
    name: str
    version: str
    train: tuple  # (images float32 in [0, 1], lengths, digits)
    test: tuple
    lengths_seen: dict  # length -> share of the training set


def _as_float(images):
    return images.astype(np.float32) / 255.0


def _shares(lengths):
    values, counts = np.unique(lengths, return_counts=True)
    return {int(v): round(float(c) / len(lengths), 4) for v, c in zip(values, counts)}


def load(args):
    from .setup import QUICK, Setup

    setup = QUICK if args.quick else Setup()
    if args.dataset == "svhn":
        return _svhn(args)
    from ...data.house_numbers import VERSION, make_splits

    splits = make_splits(
        seed=20261201 + args.seed,
        sizes={"train": setup.train_size, "validation": 10, "test": setup.test_size},
    )
    train, test = splits["train"], splits["test"]
    return Prepared(
        "numbers",
        VERSION,
        (_as_float(train.images), train.lengths, train.digits),
        (_as_float(test.images), test.lengths, test.digits),
        _shares(train.lengths),
    )


def _svhn(args):
    import tensorflow_datasets as tfds

    from ...data.pipeline import as_arrays, default_data_dir

    data_dir = args.data_dir or default_data_dir()
    try:
        loaded = {
            split: as_arrays(
                tfds.load(
                    "svhn_cropped",
                    split=split,
                    data_dir=data_dir,
                    download=args.download,
                    as_supervised=True,
                )
            )
            for split in ("train", "test")
        }
    except (AssertionError, tfds.core.registered.DatasetNotFoundError):
        raise RunFailed(
            f"svhn_cropped is not in {data_dir} and is only downloaded on request: add "
            "--download on a machine with internet, or use --dataset numbers (embedded)"
        ) from None

    def single_digits(images, labels):
        digits = np.full((len(labels), 5), -1, np.int64)
        digits[:, 0] = labels
        return _as_float(images), np.ones(len(labels), np.int64), digits

    train, test = (single_digits(*loaded[split]) for split in ("train", "test"))
    return Prepared("svhn_cropped", "tfds", train, test, _shares(train[1]))
