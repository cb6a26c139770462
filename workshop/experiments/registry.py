"""Every experiment of `workshop run`: each subpackage of workshop/experiments/ exposes
one `EXPERIMENT` (experiment.py). A new experiment is a new subpackage; nothing else
lists it."""

import functools
import importlib
import pkgutil
from pathlib import Path

_HERE = Path(__file__).resolve().parent


@functools.cache
def experiments():
    """name -> Experiment, in the order of their package names (found once: the parser,
    its help line and `run` all ask)."""
    found = {}
    for module in sorted(pkgutil.iter_modules([str(_HERE)]), key=lambda m: m.name):
        if module.ispkg:
            experiment = importlib.import_module(f"{__package__}.{module.name}").EXPERIMENT
            found[experiment.name] = experiment
    return found
