# exercise: rbm (3.5)
# family: random draws in another order or from the wrong distribution
# mistake: Your Gibbs step reconstructs v from the hidden probabilities instead of a binary hidden sample: the hidden draw is skipped and the draws that follow shift.
"""Exercise 3.5: the restricted Boltzmann machine and contrastive divergence."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="exercises")
class RBM(keras.layers.Layer):
    """A restricted Boltzmann machine with binary units (notes §3.3, Figure 12).

    Visible units v and hidden units h, connected only across the two layers:

        E(v, h) = −v b − h c − v W hᵀ          (row vectors; b visible, c hidden bias)
        p(h_j = 1 | v) = σ(c_j + (v W)_j)       (the hidden units are independent given v)
        p(v_i = 1 | h) = σ(b_i + (h Wᵀ)_i)
        F(v) = −v b − Σ_j softplus(c_j + (v W)_j),   p(v) = exp(−F(v)) / Z

    Contrastive divergence (CD-k, Hinton 2002) estimates the log-likelihood's gradient
    as data statistics minus model statistics, the model's taken after k Gibbs steps:

        ∂ log p / ∂W ≈ ⟨vᵀ p(h|v)⟩_data − ⟨v_kᵀ p(h|v_k)⟩
        ∂ log p / ∂b ≈ ⟨v⟩_data − ⟨v_k⟩,   ∂ log p / ∂c ≈ ⟨p(h|v)⟩_data − ⟨p(h|v_k)⟩

    averaged over the batch. The chain runs on binary samples; the statistics use the
    hidden *probabilities* p(h|v) (less noise, same expectation), and the binary v_k.

    Random draws (so that the grader can give you and the reference the same ones):
    every sample is `ops.cast(keras.random.uniform(ops.shape(p), seed=seed) < p,
    "float32")`, one call per sample, where `seed` is the argument passed in: a
    `keras.random.SeedGenerator`, which gives new draws at every call (an int seed would
    repeat the same draws). In a Gibbs step the hidden sample is drawn first. The draws
    are float32, and so must p be: `u < p` fails on a float64 p, which NumPy input
    (float64 by default) gives unless converted, `ops.convert_to_tensor(v, "float32")`.

    Args:
        n_hidden: int. Number of hidden units.

    Weights:
        kernel: `(n_visible, n_hidden)`, W.
        visible_bias: `(n_visible,)`, b.
        hidden_bias: `(n_hidden,)`, c.

    Call arguments:
        inputs: `(batch, n_visible)`, v in [0, 1].

    Output shape: `(batch, n_hidden)`, p(h = 1 | v): the features the RBM gives a
    classifier or the next RBM of a deep belief network.

    Example:
    >>> import numpy as np
    >>> rbm = RBM(3)
    >>> tuple(rbm(np.zeros((2, 5))).shape)
    (2, 3)
    >>> draws = keras.random.SeedGenerator(0)
    >>> v = np.ones((2, 5), dtype="float32")
    >>> grads, chain_end = rbm.contrastive_divergence(v, k=1, seed=draws)
    >>> sorted(grads), tuple(chain_end.shape)
    (['hidden_bias', 'kernel', 'visible_bias'], (2, 5))
    """

    def __init__(self, n_hidden, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(n_hidden, int) or isinstance(n_hidden, bool) or n_hidden < 1:
            raise ValueError(f"`n_hidden` must be a positive int. Received: n_hidden={n_hidden!r}")
        self.n_hidden = n_hidden

    def build(self, input_shape):
        n_visible = input_shape[-1]
        self.kernel = self.add_weight(
            name="kernel",
            shape=(n_visible, self.n_hidden),
            initializer=keras.initializers.RandomNormal(stddev=0.01),
        )
        self.visible_bias = self.add_weight(
            name="visible_bias", shape=(n_visible,), initializer="zeros"
        )
        self.hidden_bias = self.add_weight(
            name="hidden_bias", shape=(self.n_hidden,), initializer="zeros"
        )

    def call(self, inputs):
        return self.hidden_probs(inputs)

    def hidden_probs(self, v):
        """p(h = 1 | v) = σ(c + v W): `(batch, n_visible)` -> `(batch, n_hidden)`."""
        return ops.sigmoid(self.hidden_bias + ops.matmul(v, self.kernel))

    def visible_probs(self, h):
        """p(v = 1 | h) = σ(b + h Wᵀ): `(batch, n_hidden)` -> `(batch, n_visible)`."""
        return ops.sigmoid(self.visible_bias + ops.matmul(h, ops.transpose(self.kernel)))

    def sample_hidden(self, v, seed=None):
        """A binary sample of h given v (one uniform draw, see the class docstring)."""
        p = self.hidden_probs(v)
        return ops.cast(keras.random.uniform(ops.shape(p), seed=seed) < p, "float32")

    def sample_visible(self, h, seed=None):
        """A binary sample of v given h (one uniform draw)."""
        p = self.visible_probs(h)
        return ops.cast(keras.random.uniform(ops.shape(p), seed=seed) < p, "float32")

    def free_energy(self, v):
        """F(v) = −v b − Σ_j softplus(c_j + (v W)_j): `(batch, n_visible)` -> `(batch,)`."""
        visible_term = ops.matmul(v, self.visible_bias[:, None])[:, 0]
        hidden_term = ops.sum(ops.softplus(self.hidden_bias + ops.matmul(v, self.kernel)), axis=-1)
        return -visible_term - hidden_term

    def gibbs_step(self, v, seed=None):
        """v -> h ~ p(h|v) -> v' ~ p(v|h); returns the binary v'. The hidden sample is
        drawn first, both with `seed`."""
        h = self.hidden_probs(v)
        return self.sample_visible(h, seed)

    def contrastive_divergence(self, v, k=1, seed=None, start=None):
        """CD-k estimates of ∂ log p(v) / ∂(W, b, c), averaged over the batch.

        The negative chain starts at `start` (default: the data v, which is CD-k;
        pass the previous chain end for persistent CD) and runs k Gibbs steps.

        Args:
            v: `(batch, n_visible)`, the data. k: int, Gibbs steps.
            seed: a `keras.random.SeedGenerator`, used by every draw.
            start: `(batch, n_visible)` or None.

        Returns:
            `(grads, chain_end)`: a dict with "kernel", "visible_bias" and
            "hidden_bias" (each the shape of its weight: positive minus negative
            statistics; add them to climb the likelihood) and v_k, `(batch, n_visible)`.
        """
        v = ops.convert_to_tensor(v, "float32")
        chain = v if start is None else ops.convert_to_tensor(start, "float32")
        for _ in range(k):
            chain = self.gibbs_step(chain, seed)
        batch = ops.cast(ops.shape(v)[0], "float32")
        positive = self.hidden_probs(v)  # (batch, n_hidden)
        negative = self.hidden_probs(chain)
        grads = {
            "kernel": (
                ops.matmul(ops.transpose(v), positive) - ops.matmul(ops.transpose(chain), negative)
            )
            / batch,
            "visible_bias": ops.mean(v - chain, axis=0),
            "hidden_bias": ops.mean(positive - negative, axis=0),
        }
        return grads, chain

    def get_config(self):
        config = super().get_config()
        config.update({"n_hidden": self.n_hidden})
        return config
