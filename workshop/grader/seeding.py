"""Random numbers that depend only on a seed and a few keys, so that the student's
code, the reference and every known mistake see the same inputs and weights."""

import zlib

import numpy as np

# The seed of `workshop check` and of a release's records, unless another is asked for.
DEFAULT_SEED = 20261127


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
