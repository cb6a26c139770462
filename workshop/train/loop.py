"""A custom training loop under any `tf.distribute` strategy.

Keras 3's `model.fit` does not run under MultiWorkerMirroredStrategy or
ParameterServerStrategy, so the harness writes the loop itself, as TensorFlow's
distributed-training guide does: build in `strategy.scope()`, run the step with
`strategy.run`, average the loss over the global batch with
`tf.nn.compute_average_loss`, and `strategy.reduce` what is logged.

Each epoch it logs loss and accuracy (progress bar, CSV, TensorBoard), evaluates on
validation and test, and checkpoints; a run that is interrupted resumes from the last
checkpoint. The result reported is the book's: test accuracy at the epoch of best
validation accuracy, with training stopped after `patience` epochs without progress.
"""

import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
import pandas as pd
import tensorflow as tf

from ..data.pipeline import as_arrays, batched
from . import levers
from .meter import Meter
from .strategy import clip_across_replicas, is_chief, is_parameter_server, worker_index

STEPS_PER_CALL = 50
# Augmentation runs eagerly, where each op costs its overhead once per call: one call
# on up to 16 batches (at most 64 MB of images) costs a quarter of 16 calls (KSH's
# 10k 36×36 training images: 0.7 s an epoch against 3.5 to 5 s).
AUGMENT_BATCHES, AUGMENT_BYTES = 16, 64 << 20
OPTIMIZERS = {
    "sgd": keras.optimizers.SGD,
    "momentum": lambda learning_rate: keras.optimizers.SGD(learning_rate, momentum=0.9),
    "adam": keras.optimizers.Adam,
}


@dataclass
class TrainConfig:
    epochs: int = 60
    batch_size: int = 10  # global: split across replicas
    learning_rate: float = 0.1
    optimizer: str = "sgd"  # the book's plain SGD, "momentum" (0.9, as KSH) or "adam"
    global_clipnorm: float = None  # clip the whole gradient's norm (recurrent nets)
    l2: float = 0.0  # λ of the book's C = C0 + λ/(2n) Σ w²
    patience: int = 0  # epochs without a better validation accuracy before stopping; 0: never
    warmup_epochs: int = 0  # the learning rate rises linearly from 0 over these epochs
    auxiliary_weight: float = 0.3  # of an auxiliary classifier's loss (GoogLeNet's 0.3)
    seed: int = 0
    verbose: int = 1  # 0 silent, 1 progress bar, 2 one line per epoch


@keras.saving.register_keras_serializable(package="workshop")
class LinearWarmup(keras.optimizers.schedules.LearningRateSchedule):
    """η·min(1, (step + 1)/steps): a linear rise to η over `steps` steps, then η
    (Goyal et al. 2017). The step is the optimizer's, restored with it on resume."""

    def __init__(self, rate, steps):
        self.rate, self.steps = rate, steps

    def __call__(self, step):
        fraction = (keras.ops.cast(step, "float32") + 1.0) / self.steps
        return self.rate * keras.ops.minimum(1.0, fraction)

    def get_config(self):
        return {"rate": self.rate, "steps": self.steps}


@dataclass
class TrainResult:
    history: pd.DataFrame
    best_epoch: int
    validation_accuracy: float
    test_accuracy: float
    test_predictions: np.ndarray  # argmax on the test set at the best epoch
    test_probabilities: np.ndarray  # the model's outputs there, (N, classes)
    model: keras.Model
    seconds: float
    staleness: np.ndarray = None  # parameter_server: updates per staleness (0, 1, ...)


def _evaluate(predict, dataset):
    """Accuracy, and the model's outputs (N, classes) on every example, in order."""
    outputs, labels = [], []
    for images, batch_labels in dataset:
        outputs.append(predict(images).numpy())
        labels.append(batch_labels.numpy())
    outputs, labels = np.concatenate(outputs), np.concatenate(labels)
    return float(np.mean(np.argmax(outputs, axis=-1) == labels)), outputs


def train(strategy, build_model, splits, train_data, config, out_dir, augment=None):
    """Train `build_model()` on `train_data` (unbatched), validate and test on `splits`.

    `augment(images, seed)`, if given, maps the training images in the input pipeline
    (as KSH's CPU threads did), a chunk of up to AUGMENT_BATCHES batches per call;
    `seed` is a `keras.random.SeedGenerator` that restarts from `config.seed + epoch`
    every epoch, so a resumed epoch gets the same draws. Under parameter_server the
    whole training set is augmented as each epoch starts and written to the servers.

    `out_dir` receives history.csv, tensorboard/ and checkpoints/; a run started again
    with the same `out_dir` continues where it stopped.
    """
    out_dir = Path(out_dir)
    chief = is_chief()
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    keras.utils.set_random_seed(config.seed)
    train_size = sum(1 for _ in train_data)
    asynchronous = is_parameter_server(tf, strategy)
    if asynchronous and (
        config.optimizer != "sgd" or config.global_clipnorm or config.warmup_epochs
    ):
        raise ValueError(
            "--strategy parameter_server trains with plain SGD at a fixed rate, without "
            "clipping: each worker writes its own update to the parameter servers"
        )

    with strategy.scope():
        model = build_model()
        epoch_done = tf.Variable(0, dtype=tf.int64, trainable=False)
        tracked = {"model": model, "epoch": epoch_done}
        if not asynchronous:
            rate = config.learning_rate
            if config.warmup_epochs:
                steps = config.warmup_epochs * (train_size // config.batch_size)
                rate = LinearWarmup(rate, max(steps, 1))
            optimizer = levers.loss_scaled(OPTIMIZERS[config.optimizer](learning_rate=rate))
            optimizer.build(model.trainable_variables)
            tracked["optimizer"] = optimizer
    kernels = [w for w in model.trainable_variables if len(w.shape) >= 2]
    global_batch = config.batch_size

    def l2_penalty(weights):
        return (
            config.l2 / (2 * train_size) * tf.add_n([tf.reduce_sum(tf.square(w)) for w in weights])
        )

    if augment:
        draws = keras.random.SeedGenerator(config.seed)
        augment_eagerly = _eager_batch_map(augment, draws, train_data, global_batch)
        image_bytes = 4 * int(np.prod(train_data.element_spec[0].shape))
        augment_chunk = global_batch * max(
            1, min(AUGMENT_BATCHES, AUGMENT_BYTES // (global_batch * image_bytes))
        )

        def reseed(epoch):  # every epoch's draws start afresh: a resumed epoch repeats them
            draws.state.assign(tf.constant([config.seed + epoch, 0], draws.state.dtype))

        def augmented_epoch(epoch):
            """The whole training set augmented with the epoch's draws, in its stored
            order (the asynchronous trainer shuffles the indices itself)."""
            reseed(epoch)
            chunks = train_data.batch(augment_chunk).map(augment_eagerly)
            return np.concatenate([images.numpy() for images, _ in chunks])

    if asynchronous:
        # The book's λ/(2n) Σ w² is over the kernels, not the biases.
        penalty = (lambda _: l2_penalty(kernels)) if config.l2 and kernels else None
        # With augmentation the servers hold each epoch's crops, written as it starts.
        images = augmented_epoch(1) if augment else None
        trainer = _asynchronous_trainer(strategy, model, train_data, config, penalty, images)
        # Its counters are restored with the weights, so a resumed run counts each
        # update once, however the stop fell between the files.
        tracked.update(staleness=trainer.staleness, seen=trainer.seen, version=trainer.version)

    # Checkpoints: every worker saves (saving may run collectives), only the chief's are kept.
    checkpoint = tf.train.Checkpoint(**tracked)
    checkpoint_dir = out_dir / ("checkpoints" if chief else f"checkpoints-worker-{worker_index()}")
    manager = tf.train.CheckpointManager(checkpoint, str(checkpoint_dir), max_to_keep=2)
    history_path = out_dir / "history.csv"
    best_path = out_dir / "best_test_probabilities.npy"
    rows = []
    if manager.latest_checkpoint:
        checkpoint.restore(manager.latest_checkpoint)
        if history_path.exists():
            rows = pd.read_csv(history_path).to_dict("records")[: int(epoch_done.numpy())]

    def epoch_batches(epoch):
        # The order is a function of the epoch alone, so a resumed run sees the batches
        # the uninterrupted run would have seen (a reshuffling iterator would start over).
        if augment:  # in order (no parallel calls), so the draws follow the chunks
            reseed(epoch)
            chunks = batched(train_data, augment_chunk, shuffle_seed=config.seed + epoch)
            batches = (
                chunks.map(augment_eagerly)
                .unbatch()
                .batch(global_batch, drop_remainder=True)
                .prefetch(tf.data.AUTOTUNE)
            )
        else:
            batches = batched(
                train_data, global_batch, shuffle_seed=config.seed + epoch, drop_remainder=True
            )
        return strategy.experimental_distribute_dataset(batches)

    validation = batched(splits.validation, 256)
    test = batched(splits.test, 256)

    def replica_loss(images, labels):
        outputs = model(images, training=True)
        outputs = tf.nest.map_structure(lambda output: levers.as_float32(tf, output), outputs)
        per_example, probabilities = cross_entropy(labels, outputs, config.auxiliary_weight)
        loss = tf.nn.compute_average_loss(per_example, global_batch_size=global_batch)
        if config.l2 and kernels:
            loss += tf.nn.scale_regularization_loss(l2_penalty(kernels))
        correct = tf.reduce_sum(tf.cast(tf.equal(tf.argmax(probabilities, -1), labels), tf.float32))
        return loss, correct

    if not asynchronous:  # forward and backward, compiled by XLA under --jit-compile
        gradients_of = levers.gradient_function(
            tf, replica_loss, model.trainable_variables, optimizer
        )

    def step(images, labels):
        loss, gradients, correct = gradients_of(images, labels)
        clipnorm = levers.clipnorm_for(optimizer, config.global_clipnorm)
        gradients = clip_across_replicas(tf, gradients, clipnorm)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss, correct

    @tf.function
    def train_steps(iterator, count):
        """`count` steps in one call: Python's per-step overhead dominates small batches."""
        total_loss = total_correct = tf.constant(0.0)
        for _ in tf.range(count):
            loss, correct = strategy.run(step, args=next(iterator))
            total_loss += strategy.reduce(tf.distribute.ReduceOp.SUM, loss, axis=None)
            total_correct += strategy.reduce(tf.distribute.ReduceOp.SUM, correct, axis=None)
        return total_loss, total_correct

    @tf.function
    def predict(images):
        return levers.as_float32(tf, model(images, training=False))

    writer = tf.summary.create_file_writer(str(out_dir / "tensorboard")) if chief else None
    verbose = config.verbose if chief else 0
    if verbose == 1 and not sys.stdout.isatty():
        verbose = 2
    steps = train_size // global_batch
    meter = Meter("asynchronous SGD" if asynchronous else "epoch loop")

    def synchronous_epoch(epoch):
        bar = keras.utils.Progbar(steps, verbose=verbose if verbose == 1 else 0)
        total_loss = total_correct = 0.0
        iterator = iter(epoch_batches(epoch))
        done = 0
        while done < steps:
            count = min(STEPS_PER_CALL, steps - done)
            called = time.perf_counter()
            loss, correct = train_steps(iterator, tf.constant(count))
            total_loss += float(loss)
            meter.add(count * global_batch, time.perf_counter() - called, float(loss) / count)
            total_correct += float(correct)
            done += count
            bar.update(
                done,
                [("loss", total_loss / done), ("accuracy", total_correct / (done * global_batch))],
                finalize=False,
            )
        return total_loss / max(steps, 1), total_correct / max(steps * global_batch, 1)

    if asynchronous:

        def run_epoch(epoch):
            # The servers hold this epoch's augmented images; epoch 1's were written
            # when the trainer was made.
            if augment and epoch > 1:
                trainer.x.assign(augmented_epoch(epoch))
            loss, accuracy, seconds = trainer.epoch(seed=config.seed + epoch, drop_remainder=True)
            meter.add(steps * global_batch, seconds, loss)
            return loss, accuracy
    else:
        run_epoch = synchronous_epoch

    best = max(rows, key=lambda r: (r["val_accuracy"], -r["epoch"])) if rows else None
    for epoch in range(int(epoch_done.numpy()) + 1, config.epochs + 1):
        epoch_started = time.perf_counter()
        train_loss, train_accuracy = run_epoch(epoch)
        seconds = (
            time.perf_counter() - epoch_started + (rows[-1].get("seconds", 0.0) if rows else 0.0)
        )
        validation_accuracy, _ = _evaluate(predict, validation)
        test_accuracy, test_outputs = _evaluate(predict, test)
        row = {
            "epoch": epoch,
            "loss": train_loss,
            "accuracy": train_accuracy,
            "val_accuracy": validation_accuracy,
            "test_accuracy": test_accuracy,
            "seconds": seconds,  # training time so far, evaluation left out
            "examples": epoch * steps * global_batch,
        }
        rows.append(row)
        if verbose:
            print(
                f"epoch {epoch}/{config.epochs}: loss {row['loss']:.4f}, "
                f"accuracy {row['accuracy']:.4f}, "
                f"validation {validation_accuracy:.4f}, test {test_accuracy:.4f}",
                flush=True,
            )
        if best is None or validation_accuracy > best["val_accuracy"]:
            best = row
            if chief:
                np.save(best_path, test_outputs.astype(np.float32))
        if writer is not None:
            with writer.as_default():
                for name in ("loss", "accuracy", "val_accuracy", "test_accuracy"):
                    tf.summary.scalar(name, row[name], step=epoch)
            writer.flush()
        # The history first: on resume it is cut back to the checkpoint's epoch, so an
        # interruption between the two writes loses nothing.
        if chief:
            if asynchronous:
                seen = trainer.seen.numpy()
                counts = {
                    "updates": trainer.staleness.numpy().tolist(),  # by staleness 0, 1, ...
                    "trained_per_example": {"min": int(seen.min()), "max": int(seen.max())},
                    "examples_trained": int(seen.sum()),
                }
                (out_dir / "staleness.json").write_text(json.dumps(counts))
            pd.DataFrame(rows).to_csv(history_path, index=False)
        epoch_done.assign(epoch)
        manager.save(checkpoint_number=epoch)
        if config.patience and epoch - best["epoch"] >= config.patience:
            break

    if best is None:
        raise ValueError("no epoch was trained: raise --epochs")
    if best_path.exists():
        best_outputs = np.load(best_path)
    else:  # not the chief, or resumed after the last improvement with no file kept
        best_outputs = _evaluate(predict, test)[1]
    return TrainResult(
        history=pd.DataFrame(rows),
        best_epoch=int(best["epoch"]),
        validation_accuracy=float(best["val_accuracy"]),
        test_accuracy=float(best["test_accuracy"]),
        test_predictions=np.argmax(best_outputs, axis=-1),
        test_probabilities=best_outputs,
        model=model,
        seconds=time.perf_counter() - started,
        staleness=trainer.staleness.numpy() if asynchronous else None,
    )


def _eager_batch_map(augment, draws, train_data, global_batch):
    """(images, labels) -> (augment(images, draws), labels), run eagerly inside the
    pipeline (`tf.py_function`): a student's augment written with NumPy works here as
    it does in `workshop check`. Its output shape is learnt from one call on zeros."""
    image_shape = tuple(train_data.element_spec[0].shape)
    probe = augment(
        np.zeros((global_batch,) + image_shape, np.float32), keras.random.SeedGenerator(0)
    )
    shape = (None,) + tuple(np.shape(probe))[1:]  # chunks of batches, the last one short

    def run(images):
        return tf.convert_to_tensor(np.asarray(augment(images, draws), np.float32))

    def mapped(images, labels):
        augmented = tf.py_function(run, [images], tf.float32)
        augmented.set_shape(shape)
        return augmented, labels

    return mapped


def _asynchronous_trainer(strategy, model, train_data, config, penalty, images=None):
    """Asynchronous SGD (parameter_server.py) on `train_data`, held in memory on the
    parameter servers; `images`, if given, in place of its images (augmented)."""
    from .parameter_server import AsyncSGD

    stored, labels = as_arrays(train_data)
    images = stored if images is None else images
    coordinator = tf.distribute.coordinator.ClusterCoordinator(strategy)

    def per_example_loss(tf, labels, outputs):
        return cross_entropy(labels, outputs, config.auxiliary_weight)[0]

    return AsyncSGD(
        tf,
        strategy,
        coordinator,
        model,
        images,
        labels,
        config.batch_size,
        config.learning_rate,
        per_example_loss=per_example_loss,
        penalty=penalty,
    )


def cross_entropy(labels, outputs, auxiliary_weight):
    """(each example's loss, the main probabilities). `outputs` are a model's
    probabilities, or in training [main, auxiliary, ...] from a net with auxiliary
    classifiers (GoogLeNet's, Szegedy et al. 2015 §5), whose cross-entropies are added
    discounted by `auxiliary_weight`."""
    main, *auxiliary = outputs if isinstance(outputs, (list, tuple)) else (outputs,)
    loss = keras.losses.sparse_categorical_crossentropy(labels, main)
    for extra in auxiliary:
        loss += auxiliary_weight * keras.losses.sparse_categorical_crossentropy(labels, extra)
    return loss, main


def final_weights_digest(model):
    """A short fingerprint of all weights, to compare workers (test of multiworker)."""
    return float(sum(np.sum(np.asarray(w, dtype=np.float64) ** 2) for w in model.get_weights()))
