"""Probes of Exercise 2.5: the PCA colour basis, the crops, flips and colour jitter
under the same draws as the reference's, the test-time crops, and (needing no draws)
the distributions of 3,000 augmentations: crop offsets uniform, half the images
mirrored, and the colour shifts' covariance that of Σ αᵢ λᵢ pᵢ."""

import numpy as np

from ..compare import Tolerance
from ..evidence import Raised
from ..kinds.probe_runs import capture
from ..seeding import rng_for

TOLERANCE = Tolerance(atol=1e-5, rtol=1e-4)  # float32 work
BASIS = "PCA colour basis"
CROPS = "random crops, same draws"
FLIPS = "flips, same draws"
JITTER = "colour jitter, same draws"
TEST_CROPS = "centre and ten test crops"
FOLLOW = "draws follow their distributions"
POINTS = {BASIS: 2, CROPS: 2, FLIPS: 1, JITTER: 2, TEST_CROPS: 1, FOLLOW: 2}
STATISTICAL = {FOLLOW}
SAMPLES = 3000


def labels(case):
    return [f"{BASIS}: eigenvalues, eigenvectors"]


def colour_images(rng, shape):
    """Images whose channels are correlated, with distinct eigenvalues."""
    mixing = rng.standard_normal((shape[-1], shape[-1]))
    return (rng.standard_normal(shape) @ mixing + 0.5).astype(np.float32)


def basis(images):
    """The probe's own PCA basis (not the student's), so that the jitter is judged on
    its own: eigenvalues descending, each column's largest component positive."""
    pixels = np.asarray(images, np.float64).reshape(-1, images.shape[-1])
    values, vectors = np.linalg.eigh(np.atleast_2d(np.cov(pixels, rowvar=False)))
    order = np.argsort(values)[::-1]
    values, vectors = values[order], vectors[:, order]
    vectors = vectors * np.sign(vectors[np.argmax(np.abs(vectors), axis=0), np.arange(len(values))])
    return values.astype(np.float32), vectors.astype(np.float32)


def observe(get, case, seed, index):
    import keras

    rng = rng_for(seed, "augment", index)
    crop = case.config["crop"]
    images = colour_images(rng, case.input_shape)
    values, vectors = basis(images)
    draws = [int(d) for d in rng.integers(1 << 30, size=3)]
    augment = get("augment")

    def drawn(draw, **options):
        return capture(augment, images, crop, keras.random.SeedGenerator(draw), **options)

    return {
        f"{BASIS}: eigenvalues, eigenvectors": capture(get("pca_colour_basis"), images),
        f"{CROPS}: crop_size {crop}, no flip": drawn(draws[0], flip=False),
        f"{FLIPS}: crop_size {crop}, flip": drawn(draws[1], flip=True),
        f"{JITTER}: σ 0.1, flip": drawn(
            draws[2], flip=True, eigenvalues=values, eigenvectors=vectors
        ),
        f"{JITTER}: σ 0.5, no flip": drawn(
            draws[2], flip=False, eigenvalues=values, eigenvectors=vectors, sigma=0.5
        ),
        f"{TEST_CROPS}: centre": capture(get("centre_crop"), images, crop),
        f"{TEST_CROPS}: ten": capture(get("ten_crops"), images, crop),
    }


def _position_images(count, size):
    """Channel 0 holds each pixel's row, channel 1 its column: a crop shows its offset,
    and its columns' order whether it was mirrored."""
    rows, columns = np.meshgrid(np.arange(size), np.arange(size), indexing="ij")
    image = np.stack([rows, columns, np.full_like(rows, 7)], axis=-1).astype(np.float32)
    return np.repeat(image[None], count, axis=0)


def statistical_record(check, get, seed):
    """3,000 augmentations of position-coded 8×8 images (crops of 5: 4×4 offsets), and
    3,000 colour shifts of a flat image, with this side's basis of some colour images."""
    import keras

    rng = rng_for(seed, "augment-follow")
    values, vectors = basis(colour_images(rng, (4, 6, 6, 3)))
    augment = get("augment")
    flat = np.full((SAMPLES, 5, 5, 3), 0.5, np.float32)
    return {
        "crops": capture(
            augment, _position_images(SAMPLES, 8), 5, keras.random.SeedGenerator(seed)
        ),
        "shifts": capture(
            augment,
            flat,
            5,
            keras.random.SeedGenerator(seed + 1),
            flip=False,
            eigenvalues=values,
            eigenvectors=vectors,
        ),
        "covariance": capture(lambda: vectors @ np.diag((0.1 * values) ** 2) @ vectors.T),
    }


def statistical_judge(check, mine, ref):
    crops, shifts = mine["crops"], mine["shifts"]
    for what, value, shape in (
        ("crops", crops, (SAMPLES, 5, 5, 3)),
        ("shifts", shifts, (SAMPLES, 5, 5, 3)),
    ):
        if isinstance(value, Raised):
            return False, f"augment raised on the {what} run: " + value.error.explained
        if np.shape(value) != shape:
            return False, f"augment returned shape {np.shape(value)}, expected {shape}"
    crops = np.asarray(crops, np.float64)
    top = crops[:, 0, :, 0].min(axis=1)
    left = crops[:, 0, :, 1].min(axis=1)
    mirrored = crops[:, 0, 0, 1] > crops[:, 0, -1, 1]
    if not np.isin(top, np.arange(4)).all() or not np.isin(left, np.arange(4)).all():
        return False, "crops are not 5×5 windows of the 8×8 images"
    counts = np.bincount((4 * top + left).astype(int), minlength=16)
    expected = SAMPLES / 16
    if counts.min() == 0:
        missing = int(np.argmin(counts))
        return False, (
            f"the crop offset (top {missing // 4}, left {missing % 4}) never came up in "
            f"{SAMPLES} crops: offsets run from 0 to H − crop_size inclusive"
        )
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    if chi2 > 50.0:  # 15 degrees of freedom: p ≈ 1e-5
        return False, (
            f"crop offsets not uniform over the 4×4 positions (χ² = {chi2:.0f} on 15 degrees "
            "of freedom): draw top and left with keras.random.randint"
        )
    rate = float(mirrored.mean())
    if abs(rate - 0.5) > 4.5 * np.sqrt(0.25 / SAMPLES):
        return False, f"{rate:.1%} of {SAMPLES} crops were mirrored: flip each with probability 1/2"
    shift = np.asarray(shifts, np.float64)[:, 0, 0, :] - 0.5
    expected_cov = np.asarray(ref["covariance"], np.float64)
    scale = np.abs(expected_cov).max()
    measured = np.cov(shift, rowvar=False)
    if np.abs(shift.mean(axis=0)).max() > 5 * np.sqrt(scale / SAMPLES) or (
        np.abs(measured - expected_cov).max() > 0.2 * scale
    ):
        return False, (
            "the colour shifts' covariance is not that of Σ αᵢ λᵢ pᵢ with αᵢ ~ N(0, σ²): "
            f"largest entry {np.abs(measured).max():.3g}, expected {scale:.3g}"
        )
    return True, (
        f"{SAMPLES} draws: every crop offset (χ² {chi2:.0f} on 15 d.o.f.), {rate:.1%} "
        "mirrored, the colour shifts' covariance as Σ αᵢ λᵢ pᵢ's"
    )
