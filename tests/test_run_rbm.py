"""`workshop run rbm`: the quick run (with the student's own code) in the default test
run, untouched stubs, and the full run's findings (slow)."""

import pandas as pd
import pytest
from conftest import assert_learned, run_cli


def test_untouched_stubs_get_one_line_naming_the_exercise(student_root, tmp_path):
    done = run_cli(
        "--root",
        str(student_root.path),
        "run",
        "rbm",
        "--impl",
        "exercises",
        "--quick",
        "--out",
        str(tmp_path),
    )
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "workshop: --impl exercises: RBM.contrastive_divergence (Exercise 3.5) is not written "
        "yet: finish it (workshop check 3.5) before training your layers"
    )


def test_quick_run_with_the_students_own_rbm_dbn_ais_and_updown(student_root, tmp_path):
    """The smoke run (the solutions' path differs only in where the classes come from)."""
    student_root.use("rbm", "rbm_einsum.py")
    student_root.use("dbn", "dbn_sequential.py")
    student_root.use("ais", "ais_loops.py")
    student_root.use("updown", "updown_loops.py")
    done = run_cli(
        "--root",
        str(student_root.path),
        "run",
        "rbm",
        "--impl",
        "exercises",
        "--quick",
        "--out",
        str(tmp_path),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert_learned(tmp_path)
    assert_learned(tmp_path)
    likelihood = pd.read_csv(tmp_path / "likelihood.csv")
    assert likelihood["method"].tolist() == [
        "CD-1",
        "CD-10",
        "PCD-1",
        "scikit-learn BernoulliRBM (PCD-1)",
    ]
    assert (likelihood["test log-likelihood (nats)"] < 0).all()
    assert len(pd.read_csv(tmp_path / "likelihood_curves.csv")) == 3  # epoch 0 and 2 more
    assert pd.read_csv(tmp_path / "speed.csv")["ratio ours / scikit-learn"].gt(0).all()
    features = pd.read_csv(tmp_path / "features.csv")
    assert features["input"].tolist() == ["raw pixels", "RBM features"]
    ais = pd.read_csv(tmp_path / "ais.csv")
    assert ais["RBM"].tolist() == ["8 hidden, PCD-1"] * 2 + ["16 hidden, features"] * 2
    assert ais["K"].tolist() == [10, 100, 10, 100]
    assert (ais["AIS − exact"].abs() < 1.0).all()  # 20 runs: rough, but not far off
    dbn = pd.read_csv(tmp_path / "dbn.csv")
    assert dbn["start"].tolist() == ["pre-trained", "random", "pre-trained", "random"]
    updown = pd.read_csv(tmp_path / "updown.csv")
    assert updown["data"].tolist() == ["digits"] * 3 + ["MNIST"]  # before, after, backprop
    assert updown["test error %"].between(0, 100).all()
    for picture in ("likelihood.png", "filters.png", "samples.png", "classes.png"):
        assert (tmp_path / picture).stat().st_size > 5000
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_full_run_pcd_learns_and_rbm_features_help_a_linear_classifier(tmp_path):
    done = run_cli("run", "rbm", "--out", str(tmp_path), timeout=3600)
    assert done.returncode == 0, done.stderr[-3000:]
    likelihood = pd.read_csv(tmp_path / "likelihood.csv").set_index("method")
    ours = likelihood.loc["PCD-1", "test log-likelihood (nats)"]
    theirs = likelihood.loc["scikit-learn BernoulliRBM (PCD-1)", "test log-likelihood (nats)"]
    assert ours > theirs - 0.5
    # AIS at Salakhutdinov & Murray's K = 14,500 within 0.1 nats of the exact log Z.
    ais = pd.read_csv(tmp_path / "ais.csv")
    largest = ais[(ais["K"] == 14500) & ais["exact log Z"].notna()]
    assert len(largest) == 2 and (largest["AIS − exact"].abs() < 0.1).all()
    assert ais["test LL by AIS"].notna().all()
    dbn = pd.read_csv(tmp_path / "dbn.csv")
    assert (dbn["test accuracy %"] > 80).all()
    # Up-down lowers the free-energy classifier's test error (one seed).
    updown = pd.read_csv(tmp_path / "updown.csv")["test error %"].tolist()
    assert updown[1] < updown[0]
