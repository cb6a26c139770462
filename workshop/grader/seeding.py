"""Random numbers that depend only on a seed and a few keys, so that the student's
code, the reference and every known mistake see the same inputs and weights."""

import zlib

import numpy as np

# The seed of `workshop check` and of a release's records, unless another is asked for.
DEFAULT_SEED = 20261127
# A student copy also ships the reference's records for these seeds, so that a student
# can rehearse other inputs and weights (`workshop check --seed 1`) and, at the practice
# hidden seed, the hidden cases' other shapes (`workshop check --rehearse`). Their
# hidden results are public: grading must use other seeds (commands/grade.py refuses).
PRACTICE_SEEDS = (1, 2)
PRACTICE_HIDDEN_SEED = 3


def refused_hidden_seed(seed):
    """Why `seed` must not be a grading hidden seed, or None."""
    if seed == PRACTICE_HIDDEN_SEED:
        return (
            f"--hidden-seed {seed} is the practice hidden seed, whose hidden results every "
            "student copy ships: pick another"
        )
    return None


def rng_for(seed, *keys):
    """A generator that depends only on the seed and the keys (stable across runs)."""
    words = [seed] + [zlib.crc32(str(key).encode()) for key in keys]
    return np.random.default_rng(words)


def random_weights(shapes, seed, case_index):
    """Weights of a typical scale: std 1/sqrt(fan-in) for matrices, 0.5 for vectors.

    Weight k depends on its position and shape only, so two objects with the same
    weight shapes get identical values.
    """
    values = []
    for position, shape in enumerate(shapes):
        rng = rng_for(seed, "weight", case_index, position, shape)
        if len(shape) >= 2:
            scale = 1.0 / np.sqrt(max(int(np.prod(shape[:-1])), 1))
        else:
            scale = 0.5
        values.append((rng.standard_normal(shape) * scale).astype(np.float32))
    return values


def fresh_seed(seed):
    """`workshop check`'s seed for the judge's fresh inputs (graphs.py): another than the
    cases'. A batch draws its own from its secret key (batch/outputs.py), which no
    student process ever sees."""
    return int(rng_for(seed, "fresh").integers(1 << 62))
