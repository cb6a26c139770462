"""Exercise 3.3: the LSTM cell.

Only what a student writes: tests/splice.py lays it over the current stub."""


class LSTMCell:
    def call(self, inputs, states):
        # Two products (x part and h part of the kernel) and slices instead of one
        # product on the concatenation and ops.split.
        h_previous, c_previous = states
        n, d = self.units, inputs.shape[-1]
        z = (
            ops.matmul(inputs, self.kernel[:d])
            + ops.matmul(h_previous, self.kernel[d:])
            + self.bias
        )
        c_tilde = ops.tanh(z[:, :n])
        o, i, f = (ops.sigmoid(z[:, k * n : (k + 1) * n]) for k in (1, 2, 3))
        c = i * c_tilde + f * c_previous
        return o * ops.tanh(c), [o * ops.tanh(c), c]
