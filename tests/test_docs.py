"""The documentation: the README as a front door (short, every link resolves, the test
command CI runs), the tables generated from one source each, one run time per
experiment, and the site (mkdocs.yml): built strictly with MathJax shipped and no CDN,
then opened in headless Chromium, where the equations are typeset in English and
Chinese and the figures load. The screenshots are kept in runs/docs-screens/."""

import json
import os
import re
import shutil
import subprocess

import pytest
from conftest import REPO

from workshop import site

README = REPO / "README.md"
PAGES = sorted((REPO / "docs").rglob("*.md"))
LINK = re.compile(r"\]\(([^)\s]+)\)")
# Hosts a page could pull a script, a style or a font from instead of the site itself.
CDN = re.compile(
    r"cdn\.jsdelivr\.net|unpkg\.com|cdnjs\.|fonts\.googleapis|fonts\.gstatic|polyfill\.io"
    r"|cdn\.mathjax\.org|katex\.org|<script[^>]+src=\"https?:"
)
SHOTS = REPO / "runs" / "docs-screens"


def test_the_readme_is_a_front_door():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 250
    # The test command is exactly what CI runs.
    command = (REPO / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert f"```bash\n{command}\n```" in text
    # A new instructor's two questions, one click each.
    assert "[Grade a class](docs/instructors.md)" in text
    assert "[`workshop run ksh`](docs/experiments/ksh.md)" in text


@pytest.mark.parametrize("page", [README, *PAGES], ids=lambda p: str(p.relative_to(REPO)))
def test_every_link_resolves(page):
    """The README is not in the site, so its links are checked here; the pages' links
    are checked here too, as GitHub shows them, and by the strict build."""
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)  # code is not a link
    for target in LINK.findall(text):
        path = target.split("#")[0]
        if target.startswith(("http://", "https://", "mailto:")) or not path:
            continue
        assert (page.parent / path).exists(), f"{page.relative_to(REPO)}: {target}"


def test_every_workshop_command_the_pages_show_parses():
    """The bash blocks of the README and the pages: each `workshop ...` line is one the
    command line takes (flags and experiments that exist)."""
    import shlex

    from workshop.cli import build_parser

    parser = build_parser()
    shown = 0
    for page in [README, *PAGES]:
        for block in re.findall(r"```bash\n(.*?)```", page.read_text(encoding="utf-8"), re.DOTALL):
            for line in block.replace("\\\n", " ").splitlines():
                if "$" in line:  # a scheduler's variable: tests/test_autograder.py
                    continue
                words = shlex.split(line.replace("--hidden-seed SEED", "--hidden-seed 7"), True)
                if words[:1] == ["workshop"]:
                    parser.parse_args(words[1:])  # a UsageError names the line's mistake
                    shown += 1
    assert shown > 40


def test_the_generated_tables_are_up_to_date():
    assert site.stale(REPO) == [], "run `workshop docs --tables`"


def test_each_experiment_has_one_run_time_and_its_page_states_it():
    from workshop.experiments.registry import experiments

    times = site.measured(REPO)
    assert sorted(times) == sorted(experiments()) == sorted(site.EXPERIMENT_PAGES)
    for name, row in times.items():
        page = (REPO / "docs" / "experiments" / f"{name}.md").read_text(encoding="utf-8")
        body = " ".join(page.split("<!-- end: measured -->")[1].split())
        # The run's own sentence, moved from the README, says the same time.
        assert row["full run"].split(" (")[0] in body, (name, row["full run"])
        assert f"`{row['command']}`" in body or row["command"] in body, name


def test_the_student_docs_leave_out_the_answer_figures(tmp_path):
    site.copy_student_docs(REPO, tmp_path / "docs")
    shipped = {p.name for p in (tmp_path / "docs").rglob("*")}
    assert "students.md" in shipped and "3-other-models.md" in shipped
    assert not shipped & set(site.ANSWER_FIGURES)
    assert not shipped & {"instructors.md", "grader.md", "grading-boundary.md", "api.md"}
    for page in (tmp_path / "docs").rglob("*.md"):
        for figure in site.ANSWER_FIGURES:
            assert f"/{figure})" not in page.read_text(encoding="utf-8"), page


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    pytest.importorskip("mkdocs", reason="MkDocs is in the test extra: pip install -e .[test]")
    return site.build_site(REPO, tmp_path_factory.mktemp("site") / "site")  # strict


def test_the_site_builds_strictly_with_mathjax_and_no_cdn(built):
    assert (built / "mathjax" / "tex-svg.js").is_file()
    assert (built / "mathjax" / "input" / "tex" / "extensions").is_dir()
    pages = list(built.rglob("*.html"))
    assert len(pages) >= 25
    for page in pages:
        found = CDN.search(page.read_text(encoding="utf-8"))
        assert not found, f"{page.relative_to(built)} loads {found.group(0)}"
    notes = (built / "notes" / "zh" / "3-other-models.html").read_text(encoding="utf-8")
    assert '<script src="../../mathjax/tex-svg.js"></script>' in notes
    source = (REPO / "docs" / "notes" / "zh" / "3-other-models.md").read_text(encoding="utf-8")
    displayed = len(re.findall(r"^\$\$", source, re.MULTILINE))  # 34 with §3.3.1–3.3.2
    assert notes.count('class="arithmatex"') == displayed
    # The API page, generated from the docstrings.
    api = (built / "api.html").read_text(encoding="utf-8")
    for name in ("grader.kinds.kind.GradingKind", "grader.exercise.Exercise"):
        assert f'id="workshop.{name}"' in api, name
    assert 'id="workshop.experiments.experiment.Experiment"' in api
    assert "The student-side stages, in order." in api  # a method's docstring


def test_a_broken_link_fails_the_strict_build(tmp_path):
    pytest.importorskip("mkdocs", reason="MkDocs is in the test extra")
    from mkdocs.exceptions import Abort

    shutil.copytree(
        REPO / "docs", tmp_path / "docs", ignore=shutil.ignore_patterns("*.png", "*.gif")
    )
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("tools/mkdocs_hooks.py", str(REPO / "tools" / "mkdocs_hooks.py"))
    (tmp_path / "mkdocs.yml").write_text(config.replace("paths: [.]", f"paths: [{REPO}]"))
    (tmp_path / "docs" / "index.md").write_text("# Home\n\n[gone](no-such-page.md)\n")
    (tmp_path / "docs" / "experiments" / "cnn.md").unlink()  # a page the nav names
    with pytest.raises(Abort, match="strict mode"):
        site.build_site(tmp_path, tmp_path / "site")


# The three pages a browser opens: the notes in Chinese, an experiment page in English
# (its equations and figures), the student page.
BROWSED = {
    "notes-zh": ("notes/zh/3-other-models.html", 20, 0),
    "experiment-adversarial": ("experiments/adversarial.html", 2, 2),
    "students": ("students.html", 0, 0),
}
PROBE = """<script>
window.addEventListener("load", () => {
  const report = () => {
    const article = document.querySelector("article") || document.body;
    const typeset = [...article.querySelectorAll("mjx-container")];
    document.title = "PROBE " + JSON.stringify({
      math: typeset.length,
      bare: typeset.filter(m => !m.querySelector("svg")).length,
      raw: /\\$\\$|\\\\\\[|\\\\\\(/.test(article.innerText),
      images: [...article.querySelectorAll("img")].map(i => i.complete ? i.naturalWidth : -1),
      text: article.innerText.length,
    });
  };
  const ready = window.MathJax && MathJax.startup && MathJax.startup.promise;
  (ready || Promise.resolve()).then(report, report);
});
</script></body>"""


def chromium(*args, profile):
    """Chromium with its profile, caches and settings under `profile`, not in ~."""
    home = {"HOME": str(profile), "XDG_CONFIG_HOME": str(profile / "config"),
            "XDG_CACHE_HOME": str(profile / "cache")}  # fmt: skip
    return subprocess.Popen(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         f"--user-data-dir={profile / 'profile'}", "--virtual-time-budget=20000", *args],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env=dict(os.environ, **home),
    )  # fmt: skip


@pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed")
def test_three_pages_render_in_headless_chromium(built, tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    running = {}
    for name, (page, _, _) in BROWSED.items():
        path = built / page
        probe = path.with_name(f"probe-{path.name}")  # beside it: the same relative links
        probe.write_text(path.read_text(encoding="utf-8").replace("</body>", PROBE))
        shot = SHOTS / f"{name}.png"
        shot.unlink(missing_ok=True)
        running[name] = (
            chromium("--dump-dom", probe.as_uri(), profile=tmp_path / f"{name}-dom"),
            chromium("--window-size=1200,1800", f"--screenshot={shot}", path.as_uri(),
                     profile=tmp_path / f"{name}-shot"),
        )  # fmt: skip
    for name, (dom, shot) in running.items():
        out, _ = dom.communicate(timeout=120)
        shot.wait(timeout=120)
        found = re.search(r"<title>PROBE (.*?)</title>", out)
        assert found, f"{name}: the page's script did not run"
        seen = json.loads(found.group(1).replace("&quot;", '"'))
        _, equations, figures = BROWSED[name]
        assert seen["text"] > 1000, (name, seen)
        assert seen["math"] == equations and not seen["bare"], (name, seen)  # typeset, as SVG
        assert not seen["raw"], (name, "TeX left untypeset")
        assert len(seen["images"]) >= figures and all(w > 100 for w in seen["images"]), seen
        assert (SHOTS / f"{name}.png").stat().st_size > 50_000, name
