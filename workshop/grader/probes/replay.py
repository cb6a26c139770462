"""Probes of Exercise 4.1: the replay buffer's length as transitions arrive, its
samples under the same draws (before it is full, exactly full, wrapped), and three
checks of its own samples that need no draws of ours: every sampled transition whole,
only stored transitions drawn (the newest `capacity`, never an empty slot), and drawn
uniformly."""

import numpy as np

from ..compare import Tolerance
from ..evidence import Raised
from ..kinds.probe_runs import capture
from ..seeding import rng_for

TOLERANCE = Tolerance(atol=1e-6, rtol=1e-6)  # copies of float32 values
LENGTH = "len() as transitions arrive"
SAME_DRAWS = "sample, same draws"
WHOLE = "sampled transitions stay whole"
STORED = "only stored transitions, uniformly"
POINTS = {LENGTH: 2, SAME_DRAWS: 3, WHOLE: 2, STORED: 3}
STATISTICAL = {WHOLE, STORED}
SHAPE, ACTIONS = (3, 2), 4
# The statistical checks' buffer: 120 numbered transitions into 50 slots, then 4000 draws.
RING, ADDED, DRAWS, PARTLY = 50, 120, 4000, 20
MAX_CHI2 = 100.0  # χ² on 49 degrees of freedom: mean 49, s.d. 9.9; 100 is 5 s.d. above


def describe(case):
    (adds,) = case.input_shape
    return (
        f"ReplayBuffer({case.config['capacity']}, {SHAPE}) after {adds} add(s), "
        f"sample({case.config['batch']})"
    )


def labels(case):
    return [f"{LENGTH}: len after each add", f"{SAME_DRAWS}: sample(batch, seed)"]


def _transitions(rng, count):
    return [
        (
            rng.standard_normal(SHAPE).astype(np.float32),
            int(rng.integers(ACTIONS)),
            float(np.float32(rng.standard_normal())),
            rng.standard_normal(SHAPE).astype(np.float32),
            bool(rng.random() < 0.3),
        )
        for _ in range(count)
    ]


FIELDS = ("observations", "actions", "rewards", "next_observations", "dones")


def _batch(batch):
    """A sample as {field: float64 array}, whatever mapping type it came in."""
    if not hasattr(batch, "keys"):
        raise TypeError(
            f"sample returned a {type(batch).__name__}: the docstring asks for a dict of "
            "arrays, {'observations': ..., 'actions': ..., ...}"
        )
    return {name: np.asarray(batch[name], np.float64) for name in sorted(batch)}


def _in_docstring_dtypes(batch, observations="float32"):
    """1.0 when every field has the docstring's dtype, else 0.0."""
    wanted = dict.fromkeys(FIELDS, "float32")
    wanted.update(observations=observations, next_observations=observations, actions="int64")
    return float(all(np.asarray(batch[name]).dtype == wanted[name] for name in FIELDS))


def _uint8_frames(get):
    """A buffer of uint8 frames keeps them uint8 (Atari's quarter of the memory)."""
    buffer = get("ReplayBuffer")(4, (2, 2), "uint8")
    for n in range(6):
        buffer.add(
            np.full((2, 2), n, np.uint8), n % 3, 1.0, np.full((2, 2), n + 1, np.uint8), False
        )
    return _in_docstring_dtypes(buffer.sample(5, 0), "uint8")


def _empty_raises(get):
    try:
        get("ReplayBuffer")(3, SHAPE).sample(2, 0)
    except ValueError:
        return 1.0
    return 0.0


def observe(get, case, seed, index):
    rng = rng_for(seed, "replay", index)
    (adds,) = case.input_shape
    capacity, size = case.config["capacity"], case.config["batch"]
    transitions = _transitions(rng, adds)
    draws = int(rng.integers(1 << 30))
    try:
        buffer = get("ReplayBuffer")(capacity, SHAPE)
        lengths, slots = [], []
        for transition in transitions:
            buffer.add(*transition)
            lengths.append(len(buffer))
            slots.append(buffer.next_slot)
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # student code may raise anything, even SystemExit
        return {label: Raised(error) for label in labels(case)}

    def with_generator():  # one generator used twice: each call draws afresh
        generator = np.random.default_rng(draws + 1)
        first = buffer.sample(size, generator)
        second = buffer.sample(size, generator)  # must leave the first batch as it was
        return (_batch(first), _batch(second))

    return {
        f"{LENGTH}: len after each add": np.asarray(lengths, np.float64),
        f"{LENGTH}: next_slot after each add": np.asarray(slots, np.float64),
        f"{LENGTH}: sample from an empty buffer raises ValueError (1 = yes)": capture(
            _empty_raises, get
        ),
        f"{SAME_DRAWS}: sample(batch, seed)": capture(lambda: _batch(buffer.sample(size, draws))),
        f"{SAME_DRAWS}: sample(batch, generator) twice": capture(with_generator),
        f"{SAME_DRAWS}: fields in the docstring's dtypes (1 = yes)": capture(
            lambda: _in_docstring_dtypes(buffer.sample(size, draws))
        ),
        f"{SAME_DRAWS}: a uint8 buffer samples uint8 frames (1 = yes)": capture(_uint8_frames, get),
    }


def _numbered(get, added):
    """A buffer of RING slots holding transitions 1 … added, each field coding its
    number: observation n, action n mod 4, reward n / 8, next observation n + 0.5,
    done when n is a multiple of 5."""
    buffer = get("ReplayBuffer")(RING, SHAPE)
    for n in range(1, added + 1):
        buffer.add(np.full(SHAPE, n, np.float32), n % ACTIONS, n / 8.0,
                   np.full(SHAPE, n + 0.5, np.float32), n % 5 == 0)  # fmt: skip
    return buffer


def statistical_record(check, get, seed):
    """{4000 draws from a wrapped buffer, 4000 from one a fifth full}, from this side's
    sampler with its own draws (only the student's record is judged)."""
    return {
        "wrapped": capture(lambda: _batch(_numbered(get, ADDED).sample(DRAWS, seed))),
        "partly": capture(lambda: _batch(_numbered(get, PARTLY).sample(DRAWS, seed + 1))),
    }


def _numbers(batch, what):
    """Each row's transition number from its observation, or a message why not."""
    observations = batch.get("observations")
    if observations is None:
        return None, f"{what}: the sample has no 'observations'"
    if observations.shape != (DRAWS,) + SHAPE:
        return None, f"{what}: observations have shape {observations.shape}, expected " + str(
            (DRAWS,) + SHAPE
        )
    flat = observations.reshape(DRAWS, -1)
    return flat[:, 0], None


def _whole(batch):
    numbers, problem = _numbers(batch, "sample(4000)")
    if problem:
        return False, problem
    expected = {
        "actions": numbers % ACTIONS,
        "rewards": numbers / 8.0,
        "next_observations": numbers + 0.5,
        "dones": (numbers % 5 == 0).astype(np.float64),
    }
    for name, wanted in expected.items():
        got = batch.get(name)
        if got is None:
            return False, f"the sample has no '{name}'"
        got = got.reshape(DRAWS, -1)[:, 0] if got.ndim > 1 else got
        if got.shape != (DRAWS,):
            return False, f"'{name}' has {got.shape[0]} rows for {DRAWS} observations"
        wrong = np.flatnonzero(np.abs(got - wanted) > 1e-5)
        if len(wrong):
            row = int(wrong[0])
            return False, (
                f"row {row}: the observation of transition {numbers[row]:g} came with the "
                f"'{name}' of another ({got[row]:g}, expected {wanted[row]:g}): every field "
                f"of a row must come from the same slot ({len(wrong)} of {DRAWS} rows)"
            )
    return True, f"{DRAWS} sampled rows: each row's five fields come from one transition"


def _stored_uniformly(batch, first, last, what):
    numbers, problem = _numbers(batch, what)
    if problem:
        return False, problem
    stored = np.arange(first, last + 1)
    outside = sorted(set(numbers.tolist()) - set(stored.tolist()))
    if outside:
        drawn = ", ".join(f"{n:g}" for n in outside[:4])
        empty = " (0 is an empty slot)" if 0 in outside else ""
        return False, (
            f"{what}: drew transition(s) {drawn}{empty}, but only {first}…{last} are stored: "
            f"the ring keeps the newest {RING} and draws from the filled slots alone"
        )
    counts = np.array([(numbers == n).sum() for n in stored], np.float64)
    if (counts == 0).any():
        missing = ", ".join(str(int(n)) for n in stored[counts == 0][:4])
        return False, f"{what}: transition(s) {missing} never drawn in {DRAWS} draws"
    expected = DRAWS / len(stored)
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    limit = MAX_CHI2 * (len(stored) - 1) / (RING - 1)
    if chi2 > limit:
        return False, (
            f"{what}: transitions drawn {counts.min():g} to {counts.max():g} times where "
            f"{expected:g} each is expected (χ² {chi2:.0f} > {limit:.0f}): draw uniformly"
        )
    return True, None


def statistical_judge(check, mine, ref):
    for part in ("wrapped", "partly"):
        if isinstance(mine[part], Raised):
            return False, "sample raised " + mine[part].error.explained
    if check == WHOLE:
        return _whole(mine["wrapped"])
    for part, first, last in (("wrapped", ADDED - RING + 1, ADDED), ("partly", 1, PARTLY)):
        what = f"{last} transitions added to {RING} slots"
        passed, message = _stored_uniformly(mine[part], first, last, what)
        if not passed:
            return False, message
    return True, (
        f"{DRAWS} draws: only the newest {RING} of {ADDED} transitions (and 1…{PARTLY} of a "
        "buffer not yet full), each about equally often"
    )
