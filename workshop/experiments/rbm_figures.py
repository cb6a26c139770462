"""Figures of the RBM experiment as PNG files: likelihood curves, filters, samples."""

import matplotlib

matplotlib.use("Agg")  # files only: works without a screen

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


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


def _tiles(images, shape, path, title, columns=10, cmap="gray_r"):
    count = len(images)
    rows = int(np.ceil(count / columns))
    figure, axes = plt.subplots(rows, columns, figsize=(columns * 0.8, rows * 0.8 + 0.5))
    for index, axis in enumerate(np.atleast_1d(axes).ravel()):
        axis.axis("off")
        if index < count:
            axis.imshow(images[index].reshape(shape), cmap=cmap, interpolation="nearest")
    figure.suptitle(title)
    figure.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(figure)


def filter_grid(kernel, shape, path):
    """Each hidden unit's weights as an image (each scaled on its own; dark = positive)."""
    _tiles(kernel.T, shape, path, f"The weights of {kernel.shape[1]} hidden units")


def sample_grid(probabilities, shape, steps, path):
    """p(v|h) at the end of Gibbs chains started from training images."""
    _tiles(probabilities, shape, path, f"Samples after {steps} Gibbs steps", cmap="gray")
