"""`workshop run all`: every experiment in turn into one folder, resumable, and one page
with every table, figure and sign of learning (two experiments' quick runs here; every
experiment's own quick run has its test beside it)."""

import json
import os
import shutil
import subprocess

import pytest
from conftest import assert_learned, run_cli

CHOSEN = ("dqn", "rbm")


@pytest.fixture(scope="module")
def everything(data_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("all")
    done = run_cli("run", "all", "--quick", "--only", ",".join(CHOSEN), "--data-dir", data_dir,
                   "--out", str(out))  # fmt: skip
    return done, out


def test_each_experiment_runs_into_its_folder_and_the_page_shows_it(everything):
    done, out = everything
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    page = (out / "index.html").read_text(encoding="utf-8")
    for name in CHOSEN:
        assert_learned(out / name)
        finished = json.loads((out / f"{name}.finished.json").read_text())
        assert finished["exit code"] == 0 and finished["settings"]["quick"]
        assert f"<h2 id='{name}'>{name}</h2>" in page
        assert "Did it learn?" in (out / f"{name}.output.txt").read_text()
    # Every CSV a table, every figure an image, on the page.
    for table in ("likelihood.csv", "features.csv", "dbn.csv", "summary.csv", "returns.csv"):
        assert f"<h3>{table}</h3>" in page, table
    for figure in ("rbm/samples.png", "rbm/filters.png", "dqn/learning_curve.png"):
        assert f"src='{figure}'" in page, figure
    assert page.count("class='ok'>beyond chance") >= 3
    assert "Wrote " in done.stdout and "index.html" in done.stdout


def test_a_second_run_keeps_what_finished_and_a_bad_name_is_one_line(everything, data_dir):
    done, out = everything
    again = run_cli("run", "all", "--quick", "--only", ",".join(CHOSEN), "--data-dir", data_dir,
                    "--out", str(out))  # fmt: skip
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.stdout.count("finished before, kept") == len(CHOSEN)
    bad = run_cli("run", "all", "--only", "rbm,nope", "--out", str(out))
    assert bad.returncode == 2 and "unknown experiment(s) nope" in bad.stderr
    assert "Traceback" not in bad.stderr


@pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed")
def test_the_page_opens_in_headless_chromium_with_every_figure(everything, tmp_path):
    _, out = everything
    probe = out / "probe.html"  # beside the page, so that its relative links resolve
    probe.write_text(
        (out / "index.html")
        .read_text(encoding="utf-8")
        .replace(
            "</body>",
            "<script>addEventListener('load', () => document.title ="
            " [...document.images].map(i => i.naturalWidth).join(','))</script></body>",
        ),
        encoding="utf-8",
    )
    home = dict(os.environ, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path),
                XDG_CACHE_HOME=str(tmp_path))  # fmt: skip
    dom = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
         f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", probe.as_uri()],
        capture_output=True, text=True, timeout=120, env=home,
    )  # fmt: skip
    widths = dom.stdout.split("<title>")[1].split("</title>")[0].split(",")
    assert len(widths) >= 4 and all(int(w) > 0 for w in widths), widths  # 0: not loaded
