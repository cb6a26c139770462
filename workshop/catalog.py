"""The exercises, in the order a student meets them, with their cases, hints and the
mistakes the grader knows by name."""

from .grader import rules
from .grader.exercise import Case, Mistake
from .grader.specs import (
    BOLTZMANN_POINTS,
    DBN_POINTS,
    RBM_POINTS,
    BpttExercise,
    LayerExercise,
    NetworkExercise,
    ProbeExercise,
)


def _mistakes(module, *entries, diagnosed=True):
    return tuple(
        Mistake(key, message, f"solutions.mistakes.{module}", attr, diagnosed)
        for key, attr, message in entries
    )


def _contract_mistakes(name, ready_made_message, config_key="strides"):
    """Right numbers, broken contract: each must fail its own contract check."""
    return _mistakes(
        "contract",
        ("float64", f"Float64{name}", "returns float64: keep the layer's float32"),
        (
            "numpy",
            f"Numpy{name}",
            "goes through NumPy: no gradient flows and it fails inside tf.function",
        ),
        ("forgetful-config", f"ForgetfulConfig{name}", f"get_config() forgets `{config_key}`"),
        (
            "unregistered",
            f"Unregistered{name}",
            "not registered with keras.saving: a saved model cannot find the class",
        ),
        diagnosed=False,
    ) + _mistakes(
        "ready_made", ("ready-made-op", f"ReadyMade{name}", ready_made_message), diagnosed=False
    )


CONV = LayerExercise(
    id="1.1",
    slug="conv",
    title="Conv2D: local receptive fields, shared weights and biases",
    section="notes §1.1–1.2",
    module="conv",
    name="Conv2D",
    cases=(
        Case({"filters": 20, "kernel_size": 5}, (1, 28, 28, 1)),
        Case({"filters": 4, "kernel_size": 3}, (2, 9, 7, 3)),
        Case({"filters": 3, "kernel_size": (2, 3), "strides": 2}, (2, 11, 8, 2)),
        Case({"filters": 2, "kernel_size": 3, "activation": "sigmoid"}, (3, 6, 5, 2)),
    ),
    banned_names=rules.CONVOLUTION_NAMES,
    banned_kernels=rules.CONVOLUTION_KERNELS,
    mistakes=_mistakes(
        "conv",
        (
            "flipped-kernel",
            "FlippedKernelConv2D",
            "flipped kernel: your output is a true convolution (kernel turned 180°); the notes' "
            "formula pairs w[l, m] with a[j+l, k+m], cross-correlation, no flip",
        ),
        (
            "transposed-field",
            "TransposedFieldConv2D",
            "rows and columns swapped: w[l, m] must meet a[j+l, k+m], with l down the rows "
            "(height) and m along the columns (width)",
        ),
        ("no-bias", "NoBiasConv2D", "bias missing: add the shared bias b of each feature map"),
        (
            "bias-per-position",
            "BiasPerPositionConv2D",
            "one bias per position: the notes share ONE bias per feature map, shape (filters,)",
        ),
        (
            "off-by-one",
            "OffByOneConv2D",
            "output one row and column too small: there are H - kh + 1 positions, not H - kh",
        ),
        (
            "stride-ignored",
            "StrideIgnoredConv2D",
            "stride ignored: the field must move `strides` pixels at a time",
        ),
        (
            "no-activation",
            "NoActivationConv2D",
            "activation missing: apply self.activation (σ) after adding the bias",
        ),
    )
    + _contract_mistakes("Conv2D", "uses tf.nn.conv2d"),
    hints=(
        "Start from the notes' formula for one hidden neuron: b + Σ_l Σ_m w[l, m] a[j+l, k+m]. "
        "With channels, also sum over c, and do it for every feature map f at once.",
        "For a fixed (l, m), the values a[j+l, k+m] for all (j, k) form one slice of the input: "
        "inputs[:, l : l + H', m : m + W', :] (with a step of `stride`). Multiply it by "
        "kernel[l, m] (a (channels, filters) matrix) with keras.ops.matmul and add up over (l, m).",
        "out = bias; for l in range(kh): for m in range(kw): out += ops.matmul(inputs[:, l:l+(H'-1)*sh+1:sh, "
        "m:m+(W'-1)*sw+1:sw, :], kernel[l, m]); return activation(out). Faster: concatenate "
        "the slices along the last axis and do one matmul with the reshaped kernel.",
    ),
)

MAX_POOL = LayerExercise(
    id="1.2",
    slug="maxpool",
    title="MaxPool2D: max pooling",
    section="notes §1.3",
    module="pooling",
    name="MaxPool2D",
    cases=(
        Case({}, (1, 24, 24, 20)),
        Case({"pool_size": 2}, (2, 7, 9, 3)),
        Case({"pool_size": (3, 2), "strides": (2, 1)}, (2, 9, 8, 2)),
        Case({"pool_size": 3, "strides": 1}, (1, 6, 5, 4)),
    ),
    banned_names=rules.POOLING_NAMES | rules.CONVOLUTION_NAMES,
    banned_kernels=rules.POOLING_KERNELS | rules.CONVOLUTION_KERNELS,
    has_weights=False,
    mistakes=_mistakes(
        "pooling",
        (
            "window-sum",
            "SumMaxPool2D",
            "window sum: max pooling takes the largest value, not the sum",
        ),
        (
            "window-mean",
            "MeanMaxPool2D",
            "window average: that is average pooling; max pooling takes the largest value",
        ),
        (
            "stride-one",
            "StrideOneMaxPool2D",
            "windows moved one pixel at a time: use `strides` (by default the pool size, so windows do not overlap)",
        ),
        (
            "off-by-one",
            "OffByOneMaxPool2D",
            "output one row and column too small: there are floor((H - ph) / s) + 1 windows",
        ),
    )
    + _contract_mistakes("MaxPool2D", "uses keras.ops.max_pool"),
    hints=(
        "For a fixed offset (p, q) inside the window, x[:, s·i + p, s·j + q, :] for all (i, j) is one "
        "strided slice of the input.",
        "Take the slices for every (p, q) of the window; the output is their element-wise maximum "
        "(keras.ops.maximum), or ops.max of them stacked on a new axis.",
        "out = None; for p in range(ph): for q in range(pw): s = inputs[:, p:p+(H'-1)*sh+1:sh, "
        "q:q+(W'-1)*sw+1:sw, :]; out = s if out is None else ops.maximum(out, s).",
    ),
)

L2_POOL = LayerExercise(
    id="1.3",
    slug="l2pool",
    title="L2Pool2D: L2 pooling",
    section="notes §1.3",
    module="pooling",
    name="L2Pool2D",
    cases=MAX_POOL.cases + (Case({"pool_size": 2}, (2, 8, 8, 3), zero_window=True),),
    banned_names=rules.POOLING_NAMES | rules.CONVOLUTION_NAMES,
    banned_kernels=rules.POOLING_KERNELS | rules.CONVOLUTION_KERNELS,
    has_weights=False,
    mistakes=_mistakes(
        "pooling",
        (
            "mean",
            "MeanL2Pool2D",
            "average pooling: L2 pooling squares, sums and takes the square root",
        ),
        ("no-sqrt", "NoRootL2Pool2D", "square root missing: you return the sum of squares"),
        (
            "rms",
            "RootMeanSquareL2Pool2D",
            "divided by the window size: the notes take the root of the SUM of squares, not the mean",
        ),
        ("max", "MaxL2Pool2D", "max pooling: L2 pooling is sqrt(Σ x²) over the window"),
        (
            "stride-one",
            "StrideOneL2Pool2D",
            "windows moved one pixel at a time: use `strides` (by default the pool size, so windows do not overlap)",
        ),
        (
            "nan-gradient",
            "UnguardedL2Pool2D",
            "NaN gradient for an all-zero window: sqrt'(0) is infinite; take the root only where the "
            "sum is positive (ops.where twice) so the gradient there is 0",
        ),
    )
    + _contract_mistakes("L2Pool2D", "uses keras.ops.average_pool"),
    hints=(
        "The notes: the square root of the sum of the squares of the activations in the window.",
        "Same slices as max pooling: add up ops.square of each slice, then ops.sqrt of the total.",
        "sqrt has an infinite slope at 0: total > 0 picks the windows to root; use "
        "ops.where(pos, total, 1) inside the sqrt and ops.where(pos, root, 0) outside.",
    ),
)

NETWORK = NetworkExercise(
    id="1.4",
    slug="network",
    title="build_network: the Figure 4 network from your own layers",
    section="notes §1.3, Figure 4",
    module="network",
    name="build_network",
    cases=(
        Case({}, (2, 28, 28, 1)),
        Case({"hidden_units": ()}, (2, 28, 28, 1)),
        Case(
            {
                "conv_layers": ((20, 5), (40, 5)),
                "pool": "l2",
                "activation": "relu",
                "hidden_units": (30,),
            },
            (2, 28, 28, 1),
        ),
        Case({"conv_layers": (), "hidden_units": (30,)}, (2, 28, 28, 1)),
        Case(
            {
                "input_shape": (12, 10, 3),
                "conv_layers": ((4, 3),),
                "hidden_units": (8, 6),
                "num_classes": 5,
                "dropout": 0.5,
            },
            (3, 12, 10, 3),
        ),
    ),
    mistakes=_mistakes(
        "network",
        (
            "no-softmax",
            "no_softmax",
            "softmax missing: the last Dense layer needs activation='softmax' to give probabilities",
        ),
        (
            "no-pooling",
            "no_pooling",
            "pooling missing: every Conv2D is followed by a 2×2 pooling layer",
        ),
        (
            "linear-hidden",
            "linear_hidden",
            "hidden layers without activation: pass `activation` to each hidden Dense layer",
        ),
        (
            "dropout-ignored",
            "dropout_ignored",
            "dropout ignored: with dropout > 0 put keras.layers.Dropout before every Dense layer",
        ),
    )
    + _mistakes(
        "network",
        ("keras-layers", "keras_layers", "uses keras.layers.Conv2D and MaxPooling2D"),
        ("lambda-softmax", "lambda_softmax", "softmax in a Lambda layer: the model will not load"),
        ("returns-nothing", "returns_nothing", "forgets to return the model"),
        diagnosed=False,
    ),
    hints=(
        "Use the Keras functional API: x = keras.Input(shape=input_shape), then x = SomeLayer(...)(x) "
        "for each layer, and keras.Model(inputs, outputs) at the end.",
        "Loop over conv_layers: x = Conv2D(filters, kernel_size, activation=activation)(x); "
        "x = POOLS[pool](2)(x). Then keras.layers.Flatten(), and one keras.layers.Dense(units, "
        "activation=activation) per hidden layer.",
        "Dropout goes right before each Dense (hidden and output) when dropout > 0; the output layer is "
        "keras.layers.Dense(num_classes, activation='softmax').",
    ),
)

SIMPLE_RNN = LayerExercise(
    id="3.1",
    slug="rnn",
    title="SimpleRNNCell: one step of a tanh RNN",
    section="notes §3.1, eq. 3.1–3.2",
    module="rnn",
    name="SimpleRNNCell",
    cases=(
        Case({"units": 8}, (2, 5, 3)),
        Case({"units": 4}, (1, 9, 6)),
        Case({"units": 5}, (3, 1, 2)),
    ),
    banned_names=rules.RECURRENT_NAMES,
    banned_kernels=rules.RECURRENT_KERNELS,
    recurrent=True,
    keras_twin="SimpleRNN",
    mistakes=_mistakes(
        "recurrent",
        ("no-tanh", "NoTanhRNNCell", "tanh missing: h_t = tanh(b + h_{t-1} W + x_t U) (eq. 3.2)"),
        (
            "no-recurrence",
            "NoRecurrenceRNNCell",
            "h_{t-1} is never used: add h_{t-1} W, the recurrence of eq. 3.1",
        ),
        (
            "transposed-W",
            "TransposedRecurrenceRNNCell",
            "W transposed: with row vectors the recurrence is h_{t-1} @ W (the notes' W h is the "
            "column-vector form of the same thing)",
        ),
        ("two-biases", "TwoBiasesRNNCell", "a second bias: eq. 3.1 has one bias b, shape (units,)"),
        (
            "column-vectors",
            "ColumnVectorRNNCell",
            "h_t returned as (units, batch): Keras works with rows, (batch, units)",
        ),
    )
    + _contract_mistakes("SimpleRNNCell", "uses keras.layers.SimpleRNNCell", "units"),
    hints=(
        "states is a list with one tensor, h_{t-1} = states[0], of shape (batch, units).",
        "Row vectors: a = b + h_{t-1} @ W + x_t @ U, with ops.matmul; then h = ops.tanh(a).",
        "return h, [h]: the output of the step and the new list of states.",
    ),
)

BPTT = BpttExercise(
    id="3.2",
    slug="bptt",
    title="rnn_forward and bptt: backpropagation through time by hand",
    section="notes §3.1, eq. 3.1–3.4",
    module="rnn",
    name="bptt",
    cases=(
        Case({}, (2, 5, 3, 4, 3)),
        Case({}, (1, 1, 2, 3, 2)),
        Case({}, (3, 12, 4, 6, 5)),
    ),
    mistakes=(
        Mistake("no-carry", "BPTT without the gradient from later steps: ∂L/∂h(t) also gets "
                "δh(t+1) = ∂L/∂a(t+1) Wᵀ", "solutions.mistakes.bptt", "no_carry"),
        Mistake("tanh-derivative", "tanh'(a) is 1 − h², not 1 − h", "solutions.mistakes.bptt",
                "tanh_derivative"),
        Mistake("transposed-dW", "∂L/∂W transposed: it is Σ_t h(t−1)ᵀ ∂L/∂a(t)",
                "solutions.mistakes.bptt", "transposed_dW"),
        Mistake("no-h0-gradient", "∂L/∂h(0) missing: it is the δh carried out of step 1",
                "solutions.mistakes.bptt", "no_h0_gradient"),
        Mistake("ascent", "sign flipped: ∂L/∂o(t) = ŷ(t) − onehot, not onehot − ŷ(t)",
                "solutions.mistakes.bptt", "ascent"),
        Mistake("mean-loss", "loss averaged: the notes' L sums over time (and here over the batch)",
                "solutions.mistakes.bptt", "mean_loss"),
        Mistake("unsummed-bias", "∂L/∂b kept per example: sum ∂L/∂a(t) over the batch too",
                "solutions.mistakes.bptt", "unsummed_bias"),
        Mistake("softmax-over-time", "softmax over the time steps: normalise over the classes "
                "(the last axis)", "solutions.mistakes.bptt", "softmax_over_time",
                replaces="rnn_forward"),
        Mistake("forward-no-recurrence", "rnn_forward ignores h(t−1): a(t) = b + h(t−1) W + x(t) U",
                "solutions.mistakes.bptt", "no_recurrence", replaces="rnn_forward"),
    ),
    hints=(
        "rnn_forward: keep every h(t) and ŷ(t) in lists and np.stack them on axis 1 at the end.",
        "bptt: ∂L/∂o(t) = ŷ(t) − onehot(targets(t)); index with y_hat[rows, times, targets] to "
        "pick the probabilities of the targets.",
        "Loop t from T−1 down to 0 with a variable for δh from the later step (zeros at first); "
        "add each step's contribution to every gradient; what is left in δh at the end is ∂L/∂h0.",
    ),
)  # fmt: skip

LSTM = LayerExercise(
    id="3.3",
    slug="lstm",
    title="LSTMCell: gates, cell state and the fused weight of eq. 3.11",
    section="notes §3.2, eq. 3.5–3.13",
    module="lstm",
    name="LSTMCell",
    cases=(
        Case({"units": 8}, (2, 5, 3)),
        Case({"units": 3}, (1, 12, 4)),
        Case({"units": 6}, (3, 1, 2)),
    ),
    banned_names=rules.RECURRENT_NAMES,
    banned_kernels=rules.RECURRENT_KERNELS,
    recurrent=True,
    keras_twin="LSTM",
    mistakes=_mistakes(
        "recurrent",
        (
            "keras-gate-order",
            "KerasGateOrderLSTMCell",
            "gate blocks in Keras's order (i, f, c̃, o): the notes stack c̃, o, i, f (eq. 3.11)",
        ),
        (
            "forget-on-candidate",
            "ForgetOnCandidateLSTMCell",
            "forget and input gates swapped: c_t = f ⊙ c_{t-1} + i ⊙ c̃_t (eq. 3.12)",
        ),
        ("no-tanh-on-cell", "NoTanhOnCellLSTMCell", "tanh missing: h_t = o ⊙ tanh(c_t) (eq. 3.13)"),
        (
            "hidden-for-cell",
            "HiddenForCellLSTMCell",
            "h_{t-1} used where c_{t-1} belongs: the forget gate scales the old cell state",
        ),
        (
            "separate-weights",
            "SeparateWeightsLSTMCell",
            "one matrix per gate: this exercise uses the fused kernel of eq. 3.11, "
            "(input_dim + units, 4 * units), applied to [x_t, h_{t-1}]",
        ),
    )
    + _contract_mistakes("LSTMCell", "uses TensorFlow's fused LSTMBlockCell", "units"),
    hints=(
        "states = [h_{t-1}, c_{t-1}]. Concatenate [x_t, h_{t-1}] on the last axis and multiply by "
        "the kernel: z has shape (batch, 4 * units).",
        "ops.split(z, 4, axis=-1) gives the blocks in the notes' order c̃, o, i, f; tanh for c̃, "
        "sigmoid for the three gates.",
        "c = f * c_prev + i * c_tilde; h = o * ops.tanh(c); return h, [h, c].",
    ),
)

BOLTZMANN = ProbeExercise(
    id="3.4",
    slug="boltzmann",
    title="A Boltzmann machine: energy, exact probabilities and Gibbs sampling",
    section="notes §3.3, Figure 11",
    module="boltzmann",
    name="gibbs_sweep",
    names=("energy", "exact_probabilities", "gibbs_sweep"),
    probes="workshop.grader.probes.boltzmann",
    points=BOLTZMANN_POINTS,
    cases=(
        Case({"units": 3}, (5,)),
        Case({"units": 4}, (8,)),
        Case({"units": 6}, (3,)),
    ),
    mistakes=(
        Mistake("energy-double-counted", "every pair counted twice: E = −½ sᵀ W s − bᵀ s, the ½ "
                "because W holds each pair in both w_ij and w_ji", "solutions.mistakes.boltzmann",
                "energy_double_counted", replaces="energy"),
        Mistake("energy-sign", "energy with the wrong sign: E = −½ sᵀ W s − bᵀ s, so states the "
                "weights favour have low energy", "solutions.mistakes.boltzmann",
                "energy_sign_flipped", replaces="energy"),
        Mistake("unnormalised", "probabilities not divided by Z = Σ_s exp(−E(s)): they must sum "
                "to 1", "solutions.mistakes.boltzmann", "probabilities_unnormalised",
                replaces="exact_probabilities"),
        Mistake("exp-of-energy", "exp(+E) where exp(−E) belongs: p(s) = exp(−E(s)) / Z",
                "solutions.mistakes.boltzmann", "probabilities_of_energy",
                replaces="exact_probabilities"),
        Mistake("parallel-updates", "all units updated at once from the old state: a Gibbs sweep "
                "updates unit i from the others' current values, one unit after another",
                "solutions.mistakes.boltzmann", "sweep_in_parallel"),
        Mistake("u-greater-than-p", "`u > p` turns a unit on with probability 1 − p: use `u < p`",
                "solutions.mistakes.boltzmann", "sweep_turns_off_with_p"),
        Mistake("no-bias-in-sweep", "the bias is missing from the unit's input: "
                "p(s_i = 1 | s_−i) = σ(b_i + Σ_j w_ij s_j)", "solutions.mistakes.boltzmann",
                "sweep_without_bias"),
    ),
    hints=(
        "energy: with s of shape (n, K), s @ W is (n, K); multiply by s element-wise and sum "
        "over units for sᵀ W s per row; then −½ of that minus s @ b.",
        "exact_probabilities: e = −energy(all_states(K), W, b); e -= e.max(); p = np.exp(e); "
        "return p / p.sum().",
        "gibbs_sweep: s = np.array(s, dtype=float) (a copy); for i in range(K): field = b[i] + "
        "s @ W[:, i]; p = 1 / (1 + np.exp(-field)); s[:, i] = rng.random(len(s)) < p.",
    ),
)  # fmt: skip

RBM = ProbeExercise(
    id="3.5",
    slug="rbm",
    title="RBM: conditionals, free energy, Gibbs sampling and contrastive divergence",
    section="notes §3.3, Figure 12",
    module="rbm",
    name="RBM",
    names=("RBM",),
    probes="workshop.grader.probes.rbm",
    points=RBM_POINTS,
    cases=(
        Case({"n_hidden": 5}, (6, 8)),
        Case({"n_hidden": 4}, (3, 4)),
        Case({"n_hidden": 7}, (1, 3)),
    ),
    mistakes=_mistakes(
        "rbm",
        ("negative-phase-sign", "NegativePhaseAddedRBM", "negative phase added: CD is positive "
         "minus negative statistics, ⟨v p(h|v)⟩_data − ⟨v_k p(h|v_k)⟩"),
        ("sampled-statistics", "SampledStatisticsRBM", "binary hidden samples in the statistics: "
         "the convention here (Hinton's guide) drives the chain with samples but uses the "
         "probabilities p(h|v) in ⟨v h⟩ and ⟨h⟩"),
        ("swapped-biases", "SwappedBiasesRBM", "visible and hidden biases swapped: p(h|v) uses "
         "the hidden bias c, p(v|h) the visible bias b"),
        ("transposed-weights", "TransposedWeightsRBM", "W and Wᵀ exchanged: p(h|v) = σ(c + v W), "
         "p(v|h) = σ(b + h Wᵀ)"),
        ("free-energy-no-visible-bias", "FreeEnergyWithoutVisibleBiasRBM", "free energy without "
         "its visible term: F(v) = −v b − Σ_j softplus(c_j + (v W)_j)"),
        ("noise-start", "NoiseStartRBM", "the negative chain starts from noise: CD-k starts it "
         "at the data (or, for persistent CD, at the `start` given)"),
        ("u-greater-than-p", "UGreaterThanPRBM", "`u > p` turns a unit on with probability "
         "1 − p: use `u < p`"),
    )
    + _mistakes("rbm", ("forgetful-config", "ForgetfulConfigRBM", "get_config() forgets "
                "`n_hidden`"), diagnosed=False),
    hints=(
        "hidden_probs: ops.sigmoid(self.hidden_bias + ops.matmul(v, self.kernel)); "
        "visible_probs the same with ops.transpose(self.kernel) and the visible bias.",
        "sample_hidden: p = self.hidden_probs(v); return ops.cast(keras.random.uniform("
        "ops.shape(p), seed=seed) < p, 'float32'). gibbs_step: h = sample_hidden(v, seed); "
        "return sample_visible(h, seed).",
        "contrastive_divergence: chain = v (or start); k times chain = gibbs_step(chain, seed); "
        "then with P0 = hidden_probs(v), Pk = hidden_probs(chain): kernel (vᵀP0 − chainᵀPk)/n, "
        "visible_bias mean(v − chain), hidden_bias mean(P0 − Pk).",
    ),
)  # fmt: skip

DBN = ProbeExercise(
    id="3.6",
    slug="dbn",
    title="Deep belief network: greedy pre-training and a classifier from the RBMs",
    section="notes §3.3, Figure 13",
    module="dbn",
    name="greedy_pretrain",
    names=("greedy_pretrain", "build_classifier"),
    probes="workshop.grader.probes.dbn",
    points=DBN_POINTS,
    cases=(
        Case({"hidden_sizes": (5, 3), "num_classes": 4}, (6, 7)),
        Case({"hidden_sizes": (4,), "num_classes": 3}, (2, 5)),
        Case({"hidden_sizes": (6, 6, 2), "num_classes": 2}, (3, 4)),
    ),
    mistakes=(
        Mistake("every-rbm-on-data", "every RBM trained on the data: RBM l+1 learns from RBM l's "
                "hidden probabilities p(h|v)", "solutions.mistakes.dbn",
                "pretrain_every_rbm_on_the_data"),
        Mistake("rounded-features", "hidden probabilities rounded to 0/1 before the next RBM: "
                "feed p(h|v) itself", "solutions.mistakes.dbn", "pretrain_on_rounded_features"),
        Mistake("not-initialised", "the classifier's layers keep their random weights: copy each "
                "RBM's kernel and hidden bias into its Dense layer", "solutions.mistakes.dbn",
                "classifier_not_initialised", replaces="build_classifier"),
        Mistake("relu-layers", "ReLU layers: an RBM's features are σ(c + v W), so the layers are "
                "sigmoid", "solutions.mistakes.dbn", "classifier_with_relu",
                replaces="build_classifier"),
        Mistake("no-softmax", "no softmax on the top layer: the classifier outputs class "
                "probabilities", "solutions.mistakes.dbn", "classifier_without_softmax",
                replaces="build_classifier"),
    ),
    hints=(
        "greedy_pretrain: inputs = x; for each size: make RBM(size), build it on inputs.shape, "
        "fit_rbm(rbm, inputs), keep it, then inputs = rbm.hidden_probs(inputs).",
        "build_classifier: x = keras.Input((n_visible,)); for each RBM, layer = Dense(rbm.n_hidden, "
        "activation='sigmoid'); h = layer(h); then layer.set_weights([kernel, hidden_bias]).",
        "The top is keras.layers.Dense(num_classes, activation='softmax'); return "
        "keras.Model(inputs, outputs).",
    ),
)  # fmt: skip

EXERCISES = (CONV, MAX_POOL, L2_POOL, NETWORK, SIMPLE_RNN, BPTT, LSTM, BOLTZMANN, RBM, DBN)


def find(name):
    """The exercise with this id or slug ("1.1" or "conv"), or None."""
    for exercise in EXERCISES:
        if name in (exercise.id, exercise.slug):
            return exercise
    return None
