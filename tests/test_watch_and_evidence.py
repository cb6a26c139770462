"""`workshop watch` re-checks on save (by polling); the evidence wire format carries
data only; a hung worker's stack is turned into the student's own method."""

import os
import subprocess
import sys
import time

import numpy as np
import pytest
from conftest import REPO

from workshop.batch.job import hang_location
from workshop.grader import evidence
from workshop.grader.evidence import ErrorInfo, Observation, Raised, StageFailed


def test_watch_checks_again_after_a_save(student_root):
    watcher = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "workshop",
            "--root",
            str(student_root.path),
            "watch",
            "maxpool",
            "--interval",
            "0.2",
            "--times",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
    )
    try:
        seen = []
        for line in watcher.stdout:
            seen.append(line)
            if line.startswith("Watching"):
                break
        assert any("not attempted" in line for line in seen), "".join(seen)
        time.sleep(0.3)  # a new modification time, even on coarse file systems
        student_root.use("pooling", "pooling_stacked.py")
        rest, errors = watcher.communicate(timeout=600)
    finally:
        watcher.kill()
    assert watcher.returncode == 0, errors[-2000:]
    assert "check 2" in rest and "MaxPool2D: max pooling  10/10  passed" in rest
    state = (student_root.path / ".workshop" / "state.json").read_text()
    assert '"maxpool"' in state and '"passed"' in state  # progress kept for `workshop list`


def test_records_round_trip_as_data(tmp_path):
    record = {
        "cases": [
            Observation(
                error=None,
                weight_shapes=(("kernel", (3, 3)),),
                output=np.arange(6.0).reshape(2, 3),
                output_kind="tf.Tensor float32",
                grads={"input": np.ones(2, np.float32), "bias": None},
            )
        ],
        "probe": Raised(ErrorInfo("ValueError", "bad", "ValueError: bad")),
        "timed out": StageFailed("timed out after 6 s in X.call"),
        "nan": float("nan"),
    }
    evidence.write(record, tmp_path / "conv.public.cases")
    back = evidence.read(tmp_path / "conv.public.cases")
    assert back["cases"][0].weight_shapes == (("kernel", (3, 3)),)
    np.testing.assert_array_equal(back["cases"][0].output, record["cases"][0].output)
    assert back["cases"][0].grads["bias"] is None
    assert back["probe"] == record["probe"] and back["timed out"] == record["timed out"]
    assert np.isnan(back["nan"])


def test_live_objects_never_cross(tmp_path):
    class Sneaky:  # a student object: only its type and repr survive `clean`
        def __reduce__(self):
            raise AssertionError("pickled")

    cleaned = evidence.clean({"x": Sneaky(), "e": KeyError("k"), "o": np.array([object()])})
    assert type(cleaned["x"]).__name__ == "Opaque" and cleaned["e"].type_name == "KeyError"
    assert type(cleaned["o"]).__name__ == "Opaque"
    with pytest.raises(TypeError):
        evidence.write({"x": Sneaky()}, tmp_path / "raw")
    # An .npz holding a pickled object array is refused when read back.
    np.savez(tmp_path / "bad.npz", a0=np.array([{"a": 1}], dtype=object))
    (tmp_path / "bad.json").write_text('{"__array__": "a0"}')
    with pytest.raises(evidence.BadRecord):
        evidence.read(tmp_path / "bad")


def test_a_hang_is_placed_in_the_students_method(tmp_path):
    root, sent = tmp_path / "work", tmp_path / "sent"
    for folder in (root, sent):
        (folder / "exercises").mkdir(parents=True)
        (folder / "exercises" / "pooling.py").write_text(
            "class L2Pool2D:\n    def call(self, x):\n        while True:\n            pass\n"
        )
    dump = (
        "Current thread 0x00007f (most recent call first):\n"
        f'  File "{root}/exercises/pooling.py", line 3 in call\n'
        '  File "/site-packages/keras/src/layers/layer.py", line 900 in __call__\n'
    )
    assert hang_location(dump, root, sent) == "L2Pool2D.call (exercises/pooling.py line 3)"
    assert hang_location("nothing useful", root, sent) is None
