"""Train the six-headed network of Goodfellow et al. 2013 on −log P(S | X), read the
test numbers with `decode`, and report whole-number, per-digit and length accuracy,
accuracy per length beside (per-digit accuracy)^L, the coverage curve, and a figure of
test images with what was read."""

import keras
import numpy as np
import pandas as pd
import tensorflow as tf

from ...train import levers
from ...train.custom_loss import fit_arrays
from ..experiment import Outcome
from ..figures import plt
from .setup import PAPER_DIGIT_ACCURACY, PAPER_SEQUENCE_ACCURACY

MAX_DIGITS = 5


def build(input_shape, positions=MAX_DIGITS, blocks=((32,), (64,), (128,)), units=256):
    """A convolutional feature extractor and six softmax heads (as logits): the length
    (0 … N and "more than N") and one per digit position (Goodfellow et al. 2013, Fig. 8,
    much smaller). `blocks`: the filters of each block's 3×3 convolutions, each block
    ending in 2×2 max pooling; `units`: the hidden layer's."""
    inputs = keras.Input(input_shape)
    x = inputs
    for block in blocks:
        for filters in block:
            x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(units, activation="relu")(x)
    x = keras.layers.Dropout(0.3)(x)
    length = keras.layers.Dense(positions + 2, name="length")(x)
    digits = keras.layers.Reshape((positions, 10), name="digits")(
        keras.layers.Dense(positions * 10)(x)
    )
    return keras.Model(inputs, [length, digits], name="house_numbers")


def train(strategy, likelihood, train_data, setup, seed, log=print, evaluate=None):
    """The trained model, its history (−log P(S|X) per epoch, and `evaluate(model)`'s
    dict after each epoch when given) and whether the step ran as a graph."""
    images, lengths, digits = train_data
    keras.utils.set_random_seed(seed)
    with strategy.scope():
        model = build(images.shape[1:], blocks=setup.blocks, units=setup.units)
        optimizer = levers.loss_scaled(keras.optimizers.Adam(setup.learning_rate))

    def loss_of(batch_images, batch_lengths, batch_digits):
        length_logits, digit_logits = model(batch_images, training=True)
        log_p = likelihood(length_logits, digit_logits, batch_lengths, batch_digits)
        return -tf.reduce_mean(log_p)

    # Epoch 0: the untrained net's −log P(S|X) on the training set, where the curve starts.
    history = [{"epoch": 0, "loss": _mean_loss(model, likelihood, train_data), "seconds": 0.0}]

    def after_epoch(epoch, loss, seconds):
        history.append({"epoch": epoch, "loss": loss, "seconds": seconds})
        line = f"epoch {epoch}/{setup.epochs}: −log P(S|X) {loss:.3f}, {seconds:.0f} s"
        if evaluate is not None:
            measured = evaluate(model)
            history[-1].update(measured)
            line += "".join(f", {name} {value:.2f}" for name, value in measured.items())
        log(line)

    _, graph = fit_arrays(strategy, model, optimizer, loss_of, [images, lengths, digits],
                          setup.epochs, setup.batch_size, seed, after_epoch)  # fmt: skip
    return model, pd.DataFrame(history), graph


def _mean_loss(model, likelihood, data, batch=500):
    """Mean −log P(S|X) of `model` (dropout off) over the numbers of `data`."""
    images, lengths, digits = data
    total = 0.0
    for start in range(0, len(images), batch):
        chosen = slice(start, start + batch)
        length_logits, digit_logits = model(images[chosen], training=False)
        log_p = likelihood(length_logits, digit_logits, lengths[chosen], digits[chosen])
        total -= float(np.sum(np.asarray(log_p, np.float64)))
    return total / len(images)


def read(model, decode, images, batch=500):
    lengths, digits, scores = [], [], []
    for start in range(0, len(images), batch):
        length_logits, digit_logits = model.predict(images[start : start + batch], verbose=0)
        n, d, score = decode(length_logits, digit_logits)
        lengths.append(np.asarray(n))
        digits.append(np.asarray(d))
        scores.append(np.asarray(score, np.float64))
    return np.concatenate(lengths), np.concatenate(digits), np.concatenate(scores)


def scores(true_lengths, true_digits, lengths, digits):
    """Whole-number, per-digit (over the true digits) and length accuracy, %."""
    positions = np.arange(MAX_DIGITS)[None, :] < np.minimum(true_lengths, MAX_DIGITS)[:, None]
    digit_hits = (digits == true_digits) & positions
    whole = (lengths == true_lengths) & np.all((digits == true_digits) | ~positions, axis=1)
    return (
        100 * whole.mean(),
        100 * digit_hits.sum() / positions.sum(),
        100 * (lengths == true_lengths).mean(),
        whole,
    )


def coverage_curve(correct, confidence):
    """Accuracy of the most confident share of the test set, for every share."""
    order = np.argsort(-confidence, kind="stable")
    hits = np.cumsum(correct[order])
    answered = np.arange(1, len(order) + 1)
    return answered / len(order), hits / answered


def run(context):
    args, setup, data = context.args, context.plan, context.data
    out = context.out
    out.mkdir(parents=True, exist_ok=True)
    likelihood, decode = context.loaded["likelihood"], context.loaded["decode"]
    model, history, graph = train(context.strategy, likelihood, data.train, setup, args.seed)
    history.to_csv(out / "history.csv", index=False)
    images, true_lengths, true_digits = data.test
    lengths, digits, confidence = read(model, decode, images)
    whole, per_digit, length_accuracy, correct = scores(true_lengths, true_digits, lengths, digits)
    rows = []
    for length in sorted(set(true_lengths.tolist())):
        chosen = true_lengths == length
        w, d, n, _ = scores(true_lengths[chosen], true_digits[chosen], lengths[chosen],
                            digits[chosen])  # fmt: skip
        rows.append(
            {
                "length": length,
                "test numbers": int(chosen.sum()),
                "share of training set %": round(100 * data.lengths_seen.get(length, 0), 1),
                "whole-number accuracy %": round(w, 2),
                "per-digit accuracy %": round(d, 2),
                "(per-digit)^L %": round(100 * (d / 100) ** min(length, MAX_DIGITS), 2),
                "length accuracy %": round(n, 2),
            }
        )
    by_length = pd.DataFrame(rows)
    by_length.to_csv(out / "by_length.csv", index=False)
    share, accuracy = coverage_curve(correct, confidence)
    pd.DataFrame({"coverage %": 100 * share, "accuracy %": 100 * accuracy}).to_csv(
        out / "coverage.csv", index=False
    )
    target = setup.coverage_accuracy / 100
    reaching = share[accuracy >= target]
    coverage = 100 * reaching.max() if len(reaching) else 0.0
    summary = pd.DataFrame(
        [
            {
                "data": f"{data.name} {data.version}",
                "implementation": args.impl,
                "training numbers": len(data.train[0]),
                "test numbers": len(images),
                "epochs": setup.epochs,
                "training s": round(float(history["seconds"].iloc[-1]), 1),
                "whole-number accuracy %": round(whole, 2),
                "per-digit accuracy %": round(per_digit, 2),
                "length accuracy %": round(length_accuracy, 2),
                f"coverage at {setup.coverage_accuracy:g}% accuracy %": round(coverage, 1),
            },
            {
                "data": "Goodfellow et al. 2013: SVHN (abstract)",
                "whole-number accuracy %": PAPER_SEQUENCE_ACCURACY,
                "per-digit accuracy %": PAPER_DIGIT_ACCURACY,
            },
        ]
    )
    summary.to_csv(out / "summary.csv", index=False)
    _coverage_figure(share, accuracy, setup, out / "coverage.png")
    _examples(images, true_lengths, true_digits, lengths, digits, confidence, setup,
              out / "examples.png")  # fmt: skip
    notes = [
        f"Training lengths (share): {data.lengths_seen}. Adam {setup.learning_rate}, "
        f"batches of {setup.batch_size}, {setup.epochs} epochs, on "
        f"{context.strategy.num_replicas_in_sync} replica(s) ({args.strategy}).",
        "Per-digit accuracy counts every true digit; a number read too short misses the "
        "digits it left out. Coverage: the share of test numbers answered when only those "
        "whose decoded log-probability passes a threshold are, at the threshold where the "
        f"answered ones are {setup.coverage_accuracy:g}% right.",
    ]
    if not graph:
        notes.append("sequence_log_likelihood does not run inside tf.function: trained eagerly")
    if data.name == "svhn_cropped":
        notes.append(
            "svhn_cropped holds single digits: every length is 1, so this measures digit "
            "reading and a trivial length head, not whole-number reading."
        )
    view = summary.T.reset_index().set_axis(["", "ours", "paper"], axis=1)
    return Outcome(
        tables=[view, by_length],
        notes=notes,
        files=["summary.csv", "by_length.csv", "coverage.csv", "history.csv", "coverage.png",
               "examples.png"],
    )  # fmt: skip


def _coverage_figure(share, accuracy, setup, path):
    figure, axis = plt.subplots(figsize=(5.6, 3.6))
    axis.plot(100 * share, 100 * accuracy)
    axis.axhline(setup.coverage_accuracy, color="C3", linestyle="--",
                 label=f"{setup.coverage_accuracy:g}% accuracy")  # fmt: skip
    axis.set_xlabel("coverage: share of test numbers answered (%)")
    axis.set_ylabel("accuracy of those answered (%)")
    axis.set_title("Answering only the confident ones (threshold on log P(S|X))", fontsize=10)
    axis.grid(alpha=0.3)
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def _text(length, digits):
    return "".join(str(d) for d in digits[: min(length, MAX_DIGITS)]) or "(none)"


def _examples(images, true_lengths, true_digits, lengths, digits, confidence, setup, path):
    count = setup.figure_images
    columns = 3
    rows = -(-count // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(9, 1.35 * rows), squeeze=False)
    for k, axis in enumerate(axes.ravel()):
        axis.axis("off")
        if k >= count:
            continue
        axis.imshow(images[k])
        read_as = _text(lengths[k], digits[k])
        truth = _text(true_lengths[k], true_digits[k])
        colour = "green" if read_as == truth else "red"
        axis.set_title(f"read {read_as} (p {np.exp(confidence[k]):.2f}), true {truth}",
                       fontsize=8, color=colour)  # fmt: skip
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
