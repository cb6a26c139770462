"""Train every row of the KSH table with the harness's loop, judge it by top-1 and
top-5 error (Exercise 2.7's `top_k_accuracy`) on centre crops and on ten crops, and
write the table and figures."""

from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import tensorflow as tf

from ...data.pipeline import as_arrays
from ...train.loop import TrainConfig, train
from ...train.strategy import stamp
from ..folders import fresh_dir
from .network import KshNet
from .setup import CROP, EACH_IMAGE
from .summary import LEFT_CHANCE, summary


def colour_basis(loaded, train_images):
    """The training set's colour components, from the student's `pca_colour_basis`.
    Returns (scales, eigenvalues, eigenvectors): the scales handed to `augment` are
    √λ, the spread of the pixels along each component (see docs/experiments/ksh.md: λ itself, on
    pixels in [0, 1], moves a colour by well under 1%)."""
    eigenvalues, eigenvectors = loaded["pca_colour_basis"](train_images)
    eigenvalues = np.asarray(eigenvalues, np.float32)
    return np.sqrt(np.maximum(eigenvalues, 0)), eigenvalues, np.asarray(eigenvectors, np.float32)


def augmentation(loaded, row, basis):
    """The function the input pipeline maps over training batches, for this row."""
    augment, centre_crop = loaded["augment"], loaded["centre_crop"]
    scales, _, vectors = basis
    if row.augmentation == "none":
        return lambda images, seed: centre_crop(images, CROP)
    jitter = "jitter" in row.augmentation
    flip = "flips" in row.augmentation
    return lambda images, seed: augment(
        images,
        CROP,
        seed,
        flip=flip,
        eigenvalues=scales if jitter else None,
        eigenvectors=vectors if jitter else None,
    )


def build_model(loaded, row, setup, channels, num_classes, devices=None, pixel_mean=None):
    """The row's net for CROP × CROP images, built (its weights exist)."""
    convs = tuple((m // 2, k) for m, k in setup.convs) if row.half else setup.convs
    net = KshNet(
        num_classes,
        convs=convs,
        units=setup.units // 2 if row.half else setup.units,
        activation=row.activation,
        lrn=loaded["LocalResponseNormalization"] if row.lrn else None,
        pool_size=row.pool_size,
        dropout=row.dropout,
        columns=row.columns,
        devices=devices if row.columns > 1 else None,
        initializer=setup.initializer,
        fc_initializer=setup.fc_initializer,
        bias_start=setup.bias_start,
        pixel_mean=pixel_mean,
    )
    net(np.zeros((1, CROP, CROP, channels), np.float32))
    return net


def epochs_to(history, error):
    """The first epoch whose training error is at most `error`, or None."""
    reached = history.index[1 - history["accuracy"] <= error]
    return int(history["epoch"][reached[0]]) if len(reached) else None


def centre_cropped(loaded, dataset, chunk=500):
    """An (image, label) pipeline of the centre crops, made eagerly by the student's
    `centre_crop` (so that one written with NumPy works), as the nets are judged."""
    images, labels = as_arrays(dataset)
    crops = [
        np.asarray(loaded["centre_crop"](images[i : i + chunk], CROP), np.float32)
        for i in range(0, len(images), chunk)
    ]
    return tf.data.Dataset.from_tensor_slices((np.concatenate(crops), labels))


def ten_crop_outputs(loaded, model, images, chunk=100):
    """The net's mean output over each image's ten crops (KSH §4.1)."""
    predict = tf.function(lambda x: model(x, training=False))
    outputs = []
    for start in range(0, len(images), chunk):
        crops = np.asarray(loaded["ten_crops"](images[start : start + chunk], CROP), np.float32)
        flat = predict(crops.reshape((-1,) + crops.shape[2:])).numpy()
        outputs.append(flat.reshape(crops.shape[:2] + (-1,)).mean(axis=0))
    return np.concatenate(outputs)


@dataclass
class Prepared:
    """What every net of `run ksh` and `run googlenet` is trained and judged with."""

    splits: object  # train in memory (decoded once), validation and test as centre crops
    train_images: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    basis: tuple  # colour_basis of the training images
    pixel_mean: np.ndarray  # (channels,)

    @property
    def channels(self):
        return self.train_images.shape[-1]


# The least standard deviation an image is divided by (pixels in [0, 1]): a flat image
# is not blown up into noise. The embedded data's least is 0.11, so it never acts there.
CONTRAST_FLOOR = 0.01


def normalised(dataset, contrast=None):
    """Each image minus its own mean colour, per channel: the tint of the photo behind
    the number (the subtractive step of LRMD's contrast normalisation, notes §2.1, over
    the whole image); with `contrast`, each is also scaled so that the standard deviation
    of its pixels (over rows, columns and channels) is `contrast` (the divisive step).
    Done before any crop or jitter, so that the colour jitter still shifts what the net
    sees."""

    def one(image, label):
        centred = image - tf.reduce_mean(image, (0, 1), True)
        if contrast is None:
            return centred, label
        spread = tf.maximum(tf.math.reduce_std(centred), CONTRAST_FLOOR)
        return centred * (contrast / spread), label

    return dataset.map(one)


def mean_contrast(dataset):
    """The mean over the images of `dataset` of each one's standard deviation."""
    images, _ = as_arrays(dataset)
    return float(images.reshape(len(images), -1).std(axis=1).mean())


def prepare(loaded, splits, each_image="none"):
    """The splits as every net is trained and judged on; `each_image` (Setup's): "none",
    "centre" or "centre+contrast" (to the training set's mean contrast once centred)."""
    if each_image not in EACH_IMAGE:
        raise ValueError(f"each_image={each_image!r}: one of {', '.join(EACH_IMAGE)}")
    if each_image != "none":
        contrast = mean_contrast(normalised(splits.train)) if "contrast" in each_image else None
        splits = replace(
            splits,
            train=normalised(splits.train, contrast),
            validation=normalised(splits.validation, contrast),
            test=normalised(splits.test, contrast),
        )
    train_images, train_labels = as_arrays(splits.train)
    test_images, test_labels = as_arrays(splits.test)
    prepared = replace(
        splits,
        train=tf.data.Dataset.from_tensor_slices((train_images, train_labels)),
        validation=centre_cropped(loaded, splits.validation),
        test=centre_cropped(loaded, splits.test),
    )
    return Prepared(
        prepared,
        train_images,
        test_images,
        test_labels,
        colour_basis(loaded, train_images),
        train_images.mean(axis=(0, 1, 2)),
    )


def train_config(setup, seed):
    """The loop's settings from a KSH `Setup`."""
    return TrainConfig(
        epochs=setup.epochs,
        batch_size=setup.batch_size,
        learning_rate=setup.learning_rate,
        optimizer=setup.optimizer,
        warmup_epochs=setup.warmup_epochs,
        seed=seed,
        verbose=2,
    )


def error_columns(top_k, best_outputs, ten_outputs, labels):
    """Top-1 and top-5 error in %, at the best epoch (centre crop) and, if given, of the
    final net on ten crops, from the student's `top_k_accuracy`."""

    def error(outputs, k):
        if outputs is None:
            return None
        return round(100 * (1 - float(top_k(np.asarray(outputs), labels, k))), 2)

    return {
        "top-1 error %": error(best_outputs, 1),
        "top-5 error %": error(best_outputs, 5),
        "10-crop top-1 %": error(ten_outputs, 1),
        "10-crop top-5 %": error(ten_outputs, 5),
    }


def measured(loaded, prepared, result, ten, training_error):
    """What seeds.csv holds of one net trained with one seed (`result`, and `ten`, its
    ten-crop outputs or None): its errors, the last epoch's training error, the epoch it
    left chance, its weights and its training seconds (run ksh's and run googlenet's)."""
    return {
        **error_columns(
            loaded["top_k_accuracy"], result.test_probabilities, ten, prepared.test_labels
        ),
        "training error % (last epoch)": round(100 * (1 - result.history["accuracy"].iloc[-1]), 1),
        LEFT_CHANCE: epochs_to(result.history, training_error),
        "parameters": result.model.count_params(),
        "training seconds": round(float(result.history["seconds"].iloc[-1]), 1),
    }


def run(strategy, loaded, splits, rows, out_dir, setup, seeds=(0,), devices=None, log=print):
    """Train every row once per seed (seed by seed, so that a stopped run has whole
    seeds); write seeds.csv (one line per row and seed), results.csv (`summary`: the
    mean ± sd of each row over the seeds, its Δ and whether the Δ exceeds the spread)
    and the figures; return the summary."""
    from .figures import augmented_samples, first_layer_filters, seed_curves

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    prepared = prepare(loaded, splits, setup.each_image)
    results, curves, first_filters = [], {}, None
    for seed in seeds:
        config = train_config(setup, seed)
        for row in rows:
            settings = {
                "row": asdict(row),
                "setup": asdict(setup),
                "config": asdict(config),
                "data": f"{splits.name} {splits.version}",
                "strategy": stamp(strategy),
                "devices": list(devices) if devices and row.columns > 1 else None,
            }
            folder = fresh_dir(out_dir / row.key / f"seed{seed}", settings)
            log(f"== {row.key}, seed {seed}: {row.label}")
            result = train(
                strategy,
                lambda row=row: build_model(
                    loaded,
                    row,
                    setup,
                    prepared.channels,
                    splits.num_classes,
                    devices,
                    prepared.pixel_mean,
                ),
                prepared.splits,
                prepared.splits.train,
                config,
                folder,
                augment=augmentation(loaded, row, prepared.basis),
            )
            ten = (
                ten_crop_outputs(loaded, result.model, prepared.test_images)
                if setup.ten_crop
                else None
            )
            curves.setdefault(row.key, {})[seed] = result.history
            if first_filters is None or (row.key == "base" and seed == seeds[0]):
                first_filters = np.asarray(result.model.convs[0][0].kernel)
            results.append(
                {
                    "row": row.key,
                    "seed": seed,
                    "change": row.label,
                    **measured(loaded, prepared, result, ten, setup.training_error),
                    "KSH": row.paper,
                }
            )
    per_seed = pd.DataFrame(results)
    per_seed.to_csv(out_dir / "seeds.csv", index=False)
    table = summary(per_seed)
    table.to_csv(out_dir / "results.csv", index=False)
    seed_curves(curves, setup.training_error, out_dir / "learning_curves.png")
    first_layer_filters(first_filters, out_dir / "filters.png")
    augmented_samples(
        loaded,
        prepared.train_images[:8],
        prepared.basis,
        seeds[0],
        out_dir / "augmented_samples.png",
    )
    return table
