"""`workshop run rbm`: RBMs by contrastive divergence (likelihood, speed, features),
annealed importance sampling against the exact log Z, and a deep belief network
(training.py; settings in setup.py, exact likelihood in likelihood.py, AIS in
partition.py)."""

from ..experiment import Experiment, Outcome


class RbmExperiment(Experiment):
    name = "rbm"
    help = (
        "RBMs by contrastive divergence, RBM features, AIS's log Z, a deep belief network, up-down"
    )
    # RBM training runs on one device; a strategy only spreads the DBN's fine-tuning.
    strategies = ("default", "mirrored")
    dataset_help = "binarised images (default digits at 8×8; mnist needs a download)"
    needs = {
        "rbm": ("rbm", "RBM"),
        "dbn": ("dbn", "greedy_pretrain"),
        "ais": ("ais", "ais_log_partition"),
        "updown": ("updown", "up_down_step"),
    }

    def plan(self, args):
        from .setup import QUICK, Setup

        return QUICK if args.quick else Setup()

    def try_once(self, loaded, plan):
        import numpy as np

        from ..harness import module_of

        rbm = loaded["rbm"](3)
        rbm.build((None, 4))
        rbm.contrastive_divergence(np.zeros((2, 4), np.float32), k=1)
        dbn = module_of(loaded["dbn"])
        stack = dbn.greedy_pretrain(np.zeros((2, 4), np.float32), (3,), lambda r, d: None)
        dbn.build_classifier(stack, 2)
        ais = module_of(loaded["ais"])
        betas = ais.beta_schedule((1, 1), (0.0, 0.5, 1.0))
        ais.ais_log_partition(
            np.zeros((4, 3)),
            np.zeros(4),
            np.zeros(3),
            np.zeros(4),
            betas,
            2,
            np.random.default_rng(0),
        )
        updown = module_of(loaded["updown"])
        stack = [
            (np.zeros((4, 3)), np.zeros(4), np.zeros(3)),
            (np.zeros((5, 2)), np.zeros(5), np.zeros(2)),
        ]
        updown.up_down_step(
            updown.untie(stack), np.zeros((2, 4)), np.eye(2), 0.1, 1, np.random.default_rng(0)
        )

    def load_data(self, args):
        from ...data.binary_images import load_binary
        from ...data.pipeline import DatasetUnavailable
        from ...errors import RunFailed

        try:
            return load_binary(args.dataset, args.data_dir, download=args.download)
        except DatasetUnavailable as error:
            raise RunFailed(str(error)) from None

    def describe(self, context):
        return (
            f"Training the {context.args.impl}' RBM and DBN on binarised "
            f"{context.args.dataset}, into {context.out}/"
        )

    def run(self, context):
        from ..harness import module_of
        from . import training

        setup = context.plan
        modules = {key: module_of(value) for key, value in context.loaded.items()}
        tables = training.run(
            context.strategy, modules, context.data, context.out, setup, seed=context.args.seed
        )
        return Outcome(
            tables=list(tables.values()),
            notes=[
                f"RBMs: mini-batches of {setup.batch_size}, learning rate "
                f"{setup.learning_rate}; likelihood exact over all 2^{setup.ll_hidden} hidden "
                "states, on the test split.",
                f"AIS: K intermediate distributions spaced as Salakhutdinov & Murray's "
                f"(500 : 4,000 : 10,000 from β = 0, 0.5 and 0.9), {setup.ais_runs} runs per "
                f"estimate, mean and s.d. of {setup.ais_repeats} estimates; test LL = mean −F(v) "
                "− log Z.",
                "Methods by AIS (methods.csv): Salakhutdinov & Murray 2008 (MNIST, 500 hidden "
                "units) found the RBMs trained with more Gibbs steps (CD-25 over CD-3 over CD-1) "
                "assign the test digits a higher log-probability, by tens of nats: compare the "
                "ordering and the gaps, not the values (other data).",
                f"DBN with label units: a top RBM of {setup.top_hidden} units over [h_L, labels] "
                f"(PCD-1, {setup.top_epochs} epochs), then {setup.updown_epochs} epochs of "
                f"up-down (k = {setup.updown_k}, rate {setup.updown_learning_rate}); classified "
                "by the top RBM's free energy (eq. 3.31) after a deterministic up pass.",
            ],
            files=[
                "likelihood.csv",
                "speed.csv",
                "features.csv",
                "ais.csv",
                "methods.csv",
                "dbn.csv",
                "updown.csv",
                "likelihood.png",
                "filters.png",
                "samples.png",
                "classes.png",
            ],
        )

    def learned(self, context):
        import pandas as pd

        from ..experiment import Learned, chance_percent
        from .training import METHODS

        out = context.out
        curves = pd.read_csv(out / "likelihood_curves.csv", index_col="epoch")
        signs = [
            Learned(
                f"exact test log-likelihood (nats) of the {context.plan.ll_hidden}-unit RBM "
                f"by {method}, after training (before: 'chance')",
                float(curves[method].dropna().iloc[-1]),
                float(curves[method].iloc[0]),
            )
            for method in METHODS
        ]
        chance, noise = chance_percent(10, len(context.data.y["test"]))
        features = pd.read_csv(out / "features.csv").set_index("input")
        signs.append(
            Learned(
                "test accuracy % of logistic regression on the RBM's features",
                float(features.loc["RBM features", "test accuracy %"]),
                chance,
                noise,
            )
        )
        for _, row in pd.read_csv(out / "dbn.csv").iterrows():
            signs.append(
                Learned(
                    f"test accuracy % of the DBN classifier, {row['start']} weights, "
                    f"{row['labels used']} of the labels",
                    float(row["test accuracy %"]),
                    chance,
                    noise,
                )
            )
        updown = pd.read_csv(out / "updown.csv")
        after = updown[updown["classifier"].str.endswith("after up-down")].iloc[0]
        signs.append(
            Learned(
                "test accuracy % of the DBN with label units by its top RBM's free energy, "
                "after up-down",
                100.0 - float(after["test error %"]),
                chance,
                noise,
                smoke=(
                    "a top RBM of 32 units over a one-epoch 16-unit layer stays at chance; the "
                    "full run reaches about 80%"
                    if context.args.quick
                    else ""
                ),
            )
        )
        return signs


EXPERIMENT = RbmExperiment()
