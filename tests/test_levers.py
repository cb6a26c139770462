"""`--precision mixed` and `--jit-compile`: the policy each names, the loss scale float16
needs (and bfloat16 does not), gradients compiled by XLA, run folders that never resume
across a lever, and every experiment's quick run with both levers pulled (two in the
default tests, all nine under both strategies marked slow)."""

import json

import keras
import numpy as np
import pandas as pd
import pytest
import tensorflow as tf
from conftest import assert_learned, run_cli

from workshop.experiments.folders import fresh_dir
from workshop.experiments.registry import experiments
from workshop.train import levers
from workshop.train.loop import TrainConfig, train


@pytest.fixture
def restored():
    """The levers back at float32 and no XLA after the test: they are process-wide."""
    yield
    levers.configure(tf, "float32", False)


def test_mixed_is_bfloat16_on_a_cpu_and_float32_is_float32(restored):
    assert not tf.config.list_physical_devices("GPU")
    assert levers.configure(tf, "mixed", False) == "mixed_bfloat16"
    assert keras.mixed_precision.global_policy().compute_dtype == "bfloat16"
    assert levers.record() == {"precision": "mixed_bfloat16", "jit_compile": False}
    assert levers.configure(tf, "float32", True) == "float32"
    assert levers.describe() == "precision float32, XLA on"
    with pytest.raises(ValueError, match="unknown precision"):
        levers.policy_for(tf, "half")


def test_only_float16_gets_a_loss_scale(restored):
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    plain = keras.optimizers.SGD(0.1)
    assert levers.loss_scaled(plain) is plain
    assert levers.clipnorm_for(plain, 1.0) == 1.0
    keras.mixed_precision.set_global_policy("mixed_float16")
    scaled = levers.loss_scaled(keras.optimizers.SGD(0.1))
    scaled.build([keras.Variable(np.zeros(2, np.float32))])
    assert isinstance(scaled, keras.optimizers.LossScaleOptimizer)
    assert levers.loss_scaled(scaled) is scaled
    assert float(levers.clipnorm_for(scaled, 1.0)) == float(scaled.dynamic_scale) > 1


def _dense_step(optimizer, x, y):
    """One SGD step of a 3→2 dense layer from fixed weights; the kernel after it."""
    keras.utils.set_random_seed(0)
    layer = keras.layers.Dense(2)
    layer.build((None, 3))
    optimizer.build(layer.trainable_variables)

    def loss_of(x, y):
        return (keras.ops.mean(keras.ops.square(keras.ops.cast(layer(x), "float32") - y)),)

    gradients_of = levers.gradient_function(tf, loss_of, layer.trainable_variables, optimizer)
    loss, gradients = gradients_of(x, y)
    optimizer.apply_gradients(zip(gradients, layer.trainable_variables))
    return layer, loss, gradients


@pytest.mark.parametrize("jit", [False, True])
def test_float16_gradients_are_scaled_then_unscaled_to_the_float32_step(restored, jit):
    x = np.random.default_rng(0).normal(size=(8, 3)).astype(np.float32)
    y = np.zeros((8, 2), np.float32)
    levers.configure(tf, "float32", jit)
    reference, reference_loss, _ = _dense_step(keras.optimizers.SGD(0.1), x, y)

    keras.mixed_precision.set_global_policy("mixed_float16")
    optimizer = levers.loss_scaled(keras.optimizers.SGD(0.1))
    layer, loss, gradients = _dense_step(optimizer, x, y)
    assert layer.kernel.dtype == "float32" and loss.dtype == tf.float32
    # The gradients leave the step multiplied by the scale (2^15); the update divides
    # it out, so the weights move as the float32 step moves them.
    assert float(optimizer.dynamic_scale) == 2.0**15
    np.testing.assert_allclose(float(loss), float(reference_loss), rtol=2e-3)
    assert np.abs(np.asarray(gradients[0])).max() > 1000
    np.testing.assert_allclose(layer.kernel.numpy(), reference.kernel.numpy(), atol=2e-3)


def test_a_step_that_overflows_in_float16_is_skipped_and_the_scale_halved(restored):
    keras.mixed_precision.set_global_policy("mixed_float16")
    optimizer = levers.loss_scaled(keras.optimizers.SGD(0.1))
    x = np.full((4, 3), 300.0, np.float32)  # outputs² pass float16's 65,504
    layer, _, _ = _dense_step(optimizer, x, np.zeros((4, 2), np.float32))
    keras.utils.set_random_seed(0)
    start = keras.layers.Dense(2)
    start.build((None, 3))
    np.testing.assert_array_equal(layer.kernel.numpy(), start.kernel.numpy())
    assert float(optimizer.dynamic_scale) == 2.0**14


def test_clipped_steps_train_in_float16_with_the_scale_taken_out_of_the_clip(restored):
    """The adding problem's loop clips the gradient's norm to 1: under a loss scale of
    2^15 the clip must act on the true gradient, not shrink it 2^15 times."""
    from workshop.train.steps import StepsConfig, train_steps

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5]])).astype(np.float32)
    batches = tf.data.Dataset.from_tensor_slices((x, y)).batch(16).repeat()

    def build():
        return keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])

    config = StepsConfig(steps=40, batch_size=16, learning_rate=0.05, eval_every=40)
    results = {}
    for policy in ("float32", "mixed_float16"):
        keras.mixed_precision.set_global_policy(policy)
        results[policy] = train_steps(tf.distribute.get_strategy(), build, batches, (x, y), config)
    float32, float16 = (results[p].history["test_mse"].iloc[-1] for p in results)
    assert float16 < 0.5 * results["float32"].history["test_mse"].iloc[0]
    np.testing.assert_allclose(float16, float32, rtol=0.05)


def test_a_run_folder_never_resumes_under_another_lever(tmp_path, restored):
    folder = fresh_dir(tmp_path / "run", {"epochs": 2})
    (folder / "checkpoint").write_text("made in float32")
    assert (fresh_dir(tmp_path / "run", {"epochs": 2}) / "checkpoint").exists()
    levers.configure(tf, "mixed", False)
    heard = []
    fresh_dir(tmp_path / "run", {"epochs": 2}, say=heard.append)
    assert not (folder / "checkpoint").exists()
    assert "levers.precision float32 -> mixed_bfloat16" in heard[0]


def test_the_epoch_loop_trains_under_mixed_precision_with_xla_on_two_replicas(restored, tmp_path):
    """The loop every classification experiment shares: float32 weights, a loss that
    falls, under MirroredStrategy on the two logical CPUs other tests made (or one)."""
    from workshop.data.pipeline import Splits

    levers.configure(tf, "mixed", True)
    cpus = [d.name for d in tf.config.list_logical_devices("CPU")][:2]
    strategy = tf.distribute.MirroredStrategy(
        cpus, cross_device_ops=tf.distribute.ReductionToOneDevice()
    )
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 4)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)

    def split(a, b):
        return tf.data.Dataset.from_tensor_slices((x[a:b], y[a:b]))

    splits = Splits("toy", split(0, 192), split(192, 224), split(224, 256), (4,), 2)

    def build():
        return keras.Sequential(
            [keras.Input((4,)), keras.layers.Dense(8, "relu"), keras.layers.Dense(2, "softmax")]
        )

    config = TrainConfig(epochs=3, batch_size=32, learning_rate=0.5, verbose=0)
    result = train(strategy, build, splits, splits.train, config, tmp_path)
    assert all(w.dtype == "float32" for w in result.model.trainable_variables)
    assert result.model.layers[0].compute_dtype == "bfloat16"
    assert result.history["loss"].iloc[-1] < result.history["loss"].iloc[0]
    assert result.test_probabilities.dtype == np.float32


# --- every experiment with both levers pulled ------------------------------------------


def _quick(name, strategy, data_dir, out):
    experiment = experiments()[name]
    data = ["--data-dir", data_dir] if experiment.datasets else []
    done = run_cli(
        "run", name, "--quick", "--precision", "mixed", "--jit-compile",
        "--strategy", strategy, *data, "--out", str(out),
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert "With precision mixed_bfloat16, XLA on." in done.stdout
    settings = json.loads((out / "run.json").read_text())
    assert settings["precision"] == "mixed_bfloat16" and settings["jit_compile"] is True
    assert settings["strategy"].startswith("2 replica(s)" if strategy == "mirrored" else "1 ")
    assert "Traceback" not in done.stderr and "I0000" not in done.stderr, done.stderr[-2000:]
    assert_learned(out)


def test_a_quick_run_with_mixed_precision_and_xla_on_two_replicas(data_dir, tmp_path):
    """rnn: the steps loop and the epoch loop, a gradient clip, two replicas (dqn's
    quick run under both strategies is benchmarks/device_check.py's smoke test)."""
    _quick("rnn", "mirrored", data_dir, tmp_path)
    loops = pd.read_csv(tmp_path / "throughput.csv").set_index("loop")
    assert set(loops.index) == {"epoch loop", "steps loop"}
    assert (loops["samples/s, first calls in"] > 0).all()
    assert loops.loc["steps loop", "samples/s"] > 0  # 60 steps: two calls of 50 and 10


@pytest.mark.slow
@pytest.mark.parametrize("strategy", ["default", "mirrored"])
@pytest.mark.parametrize("name", sorted(experiments()))
def test_every_quick_run_with_mixed_precision_and_xla(name, strategy, data_dir, tmp_path):
    _quick(name, strategy, data_dir, tmp_path)


def test_run_all_hands_both_levers_to_every_experiment_and_keeps_them_apart():
    import argparse
    from pathlib import Path

    from workshop.experiments import everything

    args = argparse.Namespace(quick=True, impl=None, data_dir=None, precision="mixed",
                              jit_compile=True)  # fmt: skip
    command = everything.command_for(experiments()["cnn"], args, None, Path("runs/all/cnn"))
    assert command[-3:] == ["--precision", "mixed", "--jit-compile"]
    plain = argparse.Namespace(**{**vars(args), "precision": "float32", "jit_compile": False})
    assert everything.settings_of(args) != everything.settings_of(plain)  # not "finished"
