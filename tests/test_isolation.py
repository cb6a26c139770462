"""The walls around a grading worker, tested directly: a child process walls itself in
(isolation.wall_in) as a worker does, then tries what an attacking submission would;
every attempt must fail, and what grading needs must still work. The same child
without walls shows the attacks are real. Also: each wall on its own (the cgroup's
memory cap counts memfd pages, the IPC namespace takes SysV segments with it), the
seccomp allow list against what honest grading calls, the batch refusing to start
without a boundary unless told `--isolation none`, and the review flags."""

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import REPO

from workshop.batch import cgroups, isolation, jail, landlock, review, seccomp

needs_landlock = pytest.mark.skipif(
    landlock.abi_version() < 1, reason="this kernel has no Landlock"
)
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (the grader in CI)")

CHILD = textwrap.dedent(
    """
    import ctypes, dataclasses, json, os, signal, socket, sys, threading
    from pathlib import Path
    from workshop.batch import isolation, jail, seccomp

    area, secret, port, sent, walls, parent = sys.argv[1:7]
    parent, procs = int(parent), sys.argv[7:]  # a process of the test's, by the host's pid
    chosen = isolation.probe("none" if walls == "none" else "auto")
    if walls == "no-seccomp":
        chosen = dataclasses.replace(chosen, seccomp=False)
    if chosen.namespaces:
        jail.become_init()
    readable = isolation.readable_paths(os.environ["PACKAGE_ROOT"])
    isolation.wall_in(chosen, Path(area), readable, sent, 61500, 64 << 20, procs)
    scratch = Path(area) / "tmp"
    scratch.mkdir(exist_ok=True)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long

    def call(name, *args):
        if libc.syscall(ctypes.c_long(seccomp.number(name)), *args) < 0:
            raise OSError(ctypes.get_errno(), name)

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

    def fill(path, unlink=False):
        with open(path, "wb") as out:
            if unlink:
                os.unlink(path)
            for _ in range(80):
                out.write(b"x" * (1 << 20))
                out.flush()

    def shared_segment():
        key = libc.syscall(ctypes.c_long(seccomp.number("shmget")), 0, 1 << 20, 0o1600)
        if key < 0:
            raise OSError(ctypes.get_errno(), "shmget")
        print("segment", key, flush=True)

    results = {
        "read secret": attempt(lambda: open(secret).read()),
        "read //secret": attempt(lambda: open("/" + secret).read()),
        "read /proc/self/root/secret": attempt(lambda: open("/proc/self/root" + secret).read()),
        "list the secret's folder": attempt(lambda: os.listdir(os.path.dirname(secret))),
        "stat the secret": attempt(lambda: os.stat(secret)),
        "read the parent's environment": attempt(
            lambda: open(f"/proc/{parent}/environ").read()
        ),
        "see another process": attempt(lambda: open(f"/proc/{parent}/cmdline").read()),
        "write outside": attempt(
            lambda: open(os.path.join(os.path.dirname(secret), "new.txt"), "w").write("x")
        ),
        "overwrite the secret": attempt(lambda: open(secret, "a").write("x")),
        "change its own copy": attempt(lambda: open(Path(area) / "copy" / "x.py", "w")),
        "make a symlink": attempt(lambda: os.symlink(secret, scratch / "link")),
        "make a FIFO": attempt(lambda: os.mkfifo(scratch / "fifo")),
        # Where exec works, it would replace this process: tried only behind the walls.
        "exec": attempt(lambda: os.execv("/bin/true", ["true"])) if walls == "auto" else "-",
        "fork": attempt(lambda: os.fork() or os._exit(0)),  # a child made goes at once
        "socket": attempt(socket.socket),
        "tcp connect": attempt(
            lambda: socket.create_connection(("127.0.0.1", port), timeout=2)
        ),
        "signal the parent": attempt(lambda: os.kill(parent, 0)),
        "limit the parent's CPU": attempt(
            lambda: __import__("resource").prlimit(parent, 0, (1, 1))
        ),
        "lower the parent's priority": attempt(lambda: os.setpriority(0, parent, 19)),
        "pin the parent to one CPU": attempt(lambda: os.sched_setaffinity(parent, {0})),
        "raise its own memory cap": attempt(
            lambda: __import__("resource").setrlimit(9, (-1, -1))
        ),
        "chmod the secret": attempt(lambda: os.chmod(secret, 0)),
        "touch the secret": attempt(lambda: os.utime(secret, (0, 0))),
        "truncate the secret by path": attempt(lambda: os.truncate(secret, 0)),
        "become root again": attempt(lambda: os.setuid(0)),
        "fanotify_init (root's CAP_SYS_ADMIN)": attempt(lambda: call("fanotify_init", 4, 0)),
        "keep a SysV segment": attempt(shared_segment),
        "memfd_create": attempt(lambda: os.memfd_create("hoard")),
        "a new user namespace": attempt(lambda: call("unshare", jail.CLONE_NEWUSER)),
        "mount": attempt(lambda: jail.mount("tmpfs", scratch, "tmpfs", 0)),
        "write past the disk cap": attempt(lambda: fill(scratch / "big")),
        "write past it, deleted while open": attempt(lambda: fill(scratch / "gone", True)),
        "write inside": attempt(lambda: open(scratch / "ok.txt", "w").write("x")),
        "read inside": attempt(lambda: open(scratch / "ok.txt").read()),
        "remove inside": attempt(lambda: os.remove(scratch / "ok.txt")),
        "start a thread": attempt(thread),
        "import a module not loaded yet": attempt(lambda: __import__("fractions")),
        "read /dev/null": attempt(lambda: open("/dev/null").read()),
        "write /dev/null": attempt(lambda: open("/dev/null", "w").write("x")),
        "read its own limits": attempt(lambda: __import__("resource").getrlimit(9)),
        "pin itself to one CPU": attempt(lambda: os.sched_setaffinity(0, {0})),
    }
    host = ["/etc/passwd", "/home", "/usr/bin/python3", os.path.dirname(secret)]
    seen = [path for path in host if os.path.exists(path)]  # stat: Landlock does not see it
    print(json.dumps({"isolation": chosen.describe(), "results": results, "seen": seen}))
    """
)
REFUSED = (
    "read secret",
    "read //secret",
    "read /proc/self/root/secret",
    "list the secret's folder",
    "stat the secret",
    "read the parent's environment",
    "see another process",
    "write outside",
    "overwrite the secret",
    "change its own copy",
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
    "become root again",
    "fanotify_init (root's CAP_SYS_ADMIN)",
    "keep a SysV segment",
    "memfd_create",
    "a new user namespace",
    "mount",
    "write past the disk cap",
    "write past it, deleted while open",
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


def run_child(tmp_path, walls="auto", procs=()):
    """The child's report: what each attempt gave, and what it saw at its root."""
    secret_dir = tmp_path / "solutions"
    secret_dir.mkdir(exist_ok=True)
    secret = secret_dir / "pooling.py"
    secret.write_text("ANSWER = 42\n")
    area = tmp_path / "work" / walls
    area.mkdir(parents=True)
    sent = tmp_path / "sent"
    (sent / "exercises").mkdir(parents=True, exist_ok=True)
    (sent / "exercises" / "__init__.py").write_text("")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.setblocking(False)
    port = str(server.getsockname()[1])
    # What the child tries to limit, slow, pin and signal: a process of the test's own,
    # as the runner would be (unwalled, the attempts succeed: not on pytest itself).
    victim = subprocess.Popen(["sleep", "120"])
    argv = [str(area), str(secret), port, str(sent), walls, str(victim.pid), *procs]
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, *argv],
            capture_output=True,
            text=True,
            timeout=120,
            env=dict(os.environ, PYTHONPATH=str(REPO), PACKAGE_ROOT=str(REPO)),
        )
    finally:
        victim.kill()
        victim.wait()
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    if walls != "none":
        with pytest.raises(BlockingIOError):
            server.accept()  # nothing reached the listener
        assert secret.read_text() == "ANSWER = 42\n" and secret.stat().st_mode & 0o777
        assert not (secret_dir / "new.txt").exists()
    server.close()
    segments = [int(line.split()[1]) for line in lines if line.startswith("segment ")]
    return json.loads(lines[-1]), segments


@needs_landlock
def test_a_walled_in_worker_can_grade_but_reach_nothing_else(tmp_path):
    report, _ = run_child(tmp_path)
    results = report["results"]
    assert {k: results[k] for k in REFUSED if results[k] == "allowed"} == {}
    assert {k: results[k] for k in ALLOWED if results[k] != "allowed"} == {}
    assert "Landlock ABI" in report["isolation"]
    if "namespaces" in report["isolation"]:  # nothing of the host's exists in its world
        assert report["seen"] == []


@needs_root
def test_without_the_walls_the_attacks_are_real(tmp_path):
    """The same child, unwalled, as root: what the walls refuse works (the guard bites).
    The SysV segment it leaves is removed here."""
    report, segments = run_child(tmp_path, walls="none")
    results = report["results"]
    for attack in ("fanotify_init (root's CAP_SYS_ADMIN)", "keep a SysV segment",
                   "memfd_create", "fork", "socket", "read secret", "write past the disk cap",
                   "write past it, deleted while open", "signal the parent"):  # fmt: skip
        assert results[attack] == "allowed", attack
    libc = __import__("ctypes").CDLL(None)
    for key in segments:
        libc.shmctl(key, 0, None)  # IPC_RMID


@needs_root
def test_the_ipc_namespace_takes_a_segment_with_it(tmp_path):
    """Without the seccomp wall, a walled child may make a SysV segment; it lives in the
    worker's own IPC namespace and is gone with it, not left on the host."""
    before = Path("/proc/sysvipc/shm").read_text()
    report, segments = run_child(tmp_path, walls="no-seccomp")
    if "no namespaces" in report["isolation"]:
        pytest.skip("no namespaces here")
    assert report["results"]["keep a SysV segment"] == "allowed" and segments
    assert Path("/proc/sysvipc/shm").read_text() == before


@needs_root
def test_the_cgroup_counts_memfd_pages_against_the_memory_cap(tmp_path):
    """An address-space limit does not see a memfd filled by write(); the cgroup's
    memory cap does: the kernel stops the process, and the runner learns why."""
    try:
        hierarchy = cgroups.probe()
    except cgroups.CgroupsUnavailable as error:
        pytest.skip(str(error))
    group = cgroups.Group(hierarchy, f"workshop-test-{os.getpid()}", 64 << 20)
    try:
        hoard = textwrap.dedent(
            f"""
            import os, sys
            from workshop.batch import cgroups
            cgroups.join({group.procs_files!r})
            fd = os.memfd_create("hoard")
            for _ in range(256):
                os.write(fd, b"x" * (1 << 20))
            print("kept 256 MB")
            """
        )
        done = subprocess.run([sys.executable, "-c", hoard], capture_output=True, text=True,
                              timeout=60, env=dict(os.environ, PYTHONPATH=str(REPO)))  # fmt: skip
        assert done.returncode == -signal.SIGKILL and "kept" not in done.stdout
        assert group.out_of_memory()
    finally:
        group.remove()
    assert not any(Path(f).parent.exists() for f in group.procs_files)


@needs_root
def test_the_cgroup_caps_a_cpu_hog_to_its_share():
    """Four threads spinning for a second in a group of a quarter core get about a
    quarter second of CPU: a classmate's worker keeps the rest of the cores."""
    try:
        hierarchy = cgroups.probe()
    except cgroups.CgroupsUnavailable as error:
        pytest.skip(str(error))
    if cgroups.CPU not in hierarchy.controllers:
        pytest.skip("no cpu controller here")
    group = cgroups.Group(hierarchy, f"workshop-cpu-{os.getpid()}", 1 << 30, cpus=0.25)
    try:
        hog = textwrap.dedent(
            f"""
            import os, threading, time
            from workshop.batch import cgroups
            cgroups.join({group.procs_files!r})
            end = time.monotonic() + 1.0
            def spin():
                while time.monotonic() < end:
                    pass
            threads = [threading.Thread(target=spin) for _ in range(4)]
            [t.start() for t in threads]
            [t.join() for t in threads]
            used = os.times()
            print(used.user + used.system)
            """
        )
        done = subprocess.run([sys.executable, "-c", hog], capture_output=True, text=True,
                              timeout=60, env=dict(os.environ, PYTHONPATH=str(REPO)))  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        assert float(done.stdout) < 0.6  # unlimited, four threads would take up to 2 s
    finally:
        group.remove()


def test_cgroups_v2_is_preferred_and_v1_found_per_controller(tmp_path):
    v2 = tmp_path / "unified" / "me"
    v2.mkdir(parents=True)
    (v2 / "cgroup.controllers").write_text("cpu memory pids\n")
    (v2 / "cgroup.subtree_control").write_text("memory pids cpu\n")
    mountinfo = tmp_path / "mountinfo"
    own = tmp_path / "cgroup"
    mountinfo.write_text(
        f"30 1 0:26 / {tmp_path}/unified rw - cgroup2 cgroup2 rw\n"
        f"31 1 0:27 / {tmp_path}/memory rw - cgroup cgroup rw,memory\n"
        f"32 1 0:28 / {tmp_path}/pids rw - cgroup cgroup rw,pids\n"
    )
    own.write_text("0::/me\n5:memory:/a\n6:pids:/b\n")
    found = cgroups.probe(mountinfo, own)
    assert found == cgroups.Hierarchy(2, (str(v2),), ("memory", "pids", "cpu"))
    group = cgroups.Group(found, "w", 1 << 30, cpus=1.5)
    assert (v2 / "w" / "memory.max").read_text() == str(1 << 30)
    assert (v2 / "w" / "pids.max").read_text() == str(cgroups.PIDS_MAX)
    assert (v2 / "w" / "cpu.max").read_text() == "150000 100000"
    (v2 / "w" / "memory.events").write_text("low 0\noom 1\noom_kill 1\n")
    assert group.out_of_memory()
    (v2 / "cgroup.subtree_control").write_text("")  # a scope delegated to the runner alone
    (v2 / "cgroup.procs").write_text(f"{os.getpid()}\n")
    assert cgroups.probe(mountinfo, own).bases == (str(v2),)
    assert (v2 / "workshop-runner" / "cgroup.procs").read_text() == str(os.getpid())
    assert (v2 / "cgroup.subtree_control").read_text() == "+memory +pids +cpu"
    (v2 / "cgroup.subtree_control").write_text("")
    (v2 / "cgroup.procs").write_text(f"{os.getpid()}\n1\n")  # shared: not the runner's
    (v2 / "cgroup.controllers").write_text("cpu\n")  # v1 holds memory and pids here
    for name in ("memory/a", "pids/b"):
        (tmp_path / name).mkdir(parents=True)
    found = cgroups.probe(mountinfo, own)  # and no cpu controller: no CPU cap, the rest holds
    assert found == cgroups.Hierarchy(1, (f"{tmp_path}/memory/a", f"{tmp_path}/pids/b"))
    assert found.controllers == ("memory", "pids")


# --- the read list ------------------------------------------------------------------------------


def test_the_readable_paths_leave_out_the_solutions_and_tests():
    readable = [Path(p) for p in isolation.readable_paths(REPO)]
    for hidden in (REPO, REPO / "solutions", REPO / "tests"):
        assert not any(hidden == p or hidden.is_relative_to(p) for p in readable), hidden
        assert not any(
            p.is_relative_to(hidden) and p != REPO / "workshop" for p in readable if hidden != REPO
        ), hidden
    assert REPO / "workshop" in readable


def test_an_installed_wheel_keeps_its_solutions_out_of_the_read_list(tmp_path, monkeypatch):
    """A wheel installs solutions/ beside workshop/ in site-packages: the folder is then
    read child by child, without it."""
    site = tmp_path / "site-packages"
    for name in ("workshop", "solutions", "tests", "numpy", "keras"):
        (site / name).mkdir(parents=True)
    monkeypatch.setattr(sys, "path", [str(site), *sys.path])
    monkeypatch.setattr(isolation, "_site_folders", lambda: {site})
    readable = [Path(p) for p in isolation.readable_paths(site)]
    assert site / "numpy" in readable and site / "workshop" in readable
    assert not any(p in (site, site / "solutions", site / "tests") for p in readable)


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


# --- the seccomp allow list ---------------------------------------------------------------------

HONEST = REPO / "tests" / "data" / "honest-syscalls.txt"
# Recorded, refused, and grading copes (seccomp.py says why; clone3 is answered "not
# implemented", and glibc falls back to clone).
RECORDED_BUT_REFUSED = {"execve", "vfork", "wait4", "socket", "bind", "link", "clone3"}
# What an escape, or a reach into the host, starts with: never on the list.
NEVER = """socket socketpair connect bind listen accept accept4 sendto sendmsg fork vfork
execve execveat ptrace process_vm_readv process_vm_writev kcmp pidfd_open pidfd_getfd
pidfd_send_signal mount umount2 pivot_root chroot unshare setns fsopen fsmount open_tree
move_mount init_module finit_module delete_module kexec_load kexec_file_load bpf
io_uring_setup io_uring_enter perf_event_open reboot add_key request_key keyctl
userfaultfd fanotify_init fanotify_mark name_to_handle_at open_by_handle_at shmget shmat
msgget semget memfd_create memfd_secret setuid setgid setreuid setregid setresuid
setresgid setgroups capset setrlimit setpriority chmod fchmod fchmodat chown fchown
lchown fchownat utime utimes utimensat futimesat truncate fallocate mknod mknodat
timer_create setitimer alarm timerfd_create sethostname setdomainname settimeofday
clock_settime clock_adjtime adjtimex acct swapon swapoff quotactl syslog personality
landlock_create_ruleset landlock_add_rule landlock_restrict_self seccomp tkill
sched_setscheduler sched_setattr ioprio_set mbind_set set_mempolicy
migrate_pages move_pages symlink symlinkat mkfifo""".split()


def test_the_allow_list_covers_honest_grading_and_nothing_that_escapes():
    recorded = {
        line.split()[0] for line in HONEST.read_text().splitlines() if not line.startswith("#")
    }
    allowed = seccomp.allowed_names()
    assert recorded - allowed - RECORDED_BUT_REFUSED == set()
    assert [name for name in NEVER if name in allowed] == []
    assert len(recorded) > 40


@pytest.mark.slow
def test_honest_grading_recorded_afresh_stays_within_the_allow_list(tmp_path):
    """The recording made again (tools/record_syscalls.py, strace; about 10 minutes):
    today's TensorFlow and today's grading call nothing the list refuses but what is
    known to be refused."""
    import shutil

    if shutil.which("strace") is None:
        pytest.skip("strace is not installed")
    out = tmp_path / "calls.txt"
    done = subprocess.run([sys.executable, str(REPO / "tools" / "record_syscalls.py"), str(out)],
                          capture_output=True, text=True, timeout=3600)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    recorded = {line.split()[0] for line in out.read_text().splitlines() if line[:1] != "#"}
    assert recorded - seccomp.allowed_names() - RECORDED_BUT_REFUSED == set()


def test_the_filter_refuses_what_is_not_listed_and_kills_other_abis():
    probe = textwrap.dedent(
        """
        import ctypes, json, os, socket, sys, threading
        from workshop.batch import seccomp
        seccomp.install()
        def attempt(action):
            try:
                action()
                return "allowed"
            except BaseException as error:
                return type(error).__name__
        results = {
            "socket": attempt(socket.socket),
            "fork": attempt(os.fork),
            "thread": attempt(lambda: threading.Thread(target=int).start()),
            "kill itself (0)": attempt(lambda: os.kill(os.getpid(), 0)),
            "kill its parent (0)": attempt(lambda: os.kill(os.getppid(), 0)),
            "read its limits": attempt(lambda: __import__("resource").getrlimit(9)),
            "set its limits": attempt(lambda: __import__("resource").setrlimit(9, (-1, -1))),
            "isatty": attempt(lambda: os.isatty(1)),
        }
        print(json.dumps(results), flush=True)
        if sys.argv[1] == "x32":  # getpid through the x32 ABI: another ABI, killed
            ctypes.CDLL(None).syscall(0x40000000 | 39)
        """
    )
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-c", probe, "-"], capture_output=True, text=True,
                          timeout=60, env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(done.stdout)
    assert results == {
        "socket": "PermissionError",
        "fork": "PermissionError",
        "thread": "allowed",
        "kill itself (0)": "allowed",
        "kill its parent (0)": "PermissionError",
        "read its limits": "allowed",
        "set its limits": "ValueError",  # Python's word for EPERM here
        "isatty": "allowed",
    }
    if os.uname().machine == "x86_64":
        done = subprocess.run([sys.executable, "-c", probe, "x32"], capture_output=True,
                              timeout=60, env=env)  # fmt: skip
        assert done.returncode == -signal.SIGSYS


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


@needs_root
def test_as_a_normal_user_the_walls_come_from_a_user_namespace():
    """The batch run by a normal user: a child of the test drops to `nobody`, then raises
    the namespaces, the private root and the dropped capabilities through a user
    namespace, as a worker would (no cgroup: nobody may make one here)."""
    import tempfile

    if int(Path("/proc/sys/user/max_user_namespaces").read_text()) == 0:
        pytest.skip("user namespaces are off on this machine")
    base = Path(tempfile.mkdtemp(prefix="walls-user-", dir="/tmp"))
    try:
        base.chmod(0o755)
        area, sent = base / "work", base / "sent" / "exercises"
        area.mkdir()
        area.chmod(0o777)
        sent.mkdir(parents=True)
        (sent / "__init__.py").write_text("")
        for folder in (sent, sent.parent):
            folder.chmod(0o755)
        hear, tell = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: report through the pipe, never return to pytest
            os.close(hear)
            report = {}
            try:
                os.setgroups([])
                os.setresgid(65534, 65534, 65534)
                os.setresuid(65534, 65534, 65534)
                jail._c().prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE, as a user's own process is
                chosen = isolation.probe()
                report["isolation"] = chosen.describe()
                if chosen.namespaces:
                    jail.become_init()
                    readable = ["/usr/lib", "/lib", "/lib64", "/etc/ld.so.cache", "/dev/null"]
                    jail.enter(area, sent.parent, readable, 0, 16 << 20)
                    jail.drop_privileges(0)
                    report["capabilities"] = jail.capabilities()
                    report["uid"] = os.getuid()
                    report["sees /etc/passwd"] = os.path.exists("/etc/passwd")
                    (area / "tmp" / "ok").write_text("written")
                    report["writes its folder"] = (area / "tmp" / "ok").read_text()
            except BaseException as error:
                report["error"] = f"{type(error).__name__}: {error}"
            os.write(tell, json.dumps(report).encode())
            os._exit(0)
        os.close(tell)
        with os.fdopen(hear) as said:
            report = json.loads(said.read())
        os.waitpid(pid, 0)
    finally:
        import shutil

        shutil.rmtree(base, ignore_errors=True)
    assert "error" not in report, report
    if "no namespaces" in report["isolation"]:
        pytest.skip(f"no user namespaces for a normal user here: {report['isolation']}")
    assert "no capabilities (a user namespace)" in report["isolation"]
    assert "no cgroup" in report["isolation"]
    assert not any(report["capabilities"].values()) and report["uid"] == 0
    assert report["sees /etc/passwd"] is False and report["writes its folder"] == "written"
