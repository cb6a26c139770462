"""The trusted side of an exercise graded by probes: compare each check's values with
the reference's, or hand a statistical check's record to its probe module's judge."""

from ..common_checks import most_telling
from ..compare import compare
from ..evidence import Raised
from ..student_errors import explain
from .probe_runs import flatten


def compare_check(check, mine, ref, tolerance, describe, source_dir):
    """Every value whose label starts with "check:" equals the reference's."""
    if hasattr(mine, "explained"):
        return False, "the probes raised " + mine.explained
    compared, failures = 0, []
    for index, (m, r) in enumerate(zip(mine, ref)):
        expected_values = flatten({k: v for k, v in r.items() if k.startswith(check + ":")})
        got_values = flatten({k: v for k, v in m.items() if k.startswith(check + ":")})
        for label, expected in expected_values.items():
            what = label.split(":", 1)[1].strip()
            got = got_values.get(label)
            if isinstance(got, Raised):
                return False, f"{describe(index)}: {what} raised " + explain(got.error, source_dir)
            if got is None:
                return False, f"{describe(index)}: " + _missing(label, what, m, source_dir)
            comparison = compare(what, expected, got, tolerance)
            if not comparison.ok:
                failures.append((comparison.excess, f"{describe(index)}: {comparison.summary}"))
            compared += 1
    if failures:
        return False, most_telling(failures)
    return True, f"{compared} results match the reference's ({tolerance})"


def statistical_check(probes, check, record, ref_record):
    if hasattr(record, "explained"):
        return False, "raised " + record.explained
    return probes.statistical_judge(check, record, ref_record)


def _missing(label, what, values, source_dir):
    """Why the student's values hold nothing under `label`: the call raised, or it
    returned another structure than the reference's (a list for an array, no such key)."""
    flat = flatten(values)
    for key, value in flat.items():
        if label.startswith(key) and isinstance(value, Raised):
            return f"{key.split(':', 1)[-1].strip()} raised " + explain(value.error, source_dir)
    if any(key.startswith(label + " #") for key in flat):
        return f"{what} came back as a list or tuple where an array is expected"
    parent = label.rsplit(", ", 1)[0]
    if parent != label and parent in flat:
        return f"{what}: the result has no '{label.rsplit(', ', 1)[1]}'"
    return f"{what} returned nothing to compare"
