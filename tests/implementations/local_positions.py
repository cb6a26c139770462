"""Exercise 2.1: a locally connected layer, LRMD's untied local filters.

Only what a student writes: tests/splice.py lays it over the current stub."""


class LocallyConnected2D:
    def call(self, inputs):
        # One matmul per output position, in plain loops: another route than the
        # reference's gather and einsum.
        kh, kw = self.kernel_size
        sh, sw = self.strides
        out_h, out_w = self.kernel.shape[0], self.kernel.shape[1]
        rows = []
        for j in range(out_h):
            row = []
            for k in range(out_w):
                field = inputs[:, j * sh : j * sh + kh, k * sw : k * sw + kw, :]
                flat = ops.reshape(field, (-1, kh * kw * inputs.shape[-1]))
                row.append(ops.matmul(flat, self.kernel[j, k]) + self.bias[j, k])
            rows.append(ops.stack(row, axis=1))
        return self.activation(ops.stack(rows, axis=1))
