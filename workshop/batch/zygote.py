"""A process that has imported TensorFlow once and forks a fresh worker per request.

Importing TensorFlow costs a worker several seconds; forking one that has it already
costs milliseconds. Each submission (and each restart after a hang) still gets a
process of its own, with its own memory, so nothing one student's code does reaches
another's. The zygote runs no TensorFlow op: a TensorFlow that has started its thread
pools cannot be forked safely.

Started with --pid-namespace (the walls have namespaces, isolation.py), it first
becomes the first process of a new PID namespace (jail.become_init): every process it
forks lives there, sees no process of the host, and dies with it.

Protocol, one JSON object per line: the runner writes {"argv": [...], "log": path,
"entry": "worker", "graph_judge" or "reference"} (a student's worker, the trusted run of a
student's exported graphs, graph_judge.py, or a process computing the reference's
records, reference.py); the zygote answers {"pid": n} at once and {"exit": n, "code":
c} when that process ends (c < 0: killed by signal -c), n always the host's pid, by
which the runner signals it.
"""

import json
import os
import select
import sys


def _child(argv, log, entry, namespaced, told):
    os.setsid()  # its own process group: killed whole, children included
    if namespaced:  # the runner knows it by the host's pid, not the namespace's
        from .jail import host_pid

        os.write(told, str(host_pid()).encode())
    os.close(told)
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(fd)
    os.close(null)
    code = 1
    try:
        if entry == "reference":
            from .reference import main

            main(argv)
        elif entry == "graph_judge":
            from .graph_judge import main

            main(argv, in_pid_namespace=namespaced)
        else:
            from .worker import main

            main(argv, in_pid_namespace=namespaced)
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)


def serve(namespaced=False):
    if namespaced:
        from .jail import become_init

        become_init()
    import gc

    from ..quiet import import_tensorflow

    import_tensorflow(first_op=False)
    from .. import catalog  # loaded once, shared by every worker
    from ..grader import hidden, judging, observing  # noqa: F401

    for exercise in catalog.EXERCISES:
        exercise.kind.preload(exercise)
    from . import graph_judge, reference, worker  # noqa: F401

    gc.freeze()  # what is loaded stays shared: no collection writes to its pages
    out = sys.stdout
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    stdin = sys.stdin.fileno()
    buffered = b""
    children = {}  # our pid of each child -> the host's
    parent = os.getppid()
    while os.getppid() == parent:  # the runner gone (even killed): so are we
        readable, _, _ = select.select([stdin], [], [], 0.1)
        if readable:
            chunk = os.read(stdin, 65536)
            if not chunk:
                break  # the runner has gone: so do we
            buffered += chunk
            while b"\n" in buffered:
                line, buffered = buffered.split(b"\n", 1)
                request = json.loads(line)
                hear, told = os.pipe()
                pid = os.fork()
                if pid == 0:
                    os.close(hear)
                    entry = request.get("entry", "worker")
                    _child(request["argv"], request["log"], entry, namespaced, told)
                os.close(told)
                said = os.read(hear, 32)
                os.close(hear)
                children[pid] = int(said) if namespaced and said else pid
                out.write(json.dumps({"pid": children[pid]}) + "\n")
                out.flush()
        while children:  # reap: our children, and as pid 1 whatever else ends here
            try:
                done, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if not done:
                break
            if done in children:
                code = os.waitstatus_to_exitcode(status)
                out.write(json.dumps({"exit": children.pop(done), "code": code}) + "\n")
                out.flush()
    for pid in children:  # leave nothing behind
        try:
            os.killpg(pid, 9)
        except ProcessLookupError:
            pass


if __name__ == "__main__":
    serve(namespaced="--pid-namespace" in sys.argv[1:])
