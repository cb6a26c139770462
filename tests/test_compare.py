import numpy as np

from workshop.grader.compare import Tolerance, close, compare

TOL = Tolerance(atol=1e-4, rtol=1e-4)


def test_equal_arrays_match():
    x = np.arange(6.0).reshape(2, 3)
    assert compare("out", x, x + 1e-6, TOL).ok


def test_reports_largest_error_where_and_share():
    expected = np.zeros((2, 3))
    got = expected.copy()
    got[1, 2] = 0.5
    result = compare("forward output", expected, got, TOL)
    assert not result.ok
    assert "at [1, 2]" in result.summary
    assert "largest absolute error 0.5" in result.summary
    assert "16.7% of 6 elements" in result.summary
    assert "atol=0.0001, rtol=0.0001" in result.summary


def test_shape_mismatch_is_named():
    result = compare("out", np.zeros((1, 24, 24, 20)), np.zeros((1, 23, 23, 20)), TOL)
    assert not result.ok
    assert "expected shape (1, 24, 24, 20), got (1, 23, 23, 20)" in result.summary


def test_nan_where_a_number_is_expected_fails():
    got = np.array([1.0, np.nan])
    result = compare("gradient", np.array([1.0, 0.0]), got, TOL)
    assert not result.ok
    assert "NaN in 1 of 2 elements, first at [1]" in result.summary


def test_relative_tolerance_scales_with_size():
    assert compare("x", np.array([1e4]), np.array([1e4 + 0.5]), TOL).ok
    assert not compare("x", np.array([1.0]), np.array([1.5]), TOL).ok


def test_close_treats_nan_as_equal_and_shapes_as_different():
    assert close(np.array([np.nan, 1.0]), np.array([np.nan, 1.0]), TOL)
    assert not close(np.zeros(3), np.zeros(4), TOL)
    assert not close(np.zeros(3), "not numbers", TOL)


def test_relative_error_only_where_the_expected_value_is_not_near_zero():
    result = compare("out", np.array([0.0, 0.0, 2.0]), np.array([1e-3, 0.0, 2.5]), TOL)
    assert "(expected 2, got 2.5), 0.25 of the expected value" in result.summary
    zeros = compare("out", np.array([0.0, 2.0]), np.array([0.3, 2.0]), TOL)
    assert "of the expected value" not in zeros.summary  # the worst is at an expected 0


def test_one_number_is_reported_plainly():
    result = compare("top-k accuracy: k = 5", np.array(0.375), np.array(0.125), TOL)
    assert result.summary == (
        "top-k accuracy: k = 5: expected 0.375, got 0.125 (atol=0.0001, rtol=0.0001)"
    )


def test_the_report_leads_with_the_case_furthest_out_of_tolerance():
    """LRN summed over the wrong axis: the default case is off by 5e-4 (it looks like
    float noise), the α = 0.5 case by 160%. The message leads with the second."""
    from types import SimpleNamespace

    from workshop.grader.common_checks import check_forward

    rng = np.random.default_rng(0)
    expected = [rng.normal(size=(2, 4, 4, 3)) for _ in range(3)]
    got = [expected[0] + 5e-4, expected[1] * 2.6, expected[2]]
    mine = [SimpleNamespace(output=g, error=None) for g in got]
    ref = [SimpleNamespace(output=e) for e in expected]
    names = ["the default case", "α = 0.5", "β = 1"]
    ok, message = check_forward(mine, ref, lambda i: names[i], source_dir=None)
    assert not ok
    assert message.startswith("α = 0.5: forward output")
    assert message.endswith("(the furthest out of tolerance of 2 failures)")
    small = compare("x", expected[0], got[0], TOL).excess
    large = compare("x", expected[1], got[1], TOL).excess
    assert 1 < small < 10 < 1000 < large
    assert compare("x", np.zeros(3), np.zeros(2), TOL).excess == float("inf")
