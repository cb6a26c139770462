"""Timing shared by the benchmarks: each pass traced in tf.function, rounds alternating
between ours and the reference so that load on this machine hits both alike."""

import statistics
import time

import keras
import tensorflow as tf


def timed(function, inputs, weights, repeats_per_round):
    forward = tf.function(lambda x: function(x))

    @tf.function
    def forward_backward(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(function(x))
        return tape.gradient(loss, [x] + weights)

    @tf.function
    def weights_only(x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(function(x))
        return tape.gradient(loss, weights)

    forward(inputs), forward_backward(inputs)  # trace and warm up

    def run(fn):
        start = time.perf_counter()
        for _ in range(repeats_per_round):
            result = fn(inputs)
        tf.nest.map_structure(lambda t: t.numpy(), result)
        return (time.perf_counter() - start) / repeats_per_round

    passes = {"forward": lambda: run(forward), "forward+backward": lambda: run(forward_backward)}
    if weights:  # a first layer: the input is data, so no gradient w.r.t. it is needed
        weights_only(inputs)
        passes["fwd+bwd, weights"] = lambda: run(weights_only)
    return passes


def print_table(pairs, rounds, repeats):
    """`pairs` of (name, reference name, our passes, reference passes): medians, ratio.

    The ratio is the median over rounds of ours ÷ the reference in the same round, and
    `ratio IQR` the middle half of those per-round ratios: a burst of load on this
    shared machine lands in one round and moves both sides of its ratio alike.
    """
    print(
        f"TensorFlow {tf.__version__}, Keras {keras.__version__}, devices: "
        f"{[d.device_type for d in tf.config.list_logical_devices()]}, "
        f"{rounds} rounds x {repeats} calls, medians"
    )
    header = f"{'ours':<32} {'pass':<17} {'ours ms':>8} {'ref ms':>8}"
    print(f"{header} {'ratio':>6} {'ratio IQR':>11}  reference")
    for name, reference_name, ours, reference in pairs:
        for kind in ours:
            mine, theirs = [], []
            for _ in range(rounds):
                mine.append(ours[kind]())
                theirs.append(reference[kind]())
            ratios = [a / b for a, b in zip(mine, theirs)]
            low, _, high = statistics.quantiles(ratios, n=4)
            a, b = statistics.median(mine), statistics.median(theirs)
            row = f"{name:<32} {kind:<17} {a * 1e3:8.2f} {b * 1e3:8.2f}"
            row += f" {statistics.median(ratios):6.2f} {low:5.2f}–{high:<5.2f}"
            print(f"{row}  {reference_name}")
