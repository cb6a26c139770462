"""The workshop's notes (docs/notes/, English and Chinese) hold every section, equation
and figure that a docstring, a hint or the catalog cites ("notes §3.2, eq. 3.11"), and
the two languages number them alike."""

import re

import pytest
from conftest import REPO

from workshop import catalog

NOTES = {"en": REPO / "docs" / "notes", "zh": REPO / "docs" / "notes" / "zh"}
NUMBER = r"\d+(?:\.\d+)?"
SECTION = r"\d+(?:\.\d+){0,2}"  # a chapter, a section or a subsection: 3, 3.3, 3.3.1
CITATION = re.compile(
    rf"notes §({SECTION}(?:–{NUMBER})?)"
    rf"((?:,\s*(?:eq\.|Fig\.|Figure)\s*{NUMBER}(?:–{NUMBER})?)*)"
)
PART = re.compile(rf"(eq\.|Fig\.|Figure)\s*({NUMBER})(?:–({NUMBER}))?")
FIGURE_CAPTION = {"en": r"\*\*Figure {}\.\*\*", "zh": r"\*\*图 {}\.\*\*"}


def _span(first, last):
    """'3.5', '3.13' -> 3.5 … 3.13; '1.1', '1.2' -> 1.1, 1.2; '11', '13' -> 11 … 13."""
    if last is None:
        return [first]
    if "." in first:
        head, a = first.split(".")
        _, b = last.split(".")
        return [f"{head}.{n}" for n in range(int(a), int(b) + 1)]
    return [str(n) for n in range(int(first), int(last) + 1)]


def cited():
    """{('section' | 'equation' | 'figure', number)} cited anywhere students read."""
    texts = [p.read_text(encoding="utf-8") for p in (REPO / "exercises").glob("*.py")]
    for exercise in catalog.EXERCISES:
        texts.append(exercise.section)
        texts.extend(exercise.hints)
    found = set()
    for text in texts:
        for match in CITATION.finditer(text):
            first, _, last = match.group(1).partition("–")
            found |= {("section", s) for s in _span(first, last or None)}
            for kind, a, b in PART.findall(match.group(2)):
                what = "equation" if kind == "eq." else "figure"
                found |= {(what, n) for n in _span(a, b or None)}
    return found


def _text(language):
    return "\n".join(
        p.read_text(encoding="utf-8") for p in sorted(NOTES[language].glob("[0-9]-*.md"))
    )


def _present(language, kind, number):
    text = _text(language)
    if kind == "section":
        level = "#" * (1 + number.count("."))
        return re.search(rf"^{level} {re.escape(number)} ", text, re.MULTILINE) is not None
    if kind == "equation":
        return re.search(rf"\\qquad \({re.escape(number)}\)\$\$", text) is not None
    return re.search(FIGURE_CAPTION[language].format(re.escape(number)), text) is not None


def test_the_docstrings_cite_the_notes():
    found = cited()
    assert ("equation", "3.11") in found and ("figure", "4") in found
    assert {("section", "1.1"), ("section", "1.2"), ("section", "3.4")} <= found
    assert ("section", "3.3.1") in found and ("equation", "3.22") in found  # 3.7's AIS
    assert ("section", "3.3.2") in found and ("equation", "3.30") in found  # 3.8, up-down


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_citation_is_in_the_notes(language):
    missing = sorted(c for c in cited() if not _present(language, *c))
    assert not missing, f"cited but not in docs/notes ({language}): {missing}"


def test_both_languages_number_alike():
    def numbers(language):
        text = _text(language)
        return (
            re.findall(r"^#+ (\d+(?:\.\d+)*) ", text, re.MULTILINE),
            re.findall(r"\\qquad \((\d+\.\d+)\)\$\$", text),
            re.findall(r"\*\*(?:Figure|图) (\d+)\.\*\*", text),
        )

    english, chinese = numbers("en"), numbers("zh")
    assert english == chinese
    sections, equations, figures = english
    assert figures == [str(n) for n in range(1, 14)]  # Figures 1–13, in order
    assert len(equations) == len(set(equations)) == 3 + 9 + 33


def test_the_notes_link_to_each_other_and_to_files_that_exist():
    for language, folder in NOTES.items():
        for page in folder.glob("*.md"):
            for target in re.findall(r"\]\(([^)#]+)\)", page.read_text(encoding="utf-8")):
                if not target.startswith("http"):
                    assert (page.parent / target).exists(), (language, page.name, target)
