"""`workshop run multidigit`: untouched stubs, the quick run with the student's own
sequence likelihood and decoder, a wrong flag, and the full run's findings (slow)."""

import pandas as pd
import pytest
from conftest import assert_learned, run_cli


def test_untouched_stubs_get_one_line_naming_the_exercise(student_root, tmp_path):
    done = run_cli(
        "--root", str(student_root.path), "run", "multidigit", "--impl", "exercises",
        "--quick", "--out", str(tmp_path),
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "workshop: --impl exercises: sequence_log_likelihood (Exercise 2.8) is not written "
        "yet: finish it (workshop check 2.8) before training your layers"
    )


def test_quick_run_with_the_students_own_likelihood_and_decoder(student_root, tmp_path):
    student_root.use("sequences", "sequences_onehot.py")
    done = run_cli(
        "--root", str(student_root.path), "run", "multidigit", "--impl", "exercises",
        "--quick", "--strategy", "mirrored", "--out", str(tmp_path),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert_learned(tmp_path)
    assert "on 2 replica(s) (mirrored)" in done.stdout
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert summary.loc[0, "training numbers"] == 2000 and summary.loc[0, "test numbers"] == 500
    assert summary.loc[1, "per-digit accuracy %"] == 97.84  # the paper's row
    by_length = pd.read_csv(tmp_path / "by_length.csv")
    assert by_length["length"].tolist() == [1, 2, 3, 4, 5]
    assert by_length["test numbers"].sum() == 500
    coverage = pd.read_csv(tmp_path / "coverage.csv")
    assert len(coverage) == 500 and coverage["coverage %"].iloc[-1] == 100
    for picture in ("coverage.png", "examples.png"):
        assert (tmp_path / picture).stat().st_size > 5000
    assert "Traceback" not in done.stderr


def test_a_wrong_flag_gets_one_line_and_exit_code_2(tmp_path):
    done = run_cli("run", "multidigit", "--epochs", "0", "--out", str(tmp_path))
    assert done.returncode == 2 and "--epochs must be positive" in done.stderr


@pytest.mark.slow
def test_full_run_reads_most_whole_numbers(tmp_path):
    done = run_cli("run", "multidigit", "--out", str(tmp_path), timeout=3600)
    assert done.returncode == 0, done.stderr[-3000:]
    ours = pd.read_csv(tmp_path / "summary.csv").iloc[0]
    # Measured 2026-12-01: whole numbers 51.68%, digits 74.43%, lengths 97.7%.
    assert ours["whole-number accuracy %"] > 40 and ours["per-digit accuracy %"] > 65
    assert ours["length accuracy %"] > 90
    by_length = pd.read_csv(tmp_path / "by_length.csv")
    # Longer numbers are harder: whole-number accuracy falls with the length.
    assert (
        by_length["whole-number accuracy %"].iloc[0] > by_length["whole-number accuracy %"].iloc[-1]
    )
