"""What each command of `workshop` is: a name, a line of help, its arguments, and the
function that runs it. Each lives in a module of its own in this package."""

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    add_arguments: Callable  # (parser) -> None: adds the command's own arguments
    run: Callable  # (args, root) -> exit code; raises UsageError / RunFailed for one line
    resumable: bool = False  # Ctrl-C says "run the same command again to resume"
    needs_root: bool = True  # False: runs without an exercises/ folder (init makes one)
