"""Which copy of the workshop this is: the instructors' repository (with solutions/),
or a student release built by `workshop release` (reference results stored instead)."""

from pathlib import Path

# The package's version (setup.cfg reads it here; `workshop.__version__` is the same),
# kept out of workshop/__init__.py so that the grader's modules need not import the
# package's notebook front door to read it.
VERSION = "0.1.0"

HERE = Path(__file__).resolve().parent
RELEASE_MARKER = HERE / "RELEASE"
REFERENCE_DATA = HERE / "reference_data"
VERSIONS_NAME = "versions.json"  # in REFERENCE_DATA: what the records were made with
VERSIONED = ("tensorflow", "keras")  # what the records and the grader's op names depend on


def is_release():
    return RELEASE_MARKER.is_file()


NO_SOLUTIONS = "this is the student copy of the workshop: it has no solutions/"


def installed_versions():
    """{"tensorflow": "2.21.0", "keras": "3.15.1"}, as installed here."""
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in VERSIONED:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def version_note():
    """One line when this student copy's reference records were made with another
    TensorFlow or Keras than the one installed, else None."""
    import json

    try:
        made = json.loads((REFERENCE_DATA / VERSIONS_NAME).read_text())
    except (OSError, ValueError):
        return None
    here = installed_versions()
    differ = [n for n in VERSIONED if made.get(n) and made.get(n) != here.get(n)]
    if not differ:
        return None
    theirs = ", ".join(f"{n} {made[n]}" for n in differ)
    yours = ", ".join(f"{n} {here[n]}" for n in differ)
    return (
        f"Note: the reference results were made with {theirs}; you have {yours}. If checks "
        'fail oddly, install as the README says: pip install -c constraints.txt -e "."'
    )
