"""Probes of Exercise 3.8: one up-down (contrastive wake-sleep) step of a DBN with label
units. Untying (copies, not views), the top RBM's conditionals over [h_L, y], the wake
pass, the top-level CD and the sleep pass under the same draws, and a whole step's
three updates (generative, recognition, top), each on parameters whose generative
weights have moved away from the recognition weights' transposes, as fine-tuning
leaves them."""

import numpy as np

from ..compare import Tolerance
from ..kinds.probe_runs import capture
from ..seeding import rng_for

TOLERANCE = Tolerance(atol=1e-6, rtol=1e-6)  # float64 NumPy work
UNTIE = "untied copies of the RBMs"
TOP = "top RBM over [h_L, labels]"
WAKE = "wake pass, same draws"
TOP_CD = "top-level CD, same draws"
SLEEP = "sleep pass, same draws"
GENERATIVE = "wake phase: generative update"
RECOGNITION = "sleep phase: recognition update"
TOP_UPDATE = "top RBM update"
POINTS = {
    UNTIE: 1,
    TOP: 2,
    WAKE: 1,
    TOP_CD: 2,
    SLEEP: 1,
    GENERATIVE: 1,
    RECOGNITION: 1,
    TOP_UPDATE: 1,
}
STATISTICAL = set()
RATE = 0.1


def _sizes(case):
    batch, n_visible = case.input_shape
    config = case.config
    return batch, n_visible, tuple(config["hidden_sizes"]), config["n_top"], config["classes"]


def describe(case):
    batch, n_visible, sizes, n_top, classes = _sizes(case)
    layers = "–".join(str(n) for n in (n_visible, *sizes))
    return (
        f"a DBN {layers} with a top RBM of {n_top} units over [h_L, {classes} labels], "
        f"batch {batch}, k = {case.config['k']}"
    )


def labels(case):
    return [f"{UNTIE}: untie(rbms)"]


def stack(n_visible, sizes, n_top, classes, rng):
    """Pre-trained RBMs as `untie` takes them: (W, b, c) per directed layer, then the
    top RBM over [h_L, labels]; all float64, weights of a scale that keeps σ away from
    0 and 1."""
    rbms, width = [], n_visible
    for size in (*sizes, n_top):
        if size == n_top and len(rbms) == len(sizes):
            width += classes  # the top RBM's visible layer is [h_L, y]
        rbms.append(
            (
                rng.standard_normal((width, size)) / np.sqrt(width) * 2.0,
                0.5 * rng.standard_normal(width),
                0.5 * rng.standard_normal(size),
            )
        )
        width = size
    return rbms


def fine_tuned(rbms, rng):
    """Untied parameters as fine-tuning leaves them: the generative weights and biases
    no longer the recognition weights' transposes and the RBMs' visible biases."""
    recognition, generative = [], []
    for W, b, c in rbms[:-1]:
        recognition.append((W + 0.3 * rng.standard_normal(W.shape), c.copy()))
        generative.append((W.T + 0.3 * rng.standard_normal(W.T.shape), b.copy()))
    return {
        "recognition": recognition,
        "generative": generative,
        "top": rbms[-1],
    }  # read via copies


def _copied(params):
    return {
        "recognition": [(R.copy(), r.copy()) for R, r in params["recognition"]],
        "generative": [(G.copy(), g.copy()) for G, g in params["generative"]],
        "top": tuple(x.copy() for x in params["top"]),
    }


def _untie_apart(untie, rbms):
    """untie, then the RBMs changed in place (+1) and the recognition weights changed in
    place (+10): copies keep the returned parameters, and the generative weights, as
    they were."""
    rbms = [tuple(x.copy() for x in rbm) for rbm in rbms]
    params = untie(rbms)
    for rbm in rbms:
        for array in rbm:
            array += 1.0
    after_rbms = _as_arrays(params)
    for pair in params["recognition"]:
        for array in pair:
            array += 10.0
    return {
        "every parameter after the RBMs change": after_rbms,
        "generative after the recognition weights change": tuple(
            np.array(x, dtype=np.float64) for pair in params["generative"] for x in pair
        ),
    }


def _as_arrays(params):
    return {
        name: tuple(np.array(x, dtype=np.float64) for group in params[name] for x in group)
        if name != "top"
        else tuple(np.array(x, dtype=np.float64) for x in params[name])
        for name in ("recognition", "generative", "top")
    }


def observe(get, case, seed, index):
    rng = rng_for(seed, "updown", index)
    batch, n_visible, sizes, n_top, classes = _sizes(case)
    k = case.config["k"]
    rbms = stack(n_visible, sizes, n_top, classes, rng)
    params = fine_tuned(rbms, rng)
    v = (rng.random((batch, n_visible)) < 0.5).astype(np.float64)
    y = np.eye(classes)[rng.integers(0, classes, batch)]
    pen = (rng.random((batch, sizes[-1])) < 0.5).astype(np.float64)
    top_states = (rng.random((batch, n_top)) < 0.5).astype(np.float64)

    def draws(tag):
        return np.random.default_rng([seed, index, tag])

    def step():
        new = get("up_down_step")(_copied(params), v.copy(), y.copy(), RATE, k, draws(4))
        return _as_arrays(new)

    stepped = capture(step)
    parts = (
        stepped
        if isinstance(stepped, dict)
        else {name: stepped for name in ("generative", "recognition", "top")}
    )

    def top():
        return tuple(x.copy() for x in params["top"])

    def rbms_copy():
        return [tuple(x.copy() for x in rbm) for rbm in rbms]

    label = f"up_down_step(…, rate={RATE}, k={k})"
    return {
        f"{UNTIE}: untie(rbms)": capture(lambda: _as_arrays(get("untie")(rbms_copy()))),
        f"{UNTIE}: untie(rbms), then arrays changed in place": capture(
            _untie_apart, get("untie"), rbms_copy()
        ),
        f"{TOP}: top_hidden_probs(top, h_L, y)": capture(
            get("top_hidden_probs"), top(), pen.copy(), y.copy()
        ),
        f"{TOP}: top_visible_probs(top, t, {classes})": capture(
            get("top_visible_probs"), top(), top_states.copy(), classes
        ),
        f"{WAKE}: wake_pass(params, v, y)": capture(
            get("wake_pass"), _copied(params), v.copy(), y.copy(), draws(1)
        ),
        f"{TOP_CD}: top_level_cd(top, h_L, y, t, k={k})": capture(
            get("top_level_cd"), top(), pen.copy(), y.copy(), top_states.copy(), k, draws(2)
        ),
        f"{SLEEP}: sleep_pass(params, h̃_L)": capture(
            get("sleep_pass"), _copied(params), pen.copy(), draws(3)
        ),
        f"{GENERATIVE}: {label}, generative weights and biases": parts["generative"],
        f"{RECOGNITION}: {label}, recognition weights and biases": parts["recognition"],
        f"{TOP_UPDATE}: {label}, top W, b, c": parts["top"],
    }
