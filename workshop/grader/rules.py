"""The 'write it yourself' rule: no ready-made convolution, pooling, normalisation or
recurrent cell.

Two independent looks. The source, read as Python reads it (source.py), is searched
for the names of the ready-made functions. The traced graph, judged by a process with
no student code (graphs.py), may hold only the ops on the exercise's allow list: the
ops a hand-written answer is made of (arithmetic, comparisons, reductions, shapes,
slicing and indexing, matrix products, loops), and for some exercises the ready-made
ops that are not the lesson (a convolution to blur in local contrast normalisation,
Keras's own layers in the inception module). Anything else, a kernel renamed or one
nobody thought to ban, is refused by being absent. The kernels listed below as
ready-made only name the mistake in the message; they decide nothing.
"""

import ast
import inspect

from .source import read_source

# Python run inside the graph: any op could hide behind it, out of the op list's sight.
SCRIPT_NAMES = frozenset({"py_function", "numpy_function", "py_func", "eager_py_func"})
SCRIPT_KERNELS = frozenset({"EagerPyFunc", "PyFunc", "PyFuncStateless"})
# Gathering every receptive field at once is what the convolution exercise teaches.
RECEPTIVE_FIELD_NAMES = frozenset(
    # tf.signal.frame gathers every window along an axis: twice, every receptive field.
    {"extract_patches", "extract_image_patches", "extract_volume_patches", "frame"}
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


def dotted(node, parts=4):
    """`tf.signal.frame` for an attribute chain, its last `parts` names at most: never
    the whole of a chain a million deep (quoting each would cost its square)."""
    names = []
    while isinstance(node, ast.Attribute) and len(names) < parts:
        names.append(node.attr)
        node = node.value
    head = node.id if isinstance(node, ast.Name) else "..."
    return ".".join([head, *reversed(names)])


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
            found.append((node.lineno, dotted(node)))
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


# --- the allow lists of the traced graph ----------------------------------------------------

# What keras.ops (and tf.math) give for arithmetic, comparisons and logic, element by
# element (traced from every keras.ops function, 2026-12; see tests/test_rules.py).
ELEMENTWISE_OPS = frozenset(
    """Abs Acos Acosh Add AddN AddV2 Asin Asinh Atan Atan2 Atanh BiasAdd Ceil ClipByValue
    Cos Cosh Div DivNoNan Elu Equal Erf Erfc Erfinv Exp Expm1 Floor FloorDiv FloorMod
    Greater GreaterEqual Inv IsFinite IsInf IsNan LeakyRelu Less LessEqual Log Log1p
    LogicalAnd LogicalNot LogicalOr LogSoftmax Maximum Minimum Mod Mul MulNoNan Neg
    NextAfter NotEqual Pow RealDiv Reciprocal Relu Relu6 Rint Round Rsqrt Select SelectV2
    Selu Sigmoid Sign Sin Sinh Softmax Softplus Softsign Sqrt Square SquaredDifference Sub
    Tan Tanh TruncateDiv Xdivy Xlog1py Xlogy""".split()
)
# Sums, means, extremes, running sums and sorting, over any axes.
REDUCTION_OPS = frozenset(
    """All Any ArgMax ArgMin Cumprod Cumsum Max Mean Min Prod Sum TopKV2
    UnsortedSegmentMax UnsortedSegmentMin UnsortedSegmentSum SegmentSum""".split()
)
# Shapes, slices, gathers and the like: moving numbers, not computing them.
SHAPE_OPS = frozenset(
    """BroadcastArgs BroadcastGradientArgs BroadcastTo Cast ConcatV2 Const EnsureShape
    ExpandDims Fill GatherNd GatherV2 Identity IdentityN MatrixBandPart MatrixDiagPartV3
    MatrixDiagV3 MatrixSetDiagV3 MirrorPad NoOp OneHot OnesLike Pack Pad PadV2
    Placeholder PreventGradient Range Rank Reshape ReverseV2 Roll ScatterNd Shape ShapeN
    Size Slice Snapshot Split SplitV Squeeze StopGradient StridedSlice TensorScatterAdd
    TensorScatterUpdate Tile Transpose Unpack Where ZerosLike""".split()
)
LINEAR_ALGEBRA_OPS = frozenset({"BatchMatMulV2", "BatchMatMulV3", "Einsum", "MatMul"})
# Loops and branches in graph form (a recurrent layer's time loop), the calls of a
# nested tf.function, and tf.print and tf.debugging's checks.
CONTROL_OPS = frozenset(
    """If PartitionedCall StatefulPartitionedCall StatelessIf StatelessWhile While
    TensorListElementShape TensorListFromTensor TensorListGetItem TensorListLength
    TensorListPopBack TensorListPushBack TensorListReserve TensorListSetItem
    TensorListStack Assert CheckNumerics PrintV2 StringFormat""".split()
)
HAND_WRITTEN_OPS = ELEMENTWISE_OPS | REDUCTION_OPS | SHAPE_OPS | LINEAR_ALGEBRA_OPS | CONTROL_OPS
# Ready-made ops an exercise may use where they are not its lesson.
CONVOLUTION_OPS = frozenset({"Conv2D", "DepthwiseConv2dNative", "Conv3D"})
POOLING_OPS = frozenset({"MaxPool", "AvgPool", "MaxPoolV2"})

# Only to name the mistake in a message: the allow list alone decides.
READY_MADE_KERNELS = (
    CONVOLUTION_KERNELS | POOLING_KERNELS | NORMALISATION_KERNELS | RECURRENT_KERNELS
)
# What the judge will run at all, to compare a graph's output with the eager one even
# where the rule refuses it: the allowed ops and the ready-made math kernels, each a
# pure function of its inputs. Never Python, files, variables, randomness or devices.
RUNNABLE_OPS = (
    HAND_WRITTEN_OPS
    | CONVOLUTION_OPS
    | POOLING_OPS
    | (READY_MADE_KERNELS - SCRIPT_KERNELS - RECURRENT_KERNELS)
)


def banned_names_of(options):
    """The names a layer's source may not use: its ready-made functions, and the kernels
    its graph may not hold as tf.raw_ops spells them (tf.raw_ops.MaxPool is max pooling
    by another name). None for a layer without the rule."""
    if not options.banned_names:
        return frozenset()
    return frozenset(options.banned_names) | (READY_MADE_KERNELS - options.allowed_ops)


def refused_message(refused, exercise_name):
    """Why a graph holding the ops `refused` (not on its allow list) fails the rule."""
    named = sorted(set(refused) & READY_MADE_KERNELS)
    if named:
        return (
            f"the traced graph runs the ready-made kernel(s) {', '.join(named)}: "
            "write the operation yourself from slices, sums and products"
        )
    return (
        f"the traced graph of {exercise_name} runs op(s) {', '.join(sorted(refused))}, which "
        "this exercise does not allow: a hand-written answer needs only arithmetic, "
        "reductions, shapes, slicing and matrix products (keras.ops gives them all)"
    )
