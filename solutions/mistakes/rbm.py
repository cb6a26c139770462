"""Wrong RBMs, one realistic mistake each."""

import keras
from keras import ops

from solutions.mistakes import known
from solutions.rbm import RBM

register = keras.saving.register_keras_serializable(package="mistakes")


@known(
    "3.5",
    "negative-phase-sign",
    "negative phase added: CD is positive minus negative statistics, ⟨v p(h|v)⟩_data − "
    "⟨v_k p(h|v_k)⟩",
)
@register
class NegativePhaseAddedRBM(RBM):
    """Positive plus negative statistics: the negative phase's sign flipped."""

    def contrastive_divergence(self, v, k=1, seed=None, start=None):
        grads, chain = super().contrastive_divergence(v, k, seed, start)
        positive = self.hidden_probs(v)
        v = ops.convert_to_tensor(v, "float32")
        batch = ops.cast(ops.shape(v)[0], "float32")
        negative = self.hidden_probs(chain)
        return {
            "kernel": (
                ops.matmul(ops.transpose(v), positive) + ops.matmul(ops.transpose(chain), negative)
            )
            / batch,
            "visible_bias": ops.mean(v + chain, axis=0),
            "hidden_bias": ops.mean(positive + negative, axis=0),
        }, chain


@known(
    "3.5",
    "sampled-statistics",
    "binary hidden samples in the statistics: the convention here (Hinton's guide) "
    "drives the chain with samples but uses the probabilities p(h|v) in ⟨v h⟩ and ⟨h⟩",
)
@register
class SampledStatisticsRBM(RBM):
    """Binary hidden samples in the statistics, where the notes' convention (and
    Hinton's guide) use the probabilities p(h|v)."""

    def contrastive_divergence(self, v, k=1, seed=None, start=None):
        v = ops.convert_to_tensor(v, "float32")
        chain = v if start is None else ops.convert_to_tensor(start, "float32")
        h_data = self.sample_hidden(v, seed)
        h = h_data if start is None else self.sample_hidden(chain, seed)
        for step in range(k):
            chain = self.sample_visible(h, seed)
            h = self.sample_hidden(chain, seed)
        batch = ops.cast(ops.shape(v)[0], "float32")
        return {
            "kernel": (ops.matmul(ops.transpose(v), h_data) - ops.matmul(ops.transpose(chain), h))
            / batch,
            "visible_bias": ops.mean(v - chain, axis=0),
            "hidden_bias": ops.mean(h_data - h, axis=0),
        }, chain


@known(
    "3.5",
    "sampled-negative-phase",
    "binary hidden samples in the negative phase: use the probabilities p(h|v_k) there, "
    "as in the positive phase's p(h|v) (Hinton's guide)",
)
@register
class SampledNegativePhaseRBM(RBM):
    """The chain's end sampled once more, and those binary hidden states used in the
    negative statistics instead of p(h|v_k)."""

    def contrastive_divergence(self, v, k=1, seed=None, start=None):
        v = ops.convert_to_tensor(v, "float32")
        chain = v if start is None else ops.convert_to_tensor(start, "float32")
        for _ in range(k):
            chain = self.gibbs_step(chain, seed)
        batch = ops.cast(ops.shape(v)[0], "float32")
        positive = self.hidden_probs(v)
        negative = self.sample_hidden(chain, seed)
        return {
            "kernel": (
                ops.matmul(ops.transpose(v), positive) - ops.matmul(ops.transpose(chain), negative)
            )
            / batch,
            "visible_bias": ops.mean(v - chain, axis=0),
            "hidden_bias": ops.mean(positive - negative, axis=0),
        }, chain


@known(
    "3.5",
    "swapped-biases",
    "visible and hidden biases swapped: p(h|v) uses the hidden bias c, p(v|h) the visible bias b",
)
@register
class SwappedBiasesRBM(RBM):
    """The visible bias used for the hidden units and the other way round."""

    def hidden_probs(self, v):
        return ops.sigmoid(self.visible_bias + ops.matmul(v, self.kernel))

    def visible_probs(self, h):
        return ops.sigmoid(self.hidden_bias + ops.matmul(h, ops.transpose(self.kernel)))


@known("3.5", "transposed-weights", "W and Wᵀ exchanged: p(h|v) = σ(c + v W), p(v|h) = σ(b + h Wᵀ)")
@register
class TransposedWeightsRBM(RBM):
    """W and Wᵀ exchanged: p(h|v) must use v W, p(v|h) must use h Wᵀ."""

    def hidden_probs(self, v):
        return ops.sigmoid(self.hidden_bias + ops.matmul(v, ops.transpose(self.kernel)))

    def visible_probs(self, h):
        return ops.sigmoid(self.visible_bias + ops.matmul(h, self.kernel))


@known(
    "3.5",
    "free-energy-no-visible-bias",
    "free energy without its visible term: F(v) = −v b − Σ_j softplus(c_j + (v W)_j)",
)
@register
class FreeEnergyWithoutVisibleBiasRBM(RBM):
    """F(v) = −Σ_j softplus(c_j + (v W)_j), the −v b term missing."""

    def free_energy(self, v):
        return -ops.sum(ops.softplus(self.hidden_bias + ops.matmul(v, self.kernel)), axis=-1)


@known(
    "3.5",
    "noise-start",
    "the negative chain starts from noise: CD-k starts it at the data (or, for "
    "persistent CD, at the `start` given)",
)
@register
class NoiseStartRBM(RBM):
    """The negative chain restarted from random noise instead of from the data."""

    def contrastive_divergence(self, v, k=1, seed=None, start=None):
        if start is None:
            shape = ops.shape(ops.convert_to_tensor(v))
            start = ops.cast(keras.random.uniform(shape, seed=seed) < 0.5, "float32")
        return super().contrastive_divergence(v, k, seed, start)


@known("3.5", "u-greater-than-p", "`u > p` turns a unit on with probability 1 − p: use `u < p`")
@register
class UGreaterThanPRBM(RBM):
    """`u > p`: each unit turns on with probability 1 − p."""

    def sample_hidden(self, v, seed=None):
        p = self.hidden_probs(v)
        return ops.cast(keras.random.uniform(ops.shape(p), seed=seed) > p, "float32")

    def sample_visible(self, h, seed=None):
        p = self.visible_probs(h)
        return ops.cast(keras.random.uniform(ops.shape(p), seed=seed) > p, "float32")


@known("3.5", "forgetful-config", "get_config() forgets `n_hidden`", diagnosed=False)
@register
class ForgetfulConfigRBM(RBM):
    def get_config(self):
        config = super().get_config()
        del config["n_hidden"]
        return config


@known(
    "3.5",
    "hidden-probabilities-in-chain",
    "the chain passes p(h|v), not a sample: each Gibbs step samples h ~ p(h|v) (0 or 1), "
    "then v' ~ p(v|h) from it",
)
@register
class HiddenProbabilitiesChainRBM(RBM):
    def gibbs_step(self, v, seed=None):
        return self.sample_visible(self.hidden_probs(v), seed)


@known(
    "3.5",
    "kernel-not-averaged",
    "∂/∂W summed over the batch: like the biases' gradients it is averaged, vᵀ p(h|v) / batch",
)
@register
class KernelSummedRBM(RBM):
    def contrastive_divergence(self, v, k=1, seed=None, start=None):
        grads, chain = super().contrastive_divergence(v, k, seed, start)
        batch = ops.cast(ops.shape(ops.convert_to_tensor(v))[0], "float32")
        return dict(grads, kernel=grads["kernel"] * batch), chain
