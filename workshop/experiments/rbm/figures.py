"""Figures of the RBM experiment as PNG files: likelihood curves, filters, samples."""

import matplotlib

matplotlib.use("Agg")  # files only: works without a screen

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..figures import tile_grid  # noqa: E402


def likelihood_curves(curves, path):
    """Exact average test log-likelihood against epoch, one line per method."""
    figure, axes = plt.subplots(figsize=(7, 4.5))
    for label, curve in curves.items():
        axes.plot(np.arange(len(curve)), curve, marker=".", label=label)
    axes.set_xlabel("epoch")
    axes.set_ylabel("test log-likelihood (nats per image, exact)")
    axes.set_title("RBM training: CD-1, CD-10 and persistent CD")
    axes.grid(alpha=0.3)
    axes.legend(fontsize="small")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def _tiles(images, shape, path, title, cmap="gray_r"):
    tiles = np.asarray(images).reshape((len(images),) + tuple(shape))
    tile_grid(tiles, path, title, cmap=cmap, tile_inches=0.8, title_inches=0.5)


def filter_grid(kernel, shape, path):
    """Each hidden unit's weights as an image (each scaled on its own; dark = positive)."""
    _tiles(kernel.T, shape, path, f"The weights of {kernel.shape[1]} hidden units")


def sample_grid(probabilities, shape, steps, path):
    """p(v|h) at the end of Gibbs chains started from training images."""
    _tiles(probabilities, shape, path, f"Samples after {steps} Gibbs steps", cmap="gray")


def class_grid(stages, titles, classes, per_class, shape, steps, path):
    """Samples of each class (a column per class) for each stage, stacked: `stages` a
    list of `(classes * per_class, pixels)` arrays, class 0's samples first."""
    rows = []
    for images in stages:
        by_class = np.asarray(images).reshape(classes, per_class, -1)
        rows.extend(by_class[:, row] for row in range(per_class))
    tiles = np.concatenate(rows).reshape((-1,) + tuple(shape))
    parts = "; ".join(
        f"rows {i * per_class + 1}–{(i + 1) * per_class}: {title}" for i, title in enumerate(titles)
    )
    tile_grid(
        tiles,
        path,
        f"Each digit class, label clamped: {steps} Gibbs steps at the top, one down pass\n{parts}",
        columns=classes,
        cmap="gray",
        tile_inches=0.8,
        title_inches=0.7,
    )
