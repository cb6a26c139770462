"""Figures of a run, as PNG files: learning curves and the learned filters."""

import matplotlib

matplotlib.use("Agg")  # files only: works without a screen

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def learning_curves(histories, path):
    """Validation accuracy against epoch, one line per row."""
    figure, axes = plt.subplots(figsize=(7, 4.5))
    for key, history in histories.items():
        if len(history):
            axes.plot(history["epoch"], 100 * history["val_accuracy"], marker=".", label=key)
    axes.set_xlabel("epoch (rows with expanded data see 5× the images per epoch)")
    axes.set_ylabel("validation accuracy (%)")
    axes.set_title("Learning curves (first member of each row)")
    axes.grid(alpha=0.3)
    axes.legend(fontsize="small")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def filter_grid(kernel, path, columns=10):
    """The first layer's filters as 5×5 tiles, like Figure 3 of the notes: darker is a
    larger weight, each filter scaled on its own."""
    kernel = kernel[:, :, 0, :]  # first input channel: (kh, kw, filters)
    tiles = np.moveaxis(kernel, -1, 0)  # (filters, kh, kw)
    tile_grid(tiles, path, f"The first layer's {len(tiles)} learned filters", columns)


def tile_grid(images, path, title, columns=10, cmap="gray_r", tile_inches=0.9, title_inches=0.4):
    """`images` `(count, height, width)` as a grid of tiles, each scaled on its own."""
    count = len(images)
    rows = int(np.ceil(count / columns))
    figure, axes = plt.subplots(
        rows, columns, figsize=(columns * tile_inches, rows * tile_inches + title_inches)
    )
    for index, axis in enumerate(np.atleast_1d(axes).ravel()):
        axis.axis("off")
        if index < count:
            axis.imshow(images[index], cmap=cmap, interpolation="nearest")
    figure.suptitle(title)
    figure.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(figure)
