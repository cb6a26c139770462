"""The README of the student copy (`workshop release`) and of a folder made by
`workshop init`: how to install, the commands, the exercises (from the catalog, so the
table never drifts), what the grader checks, how to hand in, and training with one's
own code. It says nothing of solutions, tests, benchmarks or CI, which a student copy
does not have. A test runs every command its bash blocks show, in a built copy."""

TEMPLATE = """# Neural Networks and Deep Learning, chapter 6: your workshop

Chapter 6 of Michael Nielsen's *Neural Networks and Deep Learning*, as exercises: you
write the pieces (convolutional and pooling layers, the milestones of image recognition,
recurrent cells, Boltzmann machines, adversarial examples, a deep Q-network), and a
grader compares each with a reference on the same weights and inputs, outputs *and*
gradients, and names the mistake when it recognises it. Each docstring states the
equation, the shapes and a small example that runs; "notes §3.2, eq. 3.11" points into
the workshop's notes, [docs/notes/](docs/notes/README.md) (English) and
[docs/notes/zh/](docs/notes/zh/README.md) (中文).

## The pages, offline

In a copy your instructor released, `site/index.html` holds this workshop's pages,
built: how to work on the exercises, what each experiment measured, and the notes in
English and 中文 with their equations typeset (MathJax ships with them). Open it in a
browser; no network is needed. `workshop docs` prints its address.

## Install

On your own machine (Python 3.10 or newer, no GPU needed), in this folder:

```bash
python3 -m venv .venv && . .venv/bin/activate && pip install -c constraints.txt -e .
```

`constraints.txt` pins TensorFlow, Keras and the rest to the versions the grader's
reference results were made with; `workshop check` says in one line if yours differ.

In Google Colab, put this folder in your Drive or clone it, then in a cell:

```text
%cd /content/drive/MyDrive/<this folder>
!pip install -q -c constraints.txt -e .
!workshop check conv
```

## Work on an exercise

Open the file named in the table below, read the docstring, and replace the line
`raise NotImplementedError("Exercise N.M: ...")` with your code. Everything that is not
the lesson is already written. Then, from this folder:

```bash
workshop list               # the exercises, their points, your last result
workshop check conv         # grade one exercise (by id or name: 1.1 or conv)
workshop hint conv          # one more hint each time you ask (three tiers)
workshop check              # grade them all; exit status 0 only when all pass
```

`workshop watch conv` grades again each time you save (Ctrl-C stops it). Each stage of
your code gets 60 seconds (`--time-limit SECONDS`); a stage that runs long says where
your code is, and Ctrl-C stops the exercise and goes on with the others.

## In a notebook (Jupyter, Colab)

After the install above (in Colab, the `%cd` and `pip install` lines), in a notebook:

```python
%load_ext workshop
%check conv       # the report of `workshop check conv`, as a table
%hint conv        # one more hint each time
```

`from workshop import check, hint` gives the same as functions: `check("conv")` returns
the results, which the notebook shows as a table, every check with its points,
failures in red with what was expected, the mistake named when the grader knows it,
and how to get the next hint. It grades the same `exercises/` folder as `workshop check`
(the one in the notebook's folder or above) with the same 60 seconds per stage
(`%check conv --time-limit 120`); the Interrupt button stops a stage as Ctrl-C does.
In Colab, with this folder in your Drive, edit the files in Colab's editor (the Files
pane). A folder cloned into the runtime is deleted when the runtime is recycled: then
keep your code in a cell that starts with `%%writefile exercises/conv.py` followed by
the whole file; running the cell writes the file, and the notebook, saved in your
Drive, keeps the code.

## The exercises

<<exercise_table>>

In all: <<total_points>> points.

## What the grader checks

- **Same weights, same inputs.** Your code and the reference get the same seeded
  weights and random inputs, on several cases (odd sizes, a batch of one, strides, an
  all-zero window, ...). The outputs must agree and so must the gradients, taken with
  `tf.GradientTape`; the tolerances are printed with every comparison.
- **The contract.** Layers: the weights' names and shapes, the output's shape and
  dtype, `get_config`, saving to `.keras` and loading back, the same output inside
  `tf.function`. Where an exercise draws random numbers, the docstring says exactly
  how, so a correct answer gives the reference's samples; statistical checks judge
  samples drawn your own way.
- **No ready-made op** where the lesson is the op: the grader reads your source and the
  TensorFlow graph your code traces to. The graph may hold only what a hand-written
  answer is made of (arithmetic, comparisons, reductions, shapes, slicing and
  indexing, matrix products, loops), and it must compute your answer: the grader runs
  it on your cases and on inputs of its own. `tf.image.extract_patches`,
  `tf.py_function` and `tf.numpy_function` count as ready-made there.
- **Mistakes by name.** The grader keeps realistic wrong versions of each exercise;
  when your code computes what one of them computes, the report names the mistake.
- **Not written, broken, crashing.** A stub scores 0 as "not attempted"; a syntax error
  marks only that file's exercises; an exception fails its check with your own frames.
- **Seeds and hidden checks.** Every report prints its seed. This copy holds the
  reference results for the default seed and for the practice seeds <<practice>>:
  `workshop check --seed <<first_practice>>` runs every check again on other inputs
  and weights. When your instructor grades, every check also runs on hidden cases (one
  larger in the batch, at a seed of the instructor's); `workshop check --rehearse` does
  the same at a practice seed, so you see what grading does with other shapes. Code that
  is right, not fitted to the public cases, passes both. No other seed works here.

## Train with your own code

Each experiment trains with your code when you pass `--impl exercises` (the default in
this copy); `--quick` is a smoke run (20 s to about a minute on 2 CPU cores). An
exercise not written yet is named in one line.

```bash
workshop run cnn --impl exercises --quick
```

<<experiment_table>>

## Hand in

Hand in your `exercises/` folder, or a zip of it, as your instructor asks. The
instructor's grader takes one folder or zip per student, finds the exercise files in
`exercises/` or at the top, and ignores anything else. Check first, then zip:

```bash
workshop check
python -m zipfile -c exercises.zip exercises/
```
"""


def exercise_table():
    from .catalog import EXERCISES

    rows = [
        "| id | name | file | what you write | notes | points |",
        "|---|---|---|---|---|---|",
    ]
    for exercise in EXERCISES:
        rows.append(
            f"| {exercise.id} | `{exercise.slug}` | `exercises/{exercise.module}.py` | "
            f"{exercise.title} | {exercise.section} | {exercise.max_points} |"
        )
    return "\n".join(rows)


def experiment_table():
    """Each `workshop run` experiment and the exercises whose code it trains."""
    from .catalog import EXERCISES
    from .experiments.registry import experiments

    by_name = {}
    for exercise in EXERCISES:
        for name in exercise.names or (exercise.name,):
            by_name.setdefault((exercise.module, name), exercise.id)
    rows = ["| experiment | what it trains | your exercises it uses |", "|---|---|---|"]
    for name, experiment in experiments().items():
        used = sorted(
            {by_name[need] for need in experiment.needs.values() if need in by_name},
            key=lambda i: tuple(int(p) for p in i.split(".")),
        )
        rows.append(f"| `workshop run {name}` | {experiment.help} | {', '.join(used)} |")
    return "\n".join(rows)


def render():
    from .catalog import EXERCISES
    from .grader.seeding import PRACTICE_SEEDS

    return (
        TEMPLATE.replace("<<exercise_table>>", exercise_table())
        .replace("<<total_points>>", str(sum(e.max_points for e in EXERCISES)))
        .replace("<<experiment_table>>", experiment_table())
        .replace("<<practice>>", " and ".join(str(s) for s in PRACTICE_SEEDS))
        .replace("<<first_practice>>", str(PRACTICE_SEEDS[0]))
    )
