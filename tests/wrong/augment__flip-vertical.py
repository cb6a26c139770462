# exercise: augment (2.5)
# family: wrong axis or order of axes
# mistake: Your flip reverses the rows (axis 1, upside down) instead of the columns (axis 2, the horizontal mirror image).
"""Exercise 2.5: KSH's data augmentation: random crops, horizontal flips and PCA colour
jitter, and the crops a test image is judged on."""

import keras
import numpy as np
from keras import ops


def pca_colour_basis(images):
    """The principal components of the pixel colours of a training set (notes §2.2;
    Krizhevsky et al. 2012, §4.1).

    Every pixel of every image is one sample of C colour values. Their C×C covariance
    (NumPy's `np.cov`, which divides by n − 1) has eigenvalues λ₁ ≥ … ≥ λ_C and unit
    eigenvectors p₁ … p_C. An eigenvector's sign is arbitrary: choose it so that its
    component of largest magnitude is positive, so that everyone's basis is the same.

    Args:
        images: `(N, H, W, C)` array-like, floats.

    Returns:
        `(eigenvalues, eigenvectors)`: float32 NumPy arrays of shapes `(C,)`, in
        descending order, and `(C, C)` with eigenvector i in column i.

    Example:
    >>> import numpy as np
    >>> x = np.zeros((1, 1, 2, 2)); x[0, 0, 1] = [1.0, 1.0]  # two pixels: black, white
    >>> values, vectors = pca_colour_basis(x)
    >>> [round(float(v), 3) for v in values], [round(float(p), 3) for p in vectors[:, 0]]
    ([1.0, 0.0], [0.707, 0.707])
    """
    images = np.asarray(images, np.float64)
    pixels = images.reshape(-1, images.shape[-1])
    values, vectors = np.linalg.eigh(np.atleast_2d(np.cov(pixels, rowvar=False)))
    order = np.argsort(values)[::-1]
    values, vectors = values[order], vectors[:, order]
    largest = np.argmax(np.abs(vectors), axis=0)
    vectors = vectors * np.sign(vectors[largest, np.arange(len(values))])
    return values.astype(np.float32), vectors.astype(np.float32)


def augment(images, crop_size, seed, flip=True, eigenvalues=None, eigenvectors=None, sigma=0.1):
    """One training-time draw of KSH's augmentation (notes §2.2; Krizhevsky et al. 2012,
    §4.1), for each image on its own:

      1. a random crop_size × crop_size crop, its top-left corner uniform over the
         (H − crop_size + 1) × (W − crop_size + 1) positions that fit;
      2. with `flip`, a horizontal mirror image with probability 1/2 (columns reversed);
         leave it out for data that is not mirror-symmetric, such as digits;
      3. with eigenvalues and eigenvectors (`pca_colour_basis` of the training set),
         PCA colour jitter: draw α₁ … α_C ~ N(0, σ²) for the image and add

             Σ_i αᵢ λᵢ pᵢ        (a C-vector, the same for every pixel of the image)

         with λᵢ and pᵢ the eigenvalues and eigenvectors (KSH: σ = 0.1).

    The same draws as the reference's (the grader compares them): take them from
    `seed`, a `keras.random.SeedGenerator`, in this order and these shapes, and only
    those a step uses:

        top  = keras.random.randint((N,), 0, H - crop_size + 1, seed=seed)
        left = keras.random.randint((N,), 0, W - crop_size + 1, seed=seed)
        flips = keras.random.uniform((N,), seed=seed) < 0.5          # only with flip
        alpha = keras.random.normal((N, C), stddev=sigma, seed=seed)  # only with jitter

    Args:
        images: `(N, H, W, C)` float tensor or array.
        crop_size: int ≤ min(H, W).
        seed: a `keras.random.SeedGenerator`.
        flip: bool.
        eigenvalues, eigenvectors: `(C,)` and `(C, C)` (columns), or None for no jitter.
        sigma: float σ of the α's.

    Returns:
        `(N, crop_size, crop_size, C)` float32 tensor.

    Example:
    >>> import keras, numpy as np
    >>> x = np.arange(2 * 4 * 4 * 1, dtype="float32").reshape(2, 4, 4, 1)
    >>> y = augment(x, 3, keras.random.SeedGenerator(0), flip=False)
    >>> tuple(y.shape), bool(np.isin(np.asarray(y), x).all())
    ((2, 3, 3, 1), True)
    """
    images = ops.convert_to_tensor(images, "float32")
    count, height, width, channels = images.shape
    top = keras.random.randint((count,), 0, height - crop_size + 1, seed=seed)
    left = keras.random.randint((count,), 0, width - crop_size + 1, seed=seed)
    steps = ops.arange(crop_size)
    rows = ops.reshape(top[:, None] + steps[None, :], (count, crop_size, 1, 1))
    columns = ops.reshape(left[:, None] + steps[None, :], (count, 1, crop_size, 1))
    crops = ops.take_along_axis(images, rows, axis=1)  # (N, crop, W, C)
    crops = ops.take_along_axis(crops, columns, axis=2)  # (N, crop, crop, C)
    if flip:
        flips = keras.random.uniform((count,), seed=seed) < 0.5
        crops = ops.where(flips[:, None, None, None], ops.flip(crops, axis=1), crops)
    if eigenvalues is not None:
        alpha = keras.random.normal((count, channels), stddev=sigma, seed=seed)
        weights = alpha * ops.convert_to_tensor(eigenvalues, "float32")
        shift = ops.matmul(weights, ops.transpose(ops.convert_to_tensor(eigenvectors, "float32")))
        crops = crops + shift[:, None, None, :]
    return crops


def centre_crop(images, crop_size):
    """The crop a test image is judged on: crop_size × crop_size from the centre,
    starting at row (H − crop_size) // 2 and column (W − crop_size) // 2.

    Args:
        images: `(N, H, W, C)`. crop_size: int.

    Returns:
        `(N, crop_size, crop_size, C)` float32 tensor.

    Example:
    >>> import numpy as np
    >>> x = np.arange(25, dtype="float32").reshape(1, 5, 5, 1)
    >>> np.asarray(centre_crop(x, 2))[0, :, :, 0].tolist()
    [[6.0, 7.0], [11.0, 12.0]]
    """
    images = ops.convert_to_tensor(images, "float32")
    top = (images.shape[1] - crop_size) // 2
    left = (images.shape[2] - crop_size) // 2
    return images[:, top : top + crop_size, left : left + crop_size, :]


def ten_crops(images, crop_size):
    """KSH's ten test-time crops (§4.1): the four corner crops and the centre crop, then
    the same five mirrored; a test image's prediction is the mean of the ten.

    Order: top-left, top-right, bottom-left, bottom-right, centre (as `centre_crop`),
    then those five flipped horizontally, in the same order.

    Args:
        images: `(N, H, W, C)`. crop_size: int.

    Returns:
        `(10, N, crop_size, crop_size, C)` float32 tensor.

    Example:
    >>> import numpy as np
    >>> x = np.arange(9, dtype="float32").reshape(1, 3, 3, 1)
    >>> crops = np.asarray(ten_crops(x, 2))[:, 0, :, :, 0]
    >>> crops[1].tolist(), crops[6].tolist()  # top-right, and top-right mirrored
    ([[1.0, 2.0], [4.0, 5.0]], [[2.0, 1.0], [5.0, 4.0]])
    """
    images = ops.convert_to_tensor(images, "float32")
    height, width = images.shape[1], images.shape[2]
    bottom, right = height - crop_size, width - crop_size
    corners = [(0, 0), (0, right), (bottom, 0), (bottom, right)]
    crops = [images[:, t : t + crop_size, l : l + crop_size, :] for t, l in corners]
    crops.append(centre_crop(images, crop_size))
    crops += [ops.flip(crop, axis=2) for crop in crops]
    return ops.stack(crops)
