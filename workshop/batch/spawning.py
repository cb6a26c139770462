"""Starting the batch's processes: forked from the fork server (zygote.py), or each a
`python -m workshop.batch.ENTRY` of its own when there is none (--no-fork)."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from .area import PACKAGE_ROOT


class Zygote:
    """The fork server, talked to over its stdin and stdout. It starts at once and
    imports TensorFlow while the runner does its own set-up; the first spawn waits
    until it is ready. `namespaced`: it lives in a PID namespace of its own making."""

    def __init__(self, namespaced=False):
        self.namespaced = namespaced
        self.process = subprocess.Popen(
            [sys.executable, "-P", "-m", "workshop.batch.zygote"]
            + (["--pid-namespace"] if namespaced else []),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=PACKAGE_ROOT / "workshop",
            env=worker_environment(),
        )
        self.exits, self._pids, self._lock = {}, [], threading.Condition()
        self.ready = None  # True once it said so, False if it ended first
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        first = self.process.stdout.readline()
        with self._lock:
            self.ready = bool(first) and bool(json.loads(first).get("ready"))
            self._lock.notify_all()
        for line in self.process.stdout:
            message = json.loads(line)
            with self._lock:
                if "pid" in message:
                    self._pids.append(message["pid"])
                else:
                    self.exits[message["exit"]] = message["code"]
                self._lock.notify_all()

    def spawn(self, argv, log, entry="worker"):
        with self._lock:
            if not self._lock.wait_for(lambda: self.ready is not None, timeout=300):
                raise RuntimeError("the worker fork server did not start in 5 minutes")
            if not self.ready:
                raise RuntimeError("the worker fork server did not start")
            request = {"argv": argv, "log": str(log), "entry": entry}
            self.process.stdin.write((json.dumps(request) + "\n").encode())
            self.process.stdin.flush()
            if not self._lock.wait_for(lambda: self._pids, timeout=60):
                raise RuntimeError("the worker fork server does not answer")
            return ForkedWorker(self._pids.pop(0), self)

    def close(self):
        try:
            self.process.stdin.close()
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()


class ForkedWorker:
    def __init__(self, pid, zygote):
        self.pid, self.zygote = pid, zygote

    def poll(self):
        code = self.zygote.exits.get(self.pid)
        if code is None and self.zygote.process.poll() is not None:
            # The zygote is gone, so nobody reports this worker's end: look for it.
            return None if Path(f"/proc/{self.pid}").exists() else -1
        return code

    def kill(self):
        kill_group(self.pid)
        deadline = time.monotonic() + 10
        while self.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)


class ExecWorker:
    """A worker (or reference process) as its own `python -m workshop.batch.ENTRY`, when
    there is no zygote."""

    def __init__(self, argv, log, entry="worker"):
        self.log = open(log, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-P", "-m", f"workshop.batch.{entry}", *argv],
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=PACKAGE_ROOT / "workshop",
            env=worker_environment(),
        )
        self.pid = self.process.pid

    def poll(self):
        return self.process.poll()

    def kill(self):
        kill_group(self.pid)
        self.process.wait()
        self.log.close()


# What student code may see of the grader's environment: what Python, TensorFlow and
# the C library need, not tokens or credentials (they would leak into feedback).
ENVIRONMENT_KEPT = ("PATH", "HOME", "LANG", "LC_", "TZ", "PYTHON", "TF_", "KERAS_", "XLA_")
ENVIRONMENT_KEPT += ("CUDA", "NVIDIA", "LD_LIBRARY_PATH", "OMP_", "MKL_", "OPENBLAS_")
ENVIRONMENT_KEPT += ("WORKSHOP_",)


def worker_environment():
    kept = {k: v for k, v in os.environ.items() if k.startswith(ENVIRONMENT_KEPT)}
    return dict(kept, PYTHONPATH=str(PACKAGE_ROOT))


def kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
