"""The 'write it yourself' rule: no ready-made convolution or pooling op.

Two independent looks: the source is read for calls to banned functions, and the
traced TensorFlow graph is searched for the kernels those functions would run, which
also catches a banned op reached through `getattr` or a helper module.
"""

import ast
import inspect

from .source import read_source

# Python run inside the graph: any op could hide behind it, out of the op list's sight.
SCRIPT_NAMES = frozenset({"py_function", "numpy_function", "py_func", "eager_py_func"})
SCRIPT_KERNELS = frozenset({"EagerPyFunc", "PyFunc", "PyFuncStateless"})
# Gathering every receptive field at once is what the convolution exercise teaches.
RECEPTIVE_FIELD_NAMES = frozenset(
    {"extract_patches", "extract_image_patches", "extract_volume_patches"}
)
RECEPTIVE_FIELD_KERNELS = frozenset({"ExtractImagePatches", "ExtractVolumePatches"})

CONVOLUTION_NAMES = (
    SCRIPT_NAMES
    | RECEPTIVE_FIELD_NAMES
    | frozenset(
        {
            "conv",
            "conv1d",
            "conv2d",
            "conv3d",
            "convolution",
            "conv_transpose",
            "conv2d_transpose",
            "depthwise_conv",
            "depthwise_conv2d",
            "separable_conv",
            "separable_conv2d",
            "Conv1D",
            "Conv2D",
            "Conv3D",
            "DepthwiseConv2D",
            "SeparableConv2D",
            "Conv2DTranspose",
            "Convolution2D",
            "correlate",
            "correlate2d",
            "convolve",
            "convolve2d",
            "fftconvolve",
            "oaconvolve",
        }
    )
)
# Libraries whose ready-made ops are off limits; importing from the student's own
# package (or the workshop's) is fine.
LIBRARIES = frozenset(
    {
        "tensorflow",
        "tf",
        "keras",
        "tf_keras",
        "jax",
        "torch",
        "scipy",
        "numpy",
        "skimage",
        "cv2",
        "PIL",
    }
)
# Keras 3 removed its LocallyConnected2D; tf_keras and older code still have one.
LOCALLY_CONNECTED_NAMES = CONVOLUTION_NAMES | frozenset(
    {"LocallyConnected1D", "LocallyConnected2D", "locally_connected"}
)
# Ready-made normalisations a local contrast normalisation might hide behind.
NORMALISATION_NAMES = SCRIPT_NAMES | frozenset(
    {
        "local_response_normalization",
        "lrn",
        "LocalResponseNormalization",
        "per_image_standardization",
        "local_contrast_normalization",
        "equalize_adapthist",
    }
)
POOLING_NAMES = SCRIPT_NAMES | frozenset(
    {
        "dilation2d",
        "max_pool",
        "max_pool2d",
        "max_pool_v2",
        "avg_pool",
        "avg_pool2d",
        "average_pool",
        "pool",
        "l2_pool",
        "MaxPooling2D",
        "MaxPool2D",
        "AveragePooling2D",
        "AvgPool2D",
        "GlobalMaxPooling2D",
        "GlobalAveragePooling2D",
        "max_pool_with_argmax",
        "fractional_max_pool",
        "fractional_avg_pool",
        "block_reduce",
    }
)
RECURRENT_NAMES = SCRIPT_NAMES | frozenset(
    {
        "LSTM",
        "LSTMCell",
        "SimpleRNN",
        "SimpleRNNCell",
        "GRU",
        "GRUCell",
        "lstm",
        "gru",
        "StackedRNNCells",
        "LSTMBlockCell",
        "BlockLSTM",
    }
)
RECURRENT_KERNELS = SCRIPT_KERNELS | frozenset(
    {
        "LSTMBlockCell",
        "BlockLSTM",
        "BlockLSTMV2",
        "CudnnRNN",
        "CudnnRNNV2",
        "CudnnRNNV3",
        "GRUBlockCell",
    }
)
CONVOLUTION_KERNELS = (
    SCRIPT_KERNELS
    | RECEPTIVE_FIELD_KERNELS
    | frozenset(
        {
            "Conv2D",
            "Conv3D",
            "Conv",
            "DepthwiseConv2dNative",
            "Conv2DBackpropInput",
            "Conv2DBackpropInputV2",
            # A convolution in disguise: the filter gradient with batch and channels
            # swapped, or the input gradient of the flipped kernel.
            "Conv2DBackpropFilter",
            "Conv2DBackpropFilterV2",
            "Conv3DBackpropInputV2",
            "Conv3DBackpropFilterV2",
            "DepthwiseConv2dNativeBackpropInput",
            "DepthwiseConv2dNativeBackpropFilter",
            "_FusedConv2D",
            "Conv1D",
        }
    )
)
NORMALISATION_KERNELS = SCRIPT_KERNELS | frozenset({"LRN", "LRNGrad"})
POOLING_KERNELS = SCRIPT_KERNELS | frozenset(
    {
        "MaxPool",
        "MaxPoolV2",
        "AvgPool",
        "MaxPool3D",
        "AvgPool3D",
        "MaxPoolWithArgmax",
        "FractionalMaxPool",
        "FractionalAvgPool",
        # Pooling in disguise: a morphological dilation with a flat structuring
        # element is max pooling; the pooling gradients route through the same kernels.
        "Dilation2D",
        "MaxPoolGrad",
        "MaxPoolGradV2",
        "AvgPoolGrad",
    }
)


def banned_in_source(tree, banned_names, own_names=()):
    """Uses of banned names in a parsed module: as attributes (`tf.nn.conv2d`), in
    imports from libraries, or as strings. Returns [(line, text), ...].

    A bare name is allowed unless it was imported, so the student's own class
    `Conv2D` is not mistaken for Keras's.
    """
    imported = set()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            library = (node.module or "").split(".")[0]
            for alias in node.names if library in LIBRARIES else ():
                if alias.name in banned_names:
                    imported.add(alias.asname or alias.name)
                    found.append((node.lineno, f"from {node.module} import {alias.name}"))
        elif isinstance(node, ast.Attribute) and node.attr in banned_names:
            found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value in banned_names and node.value not in own_names:
                found.append((node.lineno, repr(node.value)))
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in imported:
            found.append((node.lineno, node.id))
    return sorted(set(found))


def module_tree(obj):
    """The source that `obj` can run: its module's file without the other classes
    (pooling.py holds two exercises; each is judged on its own code), but with the
    module's functions and its base classes.

    Returns (tree, path); the tree keeps the file's line numbers.
    """
    path = inspect.getsourcefile(obj)
    own = {cls.__name__ for cls in getattr(obj, "__mro__", ())}
    return keep_classes(ast.parse(read_source(path)), own), path


def keep_classes(tree, names):
    """`tree` without the module-level classes not in `names` (line numbers kept)."""
    tree.body = [n for n in tree.body if not isinstance(n, ast.ClassDef) or n.name in names]
    return tree


def concrete_ops(concrete):
    """Every op type of a concrete function's graph, nested functions (a `@tf.function`
    inside the student's code) included."""
    graph_def = concrete.graph.as_graph_def()
    ops = {node.op for node in graph_def.node}
    for function in graph_def.library.function:
        ops.update(node.op for node in function.node_def)
    return sorted(ops)


def banned_ops(ops, banned_kernels):
    """The op types among `ops` that are in `banned_kernels`, sorted."""
    return sorted(set(ops) & set(banned_kernels))
