"""The stream from a worker to the runner (batch/channel.py): records leave the worker's
reach as they are written. The runner keeps only the records it asked for, the first
of each name (a later stage cannot rewrite one), stops at the cap on what one
submission may send and at a frame that is not its own; the attempt listens only to
progress for the exercise it started the worker for."""

import os
import struct
import time

import numpy as np

from workshop.batch import channel
from workshop.grader import evidence
from workshop.grader.evidence import Observation


def stream(tmp_path, expected, cap=1 << 20):
    fifo = channel.make(tmp_path / "channel")
    (tmp_path / "records").mkdir()
    reader = channel.Reader(fifo, tmp_path / "records", expected.__contains__, cap)
    return reader, channel.open_for_worker(fifo)


def wait_for(condition):
    deadline = time.monotonic() + 5
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_records_land_in_the_runners_folder_first_one_wins(tmp_path):
    reader, writer = stream(tmp_path, {"maxpool.public.cases"})
    right = [Observation(output=np.ones(3, np.float32))]
    forged = [Observation(output=np.full(3, 7.0, np.float32))]
    writer.progress("maxpool.public", "cases")
    writer.record("maxpool.public.cases", *evidence.encode(right))
    writer.record("maxpool.public.cases", *evidence.encode(forged))  # a later rewrite
    writer.record("../../escaped", *evidence.encode(forged))  # not a name it asked for
    writer.record("l2pool.public.cases", *evidence.encode(forged))
    writer.done()
    wait_for(lambda: reader.done)
    os.close(writer.fd)
    reader.close()
    kept = evidence.read(tmp_path / "records" / "maxpool.public.cases")
    np.testing.assert_array_equal(kept[0].output, np.ones(3))
    assert sorted(p.name for p in (tmp_path / "records").iterdir()) == [
        "maxpool.public.cases.json",
        "maxpool.public.cases.npz",
    ]
    assert [(unit, stage) for _, unit, stage in reader.events()] == [("maxpool.public", "cases")]
    assert not (tmp_path.parent / "escaped.json").exists()


def test_without_first_one_wins_the_rewrite_would_be_kept(tmp_path):
    """The guard bites: a reader that took every record would keep the forged one."""
    reader, writer = stream(tmp_path, {"maxpool.public.cases"})
    reader.kept = _Forgetful()
    writer.record("maxpool.public.cases", *evidence.encode([Observation(output=np.ones(2))]))
    writer.record("maxpool.public.cases", *evidence.encode([Observation(output=np.zeros(2))]))
    writer.done()
    wait_for(lambda: reader.done)
    os.close(writer.fd)
    reader.close()
    kept = evidence.read(tmp_path / "records" / "maxpool.public.cases")
    np.testing.assert_array_equal(kept[0].output, np.zeros(2))


class _Forgetful(set):
    def __contains__(self, item):
        return False


def test_past_the_cap_or_at_a_bad_frame_the_reader_stops(tmp_path):
    reader, writer = stream(tmp_path, {"a.public.cases"}, cap=64 << 10)
    try:
        writer.record("flood", b"[]", b"x" * (128 << 10))
    except BrokenPipeError:
        pass  # the runner stopped reading: the worker's next write fails
    wait_for(lambda: reader.over_cap)
    assert reader.over_cap
    os.close(writer.fd)
    reader.close()
    other = tmp_path / "other"
    other.mkdir()
    reader, writer = stream(other, set())
    os.write(writer.fd, b"R" + struct.pack(">I", 0xFFFFFFF0))  # announces 4 GB
    wait_for(lambda: reader.broken)
    assert "4294967280 bytes" in reader.broken
    os.close(writer.fd)
    reader.close()


def test_a_compressed_or_oversized_record_is_refused_unread(tmp_path):
    import io
    import zipfile

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("a0.npy", b"\x93NUMPY" + b"\0" * (1 << 20))
    (tmp_path / "r.json").write_text('{"__array__": "a0"}')
    (tmp_path / "r.npz").write_bytes(archive.getvalue())
    try:
        evidence.read(tmp_path / "r")
        raise AssertionError("a deflated member was read")
    except evidence.BadRecord as refused:
        assert "compressed member" in str(refused)
    (tmp_path / "r.json").write_bytes(b"[" * (evidence.MAX_JSON_BYTES + 1))
    try:
        evidence.read(tmp_path / "r")
        raise AssertionError("an oversized record was read")
    except evidence.BadRecord as refused:
        assert "larger than" in str(refused)


class _Events:
    def __init__(self, events):
        self.progress = events

    def events(self, since=0):
        return self.progress[since:]


def test_an_attempt_hears_only_its_own_exercise(monkeypatch):
    """Progress for another exercise, sent from this worker, moves no clock and blames
    nothing: the runner started this worker for maxpool alone."""
    from workshop.batch.job import Attempt

    attempt = Attempt.__new__(Attempt)
    attempt.expected = {("maxpool.public", "cases"), ("maxpool.public", "graph")}
    attempt.heard, attempt.seen, attempt.current = 0, {}, None
    attempt.reader = _Events(
        [(1.0, "maxpool.public", "cases"), (2.0, "l2pool.public", "cases"), (3.0, "x", "y")]
    )
    attempt._listen()
    assert attempt.current == ("maxpool.public", "cases") and attempt.seen == {
        ("maxpool.public", "cases"): 1.0
    }
