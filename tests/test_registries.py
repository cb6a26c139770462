"""What a new exercise or experiment relies on: the kinds implement one interface, the
experiments and commands are found by their registries, and building the command line
imports no TensorFlow (a typo is answered at once)."""

import subprocess
import sys

from conftest import REPO

from workshop import catalog
from workshop.commands import COMMANDS
from workshop.experiments.experiment import Experiment
from workshop.experiments.registry import experiments
from workshop.grader.kinds.kind import GradingKind


def test_every_exercise_has_a_grading_kind_with_its_points_and_stages():
    for exercise in catalog.EXERCISES:
        assert isinstance(exercise.kind, GradingKind), exercise.slug
        assert exercise.max_points == sum(exercise.kind.points(exercise).values()) > 0
        stages = exercise.kind.stages(exercise)
        assert set(exercise.kind.reference_stages(exercise)) <= set(stages), exercise.slug
        hidden = exercise.kind.hidden_cases(exercise)
        assert len(hidden) == len(exercise.cases) and hidden != exercise.cases, exercise.slug


def test_every_experiment_package_is_found():
    found = experiments()
    assert sorted(found) == [
        "adversarial",
        "cnn",
        "dqn",
        "googlenet",
        "ksh",
        "lrmd",
        "multidigit",
        "rbm",
        "rnn",
    ]
    for name, experiment in found.items():
        assert isinstance(experiment, Experiment) and experiment.name == name


def test_the_cli_has_every_command_and_experiment():
    from workshop.cli import build_parser

    parser = build_parser()
    names = [command.name for command in COMMANDS]
    assert names == [
        "init",
        "list",
        "check",
        "hint",
        "watch",
        "release",
        "selfcheck",
        "grade",
        "gradebook",
        "report",
        "autograder",
        "run",
        "docs",
    ]
    for experiment in experiments():
        args = parser.parse_args(["run", experiment, "--quick"])
        assert args.experiment == experiment and args.quick


def test_building_the_command_line_and_the_catalog_imports_no_tensorflow():
    probe = (
        "import sys; from workshop.cli import build_parser; from workshop import catalog; "
        "build_parser(); [e.max_points for e in catalog.EXERCISES]; "
        "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_every_experiment_says_whether_its_quick_run_learned_and_a_test_holds_it():
    """Issue 30, item 4: each experiment reads its signs of learning (`learned`), and its
    quick-run test requires each beyond chance or labelled a smoke run."""
    for name, experiment in experiments().items():
        assert type(experiment).learned is not Experiment.learned, name
        source = (REPO / "tests" / f"test_run_{name}.py").read_text(encoding="utf-8")
        assert "assert_learned(" in source, f"tests/test_run_{name}.py checks no quick run"


def test_a_sign_of_learning_is_judged_against_chance_and_its_luck():
    from workshop.experiments.experiment import Learned, chance_percent

    chance, noise = chance_percent(10, 360)  # 10% ± 4.7 on 360 test images
    assert chance == 10 and round(noise, 1) == 4.7
    assert Learned("accuracy", 15.0, chance, noise).beyond_chance
    assert not Learned("accuracy", 14.0, chance, noise).beyond_chance
    assert Learned("error", 80.0, 90.0, 5.0, higher_is_better=False).beyond_chance
    assert not Learned("error", 86.0, 90.0, 5.0, higher_is_better=False).beyond_chance
    smoke = Learned("error", 89.0, 90.0, 5.0, higher_is_better=False, smoke="1 epoch")
    assert smoke.line().endswith("NOT beyond chance (a smoke run: 1 epoch)")
    # A label never hides a run that learned.
    assert "smoke" not in Learned("error", 20.0, 90.0, 5.0, False, smoke="1 epoch").line()
