"""The workshop's documentation site (mkdocs.yml, docs/): its generated tables, the
student part of it that a release ships, and the build `workshop docs` runs.

One source for each claim: the exercise table comes from the catalog, the experiment
list from the registry, the run times from the measured runs
(docs/experiments/measured.csv). The README and the pages hold them between
`<!-- generated: NAME -->` and `<!-- end: NAME -->`; `workshop docs --tables` writes
them and a test fails while one is stale. Nothing here imports TensorFlow or MkDocs at
import time.
"""

import csv
import os
import re
import shutil
import tempfile
from pathlib import Path

MEASURED = Path("docs") / "experiments" / "measured.csv"
# Where each generated block is, and the link prefix from that file to the experiment
# pages (docs/experiments/NAME.md).
BLOCKS = {
    "README.md": {"exercises": None, "experiments": "docs/experiments/"},
    "docs/students.md": {"exercises": None},
    "docs/instructors.md": {"experiments": "experiments/"},
    "docs/experiments/index.md": {"experiments": ""},
}
EXPERIMENT_PAGES = (
    "cnn", "rnn", "rbm", "lrmd", "ksh", "googlenet", "multidigit", "adversarial", "dqn",
)  # fmt: skip
BLOCKS.update({f"docs/experiments/{name}.md": {"measured": name} for name in EXPERIMENT_PAGES})
BLOCK = re.compile(r"(<!-- generated: (\w+) [^\n]*-->\n)(.*?)(<!-- end: \2 -->)", re.DOTALL)

# The student part of the site: what a release ships (docs/ paths, folders whole).
STUDENT_PAGES = ("students.md", "experiments", "notes", "figures", "javascripts")
# Figures that show an exercise's own answer rather than what training made with it:
# the student copy leaves them out, and its pages say how to draw one's own.
ANSWER_FIGURES = {
    "adversarial_examples.png": (
        "the perturbation is Exercise 2.9's `fgsm` output, sign for sign: "
        "`workshop run adversarial --impl exercises` draws yours as adversarial_examples.png"
    ),
}
STUDENT_INDEX = """# Your workshop's pages

The pages of the workshop that are yours, offline: the equations render without a
network, in English and in Chinese.

- [Working on the exercises](students.md): the commands, the report, notebooks, watch.
- [The experiments](experiments/index.md): what `workshop run` trains with your code,
  and what it measured with the reference.
- [The notes on chapter 6](notes/README.md), and [讲义 (中文)](notes/zh/README.md): the
  sections and equations the docstrings cite.
"""


def measured(repo):
    """{experiment: row of docs/experiments/measured.csv}: the measured run times."""
    with open(Path(repo) / MEASURED, encoding="utf-8", newline="") as file:
        return {row["experiment"]: row for row in csv.DictReader(file)}


def exercise_table():
    from .student_readme import exercise_table as table

    return table()


def experiment_table(repo, prefix):
    """Each `workshop run` experiment: its page, what it trains, the exercises it takes
    with `--impl exercises` (from the registry), and its measured run times."""
    from .catalog import EXERCISES
    from .experiments.registry import experiments

    times = measured(repo)
    by_name = {}
    for exercise in EXERCISES:
        for name in exercise.names or (exercise.name,):
            by_name.setdefault((exercise.module, name), exercise.id)
    rows = [
        "| experiment | what it trains | `--impl exercises` takes | full run | `--quick` |",
        "|---|---|---|---|---|",
    ]
    for name, experiment in experiments().items():
        used = sorted(
            {by_name[need] for need in experiment.needs.values() if need in by_name},
            key=lambda i: tuple(int(p) for p in i.split(".")),
        )
        time = times.get(name, {})
        rows.append(
            f"| [`workshop run {name}`]({prefix}{name}.md) | {experiment.help} | "
            f"{', '.join(used)} | {time.get('full run', '')} | {time.get('quick run', '')} |"
        )
    return "\n".join(rows)


def measured_line(repo, name):
    """The line under an experiment page's title: its full run, when and how."""
    row = measured(repo)[name]
    date, _, commit = row["measured"].partition(" (")
    if commit:  # the date the README first held these numbers
        when = f"first recorded in the README on {date} (commit {commit.rstrip(')')})"
    else:
        when = f"measured on {date}"
    quick = f"; `--quick`: {row['quick run']}" if row["quick run"] else ""
    return (
        f"*Measured on this project's 2-core CPU machine with `{row['command']}`: "
        f"{row['full run']} in all{quick}; {when}. The tables below keep the numbers of "
        "that run; [all run times](index.md).*"
    )


def _render(block, repo, argument):
    if block == "exercises":
        return exercise_table()
    if block == "experiments":
        return experiment_table(repo, argument)
    if block == "measured":
        return measured_line(repo, argument)
    raise KeyError(f"no generated block {block!r}")


def refreshed(repo, relative):
    """The text of `relative` with every generated block written afresh."""
    repo = Path(repo)
    text = (repo / relative).read_text(encoding="utf-8")
    wanted = BLOCKS[relative]

    def fill(match):
        head, name, _, tail = match.groups()
        return f"{head}{_render(name, repo, wanted[name])}\n{tail}"

    found = {match.group(2) for match in BLOCK.finditer(text)}
    missing = set(wanted) - found
    if missing:
        raise ValueError(f"{relative} has no generated block for {', '.join(sorted(missing))}")
    return BLOCK.sub(fill, text)


def stale(repo):
    """The files whose generated blocks differ from what the sources give."""
    repo = Path(repo)
    return [
        relative
        for relative in BLOCKS
        if refreshed(repo, relative) != (repo / relative).read_text(encoding="utf-8")
    ]


def refresh(repo):
    """Write every generated block; returns the files changed."""
    changed = stale(repo)
    for relative in changed:
        (Path(repo) / relative).write_text(refreshed(repo, relative), encoding="utf-8")
    return changed


def without_answer_figures(text):
    """A page's Markdown with each answer figure replaced by a line saying why."""
    for figure, why in ANSWER_FIGURES.items():
        text = re.sub(
            rf"!\[[^\]]*\]\([^)]*/{re.escape(figure)}\)",
            f"*(A figure is left out of your copy here: {why}.)*",
            text,
        )
    return text


def copy_student_docs(repo, docs):
    """The student part of docs/ into `docs` (a new folder): the student page, the
    experiment pages, the notes and their figures, without the answer figures."""
    source = Path(repo) / "docs"
    docs = Path(docs)
    docs.mkdir(parents=True)
    for name in STUDENT_PAGES:
        if (source / name).is_dir():
            answers = shutil.ignore_patterns(*ANSWER_FIGURES)
            shutil.copytree(source / name, docs / name, ignore=answers)
        else:
            shutil.copy2(source / name, docs / name)
    for page in docs.rglob("*.md"):
        page.write_text(without_answer_figures(page.read_text(encoding="utf-8")), encoding="utf-8")
    (docs / "index.md").write_text(STUDENT_INDEX, encoding="utf-8")


def student_config(repo, docs, site):
    """mkdocs.yml for the student part: the instructors' config with the student nav."""
    import yaml

    text = (Path(repo) / "mkdocs.yml").read_text(encoding="utf-8")
    config = yaml.safe_load(text)
    nav = [{"Home": "index.md"}, {"Students": "students.md"}]
    for entry in config["nav"]:
        ((title, pages),) = entry.items()
        if isinstance(pages, list) and any(
            str(p if isinstance(p, str) else next(iter(p.values()))).startswith(
                ("experiments/", "notes/")
            )
            for p in pages
        ):
            nav.append(entry)
    config.update(
        nav=nav,
        docs_dir=str(Path(docs).resolve()),
        site_dir=str(Path(site).resolve()),
        hooks=[str(Path(repo).resolve() / hook) for hook in config.get("hooks", [])],
        # The API page is the contributors': no mkdocstrings in the student site.
        plugins=[p for p in config["plugins"] if p == "search"],
    )
    return config


def _quiet():
    """Material 9.7+ prints a notice about its end of life (May 2027) on every build;
    said once in docs/layout.md, not on every `workshop docs`."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def build_student_site(repo, out):
    """The student part of the site, built into `out/site` (its Markdown in
    `out/docs`): what `workshop docs` opens in a student copy. Strict, as CI's build."""
    _quiet()
    import yaml
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    out = Path(out)
    copy_student_docs(repo, out / "docs")
    with tempfile.TemporaryDirectory() as folder:
        config_file = Path(folder) / "mkdocs.yml"
        config = student_config(repo, out / "docs", out / "site")
        config_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        build(load_config(str(config_file), strict=True))
    return out / "site"


def build_site(repo, site=None):
    """The whole site (mkdocs.yml) into `site` (default repo/site), strict."""
    _quiet()
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    repo = Path(repo)
    options = {"site_dir": str(Path(site).resolve())} if site else {}
    build(load_config(str(repo / "mkdocs.yml"), strict=True, **options))
    return Path(site) if site else repo / "site"


if __name__ == "__main__":
    for changed in refresh(Path(__file__).resolve().parent.parent):
        print(f"wrote {changed}")
