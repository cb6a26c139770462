"""Exercise 2.5: KSH's data augmentation: random crops, horizontal flips and PCA colour
jitter, and the crops a test image is judged on."""

import keras  # noqa: F401  (you will need it)
import numpy as np  # noqa: F401
from keras import ops  # noqa: F401


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
    # Exercise 2.5: the pixels as rows of C colours, np.cov, np.linalg.eigh; sort the
    # eigenvalues descending (and their columns with them), fix each column's sign.
    raise NotImplementedError("Exercise 2.5: pca_colour_basis")


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
    # Exercise 2.5: the draws in the docstring's order; per-image crops (ops.take_along_axis
    # along the rows, then the columns), the flips (ops.where), then the colour shift.
    raise NotImplementedError("Exercise 2.5: augment")


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
    # Exercise 2.5: a slice from row (H - crop_size) // 2 and column (W - crop_size) // 2.
    raise NotImplementedError("Exercise 2.5: centre_crop")


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
    # Exercise 2.5: the four corners, the centre, then the five mirrored (ops.flip on the
    # width axis); ops.stack the ten.
    raise NotImplementedError("Exercise 2.5: ten_crops")
