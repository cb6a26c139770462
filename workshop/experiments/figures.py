"""Figures of a run, as PNG files: learning curves and the learned filters."""

import matplotlib

matplotlib.use("Agg")  # files only: works without a screen

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def learning_curves(histories, path):
    """Validation accuracy against epoch, one line per row; after one epoch each (a quick
    run), one bar per row, since a line of one point is a lone dot."""
    histories = {key: history for key, history in histories.items() if len(history)}
    figure, axes = plt.subplots(figsize=(7, 4.5))
    if histories and max(len(history) for history in histories.values()) == 1:
        keys = list(histories)
        values = [100 * float(histories[key]["val_accuracy"].iloc[0]) for key in keys]
        bars = axes.bar(keys, values, color="tab:blue")
        axes.bar_label(bars, fmt="%.1f", fontsize="small")
        axes.set_ylim(0, 100)
        axes.set_ylabel("validation accuracy after 1 epoch (%)")
        axes.set_title("After one epoch (a quick run): the full run's curves show how each learns")
        axes.tick_params(axis="x", labelrotation=30)
    else:
        for key, history in histories.items():
            axes.plot(history["epoch"], 100 * history["val_accuracy"], marker=".", label=key)
        epoch_axis(axes, max((len(h) for h in histories.values()), default=1))
        axes.set_xlabel("epoch (rows with expanded data see 5× the images per epoch)")
        axes.set_ylabel("validation accuracy (%)")
        axes.set_title("Learning curves (first member of each row)")
        axes.legend(fontsize="small")
    axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def epoch_axis(axes, last_epoch):
    """Whole epochs on the x axis, from 0 to one past the last: a short run's few points
    sit on an axis of epochs, not on one matplotlib stretched around a single value."""
    from matplotlib.ticker import MaxNLocator

    axes.set_xlim(0, last_epoch + 1)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))


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
