"""The exercises, in the order a student meets them: what each grades, its cases, its
hints, and the grading kind (grader/kinds/) that runs and judges it. Known mistakes
live beside the reference, in solutions/mistakes/."""

from .grader import rules
from .grader.exercise import Case, Exercise
from .grader.kinds.bptt import BPTT as BPTT_KIND
from .grader.kinds.layer import LAYER, LayerOptions
from .grader.kinds.network import NETWORK as NETWORK_KIND
from .grader.kinds.network import NetworkOptions
from .grader.kinds.probe import PROBE, ProbeOptions

# The student's own layers the network exercise must use: its `pool` -> (module, class).
OWN_LAYERS = {
    "conv": ("conv", "Conv2D"),
    "max": ("pooling", "MaxPool2D"),
    "l2": ("pooling", "L2Pool2D"),
}


CONV = Exercise(
    id="1.1",
    slug="conv",
    title="Conv2D: local receptive fields, shared weights and biases",
    section="notes §1.1–1.2",
    module="conv",
    name="Conv2D",
    kind=LAYER,
    options=LayerOptions(
        banned_names=rules.CONVOLUTION_NAMES,
        allowed_ops=rules.HAND_WRITTEN_OPS,
    ),
    cases=(
        Case({"filters": 20, "kernel_size": 5}, (1, 28, 28, 1)),
        Case({"filters": 4, "kernel_size": 3}, (2, 9, 7, 3)),
        Case({"filters": 3, "kernel_size": (2, 3), "strides": 2}, (2, 11, 8, 2)),
        Case({"filters": 2, "kernel_size": 3, "activation": "sigmoid"}, (3, 6, 5, 2)),
    ),
    hints=(
        "Start from the notes' formula for one hidden neuron: b + Σ_l Σ_m w[l, m] a[j+l, k+m]. "
        "With channels, also sum over c, and do it for every feature map f at once.",
        "For a fixed (l, m), the values a[j+l, k+m] for all (j, k) form one slice of the input: "
        "inputs[:, l : l + H', m : m + W', :] (with a step of `stride`). Multiply it by "
        "kernel[l, m] (a (channels, filters) matrix) with keras.ops.matmul and add up over (l, m).",
        "out = bias; for l in range(kh): for m in range(kw): "
        "out += ops.matmul(inputs[:, l:l+(H'-1)*sh+1:sh, "
        "m:m+(W'-1)*sw+1:sw, :], kernel[l, m]); return activation(out). Faster: concatenate "
        "the slices along the last axis and do one matmul with the reshaped kernel.",
    ),
)

MAX_POOL = Exercise(
    id="1.2",
    slug="maxpool",
    title="MaxPool2D: max pooling",
    section="notes §1.3",
    module="pooling",
    name="MaxPool2D",
    kind=LAYER,
    options=LayerOptions(
        banned_names=rules.POOLING_NAMES | rules.CONVOLUTION_NAMES,
        allowed_ops=rules.HAND_WRITTEN_OPS,
        has_weights=False,
    ),
    cases=(
        Case({}, (1, 24, 24, 20)),
        Case({"pool_size": 2}, (2, 7, 9, 3)),
        Case({"pool_size": (3, 2), "strides": (2, 1)}, (2, 9, 8, 2)),
        Case({"pool_size": 3, "strides": 1}, (1, 6, 5, 4)),
    ),
    hints=(
        "For a fixed offset (p, q) inside the window, x[:, s·i + p, s·j + q, :] for all (i, j) "
        "is one "
        "strided slice of the input.",
        "Take the slices for every (p, q) of the window; the output is their element-wise maximum "
        "(keras.ops.maximum), or ops.max of them stacked on a new axis.",
        "out = None; for p in range(ph): for q in range(pw): s = inputs[:, p:p+(H'-1)*sh+1:sh, "
        "q:q+(W'-1)*sw+1:sw, :]; out = s if out is None else ops.maximum(out, s).",
    ),
)

L2_POOL = Exercise(
    id="1.3",
    slug="l2pool",
    title="L2Pool2D: L2 pooling",
    section="notes §1.3",
    module="pooling",
    name="L2Pool2D",
    kind=LAYER,
    options=LayerOptions(
        banned_names=rules.POOLING_NAMES | rules.CONVOLUTION_NAMES,
        allowed_ops=rules.HAND_WRITTEN_OPS,
        has_weights=False,
    ),
    cases=MAX_POOL.cases + (Case({"pool_size": 2}, (2, 8, 8, 3), zero_window=True),),
    hints=(
        "The notes: the square root of the sum of the squares of the activations in the window.",
        "Same slices as max pooling: add up ops.square of each slice, then ops.sqrt of the total.",
        "sqrt has an infinite slope at 0: total > 0 picks the windows to root; use "
        "ops.where(pos, total, 1) inside the sqrt and ops.where(pos, root, 0) outside.",
    ),
)

NETWORK = Exercise(
    id="1.4",
    slug="network",
    title="build_network: the Figure 4 network from your own layers",
    section="notes §1.3, Figure 4",
    module="network",
    name="build_network",
    kind=NETWORK_KIND,
    options=NetworkOptions(own_layers=OWN_LAYERS),
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
    hints=(
        "Use the Keras functional API: x = keras.Input(shape=input_shape), then "
        "x = SomeLayer(...)(x) "
        "for each layer, and keras.Model(inputs, outputs) at the end.",
        "Loop over conv_layers: x = Conv2D(filters, kernel_size, activation=activation)(x); "
        "x = POOLS[pool](2)(x). Then keras.layers.Flatten(), and one keras.layers.Dense(units, "
        "activation=activation) per hidden layer.",
        "Dropout goes right before each Dense (hidden and output) when dropout > 0; "
        "the output layer is "
        "keras.layers.Dense(num_classes, activation='softmax').",
    ),
)

LOCAL = Exercise(
    id="2.1",
    slug="local",
    title="LocallyConnected2D: LRMD's untied local filters",
    section="notes §2.1; Le et al. 2012, §3",
    module="local",
    name="LocallyConnected2D",
    kind=LAYER,
    options=LayerOptions(
        banned_names=rules.LOCALLY_CONNECTED_NAMES,
        allowed_ops=rules.HAND_WRITTEN_OPS,
    ),
    cases=(
        Case({"filters": 8, "kernel_size": 5}, (1, 12, 12, 1)),
        Case({"filters": 4, "kernel_size": 3}, (2, 7, 6, 2)),
        Case({"filters": 3, "kernel_size": (2, 3), "strides": 2}, (2, 9, 8, 3)),
        Case({"filters": 2, "kernel_size": 3, "activation": "sigmoid"}, (3, 6, 5, 2)),
    ),
    hints=(
        "Start from Exercise 1.1: the receptive field of position (j, k) is "
        "inputs[:, s·j : s·j + kh, s·k : s·k + kw, :]. What changes is only which weights "
        "multiply it: kernel[j, k], a (kh * kw * in_channels, filters) matrix of its own.",
        "Gather every field at once: for each offset (l, m) the strided slice "
        "inputs[:, l : l + sh·(H'-1) + 1 : sh, m : m + sw·(W'-1) + 1 : sw, :]; stack the "
        "kh·kw slices on a new axis 3 and reshape to (batch, H', W', kh * kw * channels), "
        "so the vector runs (l, m, c).",
        "z = ops.einsum('nhwk,hwkf->nhwf', fields, self.kernel) + self.bias; "
        "return self.activation(z).",
    ),
)

CONTRAST = Exercise(
    id="2.2",
    slug="contrast",
    title="LocalContrastNormalization: subtractive and divisive, borders included",
    section="notes §2.1; Jarrett et al. 2009, §2",
    module="contrast",
    name="LocalContrastNormalization",
    kind=LAYER,
    options=LayerOptions(
        banned_names=rules.NORMALISATION_NAMES,
        # A blur is a convolution: not this exercise's lesson.
        allowed_ops=rules.HAND_WRITTEN_OPS | rules.CONVOLUTION_OPS,
        has_weights=False,
        forgotten_key="sigma",
    ),
    cases=(
        Case({}, (1, 12, 12, 1)),
        Case({"radius": 1}, (2, 7, 6, 3)),
        Case({"radius": 2, "sigma": 1.0}, (2, 9, 8, 2)),
        Case({"radius": 1}, (2, 8, 8, 3), zero_window=True),
        Case({"radius": 2}, (2, 6, 7, 2), constant=True),
    ),
    hints=(
        "Average over the channels first (ops.mean(x, -1, keepdims=True)); then the window "
        "is a blur of one map: ops.conv(map, self.window[:, :, None, None], padding='same'). "
        "The same blur of ops.ones_like(map) is the weight inside the image: divide by it.",
        "v = x − mean; the local variance is the same renormalised blur of the channel mean "
        "of v²; σ = its square root, with ops.where so that σ² = 0 gives σ = 0 and no NaN "
        "gradient.",
        "c = ops.mean(σ, axis=(1, 2, 3), keepdims=True); "
        "return v / ops.maximum(ops.maximum(c, σ), self.epsilon).",
    ),
)

TICA = Exercise(
    id="2.3",
    slug="tica",
    title="The LRMD objective: reconstruction plus L2-pooled sparsity",
    section="notes §2.1; Le et al. 2012, eq. 1",
    module="tica",
    name="tica_objective",
    names=("pooled_features", "tica_objective"),
    kind=PROBE,
    options=ProbeOptions(probes="workshop.grader.probes.tica"),
    cases=(
        Case({"features": 6, "size": 3, "lam": 0.5, "eps": 0.01}, (4, 8)),
        Case({"features": 4, "size": 2, "lam": 2.0, "eps": 0.1}, (1, 5)),
        Case({"features": 9, "size": 4, "lam": 0.1, "eps": 0.001}, (6, 12)),
    ),
    hints=(
        "pooled_features: z = ops.matmul(x, W1) is (batch, k); ops.square(z) @ Hᵀ is "
        "(batch, m); add eps inside ops.sqrt.",
        "tica_objective: the reconstruction is x W₁ W₂ᵀ (ops.matmul twice, with "
        "ops.transpose(W2)); sum its squared error over everything.",
        "return error + lam * ops.sum(pooled_features(x, W1, H, eps)).",
    ),
)

RESPONSE = Exercise(
    id="2.4",
    slug="lrn",
    title="LocalResponseNormalization: KSH's normalisation across channels",
    section="notes §2.2; Krizhevsky et al. 2012, §3.3",
    module="response",
    name="LocalResponseNormalization",
    kind=LAYER,
    options=LayerOptions(
        banned_names=rules.NORMALISATION_NAMES,
        # A window over the channels may be a convolution or a pooling of them.
        allowed_ops=rules.HAND_WRITTEN_OPS | rules.CONVOLUTION_OPS | rules.POOLING_OPS,
        has_weights=False,
        forgotten_key="alpha",
    ),
    cases=(
        Case({}, (1, 5, 5, 8)),  # KSH's own constants: α = 1e-4 barely normalises
        Case({"depth_radius": 1, "bias": 1.0, "alpha": 0.5, "beta": 0.75}, (2, 4, 4, 6)),
        Case({"depth_radius": 2, "bias": 1.0, "alpha": 1.0, "beta": 0.5}, (2, 3, 5, 7)),
        Case({"depth_radius": 3, "bias": 2.0, "alpha": 0.3, "beta": 1.0}, (1, 4, 3, 4)),
        Case({"depth_radius": 0, "bias": 1.0, "alpha": 1.0, "beta": 0.75}, (2, 3, 3, 3)),
    ),
    hints=(
        "Square first: s = ops.square(inputs). The window of channel i is channels "
        "i − r … i + r of s at the same position; near the ends the missing channels "
        "count as 0.",
        "Pad r zero channels on each side, ops.pad(s, [[0, 0], [0, 0], [0, 0], [r, r]]), "
        "then add the 2r + 1 slices padded[..., d : d + C] for d = 0 … 2r.",
        "return inputs / ops.power(self.bias + self.alpha * total, self.beta): α itself, "
        "not α / n.",
    ),
)

AUGMENT = Exercise(
    id="2.5",
    slug="augment",
    title="KSH's augmentation: random crops, flips, PCA colour jitter, test crops",
    section="notes §2.2; Krizhevsky et al. 2012, §4.1",
    module="augment",
    name="augment",
    names=("pca_colour_basis", "augment", "centre_crop", "ten_crops"),
    kind=PROBE,
    options=ProbeOptions(probes="workshop.grader.probes.augment"),
    cases=(
        Case({"crop": 5}, (4, 8, 8, 3)),
        Case({"crop": 3}, (2, 4, 6, 3)),  # a wide image
        Case({"crop": 6}, (3, 6, 7, 1)),  # one channel; the crop fills the height
    ),
    hints=(
        "pca_colour_basis: pixels = x.reshape(-1, C); values, vectors = "
        "np.linalg.eigh(np.cov(pixels, rowvar=False)); reverse both to descending; "
        "multiply each column by the sign of its largest-magnitude entry.",
        "augment: after the two randint draws, rows = top[:, None] + ops.arange(crop) "
        "reshaped to (N, crop, 1, 1); ops.take_along_axis(images, rows, axis=1), then "
        "the same for the columns with shape (N, 1, crop, 1) on axis 2.",
        "The flips: ops.where(flips[:, None, None, None], ops.flip(crops, axis=2), crops). "
        "The jitter: ops.matmul(alpha * eigenvalues, ops.transpose(eigenvectors)) is "
        "(N, C); add it as [:, None, None, :].",
    ),
)

INCEPTION = Exercise(
    id="2.6",
    slug="inception",
    title="InceptionModule: GoogLeNet's four branches and their 1×1 reductions",
    section="notes §2.3; Szegedy et al. 2015, §4, Figure 2(b)",
    module="inception",
    name="InceptionModule",
    kind=LAYER,
    # Keras's Conv2D and pooling are allowed: the lesson is the module.
    options=LayerOptions(
        banned_names=frozenset(),
        allowed_ops=rules.HAND_WRITTEN_OPS | rules.CONVOLUTION_OPS | rules.POOLING_OPS,
        forgotten_key="pool_proj",
    ),
    cases=(
        Case(dict(f1=4, f3_reduce=3, f3=5, f5_reduce=2, f5=3, pool_proj=2), (2, 8, 8, 6)),
        Case(dict(f1=2, f3_reduce=4, f3=3, f5_reduce=3, f5=2, pool_proj=3), (1, 5, 7, 3)),
        # GoogLeNet's module 3a, on a 6×6 map instead of 28×28.
        Case(dict(f1=64, f3_reduce=96, f3=128, f5_reduce=16, f5=32, pool_proj=32), (1, 6, 6, 192)),
        Case(dict(f1=3, f3_reduce=2, f3=4, f5_reduce=2, f5=2, pool_proj=1), (3, 4, 4, 5)),
    ),
    hints=(
        "In build: conv = lambda filters, size: keras.layers.Conv2D(filters, size, "
        "padding='same', activation='relu'); create the seven sublayers in the "
        "docstring's order; self.pool = keras.layers.MaxPooling2D(3, strides=1, "
        "padding='same').",
        "Still in build: each sublayer's build gets the shape it will see. The 3×3 "
        "convolution sees the reduction's output: input_shape[:-1] + (self.f3_reduce,); "
        "the others see input_shape.",
        "In call: ops.concatenate([self.branch1(x), self.branch3(self.reduce3(x)), "
        "self.branch5(self.reduce5(x)), self.projection(self.pool(x))], axis=-1).",
    ),
)

TOP_K = Exercise(
    id="2.7",
    slug="topk",
    title="top_k_accuracy: ImageNet's top-5, ties included",
    section="notes §2.2; Krizhevsky et al. 2012, §2",
    module="metrics",
    name="top_k_accuracy",
    kind=PROBE,
    options=ProbeOptions(probes="workshop.grader.probes.topk"),
    cases=(
        Case({"classes": 10, "k": 1}, (16,)),
        Case({"classes": 10, "k": 5}, (20,)),
        Case({"classes": 100, "k": 5}, (12,)),
        Case({"classes": 4, "k": 3}, (9,)),
    ),
    hints=(
        "Convert first: p = np.asarray(probabilities, dtype=np.float64), "
        "y = np.asarray(labels).astype(int). The label's own probability is "
        "p[np.arange(len(y)), y].",
        "Count, per row, the classes strictly more probable than the label: "
        "np.sum(p > own[:, None], axis=1). A tie does not count against the label.",
        "The example is in the top k when that count is below k: "
        "return float(np.mean(higher < k)).",
    ),
)

SEQUENCES = Exercise(
    id="2.8",
    slug="sequence",
    title="A whole number at once: the sequence log-likelihood and its decoding",
    section="notes §2.4; Goodfellow et al. 2013, §3",
    module="sequences",
    name="sequence_log_likelihood",
    names=("sequence_log_likelihood", "decode"),
    kind=PROBE,
    options=ProbeOptions(probes="workshop.grader.probes.sequences"),
    cases=(
        Case({"digits": 5}, (8,)),
        Case({"digits": 3}, (5,)),
        Case({"digits": 1}, (4,)),
    ),
    hints=(
        "sequence_log_likelihood: log-softmax both heads; the length class is "
        "ops.minimum(lengths, N + 1); pick it with ops.take_along_axis.",
        "The digits: ops.take_along_axis(log_digits, clip(digits, 0, 9)[..., None], -1)[..., 0] "
        "is (B, N); keep position i only where i < length (ops.arange(N)[None] < "
        "lengths[:, None]) and sum.",
        "decode: best = max of each digit head's log-softmax; prefix = [0, cumsum(best)] "
        "gives Σ_{i≤n} for n = 0…N; score = log P(L = n) + prefix; n = argmax; digits = "
        "argmax per head where position < n, else −1.",
    ),
)

FGSM = Exercise(
    id="2.9",
    slug="fgsm",
    title="Adversarial examples: the fast gradient sign method",
    section="notes §2.4; Goodfellow et al. 2014, eq. 3",
    module="adversarial",
    name="fgsm",
    names=("fgsm",),
    kind=PROBE,
    options=ProbeOptions(probes="workshop.grader.probes.fgsm"),
    cases=(
        Case({"model": "dense", "epsilon": 0.1}, (4, 6, 6, 1)),
        Case({"model": "cnn", "epsilon": 0.25}, (3, 8, 7, 2)),
        Case({"model": "cnn", "epsilon": 0.05}, (1, 5, 5, 3)),
    ),
    hints=(
        "images = tf.convert_to_tensor(images, tf.float32); inside `with tf.GradientTape() "
        "as tape:` call tape.watch(images), then loss = cross_entropy(model, images, labels).",
        "gradient = tape.gradient(loss, images); the step is epsilon * ops.sign(gradient), "
        "added: it raises the loss.",
        "if clip is not None: x = ops.clip(x, clip[0], clip[1]); return x.",
    ),
)

ADVERSARIAL_LOSS = Exercise(
    id="2.10",
    slug="advtrain",
    title="Adversarial training: the objective of Goodfellow et al.'s eq. 6",
    section="notes §2.4; Goodfellow et al. 2014, eq. 6",
    module="adversarial",
    name="adversarial_loss",
    names=("adversarial_loss", "fgsm"),
    kind=PROBE,
    options=ProbeOptions(probes="workshop.grader.probes.advloss"),
    cases=(
        Case({"model": "dense", "epsilon": 0.1}, (4, 6, 6, 1)),
        Case({"model": "cnn", "epsilon": 0.25}, (3, 8, 7, 2)),
    ),
    hints=(
        "This uses your fgsm (2.9): finish that first.",
        "perturbed = ops.stop_gradient(fgsm(model, images, labels, epsilon)); then "
        "cross_entropy on the clean and on the perturbed images, both with training=training.",
        "return alpha * clean + (1 - alpha) * attacked.",
    ),
)

SIMPLE_RNN = Exercise(
    id="3.1",
    slug="rnn",
    title="SimpleRNNCell: one step of a tanh RNN",
    section="notes §3.1, eq. 3.1–3.2",
    module="rnn",
    name="SimpleRNNCell",
    kind=LAYER,
    options=LayerOptions(
        banned_names=rules.RECURRENT_NAMES,
        allowed_ops=rules.HAND_WRITTEN_OPS,
        recurrent=True,
        keras_twin="SimpleRNN",
        forgotten_key="units",
    ),
    cases=(
        Case({"units": 8}, (2, 5, 3)),
        Case({"units": 4}, (1, 9, 6)),
        Case({"units": 5}, (3, 1, 2)),
    ),
    hints=(
        "states is a list with one tensor, h_{t-1} = states[0], of shape (batch, units).",
        "Row vectors: a = b + h_{t-1} @ W + x_t @ U, with ops.matmul; then h = ops.tanh(a).",
        "return h, [h]: the output of the step and the new list of states.",
    ),
)

BPTT = Exercise(
    id="3.2",
    slug="bptt",
    title="rnn_forward and bptt: backpropagation through time by hand",
    section="notes §3.1, eq. 3.1–3.4",
    module="rnn",
    name="bptt",
    names=("rnn_forward", "bptt"),
    kind=BPTT_KIND,
    cases=(
        Case({}, (2, 5, 3, 4, 3)),
        Case({}, (1, 1, 2, 3, 2)),
        Case({}, (3, 12, 4, 6, 5)),
    ),
    hints=(
        "rnn_forward: keep every h(t) and ŷ(t) in lists and np.stack them on axis 1 at the end.",
        "bptt: ∂L/∂o(t) = ŷ(t) − onehot(targets(t)); index with y_hat[rows, times, targets] to "
        "pick the probabilities of the targets.",
        "Loop t from T−1 down to 0 with a variable for δh from the later step (zeros at first); "
        "add each step's contribution to every gradient; what is left in δh at the end is ∂L/∂h0.",
    ),
)

LSTM = Exercise(
    id="3.3",
    slug="lstm",
    title="LSTMCell: gates, cell state and the fused weight of eq. 3.11",
    section="notes §3.2, eq. 3.5–3.13",
    module="lstm",
    name="LSTMCell",
    kind=LAYER,
    options=LayerOptions(
        banned_names=rules.RECURRENT_NAMES,
        allowed_ops=rules.HAND_WRITTEN_OPS,
        recurrent=True,
        keras_twin="LSTM",
        forgotten_key="units",
    ),
    cases=(
        Case({"units": 8}, (2, 5, 3)),
        Case({"units": 3}, (1, 12, 4)),
        Case({"units": 6}, (3, 1, 2)),
    ),
    hints=(
        "states = [h_{t-1}, c_{t-1}]. Concatenate [x_t, h_{t-1}] on the last axis and multiply by "
        "the kernel: z has shape (batch, 4 * units).",
        "ops.split(z, 4, axis=-1) gives the blocks in the notes' order c̃, o, i, f; tanh for c̃, "
        "sigmoid for the three gates.",
        "c = f * c_prev + i * c_tilde; h = o * ops.tanh(c); return h, [h, c].",
    ),
)

BOLTZMANN = Exercise(
    id="3.4",
    slug="boltzmann",
    title="A Boltzmann machine: energy, exact probabilities and Gibbs sampling",
    section="notes §3.3, Figure 11",
    module="boltzmann",
    name="gibbs_sweep",
    names=("energy", "exact_probabilities", "gibbs_sweep"),
    kind=PROBE,
    options=ProbeOptions(probes="workshop.grader.probes.boltzmann"),
    cases=(
        Case({"units": 3}, (5,)),
        Case({"units": 4}, (8,)),
        Case({"units": 6}, (3,)),
    ),
    hints=(
        "energy: with s of shape (n, K), s @ W is (n, K); multiply by s element-wise and sum "
        "over units for sᵀ W s per row; then −½ of that minus s @ b.",
        "exact_probabilities: e = −energy(all_states(K), W, b); e -= e.max(); p = np.exp(e); "
        "return p / p.sum().",
        "gibbs_sweep: s = np.array(s, dtype=float) (a copy); for i in range(K): field = b[i] + "
        "s @ W[:, i]; p = 1 / (1 + np.exp(-field)); s[:, i] = rng.random(len(s)) < p.",
    ),
)

RBM = Exercise(
    id="3.5",
    slug="rbm",
    title="RBM: conditionals, free energy, Gibbs sampling and contrastive divergence",
    section="notes §3.3, Figure 12",
    module="rbm",
    name="RBM",
    names=("RBM",),
    kind=PROBE,
    options=ProbeOptions(probes="workshop.grader.probes.rbm"),
    cases=(
        Case({"n_hidden": 5}, (6, 8)),
        Case({"n_hidden": 4}, (3, 4)),
        Case({"n_hidden": 7}, (1, 3)),
    ),
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
)

DBN = Exercise(
    id="3.6",
    slug="dbn",
    title="Deep belief network: greedy pre-training and a classifier from the RBMs",
    section="notes §3.3, Figure 13",
    module="dbn",
    name="greedy_pretrain",
    names=("greedy_pretrain", "build_classifier"),
    kind=PROBE,
    options=ProbeOptions(probes="workshop.grader.probes.dbn"),
    cases=(
        Case({"hidden_sizes": (5, 3), "num_classes": 4}, (6, 7)),
        Case({"hidden_sizes": (4,), "num_classes": 3}, (2, 5)),
        Case({"hidden_sizes": (6, 6, 2), "num_classes": 2}, (3, 4)),
    ),
    hints=(
        "greedy_pretrain: inputs = x; for each size: make RBM(size), build it on inputs.shape, "
        "fit_rbm(rbm, inputs), keep it, then inputs = rbm.hidden_probs(inputs).",
        "build_classifier: x = keras.Input((n_visible,)); for each RBM, "
        "layer = Dense(rbm.n_hidden, "
        "activation='sigmoid'); h = layer(h); then layer.set_weights([kernel, hidden_bias]).",
        "The top is keras.layers.Dense(num_classes, activation='softmax'); return "
        "keras.Model(inputs, outputs).",
    ),
)

AIS = Exercise(
    id="3.7",
    slug="ais",
    title="Annealed importance sampling: an RBM's log Z from a base-rate RBM",
    section="notes §3.3.1, eq. 3.18–3.22",
    module="ais",
    name="ais_log_partition",
    names=(
        "beta_schedule",
        "base_rate_log_partition",
        "log_p_star",
        "intermediate_gibbs_step",
        "log_mean_exp",
        "ais_log_partition",
    ),
    kind=PROBE,
    options=ProbeOptions(probes="workshop.grader.probes.ais"),
    cases=(
        Case({"n_hidden": 4, "counts": (2, 3, 5), "knots": (0.0, 0.5, 0.9, 1.0)}, (6, 7)),
        Case({"n_hidden": 3, "counts": (4,), "knots": (0.0, 1.0)}, (3, 5)),
        Case(
            {"n_hidden": 8, "counts": (3, 2, 6), "knots": (0.0, 0.3, 0.8, 1.0), "scale": 20.0},
            (5, 60),  # weights so large that log w runs past 1000: exp(log w) overflows
        ),
    ),
    hints=(
        "log_p_star: (1 − β) v b_A + β v b + Σ_j softplus(β (c_j + (v W)_j)): β multiplies the "
        "whole of c + v W inside the softplus (mix the energies, then sum h out). "
        "base_rate_log_partition: n_hidden · log 2 + Σ softplus(b_A).",
        "intermediate_gibbs_step is the RBM's Gibbs step with weights β W, hidden biases β c "
        "and visible biases (1 − β) b_A + β b. log_mean_exp: m = a.max(); "
        "m + log(mean(exp(a − m))). beta_schedule: np.linspace(lo, hi, n, endpoint=False) per "
        "stretch, concatenated, then the final knot 1.0.",
        "ais_log_partition: v = (rng.random((n_runs, n_visible)) < sigmoid(b_A)) as float; "
        "log_w = zeros; for k in 1..K: log_w += log_p_star(v, β_k) − log_p_star(v, β_{k−1}); "
        "if k < K: v = intermediate_gibbs_step(v, β_k, ..., rng). Return "
        "base_rate_log_partition(b_A, n_hidden) + log_mean_exp(log_w), log_w.",
    ),
)

UP_DOWN = Exercise(
    id="3.8",
    slug="updown",
    title="Up-down fine-tuning: one contrastive wake-sleep step of a DBN with label units",
    section="notes §3.3.2, eq. 3.23–3.30",
    module="updown",
    name="up_down_step",
    names=(
        "untie",
        "top_hidden_probs",
        "top_visible_probs",
        "wake_pass",
        "top_level_cd",
        "sleep_pass",
        "up_down_step",
    ),
    kind=PROBE,
    options=ProbeOptions(probes="workshop.grader.probes.updown"),
    cases=(
        Case({"hidden_sizes": (5, 4), "n_top": 6, "classes": 3, "k": 1}, (6, 7)),
        Case({"hidden_sizes": (3,), "n_top": 4, "classes": 2, "k": 3}, (4, 5)),
        Case({"hidden_sizes": (6, 5, 4), "n_top": 8, "classes": 4, "k": 2}, (5, 9)),
    ),
    hints=(
        "untie: for each directed RBM (W, b, c), recognition (W.copy(), c.copy()) and "
        "generative (W.T.copy(), b.copy()): W.T alone is a view, the same memory as W. "
        "top_hidden_probs: sigmoid(c + np.concatenate([pen, labels], axis=1) @ W); "
        "top_visible_probs: x = b + t @ W.T, sigmoid(x[:, :-n]) and softmax(x[:, -n:]).",
        "wake_pass samples up the recognition weights, then t = sample(top_hidden_probs(top, "
        "h_L, labels), rng). top_level_cd: k times h̃_L = sample(pen probs), ỹ = label probs, "
        "t̃ = sample(top_hidden_probs(top, h̃_L, ỹ)); statistics with the binary t and t̃. "
        "sleep_pass goes down the generative weights G_l, not R_lᵀ.",
        "up_down_step: the sleep pass starts at the top chain's h̃_L, not the wake's h_L. "
        "The wake states train G_l: error = h_{l−1} − sigmoid(g_l + h_l G_l), G_l += rate · "
        "h_lᵀ error / N; the sleep states train R_l: error = h̃_l − sigmoid(r_l + h̃_{l−1} R_l), "
        "R_l += rate · h̃_{l−1}ᵀ error / N; the top adds rate times CD's estimates.",
    ),
)

REPLAY = Exercise(
    id="4.1",
    slug="replay",
    title="ReplayBuffer: experience replay in a ring",
    section="notes §3.4; Mnih et al. 2013, Algorithm 1",
    module="replay",
    name="ReplayBuffer",
    names=("ReplayBuffer",),
    kind=PROBE,
    options=ProbeOptions(probes="workshop.grader.probes.replay"),
    cases=(
        Case({"capacity": 8, "batch": 16}, (5,)),
        Case({"capacity": 6, "batch": 10}, (6,)),
        Case({"capacity": 5, "batch": 12}, (13,)),
        Case({"capacity": 1, "batch": 3}, (4,)),
        Case({"capacity": 40, "batch": 6}, (30,)),
    ),
    hints=(
        "add: slot = self.next_slot; write self.observations[slot] = observation, and the "
        "same for actions, rewards, next_observations and dones.",
        "Then self.next_slot = (slot + 1) % self.capacity and "
        "self.size = min(self.size + 1, self.capacity).",
        "sample: slots = np.random.default_rng(seed).integers(0, len(self), size=batch_size); "
        "return {'observations': self.observations[slots], 'actions': self.actions[slots], "
        "...} with all five fields.",
    ),
)

EXPLORATION = Exercise(
    id="4.2",
    slug="epsilon",
    title="ε-greedy exploration and a linear schedule",
    section="notes §3.4; Mnih et al. 2013, Algorithm 1 and §5",
    module="exploration",
    name="epsilon_greedy",
    names=("epsilon_greedy", "linear_schedule"),
    kind=PROBE,
    options=ProbeOptions(probes="workshop.grader.probes.exploration"),
    cases=(
        Case({"actions": 4, "epsilon": 0.1, "steps": 10}, (32,)),
        Case({"actions": 3, "epsilon": 0.5, "steps": 7}, (20,)),
        Case({"actions": 6, "epsilon": 1.0, "steps": 100}, (9,)),
        Case({"actions": 2, "epsilon": 0.0, "steps": 1}, (5,)),
    ),
    hints=(
        "q = np.asarray(q_values, dtype=float); rng = np.random.default_rng(seed); then the "
        "two draws, in the docstring's order, each for every row at once.",
        "explore = rng.random(len(q)) < epsilon; random_actions = rng.integers(0, "
        "q.shape[1], size=len(q)); return np.where(explore, random_actions, "
        "np.argmax(q, axis=1)).",
        "linear_schedule: fraction = min(step / steps, 1.0); return start + fraction * "
        "(end - start).",
    ),
)

QLEARNING = Exercise(
    id="4.3",
    slug="qlearning",
    title="Q-learning targets and the DQN loss",
    section="notes §3.4; Mnih et al. 2013, eq. 2–3; Mnih et al. 2015",
    module="qlearning",
    name="dqn_loss",
    names=("q_targets", "dqn_loss"),
    kind=PROBE,
    options=ProbeOptions(probes="workshop.grader.probes.qlearning"),
    cases=(
        Case({"actions": 4, "gamma": 0.99, "delta": 1.0}, (8,)),
        Case({"actions": 2, "gamma": 0.5, "delta": 2.0}, (5,)),
        Case({"actions": 6, "gamma": 0.9, "delta": 0.5}, (1,)),
    ),
    hints=(
        "q_targets: the best next value is ops.max(next_q_target, axis=1); a done "
        "transition keeps r alone: r + gamma * (1 - dones) * best.",
        "Double DQN: best = ops.argmax(next_q_online, axis=1), then "
        "ops.take_along_axis(next_q_target, best[:, None], axis=1)[:, 0]. dqn_loss: the "
        "same take_along_axis picks Q(s, a) with the actions.",
        "e = ops.abs(chosen - ops.stop_gradient(targets)); q = ops.minimum(e, delta); "
        "return ops.mean(0.5 * q**2 + delta * (e - q)).",
    ),
)

EXERCISES = (
    CONV,
    MAX_POOL,
    L2_POOL,
    NETWORK,
    LOCAL,
    CONTRAST,
    TICA,
    RESPONSE,
    AUGMENT,
    INCEPTION,
    TOP_K,
    SEQUENCES,
    FGSM,
    ADVERSARIAL_LOSS,
    SIMPLE_RNN,
    BPTT,
    LSTM,
    BOLTZMANN,
    RBM,
    DBN,
    AIS,
    UP_DOWN,
    REPLAY,
    EXPLORATION,
    QLEARNING,
)


def find(name):
    """The exercise with this id or slug ("1.1" or "conv"), or None."""
    for exercise in EXERCISES:
        if name in (exercise.id, exercise.slug):
            return exercise
    return None
