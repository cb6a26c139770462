"""What a grading process tells the runner, streamed: which stage starts, each stage's
record as soon as it exists, and that it is done.

The runner makes a FIFO in its own folder, which no worker can open; the worker opens
its writing end before it walls itself in, and from then on can only add to the
stream, never read it back or change what the runner has taken. A reader thread in the
runner drains it at once into the runner's own folder, so a record leaves the worker's
reach the moment it is written: later stages cannot rewrite it, and nothing the
grading leaves behind is there for student code to find.

Frames: one kind byte, a 4-byte big-endian length, the payload.
- P (progress): "unit<TAB>stage", the stage the worker starts;
- R (record): a 2-byte name length, the name ("slug.variant.stage"), a 4-byte length
  of the JSON part, the JSON, then the .npz bytes (grader/evidence.py's wire format);
- D (done): nothing.

The reader keeps only what it expects (names it was told), the first record of each
name, the first report of each stage, and at most `cap` bytes in all; past the cap,
or at a frame that is not its own, it stops reading and says so.
"""

import os
import select
import struct
import threading
import time
from pathlib import Path

PROGRESS, RECORD, DONE = b"P", b"R", b"D"
HEADER = struct.Struct(">cI")
MAX_FRAME = 256 << 20  # a frame longer than this is not ours: the reader stops
MAX_PROGRESS = 1000  # distinct (unit, stage) reports: an exercise has a dozen
MAX_PROGRESS_BYTES = 512  # "unit<TAB>stage" is a few dozen


class ChannelError(OSError):
    pass


class Writer:
    """The worker's end: frames written whole, blocking until the runner has room."""

    def __init__(self, fd):
        self.fd = fd

    def _send(self, kind, payload=b""):
        data = HEADER.pack(kind, len(payload)) + payload
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view) :]

    def progress(self, unit, stage):
        self._send(PROGRESS, f"{unit}\t{stage}".encode())

    def record(self, name, json_bytes, npz_bytes):
        encoded = name.encode()
        self._send(
            RECORD,
            struct.pack(">H", len(encoded)) + encoded + struct.pack(">I", len(json_bytes))
            + json_bytes + npz_bytes,
        )  # fmt: skip

    def done(self):
        self._send(DONE)


def make(path):
    """A fresh FIFO at `path` (the runner's folder), replacing whatever was there."""
    path = Path(path)
    if path.is_symlink() or path.exists():
        path.unlink()
    os.mkfifo(path, 0o600)
    return path


def open_for_worker(path):
    """The worker's end (call before the walls go up)."""
    return Writer(os.open(path, os.O_WRONLY | os.O_CLOEXEC))


class Reader:
    """The runner's end, drained by a thread of its own into `folder`.

    `expected(name)` says whether a record name may be kept; `progress` is a list of
    (runner's clock, unit, stage) the runner reads; `done` whether the worker said so.
    """

    def __init__(self, path, folder, expected, cap):
        self.folder = Path(folder)
        self.expected, self.cap = expected, cap
        self.received, self.progress, self.kept, self._heard = 0, [], set(), set()
        self.done, self.over_cap, self.broken = False, False, ""
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        # A writing end of our own: the stream never reads as ended before the worker
        # has opened it; the runner learns of the worker's end from the process.
        self._keep_open = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        self._buffer = bytearray()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        try:
            while not self._stop.is_set():
                ready, _, _ = select.select([self.fd], [], [], 0.05)
                if ready and not self._drain():
                    return
        finally:
            os.close(self.fd)

    def _drain(self):
        """Read what is there; False when reading must stop (the cap, a bad frame)."""
        while True:
            try:
                chunk = os.read(self.fd, 1 << 20)
            except BlockingIOError:
                return True
            if not chunk:
                return False  # every writer gone, ours too: close() was called
            self.received += len(chunk)
            if self.received > self.cap:
                with self._lock:
                    self.over_cap = True
                return False
            self._buffer += chunk
            if not self._frames() or self.broken:
                return False

    def _frames(self):
        while len(self._buffer) >= HEADER.size:
            kind, length = HEADER.unpack_from(self._buffer)
            too_long = length > (MAX_PROGRESS_BYTES if kind == PROGRESS else MAX_FRAME)
            if too_long or kind not in (PROGRESS, RECORD, DONE):
                with self._lock:
                    self.broken = f"a frame of kind {kind!r} and {length} bytes"
                return False
            if len(self._buffer) < HEADER.size + length:
                return True
            payload = bytes(self._buffer[HEADER.size : HEADER.size + length])
            del self._buffer[: HEADER.size + length]
            self._take(kind, payload)
        return True

    def _take(self, kind, payload):
        now = time.monotonic()
        if kind == DONE:
            with self._lock:
                self.done = True
        elif kind == PROGRESS:
            unit, _, stage = payload.decode("utf-8", errors="replace").partition("\t")
            with self._lock:
                if (unit, stage) not in self._heard:  # the first only: a flood keeps nothing
                    self._heard.add((unit, stage))
                    if len(self._heard) > MAX_PROGRESS:
                        self.broken = f"more than {MAX_PROGRESS} progress reports"
                        return
                    self.progress.append((now, unit, stage))
        else:
            self._keep_record(payload)

    def _keep_record(self, payload):
        try:
            (size,) = struct.unpack_from(">H", payload)
            name = payload[2 : 2 + size].decode("utf-8")
            (json_size,) = struct.unpack_from(">I", payload, 2 + size)
        except (struct.error, UnicodeDecodeError):
            return
        start = 2 + size + 4
        if name in self.kept or not self.expected(name) or "/" in name or name.startswith("."):
            return  # not one the runner asked for, or a second try at one it has
        json_bytes, npz_bytes = payload[start : start + json_size], payload[start + json_size :]
        stem = self.folder / name
        for suffix, data in ((".npz", npz_bytes), (".json", json_bytes)):  # .json last
            temporary = Path(f"{stem}{suffix}.part")
            temporary.write_bytes(data)
            os.replace(temporary, f"{stem}{suffix}")
        with self._lock:
            self.kept.add(name)

    def events(self, since=0):
        """Progress events from index `since` on."""
        with self._lock:
            return list(self.progress[since:])

    def close(self, drain_seconds=2.0):
        """After the worker ended: take what is left in the pipe, then stop."""
        os.close(self._keep_open)  # the pipe now reads as ended once it is drained
        self._thread.join(timeout=drain_seconds)
        self._stop.set()
        self._thread.join(timeout=1.0)
