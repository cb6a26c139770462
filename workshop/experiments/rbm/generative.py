"""The DBN as a generative model with label units (notes §3.3.2; Hinton, Osindero & Teh
2006): a top RBM over [h_L, one-hot label] on the greedily pre-trained stack, up-down
fine-tuning with Exercise 3.8's step, samples of each class (Gibbs at the top with the
label clamped, then one down pass) and classification by the top RBM's free energy
(eq. 3.31), before and after up-down."""

import time

import numpy as np
import pandas as pd

from ...train.rbm_training import RBMConfig, fit_rbm, new_rbm

HINTON_2006_ERROR = 1.25  # % on MNIST's test set: 784-500-500-2000, up-down, free energy


def rbm_triple(rbm):
    """(W, b, c) of a trained Keras RBM, float64."""
    return tuple(
        np.asarray(w, dtype=np.float64) for w in (rbm.kernel, rbm.visible_bias, rbm.hidden_bias)
    )


def pretrained_with_labels(updown, rbm_class, rbms, x, y, classes, setup, seed):
    """The top RBM trained (PCD-1, the student's RBM) on [p(h_L | x), one-hot y], then
    the whole stack untied (the student's `untie`). The label units are logistic during
    this pre-training, as an RBM of Exercise 3.5 has them; up-down treats them as one
    softmax group."""

    features = np.asarray(x, dtype=np.float32)
    for rbm in rbms:
        features = np.asarray(rbm.hidden_probs(features))
    joined = np.hstack([features, np.eye(classes, dtype=np.float32)[y]])
    top = new_rbm(rbm_class, setup.top_hidden, joined.shape[1], seed)
    config = RBMConfig(setup.top_epochs, setup.batch_size, setup.learning_rate, 1, True, seed)
    fit_rbm(top, joined, config)
    return updown.untie([rbm_triple(rbm) for rbm in rbms] + [rbm_triple(top)])


def fine_tune(updown, params, x, y, classes, setup, seed):
    """setup.updown_epochs epochs of the student's up_down_step on shuffled mini-batches."""
    rng = np.random.default_rng(seed)
    x, labels = np.asarray(x, dtype=np.float64), np.eye(classes)[y]
    batch = setup.updown_batch_size
    for _ in range(setup.updown_epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x) - batch + 1, batch):
            rows = order[start : start + batch]
            params = updown.up_down_step(
                params, x[rows], labels[rows], setup.updown_learning_rate, setup.updown_k, rng
            )
    return params


def free_energy_predictions(params, x, classes):
    """argmin_y F([h_L, y]) of the top RBM (eq. 3.31), h_L from a deterministic up pass
    (the recognition weights' probabilities)."""
    h = np.asarray(x, dtype=np.float64)
    for R, r in params["recognition"]:
        h = 0.5 * (1.0 + np.tanh(0.5 * (r + h @ R)))
    W, b, c = (np.asarray(w, dtype=np.float64) for w in params["top"])
    energies = []
    for label in range(classes):
        z = np.hstack([h, np.tile(np.eye(classes)[label], (len(h), 1))])
        energies.append(-(z @ b) - np.logaddexp(0.0, c + z @ W).sum(axis=1))
    return np.argmin(np.stack(energies, axis=1), axis=1)


def class_samples(updown, params, classes, per_class, steps, seed):
    """Visible probabilities of `per_class` samples of each class: `steps` Gibbs steps at
    the top with the label clamped (the student's top conditionals), from random h_L,
    then one down pass (the student's sleep_pass). Rows: class 0's samples first."""
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.eye(classes), per_class, axis=0)
    n_pen = np.shape(params["top"][0])[0] - classes
    pen = (rng.random((len(labels), n_pen)) < 0.5).astype(np.float64)
    for _ in range(steps):
        top_states = updown.sample(updown.top_hidden_probs(params["top"], pen, labels), rng)
        pen_probs, _ = updown.top_visible_probs(params["top"], top_states, classes)
        pen = updown.sample(pen_probs, rng)
    return np.asarray(updown.sleep_pass(params, pen, rng)[0])


def runs(updown, rbm_class, rbms, data, setup, seed, out_dir, log, backprop):
    """The up-down table (test error by free energy before and after, beside the backprop
    classifier of dbn.csv and Hinton et al.'s MNIST figure) and classes.png."""
    from .figures import class_grid

    classes = int(max(data.y["train"].max(), data.y["test"].max())) + 1
    x, y = data.x["train"], data.y["train"]
    params = pretrained_with_labels(updown, rbm_class, rbms, x, y, classes, setup, seed)
    before = params
    started = time.perf_counter()
    after = fine_tune(updown, params, x, y, classes, setup, seed)
    seconds = time.perf_counter() - started
    layers = "-".join(str(n) for n in (x.shape[1], *(r.n_hidden for r in rbms), setup.top_hidden))
    rows = []
    for stage, fitted in (("greedy pre-training only", before), ("after up-down", after)):
        predicted = free_energy_predictions(fitted, data.x["test"], classes)
        error = 100.0 * float(np.mean(predicted != data.y["test"]))
        rows.append(
            {
                "classifier": f"DBN {layers} + {classes} labels, top-level free energy, {stage}",
                "data": data.name,
                "test error %": round(error, 2),
            }
        )
        log(f"   free energy, {stage}: test error {error:.2f}%")
    best = backprop[(backprop["start"] == "pre-trained")].iloc[0]
    rows.append(
        {
            "classifier": "DBN classifier fine-tuned by backprop, pre-trained, "
            f"{best['labels used']} of the labels (dbn.csv)",
            "data": data.name,
            "test error %": round(100.0 - float(best["test accuracy %"]), 2),
        }
    )
    rows.append(
        {
            "classifier": "Hinton, Osindero & Teh 2006: 784-500-500-2000 + 10 labels, up-down, "
            "free energy",
            "data": "MNIST",
            "test error %": HINTON_2006_ERROR,
        }
    )
    log(f"   up-down: {setup.updown_epochs} epochs in {seconds:.1f} s")
    per_class = 2
    images = [
        class_samples(updown, fitted, classes, per_class, setup.class_sample_steps, seed)
        for fitted in (before, after)
    ]
    class_grid(
        images,
        ("greedy pre-training", f"{setup.updown_epochs} epochs of up-down"),
        classes,
        per_class,
        data.image_shape,
        setup.class_sample_steps,
        out_dir / "classes.png",
    )
    return pd.DataFrame(rows)
