"""What an RBM learns and what it buys (notes §3.3): exact likelihood under CD-1, CD-10
and persistent CD beside scikit-learn's BernoulliRBM; RBM features for a linear
classifier; annealed importance sampling against the exact log Z (partition.py), and
the feature RBM's test likelihood by AIS; a deep belief network pre-trained, then
fine-tuned, against the same network from random weights; the DBN with label units
fine-tuned by up-down (generative.py); pictures of the filters and of samples from the
model.
"""

import time
from dataclasses import asdict

import numpy as np
import pandas as pd

from ...train.rbm_training import RBMConfig, fit_rbm, new_rbm
from ..folders import fresh_dir
from .generative import runs as generative_runs
from .likelihood import average_log_likelihood
from .setup import Setup  # noqa: F401  (the experiment's settings)

METHODS = {  # label -> (k, persistent)
    "CD-1": (1, False),
    "CD-10": (10, False),
    "PCD-1": (1, True),
}


def _weights(rbm):
    return (np.asarray(rbm.kernel), np.asarray(rbm.visible_bias), np.asarray(rbm.hidden_bias))


def likelihood_runs(rbm_class, data, setup, seed, log):
    """Exact test log-likelihood per epoch for each method, and scikit-learn's."""
    x, test = data.x["train"], data.x["test"]
    curves, rows = {}, []
    for label, (k, persistent) in METHODS.items():
        config = RBMConfig(
            setup.ll_epochs, setup.batch_size, setup.learning_rate, k, persistent, seed
        )
        rbm = new_rbm(rbm_class, setup.ll_hidden, x.shape[1], seed)
        curve = [average_log_likelihood(*_weights(rbm), test)]

        def measure(epoch, seconds, rbm=rbm, curve=curve):
            curve.append(average_log_likelihood(*_weights(rbm), test))

        seconds = fit_rbm(rbm, x, config, after_epoch=measure)
        curves[label] = curve
        rows.append(_likelihood_row(label, curve, seconds))
        log(f"   {label}: test log-likelihood {curve[-1]:.2f} nats after {len(seconds)} epochs")
    curve, seconds = _sklearn_curve(x, test, setup, seed)
    curves["scikit-learn BernoulliRBM (PCD-1)"] = curve
    rows.append(_likelihood_row("scikit-learn BernoulliRBM (PCD-1)", curve, seconds))
    log(f"   scikit-learn: test log-likelihood {curve[-1]:.2f} nats")
    return pd.DataFrame(rows), curves


def _likelihood_row(label, curve, seconds):
    timed = seconds[1:] or seconds  # the first epoch also traces the tf.function
    return {
        "method": label,
        "test log-likelihood (nats)": round(curve[-1], 2),
        "best": round(max(curve[1:]), 2),
        "seconds per epoch": round(float(np.median(timed)), 4),
    }


def _sklearn_curve(x, test, setup, seed):
    """scikit-learn's BernoulliRBM (persistent CD, one Gibbs step), the same hidden units,
    learning rate, mini-batches and epochs; `partial_fit` one mini-batch at a time, so
    the likelihood can be measured after each epoch. Time per epoch from its own `fit`."""
    from sklearn.neural_network import BernoulliRBM

    model = BernoulliRBM(
        n_components=setup.ll_hidden,
        learning_rate=setup.learning_rate,
        batch_size=setup.batch_size,
        random_state=seed,
    )
    order = np.random.default_rng(seed)
    curve = []
    for _ in range(setup.ll_epochs):
        permutation = order.permutation(len(x))
        for start in range(0, len(x) - setup.batch_size + 1, setup.batch_size):
            model.partial_fit(x[permutation[start : start + setup.batch_size]])
        curve.append(
            average_log_likelihood(
                model.components_.T, model.intercept_visible_, model.intercept_hidden_, test
            )
        )
    # scikit-learn starts at random weights too: its epoch-0 point is ours.
    timed = BernoulliRBM(
        n_components=setup.ll_hidden,
        learning_rate=setup.learning_rate,
        batch_size=setup.batch_size,
        n_iter=setup.ll_epochs,
        random_state=seed,
    )
    started = time.perf_counter()
    timed.fit(x)
    per_epoch = (time.perf_counter() - started) / setup.ll_epochs
    return [np.nan] + curve, [per_epoch]


def speed_runs(rbm_class, data, setup, seed, log):
    """Time per epoch of PCD-1 against scikit-learn's BernoulliRBM (PCD-1 as well) with
    the same hidden units, mini-batches and learning rate, in alternating rounds (one
    epoch of ours, then one of theirs) so that load on the machine hits both alike."""
    from sklearn.neural_network import BernoulliRBM

    x = data.x["train"]
    rows = []
    for hidden in sorted({setup.ll_hidden, setup.feature_hidden}):
        rbm = new_rbm(rbm_class, hidden, x.shape[1], seed)
        theirs = []

        def one_of_theirs(epoch, seconds, hidden=hidden, theirs=theirs):
            model = BernoulliRBM(
                n_components=hidden,
                learning_rate=setup.learning_rate,
                batch_size=setup.batch_size,
                n_iter=1,
                random_state=seed,
            )
            started = time.perf_counter()
            model.fit(x)  # one epoch (its set-up, a 64×hidden random draw, is negligible)
            theirs.append(time.perf_counter() - started)

        config = RBMConfig(
            setup.speed_rounds + 1, setup.batch_size, setup.learning_rate, 1, True, seed
        )
        ours = fit_rbm(rbm, x, config, after_epoch=one_of_theirs)[1:]  # the first traces
        ours_ms, theirs_ms = 1e3 * np.median(ours), 1e3 * np.median(theirs[1:])
        rows.append(
            {
                "hidden units": hidden,
                "ours ms per epoch": round(ours_ms, 2),
                "scikit-learn ms per epoch": round(theirs_ms, 2),
                "ratio ours / scikit-learn": round(ours_ms / theirs_ms, 2),
            }
        )
        log(
            f"   {hidden} hidden units: ours {ours_ms:.1f} ms per epoch, scikit-learn "
            f"{theirs_ms:.1f} ms, ratio {ours_ms / theirs_ms:.2f}"
        )
    return pd.DataFrame(rows)


def feature_runs(rbm_class, data, setup, seed, log):
    """Logistic regression on raw pixels against the same on an RBM's p(h|v); the
    regularisation C picked on the validation split for each."""
    from sklearn.linear_model import LogisticRegression

    rbm = new_rbm(rbm_class, setup.feature_hidden, data.x["train"].shape[1], seed)
    config = RBMConfig(setup.feature_epochs, setup.batch_size, setup.learning_rate, 1, True, seed)
    fit_rbm(rbm, data.x["train"], config)

    def features(split):
        return np.asarray(rbm.hidden_probs(data.x[split]))

    rows = []
    for label, transform in (("raw pixels", lambda s: data.x[s]), ("RBM features", features)):
        best = None
        for c in (0.01, 0.1, 1.0, 10.0, 100.0, 1000.0):
            model = LogisticRegression(C=c, max_iter=2000)
            model.fit(transform("train"), data.y["train"])
            score = model.score(transform("validation"), data.y["validation"])
            if best is None or score > best[0]:
                best = (score, c, model)
        score, c, model = best
        test = model.score(transform("test"), data.y["test"])
        rows.append(
            {
                "input": label,
                "C (by validation)": c,
                "validation accuracy %": round(100 * score, 2),
                "test accuracy %": round(100 * test, 2),
            }
        )
        log(f"   logistic regression on {label}: test accuracy {100 * test:.2f}%")
    return pd.DataFrame(rows), rbm


def ais_runs(ais_module, rbm_class, data, setup, seed, log, feature_rbm):
    """AIS's log Z against the exact one on PCD-1 RBMs of `setup.ais_hidden` units
    (trained as the likelihood table's PCD-1), and AIS alone on the feature RBM."""
    from .partition import table

    rbms = {}
    for hidden in setup.ais_hidden:
        rbm = new_rbm(rbm_class, hidden, data.x["train"].shape[1], seed)
        fit_rbm(
            rbm,
            data.x["train"],
            RBMConfig(setup.ll_epochs, setup.batch_size, setup.learning_rate, 1, True, seed),
        )
        rbms[f"{hidden} hidden, PCD-1"] = (hidden, _weights(rbm))
    rbms[f"{feature_rbm.n_hidden} hidden, features"] = (feature_rbm.n_hidden, _weights(feature_rbm))
    return table(ais_module, rbms, data, setup, seed, log)


def method_runs(ais_module, rbm_class, data, setup, seed, log):
    """Each method of the likelihood table (CD-1, CD-10, PCD-1) trained at each size of
    `setup.compare_hidden`, its test log-likelihood by AIS at the largest K: the
    comparison Salakhutdinov & Murray 2008 made, on RBMs too large to sum exactly."""
    from .partition import estimates, test_log_likelihood

    base_bias = ais_module.base_rate_bias(data.x["train"])
    steps, rows = setup.ais_steps[-1], []
    for hidden in setup.compare_hidden:
        for label, (k, persistent) in METHODS.items():
            rbm = new_rbm(rbm_class, hidden, data.x["train"].shape[1], seed)
            config = RBMConfig(
                setup.ll_epochs, setup.batch_size, setup.learning_rate, k, persistent, seed
            )
            seconds = sum(fit_rbm(rbm, data.x["train"], config))
            found, per_estimate = estimates(
                ais_module, _weights(rbm), base_bias, steps, setup.ais_runs,
                setup.compare_repeats, seed,
            )  # fmt: skip
            log_z = float(np.mean(found))
            rows.append(
                {
                    "hidden units": hidden,
                    "method": label,
                    "AIS log Z": log_z,
                    "s.d. over repeats": float(np.std(found, ddof=1)) if len(found) > 1 else None,
                    "test LL by AIS": test_log_likelihood(_weights(rbm), data.x["test"], log_z),
                    "training s": seconds,
                    "AIS s per estimate": per_estimate,
                }
            )
            found_ll = rows[-1]["test LL by AIS"]
            log(f"   {hidden} hidden, {label}: test log-likelihood by AIS {found_ll:.2f}")
    return pd.DataFrame(rows)


def dbn_runs(strategy, dbn_module, data, setup, seed, out_dir, log):
    """Pre-trained then fine-tuned DBN against the same network from random weights,
    with all training labels and with a stratified 10% of them."""
    import keras

    from ...data.binary_images import labelled_splits
    from ...train.loop import TrainConfig, train

    x = data.x["train"]
    pretrain_config = RBMConfig(
        setup.dbn_pretrain_epochs, setup.batch_size, setup.learning_rate, 1, True, seed
    )
    log(f"   pre-training {setup.dbn_hidden} greedily on {len(x)} unlabelled images")
    keras.utils.set_random_seed(seed)  # the RBMs' initial weights
    rbms = dbn_module.greedy_pretrain(
        x, setup.dbn_hidden, lambda rbm, inputs: fit_rbm(rbm, np.asarray(inputs), pretrain_config)
    )
    rows = []
    for share in (1.0, 0.1):
        labelled = _stratified(data.y["train"], share, seed)
        for start in ("pre-trained", "random"):
            config = TrainConfig(
                epochs=setup.dbn_epochs,
                batch_size=setup.dbn_batch_size,
                learning_rate=setup.dbn_learning_rate,
                optimizer="adam",
                seed=seed,
                verbose=0,
            )

            def build(start=start):
                model = dbn_module.build_classifier(rbms, 10)
                if start == "random":  # the same network, its weights drawn afresh
                    model = keras.models.clone_model(model)
                return model

            splits = labelled_splits(data, labelled)
            folder = fresh_dir(
                out_dir / f"{start}-{int(100 * share)}pct",
                {"share": share, "start": start, "config": asdict(config)},
            )
            result = train(strategy, build, splits, splits.train, config, folder)
            rows.append(
                {
                    "start": start,
                    "labels used": f"{int(100 * share)}% ({len(labelled)})",
                    "test accuracy %": round(100 * result.test_accuracy, 2),
                    "best epoch": result.best_epoch,
                }
            )
            log(
                f"   {start} weights, {int(100 * share)}% of the labels: "
                f"test accuracy {100 * result.test_accuracy:.2f}%"
            )
    return pd.DataFrame(rows), rbms


def _stratified(labels, share, seed):
    if share >= 1.0:
        return np.arange(len(labels))
    from sklearn.model_selection import train_test_split

    kept, _ = train_test_split(
        np.arange(len(labels)), train_size=share, stratify=labels, random_state=seed
    )
    return np.sort(kept)


def gibbs_samples(rbm, data, steps, chains, seed):
    """Visible probabilities after a long Gibbs chain from random training images."""
    import keras

    draws = keras.random.SeedGenerator(seed)
    start = np.random.default_rng(seed).choice(len(data.x["train"]), chains, replace=False)
    v = data.x["train"][start]
    for _ in range(steps):
        v = rbm.gibbs_step(v, draws)
    return np.asarray(rbm.visible_probs(rbm.sample_hidden(v, draws)))


def run(strategy, modules, data, out_dir, setup, seed=0, log=print):
    """All four parts; returns {name: table} and writes CSVs and figures into out_dir."""
    from .figures import filter_grid, likelihood_curves, sample_grid

    rbm_class = modules["rbm"].RBM
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = {}
    log(f"== exact likelihood, {setup.ll_hidden} hidden units, {setup.ll_epochs} epochs")
    tables["likelihood"], curves = likelihood_runs(rbm_class, data, setup, seed, log)
    pd.DataFrame({k: pd.Series(v) for k, v in curves.items()}).rename_axis("epoch").to_csv(
        out_dir / "likelihood_curves.csv"
    )
    likelihood_curves(curves, out_dir / "likelihood.png")
    log(f"== speed against scikit-learn, {setup.speed_rounds} alternating epochs")
    tables["speed"] = speed_runs(rbm_class, data, setup, seed, log)
    log(f"== features: an RBM of {setup.feature_hidden} hidden units, then logistic regression")
    tables["features"], feature_rbm = feature_runs(rbm_class, data, setup, seed, log)
    filter_grid(np.asarray(feature_rbm.kernel), data.image_shape, out_dir / "filters.png")
    samples = gibbs_samples(feature_rbm, data, setup.sample_steps, 20, seed)
    sample_grid(samples, data.image_shape, setup.sample_steps, out_dir / "samples.png")
    log(
        f"== AIS against the exact log Z: {setup.ais_runs} runs, {setup.ais_repeats} "
        f"estimates for each K in {setup.ais_steps}"
    )
    tables["ais"] = ais_runs(modules["ais"], rbm_class, data, setup, seed, log, feature_rbm)
    log(
        f"== CD-1, CD-10 and PCD-1 at {', '.join(map(str, setup.compare_hidden))} hidden units, "
        f"compared by AIS (K = {setup.ais_steps[-1]})"
    )
    tables["methods"] = method_runs(modules["ais"], rbm_class, data, setup, seed, log)
    log(f"== deep belief network {setup.dbn_hidden}: pre-trained against random weights")
    tables["dbn"], rbms = dbn_runs(
        strategy, modules["dbn"], data, setup, seed, out_dir / "dbn", log
    )
    log(
        f"== the DBN with {setup.top_hidden} top units over [h_L, labels]: up-down "
        f"({setup.updown_epochs} epochs), free energy, samples of each class"
    )
    tables["updown"] = generative_runs(
        modules["updown"], rbm_class, rbms, data, setup, seed, out_dir, log, tables["dbn"]
    )
    for name, table in tables.items():
        table.to_csv(out_dir / f"{name}.csv", index=False)
    return tables
