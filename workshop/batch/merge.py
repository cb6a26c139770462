"""Join the shards of one class (`workshop grade --shard K/N`, each run on its own
machine) into one --out folder, as if one batch had graded the class.

Each shard's batch.json (outputs.manifest) says how it was graded. Shards are joined
only when every grading setting, version and the signing key's id agree, when they
are shards 1..N of the same N, each once, and when each has finished (a grade for every
submission it lists); otherwise nothing is written and the error says which shard
differs, in what. The gradebook is written by the code a batch writes it with, from
the shards' grades in the order one batch would have graded them.
"""

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

from . import outputs


class ShardsDisagree(Exception):
    """The folders are not the finished shards of one class: the message says why."""


def _read_manifest(folder):
    path = Path(folder) / outputs.MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ShardsDisagree(
            f"{folder} holds no readable {outputs.MANIFEST}: give --out folders of workshop "
            "grade (this version or later)"
        ) from None


def _compare(manifests):
    first_folder, first = manifests[0]
    for part in ("grading", "versions"):
        for folder, manifest in manifests[1:]:
            for name in sorted(set(first[part]) | set(manifest[part])):
                mine, theirs = first[part].get(name), manifest[part].get(name)
                if mine != theirs:
                    what = "the signing key (give every shard the same --key-file)"
                    what = what if name == "key" else f"{name}: {mine} against {theirs}"
                    raise ShardsDisagree(
                        f"{first_folder} and {folder} were not graded alike, in {what}"
                    )


def _check_shards(manifests):
    counts = {m["shard"][1] for _, m in manifests}
    if len(counts) != 1:
        said = ", ".join(f"{f} is {m['shard'][0]}/{m['shard'][1]}" for f, m in manifests)
        raise ShardsDisagree(f"the folders split the class differently ({said}; 1/1 is a "
                             "whole class, not a shard)")  # fmt: skip
    (n,) = counts
    seen = {}
    for folder, manifest in manifests:
        k = manifest["shard"][0]
        if k in seen:
            raise ShardsDisagree(f"{seen[k]} and {folder} are both shard {k}/{n}")
        seen[k] = folder
    missing = [f"{k}/{n}" for k in range(1, n + 1) if k not in seen]
    if missing:
        raise ShardsDisagree(f"shard {', '.join(missing)} missing: give every shard's --out")
    return n


def _grades(folder, manifest):
    """The shard's grades, in its order; ShardsDisagree when one is missing."""
    grades = []
    for name in manifest["submissions"]:
        path = Path(folder) / "submissions" / name / "grade.json"
        try:
            grades.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            graded = len(grades)
            raise ShardsDisagree(
                f"{folder} has not finished ({name} has no grade; {graded} of "
                f"{len(manifest['submissions'])} in order): run its shard again"
            ) from None
    return grades


def merge(folders, out):
    """Merge the --out folders of every shard into `out` (a new folder); returns the
    gradebook (a DataFrame)."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise ShardsDisagree(f"{out} is not empty: give a new folder")
    manifests = [(Path(f), _read_manifest(f)) for f in folders]
    _compare(manifests)
    n = _check_shards(manifests)
    by_shard = {m["shard"][0]: (f, m, _grades(f, m)) for f, m in manifests}
    # One batch grades the class in name order; shard K holds every N-th from the K-th.
    order = []
    for i in range(max(len(g) for _, _, g in by_shard.values())):
        for k in range(1, n + 1):
            folder, manifest, grades = by_shard[k]
            if i < len(grades):
                order.append((folder, grades[i]))
    names = [g["submission"] for _, g in order]
    if len(set(names)) != len(names):
        raise ShardsDisagree("a submission was graded in two shards: were they given one folder?")
    out.mkdir(parents=True, exist_ok=True)
    for folder, grade in order:
        shutil.copytree(
            folder / "submissions" / grade["submission"],
            out / "submissions" / grade["submission"],
        )
    first = manifests[0][1]
    merged = dict(first, shard=[1, 1], submissions=names)
    outputs.replace(out / outputs.MANIFEST, json.dumps(merged, indent=1) + "\n")
    settings = SimpleNamespace(exercises=tuple(first["grading"]["exercises"]))
    return outputs.write_gradebook(out, [g for _, g in order], settings)
