"""Figures of the KSH experiment as PNG files: learning curves, the first layer's
colour filters (KSH's Figure 3) and a grid of augmented training samples."""

import matplotlib

matplotlib.use("Agg")  # files only: works without a screen

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..figures import tile_grid  # noqa: E402
from .setup import CROP  # noqa: E402


def seed_curves(histories, training_error, path):
    """One panel per row: each seed's training error (solid) and validation top-1 error
    (dashed) against epoch, a seed one colour in every panel; a dotted line at the
    training error that counts as having left chance. `histories`: row -> seed ->
    history."""
    count = len(histories)
    across = min(count, 5)
    down = -(-count // across)
    figure, panels = plt.subplots(
        down, across, figsize=(2.6 * across, 2.4 * down + 0.6), sharex=True, sharey=True
    )
    panels = np.atleast_1d(panels).ravel()
    seeds = sorted({seed for runs in histories.values() for seed in runs})
    colours = {seed: f"C{i % 10}" for i, seed in enumerate(seeds)}
    for axes, (key, runs) in zip(panels, histories.items()):
        for seed, history in runs.items():
            colour = colours[seed]
            axes.plot(history["epoch"], 100 * (1 - history["accuracy"]), color=colour,
                      marker=".", label=f"seed {seed}")  # fmt: skip
            axes.plot(history["epoch"], 100 * (1 - history["val_accuracy"]), color=colour,
                      linestyle="--")  # fmt: skip
        axes.axhline(100 * training_error, color="grey", linestyle=":", linewidth=1)
        axes.set_title(key, fontsize="medium")
        axes.set_ylim(0, 102)
        axes.grid(alpha=0.3)
    for axes in panels[count:]:
        axes.axis("off")
    for axes in panels[(down - 1) * across :]:
        axes.set_xlabel("epoch")
    for axes in panels[::across]:
        axes.set_ylabel("error (%)")
    panels[0].legend(fontsize="x-small")
    figure.suptitle(
        "training error (solid, augmented, dropout on), validation top-1 error (dashed)",
        fontsize="medium",
    )
    figure.tight_layout()
    figure.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(figure)


def first_layer_filters(kernel, path):
    """conv1's kernels (kh, kw, 3, filters) as colour tiles, each scaled on its own."""
    tiles = np.moveaxis(np.asarray(kernel), -1, 0)  # (filters, kh, kw, 3)
    low = tiles.min(axis=(1, 2, 3), keepdims=True)
    high = tiles.max(axis=(1, 2, 3), keepdims=True)
    tiles = (tiles - low) / np.maximum(high - low, 1e-12)
    tile_grid(tiles, path, f"conv1's {len(tiles)} learned colour filters", columns=8)


def augmented_samples(loaded, images, basis, seed, path, draws=5):
    """Each row: a training image, its centre crop, then `draws` augmentations as the
    base row draws them (28×28 crops and PCA colour jitter; no flips: only the 'flips'
    row mirrors its digits)."""
    import keras

    scales, _, vectors = basis
    generator = keras.random.SeedGenerator(seed)
    views = [np.asarray(loaded["centre_crop"](images, CROP))]
    for _ in range(draws):
        views.append(
            np.asarray(
                loaded["augment"](
                    images, CROP, generator, flip=False, eigenvalues=scales, eigenvectors=vectors
                )
            )
        )
    figure, axes = plt.subplots(
        len(images), draws + 2, figsize=((draws + 2) * 1.1, len(images) * 1.1 + 0.5)
    )
    # Pixels shown on one scale for the whole figure: an image whose mean colour was
    # taken away (Setup.each_image) has negative values.
    low = min(0.0, float(np.min(images)), *(float(np.min(view)) for view in views))
    high = max(1.0, float(np.max(images)), *(float(np.max(view)) for view in views))
    for row, image in enumerate(images):
        tiles = [image] + [view[row] for view in views]
        for column, tile in enumerate(tiles):
            shown = np.clip((tile - low) / (high - low), 0, 1)
            axes[row, column].imshow(shown, interpolation="nearest")
            axes[row, column].axis("off")
    axes[0, 0].set_title("image", fontsize=8)
    axes[0, 1].set_title("centre", fontsize=8)
    for column in range(2, draws + 2):
        axes[0, column].set_title(f"draw {column - 1}", fontsize=8)
    figure.suptitle(
        "Augmented training samples as the base row draws them: 28×28 crops, PCA "
        "colour jitter (no flips: only the flips row mirrors)",
        fontsize=9,
    )
    figure.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(figure)
