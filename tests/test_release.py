"""`workshop release`: the student copy has no solutions, passes its own check on the
untouched stubs, gives full points to a correct answer and the same report as the
instructors' copy to a wrong one, with `solutions` impossible to import."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import REPO
from test_run_cnn import run_cli

from workshop import catalog, edition, release
from workshop.grader.grading import DEFAULT_SEED

QUICK = ("maxpool", "l2pool")
CORPUS = REPO / "tests" / "submissions"

# `solutions` made unimportable, as on a student's machine that never had it.
NO_SOLUTIONS = (
    "import sys; sys.modules['solutions'] = None\n"
    "import workshop; assert workshop.__file__.startswith({root!r}), workshop.__file__\n"
    "from workshop.cli import main; sys.exit(main({args!r}))"
)


EVERY_COMMAND = (
    "import sys; sys.modules['solutions'] = None\n"
    "import workshop; assert workshop.__file__.startswith({root!r}), workshop.__file__\n"
    "from workshop.cli import main\n"
    "for args in {commands!r}:\n"
    "    try:\n"
    "        code = main(args)\n"
    "    except SystemExit as stop:\n"
    "        code = stop.code\n"
    "    print('EXIT', ' '.join(args), code, sep='\\t', flush=True)\n"
)


def in_release(root, *args):
    return subprocess.run(
        [sys.executable, "-c", NO_SOLUTIONS.format(root=str(root), args=list(args))],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=1200,
        env=dict(os.environ, PYTHONPATH=str(root)),
    )


def drop_in_solutions(root, modules):
    """A correct implementation, as a student would write it: the reference's files."""
    for module in modules:
        text = (REPO / "solutions" / f"{module}.py").read_text()
        text = text.replace('package="solutions"', 'package="exercises"')
        (root / "exercises" / f"{module}.py").write_text(text)


@pytest.fixture(scope="module")
def quick_release(tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / "student"
    exercises = [catalog.find(slug) for slug in QUICK]
    release.build(REPO, out, DEFAULT_SEED, progress=lambda line: None, exercises=exercises)
    return out


def test_the_release_ships_no_solution_code(quick_release):
    shipped = {p.relative_to(quick_release).parts[0] for p in quick_release.iterdir()}
    assert not shipped & {"solutions", "tests", "benchmarks"}
    assert release.scan(quick_release, REPO) == []
    assert "solutions" not in (quick_release / "setup.cfg").read_text()
    assert list((quick_release / "workshop" / "reference_data").glob("maxpool-*.json"))
    # The mistakes' messages ship (to name them); the contributors' guide quotes their code.
    assert (quick_release / "workshop" / "reference_data" / "maxpool-mistakes.json").is_file()
    assert not (quick_release / "docs" / "adding-an-exercise.md").exists()
    # One notebook per part, for Colab; not the script that writes them.
    assert len(list((quick_release / "notebooks").glob("*.ipynb"))) == 3
    assert not (quick_release / "notebooks" / "make_notebooks.py").exists()


def test_the_copy_ships_the_student_pages_built(quick_release):
    """The student part of the site, built: the notes, the student page, the experiment
    pages, MathJax; not the instructors' pages, nor a figure that shows an answer."""
    built = quick_release / "site"
    for page in ("index.html", "students.html", "experiments/ksh.html", "notes/zh/index.html"):
        assert (built / page).is_file(), page
    assert (built / "mathjax" / "tex-svg.js").is_file()
    assert not (built / "instructors.html").exists()
    assert not (quick_release / "docs" / "grading-boundary.md").exists()
    assert not list(quick_release.rglob("adversarial_examples.png"))
    done = in_release(quick_release, "docs")
    assert done.returncode == 0, done.stderr
    assert (built / "index.html").resolve().as_uri() in done.stdout, done.stdout


def test_the_leak_scan_bites(quick_release, tmp_path):
    """A line of solution code pasted anywhere, or a withheld file, is found."""
    leaky = tmp_path / "leaky"
    shutil.copytree(quick_release, leaky)
    answer = sorted(release.solution_lines(REPO))[0]
    (leaky / "README.md").write_text((leaky / "README.md").read_text() + "\n" + answer + "\n")
    (leaky / "solutions").mkdir()
    (leaky / "solutions" / "pooling.py").write_text("")
    problems = release.scan(leaky, REPO)
    assert any("README.md holds solution code" in p for p in problems), problems
    assert any("withheld folder" in p for p in problems), problems


def test_stubs_are_not_attempted_in_the_release(quick_release):
    done = in_release(quick_release, "check", *QUICK, "--json")
    assert done.returncode == 1, done.stderr[-2000:]
    statuses = [e["status"] for e in json.loads(done.stdout)["exercises"]]
    assert statuses == ["not attempted", "not attempted"]
    assert "public" not in done.stdout  # no checks ran, so no hidden-check line either


def test_a_wrong_answer_gets_the_same_report_as_in_the_repository(quick_release, tmp_path):
    """The stored reference gives the judge exactly what the live one gives."""
    wrong = (CORPUS / "nan-outputs" / "exercises" / "pooling.py").read_text()
    shutil.copytree(REPO / "exercises", tmp_path / "exercises")
    (tmp_path / "exercises" / "pooling.py").write_text(wrong)
    (quick_release / "exercises" / "pooling.py").write_text(wrong)
    here = run_cli("--root", str(tmp_path), "check", *QUICK, "--json")
    there = in_release(quick_release, "check", *QUICK, "--json")
    assert there.returncode == 1, there.stderr[-2000:]
    assert without_paths(there.stdout, tmp_path, quick_release) == without_paths(
        here.stdout, tmp_path, quick_release
    )
    assert "NaN" in there.stdout


def without_paths(text, *folders):  # tracebacks name each copy's own folder
    for folder in folders:
        text = text.replace(str(folder), "ROOT")
    return text


def test_practice_seeds_and_the_rehearsal_give_the_repositorys_reports(quick_release, tmp_path):
    """A student copy checks at the practice seeds, and --rehearse runs the hidden
    cases at the practice hidden seed, as the repository does; other seeds are refused,
    and grading refuses the practice hidden seed, whose hidden results the copy ships."""
    wrong = (CORPUS / "nan-outputs" / "exercises" / "pooling.py").read_text()
    shutil.copytree(REPO / "exercises", tmp_path / "exercises")
    (tmp_path / "exercises" / "pooling.py").write_text(wrong)
    (quick_release / "exercises" / "pooling.py").write_text(wrong)
    practice = ("maxpool", "--json", "--seed", "2", "--rehearse")
    here = run_cli("--root", str(tmp_path), "check", *practice)
    there = in_release(quick_release, "check", *practice)
    assert there.returncode == 1, there.stderr[-2000:]
    assert without_paths(there.stdout, tmp_path, quick_release) == without_paths(
        here.stdout, tmp_path, quick_release
    )
    rehearsed = json.loads(there.stdout)["exercises"][0]
    assert all(c["hidden"] for c in rehearsed["checks"])  # every check ran on hidden cases
    assert "failed" in {c["hidden"] for c in rehearsed["checks"]}
    drop_in_solutions(quick_release, ["pooling"])
    done = in_release(quick_release, "check", "maxpool", "--rehearse", "--seed", "1")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "Total 10/10." in done.stdout and "hidden" in done.stdout
    refused = run_cli("grade", str(tmp_path), "--out", str(tmp_path / "out"), "--hidden-seed", "3")
    assert refused.returncode == 2 and "practice hidden seed" in refused.stderr
    assert not (tmp_path / "out").exists()


def test_a_correct_answer_gets_full_points_in_the_release(quick_release):
    drop_in_solutions(quick_release, ["pooling"])
    done = in_release(quick_release, "check", *QUICK)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "Total 20/20." in done.stdout
    assert "reference results were made with" not in done.stdout  # the same versions
    assert "public checks: 8 of 8 passed, 10/10 points" in done.stdout


def test_the_release_records_its_versions_and_check_names_a_difference(quick_release):
    recorded = quick_release / "workshop" / "reference_data" / "versions.json"
    made = json.loads(recorded.read_text())
    assert made == edition.installed_versions() and made["tensorflow"] and made["keras"]
    assert (quick_release / "constraints.txt").read_text() == (REPO / "constraints.txt").read_text()
    try:
        recorded.write_text(json.dumps(dict(made, keras="3.0.0")))
        other = in_release(quick_release, "check", "maxpool")
    finally:
        recorded.write_text(json.dumps(made))
    line = next(x for x in other.stdout.splitlines() if "reference results were made" in x)
    assert f"made with keras 3.0.0; you have keras {made['keras']}" in line, line
    assert "pip install -c constraints.txt" in line


def test_the_release_refuses_what_needs_solutions(quick_release):
    for args, phrase in (
        (("check", "maxpool", "--seed", "5"), "practice seeds 1 and 2: use one of them"),
        (("selfcheck",), "no solutions/"),
        (("grade", str(CORPUS), "--out", "x"), "no solutions/"),
    ):
        done = in_release(quick_release, *args)
        assert done.returncode == 2 and phrase in done.stderr, (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_full_release_stubs_zero_solutions_full_marks(tmp_path):
    out = tmp_path / "student"
    done = run_cli("release", str(out))
    assert done.returncode == 0, done.stderr[-3000:]
    stubs = in_release(out, "check", "--json")
    assert {e["status"] for e in json.loads(stubs.stdout)["exercises"]} == {"not attempted"}
    drop_in_solutions(out, sorted({e.module for e in catalog.EXERCISES}))
    full = in_release(out, "check")
    assert full.returncode == 0, full.stdout[-3000:]
    total = sum(e.max_points for e in catalog.EXERCISES)
    assert f"Total {total:g}/{total:g}." in full.stdout


def readme_commands(readme):
    """Every command line of the README's bash blocks, comments cut."""
    commands, inside = [], False
    for line in readme.splitlines():
        if line.startswith("```"):
            inside = line.strip() == "```bash"
            continue
        if inside and line.split("#")[0].strip():
            commands.append(line.split("  #")[0].strip())
    return commands


def test_the_copys_own_readme_is_for_students_and_its_commands_run(quick_release):
    readme = (quick_release / "README.md").read_text(encoding="utf-8")
    for withheld in ("solutions", "tests/", "benchmarks", ".ci", "pytest", "selfcheck"):
        assert withheld not in readme, withheld
    for exercise in catalog.EXERCISES:
        assert f"| {exercise.id} | `{exercise.slug}` |" in readme
    commands = readme_commands(readme)
    assert commands[0].startswith("python3 -m venv")  # the install: run in the slow test
    assert any(c.startswith("workshop run ") for c in commands)
    assert any(c.startswith("workshop hint ") for c in commands)
    workshop = [c.split()[1:] for c in commands[1:] if c.startswith("workshop ")]
    others = [c.split() for c in commands[1:] if not c.startswith("workshop ")]
    # Every workshop command in one process (TensorFlow imported once), as the CLI runs it.
    done = subprocess.run(
        [sys.executable, "-c", EVERY_COMMAND.format(root=str(quick_release), commands=workshop)],
        cwd=quick_release, capture_output=True, text=True, timeout=1200,
        env=dict(os.environ, PYTHONPATH=str(quick_release)),
    )  # fmt: skip
    exits = [line.split("\t") for line in done.stdout.splitlines() if line.startswith("EXIT\t")]
    assert [args for _, args, _ in exits] == [" ".join(w) for w in workshop], done.stderr[-2000:]
    for _, args, code in exits:
        # 1 is a stub not attempted (check) or not written yet (run): never a usage error.
        assert code in ("0", "1"), (args, code, done.stderr[-2000:])
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    for words in others:
        assert words[0] == "python", words
        ran = subprocess.run([sys.executable, *words[1:]], cwd=quick_release, capture_output=True)
        assert ran.returncode == 0, (words, ran.stderr[-2000:])
    assert (quick_release / "exercises.zip").stat().st_size > 1000
    ignored = (quick_release / ".gitignore").read_text().split()
    assert {".venv/", ".workshop/", "runs/", "exercises.zip"} <= set(ignored)


@pytest.mark.slow
def test_the_copys_install_command_works_in_a_fresh_virtualenv(quick_release):
    """The README's first command, as a student types it, then the copy's own check."""
    install = readme_commands((quick_release / "README.md").read_text(encoding="utf-8"))[0]
    done = subprocess.run(
        ["bash", "-c", f"{install} && workshop list && workshop check maxpool"],
        cwd=quick_release,
        capture_output=True,
        text=True,
        timeout=3000,
        env={k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")},
    )
    assert "not attempted" in done.stdout, (done.stdout[-2000:], done.stderr[-2000:])
    assert done.returncode == 1  # the stub is not attempted: check says so and fails
    assert "Traceback" not in done.stderr
