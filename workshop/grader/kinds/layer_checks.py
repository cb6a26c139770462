"""The trusted side of a layer exercise: each check compares the student's records with
the reference's and returns (passed, message). No student code runs here."""

import ast
import functools
import os

import numpy as np

from .. import rules
from ..common_checks import FORWARD_TOLERANCE, first_error
from ..compare import close, compare
from ..evidence import ErrorInfo, StageFailed
from ..source import read_source


def describe(exercise, index):
    return f"{exercise.name}{exercise.cases[index].label}"


def _first_error(exercise, observations, source_dir):
    return first_error(observations, functools.partial(describe, exercise), source_dir)


def _raised(record):
    return f"raised {record.explained}"


def class_tree(source_dir, exercise):
    """The student's module without the other exercises' classes (pooling.py holds two;
    each is judged on its own code), read from the submission's file, not from the
    student process."""
    path = os.path.join(source_dir, f"{exercise.module}.py")
    tree = ast.parse(read_source(path))
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    own, todo = set(), [exercise.name]
    while todo:  # the class and its base classes defined in the same file
        name = todo.pop()
        if name in classes and name not in own:
            own.add(name)
            todo.extend(getattr(b, "id", None) for b in classes[name].bases)
    return rules.keep_classes(tree, own), path


def check_rules(exercise, exported, graph_runs, source_dir, source_tree, cases, ref, fresh_ref):
    """The source has no ready-made op's name; every case's traced graph, read here from
    its bytes, holds only the exercise's allowed ops and nothing unsafe; the graph whose
    ops were read computed the answer graded (the judge's run of it on each case gives
    the eager call's output); and where the eager answers are right, it also gives the
    reference's answer on inputs the student's process never saw (`fresh_ref()`: the
    reference's runs at the judge's fresh seed)."""
    from .. import graphs

    if source_tree is not None or source_dir is not None:
        tree, path = (source_tree or functools.partial(class_tree, source_dir))(exercise)
        found = rules.banned_in_source(
            tree, rules.banned_names_of(exercise.options), own_names={exercise.name}
        )
        if found:
            line, text = found[0]
            return False, (
                f"{os.path.basename(path)} line {line} uses `{text}`: this exercise is to "
                "write the operation yourself from slices, sums and products"
            )
    if isinstance(exported, ErrorInfo):
        return False, _raised(exported)
    if not isinstance(exported, list) or len(exported) != len(exercise.cases):
        return False, "the grader did not get a traced graph for every case"
    for i, export in enumerate(exported):
        if isinstance(export, ErrorInfo):
            # Without a graph there is no op list: a layer that refuses to be traced
            # could hide anything it runs eagerly. 'inside tf.function' reports why.
            raised = _first_error(exercise, cases, source_dir) if isinstance(cases, list) else None
            if raised:  # it raises eagerly too: that error is the one to fix first
                return False, f"its graph could not be read: {raised}"
            return False, (
                f"{describe(exercise, i)} could not be traced into a graph ({_reason(export)}),"
                " so the grader cannot see which ops it runs: build it from keras.ops, "
                "which traces"
            )
        try:
            ops, unsafe = graphs.inspect(graphs.parse(export))
        except graphs.GraphRefused as refused:
            return False, f"the traced graph of {describe(exercise, i)}: {refused}"
        if unsafe:
            return False, f"the traced graph of {describe(exercise, i)}: {'; '.join(unsafe)}"
        refused = [op for op in ops if op not in exercise.options.allowed_ops]
        if refused:
            return False, rules.refused_message(refused, exercise.name)
    if isinstance(graph_runs, StageFailed):
        return False, f"the grader's run of its traced graphs failed: {graph_runs.reason}"
    runs = graph_runs.get("cases") if isinstance(graph_runs, dict) else None
    if not isinstance(runs, list) or len(runs) != len(exported):
        return False, "the grader could not run its traced graphs"
    for i, run in enumerate(runs):
        if run["error"] or run["traced"] is None or run["fresh"] is None:
            why = run["error"] or "it gave no output"
            return (
                False,
                f"the grader could not run the traced graph of {describe(exercise, i)}: {why}",
            )
        observation = cases[i] if isinstance(cases, list) and i < len(cases) else None
        differs = _graph_differs(run["traced"], _eager_output(observation))
        if differs:
            return False, (
                f"on {describe(exercise, i)}, the traced graph whose ops were read {differs}: "
                "the op list must come from the graph that computes your answer, so a layer "
                "may not behave differently when it is traced"
            )
    if _eager_right(cases, ref):
        for i, (run, theirs) in enumerate(zip(runs, fresh_ref())):
            # Whether, not by how much: no number of the judge's inputs leaves it.
            if not close(theirs.output, run["fresh"], FORWARD_TOLERANCE):
                return False, (
                    f"on new inputs and weights (from a seed your code never saw), the traced "
                    f"graph of {describe(exercise, i)} gives another answer than the "
                    "reference, though your layer matches it on the graded cases: the graph "
                    "must compute the answer, not remember it or recognise the graded inputs"
                )
    return True, (
        "no ready-made op: the traced graphs hold only allowed ops, and compute the answer "
        "on new inputs too"
    )


def _eager_right(cases, ref):
    """Whether every case's eager output matches the reference's (what makes a wrong
    answer on fresh inputs a sign of a graph that does not compute it)."""
    if not isinstance(cases, list) or any(c.error is not None for c in cases):
        return False
    try:
        return all(close(r.output, c.output, FORWARD_TOLERANCE) for c, r in zip(cases, ref))
    except (TypeError, ValueError):
        return False


def _reason(error):
    text = getattr(error, "explained", None) or str(error or "no reason given")
    return text.splitlines()[0][:160]


def _eager_output(observation):
    if observation is None or observation.error is not None:
        return None  # the cases check says what went wrong
    return observation.output


def _graph_differs(output, eager):
    """How the traced graph's output disagrees with the eager one, or None."""
    if eager is None:
        return None
    if isinstance(output, ErrorInfo):
        return f"raises ({output.explained}), while the eager call does not"
    if output is None:
        return "gives no output"
    try:
        output, eager = np.asarray(output, dtype=float), np.asarray(eager, dtype=float)
    except (TypeError, ValueError):
        return "gives an output that is not an array of numbers"
    if output.shape != eager.shape:
        return f"gives shape {output.shape}, the eager call {eager.shape}"
    if not close(eager, output, FORWARD_TOLERANCE):
        return "gives a different output from the eager call of the same layer"
    return None


def check_weights(exercise, mine, ref, source_dir):
    for i, (m, r) in enumerate(zip(mine, ref)):
        if not m.weight_shapes and m.error is not None:
            return False, _first_error(exercise, [m], source_dir)
        if tuple(m.weight_shapes) != tuple(r.weight_shapes):
            unbuilt = (
                ": the layer had no weights after build; create every weight (a sublayer "
                "too, and call its build) in build, so they exist before the first call"
                if not m.weight_shapes
                else ""
            )
            return False, (
                f"{describe(exercise, i)}: expected weights "
                f"{_shapes(r.weight_shapes)} ({_count(r.weight_shapes):,} parameters), got "
                f"{_shapes(m.weight_shapes)} ({_count(m.weight_shapes):,}){unbuilt}"
            )
    shapes = ref[0].weight_shapes
    return True, f"weights {_shapes(shapes)} ({_count(shapes):,} parameters), as the reference's"


def check_shapes(exercise, mine, ref, source_dir):
    error = _first_error(exercise, mine, source_dir)
    if error:
        return False, error
    for i, (m, r) in enumerate(zip(mine, ref)):
        if np.shape(m.output) != np.shape(r.output):
            return False, (
                f"{describe(exercise, i)}: expected output shape {tuple(np.shape(r.output))},"
                f" got {tuple(np.shape(m.output))}: check the output-size formula"
                " in the docstring"
            )
    return True, f"output shapes right on all {len(mine)} cases"


def check_dtype(exercise, mine, source_dir, precision=None):
    """float32 tensors out under the default policy; under mixed_float16 (`precision`,
    the first case's record), float32 weights, a float16 output and gradients."""
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
                f"{describe(exercise, i)}: expected a tf.Tensor float32, got "
                f"{m.output_kind}: {advice}"
            )
    if precision is None:
        return True, "returns float32 tensors"
    failure = _precision_failure(precision, mine[0])
    if failure:
        return False, f"{describe(exercise, 0)} under Keras's mixed_float16 policy: {failure}"
    return True, (
        "returns float32 tensors; under mixed_float16 keeps float32 weights, returns float16 "
        "and passes gradients"
    )


def _flows(value):
    return value is not None and bool(np.all(np.isfinite(value)) and np.any(value != 0))


def _precision_failure(record, float32_case):
    """What breaks the mixed-precision contract in `record`, or "". An output or a
    gradient that is already not finite (or zero) in float32 (`float32_case`, the same
    case's observation) is the forward and gradient checks' to report, not this one's."""
    if isinstance(record, StageFailed):
        return record.reason
    if isinstance(record, ErrorInfo):
        return (
            f"{_raised(record)}: compute in the dtype your inputs arrive in (Keras casts them "
            "to float16 for you), not in a fixed float32"
        )
    wrong = [
        f"{name} is {dtype}" for name, dtype in record["weights"].items() if dtype != "float32"
    ]
    if wrong:
        return (
            f"{', '.join(wrong)}, where the policy keeps weights float32 (and casts them to "
            "float16 inside call): create them with add_weight and no dtype"
        )
    if record["output kind"] != "tf.Tensor float16":
        return (
            f"returns {record['output kind']}, where the policy computes in float16: something "
            "casts to float32 (a cast of the input, a float32 constant); compute in the "
            "input's dtype (self.compute_dtype)"
        )
    if not record["output finite"] and np.all(np.isfinite(float32_case.output)):
        return (
            "the output is not finite in float16: keep intermediate values within float16's range"
        )
    flowing = {name for name, g in (float32_case.grads or {}).items() if _flows(g)}
    stuck = [
        name for name, flow in record["gradients"].items() if flow != "flows" and name in flowing
    ]
    if stuck:
        return f"no finite, nonzero gradient reaches {', '.join(stuck)}"
    return ""


def check_config(exercise, records):
    for i, record in enumerate(records):
        if isinstance(record, ErrorInfo):
            return False, f"{describe(exercise, i)}: {_raised(record)}"
        if not record.get("built"):
            return False, f"{describe(exercise, i)} could not be built"
        if record["clone config"] != record["config"]:
            return False, (
                f"{describe(exercise, i)}: from_config(get_config()) gives "
                f"{record['clone config']}, not {record['config']}: get_config must return "
                "every constructor argument"
            )
        comparison = compare(
            "output of the clone", record["output"], record["clone output"], FORWARD_TOLERANCE
        )
        if not comparison.ok:
            return False, (
                f"{describe(exercise, i)}: {comparison.summary}: the layer rebuilt from its "
                "config computes something else: get_config must return every "
                "constructor argument"
            )
    return True, "from_config(get_config()) rebuilds the same layer"


def check_tf_function(exercise, cases, exported, graph_runs):
    """Each case's traced graph, run by the judge on the case's own input and weights,
    gives what the layer gave eagerly."""
    if isinstance(exported, ErrorInfo):
        return False, _raised(exported)
    if not isinstance(exported, list) or len(exported) != len(exercise.cases):
        return False, "the grader did not get a traced graph for every case"
    if isinstance(graph_runs, StageFailed):
        return False, f"the grader's run of its traced graphs failed: {graph_runs.reason}"
    runs = graph_runs.get("cases") if isinstance(graph_runs, dict) else None
    runs = runs if isinstance(runs, list) and len(runs) == len(exported) else [None] * len(exported)
    if not isinstance(cases, list) or len(cases) != len(exported):
        return False, "the grader did not get an eager run for every case"
    for i, (observation, export, run) in enumerate(zip(cases, exported, runs)):
        if observation.error is not None:
            return False, f"{describe(exercise, i)} does not run eagerly, so not in a graph either"
        if isinstance(export, ErrorInfo):
            return False, f"{describe(exercise, i)} inside tf.function {_raised(export)}"
        if run is None:
            return False, f"the grader could not run the traced graph of {describe(exercise, i)}"
        if run["error"] or run["traced"] is None:
            why = run["error"] or "it gave no output"
            return False, f"{describe(exercise, i)}: its traced graph does not run: {why}"
        comparison = compare(
            "output in tf.function", observation.output, run["traced"], FORWARD_TOLERANCE
        )
        if not comparison.ok:
            return False, (
                f"{describe(exercise, i)}: {comparison.summary}: inside tf.function avoid "
                "Python-side values (.numpy(), float(tensor), NumPy calls on tensors)"
            )
    return True, "gives the same output traced in tf.function as eagerly"


def _count(weight_shapes):
    return sum(int(np.prod(shape)) for _, shape in weight_shapes)


def _shapes(weight_shapes):
    if not weight_shapes:
        return "none"
    return ", ".join(f"{name} {tuple(shape)}" for name, shape in weight_shapes)
