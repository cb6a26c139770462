"""Exercises named on the command line, by id or slug."""

from ..errors import UsageError


def pick_exercises(names):
    from .. import catalog

    if not names:
        return list(catalog.EXERCISES)
    picked = []
    for name in names:
        exercise = catalog.find(name)
        if exercise is None:
            known = ", ".join(f"{e.id} ({e.slug})" for e in catalog.EXERCISES)
            raise UsageError(f"unknown exercise '{name}'; choose from {known}")
        if exercise not in picked:
            picked.append(exercise)
    return picked
