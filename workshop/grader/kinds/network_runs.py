"""Grading of the exercise whose answer is a function that assembles a Keras model."""

import functools

import numpy as np

from . import exercise as base
from . import numeric
from .observe import build_model, class_name, observe_model, rng_for


def keras_stand_in(layer_class_name):
    """True for a ready-made Keras convolution or pooling layer (by its class's path)."""
    lowered = layer_class_name.lower()
    return lowered.startswith("keras.") and ("conv" in lowered or "pool" in lowered)


# The student's own layers the network must use: key -> (module, name).
OWN_LAYERS = {"conv": ("conv", "Conv2D"), "max": ("pooling", "MaxPool2D"),
              "l2": ("pooling", "L2Pool2D")}  # fmt: skip


def make_input(case, seed, case_index):
    """Pixel intensities in [0, 1], like the digits the network will see."""
    return rng_for(seed, "input", case_index).uniform(size=case.input_shape).astype(np.float32)


def _inputs(exercise, seed):
    return [make_input(case, seed, i) for i, case in enumerate(exercise.cases)]


# --- the student side ------------------------------------------------------------


def stages(exercise):
    return ["cases", "saving"]


def reference_stages(exercise):
    """The stages whose reference records the judge reads (what a release stores)."""
    return ["cases"]


def primary(exercise, record):
    """The first stage's observations (one per case)."""
    return base.runs_of(record)


def run_stage(exercise, stage, implementation, seed):
    build = implementation.get(exercise.module, exercise.name)
    inputs = _inputs(exercise, seed)
    if stage == "cases":
        observations = [
            observe_model(build, case.config, x, seed, i)
            for i, (case, x) in enumerate(zip(exercise.cases, inputs))
        ]
        own = {}
        for key, (module, name) in OWN_LAYERS.items():
            try:
                own[key] = class_name(implementation.get(module, name))
            except Exception:  # that file does not load: its own exercise says why
                own[key] = None
        for observation in observations:
            observation.extra["own classes"] = own
        return observations
    if stage == "saving":
        try:
            model = build_model(build, exercise.cases[0].config, seed, 0)
            model(inputs[0], training=False)
        except KeyboardInterrupt:
            raise
        except BaseException:  # student code may raise anything; 'cases' reports it
            return {"built": False}
        return numeric.record_save_and_load(model, inputs[0])
    raise ValueError(f"unknown stage {stage!r}")


# --- the trusted side ------------------------------------------------------------


def judge(exercise, mine, book, seed, source_dir, result, source_tree=None):
    cases = primary(exercise, mine.get("cases"))
    ref = book.stage(exercise, "cases", seed)
    describe = functools.partial(_describe, exercise)
    checks = (
        ("returns a Keras model", "cases", lambda: _check_model(exercise, cases, source_dir)),
        ("uses your own layers", "cases", lambda: _check_own_layers(exercise, cases)),
        ("architecture", "cases", lambda: _check_architecture(exercise, cases, ref)),
        ("softmax output", "cases", lambda: _check_softmax(exercise, cases, source_dir)),
        ("save and load (.keras)", "saving", lambda: numeric.judge_save_and_load(
            mine["saving"], "the model saves to .keras and loads back identical")),
        ("forward output", "cases", lambda: numeric.check_forward(cases, ref, describe, source_dir)),
        ("gradients", "cases", lambda: numeric.check_gradients(cases, ref, describe, source_dir)),
    )  # fmt: skip
    base.run_checks(result, checks, exercise.points, source_dir, _layers_note, stages=mine)
    if not all(c.passed for c in result.checks):
        result.diagnoses.extend(
            base.diagnose(exercise, book, cases, ref, numeric.FORWARD_TOLERANCE,
                          numeric.GRADIENT_TOLERANCE, seed)
        )  # fmt: skip


def _layers_note(name):
    if name in ("forward output", "gradients"):
        return (
            "\n  note: the network runs your own Conv2D and pooling layers: "
            "if their exercises fail, fix those first"
        )
    return ""


def _describe(exercise, index):
    return f"{exercise.name}{exercise.cases[index].label}"


def _check_model(exercise, mine, source_dir):
    error = numeric.first_error(mine, functools.partial(_describe, exercise), source_dir)
    if error:
        return False, error
    for i, (case, observation) in enumerate(zip(exercise.cases, mine)):
        expected_in = (None,) + tuple(case.input_shape[1:])
        expected_out = (None, case.config.get("num_classes", 10))
        got_in = observation.extra.get("input_shape")
        got_out = observation.extra.get("output_shape")
        if got_in != expected_in or got_out != expected_out:
            return False, (
                f"{_describe(exercise, i)}: expected a model {expected_in} -> {expected_out},"
                f" got {got_in} -> {got_out}"
            )
    return True, "returns a keras.Model with the right input and output shapes"


def _check_own_layers(exercise, mine):
    for i, (case, observation) in enumerate(zip(exercise.cases, mine)):
        classes = observation.extra.get("layer_classes")
        if observation.error is not None or classes is None:
            return False, f"{_describe(exercise, i)} did not build a model"
        for layer in classes:
            if keras_stand_in(layer):
                return False, (
                    f"{_describe(exercise, i)} uses keras.layers.{layer.rsplit('.', 1)[1]}: "
                    "use your own Conv2D, MaxPool2D and L2Pool2D from this package"
                )
        own = observation.extra["own classes"]
        pool = own[case.config.get("pool", "max")]
        pool_name = OWN_LAYERS[case.config.get("pool", "max")][1]
        convs = sum(layer == own["conv"] for layer in classes)
        pools = sum(layer == pool for layer in classes)
        stages = len(case.config.get("conv_layers", ((20, 5),)))
        if convs != stages or pools != stages:
            return False, (
                f"{_describe(exercise, i)}: expected {stages} of your Conv2D and {stages} of your "
                f"{pool_name} layers, found {convs} and {pools}"
            )
    return True, "builds the network from your own Conv2D and pooling layers"


def _check_architecture(exercise, mine, ref):
    for i, (m, r) in enumerate(zip(mine, ref)):
        if m.error is not None:
            return False, f"{_describe(exercise, i)} did not build a model"
        if tuple(m.signature) != tuple(r.signature):
            return False, f"{_describe(exercise, i)}: " + _first_difference(
                r.signature, m.signature
            )
        if tuple(m.weight_shapes) != tuple(r.weight_shapes):
            return False, (
                f"{_describe(exercise, i)}: the layers look right but their weights differ: "
                f"expected {[s for _, s in r.weight_shapes]}, got {[s for _, s in m.weight_shapes]}"
            )
    return True, f"layers, output shapes and weights as in Figure 4 on {len(mine)} cases"


def _check_softmax(exercise, mine, source_dir):
    error = numeric.first_error(mine, functools.partial(_describe, exercise), source_dir)
    if error:
        return False, error
    for i, observation in enumerate(mine):
        output = np.asarray(observation.output, dtype=np.float64)
        sums = output.sum(axis=-1)
        if (output < 0).any() or not np.allclose(sums, 1.0, atol=1e-4):
            return False, (
                f"{_describe(exercise, i)}: outputs must be probabilities (>= 0, rows summing "
                f"to 1); row sums are {np.round(sums, 4).tolist()}: end with a softmax layer"
            )
    return True, "outputs are probabilities: each row sums to 1"


def _first_difference(expected, got):
    for position, (e, g) in enumerate(zip(expected, got)):
        if e != g:
            return f"layer {position + 1}: expected {e}, got {g}"
    if len(expected) > len(got):
        return f"layer {len(got) + 1} missing: expected {expected[len(got)]}"
    return f"extra layer {len(expected) + 1}: {got[len(expected)]}"
