"""`workshop report GRADES_DIR`: the class report reads a graded batch and says what
share of the class made each named mistake, the pass rate of each check, the failures
no known mistake explains, and the timeouts; the page renders in headless Chromium."""

import json
import shutil
import subprocess

import pytest
from conftest import run_cli

from workshop import catalog
from workshop.class_report import summarise, write
from workshop.grader.grading import grade
from workshop.grader.loading import FolderImplementation


def _graded(root, slug):
    (result,) = grade([catalog.find(slug)], FolderImplementation(root.path), 7, hidden_seed=11)
    return result.to_dict()


def _write(
    folder, name, exercises, status="graded", notes=(), review=(), isolation="Landlock ABI 7"
):
    entry = {
        "submission": name,
        "status": status,
        "score": sum(e["points"] for e in exercises.values()),
        "max_score": 10,
        "exercises": exercises,
        "notes": list(notes),
        "review": list(review),
        "isolation": isolation,
    }
    path = folder / "submissions" / name
    path.mkdir(parents=True)
    (path / "grade.json").write_text(json.dumps(entry))


EVAL_FLAG = "exercises/pooling.py line 3: `eval(...)` runs text as code"


@pytest.fixture
def grades_dir(student_root, tmp_path):
    """Four students on max pooling: right, the window sum twice (a named mistake), one
    whose failure no mistake explains and who also timed out; and a broken zip."""
    out = tmp_path / "grades"
    student_root.use("pooling", "pooling_stacked.py")
    right = _graded(student_root, "maxpool")
    student_root.edit("pooling", "ops.max(", "ops.sum(")
    summed = _graded(student_root, "maxpool")
    unknown = json.loads(json.dumps(right))
    unknown["status"], unknown["points"] = "failed", 9.0
    unknown["checks"][-1].update(passed=False, message="timed out after 60 s in MaxPool2D.call")
    _write(out, "ada", {"maxpool": right})
    _write(out, "bob", {"maxpool": summed}, review=[EVAL_FLAG])
    _write(out, "cy", {"maxpool": summed})
    _write(out, "dee", {"maxpool": unknown})
    _write(
        out,
        "eve",
        {},
        status="not gradable",
        notes=["broken zip: not a zip file"],
        isolation="none (--isolation none): student code could read and write as the grader",
    )
    return out


def test_the_summary_counts_mistakes_checks_and_timeouts(grades_dir):
    from workshop.class_report import load

    summary = summarise(load(grades_dir))
    exercises = summary["exercises"].iloc[0]
    assert (exercises["full marks"], exercises["partial"], exercises["zero"]) == (1, 3, 0)
    mistakes = summary["mistakes"]
    assert mistakes.iloc[0]["mistake"] == "window sum" and mistakes.iloc[0]["submissions"] == 2
    assert mistakes.iloc[0]["share of the class %"] == 50.0  # 2 of the 4 graded
    unknown = summary["unknown"]
    assert unknown["failed, no mistake named"].sum() == 1  # dee's failure
    troubles = summary["troubles"]
    assert set(troubles["what"]) == {"timeout", "not gradable"}
    checks = summary["checks"].set_index("check")
    assert checks.loc["forward output", "pass rate %"] == 50.0


def test_the_command_writes_the_page_and_its_figures(grades_dir, tmp_path):
    done = run_cli("report", str(grades_dir))
    assert done.returncode == 0, done.stderr[-2000:]
    page = (grades_dir / "report" / "report.html").read_text(encoding="utf-8")
    for heading in ("Named mistakes", "Pass rate of every check", "Timeouts, crashes"):
        assert heading in page
    assert "window sum" in page and "broken zip" in page
    assert "For review" in page and "`eval(...)` runs text as code" in page
    assert "Graded WITHOUT isolation" in page  # eve's batch said --isolation none
    for picture in ("scores.png", "mistakes.png", "totals.png"):
        assert (grades_dir / "report" / picture).stat().st_size > 3000
        assert f"src='{picture}'" in page
    empty = run_cli("report", str(tmp_path / "nothing"))
    assert empty.returncode == 2 and "holds no graded submissions" in empty.stderr


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed")
def test_the_page_renders_in_headless_chromium(grades_dir, tmp_path):
    page = write(grades_dir)
    dom = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "Named mistakes" in dom.stdout and "<table" in dom.stdout
    shot = tmp_path / "page.png"
    subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1200,2400",
         f"--screenshot={shot}", page.as_uri()],
        capture_output=True, timeout=120,
    )  # fmt: skip
    assert shot.stat().st_size > 20_000
    # Every figure loaded: the browser reports each image's natural width.
    probe = tmp_path / "probe.html"
    probe.write_text(
        page.read_text().replace(
            "</body>",
            "<script>document.title = [...document.images].map(i => i.naturalWidth).join(',')"
            "</script></body>",
        )
    )
    shutil.copy(page.parent / "scores.png", tmp_path)
    for name in ("mistakes.png", "totals.png"):
        shutil.copy(page.parent / name, tmp_path)
    dom = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", probe.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    widths = dom.stdout.split("<title>")[1].split("</title>")[0].split(",")
    assert len(widths) == 3 and all(int(w) > 100 for w in widths), widths


def test_the_totals_histogram_gives_zero_points_a_bar_of_its_own():
    from workshop.class_report import score_bins

    for max_points, totals in ((20, (0, 1, 6, 20)), (230, (0, 6, 30, 230)), (10, (0, 10))):
        edges = score_bins(max_points)
        assert len(edges) - 1 <= 21
        bars = [sum(e <= t for e in edges) for t in totals]  # which bar each total is in
        assert len(set(bars)) == len(totals), (max_points, edges)  # no two share a bar
        assert edges[0] < 0 < edges[1] and edges[-1] > max_points
