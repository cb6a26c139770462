"""Every docstring example runs as a student following it would run it: against the
independent, student-style answers of tests/implementations/ laid over the stubs (the
reference's own run is in test_solutions). A student trial found an example that crashed
on code the grader gave full marks (issue 17)."""

import subprocess
import sys

from conftest import REPO

# One student-style answer per exercise module.
ANSWERS = {
    "adversarial": "adversarial_tape.py",
    "ais": "ais_loops.py",
    "augment": "augment_loops.py",
    "boltzmann": "boltzmann_loops.py",
    "contrast": "contrast_padded.py",
    "conv": "conv_loops.py",
    "dbn": "dbn_sequential.py",
    "exploration": "exploration_loops.py",
    "inception": "inception_sequential.py",
    "local": "local_positions.py",
    "lstm": "lstm_sliced.py",
    "metrics": "metrics_sorted.py",
    "network": "network_sequential.py",
    "pooling": "pooling_stacked.py",
    "qlearning": "qlearning_onehot.py",
    "rbm": "rbm_einsum.py",
    "replay": "replay_counter.py",
    "response": "response_cumsum.py",
    "rnn": "rnn_complete.py",
    "sequences": "sequences_onehot.py",
    "tica": "tica_einsum.py",
    "updown": "updown_loops.py",
}

RUN_EXAMPLES = """
import doctest, importlib, sys
import keras, numpy as np
for name in sys.argv[1:]:
    module = importlib.import_module("exercises." + name)
    failures, tried = doctest.testmod(module, extraglobs={"np": np, "keras": keras})
    print("RESULT", name, failures, tried, flush=True)
"""


def run_examples(root):
    done = subprocess.run(
        [sys.executable, "-c", RUN_EXAMPLES, *sorted(ANSWERS)],
        cwd=root,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "TF_CPP_MIN_LOG_LEVEL": "3"},
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = [line.split()[1:] for line in done.stdout.splitlines() if line.startswith("RESULT")]
    return {name: (int(failures), int(tried)) for name, failures, tried in results}, done


def test_every_module_has_an_answer():
    modules = {p.stem for p in (REPO / "exercises").glob("*.py") if p.stem != "__init__"}
    assert modules == set(ANSWERS)


def test_every_docstring_example_runs_on_student_style_answers(student_root):
    for module, answer in ANSWERS.items():
        student_root.use(module, answer)
    # The trial's RBM: no float32 conversion of NumPy input before `u < p`.
    student_root.edit("rbm", 'data = ops.cast(v, "float32")', "data = v")
    counts, done = run_examples(student_root.path)
    assert set(counts) == set(ANSWERS), done.stdout
    for name, (failures, tried) in counts.items():
        assert tried > 0 and failures == 0, (name, done.stdout[-3000:])
