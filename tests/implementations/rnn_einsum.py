"""Exercises 3.1 and 3.2: the recurrent cell of a plain (Elman) RNN, and

Only what a student writes: tests/splice.py lays it over the current stub."""


class SimpleRNNCell:
    def call(self, inputs, states):
        # einsum instead of matmul, and the terms in another order.
        (h_previous,) = states
        recurrent = ops.einsum("bk,kj->bj", h_previous, self.W)
        external = ops.einsum("bi,ij->bj", inputs, self.U)
        h = ops.tanh(external + recurrent + self.b)
        return h, [h]
