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


def rnn_forward(x, h0, U, W, b, V, c):
    batch, steps, _ = np.shape(x)
    units, classes = np.shape(W)[0], np.shape(V)[1]
    h = np.empty((batch, steps, units))
    y_hat = np.empty((batch, steps, classes))
    state = np.array(h0, dtype=float)
    for t in range(steps):
        state = np.tanh(x[:, t] @ U + state @ W + b)
        logits = state @ V + c
        shifted = logits - logits.max(-1, keepdims=True)
        y_hat[:, t] = np.exp(shifted - np.log(np.exp(shifted).sum(-1, keepdims=True)))
        h[:, t] = state
    return h, y_hat


def bptt(x, targets, h0, U, W, b, V, c):
    h, y_hat = rnn_forward(x, h0, U, W, b, V, c)
    onehot = np.eye(y_hat.shape[-1])[targets]
    loss = -float(np.sum(onehot * np.log(y_hat)))
    d_o = y_hat - onehot
    h_prev = np.concatenate([np.asarray(h0, dtype=float)[:, None], h[:, :-1]], axis=1)
    d_a = np.zeros_like(h)
    carried = np.zeros_like(h[:, 0])
    for t in range(h.shape[1] - 1, -1, -1):
        d_a[:, t] = (d_o[:, t] @ V.T + carried) * (1 - h[:, t] ** 2)
        carried = d_a[:, t] @ W.T
    grads = {
        "V": np.einsum("ntu,nto->uo", h, d_o),
        "c": d_o.sum(axis=(0, 1)),
        "U": np.einsum("nti,ntu->iu", x, d_a),
        "W": np.einsum("ntk,ntu->ku", h_prev, d_a),
        "b": d_a.sum(axis=(0, 1)),
        "h0": carried,
    }
    return loss, grads
