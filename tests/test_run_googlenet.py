"""`workshop run googlenet`: the quick run with a student's own inception module (the
cost table read from it) and the auxiliary classifier, the auxiliary's loss, the
profiler's multiply-adds against the count by hand, and the full run (slow)."""

import pandas as pd
import pytest
from conftest import assert_learned, run_cli


def test_quick_run_with_a_students_inception_module(student_root, data_dir, tmp_path):
    student_root.use("inception", "inception_sequential.py")
    student_root.use("response", "response_cumsum.py")
    student_root.use("augment", "augment_loops.py")
    student_root.use("metrics", "metrics_sorted.py")
    done = run_cli(
        "--root",
        str(student_root.path),
        "run",
        "googlenet",
        "--impl",
        "exercises",
        "--quick",
        "--data-dir",
        data_dir,
        "--out",
        str(tmp_path / "out"),
        "--auxiliary",
        cwd=student_root.path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert_learned(tmp_path / "out")
    costs = pd.read_csv(tmp_path / "out" / "costs.csv").set_index("module")
    # Module 3a, counted on the student's layer: 163,696 weights (the paper's Table 1
    # says 159K) and 128.0M multiply-adds (128M); 387,296 and 303.5M naive.
    assert costs.loc["3a", "weights"] == 163_696 and costs.loc["3a", "weights naive"] == 387_296
    assert costs.loc["3a", "multiply-adds (M)"] == 128.0
    assert costs.loc["3a", "multiply-adds naive (M)"] == 303.5
    assert (costs["saved ×"] > 2).all(), costs
    comparison = pd.read_csv(tmp_path / "out" / "comparison.csv").set_index("row")
    assert comparison.index.tolist() == ["ksh", "googlenet", "googlenet_aux"]
    assert (comparison["top-5 error %"] <= comparison["top-1 error %"]).all(), comparison
    # The auxiliary classifier trains extra weights but is not run at inference.
    aux, plain = comparison.loc["googlenet_aux"], comparison.loc["googlenet"]
    assert aux["weights (training)"] > plain["weights (training)"]
    assert aux["multiply-adds (M)"] == plain["multiply-adds (M)"]
    assert (comparison["seeds"] == 1).all() and comparison["Δ top-1"].isna()["ksh"]
    assert comparison["against"].tolist() == ["ksh", "ksh", "googlenet"]
    assert pd.read_csv(tmp_path / "out" / "seeds.csv")["row"].tolist() == comparison.index.tolist()


def test_the_auxiliary_classifier_adds_its_discounted_loss_in_training_only():
    from workshop.quiet import import_tensorflow

    import_tensorflow()
    import keras
    import numpy as np

    from solutions.inception import InceptionModule
    from solutions.response import LocalResponseNormalization
    from workshop.experiments.googlenet.network import build_googlenet
    from workshop.train.loop import cross_entropy

    keras.utils.set_random_seed(0)
    modules = ((4, 4, 4, 2, 2, 2),) * 3
    net = build_googlenet(InceptionModule, LocalResponseNormalization, 10, (28, 28, 3),
                          modules=modules, stem=(8, 8), auxiliary=True)  # fmt: skip
    images = np.random.default_rng(0).uniform(size=(4, 28, 28, 3)).astype(np.float32)
    labels = np.array([0, 3, 5, 9])
    main, side = net(images, training=True)
    assert main.shape == side.shape == (4, 10)
    inference = net(images, training=False)
    assert inference.shape == (4, 10)  # the main classifier alone
    np.testing.assert_allclose(net.main(images), inference)
    loss, probabilities = cross_entropy(labels, [main, side], 0.3)
    expected = keras.losses.sparse_categorical_crossentropy(labels, main)
    expected += 0.3 * keras.losses.sparse_categorical_crossentropy(labels, side)
    np.testing.assert_allclose(loss, expected, rtol=1e-6)
    assert probabilities is main
    # A plain net's outputs are its probabilities and its loss the plain cross-entropy.
    plain, _ = cross_entropy(labels, inference, 0.3)
    np.testing.assert_allclose(
        plain, keras.losses.sparse_categorical_crossentropy(labels, inference), rtol=1e-6
    )
    # Every weight, the auxiliary's too, gets a gradient from the training loss.
    import tensorflow as tf

    with tf.GradientTape() as tape:
        loss, _ = cross_entropy(labels, net(images, training=True), 0.3)
        loss = tf.reduce_mean(loss)
    gradients = tape.gradient(loss, net.trainable_variables)
    assert all(g is not None for g in gradients)
    names = [v.path for v in net.trainable_variables]
    assert len(names) == len(set(names)) and any("auxiliary" in n for n in names)


def test_profiled_multiply_adds_match_the_count_by_hand():
    """The comparison's multiply-adds come from TensorFlow's profiler; on module 3a
    alone it must find the 128.05M the cost table counts by hand, plus the biases,
    ReLUs and pooling it also counts (under 2%)."""
    from workshop.quiet import import_tensorflow

    import_tensorflow()
    import keras

    from solutions.inception import InceptionModule
    from workshop.experiments.googlenet.costs import MODULES
    from workshop.experiments.googlenet.costs import multiply_adds as by_hand
    from workshop.experiments.googlenet.network import multiply_adds as profiled

    module = MODULES[0]
    inputs = keras.Input((28, 28, 192))
    model = keras.Model(inputs, InceptionModule(*module.maps)(inputs))
    counted, hand = profiled(model, (28, 28, 192)), by_hand(module)
    assert hand == 128_049_152
    assert hand <= counted < 1.02 * hand, (counted, hand)


def test_a_bad_flag_is_one_line_and_exit_code_2(tmp_path):
    done = run_cli("run", "googlenet", "--epochs", "0", "--out", str(tmp_path), timeout=120)
    assert done.returncode == 2 and done.stderr.startswith("workshop: "), done.stderr
    assert done.stderr.strip().count("\n") == 0


@pytest.mark.slow
def test_full_run(tmp_path):
    done = run_cli("run", "googlenet", "--out", str(tmp_path), timeout=3600)
    assert done.returncode == 0, done.stderr[-3000:]
    comparison = pd.read_csv(tmp_path / "comparison.csv").set_index("row")
    assert comparison.index.tolist() == ["ksh", "googlenet"]
    assert (comparison["seeds"] == 3).all(), comparison
    # Both leave the chance plateau within 12 epochs on average (docs/experiments/googlenet.md).
    assert (comparison["top-1 error %"] < 80).all(), comparison
    weights = comparison["weights (training)"]
    assert weights["googlenet"] * 3 < weights["ksh"]
