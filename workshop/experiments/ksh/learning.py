"""Did a KSH-shaped net learn: its top-1 error against guessing among the classes (run
ksh's rows, run googlenet's two nets)."""

from ..experiment import Learned, guessing


def top1_signs(errors, splits, epochs, what, full):
    """A `Learned` per entry of `errors` (name -> top-1 error %), labelled a smoke run
    when `epochs` is too few for a ReLU net of this shape to leave chance; `full` says
    what the full run reaches."""
    right, noise = guessing(splits)
    smoke = ""
    if epochs < 5:
        smoke = (
            f"{epochs} epoch(s) of a small net: the ReLU nets sit at chance for their first "
            f"3-6 epochs; {full}"
        )
    return [
        Learned(
            f"top-1 error % of {what} {name}",
            float(error),
            100 - right,
            noise,
            higher_is_better=False,
            smoke=smoke,
        )
        for name, error in errors.items()
    ]
