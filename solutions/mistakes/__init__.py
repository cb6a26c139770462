"""Realistic wrong implementations, each one mistake away from the reference.

The grader runs them beside a student's code to name the mistake a student made, and
`workshop selfcheck` proves that every check catches at least one of them. They are
written from the solutions, so they ship (and are removed) with `solutions/`.

Each module registers its mistakes with `known`, in the order they are tried:

    @known("1.1", "no-bias", "bias missing: add the shared bias b of each feature map")
    class NoBiasConv2D(Conv2D): ...

The exercise is named by its id, not its slug: the slugs "conv" and "lstm" are banned
names (`getattr(ops, "conv")`), and the source rule reads these modules too.

A layer exercise's contract mistakes (float64, through NumPy, a forgetful config, not
registered) are derived from its reference class by the grader
(workshop/grader/kinds/layer_contract.py) and are not written here.
"""

import importlib
import pkgutil

from workshop.grader.mistakes import Mistake

_KNOWN = {}  # exercise id -> [Mistake], in the order registered


def known(exercise_id, key, message, *, replaces="", diagnosed=True):
    """Register the decorated class or function as a known mistake of the exercise with
    this id ("1.1"). `replaces` names the graded object it stands in for when that is not the
    exercise's own (bptt's rnn_forward); `diagnosed=False` for a mistake whose numbers
    are right, which a check's own message explains (a ready-made op, a broken contract).
    """

    def register(wrong):
        mistake = Mistake(key, message, diagnosed=diagnosed, replaces=replaces, wrong=wrong)
        _KNOWN.setdefault(exercise_id, []).append(mistake)
        return wrong

    return register


def registered(exercise_id):
    """The known mistakes of the exercise with this id, from every module here."""
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        importlib.import_module(f"{__name__}.{module}")
    return tuple(_KNOWN.get(exercise_id, ()))
