"""A layer's traced graph, handed over as data and judged where no student code runs.

The student side traces the layer's call into a graph (`export`): the weights are
inputs of the graph (Keras 3's `stateless_call`), and anything else the call captured,
a tf.Variable of its own or a tensor it kept, is frozen into it as a constant. What
crosses to the judge is a serialised GraphDef, not a Python object.

The trusted side (`run_graphs`: in `workshop check` the same process, in a batch a
process forked from the fork server with no student file on its path,
batch/graph_judge.py) parses it, lists every op in it and in the functions it calls,
and runs it only if each op is on the exercise's allow list (rules.py). It runs each
case's graph twice:
- on the case's own input and seeded weights: what the layer gives traced, compared
  with what it gave eagerly ("inside tf.function", and the op rule's "the graph whose
  ops were read is the one that computed the answer");
- on a fresh input and fresh weights from a seed the student's process never saw,
  compared with the reference on the same: a graph that remembered the answer (a
  constant memoised eagerly), or computes it only for the graded inputs, fails.

A renamed kernel is not on the allow list; a memoised constant fails on fresh inputs;
an op lister patched in the student's process lists nothing the judge reads.
"""

import numpy as np

from .rules import RUNNABLE_OPS
from .seeding import random_weights

MAX_GRAPH_BYTES = 16 << 20  # a layer's graph is kilobytes: its weights are inputs


# --- the student side ---------------------------------------------------------------------


def export(layer, inputs):
    """The layer's call traced into a GraphDef, as data: {"graph": uint8 array,
    "inputs": tensor names (the input, then the weights in `order`), "output": name,
    "order": the position in `layer.weights` of each weight input, "weight_shapes": the
    shapes of `layer.weights`, from which the judge makes the seeded weights}."""
    import tensorflow as tf
    from tensorflow.python.framework.convert_to_constants import (
        convert_variables_to_constants_v2,
    )

    trainable = list(layer.trainable_variables)
    non_trainable = list(layer.non_trainable_variables)
    positions = {id(v): i for i, v in enumerate(layer.weights)}
    order = [positions[id(v)] for v in trainable + non_trainable]

    def forward(x, *values):
        outputs, _ = layer.stateless_call(
            list(values[: len(trainable)]), list(values[len(trainable) :]), x
        )
        return outputs

    specs = [tf.TensorSpec(inputs.shape, tf.float32)]
    specs += [tf.TensorSpec(v.shape, v.dtype) for v in trainable + non_trainable]
    concrete = tf.function(forward).get_concrete_function(*specs)
    if concrete.captured_inputs:  # a tf.Variable or tensor of its own: now a constant
        concrete = convert_variables_to_constants_v2(concrete, lower_control_flow=False)
    if len(concrete.outputs) != 1:
        raise TypeError(f"the layer returns {len(concrete.outputs)} tensors, not one")
    data = concrete.graph.as_graph_def().SerializeToString()
    if len(data) > MAX_GRAPH_BYTES:
        raise ValueError(f"its traced graph has {len(data):,} bytes: more than any layer needs")
    return {
        "graph": np.frombuffer(data, dtype=np.uint8).copy(),
        "inputs": tuple(t.name for t in concrete.inputs),
        "output": concrete.outputs[0].name,
        "order": tuple(order),
        "weight_shapes": tuple(tuple(int(d) for d in w.shape) for w in layer.weights),
    }


# --- the trusted side -----------------------------------------------------------------------


class GraphRefused(ValueError):
    """A graph the judge does not run; the message says why, for the student."""


def parse(exported):
    """The GraphDef in an exported record (data from the student's process), parsed by
    protobuf alone: nothing of TensorFlow's runtime sees it here."""
    from tensorflow.core.framework.graph_pb2 import GraphDef

    if not isinstance(exported, dict) or "graph" not in exported:
        raise GraphRefused("no graph was exported")
    data = np.asarray(exported["graph"], dtype=np.uint8).tobytes()
    if len(data) > MAX_GRAPH_BYTES:
        raise GraphRefused(f"the traced graph has {len(data):,} bytes, over the cap")
    graph_def = GraphDef()
    try:
        graph_def.ParseFromString(data)
    except Exception as error:  # protobuf's DecodeError: not a graph
        raise GraphRefused(f"the traced graph does not parse ({error})") from None
    return graph_def


# What print may write to: a stream of the process, never a file ("file://...").
PRINT_STREAMS = {"stderr", "stdout", "log(info)", "log(warning)", "log(error)"}
DT_RESOURCE, DT_VARIANT = 20, 21  # tensors that are handles, not numbers


def inspect(graph_def):
    """(ops, unsafe) of a parsed graph: every op type it runs (its nodes and those of
    every function in its library: a nested tf.function, a loop's body; a node whose op
    names a library function calls it, and that function's nodes are listed instead),
    and why it must never run at all (empty when nothing is wrong): a function named
    anywhere but in its own library (SymbolicGradient would run a kernel's gradient, a
    convolution, under a name no list holds), gradients of its own, a library function
    named as an op, constants that are handles, a print to a file."""
    import tensorflow as tf

    library = graph_def.library
    functions = {f.signature.name for f in library.function}
    nodes = list(graph_def.node) + [n for f in library.function for n in f.node_def]
    unsafe = []
    if library.gradient:
        unsafe.append("it registers gradients of its own")
    for name in sorted(functions):
        if name == "SymbolicGradient" or hasattr(tf.raw_ops, name):
            unsafe.append(f"a function of its library is named as an op ({name})")
    for node in nodes:
        for value in node.attr.values():
            named = [value.func.name] if value.HasField("func") else []
            named += [f.name for f in value.list.func]
            for name in named:
                if name not in functions:
                    unsafe.append(f"{node.op} calls a function outside its library ({name})")
        if node.op == "Const" and node.attr["dtype"].type in (DT_RESOURCE, DT_VARIANT):
            unsafe.append("a constant that is a handle, not numbers")
        if node.op == "PrintV2":
            stream = node.attr["output_stream"].s.decode("utf-8", errors="replace")
            if stream not in PRINT_STREAMS:
                unsafe.append(f"it prints to {stream!r}")
    ops = sorted({node.op for node in nodes} - functions)
    return ops, sorted(set(unsafe))


def run(graph_def, exported, feeds):
    """The graph's output for each list of input arrays in `feeds` (inputs in the
    exported order), without Grappler's rewrites, on one thread."""
    import tensorflow as tf

    config = tf.compat.v1.ConfigProto(
        intra_op_parallelism_threads=1, inter_op_parallelism_threads=1
    )
    config.graph_options.rewrite_options.disable_meta_optimizer = True
    names = list(exported["inputs"])
    with tf.Graph().as_default() as graph:
        tf.graph_util.import_graph_def(graph_def, name="")
        with tf.compat.v1.Session(graph=graph, config=config) as session:
            return [
                np.asarray(session.run(exported["output"], dict(zip(names, feed))))
                for feed in feeds
            ]


MAX_WEIGHTS = 64 << 20  # numbers in all: no layer of the workshop comes near


def feed_for(exported, x, seed, case_index):
    """The graph's inputs: `x`, and the seeded weights of the layer's own shapes (the
    values `keras_runs.build_layer` gives, by position), in the graph's order."""
    shapes = [tuple(int(d) for d in shape) for shape in exported["weight_shapes"]]
    if sum(int(np.prod(shape, dtype=np.float64)) for shape in shapes) > MAX_WEIGHTS:
        raise GraphRefused("the layer's weights are larger than any exercise's")
    weights = random_weights(shapes, seed, case_index)
    order = list(exported["order"])
    if len(exported["inputs"]) != 1 + len(order) or any(i >= len(weights) for i in order):
        raise GraphRefused("the traced graph's inputs are not the layer's input and weights")
    return [x, *(weights[i] for i in order)]


def run_graphs(exported_cases, inputs, fresh_inputs, seed, fresh_seed):
    """Per case, the student's exported graph run by the judge: its output on the
    case's input ("traced") and on a fresh input with fresh weights ("fresh"), or why it
    did not run ("error"). It runs only if nothing in it is unsafe and every op is one
    the judge runs at all (RUNNABLE_OPS: pure math kernels); whether the ops are the
    exercise's to use is the rule's to say (layer_checks.check_rules), from the graph
    itself."""
    found = []
    for index, exported in enumerate(exported_cases):
        record = {"traced": None, "fresh": None, "error": None}
        found.append(record)
        try:
            graph_def = parse(exported)
            ops, unsafe = inspect(graph_def)
            unknown = [op for op in ops if op not in RUNNABLE_OPS]
            if unsafe or unknown:
                why = "; ".join(unsafe) or f"it holds op(s) {', '.join(unknown)}"
                record["error"] = f"{why}, which the grader does not run"
                continue
            feeds = [
                feed_for(exported, inputs[index], seed, index),
                feed_for(exported, fresh_inputs[index], fresh_seed, index),
            ]
            record["traced"], record["fresh"] = run(graph_def, exported, feeds)
        except GraphRefused as refused:
            record["error"] = str(refused)
        except Exception as error:  # the graph does not import or run: say how
            text = str(error).strip().splitlines()
            record["error"] = f"{type(error).__name__}: {text[0][:300] if text else ''}"
    return found
