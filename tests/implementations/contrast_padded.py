"""Exercise 2.2: local contrast normalisation, as in LRMD's stack.

Only what a student writes: tests/splice.py lays it over the current stub."""


class LocalContrastNormalization:
    def call(self, inputs):
        # Explicit zero padding and shifted slices instead of the reference's ops.conv;
        # the weight inside the image from the same shifts of a NumPy mask.
        r = self.radius
        height, width = inputs.shape[1], inputs.shape[2]
        mask = np.pad(np.ones((height, width), np.float32), r)

        def window_mean(values):
            padded = ops.pad(values, [[0, 0], [r, r], [r, r], [0, 0]])
            total, weight = 0.0, np.zeros((height, width), np.float32)
            for p in range(2 * r + 1):
                for q in range(2 * r + 1):
                    total = total + self.window[p, q] * padded[:, p : p + height, q : q + width, :]
                    weight += self.window[p, q] * mask[p : p + height, q : q + width]
            return total / weight[None, :, :, None]

        v = inputs - window_mean(ops.mean(inputs, axis=-1, keepdims=True))
        variance = window_mean(ops.mean(v * v, axis=-1, keepdims=True))
        sigma = ops.where(variance > 0, ops.sqrt(ops.where(variance > 0, variance, 1.0)), 0.0)
        c = ops.mean(sigma, axis=(1, 2, 3), keepdims=True)
        return v / ops.maximum(ops.maximum(c, sigma), self.epsilon)
