"""A process that has imported TensorFlow once and forks a fresh worker per request.

Importing TensorFlow costs a worker several seconds; forking one that has it already
costs milliseconds. Each submission (and each restart after a hang) still gets a
process of its own, with its own memory, so nothing one student's code does reaches
another's. The zygote runs no TensorFlow op: a TensorFlow that has started its thread
pools cannot be forked safely.

Protocol, one JSON object per line: the runner writes {"argv": [...], "log": path,
"entry": "worker" or "reference"} (a student's worker, or a process computing the
reference's records, reference.py); the zygote answers {"pid": n} at once and
{"exit": pid, "code": c} when that process ends (c < 0: killed by signal -c).
"""

import json
import os
import select
import sys


def _child(argv, log, entry):
    os.setsid()  # its own process group: killed whole, children included
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    code = 1
    try:
        if entry == "reference":
            from .reference import main
        else:
            from .worker import main

        main(argv)
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)


def serve():
    from ..quiet import import_tensorflow

    import_tensorflow(first_op=False)
    from .. import catalog  # loaded once, shared by every worker
    from ..grader import hidden, judging, observing  # noqa: F401

    for exercise in catalog.EXERCISES:
        exercise.kind.preload(exercise)
    from . import reference, worker  # noqa: F401

    out = sys.stdout
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    stdin = sys.stdin.fileno()
    buffered = b""
    children = set()
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
                pid = os.fork()
                if pid == 0:
                    _child(request["argv"], request["log"], request.get("entry", "worker"))
                children.add(pid)
                out.write(json.dumps({"pid": pid}) + "\n")
                out.flush()
        for pid in list(children):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                children.discard(pid)
                out.write(
                    json.dumps({"exit": pid, "code": os.waitstatus_to_exitcode(status)}) + "\n"
                )
                out.flush()
    for pid in children:  # leave nothing behind
        try:
            os.killpg(pid, 9)
        except ProcessLookupError:
            pass


if __name__ == "__main__":
    serve()
