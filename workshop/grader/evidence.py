"""What running a student's code leaves behind, as plain data.

Grading has two sides. The student side runs the student's code and records what it
did: arrays, shapes, op names, exceptions turned into text. The judging side compares
those records with the reference's and scores them, and never runs student code. In a
batch the two sides are two processes: the records cross between them as JSON plus an
.npz of arrays, read back with pickling off, so nothing the student made can run in
the process that computes scores.

Only NumPy is imported here: the wire format needs no TensorFlow.
"""

import json
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class ErrorInfo:
    """An exception raised by student code, kept as text."""

    type_name: str
    message: str
    explained: str  # the student's frames and one line of advice (student_errors.explain)

    def __str__(self):
        return self.message


@dataclass(frozen=True)
class StageFailed:
    """A stage that gave no record: it ran past its time limit or its process died."""

    reason: str


@dataclass(frozen=True)
class Opaque:
    """A value that is neither numbers nor text (a student's function returned a
    model, a generator, ...): kept only as its type and a short repr."""

    type_name: str
    text: str

    def __str__(self):
        return f"a {self.type_name}"


class Raised:
    """A probe whose code raised: the exception, kept to report it."""

    def __init__(self, error):
        self.error = error

    def __eq__(self, other):
        return isinstance(other, Raised) and other.error == self.error


@dataclass
class Observation:
    """One case run: what the checks compare, element by element."""

    error: object = None  # an ErrorInfo (a live exception before `clean`)
    weight_shapes: tuple = ()  # ((name, shape), ...) in creation order
    output: np.ndarray = None
    output_kind: str = ""  # e.g. "tf.Tensor float32"
    grads: dict = field(default_factory=dict)  # "input" and weight names -> array or None
    signature: tuple = ()  # a model's layers, described (empty for a single layer)
    extra: dict = field(default_factory=dict)  # further records, data only


@dataclass
class Evidence:
    """Everything the student side recorded for one exercise."""

    unavailable: tuple = None  # (status, reason) when the graded objects cannot be had
    stages: dict = field(default_factory=dict)  # stage name -> record


# --- from live objects to data ---------------------------------------------------


def error_info(error, source_dir):
    from .student_errors import explain

    return ErrorInfo(type(error).__name__, str(error)[:2000], explain(error, source_dir)[:MAX_TEXT])


def clean(value, source_dir=None):
    """`value` with every live object replaced by data: exceptions by ErrorInfo,
    tensors by arrays, anything else unknown by Opaque."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (ErrorInfo, StageFailed, Opaque)):
        return value
    if isinstance(value, BaseException):
        return error_info(value, source_dir)
    if isinstance(value, Raised):
        return Raised(clean(value.error, source_dir))
    if isinstance(value, Observation):
        return Observation(
            **{f.name: clean(getattr(value, f.name), source_dir) for f in fields(Observation)}
        )
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "biuf":
            return value
        return Opaque(f"numpy.ndarray {value.dtype}", repr(value)[:200])
    if type(value).__name__ in ("EagerTensor", "ResourceVariable", "Variable", "KerasVariable"):
        return clean(np.asarray(value), source_dir)
    if isinstance(value, dict):
        return {str(k): clean(v, source_dir) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(clean(v, source_dir) for v in value)
    try:
        text = repr(value)[:200]
    except Exception:  # a student's __repr__ may raise
        text = "?"
    return Opaque(type(value).__name__, text)


# --- the wire: JSON plus an .npz of arrays, no pickling --------------------------


class BadRecord(ValueError):
    """A record file that does not decode (truncated, or not ours)."""


def _encode(value, arrays):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.ndarray):
        key = f"a{len(arrays)}"
        arrays[key] = value
        return {"__array__": key}
    if isinstance(value, list):
        return [_encode(v, arrays) for v in value]
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v, arrays) for v in value]}
    if isinstance(value, dict):
        return {"__dict__": {str(k): _encode(v, arrays) for k, v in value.items()}}
    if isinstance(value, ErrorInfo):
        return {"__error__": [value.type_name, value.message, value.explained]}
    if isinstance(value, StageFailed):
        return {"__stage_failed__": value.reason}
    if isinstance(value, Opaque):
        return {"__opaque__": [value.type_name, value.text]}
    if isinstance(value, Raised):
        return {"__raised__": _encode(value.error, arrays)}
    if isinstance(value, Observation):
        return {
            "__observation__": {
                f.name: _encode(getattr(value, f.name), arrays) for f in fields(Observation)
            }
        }
    if isinstance(value, Evidence):
        return {"__evidence__": [_encode(value.unavailable, arrays), _encode(value.stages, arrays)]}
    raise TypeError(f"cannot record a {type(value).__name__}: clean() it first")


MAX_TEXT = 8 << 10  # characters of any text in a record: a message, a reason, a config


def _text(value):
    return str(value)[:MAX_TEXT]


def _decode(value, arrays):
    """The value `_encode` wrote; every text cut to MAX_TEXT (a record is the student
    side's: megabytes of "error message" would cost the runner its time, quoted in every
    check's message, and the gradebook its size)."""
    if isinstance(value, list):
        return [_decode(v, arrays) for v in value]
    if isinstance(value, str):
        return _text(value)
    if not isinstance(value, dict):
        return value
    if len(value) != 1:
        raise BadRecord(f"unexpected object with keys {sorted(value)[:5]}")
    ((tag, body),) = value.items()
    if tag == "__array__":
        return arrays[body]
    if tag == "__tuple__":
        return tuple(_decode(v, arrays) for v in body)
    if tag == "__dict__":
        return {_text(k): _decode(v, arrays) for k, v in body.items()}
    if tag == "__error__":
        return ErrorInfo(*[_text(part) for part in body])
    if tag == "__stage_failed__":
        return StageFailed(_text(body))
    if tag == "__opaque__":
        return Opaque(*[_text(part) for part in body])
    if tag == "__raised__":
        return Raised(_decode(body, arrays))
    if tag == "__observation__":
        names = {f.name for f in fields(Observation)}
        return Observation(**{k: _decode(v, arrays) for k, v in body.items() if k in names})
    if tag == "__evidence__":
        unavailable, stages = (_decode(v, arrays) for v in body)
        return Evidence(unavailable, stages)
    raise BadRecord(f"unknown tag {tag!r}")


def _paths(stem):
    stem = str(stem)  # not Path.with_suffix: stems hold dots ("conv.public.cases")
    return Path(stem + ".json"), Path(stem + ".npz")


def encode(value):
    """`value` (clean data) as (JSON bytes, .npz bytes): what `write` stores and a
    worker streams to the runner (batch/channel.py)."""
    import io

    arrays = {}
    text = json.dumps(_encode(value, arrays), ensure_ascii=False).encode("utf-8")
    archive = io.BytesIO()
    np.savez(archive, **arrays)  # stored, not deflated: its size on disk is its size
    return text, archive.getvalue()


def write(value, stem):
    """Write `value` (clean data) to stem.json and stem.npz."""
    json_path, npz_path = _paths(stem)
    text, arrays = encode(value)
    npz_path.write_bytes(arrays)
    json_path.write_bytes(text)  # written last: marks done


# A record is the student side's: never trusted to be small. Honest records are a few
# megabytes at most (the arrays of one exercise's cases and gradients).
MAX_JSON_BYTES = 8 << 20
MAX_RECORD_BYTES = 64 << 20


def _check_size(npz_path):
    """Refuse an archive larger than MAX_RECORD_BYTES, with a member that is not stored
    as it is (deflated data is a bomb in waiting: the writer never deflates), an array
    of anything but numbers (a zero-size dtype declares any number of elements for
    free), or whose arrays' headers declare more than their data (NumPy allocates what
    they declare)."""
    import zipfile

    if Path(npz_path).stat().st_size > MAX_RECORD_BYTES:
        raise BadRecord(f"{Path(npz_path).name}: larger than {MAX_RECORD_BYTES >> 20} MB")
    with zipfile.ZipFile(npz_path) as archive:
        members = archive.infolist()
        for member in members:
            if member.compress_type != zipfile.ZIP_STORED:
                raise BadRecord(f"{Path(npz_path).name}: a compressed member ({member.filename})")
        if sum(m.file_size for m in members) > MAX_RECORD_BYTES:
            raise BadRecord(f"{Path(npz_path).name}: unpacks to more than the record cap")
        for member in members:
            with archive.open(member) as handle:
                version = np.lib.format.read_magic(handle)
                read_header = (
                    np.lib.format.read_array_header_1_0
                    if version == (1, 0)
                    else np.lib.format.read_array_header_2_0
                )
                shape, _, dtype = read_header(handle)
            if dtype.kind not in "biuf" or dtype.itemsize == 0:
                raise BadRecord(f"{Path(npz_path).name}: an array of {dtype}, not numbers")
            count = float(np.prod(shape, dtype=np.float64))
            if count * dtype.itemsize > member.file_size + 4096 or count > MAX_RECORD_BYTES:
                raise BadRecord(f"{Path(npz_path).name}: an array larger than its data")


def read(stem):
    """The value written by `write`; BadRecord if the files do not decode."""
    json_path, npz_path = _paths(stem)
    try:
        with open(json_path, "rb") as handle:
            text = handle.read(MAX_JSON_BYTES + 1)
        if len(text) > MAX_JSON_BYTES:
            raise BadRecord(f"{json_path.name}: larger than {MAX_JSON_BYTES >> 20} MB")
        _check_size(npz_path)
        with np.load(npz_path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
        return _decode(json.loads(text), arrays)
    except BadRecord:
        raise
    except Exception as error:  # truncated, missing, or not ours
        raise BadRecord(f"{json_path.name}: {type(error).__name__}: {error}") from None
