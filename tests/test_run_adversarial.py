"""`workshop run adversarial`: untouched stubs, the quick run with the student's own
fgsm and adversarial objective, wrong flags, and the full run's findings (slow)."""

import pandas as pd
import pytest
from conftest import assert_learned, run_cli


def test_untouched_stubs_get_one_line_naming_the_exercise(student_root, tmp_path):
    done = run_cli(
        "--root", str(student_root.path), "run", "adversarial", "--impl", "exercises",
        "--quick", "--out", str(tmp_path),
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "workshop: --impl exercises: fgsm (Exercise 2.9) is not written yet: finish it "
        "(workshop check 2.9) before training your layers"
    )


def test_quick_run_with_the_students_own_attack_and_objective(student_root, tmp_path):
    student_root.use("adversarial", "adversarial_tape.py")
    done = run_cli(
        "--root", str(student_root.path), "run", "adversarial", "--impl", "exercises",
        "--quick", "--strategy", "mirrored", "--out", str(tmp_path),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert_learned(tmp_path)
    assert "on 2 replica(s) (mirrored)" in done.stdout
    attacks = pd.read_csv(tmp_path / "attacks.csv").set_index("model")
    assert list(attacks.index) == [
        "softmax",
        "mlp",
        "cnn",
        "mlp, adversarially trained",
        "cnn, adversarially trained",
    ]
    # Even after two epochs the attack beats the plain models.
    for kind in ("softmax", "mlp"):
        assert attacks.loc[kind, "error % at ε=0.25"] > attacks.loc[kind, "clean error %"] + 30
    transfer = pd.read_csv(tmp_path / "transfer.csv", index_col=0)
    assert transfer.shape == (5, 5)
    paper = pd.read_csv(tmp_path / "paper.csv")
    assert paper["model"].str.startswith("Goodfellow et al. 2014").sum() == 3
    for picture in ("error_vs_epsilon.png", "examples.png"):
        assert (tmp_path / picture).stat().st_size > 5000
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "flags, message",
    [(["--epochs", "0"], "--epochs must be positive"),
     (["--train-epsilon", "2"], "--train-epsilon must be in (0, 1]")],
)  # fmt: skip
def test_wrong_flags_get_one_line_and_exit_code_2(flags, message, tmp_path):
    done = run_cli("run", "adversarial", *flags, "--out", str(tmp_path))
    assert done.returncode == 2
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_full_run_reproduces_the_papers_shape(tmp_path):
    """Goodfellow et al. 2014 on MNIST at ε = 0.25: a softmax regression wrong on 99.9%,
    adversarial training cutting the error to 17.9%, clean error no worse."""
    done = run_cli("run", "adversarial", "--out", str(tmp_path), timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    attacks = pd.read_csv(tmp_path / "attacks.csv").set_index("model")
    assert attacks.loc["softmax", "error % at ε=0.25"] > 95
    assert attacks.loc["cnn", "error % at ε=0.25"] > 80
    trained = attacks.loc["cnn, adversarially trained"]
    assert trained["error % at ε=0.25"] < attacks.loc["cnn", "error % at ε=0.25"] / 2
    assert trained["clean error %"] < 5
