"""Exercises 2.9 and 2.10: adversarial examples by the fast gradient sign method, and
adversarial training.

Only what a student writes: tests/splice.py lays it over the current stub."""


def fgsm(model, images, labels, epsilon, clip=(0.0, 1.0)):
    x = tf.Variable(tf.cast(images, tf.float32))
    with tf.GradientTape() as tape:
        loss = cross_entropy(model, x, labels)
    grad = tape.gradient(loss, x)
    out = x + epsilon * tf.sign(grad)
    if clip:
        low, high = clip
        out = tf.minimum(tf.maximum(out, low), high)
    return tf.convert_to_tensor(out)


def adversarial_loss(model, images, labels, epsilon, alpha=0.5, training=True):
    adv = tf.stop_gradient(fgsm(model, images, labels, epsilon))
    j_clean = cross_entropy(model, images, labels, training=training)
    j_adv = cross_entropy(model, adv, labels, training=training)
    return alpha * j_clean + (1 - alpha) * j_adv
