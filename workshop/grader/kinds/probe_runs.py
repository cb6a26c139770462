"""The student side of an exercise graded by probes (probe.py): run the probe module's
probes on the student's code and keep every value, or the error it raised.

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

import numpy as np

from ..evidence import Observation, Raised


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


def gradients(compute, sources):
    """`compute()` and its gradient with respect to each of `sources` (tensors, watched
    here, or variables); a gradient that does not reach its source is zeros, so that
    student code which cuts the graph is compared, not crashed on."""
    import tensorflow as tf

    with tf.GradientTape() as tape:
        tape.watch([s for s in sources if isinstance(s, tf.Tensor)])  # variables watch themselves
        value = compute()
    found = tape.gradient(value, sources)
    return value, [np.zeros(s.shape) if g is None else g for s, g in zip(sources, found)]


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
