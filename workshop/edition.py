"""Which copy of the workshop this is: the instructors' repository (with solutions/),
or a student release built by `workshop release` (reference results stored instead)."""

from pathlib import Path

HERE = Path(__file__).resolve().parent
RELEASE_MARKER = HERE / "RELEASE"
REFERENCE_DATA = HERE / "reference_data"


def is_release():
    return RELEASE_MARKER.is_file()


NO_SOLUTIONS = "this is the student copy of the workshop: it has no solutions/"
