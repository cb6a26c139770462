"""Training one LRMD layer (stack.py) without labels: Adam on its objective, the
decoding columns kept at norm ≤ 1 after every step."""

import keras
import numpy as np


def train_unsupervised(tf, layer, images, epochs, batch_size, learning_rate, lam, seed):
    """Adam on the objective; returns the per-epoch history as a list of dicts."""
    optimizer = keras.optimizers.Adam(learning_rate)
    weights = layer.weights

    @tf.function
    def step(batch):
        with tf.GradientTape() as tape:
            loss, error, sparsity = layer.objective(batch, lam)
        optimizer.apply_gradients(zip(tape.gradient(loss, weights), weights))
        layer.constrain()
        return loss, error, sparsity

    rng = np.random.default_rng(seed)
    history = []
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(images))
        sums = np.zeros(3)
        batches = 0
        for start in range(0, len(order) - batch_size + 1, batch_size):
            batch = tf.constant(images[order[start : start + batch_size]])
            sums += [float(v) for v in step(batch)]
            batches += 1
        loss, error, sparsity = sums / max(batches, 1)
        history.append(
            {"epoch": epoch, "objective": loss, "reconstruction": error, "pooling": sparsity}
        )
    return history
