"""Telling an untouched stub (or a stub this exercise depends on) from broken code."""

import re

from . import results

STUB_MESSAGE = re.compile(r"Exercise (\d+\.\d+): ([\w.]+)")


def not_written(error, exercise_id):
    """(status, reason) when `error` is a stub's NotImplementedError, else None."""
    kind = getattr(error, "type_name", type(error).__name__)
    if error is None or kind != "NotImplementedError":
        return None
    stub = STUB_MESSAGE.search(str(error))
    if stub is None:
        return results.NOT_ATTEMPTED, "raises NotImplementedError: not written yet"
    other, where = stub.groups()
    if other != exercise_id:
        return results.BLOCKED, (
            f"this runs your {where} (Exercise {other}), which is not written yet: "
            f"finish Exercise {other} first"
        )
    return results.NOT_ATTEMPTED, f"{where} is still the stub"


def stub_status(observations, exercise_id):
    """(status, reason) when any run hit a stub's NotImplementedError, else None."""
    for observation in observations:
        status = not_written(observation.error, exercise_id)
        if status:
            return status
    return None
