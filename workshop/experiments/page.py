"""The page `workshop run all` writes: for each experiment, whether it finished, its
signs of learning, every table it wrote (CSV), every figure, the papers' numbers it
printed, and its whole output. Plain HTML with relative links, so that the folder can
be copied or opened from disk."""

import html
import json
from datetime import datetime

import pandas as pd

from .harness import shown_number


def finished_file(out, name):
    """Where `workshop run all` records how experiment `name` ended (beside its folder,
    which the experiment itself may empty when it starts afresh)."""
    return out / f"{name}.finished.json"


def output_file(out, name):
    """Where `workshop run all` keeps everything experiment `name` printed."""
    return out / f"{name}.output.txt"


STYLE = """
body { font-family: system-ui, sans-serif; max-width: 70rem; margin: 2rem auto; padding: 0 1rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
img { max-width: 100%; border: 1px solid #eee; margin: 0.5rem 0; }
.failed { color: #a00; } .ok { color: #060; } .smoke { color: #a60; }
pre { background: #f6f6f6; padding: 0.5rem; overflow-x: auto; font-size: 0.8rem; }
"""


def write_page(out, plan):
    """out/index.html for the experiments in `plan`; returns its path."""
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<title>Every experiment of the workshop</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>Every experiment of the workshop</h1>",
        f"<p>Written {datetime.now():%Y-%m-%d %H:%M} from <code>{html.escape(str(out))}</code>."
        " Each section: whether the run finished, its signs of learning against chance, "
        "its tables, the papers' numbers it printed, its figures and its whole output.</p>",
        "<ul>"
        + "".join(f"<li><a href='#{e.name}'>{e.name}</a>: {html.escape(e.help)}</li>" for e in plan)
        + "</ul>",  # fmt: skip
    ]
    for experiment in plan:
        parts.append(_section(out, experiment))
    parts.append("</body></html>")
    page = out / "index.html"
    page.write_text("\n".join(parts), encoding="utf-8")
    return page


def _section(out, experiment):
    name = experiment.name
    folder = out / name
    parts = [f"<h2 id='{name}'>{name}</h2>", f"<p>{html.escape(experiment.help)}</p>"]
    stamp = finished_file(out, name)
    if not stamp.is_file():
        return "\n".join(parts + ["<p class='failed'>Not run yet.</p>"])
    done = json.loads(stamp.read_text(encoding="utf-8"))
    kind = "a quick (smoke) run" if done["settings"]["quick"] else "the full run"
    if done["exit code"]:
        parts.append(f"<p class='failed'>{kind} stopped with exit code {done['exit code']} "
                     f"after {done['seconds']:.0f} s: its output is below.</p>")  # fmt: skip
    else:
        parts.append(f"<p class='ok'>{kind}, finished in {done['seconds']:.0f} s.</p>")
    learning = folder / "learning.csv"
    if learning.is_file():
        parts.append(
            "<h3>Did it learn?</h3>" + _learning(pd.read_csv(learning, keep_default_na=False))
        )
    for table in sorted(folder.glob("*.csv")):
        if table.name == "learning.csv":
            continue
        frame = pd.read_csv(table)
        parts.append(f"<h3>{html.escape(table.name)}</h3>")
        parts.append(frame.to_html(index=False, na_rep="–", float_format=shown_number, border=0))
    output = output_file(out, name)
    text = output.read_text(encoding="utf-8", errors="replace") if output.is_file() else ""
    papers = [line for line in text.splitlines() if line.startswith(("Paper", "Book"))]
    if papers:
        parts.append("<h3>The papers' numbers</h3><ul>"
                     + "".join(f"<li>{html.escape(p)}</li>" for p in papers) + "</ul>")  # fmt: skip
    for picture in sorted([*folder.glob("*.png"), *folder.glob("*.gif")]):
        source = f"{name}/{picture.name}"
        parts.append(f"<figure><img src='{source}' alt='{html.escape(picture.name)}'>"
                     f"<figcaption>{html.escape(picture.name)}</figcaption></figure>")  # fmt: skip
    parts.append(f"<details><summary>Whole output ({output.name})</summary><pre>"
                 f"{html.escape(text)}</pre></details>")  # fmt: skip
    return "\n".join(parts)


def _learning(signs):
    rows = []
    for _, sign in signs.iterrows():
        if sign["beyond chance"]:
            verdict = "<span class='ok'>beyond chance</span>"
        elif sign["smoke run"]:
            said = html.escape(str(sign["smoke run"]))
            verdict = f"<span class='smoke'>at chance: a smoke run, {said}</span>"
        else:
            verdict = "<span class='failed'>NOT beyond chance</span>"
        noise = float(sign["noise (3 sd)"])
        luck = f" ± {shown_number(noise)}" if noise else ""
        rows.append(
            f"<tr><td>{html.escape(str(sign['measure']))}</td>"
            f"<td>{shown_number(float(sign['value']))}</td>"
            f"<td>{shown_number(float(sign['chance']))}{luck}</td><td>{verdict}</td></tr>"
        )
    return ("<table><tr><th>measure</th><th>value</th><th>chance</th><th></th></tr>"
            + "".join(rows) + "</table>")  # fmt: skip
