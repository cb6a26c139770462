"""Exercise 1.1: a convolutional layer with local receptive fields and shared weights.

Only what a student writes: tests/splice.py lays it over the current stub."""


class Conv2D:
    def call(self, inputs):
        # Loops over output positions, einsum over the field: a different route from the
        # reference's im2col, to prove the grader accepts any correct implementation.
        kh, kw = self.kernel_size
        sh, sw = self.strides
        out_h = (inputs.shape[1] - kh) // sh + 1
        out_w = (inputs.shape[2] - kw) // sw + 1
        rows = []
        for j in range(out_h):
            row = []
            for k in range(out_w):
                field = inputs[:, j * sh : j * sh + kh, k * sw : k * sw + kw, :]
                row.append(ops.einsum("nlmc,lmcf->nf", field, self.kernel))
            rows.append(ops.stack(row, axis=1))
        return self.activation(ops.stack(rows, axis=1) + self.bias)
