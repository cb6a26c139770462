"""Training throughput as every training loop reports it, for `workshop run`'s
throughput.csv and `benchmarks/device_check.py`.

Each loop makes a `Meter` when it starts and hands it every call it times: the samples
trained, the seconds (after the call's result is read, so the device has finished),
and the call's mean loss. A loop's first call traces its graph (and under XLA
compiles it), so it is kept apart: the steady rate is measured over the calls after
it. The tallies are per process and summed per loop name across its runs (a table of
eight rows is eight runs of the epoch loop).
"""

from dataclasses import dataclass

_tallies = {}


@dataclass
class Tally:
    samples: int = 0  # after each run's first call
    seconds: float = 0.0
    first_seconds: float = 0.0  # the first calls: tracing and compiling included
    first_samples: int = 0
    runs: int = 0
    last_loss: float = float("nan")  # the last call's mean loss, of the last run


class Meter:
    """One run of a training loop named `loop` (e.g. "epoch loop")."""

    def __init__(self, loop):
        self.tally = _tallies.setdefault(loop, Tally())
        self.tally.runs += 1
        self.first = True

    def add(self, samples, seconds, loss=None):
        if self.first:
            self.tally.first_seconds += seconds
            self.tally.first_samples += samples
            self.first = False
        else:
            self.tally.samples += samples
            self.tally.seconds += seconds
        if loss is not None:
            self.tally.last_loss = float(loss)


def rows():
    """One dict per loop: samples/s over the calls after each run's first (NaN when
    every run made one call), the rate with the first calls in, and the rest."""
    return [
        {
            "loop": loop,
            "runs": tally.runs,
            "samples": tally.samples,
            "seconds": round(tally.seconds, 4),
            "samples/s": tally.samples / tally.seconds if tally.seconds > 0 else float("nan"),
            "samples/s, first calls in": (tally.samples + tally.first_samples)
            / max(tally.seconds + tally.first_seconds, 1e-9),
            "first calls (s)": round(tally.first_seconds, 4),
            "first-call samples": tally.first_samples,
            "last loss": tally.last_loss,
        }
        for loop, tally in sorted(_tallies.items())
    ]


def reset():
    _tallies.clear()
