"""Exercise 1.1: a convolutional layer with local receptive fields and shared weights.

Only what a student writes: tests/splice.py lays it over the current stub."""


class Conv2D:
    def call(self, inputs):
        # One matrix product per offset (l, m) of the field, on a shifted view of the
        # input: another vectorisation than the reference's gathered receptive fields.
        kh, kw = self.kernel_size
        sh, sw = self.strides
        out_h = (inputs.shape[1] - kh) // sh + 1
        out_w = (inputs.shape[2] - kw) // sw + 1
        total = self.bias
        for l in range(kh):
            for m in range(kw):
                view = inputs[
                    :, l : l + sh * (out_h - 1) + 1 : sh, m : m + sw * (out_w - 1) + 1 : sw, :
                ]
                total = total + ops.matmul(view, self.kernel[l, m])
        return self.activation(total)
