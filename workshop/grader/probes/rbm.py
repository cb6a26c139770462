"""Probes of Exercise 3.5: the RBM's conditionals, free energy, samples under the same
draws, and CD-k / persistent-CD estimates; sample means judged against the probabilities."""

import numpy as np

from ..compare import Tolerance
from ..evidence import Raised
from ..kinds.probe_runs import capture
from ..seeding import rng_for

TOLERANCE = Tolerance(atol=1e-5, rtol=1e-4)  # float32 Keras work
WEIGHTS = "weights and config"
CONDITIONALS = "conditional probabilities"
FREE_ENERGY = "free energy and its gradient"
SAMPLING = "sampling, same draws"
FOLLOW = "samples follow the probabilities"
DIVERGENCE = "contrastive divergence (CD-k, PCD)"
POINTS = {WEIGHTS: 1, CONDITIONALS: 2, FREE_ENERGY: 2, SAMPLING: 2, FOLLOW: 1, DIVERGENCE: 2}
STATISTICAL = {FOLLOW}
NAMES = ("kernel", "visible_bias", "hidden_bias")


def labels(case):
    return ["weights and config: shapes"]


def _weights(n_visible, n_hidden, rng):
    return {
        "kernel": rng.standard_normal((n_visible, n_hidden)).astype(np.float32),
        "visible_bias": (0.5 * rng.standard_normal(n_visible)).astype(np.float32),
        "hidden_bias": (0.5 * rng.standard_normal(n_hidden)).astype(np.float32),
    }


def built(rbm_class, config, n_visible, weights):
    """The student's RBM, built on n_visible inputs, with the given weights assigned."""
    rbm = rbm_class(**config)
    rbm.build((None, n_visible))
    for name, value in weights.items():
        getattr(rbm, name).assign(value)
    return rbm


def _shapes(rbm):
    return np.array([d for name in NAMES for d in getattr(rbm, name).shape], dtype=np.float64)


def _free_energy_and_gradient(rbm, v):
    import tensorflow as tf

    with tf.GradientTape() as tape:
        total = tf.reduce_sum(rbm.free_energy(tf.constant(v)))
    gradients = tape.gradient(total, [getattr(rbm, name) for name in NAMES])
    return {
        "F(v)": rbm.free_energy(tf.constant(v)),
        **{f"∂ΣF/∂{n}": g for n, g in zip(NAMES, gradients)},
    }


def _clone_output(rbm, v):
    clone = type(rbm).from_config(rbm.get_config())
    clone.build((None, v.shape[1]))
    clone.set_weights(rbm.get_weights())
    return clone(v)


def observe(get, case, seed, index):
    import keras

    rng = rng_for(seed, "rbm", index)
    batch, n_visible = case.input_shape
    n_hidden = case.config["n_hidden"]
    weights = _weights(n_visible, n_hidden, rng)
    v = (rng.random((batch, n_visible)) < 0.5).astype(np.float32)
    h = (rng.random((batch, n_hidden)) < 0.5).astype(np.float32)
    start = (rng.random((batch, n_visible)) < 0.5).astype(np.float32)
    draws = int(rng.integers(1 << 30))
    rbm_class = get("RBM")
    try:
        rbm = built(rbm_class, case.config, n_visible, weights)
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # student code may raise anything, even SystemExit
        return {"weights and config: shapes": Raised(error)}

    def seeded(method, *args, offset=0, **kwargs):
        return capture(method, *args, seed=keras.random.SeedGenerator(draws + offset), **kwargs)

    def divergence(**kwargs):
        grads, chain_end = rbm.contrastive_divergence(v, **kwargs)
        return {"estimates": grads, "chain end": chain_end}

    return {
        "weights and config: shapes": capture(_shapes, rbm),
        "weights and config: output of from_config(get_config())": capture(_clone_output, rbm, v),
        "conditional probabilities: hidden_probs(v)": capture(rbm.hidden_probs, v),
        "conditional probabilities: visible_probs(h)": capture(rbm.visible_probs, h),
        "conditional probabilities: call(v)": capture(rbm, v),
        "free energy and its gradient: free_energy": capture(_free_energy_and_gradient, rbm, v),
        "sampling, same draws: sample_hidden(v)": seeded(rbm.sample_hidden, v),
        "sampling, same draws: sample_visible(h)": seeded(rbm.sample_visible, h, offset=1),
        "sampling, same draws: gibbs_step(v)": seeded(rbm.gibbs_step, v, offset=2),
        "contrastive divergence (CD-k, PCD): contrastive_divergence(v, k=1)": seeded(
            divergence, k=1, offset=3
        ),
        "contrastive divergence (CD-k, PCD): contrastive_divergence(v, k=3)": seeded(
            divergence, k=3, offset=4
        ),
        "contrastive divergence (CD-k, PCD): contrastive_divergence(v, k=1, start=chain)": seeded(
            divergence, k=1, start=start, offset=5
        ),
    }


def statistical_record(check, get, seed):
    """4000 hidden samples of one visible vector and 4000 visible samples of one hidden
    vector, and this side's probabilities for them (only the reference's are used)."""
    import keras

    rng = rng_for(seed, "rbm-follow")
    weights = _weights(6, 5, rng)
    rbm = built(get("RBM"), {"n_hidden": 5}, 6, weights)
    v = np.repeat((rng.random((1, 6)) < 0.5).astype(np.float32), 4000, axis=0)
    h = np.repeat((rng.random((1, 5)) < 0.5).astype(np.float32), 4000, axis=0)
    record = {}
    for what, sample, probability, given in (
        ("sample_hidden", rbm.sample_hidden, rbm.hidden_probs, v),
        ("sample_visible", rbm.sample_visible, rbm.visible_probs, h),
    ):
        record[what] = capture(sample, given, seed=keras.random.SeedGenerator(seed))
        record[what + " p"] = capture(lambda: np.asarray(probability(given[:1]))[0])
    return record


def statistical_judge(check, mine, ref):
    """Each unit's sample mean within 4.5 standard errors of its probability."""
    for what in ("sample_hidden", "sample_visible"):
        drawn, p = mine[what], np.asarray(ref[what + " p"], np.float64)
        if isinstance(drawn, Raised):
            return False, f"{what} raised " + drawn.error.explained
        drawn = np.asarray(drawn, np.float64)
        if drawn.shape != (4000, len(p)):
            return False, f"{what} returned shape {drawn.shape}, expected {(4000, len(p))}"
        if not np.isin(drawn, (0.0, 1.0)).all():
            return False, f"{what} returned values other than 0 and 1: a sample is binary"
        error = np.abs(drawn.mean(axis=0) - p) / np.sqrt(p * (1 - p) / len(drawn) + 1e-12)
        if error.max() > 4.5:
            unit = int(np.argmax(error))
            return False, (
                f"{what}: unit {unit} is on in {drawn[:, unit].mean():.3f} of 4000 samples, "
                f"but its probability is {p[unit]:.3f}: sample with uniform draws u < p"
            )
    return True, "4000 samples: every unit on as often as its probability (within 4.5 s.e.)"
