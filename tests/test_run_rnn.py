"""`workshop run rnn`: the adding problem's data, the gradient through time, the quick
run (default strategy, two mirrored replicas, the student's cells, resumed), and the
full run's result (slow)."""

import numpy as np
import pandas as pd
import pytest
import tensorflow as tf
from conftest import assert_learned, run_cli

from solutions.rnn import SimpleRNNCell
from workshop.data.adding import BASELINE_MSE, adding_batch, adding_test_set
from workshop.experiments.rnn.training import hidden_state_gradient_norms, sequence_model

# --- the data ----------------------------------------------------------------------


def test_adding_batches_have_one_marker_per_half_and_the_marked_sum_as_target():
    x, y = (np.asarray(t) for t in adding_batch(5, 3, 500, 30))
    values, markers = x[..., 0], x[..., 1]
    assert ((values >= 0) & (values < 1)).all()
    assert (markers[:, :15].sum(1) == 1).all() and (markers[:, 15:].sum(1) == 1).all()
    np.testing.assert_allclose(y[:, 0], (values * markers).sum(1), rtol=1e-6)


def test_adding_batches_are_reproducible_and_fresh_at_every_index():
    first, again = adding_batch(5, 3, 8, 20)[0], adding_batch(5, 3, 8, 20)[0]
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, adding_batch(5, 4, 8, 20)[0])
    assert not np.array_equal(adding_test_set(5, 8, 20)[0], first)


def test_predicting_the_mean_gives_the_stated_baseline():
    _, y = adding_test_set(0, 20000, 50)
    assert abs(float(np.mean((np.asarray(y) - 1.0) ** 2)) - BASELINE_MSE) < 0.005


# --- the gradient through time ------------------------------------------------------


def test_hidden_state_gradients_match_backpropagation_through_time_by_hand():
    """For the tanh RNN, ∂L/∂h_t = (∂L/∂h_{t+1} ⊙ (1 − h_{t+1}²)) Wᵀ, from ∂L/∂h_T."""
    tf.keras.utils.set_random_seed(1)
    model = sequence_model(SimpleRNNCell, "rnn", 6, (9, 2), 1)
    x, y = (np.asarray(t) for t in adding_batch(0, 0, 4, 9))
    norms = hidden_state_gradient_norms(model, x, y)

    cell, head = model.layers[1].cell, model.layers[-1]
    U, W, b = (np.asarray(w, np.float64) for w in (cell.U, cell.W, cell.b))
    V, c = (np.asarray(w, np.float64) for w in head.weights)
    h, states = np.zeros((4, 6)), []
    for t in range(9):
        h = np.tanh(b + h @ W + x[:, t] @ U)
        states.append(h)
    prediction = states[-1] @ V + c
    delta = 2 * (prediction - y) / y.size @ V.T  # ∂L/∂h_T for L = mean squared error
    expected = [np.linalg.norm(delta, axis=1).mean()]
    for t in range(8, 0, -1):
        delta = (delta * (1 - states[t] ** 2)) @ W.T
        expected.append(np.linalg.norm(delta, axis=1).mean())
    np.testing.assert_allclose(norms, expected[::-1], rtol=1e-4)


# --- the command ------------------------------------------------------------------


@pytest.fixture(scope="module")
def quick_run(data_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("rnn-quick")
    done = run_cli("run", "rnn", "--quick", "--data-dir", data_dir, "--out", str(out))
    return done, out


def test_quick_run_writes_both_tables_and_both_figures(quick_run):
    done, out = quick_run
    assert done.returncode == 0, done.stderr[-3000:]
    assert_learned(out)
    adding = pd.read_csv(out / "adding.csv")
    assert adding[["T", "cell"]].values.tolist() == [
        [10, "tanh RNN"],
        [10, "LSTM"],
        [20, "tanh RNN"],
        [20, "LSTM"],
    ]
    assert adding["test MSE"].between(0, 1).all()
    digits = pd.read_csv(out / "sequential_digits.csv")
    assert digits["cell"].tolist() == ["tanh RNN", "LSTM"]
    assert digits["test accuracy %"].between(0, 100).all()
    norms = pd.read_csv(out / "adding" / "T20-lstm" / "gradient_norms.csv")
    assert len(norms) == 20 and (norms[["initial", "trained"]] > 0).all().all()
    for picture in ("adding_curves.png", "gradient_norms.png"):
        assert (out / picture).stat().st_size > 5000
    assert "Traceback" not in done.stderr


def test_run_again_keeps_finished_runs(quick_run, data_dir):
    _, out = quick_run
    before = pd.read_csv(out / "adding.csv")
    again = run_cli("run", "rnn", "--quick", "--data-dir", data_dir, "--out", str(out))
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.stdout.count("done before, kept") == 4
    pd.testing.assert_frame_equal(pd.read_csv(out / "adding.csv"), before)


def test_two_mirrored_replicas_learn_what_one_device_learns(quick_run, data_dir, tmp_path):
    _, out = quick_run
    done = run_cli(
        "run",
        "rnn",
        "--quick",
        "--strategy",
        "mirrored",
        "--devices",
        "2",
        "--data-dir",
        data_dir,
        "--out",
        str(tmp_path),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "2 replica(s), mirrored strategy" in done.stdout
    for run in ("T10-rnn", "T20-lstm"):
        one = pd.read_csv(out / "adding" / run / "history.csv")
        two = pd.read_csv(tmp_path / "adding" / run / "history.csv")
        np.testing.assert_allclose(two["test_mse"], one["test_mse"], rtol=1e-3, err_msg=run)


def test_the_students_own_cells_train(student_root, data_dir, tmp_path):
    student_root.use("rnn", "rnn_einsum.py")
    student_root.use("lstm", "lstm_sliced.py")
    done = run_cli(
        "--root",
        str(student_root.path),
        "run",
        "rnn",
        "--impl",
        "exercises",
        "--quick",
        "--lengths",
        "10",
        "--steps",
        "30",
        "--data-dir",
        data_dir,
        "--out",
        str(tmp_path),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert pd.read_csv(tmp_path / "adding.csv")["T"].tolist() == [10, 10]


def test_untouched_stubs_get_one_line_naming_the_exercise(student_root, tmp_path):
    done = run_cli(
        "--root",
        str(student_root.path),
        "run",
        "rnn",
        "--impl",
        "exercises",
        "--quick",
        "--out",
        str(tmp_path),
    )
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "workshop: --impl exercises: SimpleRNNCell.call (Exercise 3.1) is not written yet: "
        "finish it (workshop check 3.1) before training your layers"
    )


@pytest.mark.parametrize(
    "flags, said",
    [
        (["--lengths", "1,20"], "--lengths 1,20: give whole numbers of at least 2"),
        (["--steps", "0"], "--steps must be positive"),
        (["--strategy", "multiworker"], "invalid choice: 'multiworker'"),
    ],
)
def test_bad_flags_get_one_line_and_exit_2(flags, said):
    done = run_cli("run", "rnn", *flags)
    assert done.returncode == 2 and said in done.stderr and len(done.stderr.splitlines()) == 1


@pytest.mark.slow
def test_full_run_lstm_solves_t100_where_the_rnn_stays_at_the_baseline(data_dir, tmp_path):
    done = run_cli("run", "rnn", "--data-dir", data_dir, "--out", str(tmp_path), timeout=3600)
    assert done.returncode == 0, done.stderr[-3000:]
    adding = pd.read_csv(tmp_path / "adding.csv").set_index(["T", "cell"])
    assert adding.loc[(100, "LSTM"), "test MSE"] < 0.01
    assert adding.loc[(100, "tanh RNN"), "test MSE"] > 0.8 * BASELINE_MSE
    digits = pd.read_csv(tmp_path / "sequential_digits.csv").set_index("cell")
    assert digits.loc["LSTM", "test accuracy %"] > 90
