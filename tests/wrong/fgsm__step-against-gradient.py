# exercise: fgsm (2.9)
# family: wrong loss/sign/activation/default
# mistake: You subtract ε·sign(∇ₓJ): that step lowers the loss; the attack adds it to raise the loss.
"""Exercises 2.9 and 2.10: adversarial examples by the fast gradient sign method, and
adversarial training."""

import keras
import tensorflow as tf
from keras import ops


def cross_entropy(model, images, labels, training=False):
    """J(θ, x, y): the mean of −log p_y over the batch, for a model whose output is the
    class probabilities (a softmax, as every network of this workshop). Given."""
    probabilities = model(images, training=training)
    labels = ops.convert_to_tensor(labels)
    return ops.mean(keras.losses.sparse_categorical_crossentropy(labels, probabilities))


def fgsm(model, images, labels, epsilon, clip=(0.0, 1.0)):
    """The fast gradient sign method (notes §2.4; Goodfellow et al. 2014, eq. 3):

        x̃ = clip(x + ε · sign(∇ₓ J(θ, x, y)))

    one step of size ε on every pixel, in the direction that increases the loss the
    model was trained with (`cross_entropy` above, on the *true* labels y, with the model
    in inference mode). The result is clipped to the valid pixel range `clip` (None: not
    clipped). Write it with `tf.GradientTape` (watch the images: they are not
    variables); no attack library.

    Args:
        model: a Keras model from images to class probabilities.
        images: `(B, H, W, C)` float array-like, pixels in [0, 1].
        labels: `(B,)` ints, the true classes.
        epsilon: float ≥ 0, the step (in the pixels' units: 0.25 is a quarter of the range).
        clip: (low, high), or None.

    Returns:
        `(B, H, W, C)` float32 tensor, the adversarial images.

    Example:
    >>> import numpy as np
    >>> model = keras.Sequential([keras.Input((2, 2, 1)), keras.layers.Flatten(),
    ...                           keras.layers.Dense(2, activation="softmax")])
    >>> model.set_weights([np.array([[1.0, -1.0]] * 4, "float32"), np.zeros(2, "float32")])
    >>> x = np.full((1, 2, 2, 1), 0.5, "float32")
    >>> fgsm(model, x, [0], 0.1).numpy().ravel().tolist()  # away from class 0
    [0.4000000059604645, 0.4000000059604645, 0.4000000059604645, 0.4000000059604645]
    """
    images = tf.convert_to_tensor(images, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(images)
        loss = cross_entropy(model, images, labels)
    adversarial = images - epsilon * ops.sign(tape.gradient(loss, images))
    if clip is not None:
        adversarial = ops.clip(adversarial, clip[0], clip[1])
    return adversarial


def adversarial_loss(model, images, labels, epsilon, alpha=0.5, training=True):
    """The adversarial objective (Goodfellow et al. 2014, eq. 6):

        J̃(θ, x, y) = α J(θ, x, y) + (1 − α) J(θ, x + ε sign(∇ₓ J(θ, x, y)), y)

    with the adversarial example made by `fgsm` (clipped to [0, 1]) and then held fixed:
    the gradient of J̃ with respect to θ flows through both loss terms, never through
    the attack (`ops.stop_gradient`; sign's gradient is zero, so none would pass anyway,
    but the stop says so and spares the work). Both terms call the model with `training`.

    Args:
        model, images, labels, epsilon: as for `fgsm`.
        alpha: float in [0, 1], the clean term's weight (the paper: 0.5).
        training: passed to the model in both terms (dropout on while training).

    Returns:
        A float32 scalar tensor (gradients reach the model's weights).

    Example:
    >>> import numpy as np
    >>> model = keras.Sequential([keras.Input((2, 2, 1)), keras.layers.Flatten(),
    ...                           keras.layers.Dense(2, activation="softmax")])
    >>> x, y = np.full((3, 2, 2, 1), 0.5, "float32"), np.array([0, 1, 0])
    >>> clean = float(cross_entropy(model, x, y))
    >>> bool(float(adversarial_loss(model, x, y, 0.1)) >= clean)  # the attack costs
    True
    """
    images = tf.convert_to_tensor(images, tf.float32)
    perturbed = ops.stop_gradient(fgsm(model, images, labels, epsilon))
    clean = cross_entropy(model, images, labels, training=training)
    attacked = cross_entropy(model, perturbed, labels, training=training)
    return alpha * clean + (1.0 - alpha) * attacked
