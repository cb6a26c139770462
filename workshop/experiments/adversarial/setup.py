"""The settings of `workshop run adversarial`."""

from dataclasses import dataclass

# Goodfellow et al. 2014 on MNIST at ε = 0.25 (§5 and §6): (error %, mean confidence %).
PAPER = {
    "softmax": ("shallow softmax regression", 99.9, 79.3),
    "maxout": ("maxout network", 89.4, 97.6),
    "maxout, adversarially trained": ("maxout network, adversarially trained", 17.9, None),
}
PAPER_CLEAN = {"maxout": 0.94, "maxout, adversarially trained": 0.84}


@dataclass(frozen=True)
class Setup:
    epochs: int = 40
    batch_size: int = 32
    learning_rate: float = 1e-3
    train_epsilon: float = 0.25  # the paper's on MNIST
    alpha: float = 0.5
    epsilons: tuple = (0.05, 0.1, 0.2, 0.25, 0.3)
    transfer_epsilon: float = 0.25
    grid_images: int = 6


QUICK = Setup(epochs=1, epsilons=(0.1, 0.25), grid_images=3)
