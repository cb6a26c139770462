"""Grading of an exercise whose answer is a Keras layer (Conv2D, MaxPool2D, ...).

Student side (`run_stage`): each stage builds the layer afresh and records numbers,
shapes and op names. Trusted side (`judge`): the checks below compare those records
with the reference's.
"""

import ast
import functools
import json
import os

import keras
import numpy as np
import tensorflow as tf

from . import exercise as base
from . import numeric, recurrent_checks, rules
from .compare import compare
from .evidence import ErrorInfo
from .numeric import FORWARD_TOLERANCE, GRADIENT_TOLERANCE
from .observe import build_layer, observe_layer, rng_for


def make_input(case, seed, case_index):
    x = rng_for(seed, "input", case_index).standard_normal(case.input_shape)
    if case.zero_window:
        x = np.maximum(x, 0.0)
        x[:, :3, :3, :] = 0.0  # a whole window of zeros, as after a ReLU
    return x.astype(np.float32)


def _inputs(exercise, seed):
    return [make_input(case, seed, i) for i, case in enumerate(exercise.cases)]


# --- the student side ------------------------------------------------------------


def stages(exercise):
    names = ["cases", "graph ops", "config", "saving", "tf.function"]
    if exercise.recurrent:
        names += ["masking", "twin"]
    return names


def reference_stages(exercise):
    """The stages whose reference records the judge reads (what a release stores)."""
    return ["cases"] + (["masking"] if exercise.recurrent else [])


def primary(exercise, record):
    """The first stage's observations (one per case)."""
    return base.runs_of(record)


def run_stage(exercise, stage, implementation, seed):
    layer_class = implementation.get(exercise.module, exercise.name)
    inputs = _inputs(exercise, seed)
    make = _maker(exercise, layer_class)
    if stage == "cases":
        return [
            observe_layer(make, case.config, x, seed, i)
            for i, (case, x) in enumerate(zip(exercise.cases, inputs))
        ]
    if stage == "graph ops":
        return _record_graph_ops(exercise, make, inputs, seed)
    if stage == "config":
        return [base.caught(_record_config, exercise, make, case, x, seed, i)
                for i, (case, x) in enumerate(zip(exercise.cases, inputs))]  # fmt: skip
    if stage == "saving":
        layer = _build_or_none(make, exercise.cases[0], inputs[0], seed, 0)
        if layer is None:
            return {"built": False}
        x = inputs[0]
        model = keras.Sequential([keras.Input(shape=x.shape[1:], batch_size=None), layer])
        return numeric.record_save_and_load(model, x)
    if stage == "tf.function":
        return [base.caught(_record_tf_function, make, case, x, seed, i)
                for i, (case, x) in enumerate(zip(exercise.cases, inputs))]  # fmt: skip
    if stage == "masking":
        return recurrent_checks.record_masking(exercise, layer_class, inputs, seed)
    if stage == "twin":
        return recurrent_checks.record_twin(exercise, layer_class, inputs, seed)
    raise ValueError(f"unknown stage {stage!r}")


def _maker(exercise, layer_class):
    if not exercise.recurrent:
        return layer_class

    def make(**config):  # a cell runs over the whole sequence, as students will use it
        return keras.layers.RNN(layer_class(**config), return_sequences=True)

    return make


def _build_or_none(make, case, x, seed, index):
    try:
        return build_layer(make, case.config, x, seed, index)
    except KeyboardInterrupt:
        raise
    except BaseException:  # student code may raise anything; the cases stage reports it
        return None


def _record_graph_ops(exercise, make, inputs, seed):
    layer = _build_or_none(make, exercise.cases[0], inputs[0], seed, 0)
    if layer is None:
        return {"built": False}
    x = tf.constant(inputs[0])
    try:
        ops = rules.graph_ops(lambda: layer(x))
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # does not trace: 'inside tf.function' reports why
        return {"built": True, "traced": False, "error": error}
    return {"built": True, "traced": True, "ops": ops}


def _canonical(config):
    return json.dumps(config, sort_keys=True, default=repr)


def _record_config(exercise, make, case, x, seed, index):
    layer = _build_or_none(make, case, x, seed, index)
    if layer is None:
        return {"built": False}
    subject = layer.cell if exercise.recurrent else layer  # a cell's own config
    config = subject.get_config()
    clone = type(subject).from_config(config)
    record = {"built": True, "config": _canonical(config),
              "clone config": _canonical(clone.get_config())}  # fmt: skip
    if exercise.recurrent:
        clone = keras.layers.RNN(clone, return_sequences=True)
    clone.build(tuple(x.shape))
    clone.set_weights(layer.get_weights())
    record["output"] = np.asarray(layer(x))
    record["clone output"] = np.asarray(clone(x))
    return record


def _record_tf_function(make, case, x, seed, index):
    layer = build_layer(make, case.config, x, seed, index)
    layer(x)  # eagerly first, as the check compares with the eager run
    return np.asarray(tf.function(lambda t: layer(t))(tf.constant(x)))


# --- the trusted side ------------------------------------------------------------


def judge(exercise, mine, book, seed, source_dir, result, source_tree=None):
    def ref(stage):
        return book.stage(exercise, stage, seed)

    cases = primary(exercise, mine.get("cases"))
    ref_cases = ref("cases")
    describe = functools.partial(_describe, exercise)
    checks = (
        ("no ready-made op", "graph ops",
         lambda: _check_rules(exercise, mine["graph ops"], source_dir, source_tree)),
        ("weights", "cases", lambda: _check_weights(exercise, cases, ref_cases, source_dir)),
        ("output shape", "cases", lambda: _check_shapes(exercise, cases, ref_cases, source_dir)),
        ("dtype", "cases", lambda: _check_dtype(exercise, cases, source_dir)),
        ("config round trip", "config", lambda: _check_config(exercise, mine["config"])),
        ("save and load (.keras)", "saving", lambda: numeric.judge_save_and_load(
            mine["saving"], "a model holding the layer saves to .keras and loads back identical")),
        ("inside tf.function", "tf.function",
         lambda: _check_tf_function(exercise, cases, mine["tf.function"])),
        ("forward output", "cases",
         lambda: numeric.check_forward(cases, ref_cases, describe, source_dir)),
        ("gradients", "cases",
         lambda: numeric.check_gradients(cases, ref_cases, describe, source_dir)),
        ("final states under a mask", "masking",
         lambda: recurrent_checks.judge_masking(exercise, mine["masking"], ref("masking"), describe)),
        ("same as Keras's own layer", "twin",
         lambda: recurrent_checks.judge_twin(exercise, mine["twin"], seed, describe)),
    )  # fmt: skip
    base.run_checks(result, checks, exercise.points, source_dir, stages=mine)
    if not all(c.passed for c in result.checks[1:]):  # the rule alone changes no number
        result.diagnoses.extend(
            base.diagnose(exercise, book, cases, ref_cases, FORWARD_TOLERANCE,
                          GRADIENT_TOLERANCE, seed)
        )  # fmt: skip


def _describe(exercise, index):
    return f"{exercise.name}{exercise.cases[index].label}"


def _first_error(exercise, observations, source_dir):
    return numeric.first_error(observations, functools.partial(_describe, exercise), source_dir)


def _raised(record):
    return f"raised {record.explained}"


# --- contract checks -----------------------------------------------------------


def class_tree(source_dir, exercise):
    """The student's module without the other exercises' classes (pooling.py holds two;
    each is judged on its own code), read from the submission's file, not from the
    student process."""
    path = os.path.join(source_dir, f"{exercise.module}.py")
    with open(path, encoding="utf-8", errors="replace") as handle:
        tree = ast.parse(handle.read())
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    own, todo = set(), [exercise.name]
    while todo:  # the class and its base classes defined in the same file
        name = todo.pop()
        if name in classes and name not in own:
            own.add(name)
            todo.extend(getattr(b, "id", None) for b in classes[name].bases)
    return rules.keep_classes(tree, own), path


def _check_rules(exercise, record, source_dir, source_tree):
    if source_tree is not None or source_dir is not None:
        tree, path = (source_tree or functools.partial(class_tree, source_dir))(exercise)
        found = rules.banned_in_source(tree, exercise.banned_names, own_names={exercise.name})
        if found:
            line, text = found[0]
            return False, (
                f"{os.path.basename(path)} line {line} uses `{text}`: this exercise is to "
                "write the operation yourself from slices, sums and products"
            )
    if isinstance(record, ErrorInfo):
        return False, _raised(record)
    if not record.get("built"):
        return False, "the layer could not be built, so its graph could not be read"
    if not record.get("traced"):
        # It does not trace at all; 'inside tf.function' reports why.
        return True, "no ready-made op in the source; the graph does not trace"
    kernels = rules.banned_ops(record["ops"], exercise.banned_kernels)
    if kernels:
        return False, (
            f"the traced graph runs the ready-made kernel(s) {', '.join(kernels)}: "
            "write the operation yourself from slices, sums and products"
        )
    return True, "no ready-made convolution or pooling op, in the source or the graph"


def _check_weights(exercise, mine, ref, source_dir):
    for i, (m, r) in enumerate(zip(mine, ref)):
        if not m.weight_shapes and m.error is not None:
            return False, _first_error(exercise, [m], source_dir)
        if tuple(m.weight_shapes) != tuple(r.weight_shapes):
            return False, (
                f"{_describe(exercise, i)}: expected weights "
                f"{_shapes(r.weight_shapes)}, got {_shapes(m.weight_shapes)}"
            )
    return True, f"weights {_shapes(ref[0].weight_shapes)} as the stub creates them"


def _check_shapes(exercise, mine, ref, source_dir):
    error = _first_error(exercise, mine, source_dir)
    if error:
        return False, error
    for i, (m, r) in enumerate(zip(mine, ref)):
        if np.shape(m.output) != np.shape(r.output):
            return False, (
                f"{_describe(exercise, i)}: expected output shape {tuple(np.shape(r.output))},"
                f" got {tuple(np.shape(m.output))}: check the output-size formula"
                " in the docstring"
            )
    return True, f"output shapes right on all {len(mine)} cases"


def _check_dtype(exercise, mine, source_dir):
    error = _first_error(exercise, mine, source_dir)
    if error:
        return False, error
    for i, m in enumerate(mine):
        if m.output_kind != "tf.Tensor float32":
            advice = (
                "keep the computation in keras.ops so it stays a tensor and gradients flow"
                if "numpy" in m.output_kind
                else "keep float32 throughout (keras.ops.cast if needed)"
            )
            return False, (
                f"{_describe(exercise, i)}: expected a tf.Tensor float32, got "
                f"{m.output_kind}: {advice}"
            )
    return True, "returns float32 tensors"


def _check_config(exercise, records):
    for i, record in enumerate(records):
        if isinstance(record, ErrorInfo):
            return False, f"{_describe(exercise, i)}: {_raised(record)}"
        if not record.get("built"):
            return False, f"{_describe(exercise, i)} could not be built"
        if record["clone config"] != record["config"]:
            return False, (
                f"{_describe(exercise, i)}: from_config(get_config()) gives "
                f"{record['clone config']}, not {record['config']}: get_config must return "
                "every constructor argument"
            )
        comparison = compare(
            "output of the clone", record["output"], record["clone output"], FORWARD_TOLERANCE
        )
        if not comparison.ok:
            return False, (
                f"{_describe(exercise, i)}: {comparison.summary}: the layer rebuilt from its "
                "config computes something else: get_config must return every "
                "constructor argument"
            )
    return True, "from_config(get_config()) rebuilds the same layer"


def _check_tf_function(exercise, cases, records):
    for i, (observation, record) in enumerate(zip(cases, records)):
        if observation.error is not None:
            return False, f"{_describe(exercise, i)} does not run eagerly, so not in a graph either"
        if isinstance(record, ErrorInfo):
            return False, f"{_describe(exercise, i)} inside tf.function {_raised(record)}"
        comparison = compare("output in tf.function", observation.output, record, FORWARD_TOLERANCE)
        if not comparison.ok:
            return False, (
                f"{_describe(exercise, i)}: {comparison.summary}: inside tf.function avoid "
                "Python-side values (.numpy(), float(tensor), NumPy calls on tensors)"
            )
    return True, "gives the same output traced in tf.function as eagerly"


def _shapes(weight_shapes):
    if not weight_shapes:
        return "none"
    return ", ".join(f"{name} {tuple(shape)}" for name, shape in weight_shapes)
