"""Speed of the reference LSTMCell inside keras.layers.RNN against keras.layers.LSTM.

    python benchmarks/lstm_speed.py [--rounds 15] [--repeats 10]

Batch 64, 50 time steps, 32 inputs, 64 units, the same weights in both (Keras's kernel,
recurrent kernel and bias re-stacked into the fused kernel of eq. 3.11 and the notes'
gate order c̃, o, i, f; the outputs are checked equal first). Forward alone and forward
+ backward (gradients w.r.t. the input and every weight), each inside tf.function.
On a GPU keras.layers.LSTM switches to cuDNN and the gap is far wider; on CPU both run
the same generic RNN loop.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workshop.quiet import import_tensorflow  # noqa: E402

tf = import_tensorflow()
import keras  # noqa: E402
import numpy as np  # noqa: E402
from timing import print_table, timed  # noqa: E402

from solutions.lstm import LSTMCell  # noqa: E402
from workshop.grader.kinds.recurrent_runs import TWINS  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="alternating timing rounds")
    parser.add_argument("--repeats", type=int, default=10, help="calls per round")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    x = tf.constant(rng.standard_normal((64, 50, 32)).astype(np.float32))
    theirs = keras.layers.LSTM(64, return_sequences=True)
    theirs.build(x.shape)
    ours = keras.layers.RNN(LSTMCell(64), return_sequences=True)
    ours.build(x.shape)
    _, to_cell_weights = TWINS["LSTM"]
    ours.set_weights(to_cell_weights(*theirs.get_weights()))
    np.testing.assert_allclose(ours(x), theirs(x), rtol=1e-5, atol=1e-5)

    pairs = [
        (
            "LSTMCell in RNN, 64x50x32 -> 64",
            "keras.layers.LSTM",
            timed(ours, x, ours.trainable_weights, args.repeats),
            timed(theirs, x, theirs.trainable_weights, args.repeats),
        )
    ]
    print_table(pairs, args.rounds, args.repeats)


if __name__ == "__main__":
    main()
