"""Wrong augmentations, one realistic mistake each. Each replaces one function of
Exercise 2.5 (the others are the reference's)."""

import keras
from keras import ops

from solutions import augment as reference
from solutions.mistakes import known


@known(
    "2.5",
    "eigenvalues-ascending",
    "eigenvalues in ascending order, as np.linalg.eigh returns them: sort them (and "
    "their eigenvector columns) in descending order",
    replaces="pca_colour_basis",
)
def pca_ascending(images):
    values, vectors = reference.pca_colour_basis(images)
    return values[::-1].copy(), vectors[:, ::-1].copy()


@known(
    "2.5",
    "eigenvectors-as-rows",
    "eigenvectors as rows: np.linalg.eigh gives them as columns, vectors[:, i]",
    replaces="pca_colour_basis",
)
def pca_rows(images):
    values, vectors = reference.pca_colour_basis(images)
    return values, vectors.T.copy()


def _augment(
    images,
    crop_size,
    seed,
    flip=True,
    eigenvalues=None,
    eigenvectors=None,
    sigma=0.1,
    last_offset=True,
    left_first=False,
    vertical=False,
    always_flip=False,
    weigh="eigenvalues",
):
    """The reference's augment with one step done wrongly."""
    images = ops.convert_to_tensor(images, "float32")
    count, height, width, channels = images.shape
    extra = 1 if last_offset else 0
    first = keras.random.randint(
        (count,), 0, (width if left_first else height) - crop_size + extra, seed=seed
    )
    second = keras.random.randint(
        (count,), 0, (height if left_first else width) - crop_size + extra, seed=seed
    )
    top, left = (second, first) if left_first else (first, second)
    steps = ops.arange(crop_size)
    rows = ops.reshape(top[:, None] + steps[None, :], (count, crop_size, 1, 1))
    columns = ops.reshape(left[:, None] + steps[None, :], (count, 1, crop_size, 1))
    crops = ops.take_along_axis(ops.take_along_axis(images, rows, axis=1), columns, axis=2)
    if flip:
        flips = keras.random.uniform((count,), seed=seed) < 0.5
        if always_flip:
            flips = ops.ones_like(flips)
        mirrored = ops.flip(crops, axis=1 if vertical else 2)
        crops = ops.where(flips[:, None, None, None], mirrored, crops)
    if eigenvalues is not None:
        alpha = keras.random.normal((count, channels), stddev=sigma, seed=seed)
        values = ops.convert_to_tensor(eigenvalues, "float32")
        factor = {"eigenvalues": values, "none": 1.0, "sqrt": ops.sqrt(values)}[weigh]
        vectors = ops.convert_to_tensor(eigenvectors, "float32")
        crops = crops + ops.matmul(alpha * factor, ops.transpose(vectors))[:, None, None, :]
    return crops


def _wrong_augment(**wrong):
    def augment(images, crop_size, seed, flip=True, eigenvalues=None, eigenvectors=None, sigma=0.1):
        return _augment(images, crop_size, seed, flip, eigenvalues, eigenvectors, sigma, **wrong)

    return augment


crop_one_short = known(
    "2.5",
    "last-offset-missing",
    "the last crop position is never drawn: randint's upper bound is exclusive, so draw "
    "from 0 to H − crop_size + 1 (and W − crop_size + 1)",
    replaces="augment",
)(_wrong_augment(last_offset=False))

left_before_top = known(
    "2.5",
    "draws-reordered",
    "the draws in another order: top first, then left, then the flips, then α, each "
    "with the shapes in the docstring",
    replaces="augment",
)(_wrong_augment(left_first=True))

vertical_flip = known(
    "2.5",
    "vertical-flip",
    "upside down, not mirrored: a horizontal flip reverses the columns (axis 2), not the rows",
    replaces="augment",
)(_wrong_augment(vertical=True))

always_flipped = known(
    "2.5",
    "always-flipped",
    "every crop mirrored: flip each with probability 1/2 (uniform draw < 0.5)",
    replaces="augment",
)(_wrong_augment(always_flip=True))

jitter_unweighted = known(
    "2.5",
    "jitter-without-eigenvalues",
    "colour jitter without the eigenvalues: the shift is Σ αᵢ λᵢ pᵢ, each component "
    "weighted by its eigenvalue",
    replaces="augment",
)(_wrong_augment(weigh="none"))

jitter_sqrt = known(
    "2.5",
    "jitter-square-root",
    "colour jitter weighted by √λᵢ: KSH weigh each component by the eigenvalue λᵢ itself",
    replaces="augment",
)(_wrong_augment(weigh="sqrt"))


@known(
    "2.5",
    "centre-rounded-up",
    "the centre crop starts one pixel late: start at (H − crop_size) // 2, rounding down",
    replaces="centre_crop",
)
def centre_rounded_up(images, crop_size):
    images = ops.convert_to_tensor(images, "float32")
    top = -(-(images.shape[1] - crop_size) // 2)
    left = -(-(images.shape[2] - crop_size) // 2)
    return images[:, top : top + crop_size, left : left + crop_size, :]


@known(
    "2.5",
    "five-crops-only",
    "five crops: KSH's ten are the four corners and the centre, then the same five mirrored",
    replaces="ten_crops",
)
def five_crops(images, crop_size):
    return reference.ten_crops(images, crop_size)[:5]


@known(
    "2.5",
    "mirrored-first",
    "the ten crops in another order: the five unmirrored first (top-left, top-right, "
    "bottom-left, bottom-right, centre), then the same five mirrored",
    replaces="ten_crops",
)
def mirrored_first(images, crop_size):
    crops = reference.ten_crops(images, crop_size)
    return ops.concatenate([crops[5:], crops[:5]], axis=0)
