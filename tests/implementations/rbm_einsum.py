"""Exercise 3.5: the restricted Boltzmann machine and contrastive divergence.

Only what a student writes: tests/splice.py lays it over the current stub."""


class RBM:
    def hidden_probs(self, v):
        return 1.0 / (1.0 + ops.exp(-(ops.einsum("bv,vh->bh", v, self.kernel) + self.hidden_bias)))

    def visible_probs(self, h):
        return 1.0 / (1.0 + ops.exp(-(ops.einsum("bh,vh->bv", h, self.kernel) + self.visible_bias)))

    def sample_hidden(self, v, seed=None):
        p = self.hidden_probs(v)
        u = keras.random.uniform(ops.shape(p), seed=seed)
        return ops.where(u < p, 1.0, 0.0)

    def sample_visible(self, h, seed=None):
        p = self.visible_probs(h)
        u = keras.random.uniform(ops.shape(p), seed=seed)
        return ops.where(u < p, 1.0, 0.0)

    def free_energy(self, v):
        pre = ops.einsum("bv,vh->bh", v, self.kernel) + self.hidden_bias
        return -ops.einsum("bv,v->b", v, self.visible_bias) - ops.sum(
            ops.logaddexp(0.0, pre), axis=1
        )

    def gibbs_step(self, v, seed=None):
        return self.sample_visible(self.sample_hidden(v, seed), seed)

    def contrastive_divergence(self, v, k=1, seed=None, start=None):
        data = ops.cast(v, "float32")
        chain = data if start is None else ops.cast(start, "float32")
        step = 0
        while step < k:
            chain = self.gibbs_step(chain, seed)
            step += 1
        p_data, p_model = self.hidden_probs(data), self.hidden_probs(chain)
        n = ops.cast(ops.shape(data)[0], "float32")
        kernel = (
            ops.einsum("bv,bh->vh", data, p_data) - ops.einsum("bv,bh->vh", chain, p_model)
        ) / n
        return (
            {
                "kernel": kernel,
                "visible_bias": ops.sum(data - chain, axis=0) / n,
                "hidden_bias": ops.sum(p_data - p_model, axis=0) / n,
            },
            chain,
        )
