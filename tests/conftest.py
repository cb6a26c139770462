import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
IMPLEMENTATIONS = Path(__file__).resolve().parent / "implementations"

sys.path.insert(0, str(REPO))

from splice import splice  # noqa: E402

from workshop.quiet import import_tensorflow  # noqa: E402

import_tensorflow()


# `--strategy parameter_server` on an in-process cluster, and how the run names it.
IN_PROCESS_CLUSTER = ("--strategy", "parameter_server", "--workers", "2", "--ps", "1")
IN_PROCESS_CLUSTER_SAID = "2 worker(s) + 1 ps, asynchronous parameter_server strategy"


def shared_folder(tmp_path_factory):
    """A folder of this test run that every pytest-xdist worker shares (the run's
    own base folder when there are no workers)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def locked(path):
    """Hold an exclusive lock on `path` (made if missing) against the other workers."""
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session", autouse=True)
def checkout_state_kept(tmp_path_factory):
    """Tests that run `workshop check` in this checkout record results in its
    .workshop/state.json: put back what was there (or nothing), so that `workshop list`
    afterwards shows only what the developer checked. With several workers, the first
    to start keeps what was there and the last to finish puts it back."""
    state = REPO / ".workshop" / "state.json"
    shared = shared_folder(tmp_path_factory)
    users, kept = shared / "checkout-state.users", shared / "checkout-state.before"
    with locked(shared / "checkout-state.lock"):
        count = int(users.read_text()) if users.is_file() else 0
        if count == 0:
            kept.unlink(missing_ok=True)
            if state.is_file():
                kept.write_bytes(state.read_bytes())
        users.write_text(str(count + 1))
    yield
    with locked(shared / "checkout-state.lock"):
        count = int(users.read_text()) - 1
        users.write_text(str(count))
        if count:
            return
        if kept.is_file():
            state.write_bytes(kept.read_bytes())
        elif state.is_file():
            state.unlink()
            try:
                state.parent.rmdir()
            except OSError:
                pass  # something else of the developer's is in it


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory):
    """One data folder for the whole run, shared by the workers: each embedded data set
    is built once (numbers takes 8 s), as a user's folder is; processes that build at
    once take turns."""
    folder = shared_folder(tmp_path_factory) / "tfds"
    folder.mkdir(exist_ok=True)
    return str(folder)


def run_python(*argv, cwd=REPO, env=None, timeout=1800):
    """`python ARGV` in a fresh process, this checkout on its path (`env` adds
    variables), its output captured."""
    return subprocess.run(
        [sys.executable, *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(REPO), **(env or {})),
        timeout=timeout,
    )


def run_cli(*args, cwd=REPO, env=None, timeout=1800):
    """`python -m workshop ARGS`, as a user would run it."""
    return run_python("-m", "workshop", *args, cwd=cwd, env=env, timeout=timeout)


def run_script(source, *args, timeout=300):
    """Python `source` (`python -c`, ARGS after it): for what must not share the test's
    TensorFlow."""
    return run_python("-c", source, *args, timeout=timeout)


@pytest.fixture
def student_root(tmp_path):
    """A fresh copy of the untouched stubs, as a student's checkout; returns a writer."""
    shutil.copytree(REPO / "exercises", tmp_path / "exercises")

    class Root:
        path = tmp_path

        def write(self, module, text):
            (tmp_path / "exercises" / f"{module}.py").write_text(text, encoding="utf-8")

        def use(self, module, implementation):
            """exercises/<module>.py as a student wrote it: the answer laid over the stub."""
            stub = (REPO / "exercises" / f"{module}.py").read_text(encoding="utf-8")
            answer = (IMPLEMENTATIONS / implementation).read_text(encoding="utf-8")
            self.write(module, splice(stub, answer))

        def edit(self, module, old, new):
            path = tmp_path / "exercises" / f"{module}.py"
            text = path.read_text(encoding="utf-8")
            assert old in text, f"{old!r} not in {module}.py"
            path.write_text(text.replace(old, new), encoding="utf-8")

    return Root()


def assert_learned(out):
    """What `workshop run` wrote in `out`/learning.csv: at least one sign, and each
    beyond chance or labelled a smoke run (its line says what the full run reaches).
    Returns the table."""
    import pandas as pd

    signs = pd.read_csv(Path(out) / "learning.csv", keep_default_na=False)
    assert len(signs), "learning.csv has no sign of learning"
    unlabelled = signs[~signs["beyond chance"] & (signs["smoke run"] == "")]
    assert unlabelled.empty, f"at chance and not labelled a smoke run:\n{unlabelled}"
    return signs
