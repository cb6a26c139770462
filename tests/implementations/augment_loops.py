"""Exercise 2.5: KSH's data augmentation: random crops, horizontal flips and PCA colour
jitter, and the crops a test image is judged on.

Only what a student writes: tests/splice.py lays it over the current stub."""


def pca_colour_basis(images):
    # The covariance by hand from centred pixels, and a sort by the eigenvalues.
    pixels = np.asarray(images, dtype=float)
    pixels = pixels.reshape(-1, pixels.shape[-1])
    centred = pixels - pixels.mean(axis=0)
    covariance = centred.T @ centred / (len(pixels) - 1)
    values, vectors = np.linalg.eigh(covariance)
    order = sorted(range(len(values)), key=lambda i: -values[i])
    values = values[order]
    vectors = vectors[:, order]
    for i in range(vectors.shape[1]):
        if vectors[np.argmax(np.abs(vectors[:, i])), i] < 0:
            vectors[:, i] = -vectors[:, i]
    return values.astype("float32"), vectors.astype("float32")


def augment(images, crop_size, seed, flip=True, eigenvalues=None, eigenvectors=None, sigma=0.1):
    # One image at a time, with NumPy slicing, after drawing what the docstring says.
    x = np.asarray(images, dtype="float32")
    n, height, width, channels = x.shape
    top = np.asarray(keras.random.randint((n,), 0, height - crop_size + 1, seed=seed))
    left = np.asarray(keras.random.randint((n,), 0, width - crop_size + 1, seed=seed))
    out = np.stack(
        [x[i, top[i] : top[i] + crop_size, left[i] : left[i] + crop_size] for i in range(n)]
    )
    if flip:
        mirror = np.asarray(keras.random.uniform((n,), seed=seed)) < 0.5
        out[mirror] = out[mirror][:, :, ::-1]
    if eigenvalues is not None:
        alpha = np.asarray(keras.random.normal((n, channels), stddev=sigma, seed=seed))
        shift = np.einsum("nc,c,dc->nd", alpha, np.asarray(eigenvalues), np.asarray(eigenvectors))
        out = out + shift[:, None, None, :]
    return ops.convert_to_tensor(out, "float32")


def centre_crop(images, crop_size):
    x = np.asarray(images, dtype="float32")
    top, left = (x.shape[1] - crop_size) // 2, (x.shape[2] - crop_size) // 2
    return ops.convert_to_tensor(x[:, top : top + crop_size, left : left + crop_size])


def ten_crops(images, crop_size):
    x = np.asarray(images, dtype="float32")
    h, w = x.shape[1] - crop_size, x.shape[2] - crop_size
    five = [x[:, t : t + crop_size, l : l + crop_size] for t, l in ((0, 0), (0, w), (h, 0), (h, w))]
    five.append(np.asarray(centre_crop(x, crop_size)))
    return ops.convert_to_tensor(np.stack(five + [c[:, :, ::-1] for c in five]))
