"""The walls around a grading worker, tested directly: a child process walls itself in
(isolation.restrict) as a worker does, then tries what an attacking submission would;
every attempt must fail, and what grading needs must still work. Also: the batch
refuses to start without a boundary unless told `--isolation none`, and the review
flags find dynamic code but no honest file."""

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import REPO

from workshop.batch import isolation, landlock, review

needs_landlock = pytest.mark.skipif(
    landlock.abi_version() < 1, reason="this kernel has no Landlock"
)

CHILD = textwrap.dedent(
    """
    import json, os, signal, socket, sys, threading
    from workshop.batch import isolation

    area, secret, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    outside_link = os.path.join(area, "planted-link")  # made before the walls went up
    chosen = isolation.probe()
    isolation.restrict(chosen, isolation.readable_paths(os.environ["PACKAGE_ROOT"]), [area])

    def attempt(action):
        try:
            action()
            return "allowed"
        except BaseException as error:
            return type(error).__name__

    def thread():
        worker = threading.Thread(target=lambda: None)
        worker.start()
        worker.join()

    results = {
        "read secret": attempt(lambda: open(secret).read()),
        "read //secret": attempt(lambda: open("/" + secret).read()),
        "read /proc/self/root/secret": attempt(lambda: open("/proc/self/root" + secret).read()),
        "read through a planted link": attempt(lambda: open(outside_link).read()),
        "list the secret's folder": attempt(lambda: os.listdir(os.path.dirname(secret))),
        "read the parent's environment": attempt(
            lambda: open(f"/proc/{os.getppid()}/environ").read()
        ),
        "write outside": attempt(
            lambda: open(os.path.join(os.path.dirname(secret), "new.txt"), "w").write("x")
        ),
        "overwrite the secret": attempt(lambda: open(secret, "a").write("x")),
        "make a symlink": attempt(lambda: os.symlink(secret, os.path.join(area, "link"))),
        "make a FIFO": attempt(lambda: os.mkfifo(os.path.join(area, "fifo"))),
        "exec": attempt(lambda: os.execv("/bin/true", ["true"])),
        "fork": attempt(os.fork),
        "socket": attempt(socket.socket),
        "tcp connect": attempt(
            lambda: socket.create_connection(("127.0.0.1", port), timeout=2)
        ),
        "signal the parent": attempt(lambda: os.kill(os.getppid(), 0)),
        "limit the parent's CPU": attempt(
            lambda: __import__("resource").prlimit(os.getppid(), 0, (1, 1))
        ),
        "lower the parent's priority": attempt(lambda: os.setpriority(0, os.getppid(), 19)),
        "pin the parent to one CPU": attempt(lambda: os.sched_setaffinity(os.getppid(), {0})),
        "raise its own memory cap": attempt(
            lambda: __import__("resource").setrlimit(9, (-1, -1))
        ),
        "chmod the secret": attempt(lambda: os.chmod(secret, 0)),
        "touch the secret": attempt(lambda: os.utime(secret, (0, 0))),
        "truncate the secret by path": attempt(lambda: os.truncate(secret, 0)),
        "read its own limits": attempt(lambda: __import__("resource").getrlimit(9)),
        "pin itself to one CPU": attempt(lambda: os.sched_setaffinity(0, {0})),
        "write inside": attempt(lambda: open(os.path.join(area, "ok.txt"), "w").write("x")),
        "read inside": attempt(lambda: open(os.path.join(area, "ok.txt")).read()),
        "remove inside": attempt(lambda: os.remove(os.path.join(area, "ok.txt"))),
        "start a thread": attempt(thread),
        "import a module not loaded yet": attempt(lambda: __import__("fractions")),
        "read /dev/null": attempt(lambda: open("/dev/null").read()),
        "write /dev/null": attempt(lambda: open("/dev/null", "w").write("x")),
    }
    print(json.dumps({"isolation": chosen.describe(), "results": results}))
    """
)
REFUSED = (
    "read secret",
    "read //secret",
    "read /proc/self/root/secret",
    "read through a planted link",
    "list the secret's folder",
    "read the parent's environment",
    "write outside",
    "overwrite the secret",
    "make a symlink",
    "make a FIFO",
    "exec",
    "fork",
    "socket",
    "tcp connect",
    "signal the parent",
    "limit the parent's CPU",
    "lower the parent's priority",
    "pin the parent to one CPU",
    "raise its own memory cap",
    "chmod the secret",
    "touch the secret",
    "truncate the secret by path",
)
ALLOWED = (
    "write inside",
    "read inside",
    "remove inside",
    "start a thread",
    "import a module not loaded yet",
    "read /dev/null",
    "read its own limits",
    "pin itself to one CPU",
    "write /dev/null",
)


@needs_landlock
def test_a_walled_in_worker_can_grade_but_reach_nothing_else(tmp_path):
    secret_dir = tmp_path / "solutions"
    secret_dir.mkdir()
    secret = secret_dir / "pooling.py"
    secret.write_text("ANSWER = 42\n")
    area = tmp_path / "work" / "student"
    area.mkdir(parents=True)
    os.symlink(secret, area / "planted-link")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.setblocking(False)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(area), str(secret), str(server.getsockname()[1])],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ, PYTHONPATH=str(REPO), PACKAGE_ROOT=str(REPO)),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    results = report["results"]
    assert {k: results[k] for k in REFUSED if results[k] == "allowed"} == {}
    assert {k: results[k] for k in ALLOWED if results[k] != "allowed"} == {}
    with pytest.raises(BlockingIOError):
        server.accept()  # nothing reached the listener
    server.close()
    assert secret.read_text() == "ANSWER = 42\n" and secret.stat().st_mode & 0o777
    assert not (secret_dir / "new.txt").exists()
    assert "Landlock ABI" in report["isolation"]


def test_the_readable_paths_leave_out_the_solutions_and_tests():
    readable = [Path(p) for p in isolation.readable_paths(REPO)]
    for hidden in (REPO, REPO / "solutions", REPO / "tests"):
        assert not any(hidden == p or hidden.is_relative_to(p) for p in readable), hidden
        assert not any(
            p.is_relative_to(hidden) and p != REPO / "workshop" for p in readable if hidden != REPO
        ), hidden
    assert REPO / "workshop" in readable


def test_without_landlock_the_batch_refuses_in_one_line(monkeypatch, tmp_path, capsys):
    from workshop import cli

    monkeypatch.setattr(landlock, "abi_version", lambda: 0)
    (tmp_path / "class").mkdir()
    code = cli.main(["--root", str(REPO), "grade", str(tmp_path / "class"), "--out",
                     str(tmp_path / "out")])  # fmt: skip
    error = capsys.readouterr().err.strip()
    assert code == 1
    assert len(error.splitlines()) == 1 and "--isolation none" in error
    assert isolation.probe("none").kind == isolation.NONE
    assert "none" in isolation.probe("none").describe()


# --- the seccomp program, run instruction by instruction --------------------------------


def run_filter(program, number, args=(), arch="x86_64"):
    """What the BPF program answers for one system call (a tiny interpreter)."""
    from workshop.batch import seccomp as s

    data = {0: number, 4: s.AUDIT_ARCH.get(arch, 0x40000003)}
    for index, value in enumerate(list(args) + [0] * (6 - len(args))):
        data[16 + 8 * index] = value & 0xFFFFFFFF
        data[20 + 8 * index] = (value >> 32) & 0xFFFFFFFF
    pc, accumulator = 0, 0
    while True:
        code, if_true, if_false, k = program[pc]
        if code == s.LD_W_ABS:
            accumulator, pc = data[k], pc + 1
        elif code in (s.JEQ_K, s.JGE_K, s.JSET_K):
            taken = {
                s.JEQ_K: accumulator == k,
                s.JGE_K: accumulator >= k,
                s.JSET_K: bool(accumulator & k),
            }[code]
            pc += 1 + (if_true if taken else if_false)
        else:
            assert code == s.RET_K
            if k == s.RET_ALLOW:
                return "allow"
            return "kill" if k == s.RET_KILL_PROCESS else f"errno {k & 0xFFFF}"


@pytest.mark.parametrize("arch", ["x86_64", "aarch64"])
def test_the_seccomp_program_allows_threads_and_the_worker_itself_only(arch):
    from workshop.batch import seccomp as s

    column = 0 if arch == "x86_64" else 1
    number = {name: pair[column] for name, pair in s.SYSCALLS.items()}
    me, other, pointer = 4321, 999, 0x7FFD_0000_1000
    program = s.program(arch, pid=me)
    assert len(program) < 256
    expected = [
        ("clone", (0x3D0F00,), "allow"),  # glibc's pthread_create: CLONE_THREAD set
        ("clone", (17,), "errno 1"),  # fork's flags: SIGCHLD only
        ("clone3", (), "errno 38"),  # ENOSYS: glibc falls back to clone
        ("socket", (2, 1, 0), "errno 1"),
        ("execve", (), "errno 1"),
        ("kill", (me, 9), "allow"),
        ("kill", (0, 9), "allow"),  # its own process group: itself alone
        ("kill", (other, 9), "errno 1"),
        ("kill", (-1, 9), "errno 1"),  # everyone
        ("tgkill", (me, me + 1, 6), "allow"),
        ("tgkill", (other, other, 9), "errno 1"),
        ("prlimit64", (0, 9, 0, pointer), "allow"),  # getrlimit
        ("prlimit64", (0, 9, pointer, 0), "errno 1"),  # setrlimit
        ("prlimit64", (other, 0, 0, pointer), "errno 1"),
        ("sched_setaffinity", (0, 8, pointer), "allow"),
        ("sched_setaffinity", (other, 8, pointer), "errno 1"),
        ("utimensat", (3, 0, 0, 0), "allow"),  # futimens on an open file
        ("utimensat", (-100, pointer, 0, 0), "errno 1"),
        ("fchmodat", (), "errno 1"),
        ("fallocate", (), "errno 1"),
        ("keyctl", (), "errno 1"),
    ]
    answers = [(n, a, run_filter(program, number[n], a, arch)) for n, a, _ in expected]
    assert answers == expected
    assert run_filter(program, 64 if arch == "aarch64" else 1, (), arch) == "allow"  # write
    assert run_filter(program, 1, (), "i386") == "kill"  # another ABI
    if arch == "x86_64":
        assert run_filter(program, 0x40000000 | 1, (), arch) == "errno 1"  # x32


# --- review flags ---------------------------------------------------------------------


FLAGGED = {
    "import base64": "decodes hidden text",
    "x = eval('1')": "runs text as code",
    "import sys\nm = sys.modules['workshop']": "reaches loaded modules",
    "import sys\nf = sys._getframe(1)": "inspects stack frames",
    "import inspect": "inspects stack frames",
    "import tensorflow as tf\ntf.io.write_file('a', 'b')": "through TensorFlow",
    "import tensorflow as tf\ntf.py_function(f, [x], tf.float32)": "inside the graph",
    "import tensorflow as tf\nop = getattr(tf.nn, 'max_' + 'pool2d')": "built at run time",
    "import os\nos.system('ls')": "starts processes",
    "import os\nos.execv('/bin/sh', [])": "starts processes",
    "import ctypes": "calls C functions",
    "import socket": "network",
    "import importlib\nimportlib.import_module('x')": "imports modules by name",
    "def f():\n    return f.__globals__": "module namespace",
}


@pytest.mark.parametrize("source", list(FLAGGED))
def test_review_flags_dynamic_code(source):
    flags = review.flags_in_source(source)
    assert any(FLAGGED[source] in why for _, _, why in flags), flags


def test_review_flags_no_honest_file():
    honest = [
        *sorted((REPO / "solutions").glob("*.py")),
        *sorted((REPO / "exercises").glob("*.py")),
        *sorted((REPO / "tests" / "implementations").glob("*.py")),
    ]
    corpus = REPO / "tests" / "submissions"
    honest += [
        corpus / name / "exercises" / "pooling.py" for name in ("correct", "correct-but-slow")
    ]
    flagged = {str(p.relative_to(REPO)): review.flags_in_source(p.read_text()) for p in honest}
    assert {path: flags for path, flags in flagged.items() if flags} == {}
    assert len(honest) > 40
    # getattr over the layer's own attributes is plain code, not a built-up name
    assert (
        review.flags_in_source("class A:\n    def f(self, n):\n        return getattr(self, n)")
        == []
    )
    assert review.flags_in_source("def f(module, n):\n    return getattr(module, n)")
