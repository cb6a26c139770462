"""`check` and `%check` in a notebook: the HTML report on real results, the text report
outside a notebook, one line for a wrong name, a real notebook run in a kernel, and the
notebooks in notebooks/ (valid, made from the current stubs, naming real exercises)."""

import importlib.util
import json
import re
import time
from html.parser import HTMLParser

import nbformat
import pytest
from conftest import IMPLEMENTATIONS, REPO
from splice import splice

import workshop
from workshop import catalog, notebook
from workshop.cli import main
from workshop.commands.picking import pick_exercises
from workshop.errors import UsageError
from workshop.grader import results
from workshop.grader.grading import DEFAULT_SEED, grade
from workshop.grader.loading import (
    FolderImplementation,
    PackageImplementation,
    SwappedImplementation,
)

NOTEBOOKS = REPO / "notebooks"
STUB_LINE = 'raise NotImplementedError("Exercise 1.2: MaxPool2D.call")'
TOPK = catalog.find("topk")  # NumPy probes: graded in a fraction of a second
# A student's own argsort: ties at the k-th place broken by position (tests/test_grader.py).
TIES_BY_POSITION = (
    "if scores[row, int(label)] >= bar[row]:",
    "if int(label) in np.argsort(-scores[row], kind='stable')[:k]:",
)


class Tags(HTMLParser):
    """Every start tag matched by its end tag, in order: the HTML is well formed."""

    def __init__(self):
        super().__init__()
        self.open, self.problems = [], []

    def handle_starttag(self, tag, attrs):
        self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open.pop() != tag:
            self.problems.append(tag)


def well_formed(text):
    tags = Tags()
    tags.feed(text)
    tags.close()
    return not tags.open and not tags.problems


def known_mistake(exercise):
    from solutions.mistakes import registered

    mistake = registered(exercise.id)[0]
    solutions = PackageImplementation("solutions")
    wrong = SwappedImplementation(solutions, {(exercise.module, exercise.name): mistake.wrong}, "")
    return mistake, wrong


def test_the_html_report_on_real_results(student_root):
    mistake, wrong = known_mistake(TOPK)
    (right,) = grade([TOPK], PackageImplementation("solutions"))
    (stub,) = grade([TOPK], FolderImplementation(student_root.path))
    (mistaken,) = grade([TOPK], wrong)
    assert (right.status, stub.status, mistaken.status) == (
        results.PASSED,
        results.NOT_ATTEMPTED,
        results.FAILED,
    )
    shown = notebook.Results(
        [right, stub, mistaken], DEFAULT_SEED, "Grading here/", hints_seen={"topk": 1}
    )
    page = shown._repr_html_()
    assert well_formed(page)
    assert page.count("<table") == 2  # the stub has no checks, only its reason
    assert "Grading here/" in page and "<b>Total 17/30.</b>" in page
    failed = [c for c in mistaken.checks if not c.passed]
    for check in failed:  # a failed row, red, and its message under it
        row = f'<tr class="fail" style="{notebook.FAILED_ROW}"><td style="text-align: left;'
        assert f'{row} {notebook.CELL}">{check.name}</td>' in page
        assert f'color: {notebook.RED}; font-weight: bold; {notebook.CELL}">failed</td>' in page
        assert notebook._e(check.message) in page
    assert page.count('class="fail"') == len(failed) and page.count('class="ok"') == 3 + 2
    assert f"Likely mistake:</b> {notebook._e(mistake.message)}</p>" in page
    assert "still the stub" in page and "not attempted" in page
    # Hints: the one seen, folded; the next named; none for the exercise that passed.
    assert page.count("<summary>Hint 1 of 3</summary>") == 2
    assert page.count("shows hint 2 of 3") == 2
    assert "Stuck?" not in notebook.exercise_html(right, 1)
    assert 'check("topk", "topk", seed=20261127)' in page  # both failing results are topk's
    # The hidden run, as at instructor grading, gets its own column.
    (hidden,) = grade([TOPK], wrong, hidden_seed=11)
    hidden_page = notebook.exercise_html(hidden, 3)
    assert "hidden cases</th>" in hidden_page and "On the hidden cases" in hidden_page
    assert "That was the last hint" in hidden_page and well_formed(hidden_page)


def test_outside_a_notebook_check_prints_the_commands_report(student_root, capsys):
    student_root.use("metrics", "metrics_sorted.py")
    student_root.edit("metrics", *TIES_BY_POSITION)
    assert main(["--root", str(student_root.path), "check", "topk", "maxpool"]) == 1
    command = capsys.readouterr().out
    found = workshop.check("2.7", "maxpool", root=student_root.path)
    printed = capsys.readouterr().out
    assert printed == command == str(found) + "\n"
    assert command.startswith(f"Grading {student_root.path.resolve()}/exercises/\n")
    assert [r.status for r in found] == [results.FAILED, results.NOT_ATTEMPTED]
    assert repr(found) == (
        "<workshop results: topk 7/10 failed, maxpool 0/10 not attempted; total 7/20>"
    )
    state = json.loads((student_root.path / ".workshop" / "state.json").read_text())
    assert state["progress"]["topk"]["points"] == 7  # remembered, as by the command


def test_a_wrong_name_or_option_is_one_line():
    for call in (
        lambda: workshop.check("nope"),
        lambda: workshop.check("conv", time_limit=0),
        lambda: workshop.hint("nope"),
        lambda: notebook.check_magic("conv --seed x"),
        lambda: notebook.hint_magic(""),
    ):
        with pytest.raises(UsageError) as raised:
            call()
        (line,) = raised.value._render_traceback_()  # what IPython shows instead of frames
        assert line.startswith("workshop: ") and "\n" not in line
    assert "unknown exercise 'nope'; choose from 1.1 (conv)" in str(
        pytest.raises(UsageError, workshop.check, "nope").value
    )


def test_import_workshop_leaves_tensorflow_and_ipython_alone():
    import subprocess
    import sys

    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, workshop; workshop.folder; "
            "print(sorted(m for m in ('tensorflow', 'keras', 'IPython') if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert done.stdout.strip() == "[]", done.stderr[-2000:]


def outputs(cell, kind):
    return [o for o in cell.outputs if o.output_type == kind]


def test_a_notebook_runs_in_a_kernel_and_shows_the_report(student_root, monkeypatch):
    """Part 2's notebook as a student runs it, in a real kernel started in their folder:
    the install cell (a no-op outside Colab), %load_ext, the %%writefile cell holding their
    answer (a known mistake), %check, %hint, check() of the part's stubs; then a 1-second
    limit on an endless loop (a layer's: the probe kind cannot judge a timed-out stage
    yet), and a wrong name."""
    from nbclient import NotebookClient

    book = nbformat.read(NOTEBOOKS / "part2-image-recognition.ipynb", as_version=4)
    cells = {cell.id: cell for cell in book.cells}
    write = next(c for c in book.cells if c.source.startswith("%%writefile exercises/metrics.py"))
    stub = (REPO / "exercises" / "metrics.py").read_text(encoding="utf-8")
    answer = splice(stub, (IMPLEMENTATIONS / "metrics_sorted.py").read_text(encoding="utf-8"))
    write.source = "%%writefile exercises/metrics.py\n" + answer.replace(*TIES_BY_POSITION)
    pooling = (REPO / "exercises" / "pooling.py").read_text(encoding="utf-8")
    endless = nbformat.v4.new_code_cell(
        "%%writefile exercises/pooling.py\n"
        + pooling.replace(STUB_LINE, "while True:\n            pass", 1)
    )
    wrong = nbformat.v4.new_code_cell('check("nope")', metadata={"tags": ["raises-exception"]})
    book.cells += [endless, nbformat.v4.new_code_cell("%check maxpool --time-limit 1"), wrong]
    monkeypatch.setenv("PYTHONPATH", str(REPO))  # the kernel imports this checkout
    started = time.monotonic()
    NotebookClient(
        book,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(student_root.path)}},
    ).execute()
    took = time.monotonic() - started
    assert took < 60, f"{took:.0f} s: mark the test slow"  # 6 s on 2 cores

    here = student_root.path.resolve()
    (setup,) = outputs(cells["code-4"], "stream")
    assert setup.text == f"Working in {here}\n"
    (checked,) = outputs(cells["code-8"], "execute_result")
    assert not [o for o in outputs(cells["code-8"], "stream") if o.name == "stdout"]  # no text
    page = checked.data["text/html"]
    assert f"Grading {here}/exercises/" in page and well_formed(page)
    assert '<tr class="fail"' in page and f"color: {notebook.RED}; font-weight: bold" in page
    assert "Likely mistake:</b> ties broken by position" in page
    assert "shows hint 1 of 3" in page
    assert checked.data["text/plain"] == "<workshop results: topk 7/10 failed; total 7/10>"
    (hinted,) = outputs(cells["code-10"], "stream")
    assert hinted.text.startswith("Exercise 2.7 (topk), hint 1 of 3:")
    (others,) = outputs(cells["code-12"], "execute_result")
    part = [e for e in catalog.EXERCISES if e.id.startswith("2.") and e.slug != "topk"]
    assert others.data["text/html"].count("not attempted</span></h4>") == len(part)
    (limited,) = outputs(book.cells[-2], "execute_result")
    assert re.search(
        r"timed out after 1 s in MaxPool2D.call \(exercises/pooling.py line \d+\)",
        limited.data["text/html"],
    )
    (error,) = outputs(wrong, "error")
    assert error.traceback == [
        f"workshop: {pytest.raises(UsageError, pick_exercises, ['nope']).value}"
    ]
    state = json.loads((here / ".workshop" / "state.json").read_text())
    assert state["hints"] == {"topk": 1} and state["progress"]["topk"]["points"] == 7


CALLS = (
    re.compile(r"^%check\b(.*)$", re.M),
    re.compile(r"^%hint\b(.*)$", re.M),
    re.compile(r"\b(?:check|hint)\(([^)]*)\)"),
)


def named_exercises(source):
    """The exercise names a cell's %check, %hint, check(...) and hint(...) give."""
    names = []
    for pattern in CALLS:
        for arguments in pattern.findall(source):
            quoted = re.findall(r'"([^"]+)"', arguments)
            words = iter(arguments.split())
            # Every option of %check and %hint takes a value: skip both.
            names += quoted or [w for w in words if not (w.startswith("-") and next(words))]
    return names


def test_every_notebook_is_valid_and_names_existing_exercises():
    books = sorted(NOTEBOOKS.glob("*.ipynb"))
    assert len(books) == 3, books  # one per part
    named = set()
    for path in books:
        book = nbformat.read(path, as_version=4)
        nbformat.validate(book)
        code = [cell for cell in book.cells if cell.cell_type == "code"]
        assert all(not cell.outputs and cell.execution_count is None for cell in code), path
        in_book = [name for cell in code for name in named_exercises(cell.source)]
        assert len(in_book) >= 3, (path, in_book)  # the written one, its hint, the others
        for name in in_book:
            assert catalog.find(name) is not None, (path.name, name)
        named.update(catalog.find(name).slug for name in in_book)
        for cell in code:
            written = re.match(r"%%writefile exercises/(\w+)\.py\n", cell.source)
            if written:
                assert (REPO / "exercises" / f"{written[1]}.py").is_file(), (path, written[1])
    assert named == {e.slug for e in catalog.EXERCISES}  # every exercise has its notebook
    assert named_exercises('%check conv --seed 3\ncheck("1.2", "l2pool")') == [
        "conv",
        "1.2",
        "l2pool",
    ]


def test_the_notebooks_are_made_from_the_current_stubs():
    spec = importlib.util.spec_from_file_location("make_notebooks", NOTEBOOKS / "make_notebooks.py")
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    made = maker.notebooks()
    assert sorted(made) == sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    for name, book in made.items():
        committed = nbformat.read(NOTEBOOKS / name, as_version=4)
        assert committed == book, f"notebooks/{name} is out of date: python {spec.origin}"
