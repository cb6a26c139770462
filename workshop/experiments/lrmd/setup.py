"""The LRMD experiment's settings, kept free of TensorFlow so that the command line
checks its flags before the slow import."""

from dataclasses import dataclass, replace

from .stack_shape import StackShape

# What the experiment trains, from the reference or the student: key -> (module, name).
NEEDS = {
    "LocallyConnected2D": ("local", "LocallyConnected2D"),
    "LocalContrastNormalization": ("contrast", "LocalContrastNormalization"),
    "pooling_matrix": ("tica", "pooling_matrix"),
}
DIGITS = StackShape(maps=16, kernel=5, stride=2, pool=2, lcn_radius=3, lcn_sigma=1.5)
# Photo patches: larger fields, so that edges have room; 3×3 positions on a 16×16 patch.
PHOTOS = StackShape(maps=16, kernel=8, stride=4, pool=2, lcn_radius=3, lcn_sigma=1.5)


@dataclass(frozen=True)
class Setup:
    digits: StackShape = DIGITS
    photos: StackShape = PHOTOS
    lam: float = 0.5  # λ of the pooling (sparsity) term
    eps: float = 0.01  # ε under the pooling's square root
    epochs: int = 30  # unsupervised epochs on the digits
    photo_patches: int = 10_000
    photo_patch_size: int = 16
    photo_epochs: int = 15
    batch_size: int = 32
    learning_rate: float = 0.003  # Adam, unsupervised
    probe_labels: tuple = (1, 5, None)  # per class; None: every label
    probe_draws: int = 10  # labelled subsets drawn for 1 and 5 labels per class
    # The race of strategies, on the supervised LRMD classifier (plain SGD).
    race: tuple = ("default", "mirrored", "ps:1", "ps:2", "ps:4")
    race_epochs: int = 10
    race_batch_size: int = 16
    race_learning_rate: float = 0.05
    # Asynchronous runs differ from run to run even with one seed: each configuration is
    # run with --seed and the next ones, and the table gives the spread.
    race_seeds: int = 3
    classifier_epochs: int = 20  # the in-process supervised row, under --strategy


QUICK = replace(
    Setup(),
    epochs=1,
    photo_patches=1000,
    photo_epochs=1,
    probe_labels=(1, None),
    probe_draws=2,
    race=("default", "ps:2"),
    race_epochs=1,
    race_seeds=1,
    classifier_epochs=1,
)
