"""The 'no ready-made op' rule reads the source, and the traced graph as data: each
graph is exported by the student's side and listed and run by the judge's (graphs.py),
against the exercise's allow list and on fresh inputs."""

import ast

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from workshop import catalog
from workshop.grader import graphs, rules
from workshop.grader.seeding import random_weights


def found(source):
    return rules.banned_in_source(ast.parse(source), rules.CONVOLUTION_NAMES, {"Conv2D"})


def test_attribute_calls_and_library_imports_are_found():
    assert found("import tensorflow as tf\ny = tf.nn.conv2d(x, k, 1, 'VALID')")[0][0] == 2
    assert found("from keras import ops\ny = ops.conv(x, k)")
    assert found("from tensorflow.nn import conv2d\ny = conv2d(x)")
    assert found("from scipy.signal import correlate2d")
    assert found("f = getattr(tf.nn, 'conv2d')")


def test_the_students_own_class_and_package_imports_are_allowed():
    assert not found("class Conv2D(keras.layers.Layer):\n    pass\nsuper(Conv2D, self)")
    assert not found("from .conv import Conv2D\nlayer = Conv2D(20, 5)")


def test_only_the_graded_class_and_its_bases_are_read():
    from solutions.mistakes.pooling import ReadyMadeMaxPool2D

    tree, _ = rules.module_tree(ReadyMadeMaxPool2D)
    names = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    assert names == {"ReadyMadeMaxPool2D"}


# --- the graph, as the judge sees it --------------------------------------------------------


class Pool(keras.layers.Layer):
    """Max pooling by `compute`, with a weight so that weights are fed too."""

    def __init__(self, compute, **kwargs):
        super().__init__(**kwargs)
        self.compute = compute

    def build(self, shape):
        self.scale = self.add_weight(name="scale", shape=(), initializer="ones")

    def call(self, x):
        return self.compute(x) * self.scale


def two_by_two(x):
    windows = [x[:, p::2, q::2, :][:, :2, :2, :] for p in range(2) for q in range(2)]
    return ops.max(ops.stack(windows, axis=-1), axis=-1)


def judged(compute):
    """What the judge finds on a 2x2 max pooling computed by `compute`: the exported
    graph's ops and what makes it unsafe, read from its bytes; its run on the case's
    input and on a fresh one, from another seed; the eager answer and the expected one
    on the fresh input."""
    x = np.random.default_rng(0).standard_normal((2, 4, 4, 3)).astype(np.float32)
    fresh = np.random.default_rng(1).standard_normal(x.shape).astype(np.float32)
    layer = Pool(compute)
    layer.build(x.shape)
    layer.scale.assign(random_weights([()], 5, 0)[0])
    layer(x)
    exported = graphs.export(layer, x)
    ops, unsafe = graphs.inspect(graphs.parse(exported))
    (run,) = graphs.run_graphs([exported], [x], [fresh], 5, 6)
    expected = np.asarray(two_by_two(fresh)) * random_weights([()], 6, 0)[0]
    return dict(run, ops=ops, unsafe=unsafe), np.asarray(layer(x)), expected


def refused(run, allowed=rules.HAND_WRITTEN_OPS):
    return [op for op in run["ops"] if op not in allowed]


def test_an_honest_graph_runs_on_fresh_inputs_and_weights():
    run, eager, expected = judged(two_by_two)
    assert refused(run) == [] and run["unsafe"] == [] and run["error"] is None
    assert {"Max", "StridedSlice", "Placeholder"} <= set(run["ops"])
    np.testing.assert_allclose(run["traced"], eager, rtol=1e-6)
    np.testing.assert_allclose(run["fresh"], expected, rtol=1e-6)


def test_a_ready_made_kernel_by_any_name_is_refused_by_being_absent():
    """A kernel nobody put on a banned list (FusedPadConv2D) fails as the plain one
    does: neither is on the allow list. Neither is one the judge runs."""
    hidden = getattr(tf.raw_ops, "".join(["Fused", "Pad", "Conv2D"]))

    def renamed(x):
        kernel = tf.ones((1, 1, 3, 3)) / 3.0
        padded = hidden(input=x, paddings=[[0, 0]] * 4, filter=kernel, mode="REFLECT",
                        strides=[1, 1, 1, 1], padding="VALID")  # fmt: skip
        return padded[:, :2, :2, :]

    run, _, _ = judged(renamed)
    assert refused(run) == ["FusedPadConv2D"] and "does not run" in run["error"]
    assert "FusedPadConv2D" in rules.refused_message(refused(run), "MaxPool2D")
    run, eager, _ = judged(lambda x: tf.nn.max_pool2d(x, 2, 2, "VALID"))
    assert refused(run) == ["MaxPool"]
    assert "ready-made kernel(s) MaxPool" in rules.refused_message(refused(run), "MaxPool2D")
    np.testing.assert_allclose(run["traced"], eager, rtol=1e-6)  # a known kernel: it runs


def test_a_nested_tf_function_is_listed_through_its_library():
    inner = tf.function(lambda x: tf.nn.max_pool2d(x, 2, 2, "VALID"))
    run, _, _ = judged(lambda x: inner(x))
    assert "MaxPool" in refused(run)


def test_a_constant_memoised_eagerly_gives_itself_away_on_fresh_inputs():
    memo = {}

    def remembered(x):
        if tf.executing_eagerly():
            memo["y"] = tf.nn.max_pool2d(x, 2, 2, "VALID").numpy()
            return memo["y"]
        return tf.constant(memo["y"])

    run, eager, expected = judged(remembered)
    assert refused(run) == []  # a clean-looking graph: Const, Identity, Mul
    np.testing.assert_allclose(run["traced"], eager, rtol=1e-6)  # right on the case
    assert not np.allclose(run["fresh"], expected, atol=1e-3)  # wrong on fresh inputs


def test_a_graph_the_judge_does_not_run_is_not_run():
    def scripted(x):
        return tf.py_function(lambda t: t.numpy()[:, :2, :2, :], [x], tf.float32)

    run, _, _ = judged(scripted)
    assert "EagerPyFunc" in refused(run)
    assert run["traced"] is None and "does not run" in run["error"]
    (bad,) = graphs.run_graphs([{"graph": np.frombuffer(b"junk", np.uint8)}], [None], [None],
                               0, 1)  # fmt: skip
    assert "does not parse" in bad["error"]


def test_a_function_named_outside_the_library_is_unsafe():
    """SymbolicGradient, named in a branch of an If, would run a kernel's gradient (a
    convolution) under a name no list holds: a function the graph does not define is
    never run, and a print to a file neither."""
    from tensorflow.core.framework.graph_pb2 import GraphDef

    graph = GraphDef()
    node = graph.node.add(name="branch", op="If")
    node.attr["then_branch"].func.name = "SymbolicGradient"
    node.attr["then_branch"].func.attr["f"].func.name = "Conv2D"
    printer = graph.node.add(name="print", op="PrintV2")
    printer.attr["output_stream"].s = b"file:///etc/cron.d/x"
    ops, unsafe = graphs.inspect(graph)
    assert ops == ["If", "PrintV2"]  # both allowed, by name
    assert any("outside its library (SymbolicGradient)" in why for why in unsafe)
    assert any("prints to 'file:///etc/cron.d/x'" in why for why in unsafe)
    exported = {"graph": np.frombuffer(graph.SerializeToString(), np.uint8), "inputs": (),
                "output": "branch:0", "order": (), "weight_shapes": ()}  # fmt: skip
    (run,) = graphs.run_graphs([exported], [None], [None], 0, 1)
    assert run["traced"] is None and "outside its library" in run["error"]


def test_every_layer_exercise_allows_at_least_what_keras_ops_gives_for_arithmetic():
    for exercise in catalog.EXERCISES:
        if exercise.kind.__class__.__name__ == "LayerKind":
            assert rules.HAND_WRITTEN_OPS <= exercise.options.allowed_ops, exercise.slug
            assert exercise.options.allowed_ops <= rules.RUNNABLE_OPS, exercise.slug
    for op in ("EagerPyFunc", "ReadFile", "WriteFile", "VarHandleOp", "RandomUniform"):
        assert op not in rules.RUNNABLE_OPS
