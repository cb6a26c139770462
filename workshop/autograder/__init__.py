"""A Gradescope autograder for the workshop's exercises.

`workshop autograder OUT` (build.py, the instructors' side) writes autograder.zip:
setup.sh and run_autograder at its top, as Gradescope's specification asks; the student
copy of the workshop (no solutions/); and grading/, the assignment's settings, its
signing key and the reference's records for the public and hidden seeds, computed once
here. On Gradescope, run_autograder calls run.py, which grades /autograder/submission
with `workshop grade`'s runner, behind the same walls, from those records, and writes
/autograder/results/results.json. No worker can read grading/: it is not on any
worker's read list, nor in its mount namespace.
"""

ROOT_VARIABLE = "WORKSHOP_AUTOGRADER_ROOT"  # Gradescope's /autograder, unless a test says
DEFAULT_ROOT = "/autograder"
GRADING = "grading"  # in source/: settings, key, reference records
SETTINGS = "settings.json"
KEY = "grading-key"
COPY = "workshop"  # in source/: the student copy, installed by setup.sh
