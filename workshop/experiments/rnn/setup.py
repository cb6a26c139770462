"""The recurrent experiment's settings, kept free of TensorFlow so that the command line
checks its flags before the slow import."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Setup:
    lengths: tuple = (20, 50, 100, 200)
    units: int = 64
    steps: int = 3000
    batch_size: int = 64
    learning_rate: float = 0.005
    eval_every: int = 100
    test_size: int = 2000
    gradient_length: int = 100  # the T whose ‖∂L/∂h_t‖ is plotted
    digits_units: int = 64
    digits_epochs: int = 30
    digits_batch_size: int = 32
    digits_learning_rate: float = 0.003


QUICK = Setup(
    lengths=(10, 20),
    units=16,
    steps=60,
    eval_every=30,
    test_size=256,
    gradient_length=20,
    digits_units=16,
    digits_epochs=1,
)
