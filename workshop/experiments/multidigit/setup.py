"""The settings of `workshop run multidigit`."""

from dataclasses import dataclass

# Goodfellow et al. 2013, abstract, on the public SVHN set (their 11-layer network).
PAPER_SEQUENCE_ACCURACY = 96.0  # "over 96%" of whole numbers
PAPER_DIGIT_ACCURACY = 97.84  # per digit


@dataclass(frozen=True)
class Setup:
    epochs: int = 12
    batch_size: int = 64
    learning_rate: float = 1e-3
    blocks: tuple = ((32,), (64,), (128,))  # 3×3 convolutions' filters, a block per pooling
    units: int = 256
    train_size: int = 30_000
    test_size: int = 4_000
    coverage_accuracy: float = 98.0  # the paper's operating point: coverage at 98% accuracy
    figure_images: int = 12


QUICK = Setup(epochs=1, train_size=2_000, test_size=500, figure_images=6)
