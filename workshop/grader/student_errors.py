"""Turn an exception raised in student code into a few lines a student can act on."""

import traceback
from pathlib import Path

# One line of advice per kind of failure; the first whose key appears in the
# exception's type name or message wins.
ADVICE = (
    ("NotImplementedError", "finish the part marked `raise NotImplementedError`."),
    ("Incompatible shapes", "two tensors you combine have different shapes: print their .shape."),
    ("shape", "a shape is not what you think: print x.shape at each step."),
    ("dtype", "mix of dtypes: keep everything float32 (keras.ops.cast if needed)."),
    ("NoneType", "something is None: a weight not built yet, or a function that returns nothing."),
    ("IndexError", "an index runs past the end: check the range of your loops."),
    ("TypeError", "a function got an argument of the wrong kind: read its signature."),
    ("NameError", "a name is used before it is defined: check spelling and imports."),
    ("AttributeError", "an object lacks that attribute: check the name against the stub."),
    ("RecursionError", "a function calls itself without end."),
)


def student_frames(exc, student_dir):
    """The traceback frames that lie in the student's own files."""
    student_dir = Path(student_dir).resolve() if student_dir else None
    frames = []
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename)
        if student_dir is not None and path.resolve().is_relative_to(student_dir):
            frames.append(frame)
    return frames


def advice_for(exc):
    text = f"{type(exc).__name__} {exc}"
    for key, advice in ADVICE:
        if key in text:
            return advice
    return "read the message above and the line it points to."


def explain(exc, student_dir, display_root=None):
    """'ValueError: ... at exercises/conv.py:72 in call: <line>' plus one line of advice.

    An exception already turned into text on the student side (evidence.ErrorInfo)
    comes back as that text."""
    if hasattr(exc, "explained"):
        return exc.explained
    message = str(exc).strip().splitlines()
    first = message[0] if message else ""
    if len(first) > 300:
        first = first[:300] + "..."
    lines = [f"{type(exc).__name__}: {first}".rstrip(": ")]
    root = Path(display_root).resolve() if display_root else None
    for frame in student_frames(exc, student_dir)[-3:]:
        path = Path(frame.filename).resolve()
        shown = path.relative_to(root) if root and path.is_relative_to(root) else path
        lines.append(f"  at {shown}:{frame.lineno} in {frame.name}: {frame.line}")
    lines.append(f"  advice: {advice_for(exc)}")
    return "\n".join(lines)
