"""Checks more than one kind shares: forward output and gradients case by case, and
saving to .keras and loading back. Trusted side: they read records, run nothing."""

from .compare import Tolerance, compare
from .student_errors import explain

FORWARD_TOLERANCE = Tolerance(atol=1e-4, rtol=1e-4)
GRADIENT_TOLERANCE = Tolerance(atol=1e-4, rtol=1e-3)
INF = float("inf")  # a failure with no numbers to compare teaches at least as much


def first_error(observations, describe, source_dir):
    """The first case whose run raised, explained for the student, or None."""
    for i, observation in enumerate(observations):
        if observation.error is not None:
            return f"{describe(i)} raised " + explain(observation.error, source_dir)
    return None


def most_telling(failures):
    """The message of the failure furthest out of tolerance, from (excess, message)
    pairs in case order: the case that shows the mistake (an α of 0.5 off by 160%), not
    the first one, whose error may look like float noise. Ties keep case order."""
    excess, message = max(failures, key=lambda failure: failure[0])
    if len(failures) == 1:
        return message
    return f"{message} (the furthest out of tolerance of {len(failures)} failures)"


def check_forward(mine, ref, describe, source_dir):
    error = first_error(mine, describe, source_dir)
    if error:
        return False, error
    failures = []
    for i, (m, r) in enumerate(zip(mine, ref)):
        comparison = compare("forward output", r.output, m.output, FORWARD_TOLERANCE)
        if not comparison.ok:
            failures.append((comparison.excess, f"{describe(i)}: {comparison.summary}"))
    if failures:
        return False, most_telling(failures)
    return True, f"forward output matches the reference on {len(mine)} cases ({FORWARD_TOLERANCE})"


def check_gradients(mine, ref, describe, source_dir):
    error = first_error(mine, describe, source_dir)
    if error:
        return False, error
    failures = []
    for i, (m, r) in enumerate(zip(mine, ref)):
        forward_ok = compare("", r.output, m.output, FORWARD_TOLERANCE).ok
        for name, expected in r.grads.items():
            what = f"gradient w.r.t. the {name}"
            if name not in m.grads:
                failures.append((INF, f"{describe(i)}: there is no weight {name!r} to compare"))
                continue
            got = m.grads[name]
            if got is None:
                failures.append(
                    (
                        INF,
                        f"{describe(i)}: no {what} flows back: the computation left "
                        "TensorFlow (NumPy, .numpy(), a Python float) or does not use it",
                    )
                )
                continue
            comparison = compare(what, expected, got, GRADIENT_TOLERANCE)
            if not comparison.ok:
                note = (
                    " (the forward output is right: only the gradient is wrong)"
                    if forward_ok
                    else " (the forward output is wrong too: fix that first)"
                )
                failures.append((comparison.excess, f"{describe(i)}: {comparison.summary}{note}"))
    if failures:
        return False, most_telling(failures)
    return True, (
        f"gradients w.r.t. the input and every weight match on {len(mine)} cases "
        f"({GRADIENT_TOLERANCE})"
    )


def judge_save_and_load(record, success):
    """The save-and-load check on a record from `record_save_and_load`."""
    if hasattr(record, "explained"):
        return False, "saving raised " + record.explained
    if not record.get("built"):
        return False, "the model could not be built and run"
    if "load error" in record:
        return False, (
            f"the saved model does not load back ({record['load error']}): keep the "
            "@keras.saving.register_keras_serializable decorator and get_config"
        )
    comparison = compare(
        "output after loading", record["before"], record["after"], FORWARD_TOLERANCE
    )
    if not comparison.ok:
        return False, comparison.summary
    return True, success
