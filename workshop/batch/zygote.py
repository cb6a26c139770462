"""A process that has imported TensorFlow once and forks a fresh worker per request.

Importing TensorFlow costs a worker several seconds; forking one that has it already
costs milliseconds. Each submission (and each restart after a hang) still gets a
process of its own, with its own memory, so nothing one student's code does reaches
another's. The zygote runs no TensorFlow op: a TensorFlow that has started its thread
pools cannot be forked safely.

Started with --pid-namespace (the walls have namespaces, isolation.py), it first
becomes the first process of a new PID namespace (jail.become_init): every process it
forks lives there, sees no process of the host, and dies with it.

Protocol, one JSON object per line: the runner writes {"id": n, "argv": [...], "log":
path, "entry": "worker", "graph_judge" or "reference"} (a student's worker, the
trusted run of a student's exported graphs, graph_judge.py, or a process computing the
reference's records, reference.py); the zygote answers {"id": n, "pid": host pid} at
once and {"id": n, "code": c} when that process ends (c < 0: killed by signal -c). The
runner kills or signals one by {"kill": n} or {"signal": n, "number": s}: the zygote,
its parent, does it while the process is not yet reaped, so no pid is ever reused
under the runner's hand.
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
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the runner alone ends it (and Ctrl-C ends it)
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
    from . import channel, graph_judge, isolation, reference, worker  # noqa: F401
    from .seccomp import supported

    supported()  # libseccomp loaded once, shared by every worker

    gc.freeze()  # what is loaded stays shared: no collection writes to its pages
    out = sys.stdout
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    stdin = sys.stdin.fileno()
    buffered = b""
    alive = {}  # request id -> our pid of that child, until it is reaped
    ids = {}  # our pid -> request id
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
                _answer(json.loads(line), alive, ids, namespaced, out)
        while ids:  # reap: our children, and as pid 1 whatever else ends here
            try:
                done, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if not done:
                break
            if done in ids:
                number = ids.pop(done)
                del alive[number]
                code = os.waitstatus_to_exitcode(status)
                out.write(json.dumps({"id": number, "code": code}) + "\n")
                out.flush()
    for pid in ids:  # leave nothing behind
        try:
            os.killpg(pid, 9)
        except ProcessLookupError:
            pass


def _answer(request, alive, ids, namespaced, out):
    """One request: start a process, or kill or signal one not yet reaped. Only this
    process, their parent, signals them: a pid it has not reaped is still theirs, while
    the runner's number for one that ended could by then be another process's."""
    if "kill" in request or "signal" in request:
        number = request.get("kill", request.get("signal"))
        if number in alive:
            try:
                if "kill" in request:
                    os.killpg(alive[number], 9)  # its own group: children included
                else:
                    os.kill(alive[number], int(request["number"]))
            except (ProcessLookupError, PermissionError):
                pass
        return
    hear, told = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(hear)
        _child(request["argv"], request["log"], request.get("entry", "worker"), namespaced, told)
    os.close(told)
    said = os.read(hear, 32)
    os.close(hear)
    alive[request["id"]], ids[pid] = pid, request["id"]
    if namespaced:  # the host's number, which the runner may use only to look (statvfs)
        host = int(said) if said.strip().isdigit() else None
    else:
        host = pid
    out.write(json.dumps({"id": request["id"], "pid": host}) + "\n")
    out.flush()


if __name__ == "__main__":
    serve(namespaced="--pid-namespace" in sys.argv[1:])
