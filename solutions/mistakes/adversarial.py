"""Wrong adversarial attacks and objectives, one realistic mistake each."""

import tensorflow as tf
from keras import ops

from solutions.adversarial import cross_entropy, fgsm
from solutions.mistakes import known


def _gradient(model, images, labels, training=False):
    images = tf.convert_to_tensor(images, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(images)
        loss = cross_entropy(model, images, labels, training=training)
    return images, tape.gradient(loss, images)


def _clipped(adversarial, clip):
    return adversarial if clip is None else ops.clip(adversarial, clip[0], clip[1])


@known(
    "2.9",
    "descent",
    "the step goes down the gradient: the attack adds ε·sign(∇ₓJ), raising the loss",
    replaces="fgsm",
)
def descending_fgsm(model, images, labels, epsilon, clip=(0.0, 1.0)):
    images, gradient = _gradient(model, images, labels)
    return _clipped(images - epsilon * ops.sign(gradient), clip)


@known(
    "2.9",
    "unsigned",
    "the gradient itself, not its sign: every pixel moves by exactly ε, ε·sign(∇ₓJ)",
    replaces="fgsm",
)
def unsigned_fgsm(model, images, labels, epsilon, clip=(0.0, 1.0)):
    images, gradient = _gradient(model, images, labels)
    return _clipped(images + epsilon * gradient, clip)


@known(
    "2.9",
    "normalised",
    "the gradient scaled to length ε (the L2 fast gradient method): FGSM moves every "
    "pixel by ε along the gradient's sign",
    replaces="fgsm",
)
def normalised_fgsm(model, images, labels, epsilon, clip=(0.0, 1.0)):
    images, gradient = _gradient(model, images, labels)
    norm = ops.sqrt(ops.sum(ops.square(gradient), axis=(1, 2, 3), keepdims=True)) + 1e-12
    return _clipped(images + epsilon * gradient / norm, clip)


@known(
    "2.9",
    "not-clipped",
    "not clipped: the adversarial image must stay a valid image, "
    "ops.clip(x̃, low, high) with the `clip` given",
    replaces="fgsm",
)
def unclipped_fgsm(model, images, labels, epsilon, clip=(0.0, 1.0)):
    return fgsm(model, images, labels, epsilon, clip=None)


@known(
    "2.9",
    "always-clipped",
    "clipped to [0, 1] whatever `clip` says: use the range given, and none for clip=None",
    replaces="fgsm",
)
def fixed_clip_fgsm(model, images, labels, epsilon, clip=(0.0, 1.0)):
    return fgsm(model, images, labels, epsilon, clip=(0.0, 1.0))


@known(
    "2.9",
    "predicted-labels",
    "the model's prediction used as the label: the attack raises the loss of the true labels y",
    replaces="fgsm",
)
def predicted_label_fgsm(model, images, labels, epsilon, clip=(0.0, 1.0)):
    predicted = ops.argmax(model(ops.convert_to_tensor(images, "float32")), axis=-1)
    return fgsm(model, images, predicted, epsilon, clip)


@known(
    "2.9",
    "training-mode",
    "the model run in training mode (dropout on): attack the model as it predicts, "
    "cross_entropy(model, x, y) with training=False",
    replaces="fgsm",
    diagnosed=False,  # dropout draws afresh on every run: no two runs agree to be named
)
def training_mode_fgsm(model, images, labels, epsilon, clip=(0.0, 1.0)):
    images, gradient = _gradient(model, images, labels, training=True)
    return _clipped(images + epsilon * ops.sign(gradient), clip)


@known(
    "2.10",
    "alpha-swapped",
    "α on the adversarial term: α weighs the clean loss, (1 − α) the attack's",
    replaces="adversarial_loss",
)
def swapped_alpha_loss(model, images, labels, epsilon, alpha=0.5, training=True):
    perturbed = ops.stop_gradient(fgsm(model, images, labels, epsilon))
    clean = cross_entropy(model, images, labels, training=training)
    attacked = cross_entropy(model, perturbed, labels, training=training)
    return (1.0 - alpha) * clean + alpha * attacked


@known(
    "2.10",
    "attack-only",
    "only the attack's loss: the objective keeps α of the clean loss too",
    replaces="adversarial_loss",
)
def attack_only_loss(model, images, labels, epsilon, alpha=0.5, training=True):
    perturbed = ops.stop_gradient(fgsm(model, images, labels, epsilon))
    return cross_entropy(model, perturbed, labels, training=training)


@known(
    "2.10",
    "attack-unclipped",
    "the adversarial images not clipped to [0, 1]: make them with fgsm as it is, clip included",
    replaces="adversarial_loss",
)
def unclipped_attack_loss(model, images, labels, epsilon, alpha=0.5, training=True):
    perturbed = ops.stop_gradient(fgsm(model, images, labels, epsilon, clip=None))
    clean = cross_entropy(model, images, labels, training=training)
    attacked = cross_entropy(model, perturbed, labels, training=training)
    return alpha * clean + (1.0 - alpha) * attacked


@known(
    "2.10",
    "attack-held-fixed",
    "the attack's loss held fixed: only the adversarial images are constants "
    "(stop_gradient on fgsm's output); the loss on them must pass its gradient to the "
    "weights, or training learns nothing from the attack",
    replaces="adversarial_loss",
)
def attack_held_fixed_loss(model, images, labels, epsilon, alpha=0.5, training=True):
    perturbed = ops.stop_gradient(fgsm(model, images, labels, epsilon))
    clean = cross_entropy(model, images, labels, training=training)
    attacked = ops.stop_gradient(cross_entropy(model, perturbed, labels, training=training))
    return alpha * clean + (1.0 - alpha) * attacked
