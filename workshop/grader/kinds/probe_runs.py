"""Grading of an exercise whose answer is several functions or methods (the Boltzmann
machine, the RBM, the deep belief network), probed one value at a time.

An exercise's probe module (workshop/grader/probes/) says what to run:
- `observe(get, case, seed, index)` returns {"check: what": value}: everything
  deterministic, run alike on the student's code and the reference's (random draws
  come from generators seeded the same way, so samples are compared exactly too);
- `statistical_record(check, get, seed)` records what a check about a distribution
  needs (a Gibbs chain's state frequencies, exact probabilities), and
  `statistical_judge(check, mine, ref)` judges the student's record against the
  reference's, returning (passed, message).
`get(name)` is the student's (or reference's, or a known mistake's) object of that name.
"""

import importlib

import numpy as np

from . import exercise as base
from .compare import compare
from .evidence import Observation, Raised
from .student_errors import explain


def run_probes(probes, get, cases, seed):
    """One {label: value or Raised} per case; `get` failing is caught per label."""
    observed = []
    for index, case in enumerate(cases):
        try:
            values = probes.observe(get, case, seed, index)
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # student code may raise anything, even SystemExit
            values = {label: Raised(error) for label in probes.labels(case)}
        observed.append(values)
    return observed


def capture(function, *args, **kwargs):
    """`function(*args)` as float64 NumPy (nested dicts and tuples kept), or Raised."""
    try:
        return _as_numpy(function(*args, **kwargs))
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # student code may raise anything, even SystemExit
        return Raised(error)


def _as_numpy(value):
    if isinstance(value, dict):
        return {k: _as_numpy(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return tuple(_as_numpy(v) for v in value)
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return value


def flatten(values):
    """{label: value} with nested dicts and tuples spread into "label, key" and
    "label #1" entries."""
    flat = {}
    for label, value in values.items():
        if isinstance(value, dict):
            flat.update(flatten({f"{label}, {k}": v for k, v in sorted(value.items())}))
        elif isinstance(value, tuple):
            flat.update(flatten({f"{label} #{i + 1}": v for i, v in enumerate(value)}))
        else:
            flat[label] = value
    return flat


def as_observations(observed):
    """Observations for stub detection and mistake matching: the output is every probe
    value in one vector; the first error, if any, is the observation's error."""
    observations = []
    for values in observed:
        observation = Observation()
        flat = flatten(values)
        errors = [v.error for v in flat.values() if isinstance(v, Raised)]
        if errors:
            observation.error = errors[0]
        else:
            try:
                observation.output = np.concatenate(
                    [np.ravel(np.asarray(v, dtype=np.float64)) for v in flat.values()]
                )
                observation.weight_shapes = tuple((k, np.shape(v)) for k, v in flat.items())
            except (TypeError, ValueError) as error:
                observation.error = error
        observations.append(observation)
    return observations


def stages(exercise):
    return ["probes"] + sorted(importlib.import_module(exercise.probes).STATISTICAL)


def reference_stages(exercise):
    """The stages whose reference records the judge reads (what a release stores)."""
    return stages(exercise)


def primary(exercise, record):
    if hasattr(record, "explained"):
        return base.runs_of(record)
    return as_observations(record)


def run_stage(exercise, stage, implementation, seed):
    probes = importlib.import_module(exercise.probes)

    def get(name):
        return implementation.get(exercise.module, name)

    if stage == "probes":
        return run_probes(probes, get, exercise.cases, seed)
    return probes.statistical_record(stage, get, seed)


def judge(exercise, stage_records, book, seed, source_dir, result, source_tree=None):
    probes = importlib.import_module(exercise.probes)
    mine = stage_records["probes"]
    ref = book.stage(exercise, "probes", seed)

    def describe(index):
        return f"{exercise.cases[index].label}"

    def compare_check(check):
        if hasattr(mine, "explained"):
            return False, "the probes raised " + mine.explained
        compared = 0
        for index, (m, r) in enumerate(zip(mine, ref)):
            expected_values = flatten({k: v for k, v in r.items() if k.startswith(check + ":")})
            got_values = flatten({k: v for k, v in m.items() if k.startswith(check + ":")})
            for label, expected in expected_values.items():
                what = label.split(":", 1)[1].strip()
                got = got_values.get(label)
                if isinstance(got, Raised):
                    return False, f"{describe(index)}: {what} raised " + explain(
                        got.error, source_dir
                    )
                if got is None:
                    return False, f"{describe(index)}: {what} returned nothing to compare"
                comparison = compare(what, expected, got, probes.TOLERANCE)
                if not comparison.ok:
                    return False, f"{describe(index)}: {comparison.summary}"
                compared += 1
        return True, f"{compared} results match the reference's ({probes.TOLERANCE})"

    def statistical_check(check):
        record = stage_records[check]
        if hasattr(record, "explained"):
            return False, "raised " + record.explained
        return probes.statistical_judge(check, record, book.stage(exercise, check, seed))

    checks = []
    for check in exercise.points:
        if check in probes.STATISTICAL:
            checks.append((check, check, lambda check=check: statistical_check(check)))
        else:
            checks.append((check, "probes", lambda check=check: compare_check(check)))
    base.run_checks(result, checks, exercise.points, source_dir, stages=stage_records)
    if not all(c.passed for c in result.checks):
        result.diagnoses.extend(
            base.diagnose(exercise, book, primary(exercise, mine), as_observations(ref),
                          probes.TOLERANCE, probes.TOLERANCE, seed)
        )  # fmt: skip
