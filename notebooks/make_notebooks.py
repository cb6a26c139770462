"""Write the workshop's notebooks, one per part of the notes: `python notebooks/make_notebooks.py`.

Each notebook installs the workshop (in Colab), loads the `%check` and `%hint` magics,
holds one exercise's whole stub in a `%%writefile` cell, checks it, and checks the
part's other exercises. The exercise tables and the stub's text come from the catalog
and exercises/, so a test (tests/test_notebooks.py) regenerates the notebooks and
compares them with the committed files: run this again after changing a stub.
Cell ids are fixed, not random, so that the files only change when their text does.
"""

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from workshop import catalog  # noqa: E402


class Part:
    def __init__(self, filename, title, prefixes, notes, written, about):
        self.filename = filename
        self.title = title
        self.prefixes = prefixes  # exercise ids that start with these
        self.notes = notes  # the notes' file in docs/notes/
        self.written = written  # the exercise whose stub a %%writefile cell holds
        self.about = about  # why that one

    @property
    def exercises(self):
        return [e for e in catalog.EXERCISES if e.id.startswith(self.prefixes)]


PARTS = (
    Part(
        "part1-convolutional-networks.ipynb",
        "Part 1: convolutional networks",
        ("1.",),
        "1-convolutional-networks.md",
        "conv",
        "the layer the rest of this part builds on",
    ),
    Part(
        "part2-image-recognition.ipynb",
        "Part 2: milestones of image recognition",
        ("2.",),
        "2-image-recognition.md",
        "topk",
        "a short NumPy function, quick to try the notebook on before the longer layers",
    ),
    Part(
        "part3-recurrent-boltzmann-reinforcement.ipynb",
        "Part 3: recurrent networks, Boltzmann machines and deep reinforcement learning",
        ("3.", "4."),
        "3-other-models.md",
        "rnn",
        "the first recurrent cell; its file also holds 3.2, backpropagation through time by hand",
    ),
)

INSTALL_TEXT = """## Install

**In Colab**, the cell below installs the workshop, as its README says. Set `WORKSHOP` to
the folder of your copy of the workshop (in your Google Drive, which the cell mounts); the
cell goes there and runs `pip install -c constraints.txt -e .`. Or leave `WORKSHOP` empty:
the cell installs the published package (`pip install nndl-workshop`) and writes a fresh
folder of exercises, `/content/workshop`, with `workshop init` (which leaves a folder that
already has exercises/ as it is). If pip asks you to restart the session, do (Runtime →
Restart session) and run the notebook again from the top.

**On your own machine**, start Jupyter in the workshop's virtualenv (installed as its
README says, plus `pip install jupyterlab`): the cell does nothing there."""

INSTALL_CODE = """import sys

WORKSHOP = ""  # your copy's folder, e.g. "/content/drive/MyDrive/nndl-workshop"; "" for a new one
if "google.colab" in sys.modules:
    if WORKSHOP.startswith("/content/drive/"):
        from google.colab import drive

        drive.mount("/content/drive")
    if WORKSHOP:
        %cd {WORKSHOP}
        !pip install -q -c constraints.txt -e .
    else:
        !pip install -q nndl-workshop
        !workshop init /content/workshop
        %cd /content/workshop"""

SETUP_TEXT = """## Start

`%load_ext workshop` adds two magics: `%check conv` grades like `workshop check conv`
and `%hint conv` gives one more hint each time, like `workshop hint conv`. `check` and
`hint` are the same as functions. `os.chdir` moves to the folder that `workshop check`
would grade (the one holding `exercises/`, here or above), so that the `%%writefile`
cell below writes the file that is graded."""

SETUP_CODE = """%load_ext workshop
import os

import workshop
from workshop import check, hint  # noqa: F401  (hint: for cells of your own)

os.chdir(workshop.folder())
print("Working in", os.getcwd())"""

WRITE_TEXT = """## Exercise {id}: `{slug}`

{title} ({section}): {about}. Read the docstring, then write your code in place of the
`raise NotImplementedError("Exercise {id}: ...")` line and run the cell (Shift-Enter).

**Why a `%%writefile` cell.** The grader reads `exercises/{module}.py`, as `workshop check`
does. In Colab the runtime's files (all of `/content` outside your Drive) are deleted when
the runtime is recycled, but this notebook is saved in your Drive: with your code in a cell
that writes the file, running the cell brings the file back. It works the same in Jupyter.
The cell holds the whole file and overwrites it, so edit in one place only: here, or the
file itself (Colab's Files pane opens it in an editor), not both."""

CHECK_TEXT = """Check it. The table lists every check with its points; a failure is red, with what
was expected and what your code gave, and a known mistake is named. Each stage of your
code gets 60 seconds (`%check {slug} --time-limit 120` for more); the Interrupt button
stops a stage as Ctrl-C does in a terminal. Your results are remembered in
`.workshop/state.json`, as by the command."""

HINT_TEXT = """Stuck? Each run shows the next of three hints; the report lists those seen."""

OTHERS_TEXT = """## The other exercises of this part

{table}

To write one here, make a new cell whose first line is `%%writefile exercises/<file>.py`
followed by the file's whole text (in Jupyter, `%load exercises/<file>.py` in an empty cell
pastes it in; in Colab, copy it from the Files pane), or edit the file itself. The notes
for this part are in `docs/notes/{notes}`. Then check them all:"""


def exercise_table(exercises):
    rows = ["| id | name | file | what you write | notes | points |", "|---|---|---|---|---|---|"]
    for e in exercises:
        rows.append(
            f"| {e.id} | `{e.slug}` | `exercises/{e.module}.py` | {e.title} | {e.section} | "
            f"{e.max_points:g} |"
        )
    return "\n".join(rows)


def notebook(part):
    written = catalog.find(part.written)
    others = [e for e in part.exercises if e is not written]
    stub = (REPO / "exercises" / f"{written.module}.py").read_text(encoding="utf-8")
    first, last = part.exercises[0].id, part.exercises[-1].id
    cells = [
        new_markdown_cell(
            f"# {part.title}\n\nExercises {first} to {last} of the workshop on chapter 6 of "
            "Nielsen's *Neural Networks and Deep Learning*, written and graded in a notebook "
            f"(Jupyter or Colab). The notes for this part: `docs/notes/{part.notes}`.\n\n"
            + exercise_table(part.exercises)
        ),
        new_markdown_cell(INSTALL_TEXT),
        new_code_cell(INSTALL_CODE),
        new_markdown_cell(SETUP_TEXT),
        new_code_cell(SETUP_CODE),
        new_markdown_cell(
            WRITE_TEXT.format(
                id=written.id,
                slug=written.slug,
                title=written.title,
                section=written.section,
                about=part.about,
                module=written.module,
            )
        ),
        new_code_cell(f"%%writefile exercises/{written.module}.py\n{stub.rstrip()}"),
        new_markdown_cell(CHECK_TEXT.format(slug=written.slug)),
        new_code_cell(f"%check {written.slug}"),
        new_markdown_cell(HINT_TEXT),
        new_code_cell(f"%hint {written.slug}"),
        new_markdown_cell(OTHERS_TEXT.format(table=exercise_table(others), notes=part.notes)),
        new_code_cell("check(" + ", ".join(f'"{e.slug}"' for e in others) + ")"),
    ]
    for number, cell in enumerate(cells):
        cell["id"] = f"{cell['cell_type']}-{number}"
    return new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
    )


def notebooks():
    """File name -> notebook, for every part."""
    return {part.filename: notebook(part) for part in PARTS}


def main():
    for filename, book in notebooks().items():
        nbformat.validate(book)
        nbformat.write(book, Path(__file__).resolve().parent / filename)
        print(f"wrote notebooks/{filename}")


if __name__ == "__main__":
    main()
