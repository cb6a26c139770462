"""What every `workshop run` experiment exposes, as one object in its package's
`__init__.py` (`EXPERIMENT`), kept free of TensorFlow so that the command line is
parsed, and a wrong flag answered, before the slow import.

`workshop run NAME` then: adds the common flags and the experiment's own
(`add_arguments`), checks them (`plan`), makes the strategy, loads the objects the
experiment `needs` from the reference or the student's files, tries them once on a tiny
input (`try_once`: an unwritten stub is one line, "finish Exercise N.M first"), loads
the data (`load_data`) and calls `run`, which returns the tables and files it wrote
(an `Outcome`).
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from ..errors import UsageError


def rows_flag(rows, flag):
    """The rows `--rows` names (comma-separated keys; all rows when empty), in the order
    given; a key no row has is one usage line naming the choices."""
    keys = [key for key in (flag or "").split(",") if key]
    if not keys:
        return list(rows)
    known = {row.key: row for row in rows}
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise UsageError(f"unknown row(s) {', '.join(unknown)}; choose from {', '.join(known)}")
    return [known[key] for key in keys]


@dataclass(frozen=True)
class Learned:
    """One sign that a run learned: a measure of the trained model against what chance
    (or no training) gives, `noise` being how far a model that learned nothing could
    stray from it by luck on this test set (three standard deviations). `smoke`, when
    set, says that a smoke run is not expected to pass chance on this measure and what
    the full run reaches; it is decided by the settings, before the run, never by the
    number."""

    measure: str  # "top-1 error % of the base row"
    value: float
    chance: float
    noise: float = 0.0
    higher_is_better: bool = True
    smoke: str = ""

    @property
    def beyond_chance(self):
        if self.higher_is_better:
            return self.value > self.chance + self.noise
        return self.value < self.chance - self.noise

    def line(self):
        verdict = "beyond chance" if self.beyond_chance else "NOT beyond chance"
        luck = f" ± {self.noise:.2g}" if self.noise else ""
        said = f"{self.measure}: {self.value:.4g}, chance {self.chance:.4g}{luck}: {verdict}"
        if self.smoke and not self.beyond_chance:
            said += f" (a smoke run: {self.smoke})"
        return said


def examples_in(dataset):
    """How many examples a tf.data split holds (counted when its cardinality is not
    known)."""
    count = int(dataset.cardinality())
    if count >= 0:
        return count
    return int(dataset.reduce(0, lambda n, _: n + 1))


def guessing(splits):
    """`chance_percent` for guessing a class of `splits` on its test split."""
    return chance_percent(splits.num_classes, examples_in(splits.test))


def chance_percent(classes, examples):
    """Accuracy % by guessing among `classes` on `examples` test items, and 3 standard
    deviations of it (binomial): (chance, noise) for a `Learned`."""
    p = 1 / classes
    return 100 * p, 300 * (p * (1 - p) / max(examples, 1)) ** 0.5


@dataclass
class Outcome:
    """What an experiment made: tables to print (DataFrames), lines to print after
    them, and the files it wrote, named relative to its output folder."""

    tables: list
    notes: list = field(default_factory=list)
    files: list = field(default_factory=list)


@dataclass
class Context:
    """What the harness hands an experiment's `run`."""

    args: object  # the parsed command line
    plan: object  # what `plan(args)` returned
    strategy: object  # a tf.distribute strategy
    loaded: dict  # key of `needs` -> the object (reference's or student's)
    data: object  # what `load_data(args)` returned
    out: object  # Path of the output folder
    root: object = None  # the folder whose exercises/ --impl exercises trains


class Experiment(ABC):
    name = ""  # the sub-command: `workshop run NAME`
    help = ""
    strategies = ("default", "mirrored")  # --strategy choices
    datasets = ("digits", "mnist")  # --dataset choices, the default first
    dataset_help = ""
    # key -> (module, name): the objects trained, from solutions/ or exercises/.
    needs = {}

    # With no datasets, the common --dataset, --data-dir and --download are left out.
    default_out_help = "runs/<experiment>-<dataset>-<impl>"

    def default_out(self, args):
        """The output folder when --out is not given."""
        return f"runs/{self.name}-{args.dataset}-{args.impl}"

    def add_arguments(self, parser):
        """Flags besides the common ones (--impl, --quick, --strategy, --dataset, ...)."""

    def plan(self, args):
        """Check the flags (raise UsageError with one line) and return the settings.
        Runs before TensorFlow is imported."""
        return None

    @abstractmethod
    def try_once(self, loaded, plan):
        """Build and run the loaded objects once on a tiny input (raise on failure)."""

    def load_data(self, args):
        """The data set (after the preflight: an unwritten stub is answered first)."""
        from .harness import load_splits

        return load_splits(args)

    def describe(self, context):
        """One line printed before training starts."""
        return f"Training the {context.args.impl}' {self.name} into {context.out}/"

    @abstractmethod
    def run(self, context):
        """Train and evaluate; return an Outcome."""

    @abstractmethod
    def learned(self, context):
        """The signs that the run learned, read from the files it wrote in
        `context.out`: a list of `Learned`, at least one, each against what chance or no
        training gives. `workshop run` prints them and keeps them in learning.csv; the
        quick-run tests require each beyond chance, or labelled a smoke run by the
        settings (`context.plan`, `context.args`)."""
