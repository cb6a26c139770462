"""Figures of the LRMD experiment as PNG files: filters, the best units' favourite
digits, the race of strategies and the staleness of asynchronous updates."""

import matplotlib

matplotlib.use("Agg")  # files only: works without a screen

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..figures import tile_grid  # noqa: E402
from .race import label  # noqa: E402


def draw_filters(tiles, path, title):
    """Filters (count, h, w), each scaled on its own; light is a positive weight."""
    tile_grid(tiles, path, title, columns=8, cmap="gray", tile_inches=0.8, title_inches=0.5)


def draw_best_units(images_by_class, path):
    """Row c: the test images that most excite the unit chosen for class c."""
    rows = len(images_by_class)
    columns = max(len(images) for images in images_by_class.values())
    figure, axes = plt.subplots(rows, columns, figsize=(columns * 0.7, rows * 0.75 + 0.5))
    axes = np.atleast_2d(axes)
    for row, (c, images) in enumerate(sorted(images_by_class.items())):
        for column in range(columns):
            axis = axes[row, column]
            axis.axis("off")
            if column < len(images):
                axis.imshow(images[column], cmap="gray_r", interpolation="nearest")
        axes[row, 0].set_title(f"unit for {c}", fontsize=7, loc="left")
    figure.suptitle("Test digits that most excite each class's best single unit")
    figure.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(figure)


def draw_race(histories, path):
    """Training loss against wall time and against examples seen."""
    figure, (by_time, by_examples) = plt.subplots(1, 2, figsize=(11, 4.3), sharey=True)
    for name, history in histories.items():
        for axis, column in ((by_time, "seconds"), (by_examples, "examples")):
            axis.plot(history[column], history["loss"], marker=".", label=label(name))
    by_time.set_xlabel("training wall time (s, evaluation left out)")
    by_examples.set_xlabel("examples trained on")
    by_time.set_ylabel("training loss (mean over the epoch)")
    for axis in (by_time, by_examples):
        axis.grid(alpha=0.3)
    by_examples.legend(fontsize="small")
    figure.suptitle("The same model, data and examples: synchronous against asynchronous SGD")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def draw_staleness(counts_by_name, path):
    """How many updates landed between a step's read of the weights and its write."""
    figure, axes = plt.subplots(figsize=(7, 4.2))
    count = max(len(counts_by_name), 1)
    width = 0.8 / count
    top = 1
    for i, (name, counts) in enumerate(counts_by_name.items()):
        end = int(np.flatnonzero(counts).max()) + 1 if counts.any() else 1
        top = max(top, end)
        share = counts[:end] / max(counts.sum(), 1)
        offset = (i - (count - 1) / 2) * width  # the bars of one staleness side by side
        axes.bar(np.arange(end) + offset, 100 * share, width, label=label(name))
    axes.set_xticks(np.arange(top))
    axes.set_xlabel("staleness: other updates between a worker's read and its write")
    axes.set_ylabel("% of updates")
    axes.set_title("Staleness of asynchronous updates")
    axes.grid(alpha=0.3, axis="y")
    axes.legend(fontsize="small")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
