"""Synthetic house numbers for §2.4 (`workshop run multidigit`): 1 to 5 of scikit-learn's
handwritten digit scans in a row on a crop of its sample photographs, in colour, at a
fixed 32×96 (height × width), with the length and the digits as labels.

Each number: a length drawn from LENGTHS' probabilities; one digit height for the number
(16 to 26 pixels, width 3/4 of it, smaller when a long number would not fit); a gap
between neighbours of −1 to 4 pixels; each digit moved up or down by up to 2 pixels; the
number placed at random where it fits; the photo at half its contrast; an ink colour
that contrasts with the background under the number; clutter: a few thin lines across
the background in other colours, and a stray digit cut by the image's left or right edge
in a third of the images (as SVHN's neighbouring house numbers). The train, validation and
test numbers are written with disjoint sets of the 1,797 scans (the digits data set's
own stratified split), so a test digit is never a scan seen in training.
"""

from dataclasses import dataclass

import numpy as np

from .digits_builder import split_indices
from .numbers_builder import _backgrounds, _scans

HEIGHT, WIDTH = 32, 96
MAX_DIGITS = 5
LENGTHS = {1: 0.2, 2: 0.25, 3: 0.25, 4: 0.15, 5: 0.15}  # P(length)
DIGIT_HEIGHTS = (16, 26)  # inclusive range
SIZES = {"train": 30_000, "validation": 2_000, "test": 4_000}
VERSION = "1.0.0"  # bump when the images change: a run's settings name it


@dataclass(frozen=True)
class Clutter:
    """What makes a number hard to read, each part switchable for the study of what
    limits whole-number accuracy (benchmarks/multidigit_study.py). Switched off, a part
    still takes its random draws, so every other part of every image stays the same."""

    photo: bool = True  # the photo behind the number; off: the crop's mean colour
    lines: bool = True  # thin lines across the background
    neighbours: bool = True  # a neighbour's digit cut by the edge, in a third of the images
    # Light ink where the background under the number is dark; off: that background is
    # turned into its negative and the ink is always the darker (run ksh's data since
    # its 1.2.0: ReLU nets learn one polarity far sooner than two).
    light_ink: bool = True


@dataclass
class HouseNumbers:
    """One split: images (n, 32, 96, 3) uint8, lengths (n,), digits (n, 5) with −1
    from the length on, and the scans used (n, 5), −1 where none."""

    images: np.ndarray
    lengths: np.ndarray
    digits: np.ndarray
    scans: np.ndarray


def _resize(scan, height, width):
    """A scan (8×8 in [0, 1]) resized by bilinear interpolation, in NumPy."""
    rows = np.linspace(0, 7, height)
    columns = np.linspace(0, 7, width)
    r0, c0 = np.floor(rows).astype(int), np.floor(columns).astype(int)
    r1, c1 = np.minimum(r0 + 1, 7), np.minimum(c0 + 1, 7)
    fr, fc = (rows - r0)[:, None], (columns - c0)[None, :]
    top = scan[r0][:, c0] * (1 - fc) + scan[r0][:, c1] * fc
    bottom = scan[r1][:, c0] * (1 - fc) + scan[r1][:, c1] * fc
    return np.clip(top * (1 - fr) + bottom * fr, 0.0, 1.0)


def _number(rng, length, pools, scans, photos, clutter=Clutter()):
    photo = photos[rng.integers(len(photos))]
    top = rng.integers(photo.shape[0] - HEIGHT + 1)
    left = rng.integers(photo.shape[1] - WIDTH + 1)
    background = photo[top : top + HEIGHT, left : left + WIDTH] * rng.uniform(0.6, 1.4, 3)
    # The photo at half its contrast: busy, but less than the digits.
    background = np.clip(0.5 * background + 0.5 * background.mean(axis=(0, 1)), 0.0, 1.0)
    if not clutter.photo:
        background = np.broadcast_to(background.mean(axis=(0, 1)), background.shape)
    canvas = np.zeros((HEIGHT, WIDTH), np.float32)
    lines = np.zeros((HEIGHT, WIDTH), np.float32)
    for _ in range(rng.integers(0, 4)):  # thin lines across the background
        if rng.random() < 0.5:
            lines[rng.integers(HEIGHT), :] = rng.uniform(0.3, 0.7)
        else:
            lines[:, rng.integers(WIDTH)] = rng.uniform(0.3, 0.7)
    height = int(rng.integers(DIGIT_HEIGHTS[0], DIGIT_HEIGHTS[1] + 1))
    width = height * 3 // 4
    gaps = rng.integers(-1, 5, max(length - 1, 0))
    while width * length + gaps.sum() > WIDTH - 2 and height > DIGIT_HEIGHTS[0]:
        height -= 1  # a long number in big digits: shrink until it fits
        width = height * 3 // 4
    total = width * length + int(gaps.sum())
    start = int(rng.integers(1, WIDTH - total)) if total < WIDTH - 2 else 0
    row = int(rng.integers(2, HEIGHT - height - 1))
    digits = rng.integers(0, 10, length)
    used = np.full(MAX_DIGITS, -1, np.int64)
    column = start
    for place, digit in enumerate(digits):
        scan = int(rng.choice(pools[digit]))
        used[place] = scan
        jitter = int(np.clip(row + rng.integers(-2, 3), 0, HEIGHT - height))
        glyph = _resize(scans[scan], height, width)
        right = min(column + width, WIDTH)
        region = canvas[jitter : jitter + height, column:right]
        np.maximum(region, glyph[:, : right - column], out=region)
        column += width + (int(gaps[place]) if place < length - 1 else 0)
    if rng.random() < 1 / 3:  # a neighbour's digit, cut by the edge
        stray = _resize(scans[int(rng.choice(pools[rng.integers(10)]))], height, width)
        keep = int(rng.integers(2, width // 2 + 1))
        # Switched off, the stray digit is drawn on a canvas nobody reads.
        place = canvas[row : row + height] if clutter.neighbours else np.zeros((height, WIDTH))
        if rng.random() < 0.5 and start > keep + 1:
            np.maximum(place[:, :keep], stray[:, -keep:], out=place[:, :keep])
        elif start + total < WIDTH - keep - 1:
            np.maximum(place[:, -keep:], stray[:, :keep], out=place[:, -keep:])
    # Ink that contrasts with the background under the number, not the whole image's.
    under = background[row : row + height, start : start + total]
    light = under.mean() < 0.5
    ink = rng.uniform(0.8, 1.0, 3) if light else rng.uniform(0.0, 0.2, 3)
    if light and not clutter.light_ink:
        background, ink = 1.0 - background, 1.0 - ink
    line_ink = rng.uniform(0, 1, 3)
    lines = lines if clutter.lines else np.zeros_like(lines)
    image = background * (1 - lines[..., None]) + line_ink * lines[..., None]
    image = image * (1 - canvas[..., None]) + ink * canvas[..., None]
    padded = np.full(MAX_DIGITS, -1, np.int64)
    padded[:length] = digits
    return np.round(image * 255).astype(np.uint8), padded, used


def make_splits(seed=20261201, sizes=None, clutter=Clutter()):
    """{'train', 'validation', 'test'} -> HouseNumbers, the same for the same seed and
    clutter."""
    sizes = dict(SIZES, **(sizes or {}))
    scans, labels = _scans()
    photos = _backgrounds()
    rng = np.random.default_rng(seed)
    choices, weights = np.array(list(LENGTHS)), np.array(list(LENGTHS.values()))
    made = {}
    for name, indices in split_indices(labels).items():
        pools = {d: indices[labels[indices] == d] for d in range(10)}
        count = sizes[name]
        lengths = rng.choice(choices, size=count, p=weights)
        images = np.empty((count, HEIGHT, WIDTH, 3), np.uint8)
        digits = np.empty((count, MAX_DIGITS), np.int64)
        used = np.empty((count, MAX_DIGITS), np.int64)
        for n, length in enumerate(lengths):
            images[n], digits[n], used[n] = _number(rng, int(length), pools, scans, photos, clutter)
        made[name] = HouseNumbers(images, lengths.astype(np.int64), digits, used)
    return made
