"""Element-wise comparison of a student's array with the reference, reported in words."""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Tolerance:
    """An element passes when |got - expected| <= atol + rtol * |expected|."""

    atol: float
    rtol: float

    def __str__(self):
        return f"atol={self.atol:g}, rtol={self.rtol:g}"


@dataclass(frozen=True)
class Comparison:
    what: str
    ok: bool
    summary: str
    # How far out of tolerance the worst element is, in multiples of its tolerance (inf:
    # no numbers to compare, a wrong shape or a NaN): which failure teaches most.
    excess: float = 0.0


def _fmt_index(index):
    return "[" + ", ".join(str(int(i)) for i in index) + "]"


def compare(what, expected, got, tolerance):
    """Compare `got` with `expected`; say what is wrong and where if they differ."""
    expected = np.asarray(expected, dtype=np.float64)
    try:
        got = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return Comparison(
            what, False, f"{what}: got a {type(got).__name__}, not numbers", float("inf")
        )
    if expected.shape != got.shape:
        return Comparison(
            what,
            False,
            f"{what}: expected shape {tuple(expected.shape)}, got {tuple(got.shape)}",
            float("inf"),
        )
    if expected.size == 0:
        return Comparison(what, True, f"{what}: matches (empty)")
    error = np.abs(got - expected)
    bound = tolerance.atol + tolerance.rtol * np.abs(expected)
    nan_got = np.isnan(got) & ~np.isnan(expected)
    bad = ~(error <= bound) | nan_got
    bad &= ~(np.isnan(got) & np.isnan(expected))
    if not bad.any():
        return Comparison(what, True, f"{what}: matches ({tolerance})")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(bad, error / bound, 0.0)
    excess = float("inf") if nan_got.any() else float(np.nan_to_num(ratio, nan=np.inf).max())
    if expected.size == 1:  # one number: say it plainly, no index or share
        e, g = expected.item(), got.item()
        summary = f"{what}: expected {e:.6g}, got {g:.6g} ({tolerance})"
        return Comparison(what, False, summary, excess)
    parts = []
    if nan_got.any():
        first = np.argwhere(nan_got)[0]
        parts.append(
            f"NaN in {int(nan_got.sum())} of {got.size} elements, first at {_fmt_index(first)}"
        )
    finite = np.where(np.isfinite(error), error, -1.0)
    if (bad & np.isfinite(error)).any():
        where = np.unravel_index(int(np.argmax(finite)), error.shape)
        message = (
            f"largest absolute error {finite[where]:.3g} at {_fmt_index(where)} "
            f"(expected {expected[where]:.5g}, got {got[where]:.5g})"
        )
        # Relative to the expected value there, unless that is ~0 (after a ReLU), where a
        # relative error means nothing (a "1e+12" only alarms).
        if abs(expected[where]) > 10 * tolerance.atol:
            message += f", {finite[where] / abs(expected[where]):.3g} of the expected value"
        parts.append(message)
    share = bad.sum() / bad.size
    parts.append(f"{100 * share:.1f}% of {bad.size} elements out of tolerance ({tolerance})")
    return Comparison(what, False, f"{what}: " + "; ".join(parts), excess)


def close(expected, got, tolerance):
    """True when `got` matches `expected` element-wise (NaN matches NaN)."""
    try:
        expected = np.asarray(expected, dtype=np.float64)
        got = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    if expected.shape != got.shape:
        return False
    return bool(
        np.allclose(got, expected, atol=tolerance.atol, rtol=tolerance.rtol, equal_nan=True)
    )
