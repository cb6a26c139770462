"""`workshop run adversarial`: train five models on the digits (a softmax regression, an
MLP and the chapter-6 CNN, and the MLP and CNN trained on Goodfellow et al.'s
adversarial objective), then attack each with FGSM at several ε, attack each with the
examples made against the others (transfer), and draw clean image, perturbation and
adversarial image side by side."""

import keras
import numpy as np
import pandas as pd

from ...data.pipeline import as_arrays
from ...train import levers
from ...train.custom_loss import fit_arrays
from ..experiment import Outcome
from ..figures import plt
from ..harness import module_of
from .setup import PAPER, PAPER_CLEAN

MODELS = ("softmax", "mlp", "cnn", "mlp, adversarially trained", "cnn, adversarially trained")


def build(kind, input_shape, classes):
    """Keras's own layers: the lesson here is the attack, not the layers."""
    layers = [keras.Input(input_shape)]
    if kind == "softmax":
        layers += [keras.layers.Flatten()]
    elif kind == "mlp":
        layers += [
            keras.layers.Flatten(),
            keras.layers.Dense(200, activation="relu"),
            keras.layers.Dense(200, activation="relu"),
        ]
    else:  # the notes' final network, smaller: conv-pool twice, 100 ReLUs, dropout
        layers += [
            keras.layers.Conv2D(20, 5, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(40, 5, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(100, activation="relu"),
            keras.layers.Dropout(0.5),
        ]
    # float32 under a mixed policy too: the probabilities feed the loss (Keras's advice).
    layers.append(keras.layers.Dense(classes, activation="softmax", dtype="float32"))
    return keras.Sequential(layers, name=kind.split(",")[0])


def train(strategy, kind, loss, data, setup, seed):
    """One model trained on `loss(model, x, y)` (a batch mean) for setup.epochs; returns
    the model, seconds, and whether the step ran as a graph."""
    (x, y), shape, classes = data
    keras.utils.set_random_seed(seed)
    with strategy.scope():
        model = build(kind, shape, classes)
        optimizer = levers.loss_scaled(keras.optimizers.Adam(setup.learning_rate))
    # Epoch e shuffles with seed + e − 1, as it always has.
    seconds, graph = fit_arrays(
        strategy, model, optimizer, lambda images, labels: loss(model, images, labels),
        [x, y.astype(np.int64)], setup.epochs, setup.batch_size, shuffle_seed=seed - 1,
    )  # fmt: skip
    return model, seconds, graph


def attack(fgsm, model, images, labels, epsilon, batch=120):
    return np.concatenate(
        [
            np.asarray(
                fgsm(model, images[i : i + batch], labels[i : i + batch], epsilon), np.float32
            )
            for i in range(0, len(images), batch)
        ]
    )


def error_and_confidence(model, images, labels):
    """Error % and the mean confidence % of the predicted class on the errors."""
    probabilities = np.asarray(model.predict(images, batch_size=256, verbose=0), np.float32)
    predicted = probabilities.argmax(axis=1)
    wrong = predicted != labels
    confidence = probabilities.max(axis=1)[wrong].mean() if wrong.any() else np.nan
    return 100 * wrong.mean(), 100 * confidence


def run(context):
    args, setup = context.args, context.plan
    out = context.out
    out.mkdir(parents=True, exist_ok=True)
    fgsm, objective = context.loaded["fgsm"], context.loaded["adversarial_loss"]
    cross_entropy = module_of(fgsm).cross_entropy
    splits = context.data
    x_train, y_train = as_arrays(splits.train)
    x_test, y_test = as_arrays(splits.test)
    data = ((x_train, y_train), tuple(splits.image_shape), splits.num_classes)

    def standard(model, x, y):
        return cross_entropy(model, x, y, training=True)

    def adversarial(model, x, y):
        return objective(model, x, y, setup.train_epsilon, alpha=setup.alpha, training=True)

    models, rows, curves, notes = {}, [], [], []
    for index, kind in enumerate(MODELS):
        trained = "adversarially" in kind
        model, seconds, graph = train(
            context.strategy,
            kind.split(",")[0],
            adversarial if trained else standard,
            data,
            setup,
            args.seed + index,
        )
        if not graph:
            notes.append(f"{kind}: the loss does not run inside tf.function; trained eagerly")
        models[kind] = model
        clean_error, _ = error_and_confidence(model, x_test, y_test)
        row = {"model": kind, "clean error %": round(clean_error, 2)}
        for epsilon in setup.epsilons:
            attacked = attack(fgsm, model, x_test, y_test, epsilon)
            error, confidence = error_and_confidence(model, attacked, y_test)
            row[f"error % at ε={epsilon}"] = round(error, 1)
            row[f"confidence % at ε={epsilon}"] = round(confidence, 1)
            curves.append({"model": kind, "epsilon": epsilon, "error %": error})
        row["training s"] = round(seconds, 1)
        rows.append(row)
        print(f"{kind}: clean error {clean_error:.2f}%, trained in {seconds:.0f} s", flush=True)
    table = pd.DataFrame(rows)
    table.to_csv(out / "attacks.csv", index=False)
    transfer = _transfer(fgsm, models, x_test, y_test, setup.transfer_epsilon)
    transfer.to_csv(out / "transfer.csv")
    paper = _paper_table(table, setup)
    paper.to_csv(out / "paper.csv", index=False)
    _error_curves(pd.DataFrame(curves), out / "error_vs_epsilon.png")
    _grid(fgsm, models["cnn"], x_test, y_test, setup, out / "examples.png")
    shown = table[["model", "clean error %"] + [c for c in table if c.startswith("error %")]]
    notes.insert(
        0,
        f"{len(x_train)} training and {len(x_test)} test images of {args.dataset}; Adam "
        f"{setup.learning_rate}, batches of {setup.batch_size}, {setup.epochs} epochs, on "
        f"{context.strategy.num_replicas_in_sync} replica(s) ({args.strategy}); "
        f"adversarial training at ε = {setup.train_epsilon}, α = {setup.alpha}. Confidence: "
        "the mean probability of the predicted class on the misclassified examples.",
    )
    return Outcome(
        tables=[shown, transfer.rename_axis("examples made against").reset_index(), paper],
        notes=notes,
        files=[
            "attacks.csv",
            "transfer.csv",
            "paper.csv",
            "error_vs_epsilon.png",
            "examples.png",
        ],
    )


def _transfer(fgsm, models, images, labels, epsilon):
    """Error % of each model (columns) on the examples made against each (rows)."""
    table = {}
    for source, source_model in models.items():
        attacked = attack(fgsm, source_model, images, labels, epsilon)
        table[f"made against {source}"] = {
            target: round(error_and_confidence(model, attacked, labels)[0], 1)
            for target, model in models.items()
        }
    return pd.DataFrame(table).T


def _paper_table(table, setup):
    epsilon = 0.25 if 0.25 in setup.epsilons else setup.epsilons[-1]
    ours = table.set_index("model")
    rows = []
    for key, (name, error, confidence) in PAPER.items():
        rows.append(
            {
                "model": f"Goodfellow et al. 2014: {name} (MNIST)",
                "clean error %": PAPER_CLEAN.get(key),
                f"error % at ε={epsilon}": error,
                f"confidence % at ε={epsilon}": confidence,
            }
        )
    for kind in MODELS:
        rows.append(
            {
                "model": f"ours: {kind}",
                "clean error %": ours.loc[kind, "clean error %"],
                f"error % at ε={epsilon}": ours.loc[kind, f"error % at ε={epsilon}"],
                f"confidence % at ε={epsilon}": ours.loc[kind, f"confidence % at ε={epsilon}"],
            }
        )
    return pd.DataFrame(rows)


def _error_curves(curves, path):
    figure, axis = plt.subplots(figsize=(6.4, 4))
    for kind, group in curves.groupby("model", sort=False):
        axis.plot(group["epsilon"], group["error %"], marker="o", label=kind)
    axis.set_xlabel("ε (pixels in [0, 1])")
    axis.set_ylabel("test error under FGSM (%)")
    axis.set_title("Error against the attack's size, white-box FGSM")
    axis.grid(alpha=0.3)
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def _grid(fgsm, model, images, labels, setup, path):
    """Clean image, perturbation and adversarial image, with predictions."""
    count, epsilon = setup.grid_images, setup.transfer_epsilon
    chosen = images[:count]
    attacked = attack(fgsm, model, chosen, labels[:count], epsilon)
    clean_p = np.asarray(model.predict(chosen, verbose=0))
    attacked_p = np.asarray(model.predict(attacked, verbose=0))
    figure, axes = plt.subplots(count, 3, figsize=(5.4, 1.8 * count), squeeze=False)
    for row in range(count):
        panels = (
            (chosen[row], clean_p[row], "clean"),
            (attacked[row] - chosen[row], None, f"perturbation (ε = {epsilon})"),
            (attacked[row], attacked_p[row], "adversarial"),
        )
        for column, (picture, p, what) in enumerate(panels):
            axis = axes[row, column]
            scale = (-epsilon, epsilon) if p is None else (0, 1)
            axis.imshow(picture[:, :, 0], cmap="gray", vmin=scale[0], vmax=scale[1])
            title = what if p is None else f"{what}: {p.argmax()} ({100 * p.max():.0f}%)"
            axis.set_title(title, fontsize=8)
            axis.axis("off")
    figure.suptitle(f"FGSM against the CNN (true labels {labels[:count].tolist()})", fontsize=9)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
