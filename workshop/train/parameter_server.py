"""Asynchronous SGD on parameter servers, as DistBelief trained LRMD (notes §2.1): the
weights live on parameter-server tasks, workers read them, compute a gradient on their
mini-batch and write an update back without waiting for each other.

`tf.distribute.ParameterServerStrategy` holds the variables on the `ps` tasks and a
`ClusterCoordinator` dispatches each step to whichever worker is free. Keras 3's
`model.fit` does not run under this strategy (keras-team/keras#18624), so the loop is
our own: one scheduled function per mini-batch, indexed, so that every example is
trained on exactly once per epoch whichever worker runs it.

**Staleness.** A version counter on the parameter server counts updates. A step reads
it before it reads the weights and increments it after writing its update (the order is
forced with control dependencies: without them TensorFlow may reorder the reads and the
counter shows 0 staleness). The staleness of an update is how many other updates landed
in between: new version − version read − 1.

A cluster is either in this process (`in_process_cluster`: N workers and M parameter
servers as `tf.distribute.Server`s on 127.0.0.1, for a laptop and the tests) or real,
described by `TF_CONFIG` on every task: each worker and ps machine runs
`python -m workshop.train.parameter_server --serve`, and the chief (the coordinator)
runs the training, e.g. `workshop run cnn --strategy parameter_server`.

    python -m workshop.train.parameter_server --workers 2 --ps 1 --epochs 2
"""

import argparse
import json
import os
import socket
import time

import numpy as np

MAX_STALENESS = 64  # histogram bins; larger staleness counts in the last bin

_SERVERS = []  # in-process servers live as long as the process


def free_ports(count):
    """`count` distinct free ports on 127.0.0.1. The probes stay bound until all are
    chosen: probing one at a time can hand out the same port twice, and gRPC servers
    share a port (SO_REUSEPORT) without an error, each then answering the other's calls."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


def in_process_cluster(tf, workers, ps):
    """A cluster of `workers` workers and `ps` parameter servers in this process, on
    127.0.0.1; returns its cluster resolver (this process is the coordinator)."""
    addresses = [f"127.0.0.1:{port}" for port in free_ports(workers + ps)]
    spec = tf.train.ClusterSpec({"worker": addresses[:workers], "ps": addresses[workers:]})
    # Each in-process worker runs a step's ops on the inter-op pool: with fewer threads
    # than workers + 1 the first scheduled function waits for ever.
    config = tf.compat.v1.ConfigProto(inter_op_parallelism_threads=workers + 1)
    for index in range(workers):
        _SERVERS.append(
            tf.distribute.Server(
                spec, job_name="worker", task_index=index, config=config, protocol="grpc"
            )
        )
    for index in range(ps):
        _SERVERS.append(
            tf.distribute.Server(spec, job_name="ps", task_index=index, protocol="grpc")
        )
    return tf.distribute.cluster_resolver.SimpleClusterResolver(spec, rpc_layer="grpc")


def make_strategy(tf, workers=2, ps=1, cluster_resolver=None):
    """ParameterServerStrategy over a real cluster when `cluster_resolver` is given,
    over the cluster TF_CONFIG describes when it names ps tasks (this process is its
    chief, the coordinator), else over an in-process one; and its coordinator."""
    if cluster_resolver is None and _tf_config_cluster().get("ps"):
        cluster_resolver = tf.distribute.cluster_resolver.TFConfigClusterResolver()
    resolver = cluster_resolver or in_process_cluster(tf, workers, ps)
    strategy = tf.distribute.ParameterServerStrategy(resolver)
    # One coordinator per strategy: TensorFlow hands back this one to later callers.
    return strategy, tf.distribute.coordinator.ClusterCoordinator(strategy)


def _tf_config_cluster():
    try:
        return json.loads(os.environ.get("TF_CONFIG", "{}")).get("cluster", {})
    except ValueError:
        return {}


def serve(tf):
    """Run this task's server (a worker or a ps of the cluster in TF_CONFIG) until
    killed: what every machine but the chief runs."""
    resolver = tf.distribute.cluster_resolver.TFConfigClusterResolver()
    if resolver.task_type not in ("worker", "ps"):
        raise SystemExit(
            "--serve runs a worker or ps task: TF_CONFIG's task is " + str(resolver.task_type)
        )
    # As in process: a worker's inter-op pool needs a thread per worker, and one more.
    workers = resolver.cluster_spec().num_tasks("worker")
    config = tf.compat.v1.ConfigProto(inter_op_parallelism_threads=workers + 1)
    server = tf.distribute.Server(
        resolver.cluster_spec(),
        job_name=resolver.task_type,
        task_index=resolver.task_id,
        config=config,
        protocol=resolver.rpc_layer or "grpc",
    )
    server.join()


def sparse_cross_entropy_from_logits(tf, labels, logits):
    return tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits)


class AsyncSGD:
    """Asynchronous SGD of `model` (a Keras model built under `strategy.scope()`) on
    in-memory data, with the bookkeeping the experiments report: each epoch's mean
    loss and accuracy, how often each example was trained on, and the staleness of
    every update.

    The data live on a parameter server as non-trainable variables, and each step
    gathers its mini-batch there, so a worker is sent only the indices of its batch.
    Each step also adds its loss and its count of correct answers to sums on the
    parameter server, which the coordinator reads once an epoch: fetching every step's
    result from its worker costs one remote call per step, and under load such calls
    have failed with "Unable to parse request" from a worker. (A step the coordinator
    runs again after a worker fails is counted twice in these sums, as it already is in
    the version, `seen` and staleness counts.)
    `per_example_loss(tf, labels, outputs)` gives the loss of each example (default:
    cross-entropy from logits; `outputs` may be [main, auxiliary, ...] in training);
    `penalty(weights)`, if given, is added to the mean.
    """

    def __init__(
        self,
        tf,
        strategy,
        coordinator,
        model,
        x,
        y,
        batch_size,
        learning_rate,
        per_example_loss=sparse_cross_entropy_from_logits,
        penalty=None,
    ):
        self.tf, self.coordinator, self.model = tf, coordinator, model
        self.batch_size, self.examples = batch_size, len(x)
        self.per_example_loss, self.penalty = per_example_loss, penalty
        with strategy.scope():
            self.version = tf.Variable(0, dtype=tf.int64, name="version")
            self.seen = tf.Variable(tf.zeros((len(x),), tf.int32), name="seen")
            self.staleness = tf.Variable(tf.zeros((MAX_STALENESS,), tf.int32), name="staleness")
            self.loss_sum = tf.Variable(0.0, dtype=tf.float64, name="loss_sum")
            self.correct_sum = tf.Variable(0, dtype=tf.int64, name="correct_sum")
            self.x = tf.Variable(x, trainable=False, name="examples")
            self.y = tf.Variable(y, trainable=False, name="labels")
        from . import levers

        self.learning_rate = learning_rate
        self.loss_scale = levers.STATIC_LOSS_SCALE if levers.needs_loss_scale() else 1.0
        self._step = tf.function(
            self._train_step, input_signature=[tf.TensorSpec([None], tf.int64)]
        )

    def _train_step(self, ids):
        tf = self.tf
        read = self.version.read_value()
        weights = self.model.trainable_weights
        with tf.control_dependencies([read]):  # the version first, then the weights
            with tf.GradientTape() as tape:
                labels = tf.gather(self.y, ids)
                outputs = self.model(tf.gather(self.x, ids), training=True)
                outputs = tf.nest.map_structure(lambda o: tf.cast(o, tf.float32), outputs)
                loss = tf.reduce_mean(self.per_example_loss(tf, labels, outputs))
                if self.penalty is not None:
                    loss += self.penalty(weights)
                scaled = loss * self.loss_scale
        gradients = [g / self.loss_scale for g in tape.gradient(scaled, weights)]
        # Under a fixed loss scale a step that overflowed is skipped, not written.
        finite = tf.reduce_all([tf.reduce_all(tf.math.is_finite(g)) for g in gradients])
        rate = tf.where(finite, self.learning_rate, 0.0)
        updates = [
            w.assign_sub(rate * tf.where(finite, g, 0.0)) for w, g in zip(weights, gradients)
        ]
        with tf.control_dependencies(updates):  # counted once the update is written
            new = self.version.assign_add(1)
        stale = tf.cast(tf.minimum(new - read - 1, MAX_STALENESS - 1), tf.int32)
        self.staleness.assign_add(tf.one_hot(stale, MAX_STALENESS, dtype=tf.int32))
        self.seen.scatter_add(tf.IndexedSlices(tf.ones_like(ids, dtype=tf.int32), ids))
        main = outputs[0] if isinstance(outputs, (list, tuple)) else outputs  # auxiliary after
        predicted = tf.argmax(main, axis=-1, output_type=labels.dtype)
        self.loss_sum.assign_add(tf.cast(loss, tf.float64))
        self.correct_sum.assign_add(tf.reduce_sum(tf.cast(tf.equal(predicted, labels), tf.int64)))

    def epoch(self, seed, drop_remainder=False):
        """One pass over the data, shuffled by `seed`, in mini-batches scheduled on
        whichever worker is free; returns the epoch's mean loss, its accuracy on the
        batches trained and its wall time. With `drop_remainder` the last partial
        batch is left out (as the synchronous loop does)."""
        order = np.random.default_rng(seed).permutation(self.examples)
        cut = self.examples - self.examples % self.batch_size if drop_remainder else self.examples
        batches = [order[i : i + self.batch_size] for i in range(0, cut, self.batch_size)]
        started = time.monotonic()
        self.loss_sum.assign(0.0)
        self.correct_sum.assign(0)
        for ids in batches:
            self.coordinator.schedule(self._step, args=(self.tf.constant(ids, self.tf.int64),))
        self.coordinator.join()
        mean = float(self.loss_sum.numpy()) / max(len(batches), 1)
        accuracy = float(self.correct_sum.numpy()) / max(cut, 1)
        return mean, accuracy, time.monotonic() - started


def _digits():
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    return (x / 16.0).astype(np.float32), y.astype(np.int64)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--ps", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--learning-rate", type=float, default=0.5)
    parser.add_argument(
        "--serve",
        action="store_true",
        help="run the worker or ps task TF_CONFIG names, and wait (on every machine but the chief)",
    )
    args = parser.parse_args(argv)

    from ..quiet import import_tensorflow

    tf = import_tensorflow()
    if args.serve:
        serve(tf)
        return
    import keras

    strategy, coordinator = make_strategy(tf, args.workers, args.ps)
    x, y = _digits()
    with strategy.scope():  # a softmax regression: its weights live on the ps tasks
        model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(10)])
    trainer = AsyncSGD(tf, strategy, coordinator, model, x, y, args.batch_size, args.learning_rate)
    report = {"workers": args.workers, "ps": args.ps, "epochs": []}
    for epoch in range(args.epochs):
        loss, _, seconds = trainer.epoch(seed=epoch)
        seen = trainer.seen.numpy()
        report["epochs"].append(
            {
                "loss": loss,
                "seconds": seconds,
                "seen_min": int(seen.min()),
                "seen_max": int(seen.max()),
            }
        )
    report["updates"] = int(trainer.version.numpy())
    report["staleness"] = trainer.staleness.numpy().tolist()
    report["variables_on"] = sorted({w.value.device for w in model.trainable_weights})
    print(json.dumps(report))


if __name__ == "__main__":
    main()
