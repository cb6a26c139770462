"""Known mistakes derived from the reference mechanically: the reference run with one
call changed the way a student's slip changes it. A reduction over another axis, a
floor, clip or stop_gradient left out, two random draws taken in the other order.

Each change is made while the reference's own code runs (its `call`, its methods, or the
function), by putting a wrapper in place of the `keras.ops`, NumPy or `keras.random`
function for that time only. A change that crashes, gives the reference's numbers or a
mistake already known is dropped, so what is left is a wrong version with its own
behaviour and a name that says what differs, without anyone writing it by hand.
"""

import contextlib
import functools
import inspect
import re
from dataclasses import dataclass

import keras
import numpy as np
from keras import ops

from .mistakes import Mistake, same_run

# What may be changed, by where it lives: {module label: (module, reductions, bounds,
# left-out ops)}. Reductions take `axis`; bounds (maximum, minimum) may keep one operand
# alone; left-out ops may be skipped (their first argument passes through).
_OPS = {
    "ops": (
        ops,
        ("mean", "sum", "max", "min", "std", "var", "prod", "logsumexp", "softmax",
         "log_softmax", "argmax", "argmin"),
        ("maximum", "minimum"),
        ("clip", "stop_gradient", "tanh", "sigmoid", "relu", "sqrt", "softplus"),
    ),
    "np": (
        np,
        ("mean", "sum", "max", "min", "amax", "amin", "std", "var", "argmax", "argmin"),
        ("maximum", "minimum"),
        ("clip", "tanh", "sqrt"),
    ),
}  # fmt: skip
# One op where another belongs: the wrong normalisation, the wrong squashing function.
_SWAPS = {"sum": "mean", "mean": "sum", "tanh": "sigmoid", "sigmoid": "tanh"}
_DRAWS = ("uniform", "normal", "randint", "truncated_normal")  # keras.random, by SeedGenerator

# Arrays of more axes than this are the reference's own reshapes (pooling windows as
# extra axes), whose axes a student's code need not share: a name given in their terms
# would mislead.
MAX_RANK = 4

# Most changes a single exercise keeps (each costs a reference run per seed it is
# graded at, in the records a release ships and in selfcheck).
LIMIT = 16


@dataclass(frozen=True)
class Change:
    """One call changed: the `index`-th call of `module.op` in one invocation."""

    module: str  # "ops", "np" or "random"
    op: str
    index: int
    what: str  # "axis", "keep", "drop", "swap" (two draws) or "replace" (another op)
    value: object = None  # the new axis (an int or a tuple), the operand kept
    old: object = None  # the axis it had, or the operand left out (for the message)
    rank: int = 0  # of the array reduced

    @property
    def key(self):
        if self.what == "axis":  # the call's index: one op may reduce the same axes twice
            axes = f"{_axes_text(self.value)}-not-{_axes_text(self.old)}"
            return f"{self.op}-axis-{axes}-{self.index}"
        if self.what == "keep":
            return f"{self.op}-left-out-{self.index}-{self.value}"
        if self.what == "swap":
            return f"draws-{self.index}-{self.index + 1}-swapped"
        if self.what == "replace":
            return f"{self.value}-not-{self.op}-{self.index}"
        return f"{self.op}-left-out-{self.index}"

    @property
    def message(self):
        call = f"`{self.op}`" if self.module != "np" else f"`np.{self.op}`"
        if self.what == "axis":
            return (
                f"{self.op} over the wrong axis: yours gives what a {call} over "
                f"{_axes_words(self.value, self.rank)} gives where one over "
                f"{_axes_words(self.old, self.rank)} belongs (of a {self.rank}-d array): "
                "check the axis of each reduction"
            )
        if self.what == "keep":
            bound = "floor" if self.op == "maximum" else "ceiling"
            return (
                f"a {bound} left out: yours gives what the answer gives with its "
                f"{self.op}(…, {self.old}) missing; check every bound the docstring asks for"
            )
        if self.what == "swap":
            return (
                "random draws taken in another order: yours gives what the answer gives "
                "with two consecutive draws from the seed swapped; draw in the order the "
                "docstring gives"
            )
        if self.what == "replace" and self.op in ("sum", "mean"):
            return (
                "the wrong normalisation: yours gives what the answer gives with a "
                f"{self.value} where a {self.op} belongs; check what the docstring divides "
                "by (and what it does not)"
            )
        if self.what == "replace":
            return (
                f"the wrong function: yours gives what the answer gives with a {self.value} "
                f"where a {self.op} belongs"
            )
        if self.op == "stop_gradient":
            return (
                "a gradient flows through what should be held fixed: yours gives the "
                "answer's numbers with a stop_gradient left out"
            )
        if self.op == "clip":
            return (
                f"a clip left out: yours gives what the answer gives without one of its "
                f"{call} calls; check the range the docstring asks for"
            )
        return (
            f"a {self.op} left out: yours gives what the answer gives without one of its "
            f"{call} calls"
        )


def _axes_text(axes):
    return "-".join(str(a) for a in axes) if isinstance(axes, tuple) else str(axes)


def _axes_words(axes, rank):
    axes = axes if isinstance(axes, tuple) else (axes,)
    words = [f"{a} (the last)" if a == rank - 1 and rank > 1 else str(a) for a in axes]
    return ("axis " if len(words) == 1 else "axes ") + ", ".join(words)


def _rank(value):
    try:
        return len(np.shape(value)) if not hasattr(value, "shape") else len(value.shape)
    except TypeError:
        return None


def _normal_axes(axis, rank):
    """(axes as sorted non-negative ints, as given was an int) or None for all axes."""
    if axis is None or rank is None:
        return None
    given = axis if isinstance(axis, (tuple, list)) else (axis,)
    try:
        return tuple(sorted(int(a) % rank for a in given)), not isinstance(axis, (tuple, list))
    except (TypeError, ZeroDivisionError):
        return None


class _Invocation:
    """The calls of one invocation of the reference: counted, recorded, or changed."""

    def __init__(self, change=None, calls=None):
        self.change = change
        self.calls = calls  # a list to record (module, op, index, details) in, or None
        self.counts = {}
        self.swapped = None  # the generator's state before the swapped pair

    def count(self, module, op):
        index = self.counts.get((module, op), 0)
        self.counts[module, op] = index + 1
        return index


def _at(change, what, module, op, index):
    """True when `change` is a change of this kind to this call."""
    return change is not None and (change.what, change.module, change.op, change.index) == (
        what,
        module,
        op,
        index,
    )


def _bound(function, args, kwargs):
    try:
        bound = inspect.signature(function).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return None
    bound.apply_defaults()
    return bound


def _reduction(invocation, module, op, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        index = invocation.count(module, op)
        bound = _bound(function, args, kwargs)
        if bound is None or "axis" not in bound.arguments:
            return function(*args, **kwargs)
        first = next(iter(bound.arguments.values()))
        rank = _rank(first)
        if invocation.calls is not None:
            invocation.calls.append((module, op, index, ("axis", bound.arguments["axis"], rank)))
        change = invocation.change
        if _at(change, "axis", module, op, index):
            bound.arguments["axis"] = change.value
            return function(*bound.args, **bound.kwargs)
        return function(*args, **kwargs)

    return wrapper


def _scalar(value):
    if isinstance(value, (int, float)):
        return f"{value:g}"
    try:
        array = np.asarray(value)
    except Exception:  # a symbolic tensor: not a constant to name
        return None
    return f"{float(array):g}" if array.ndim == 0 and array.dtype.kind in "fiu" else None


def _bound_op(invocation, module, op, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        index = invocation.count(module, op)
        operands = list(args[:2])
        if invocation.calls is not None and len(operands) == 2:
            invocation.calls.append((module, op, index, ("keep", [_scalar(v) for v in operands])))
        change = invocation.change
        if _at(change, "keep", module, op, index):
            return operands[change.value]
        return function(*args, **kwargs)

    return wrapper


def _left_out(invocation, module, op, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        index = invocation.count(module, op)
        if invocation.calls is not None and args:
            invocation.calls.append((module, op, index, ("drop",)))
        change = invocation.change
        if _at(change, "drop", module, op, index) and args:
            return args[0]
        return function(*args, **kwargs)

    return wrapper


def _replaced(invocation, module, op, function, other):
    """`op`, counted and recorded; at the changed index, `other` with the same arguments."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        index = invocation.count(module, "replace-" + op)
        if invocation.calls is not None:
            invocation.calls.append((module, op, index, ("replace",)))
        change = invocation.change
        if _at(change, "replace", module, op, index):
            return other(*args, **kwargs)
        return function(*args, **kwargs)

    return wrapper


def _draw(invocation, op, function):
    """A keras.random draw; with a swap at index k, draws k and k + 1 take each other's
    seed (a SeedGenerator moves on by the same step whatever the draw's shape)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        index = invocation.count("random", "draw")
        bound = _bound(function, args, kwargs)
        generator = bound.arguments.get("seed") if bound else None
        if not isinstance(generator, keras.random.SeedGenerator):
            return function(*args, **kwargs)
        if invocation.calls is not None:
            invocation.calls.append(("random", "draw", index, ("swap", id(generator))))
        change = invocation.change
        if not change or change.module != "random":
            return function(*args, **kwargs)
        step = ops.convert_to_tensor(np.array([0, 1]), dtype=generator.state.dtype)
        if index == change.index:
            start = generator.state.value * 1
            invocation.swapped = start
            generator.state.assign(start + step)  # draw k takes draw k + 1's seed
            return function(*args, **kwargs)
        if index == change.index + 1 and invocation.swapped is not None:
            after = generator.state.value * 1  # one generator: candidates() pairs no other
            generator.state.assign(invocation.swapped)
            value = function(*args, **kwargs)
            generator.state.assign(after)
            return value
        return function(*args, **kwargs)

    return wrapper


@contextlib.contextmanager
def _changed(invocation):
    """keras.ops, NumPy and keras.random with the wrappers in place, for one invocation."""
    saved = []
    for module_label, (module, reductions, bounds, left_out) in _OPS.items():
        originals = {}
        for op, make in (
            *((op, _reduction) for op in reductions),
            *((op, _bound_op) for op in bounds),
            *((op, _left_out) for op in left_out),
        ):
            function = getattr(module, op, None)
            if function is None:
                continue
            originals[op] = function
            saved.append((module, op, function))
            setattr(module, op, make(invocation, module_label, op, function))
        for op, other in _SWAPS.items():
            if op in originals and other in originals:
                wrapped = getattr(module, op)  # restored with the original, saved above
                replacement = _replaced(invocation, module_label, op, wrapped, originals[other])
                setattr(module, op, replacement)
    for op in _DRAWS:
        function = getattr(keras.random, op)
        saved.append((keras.random, op, function))
        setattr(keras.random, op, _draw(invocation, op, function))
    try:
        yield
    finally:
        for module, op, function in reversed(saved):
            setattr(module, op, function)


def _invoking(change=None, calls=None):
    """A decorator: each call of the function runs as one invocation."""

    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with _changed(_Invocation(change, calls)):
                return function(*args, **kwargs)

        return wrapper

    return decorate


_MADE = {}  # (reference, change) -> the wrong object, made and registered once


def changed(reference, change=None, calls=None):
    """The reference with `change` made at each invocation (or with its calls recorded
    into `calls`): a subclass for a class, a function for a function."""
    wrap = _invoking(change, calls)
    if not inspect.isclass(reference):
        return wrap(reference)
    label = re.sub(r"\W", "_", change.key) if change else "recorded"
    if issubclass(reference, keras.layers.Layer):
        body = {"call": wrap(reference.call)}
    else:
        body = {
            name: wrap(value)
            for name, value in vars(reference).items()
            if inspect.isfunction(value) and (not name.startswith("__") or name == "__call__")
        }
    cls = type(f"{reference.__name__}_{label}", (reference,), body)
    cls.__module__ = reference.__module__
    if issubclass(reference, keras.layers.Layer):
        cls = keras.saving.register_keras_serializable(package="derived")(cls)
    return cls


def candidates(calls):
    """The changes worth trying, from the recorded calls of the reference's invocations."""
    found = []
    seen_draws = {}
    for module, op, index, detail in calls:
        if detail[0] == "axis":
            _, axis, rank = detail
            normal = _normal_axes(axis, rank)
            if normal is None:
                continue
            axes, was_int = normal
            if rank > MAX_RANK:
                continue
            if len(axes) == 1:
                others = [(a,) for a in range(rank) if a != axes[0]]
            else:
                others = [tuple(a for a in axes if a != left) for left in axes]
                if 0 not in axes:
                    others.append(tuple(sorted((0, *axes))))
            old = axes[0] if was_int else axes
            for other in others:
                value = other[0] if (was_int and len(other) == 1) else other
                found.append(Change(module, op, index, "axis", value, old, rank))
        elif detail[0] == "keep":
            scalars = detail[1]
            for kept in (0, 1):  # a bound is a constant (ε, 0); max(a, b) of arrays is not
                if scalars[1 - kept] is not None:
                    found.append(Change(module, op, index, "keep", kept, scalars[1 - kept]))
        elif detail[0] == "drop":
            found.append(Change(module, op, index, "drop"))
        elif detail[0] == "replace":
            found.append(Change(module, op, index, "replace", _SWAPS[op]))
        elif detail[0] == "swap":
            previous = seen_draws.get(index - 1)
            if previous == detail[1]:  # two consecutive draws from one generator
                found.append(Change("random", "draw", index - 1, "swap"))
            seen_draws[index] = detail[1]
    return list(dict.fromkeys(found))  # in order, each once


def _usable(runs):
    if not isinstance(runs, list) or not runs:
        return False
    for run in runs:
        if run.error is not None:
            return False
        values = [run.output, *(g for g in (run.grads or {}).values() if g is not None)]
        for value in values:
            try:
                array = np.asarray(value, dtype=float)
            except (TypeError, ValueError):
                continue
            if not np.all(np.isfinite(array)):
                return False
    return True


def _same(runs, others, tolerance, grad_tolerance):
    return len(runs) == len(others) and all(
        same_run(a, b, tolerance, grad_tolerance) for a, b in zip(runs, others)
    )


def derive(reference, first_runs, earlier, tolerance, grad_tolerance, limit=LIMIT):
    """The derived mistakes of an exercise whose graded object is `reference`.

    `first_runs(key, wrong)` gives the first stage's runs with `wrong` in the
    reference's place (at one seed; `key` is the mistake's, None for the run that
    records calls); `earlier()` the runs of the mistakes already known, which a derived
    one must differ from, as it must from the reference (asked only when a change gets
    that far: those runs cost a reference run per known mistake)."""
    calls = []
    reference_runs = first_runs(None, changed(reference, calls=calls))
    if not _usable(reference_runs):
        return ()
    known = None
    made = []
    for change in candidates(calls):
        if len(made) == limit:
            break
        wrong = _MADE.get((reference, change))
        if wrong is None:
            wrong = _MADE[reference, change] = changed(reference, change)
        key = f"derived-{change.key}"
        runs = first_runs(key, wrong)
        if not _usable(runs) or _same(runs, reference_runs, tolerance, grad_tolerance):
            continue
        if known is None:
            known = list(earlier())
        if any(_same(runs, other, tolerance, grad_tolerance) for other in known):
            continue
        known.append(runs)
        made.append(Mistake(key, change.message, wrong=wrong))
    return tuple(made)
