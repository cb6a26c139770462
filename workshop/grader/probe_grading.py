"""Grading of an exercise whose answer is several functions or methods (the Boltzmann
machine, the RBM, the deep belief network), probed one value at a time.

An exercise's probe module (workshop/grader/probes/) says what to run:
- `observe(get, case, seed, index)` returns {"check: what": value}: everything
  deterministic, run alike on the student's code and the reference's (random draws
  come from generators seeded the same way, so samples are compared exactly too);
- `statistical(check, get, reference_get, seed)` returns (passed, message) for checks that are about
  a distribution (a Gibbs chain's state frequencies), judged against exact numbers.
`get(name)` is the student's (or reference's, or a known mistake's) object of that name.
"""

import importlib

import numpy as np

from . import exercise as base
from .compare import compare
from .observe import Observation
from .student_errors import explain


class Raised:
    """A probe whose code raised: the exception, kept to report it."""

    def __init__(self, error):
        self.error = error


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


def grade(exercise, implementation, reference, seed):
    result = base.start_result(exercise, seed)
    probes = importlib.import_module(exercise.probes)
    for name in exercise.names:  # every graded name must load before anything runs
        if base.resolve(exercise, implementation, result, name=name) is None:
            return result
    source_dir = implementation.source_dir

    def getter(source):
        return lambda name: source.get(exercise.module, name)

    mine = run_probes(probes, getter(implementation), exercise.cases, seed)
    status = base.stub_status(as_observations(mine), exercise.id)
    if status:
        result.status, result.reason = status
        return result
    ref = run_probes(probes, getter(reference), exercise.cases, seed)

    def describe(index):
        return f"{exercise.cases[index].label}"

    def compare_check(check):
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

    checks = []
    for check in exercise.points:
        if check in probes.STATISTICAL:
            checks.append(
                (
                    check,
                    lambda check=check: probes.statistical(
                        check, getter(implementation), getter(reference), seed
                    ),
                )
            )
        else:
            checks.append((check, lambda check=check: compare_check(check)))
    base.run_checks(result, checks, exercise.points, source_dir)
    if not all(c.passed for c in result.checks):
        ref_observations = as_observations(ref)
        result.diagnoses.extend(
            base.diagnose(
                exercise,
                lambda mistake: as_observations(
                    run_probes(probes, _swapped(exercise, reference, mistake), exercise.cases, seed)
                ),
                as_observations(mine),
                ref_observations,
                probes.TOLERANCE,
                probes.TOLERANCE,
                seed,
            )
        )
    return base.finish(result)


def _swapped(exercise, reference, mistake):
    """The reference's names, with the mistake's object in place of the one it replaces."""
    replaced = mistake.replaces or exercise.name

    def get(name):
        return mistake.load() if name == replaced else reference.get(exercise.module, name)

    return get
