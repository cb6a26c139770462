"""Mistakes written apart from the grader (tests/wrong/) are caught, and named as
index.csv records; and the mistakes the grader derives by changing one call of the
reference behave as their names say."""

import csv
import importlib.util

import keras
import numpy as np
import pytest
from conftest import REPO
from keras import ops

from workshop import catalog
from workshop.grader import derived_mistakes
from workshop.grader.common_checks import FORWARD_TOLERANCE as TOLERANCE
from workshop.grader.grading import DEFAULT_SEED
from workshop.grader.reference_book import LiveReference

spec = importlib.util.spec_from_file_location("named", REPO / "benchmarks" / "named_mistakes.py")
named_mistakes = importlib.util.module_from_spec(spec)
spec.loader.exec_module(named_mistakes)


@pytest.fixture(scope="module")
def graded():
    with open(REPO / "tests" / "wrong" / "index.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return named_mistakes.grade_wrong_versions(rows, DEFAULT_SEED)


def test_every_wrong_version_is_caught_and_named_as_recorded(graded):
    assert len(graded) == 72
    assert [r["file"] for r in graded if not r["caught"]] == []
    moved = [(r["file"], r["names"]) for r in graded if r["named"] != (r["recorded"] == "yes")]
    assert moved == [], "the named share moved: update tests/wrong/index.csv and docs/grader.md"


def test_at_least_nine_in_ten_are_named(graded):
    assert sum(r["named"] for r in graded) / len(graded) >= 0.9
    print(named_mistakes.table(graded))


def _sequence_likelihood_derivations():
    exercise = catalog.find("sequence")
    return {m.key: m for m in LiveReference().mistakes(exercise)}


def test_a_reduction_over_another_axis_is_derived_and_named_by_its_axes():
    mistakes = _sequence_likelihood_derivations()
    wrong = mistakes["derived-log_softmax-axis-1-not-2-1"]
    assert "over axis 1 gives where one over axis 2 (the last) belongs" in wrong.message
    lengths, digits = [1, 2], [[3, -1], [4, 5]]
    length_logits = np.linspace(-1, 1, 2 * 4).reshape(2, 4).astype("float32")
    digit_logits = np.linspace(-2, 2, 2 * 2 * 10).reshape(2, 2, 10).astype("float32")
    right = catalog.find("sequence")
    reference = LiveReference().implementation.get(right.module, right.name)
    by_hand_digits = ops.log_softmax(digit_logits, axis=1)  # what the slip computes
    picked = np.take_along_axis(
        np.asarray(by_hand_digits), np.clip(np.array(digits), 0, 9)[..., None], axis=-1
    )[..., 0]
    length_term = np.asarray(ops.log_softmax(length_logits, axis=-1))[[0, 1], lengths]
    expected = length_term + np.array([picked[0, 0], picked[1].sum()])
    np.testing.assert_allclose(
        wrong.wrong(length_logits, digit_logits, lengths, digits), expected, rtol=1e-5
    )
    assert not np.allclose(reference(length_logits, digit_logits, lengths, digits), expected)
    assert ops.log_softmax is keras.ops.log_softmax  # the wrappers are gone afterwards


def test_a_change_that_gives_the_reference_numbers_or_a_known_mistake_is_dropped():
    calls = []

    def reference(x):
        return ops.sum(ops.maximum(x, 0.0), axis=-1) + ops.mean(ops.clip(x, -5.0, 5.0))

    def first_runs(key, function):
        from workshop.grader.evidence import Observation

        x = np.array([[1.0, 2.0, 3.0]], "float32")  # no value below 0 or past ±5
        return [Observation(output=np.asarray(function(x)))]

    first_runs(None, derived_mistakes.changed(reference, calls=calls))
    changes = derived_mistakes.candidates(calls)
    assert {c.what for c in changes} >= {"axis", "keep", "drop", "replace"}
    made = derived_mistakes.derive(reference, first_runs, list, TOLERANCE, TOLERANCE)
    keys = [m.key for m in made]
    # max(x, 0) and the clip change nothing on these inputs: not mistakes here
    assert not any("maximum" in k or "clip" in k for k in keys), keys
    assert "derived-sum-axis-0-not-1-0" in keys
    known = [first_runs(m.key, m.wrong) for m in made if m.key == "derived-sum-axis-0-not-1-0"]
    again = derived_mistakes.derive(reference, first_runs, lambda: known, TOLERANCE, TOLERANCE)
    assert "derived-sum-axis-0-not-1-0" not in [m.key for m in again]


def test_two_draws_from_one_seed_generator_are_swapped():
    def two_draws(seed):
        first = keras.random.uniform((3,), seed=seed)
        second = keras.random.normal((2,), seed=seed)
        return np.concatenate([np.asarray(first), np.asarray(second)])

    swap = derived_mistakes.Change("random", "draw", 0, "swap")
    swapped = derived_mistakes.changed(two_draws, swap)(keras.random.SeedGenerator(1))
    generator = keras.random.SeedGenerator(1)
    seed = generator.state.value * 1
    generator.state.assign(seed + np.array([0, 1]))
    first = keras.random.uniform((3,), seed=generator)  # draw 0 takes draw 1's seed
    generator.state.assign(seed)
    second = keras.random.normal((2,), seed=generator)
    np.testing.assert_array_equal(swapped, np.concatenate([first, second]))
    assert not np.array_equal(swapped, two_draws(keras.random.SeedGenerator(1)))


def test_a_wrong_helper_changes_the_functions_that_call_it_as_in_a_students_module():
    from workshop.grader.reference_book import with_mistake

    exercise = catalog.find("boltzmann")
    book = LiveReference()
    double = next(m for m in book.mistakes(exercise) if m.key == "energy-double-counted")
    swapped = with_mistake(book.implementation, exercise, double)
    W = np.array([[0.0, 1.0], [1.0, 0.0]])
    b = np.zeros(2)
    right = book.implementation.get(exercise.module, "exact_probabilities")(W, b)
    wrong = swapped.get(exercise.module, "exact_probabilities")(W, b)
    assert not np.allclose(right, wrong)  # the wrong energy reached exact_probabilities
