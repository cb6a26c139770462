"""Shape arithmetic shared by the convolution and pooling layers.

This is not part of any exercise: the stubs and the solutions both import it, so the
student spends their time on `call`, not on argument checking.
"""


def pair(value, name):
    """Return `value` as a pair of positive ints; an int `n` becomes `(n, n)`."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value, value)
    try:
        first, second = value
    except (TypeError, ValueError):
        raise ValueError(
            f"`{name}` must be a positive int or a pair of positive ints. "
            f"Received: {name}={value!r}"
        ) from None
    for item in (first, second):
        if not isinstance(item, int) or isinstance(item, bool) or item < 1:
            raise ValueError(
                f"`{name}` must be a positive int or a pair of positive ints. "
                f"Received: {name}={value!r}"
            )
    return (first, second)


def valid_length(size, window, stride):
    """Output length of a 'valid' window sweep: floor((size - window) / stride) + 1.

    `None` (an unknown size) stays `None`. A window larger than the input gives 0.
    """
    if size is None:
        return None
    return max((size - window) // stride + 1, 0)
