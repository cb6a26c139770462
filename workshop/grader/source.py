"""A student's source, read as Python reads it.

Python decodes a source file by its byte-order mark or its PEP 263 coding line
(`# -*- coding: utf-7 -*-`), not as UTF-8. A file declaring another encoding can
show a scanner one program and run another: in UTF-7, `+AAo-` is a newline, so a
line that reads as a comment to a UTF-8 reader is code to Python. Every reader of
student source here (the import guard, the review flags, the rule against
ready-made ops, `workshop check`'s import) goes through `read_source`, which
accepts UTF-8 only, with or without a BOM or a `coding: utf-8` line, and refuses
anything else with one line that says what to do.
"""

import codecs
import io
import tokenize
from pathlib import Path

MAX_SOURCE_BYTES = 1 << 20  # as submissions.MAX_FILE_BYTES: no answer is larger
UTF8_NAMES = ("utf-8", "utf-8-sig")  # codecs' names for UTF-8 without and with a BOM


class SourceError(ValueError):
    """A source file the grader will not read; the message is one line for the student."""


def decode(data, shown):
    """The text Python would run from `data` (the bytes of the file `shown`), or
    SourceError when Python would decode it other than as UTF-8, or not at all."""
    try:
        declared, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:  # an unknown coding, or a BOM with another coding
        raise SourceError(
            f"{shown} cannot be read as UTF-8 ({error.msg}): save it as UTF-8, with no "
            "coding line or `# coding: utf-8`"
        ) from None
    try:
        name = codecs.lookup(declared).name
    except LookupError:
        name = declared
    if name not in UTF8_NAMES:
        raise SourceError(
            f"{shown} declares the encoding {declared}: the grader reads UTF-8 only; "
            "remove the coding line and save the file as UTF-8"
        )
    try:
        return data.decode(name)
    except UnicodeDecodeError as error:
        raise SourceError(
            f"{shown} is not valid UTF-8 (byte {error.start}): save it as UTF-8"
        ) from None


def read_source(path, shown=None):
    """The text of the source file at `path`, decoded as Python would decode it;
    SourceError if it is not UTF-8 or larger than MAX_SOURCE_BYTES. OSError as usual."""
    path = Path(path)
    shown = shown or path.name
    with open(path, "rb") as handle:
        data = handle.read(MAX_SOURCE_BYTES + 1)
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceError(f"{shown} is larger than {MAX_SOURCE_BYTES >> 20} MiB")
    return decode(data, shown)
