"""Starting the batch's processes: forked from the fork server (zygote.py), or each a
`python -m workshop.batch.ENTRY` of its own when there is none (--no-fork)."""

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time

from .area import PACKAGE_ROOT


class Zygote:
    """The fork server, talked to over its stdin and stdout. It starts at once and
    imports TensorFlow while the runner does its own set-up; the first spawn waits
    until it is ready. `namespaced`: it lives in a PID namespace of its own making.
    Each process it starts has a number of the runner's (never reused), by which the
    runner learns of its end and has it killed or signalled."""

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
        self.exits, self.pids, self.ended, self._lock = {}, {}, {}, threading.Condition()
        self._numbers = itertools.count(1)
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
                    self.pids[message["id"]] = message["pid"]
                else:  # when it ended, by this thread's clock, however busy the runner
                    self.ended[message["id"]] = time.monotonic()
                    self.exits[message["id"]] = message["code"]
                self._lock.notify_all()

    def _send(self, message):
        self.process.stdin.write((json.dumps(message) + "\n").encode())
        self.process.stdin.flush()

    def spawn(self, argv, log, entry="worker"):
        with self._lock:
            if not self._lock.wait_for(lambda: self.ready is not None, timeout=300):
                raise RuntimeError("the worker fork server did not start in 5 minutes")
            if not self.ready:
                raise RuntimeError("the worker fork server did not start")
            number = next(self._numbers)
            self._send({"id": number, "argv": argv, "log": str(log), "entry": entry})
            if not self._lock.wait_for(lambda: number in self.pids, timeout=60):
                raise RuntimeError("the worker fork server does not answer")
            return ForkedWorker(number, self.pids.pop(number), self)

    def request(self, message):
        """A kill or a signal for one of its processes; nothing if it has gone."""
        try:
            with self._lock:
                self._send(message)
        except (OSError, ValueError):
            pass

    def close(self):
        try:
            self.process.stdin.close()
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()


class ForkedWorker:
    """A process the fork server started: `pid` is the host's number (None if it ended
    before it said), used only to look at it (its /proc), never to signal it."""

    def __init__(self, number, pid, zygote):
        self.number, self.pid, self.zygote = number, pid, zygote

    def poll(self):
        code = self.zygote.exits.get(self.number)
        if code is None and self.zygote.process.poll() is not None:
            return -1  # the server is gone, and with it whatever it started (pid 1)
        return code

    @property
    def ended_at(self):
        return self.zygote.ended.get(self.number)

    def signal(self, number):
        self.zygote.request({"signal": self.number, "number": int(number)})

    def kill(self):
        self.zygote.request({"kill": self.number})
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

    def signal(self, number):
        if self.process.poll() is None:  # not reaped: the pid is still its own
            os.kill(self.pid, number)

    def kill(self):
        if self.process.poll() is None:
            kill_group(self.pid)
        self.process.wait()
        self.log.close()


# What student code may see of the grader's environment: what Python, TensorFlow and
# the C library need, not tokens or credentials (they would leak into feedback).
ENVIRONMENT_KEPT = ("PATH", "HOME", "LANG", "LC_", "TZ", "PYTHON", "KERAS_", "XLA_")
# TensorFlow's own settings, by name: TF_ alone would let Terraform's through (TF_VAR_*,
# TF_TOKEN_*: credentials in many CI setups).
ENVIRONMENT_KEPT += ("TF_CPP_", "TF_ENABLE_", "TF_NUM_", "TF_FORCE_", "TF_GPU_", "TF_XLA_")
ENVIRONMENT_KEPT += ("TF_DETERMINISTIC_OPS", "TF_USE_LEGACY_KERAS")
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
