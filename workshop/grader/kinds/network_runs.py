"""The student side of the network exercise: build the student's model on each case,
run it with seeded weights, and save and load it."""

import numpy as np

from ..keras_runs import build_model, class_name, observe_model, record_save_and_load
from ..seeding import rng_for


def make_input(case, seed, case_index):
    """Pixel intensities in [0, 1], like the digits the network will see."""
    return rng_for(seed, "input", case_index).uniform(size=case.input_shape).astype(np.float32)


def inputs_of(exercise, seed):
    return [make_input(case, seed, i) for i, case in enumerate(exercise.cases)]


def record_cases(exercise, implementation, seed):
    """Each case's run, with the classes of the student's own layers beside it (the
    check that the network uses them compares class names)."""
    build = implementation.get(exercise.module, exercise.name)
    observations = [
        observe_model(build, case.config, x, seed, i)
        for i, (case, x) in enumerate(zip(exercise.cases, inputs_of(exercise, seed)))
    ]
    own = {}
    for key, (module, name) in exercise.options.own_layers.items():
        try:
            own[key] = class_name(implementation.get(module, name))
        except Exception:  # that file does not load: its own exercise says why
            own[key] = None
    for observation in observations:
        observation.extra["own classes"] = own
    return observations


def record_saving(exercise, implementation, seed):
    """The first case's model, saved to .keras and loaded back."""
    build = implementation.get(exercise.module, exercise.name)
    inputs = inputs_of(exercise, seed)
    try:
        model = build_model(build, exercise.cases[0].config, seed, 0)
        model(inputs[0], training=False)
    except KeyboardInterrupt:
        raise
    except BaseException:  # student code may raise anything; 'cases' reports it
        return {"built": False}
    return record_save_and_load(model, inputs[0])
