"""Which `tf.distribute` strategy runs the training loop.

- default: one device, TensorFlow's default strategy.
- mirrored: every GPU of this machine; with no GPU, N logical CPU devices, so the same
  multi-replica code path (gradient all-reduce, per-replica batches) runs on a laptop.
- multiworker: several machines (or processes), each described by `TF_CONFIG`; the
  collectives use NCCL between GPUs and gRPC rings between CPUs (TensorFlow's choice).
- parameter_server: asynchronous SGD, as DistBelief trained LRMD: the weights on `ps`
  tasks, workers updating them without waiting for each other (parameter_server.py);
  an in-process cluster of `workers` + `ps` on 127.0.0.1, or the one in `TF_CONFIG`.
"""

import json
import os

NAMES = ("default", "mirrored", "multiworker", "parameter_server")


def split_cpu(tf, devices):
    """Turn the CPU into `devices` logical devices. Must run before the first op."""
    if devices < 2:
        return
    cpu = tf.config.list_physical_devices("CPU")[0]
    if not tf.config.list_physical_devices("GPU"):
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * devices
        )


def model_devices(tf, count):
    """`count` devices for a model split by hand: GPUs when there are enough, else the
    logical CPU devices `split_cpu` made."""
    gpus = [device.name for device in tf.config.list_logical_devices("GPU")]
    cpus = [device.name for device in tf.config.list_logical_devices("CPU")]
    chosen = gpus if len(gpus) >= count else cpus
    if len(chosen) < count:
        raise ValueError(f"{count} devices wanted, but this machine shows {len(chosen)}")
    return chosen[:count]


def make_strategy(tf, name, devices=2, workers=2, ps=1):
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        gpus = tf.config.list_logical_devices("GPU")
        if gpus:
            return tf.distribute.MirroredStrategy()  # every GPU on this machine
        cpus = [device.name for device in tf.config.list_logical_devices("CPU")]
        return tf.distribute.MirroredStrategy(
            cpus[:devices], cross_device_ops=tf.distribute.ReductionToOneDevice()
        )
    if name == "multiworker":
        if "TF_CONFIG" not in os.environ:
            raise ValueError(
                "--strategy multiworker needs TF_CONFIG describing the cluster and this "
                "worker's task (see docs/experiments/cnn.md, 'Strategies')"
            )
        return tf.distribute.MultiWorkerMirroredStrategy()
    if name == "parameter_server":
        from .parameter_server import make_strategy as parameter_server_strategy

        return parameter_server_strategy(tf, workers, ps)[0]
    raise ValueError(f"unknown strategy '{name}'; choose from {', '.join(NAMES)}")


def worker_index():
    """This worker's index in TF_CONFIG (0, the chief, when there is no cluster)."""
    try:
        task = json.loads(os.environ.get("TF_CONFIG", "{}")).get("task", {})
    except ValueError:
        return 0
    return int(task.get("index", 0))


def is_chief():
    return worker_index() == 0


def clip_across_replicas(tf, gradients, clipnorm):
    """Each replica's share of the summed gradient, clipped to a global norm of `clipnorm`.

    Keras 3's optimizers clip each replica's gradient before summing them across
    replicas, so `global_clipnorm` under MirroredStrategy clips halves, not the whole
    (measured: two replicas drift from one device within 20 steps; see tensorflow#33929
    on where clipping belongs). Call this in the
    replica's step and give the optimizer no clipping: its own sum restores the whole.
    """
    if clipnorm is None or (isinstance(clipnorm, (int, float)) and not clipnorm):
        return gradients  # (a tensor when a loss scale multiplies it: levers.clipnorm_for)
    context = tf.distribute.get_replica_context()
    total = context.all_reduce(tf.distribute.ReduceOp.SUM, gradients)
    clipped, _ = tf.clip_by_global_norm(total, clipnorm)
    return [g / context.num_replicas_in_sync for g in clipped]


def is_parameter_server(tf, strategy):
    return isinstance(strategy, tf.distribute.ParameterServerStrategy)


def cluster_shape(strategy):
    """(workers, parameter servers) of a strategy: (1, 0) without a ps cluster.
    ParameterServerStrategy has no public count; its own is read (test_train checks it)."""
    extended = strategy.extended
    return getattr(extended, "_num_workers", 1), getattr(extended, "_num_ps", 0)


def stamp(strategy):
    """The strategy as a run folder's settings record it, so that a run resumed under
    another strategy (or another cluster shape) starts afresh instead of mixing them."""
    workers, ps = cluster_shape(strategy)
    replicas = strategy.num_replicas_in_sync
    return f"{type(strategy).__name__}(replicas={replicas}, workers={workers}, ps={ps})"
