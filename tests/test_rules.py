"""The 'no ready-made op' rule reads the source and the traced graph."""

import ast

import numpy as np
import tensorflow as tf

from workshop.grader import rules


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


def banned_in_graph(compute, banned_kernels):
    """As the grader reads a layer's graph (layer_runs.record_graph_ops)."""
    concrete = tf.function(compute).get_concrete_function()
    return rules.banned_ops(rules.concrete_ops(concrete), banned_kernels)


def test_graph_scan_finds_a_convolution_hidden_behind_getattr():
    x = tf.constant(np.ones((1, 5, 5, 1), np.float32))
    k = tf.constant(np.ones((3, 3, 1, 1), np.float32))
    hidden = getattr(tf.nn, "".join(["con", "v2d"]))
    assert banned_in_graph(lambda: hidden(x, k, 1, "VALID"), rules.CONVOLUTION_KERNELS) == [
        "Conv2D"
    ]
    nested = tf.function(lambda: hidden(x, k, 1, "VALID"))
    assert banned_in_graph(lambda: nested(), rules.CONVOLUTION_KERNELS) == ["Conv2D"]
    assert banned_in_graph(lambda: x * 2.0, rules.CONVOLUTION_KERNELS) == []


def test_only_the_graded_class_and_its_bases_are_read():
    from solutions.mistakes.pooling import ReadyMadeMaxPool2D

    tree, _ = rules.module_tree(ReadyMadeMaxPool2D)
    names = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    assert names == {"ReadyMadeMaxPool2D"}
