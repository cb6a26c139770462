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
