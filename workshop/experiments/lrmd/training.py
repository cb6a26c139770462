"""LRMD at workshop scale (notes §2.1): one layer of local contrast normalisation,
untied local filters and L2 pooling, trained without labels on the digits and on
patches of scikit-learn's two sample photographs; what its features buy a linear probe
with few labels; its best single units; and synchronous against asynchronous SGD on the
same network with labels (race.py).
"""

import time

import numpy as np
import pandas as pd

from ...data.pipeline import as_arrays
from ..folders import fresh_dir
from .figures import draw_best_units, draw_filters, draw_race, draw_staleness
from .probe import best_single_units, linear_probe
from .race import run_all
from .stack import LrmdLayer, build_classifier
from .unsupervised import train_unsupervised

PAPER = (
    "Le et al. 2012 (10 million 200×200 YouTube frames, 1 billion weights, 1,000 machines "
    "for 3 days): 15.8% top-1 on ImageNet-22k (70% better than the previous best), and "
    "one neuron that tells faces from distractors with 81.7% accuracy."
)


def photo_patches(count, size, seed):
    """`count` random grey `size`×`size` patches of scikit-learn's two sample photos
    (china.jpg, flower.jpg), in [0, 1]."""
    from sklearn.datasets import load_sample_images

    rng = np.random.default_rng(seed)
    photos = [image.mean(axis=2) / 255.0 for image in load_sample_images().images]
    patches = []
    for i in range(count):
        photo = photos[i % len(photos)]
        top = rng.integers(0, photo.shape[0] - size + 1)
        left = rng.integers(0, photo.shape[1] - size + 1)
        patches.append(photo[top : top + size, left : left + size])
    return np.stack(patches)[..., None].astype(np.float32)


def run(tf, strategy, layers, splits, out, setup, args, root, log=print):
    """Every part; returns the tables by name (and writes them, with the figures)."""
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    train_x, train_y = as_arrays(splits.train)
    val_x, val_y = as_arrays(splits.validation)
    test_x, test_y = as_arrays(splits.test)
    shape = setup.digits

    log(f"== unsupervised LRMD layer on {len(train_x)} training digits, labels unused")
    random_layer = LrmdLayer(tf, layers, shape, train_x.shape[1:], args.seed, setup.eps)
    trained = LrmdLayer(tf, layers, shape, train_x.shape[1:], args.seed, setup.eps)
    history = train_unsupervised(
        tf,
        trained,
        train_x,
        setup.epochs,
        setup.batch_size,
        setup.learning_rate,
        setup.lam,
        args.seed,
    )
    pd.DataFrame(history).to_csv(out / "unsupervised_digits.csv", index=False)
    first, last = history[0], history[-1]
    log(
        f"   objective {first['objective']:.2f} before training -> {last['objective']:.2f} "
        f"in epoch {last['epoch']} (reconstruction "
        f"{last['reconstruction']:.2f}, pooling {last['pooling']:.2f})"
    )

    features = {
        "LCN pixels (no learning)": lambda x: trained.normalised(x).reshape(len(x), -1),
        "random local filters + L2 pooling": lambda x: _flat(random_layer.encode(x)),
        "LRMD layer trained without labels": lambda x: _flat(trained.encode(x)),
    }
    computed = {name: (f(train_x), f(val_x), f(test_x)) for name, f in features.items()}

    log("== linear probe with few labels")
    probe_rows = []
    for name, (train_f, _, test_f) in computed.items():
        row = {"features": name, "dimensions": train_f.shape[1]}
        for per_class in setup.probe_labels:
            mean, spread = linear_probe(
                train_f, train_y, test_f, test_y, per_class, setup.probe_draws, args.seed
            )
            row[_labels_column(per_class)] = _percent(mean, spread, per_class)
        probe_rows.append(row)
    log(f"== the same network trained end to end with every label ({args.strategy} strategy)")
    supervised = _supervised(tf, strategy, layers, splits, out, setup, args)
    probe_rows.append(
        {
            "features": f"the same network trained with labels ({args.strategy})",
            "dimensions": probe_rows[-1]["dimensions"],
            **{_labels_column(k): "" for k in setup.probe_labels if k is not None},
            _labels_column(None): f"{100 * supervised:.1f}",
        }
    )
    probe = pd.DataFrame(probe_rows)
    probe.to_csv(out / "probe.csv", index=False)

    log("== best single units (LRMD's 'face neuron' test), chosen on validation")
    units_rows, favourite = [], {}
    per_kind = {}
    for name, (_, val_f, test_f) in computed.items():
        per_kind[name] = best_single_units(val_f, val_y, test_f, test_y)
    for c in sorted(per_kind[next(iter(per_kind))]):
        row = {"class": c}
        for name, best in per_kind.items():
            row[name] = round(100 * best[c][1], 1)
        units_rows.append(row)
        unit = per_kind["LRMD layer trained without labels"][c][0]
        top = np.argsort(-computed["LRMD layer trained without labels"][2][:, unit])[:8]
        favourite[c] = test_x[top, :, :, 0]
    units = pd.DataFrame(units_rows)
    units.loc[len(units)] = {"class": "mean", **{n: round(units[n].mean(), 1) for n in per_kind}}
    units.to_csv(out / "best_units.csv", index=False)

    log(f"== unsupervised LRMD layer on {setup.photo_patches} patches of the sample photos")
    patches = photo_patches(setup.photo_patches, setup.photo_patch_size, args.seed)
    photo_layer = LrmdLayer(tf, layers, setup.photos, patches.shape[1:], args.seed, setup.eps)
    photo_history = train_unsupervised(
        tf,
        photo_layer,
        patches,
        setup.photo_epochs,
        setup.batch_size,
        setup.learning_rate,
        setup.lam,
        args.seed,
    )
    pd.DataFrame(photo_history).to_csv(out / "unsupervised_photos.csv", index=False)

    k = setup.photos.kernel
    draw_filters(
        photo_layer.filters(),
        out / "filters_photos.png",
        f"{setup.photos.maps} filters ({k}×{k}) at the centre position, learned from photo patches",
    )
    k = shape.kernel
    draw_filters(
        trained.filters(),
        out / "filters_digits.png",
        f"{shape.maps} filters ({k}×{k}) at the centre position, learned from digits",
    )
    draw_best_units(favourite, out / "best_units.png")

    log("== synchronous against asynchronous SGD (each configuration in its own process)")
    race_table, race_seeds, histories, staleness = run_all(setup, args, root, out, log=log)
    race_table.to_csv(out / "race.csv", index=False)
    race_seeds.to_csv(out / "race_seeds.csv", index=False)
    draw_race(histories, out / "race.png")
    if staleness:
        draw_staleness(staleness, out / "staleness.png")
    log(f"   all parts: {time.perf_counter() - started:.0f} s")
    return {"probe": probe, "best_units": units, "race": race_table}


def _supervised(tf, strategy, layers, splits, out, setup, args):
    """Test accuracy of the LRMD classifier trained with labels under `strategy`."""
    from ...train.loop import TrainConfig, train
    from ...train.strategy import stamp

    config = TrainConfig(
        epochs=setup.classifier_epochs,
        batch_size=setup.race_batch_size,
        learning_rate=setup.race_learning_rate,
        seed=args.seed,
        verbose=0,
    )
    settings = {"config": vars(config), "strategy": stamp(strategy), "impl": args.impl}
    folder = fresh_dir(out / "supervised", settings)
    result = train(
        strategy,
        lambda: build_classifier(
            layers, setup.digits, splits.image_shape, splits.num_classes, setup.eps
        ),
        splits,
        splits.train,
        config,
        folder,
    )
    return result.test_accuracy


def _flat(features):
    return features.reshape(len(features), -1)


def _labels_column(per_class):
    return "all labels %" if per_class is None else f"{per_class} label(s)/class %"


def _percent(mean, spread, per_class):
    if per_class is None:
        return f"{100 * mean:.1f}"
    return f"{100 * mean:.1f} ± {100 * spread:.1f}"
