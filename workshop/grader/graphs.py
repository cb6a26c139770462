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
    """The GraphDef in an exported record (data from the student's process)."""
    import tensorflow as tf

    data = np.asarray(exported.get("graph"), dtype=np.uint8).tobytes()
    if len(data) > MAX_GRAPH_BYTES:
        raise GraphRefused(f"the traced graph has {len(data):,} bytes, over the cap")
    graph_def = tf.compat.v1.GraphDef()
    try:
        graph_def.ParseFromString(data)
    except Exception as error:  # protobuf's DecodeError: not a graph
        raise GraphRefused(f"the traced graph does not parse ({error})") from None
    return graph_def


def ops_of(graph_def):
    """Every op type the graph runs: its nodes and those of every function in its
    library (a nested tf.function, a loop's body). A node whose op names a library
    function calls it; that function's nodes are listed instead."""
    functions = {f.signature.name for f in graph_def.library.function}
    found = {node.op for node in graph_def.node}
    for function in graph_def.library.function:
        found.update(node.op for node in function.node_def)
    return sorted(found - functions)


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


def run_graphs(exported_cases, inputs, fresh_inputs, seed, fresh_seed, allowed):
    """Per case, what the judge learns by running the student's exported graph: its op
    list, the ops not `allowed` (what the rule refuses), its output on the case's input
    ("traced") and on a fresh input with fresh weights ("fresh"), or why it did not run
    ("error"): it runs only if every op is one the judge runs at all (RUNNABLE_OPS)."""
    found = []
    for index, exported in enumerate(exported_cases):
        record = {"ops": (), "refused": (), "traced": None, "fresh": None, "error": None}
        found.append(record)
        if not isinstance(exported, dict) or "graph" not in exported:
            record["error"] = "no graph was exported"
            continue
        try:
            graph_def = parse(exported)
            record["ops"] = tuple(ops_of(graph_def))
            record["refused"] = tuple(op for op in record["ops"] if op not in allowed)
            unknown = [op for op in record["ops"] if op not in RUNNABLE_OPS]
            if unknown:
                record["error"] = (
                    f"it holds op(s) {', '.join(unknown)}, which the grader does not run"
                )
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
