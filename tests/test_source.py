"""Source is read as Python reads it: a file whose coding line (PEP 263) or bytes would
make Python run something other than what a UTF-8 reader sees is refused, in `workshop
check` and in a batch, before any scanner reads it."""

import ast

import pytest
from conftest import REPO

from workshop.batch import guards, review
from workshop.grader import rules
from workshop.grader.loading import FolderImplementation, Unavailable
from workshop.grader.source import SourceError, decode

COOKIE = REPO / "tests" / "submissions" / "attack-coding-cookie" / "exercises" / "pooling.py"


@pytest.mark.parametrize(
    "data",
    [b"x = 1\n", b"\xef\xbb\xbfx = 1\n", b"# -*- coding: utf-8 -*-\nx = '\xc3\xa9'\n"],
)
def test_utf8_with_or_without_a_bom_or_coding_line_is_read(data):
    assert "x = " in decode(data, "a.py")


@pytest.mark.parametrize(
    "data, said",
    [
        (b"# -*- coding: utf-7 -*-\nx = 1\n", "declares the encoding utf-7"),
        (b"# coding: latin-1\nx = '\xe9'\n", "declares the encoding iso-8859-1"),
        (b"x = 1\ny = '\xe9'\n", "is not valid UTF-8"),
        (b"# coding: nope\n", "cannot be read as UTF-8"),
        (b"\xef\xbb\xbf# coding: latin-1\n", "cannot be read as UTF-8"),
    ],
)
def test_any_other_encoding_is_refused_in_one_line(data, said):
    with pytest.raises(SourceError) as refused:
        decode(data, "exercises/pooling.py")
    assert said in str(refused.value) and "\n" not in str(refused.value)


def _python_view():
    return ast.parse(COOKIE.read_bytes())  # bytes: Python's own decoding, by the cookie


def test_without_the_guard_the_scanners_see_another_program():
    """The attack is real: Python runs a sys.modules patch and the ready-made op, which
    a UTF-8 reader (as every scanner was) does not see at all."""
    as_utf8 = COOKIE.read_bytes().decode("utf-8")
    run = ast.unparse(_python_view())
    assert "sys.modules" in run and "max_pool2d" in run
    assert not any("sys.modules" in what for _, what, _ in review.flags_in_source(as_utf8))
    banned = rules.POOLING_NAMES | rules.CONVOLUTION_NAMES
    assert rules.banned_in_source(ast.parse(as_utf8), banned) == []
    assert rules.banned_in_source(_python_view(), banned) != []


def test_with_the_guard_each_reader_refuses_it(tmp_path):
    exercises = tmp_path / "exercises"
    exercises.mkdir()
    (exercises / "__init__.py").write_text("")
    (exercises / "pooling.py").write_bytes(COOKIE.read_bytes())
    with pytest.raises(Unavailable, match="declares the encoding utf-7"):
        FolderImplementation(tmp_path).get("pooling", "MaxPool2D")
    flags = review.flagged(tmp_path, ["pooling"])
    assert len(flags) == 1 and "declares the encoding utf-7" in flags[0]
    assert guards.forbidden_imports(exercises / "pooling.py") == []  # refused before
