"""Figures of the recurrent experiment, read back from the run folders as PNG files."""

import matplotlib

matplotlib.use("Agg")  # files only: works without a screen

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ...data.adding import BASELINE_MSE  # noqa: E402

NAMES = {"rnn": "tanh RNN", "lstm": "LSTM"}


def adding_curves(runs_dir, lengths, cells, path):
    """Test MSE against training step, one panel per length, the baseline dashed."""
    figure, axes = plt.subplots(1, len(lengths), figsize=(3.2 * len(lengths), 3.4), sharey=True)
    for axis, length in zip(np.atleast_1d(axes), lengths):
        for kind in cells:
            history = pd.read_csv(runs_dir / f"T{length}-{kind}" / "history.csv")
            axis.plot(history["step"], history["test_mse"], label=NAMES[kind])
        axis.axhline(BASELINE_MSE, color="gray", linestyle="--", linewidth=1, label="predict 1")
        axis.set_yscale("log")
        axis.set_title(f"T = {length}")
        axis.set_xlabel("training step")
        axis.grid(alpha=0.3)
    np.atleast_1d(axes)[0].set_ylabel("test MSE")
    np.atleast_1d(axes)[0].legend(fontsize="small")
    figure.suptitle("The adding problem: same steps, same batches, same optimiser")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def gradient_norms(runs_dir, length, cells, path):
    """‖∂L/∂h_t‖ against t, at initialisation and after training, on a log scale:
    how much of the loss's gradient reaches each time step."""
    figure, axes = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
    for axis, when in zip(axes, ("initial", "trained")):
        for kind in cells:
            norms = pd.read_csv(runs_dir / f"T{length}-{kind}" / "gradient_norms.csv")
            axis.plot(norms["t"], norms[when], label=NAMES[kind])
        axis.set_yscale("log")
        axis.set_xlabel("time step t (the loss is taken after the last step)")
        axis.set_title("at initialisation" if when == "initial" else "after training")
        axis.grid(alpha=0.3)
    axes[0].set_ylabel("mean ‖∂L/∂h_t‖")
    axes[0].legend(fontsize="small")
    figure.suptitle(f"How far back the gradient reaches, adding problem T = {length}")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
