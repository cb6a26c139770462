"""`workshop run rbm`: the quick run in the default test run, the student path on
untouched stubs and with the student's own code, and the full run's findings (slow)."""

import pandas as pd
import pytest
from test_run_cnn import run_cli


def test_quick_run_writes_every_table_and_figure(tmp_path):
    done = run_cli("run", "rbm", "--quick", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr[-3000:]
    likelihood = pd.read_csv(tmp_path / "likelihood.csv")
    assert likelihood["method"].tolist() == [
        "CD-1", "CD-10", "PCD-1", "scikit-learn BernoulliRBM (PCD-1)",
    ]  # fmt: skip
    assert (likelihood["test log-likelihood (nats)"] < 0).all()
    curves = pd.read_csv(tmp_path / "likelihood_curves.csv")
    assert len(curves) == 3  # epoch 0 and the two quick epochs
    features = pd.read_csv(tmp_path / "features.csv")
    assert features["input"].tolist() == ["raw pixels", "RBM features"]
    dbn = pd.read_csv(tmp_path / "dbn.csv")
    assert dbn["start"].tolist() == ["pre-trained", "random", "pre-trained", "random"]
    for picture in ("likelihood.png", "filters.png", "samples.png"):
        assert (tmp_path / picture).stat().st_size > 5000
    assert "Traceback" not in done.stderr


def test_untouched_stubs_get_one_line_naming_the_exercise(student_root, tmp_path):
    done = run_cli(
        "--root", str(student_root.path), "run", "rbm", "--impl", "exercises", "--quick",
        "--out", str(tmp_path),
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "workshop: --impl exercises: RBM.contrastive_divergence (Exercise 3.5) is not written "
        "yet: finish it (workshop check 3.5) before training your layers"
    )


def test_the_students_own_rbm_and_dbn_train(student_root, tmp_path):
    student_root.use("rbm", "rbm_einsum.py")
    student_root.use("dbn", "dbn_sequential.py")
    done = run_cli(
        "--root", str(student_root.path), "run", "rbm", "--impl", "exercises", "--quick",
        "--out", str(tmp_path),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert len(pd.read_csv(tmp_path / "dbn.csv")) == 4


@pytest.mark.slow
def test_full_run_pcd_learns_and_rbm_features_help_a_linear_classifier(tmp_path):
    done = run_cli("run", "rbm", "--out", str(tmp_path), timeout=3600)
    assert done.returncode == 0, done.stderr[-3000:]
    likelihood = pd.read_csv(tmp_path / "likelihood.csv").set_index("method")
    ours = likelihood.loc["PCD-1", "test log-likelihood (nats)"]
    theirs = likelihood.loc["scikit-learn BernoulliRBM (PCD-1)", "test log-likelihood (nats)"]
    assert ours > theirs - 0.5
    dbn = pd.read_csv(tmp_path / "dbn.csv")
    assert (dbn["test accuracy %"] > 80).all()
