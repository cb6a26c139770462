"""The reference's records for a batch, computed once, before any student's worker, by
several processes at once.

Each grading unit (exercise, variant) needs the records of the stages the judge reads
and the runs of every known mistake: about 40 s of one core for the whole catalog,
most of it the mistakes. The runner forks `jobs` reference processes from the zygote
(trusted code only: no student file is on their path); each takes the next unit nobody
has claimed (a file created exclusively in FOLDER/claims), computes it and stores it as
a student release does (reference_book.save) under FOLDER/VARIANT, then marks it done.
The runner then judges from those files. A unit whose process died is computed by the
runner itself.

FOLDER lies in --out, which no worker can read or write (isolation.py); the runner
deletes it after the batch (--keep-work keeps it).
"""

import argparse
import os
import sys
import time
from pathlib import Path

from .area import remove

POLL_SECONDS = 0.05


def _marker(folder, kind, unit):
    return folder / kind / f"{unit[0]}.{unit[1]}"


def compute(folder, unit, seed, hidden_seed, fresh_seed, stubs=None):
    """Store one unit's reference records under folder/VARIANT (at the judge's fresh
    seed too, and the untouched stub's first stage, when `stubs` is given), then mark
    it done."""
    from .. import catalog
    from ..grader import hidden, reference_book

    slug, variant = unit
    exercise, unit_seed = hidden.pick(catalog.find(slug), variant, seed, hidden_seed)
    reference_book.save(exercise, unit_seed, folder / variant)
    reference_book.save_fresh(exercise, fresh_seed, folder / variant)
    if stubs is not None:
        reference_book.save_stub(exercise, unit_seed, folder / variant, Path(stubs))
    _marker(folder, "done", unit).touch()


def _last_lines(logs):
    """What the reference processes said last (the folder goes with the batch)."""
    said = []
    for log in sorted(logs.iterdir()):
        lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        if lines:
            said.append(f"{log.stem}: {lines[-1][:200]}")
    return "; ".join(said) or "no process said why"


def _claim(folder, unit):
    try:
        os.close(os.open(_marker(folder, "claims", unit), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        return True
    except FileExistsError:
        return False


def main(argv=None):
    """A reference process: compute every unclaimed unit of the list, in its order."""
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("units", nargs="+", help="slug:variant")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--hidden-seed", type=int, required=True)
    parser.add_argument("--fresh-seed", type=int, required=True)
    parser.add_argument("--stubs", help="the stubs' exercises/ folder")
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args(argv)
    from ..quiet import import_tensorflow, threads_setter

    import_tensorflow(before_first_op=threads_setter(args.threads), first_op=False)
    folder = Path(args.folder)
    for unit in (tuple(u.split(":")) for u in args.units):
        if _claim(folder, unit):
            compute(folder, unit, args.seed, args.hidden_seed, args.fresh_seed, args.stubs)
    os._exit(0)


def prepare(settings, folder, spawn, progress=print, fresh_seed=0, stubs=None):
    """Compute the batch's reference into `folder` (emptied first) with `settings.jobs`
    processes from `spawn(argv, log, entry)`, at the judge's `fresh_seed` too, with the
    first stage of the untouched `stubs`; returns the books the judge reads, {variant:
    StoredReference}."""
    from ..grader.reference_book import StoredReference

    started = time.monotonic()
    remove(folder)
    for kind in ("claims", "done", "logs"):
        (folder / kind).mkdir(parents=True)
    units = settings.units
    argv = [str(folder), *(f"{s}:{v}" for s, v in units)]
    argv += ["--seed", str(settings.seed), "--hidden-seed", str(settings.hidden_seed)]
    argv += ["--fresh-seed", str(fresh_seed)]
    argv += ["--stubs", str(stubs)] if stubs is not None else []
    argv += ["--threads", str(settings.threads_each)]
    processes = [
        spawn(argv, folder / "logs" / f"{i}.txt", entry="reference")
        for i in range(min(settings.jobs, len(units)))
    ]
    try:
        while any(p.poll() is None for p in processes):
            time.sleep(POLL_SECONDS)
    finally:
        for process in processes:
            process.kill()
    missing = [u for u in units if not _marker(folder, "done", u).exists()]
    if missing:
        progress(
            f"{len(missing)} reference unit(s) did not finish in their own process "
            f"({_last_lines(folder / 'logs')}): computing them here."
        )
    for unit in missing:
        compute(folder, unit, settings.seed, settings.hidden_seed, fresh_seed, stubs)
    count = len(processes)
    progress(
        f"Reference results ready ({time.monotonic() - started:.0f} s, "
        f"{count} process{'' if count == 1 else 'es'})."
    )
    return {variant: StoredReference(folder / variant) for variant in settings.variants}


if __name__ == "__main__":
    sys.exit(main())
