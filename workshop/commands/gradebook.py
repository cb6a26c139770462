"""`workshop gradebook key FILE` and `workshop gradebook merge OUT1 OUT2 ... --out OUT`:
one class graded in shards on several machines (`workshop grade --shard K/N
--key-file FILE`), joined into one gradebook."""

import os
import secrets
from pathlib import Path

from ..errors import RunFailed, UsageError
from .command import Command


def add_arguments(parser):
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    key = actions.add_parser("key", help="a new signing key for every shard of a class")
    key.add_argument("file", help="a new file (keep it private, like the hidden seed)")
    merge = actions.add_parser("merge", help="join the --out folders of every shard")
    merge.add_argument("shards", nargs="+", help="each shard's --out folder")
    merge.add_argument("--out", required=True, help="a new folder for the whole class")


def run(args, root):
    if args.action == "key":
        return _new_key(Path(args.file))
    from ..batch.merge import ShardsDisagree, merge

    for folder in args.shards:
        if not Path(folder).is_dir():
            raise UsageError(f"{folder} is not a folder: give each shard's --out folder")
    try:
        table = merge(args.shards, args.out)
    except ShardsDisagree as error:
        raise RunFailed(f"not merged: {error}") from None
    print(
        f"Wrote {args.out}/gradebook.csv ({len(table)} submissions from {len(args.shards)} "
        f"shards) and their folders under {args.out}/submissions/; `workshop report "
        f"{args.out}` makes the class report."
    )
    return 0


def _new_key(path):
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise UsageError(f"{path} exists already: give a new file") from None
    except OSError as error:
        raise UsageError(f"{path} cannot be written ({error.strerror})") from None
    with os.fdopen(fd, "wb") as out:
        out.write(secrets.token_bytes(32))
    print(f"Wrote {path}: hand it to every shard as workshop grade --key-file {path}.")
    return 0


COMMAND = Command(
    "gradebook",
    "a class graded in shards: a shared key, and their gradebooks joined",
    add_arguments,
    run,
    needs_root=False,
)
