"""The grader on student code: right code passes whatever its style, wrong code fails
with a named mistake, broken code gets a status and a reason, never a crash."""

import pytest

from workshop import catalog
from workshop.grader import results
from workshop.grader.grading import DEFAULT_SEED, grade
from workshop.grader.loading import FolderImplementation

SEED = DEFAULT_SEED  # shares the reference records other in-process tests compute


def grade_root(root, *slugs):
    exercises = [catalog.find(s) for s in slugs] if slugs else list(catalog.EXERCISES)
    return {r.slug: r for r in grade(exercises, FolderImplementation(root.path), SEED)}


def failed_checks(result):
    return [c.name for c in result.checks if not c.passed]


def test_untouched_stubs_are_not_attempted_with_zero_points(student_root):
    for result in grade_root(student_root).values():
        assert result.status == results.NOT_ATTEMPTED
        assert result.points == 0
        assert result.checks == []


def test_independent_correct_implementations_get_full_points(student_root):
    student_root.use("conv", "conv_loops.py")
    student_root.use("pooling", "pooling_stacked.py")
    student_root.use("network", "network_sequential.py")
    for slug, result in grade_root(student_root, "conv", "maxpool", "l2pool", "network").items():
        assert result.status == results.PASSED, (slug, failed_checks(result))
        assert result.points == result.max_points == 10


def test_independent_bptt_gets_full_points_and_a_forgotten_carry_is_named(student_root):
    student_root.use("rnn", "rnn_complete.py")
    result = grade_root(student_root, "bptt")["bptt"]
    assert result.status == results.PASSED, [c.message for c in result.checks if not c.passed]
    student_root.edit("rnn", "(d_o[:, t] @ V.T + carried)", "(d_o[:, t] @ V.T)")
    result = grade_root(student_root, "bptt")["bptt"]
    assert "bptt vs tf.GradientTape" in failed_checks(result)
    assert any(d.startswith("BPTT without the gradient from later steps") for d in result.diagnoses)


def test_bptt_stubs_are_not_attempted_while_the_cell_passes(student_root):
    student_root.use("rnn", "rnn_einsum.py")  # the cell written, bptt still stubs
    graded = grade_root(student_root, "rnn", "bptt")
    assert graded["rnn"].status == results.PASSED
    assert graded["bptt"].status == results.NOT_ATTEMPTED and graded["bptt"].points == 0


def test_independent_recurrent_cells_get_full_points(student_root):
    student_root.use("rnn", "rnn_einsum.py")
    student_root.use("lstm", "lstm_sliced.py")
    for slug, result in grade_root(student_root, "rnn", "lstm").items():
        assert result.status == results.PASSED, (slug, failed_checks(result))


def test_a_students_own_lstm_with_swapped_gates_is_named(student_root):
    student_root.use("lstm", "lstm_sliced.py")
    student_root.edit(
        "lstm", "c = i * c_tilde + f * c_previous", "c = f * c_tilde + i * c_previous"
    )
    result = grade_root(student_root, "lstm")["lstm"]
    assert any(d.startswith("forget and input gates swapped") for d in result.diagnoses)
    twin = next(c for c in result.checks if c.name == "same as Keras's own layer")
    assert not twin.passed and "against keras.layers.LSTM" in twin.message


def test_the_trials_two_unnamed_mistakes_are_named(student_root):
    # A student trial of the release: an LSTM on [h, x] and an RBM with hidden samples
    # in the negative phase lost points with numbers only (issue 17).
    student_root.use("lstm", "lstm_sliced.py")
    student_root.edit(
        "lstm",
        "ops.matmul(inputs, self.kernel[:d])\n"
        "            + ops.matmul(h_previous, self.kernel[d:])",
        "ops.matmul(h_previous, self.kernel[:n])\n"
        "            + ops.matmul(inputs, self.kernel[n:])",
    )
    student_root.use("rbm", "rbm_einsum.py")
    student_root.edit(
        "rbm",
        "self.hidden_probs(data), self.hidden_probs(chain)",
        "self.hidden_probs(data), self.sample_hidden(chain, seed)",
    )
    graded = grade_root(student_root, "lstm", "rbm")
    assert any(d.startswith("[h_{t-1}, x_t] concatenated") for d in graded["lstm"].diagnoses)
    assert any(
        d.startswith("binary hidden samples in the negative phase") for d in graded["rbm"].diagnoses
    ), graded["rbm"].diagnoses
    # A probe's failure names the class, its arguments and input, and the method.
    failed = [c.message for c in graded["rbm"].checks if not c.passed]
    assert failed and all(m.startswith("RBM(n_hidden=") for m in failed), failed
    assert any(": contrastive_divergence(v, k=" in m and "estimates" in m for m in failed), failed


def test_an_independent_locally_connected_layer_gets_full_points_hidden_checks_too(student_root):
    student_root.use("local", "local_positions.py")
    exercise = catalog.find("local")
    (result,) = grade([exercise], FolderImplementation(student_root.path), SEED, hidden_seed=11)
    assert result.status == results.PASSED and result.points == 10, failed_checks(result)


def test_a_students_own_shared_weights_are_named(student_root):
    student_root.use("local", "local_positions.py")
    student_root.edit(
        "local", "ops.matmul(flat, self.kernel[j, k])", "ops.matmul(flat, self.kernel[0, 0])"
    )
    result = grade_root(student_root, "local")["local"]
    assert {"forward output", "gradients"} <= set(failed_checks(result))
    assert any(d.startswith("weights shared after all") for d in result.diagnoses)


def test_a_students_own_shared_bias_is_named(student_root):
    # Found by a student trial: bias[0, 0] broadcast, the stub's bias shape kept.
    student_root.use("local", "local_positions.py")
    student_root.edit("local", "+ self.bias[j, k]", "+ self.bias[0, 0]")
    result = grade_root(student_root, "local")["local"]
    assert "weights" not in failed_checks(result)
    assert any(d.startswith("one bias per feature map") for d in result.diagnoses)


def test_an_independent_contrast_normalisation_gets_full_points_hidden_checks_too(student_root):
    student_root.use("contrast", "contrast_padded.py")
    exercise = catalog.find("contrast")
    (result,) = grade([exercise], FolderImplementation(student_root.path), SEED, hidden_seed=11)
    assert result.status == results.PASSED and result.points == 10, failed_checks(result)


def test_a_students_own_zero_padded_borders_are_named(student_root):
    student_root.use("contrast", "contrast_padded.py")
    student_root.edit("contrast", "return total / weight[None, :, :, None]", "return total")
    result = grade_root(student_root, "contrast")["contrast"]
    assert "forward output" in failed_checks(result)
    assert any(d.startswith("borders averaged with the zero padding") for d in result.diagnoses)


def test_an_independent_tica_objective_gets_full_points_and_tied_weights_are_named(
    student_root,
):
    student_root.use("tica", "tica_einsum.py")
    exercise = catalog.find("tica")
    (result,) = grade([exercise], FolderImplementation(student_root.path), SEED, hidden_seed=11)
    assert result.status == results.PASSED and result.points == 10, failed_checks(result)
    student_root.edit(
        "tica", 'ops.einsum("bk,nk->bn", features, W2)', 'ops.einsum("bk,nk->bn", features, W1)'
    )
    result = grade_root(student_root, "tica")["tica"]
    assert {"objective", "gradients"} <= set(failed_checks(result))
    assert any(d.startswith("tied weights") for d in result.diagnoses)


def test_an_independent_response_normalisation_gets_full_points_and_caffes_alpha_is_named(
    student_root,
):
    student_root.use("response", "response_cumsum.py")
    exercise = catalog.find("lrn")
    (result,) = grade([exercise], FolderImplementation(student_root.path), SEED, hidden_seed=11)
    assert result.status == results.PASSED and result.points == 10, failed_checks(result)
    student_root.edit("response", "self.alpha * total", "self.alpha / (2 * r + 1) * total")
    result = grade_root(student_root, "lrn")["lrn"]
    assert {"forward output", "gradients"} <= set(failed_checks(result))
    assert any(d.startswith("α divided by the window's size") for d in result.diagnoses)


def test_an_independent_top_k_gets_full_points_and_ties_by_position_are_named(student_root):
    student_root.use("metrics", "metrics_sorted.py")
    exercise = catalog.find("topk")
    (result,) = grade([exercise], FolderImplementation(student_root.path), SEED, hidden_seed=11)
    assert result.status == results.PASSED and result.points == 10, failed_checks(result)
    # A student's own argsort: ties at the bar broken by position.
    student_root.edit(
        "metrics",
        "if scores[row, int(label)] >= bar[row]:",
        "if int(label) in np.argsort(-scores[row], kind='stable')[:k]:",
    )
    result = grade_root(student_root, "topk")["topk"]
    assert failed_checks(result) == ["ties at the k-th place"]
    named = [d for d in result.diagnoses if d.startswith("ties broken by position")]
    assert len(named) == 1  # its variants share one message, said once
    # NumPy's default sort orders ties its own way: named all the same.
    student_root.edit(
        "metrics",
        "np.argsort(-scores[row], kind='stable')[:k]",
        "np.argsort(-scores, axis=1)[row, :k]",
    )
    result = grade_root(student_root, "topk")["topk"]
    assert any(d.startswith("ties broken by position") for d in result.diagnoses)


def test_an_independent_inception_module_gets_full_points_and_linear_reductions_are_named(
    student_root,
):
    student_root.use("inception", "inception_sequential.py")
    exercise = catalog.find("inception")
    (result,) = grade([exercise], FolderImplementation(student_root.path), SEED, hidden_seed=11)
    assert result.status == results.PASSED and result.points == 10, failed_checks(result)
    # A student's own linear reductions: every convolution needs its ReLU.
    student_root.edit(
        "inception",
        "keras.Sequential([conv(self.f3_reduce, 1), conv(self.f3, 3)])",
        "keras.Sequential([keras.layers.Conv2D(self.f3_reduce, 1), conv(self.f3, 3)])",
    )
    student_root.edit(
        "inception",
        "keras.Sequential([conv(self.f5_reduce, 1), conv(self.f5, 5)])",
        "keras.Sequential([keras.layers.Conv2D(self.f5_reduce, 1), conv(self.f5, 5)])",
    )
    result = grade_root(student_root, "inception")["inception"]
    assert {"forward output", "gradients"} <= set(failed_checks(result))
    assert any(d.startswith("no ReLU after the 1×1 reductions") for d in result.diagnoses)


def test_an_independent_augmentation_gets_full_points_and_a_vertical_flip_is_named(
    student_root,
):
    student_root.use("augment", "augment_loops.py")
    exercise = catalog.find("augment")
    (result,) = grade([exercise], FolderImplementation(student_root.path), SEED, hidden_seed=11)
    assert result.status == results.PASSED and result.points == 10, failed_checks(result)
    student_root.edit("augment", "out[mirror][:, :, ::-1]", "out[mirror][:, ::-1]")
    result = grade_root(student_root, "augment")["augment"]
    assert "draws follow their distributions" in failed_checks(result)
    assert any(d.startswith("upside down, not mirrored") for d in result.diagnoses)


def test_another_vectorisation_gets_full_points(student_root):
    student_root.use("conv", "conv_shifted.py")
    result = grade_root(student_root, "conv")["conv"]
    assert result.status == results.PASSED, failed_checks(result)


def test_a_students_own_flipped_kernel_is_named(student_root):
    # Written with loops, not the grader's variant: the diagnosis must still find it.
    student_root.use("conv", "conv_loops.py")
    student_root.edit("conv", "field, self.kernel)", "field, self.kernel[::-1, ::-1])")
    result = grade_root(student_root, "conv")["conv"]
    assert result.status == results.FAILED
    assert "forward output" in failed_checks(result)
    assert any(d.startswith("flipped kernel") for d in result.diagnoses)


def test_a_students_own_rms_pooling_is_named(student_root):
    student_root.use("pooling", "pooling_stacked.py")
    student_root.edit("pooling", "squares = ops.sum(", "squares = ops.mean(")
    result = grade_root(student_root, "l2pool")["l2pool"]
    assert any(d.startswith("divided by the window size") for d in result.diagnoses)
    # The max pooling in the same file is still right.
    assert grade_root(student_root, "maxpool")["maxpool"].status == results.PASSED


def test_forward_right_gradient_wrong_is_said(student_root):
    student_root.use("pooling", "pooling_stacked.py")
    student_root.edit(
        "pooling",
        "return ops.where(positive, ops.sqrt(ops.where(positive, squares, 1.0)), 0.0)",
        "return ops.sqrt(squares)",
    )
    result = grade_root(student_root, "l2pool")["l2pool"]
    assert failed_checks(result) == ["gradients"]
    message = result.checks[-1].message
    assert "NaN" in message and "only the gradient is wrong" in message


def test_exception_in_student_code_gives_their_line_and_advice(student_root):
    student_root.edit(
        "conv",
        'raise NotImplementedError("Exercise 1.1: Conv2D.call")',
        "return ops.matmul(inputs, self.kernel)",
    )
    result = grade_root(student_root, "conv")["conv"]
    assert result.status == results.FAILED
    message = next(c.message for c in result.checks if c.name == "output shape")
    assert "exercises/conv.py" in message and "in call" in message
    assert "advice:" in message


def test_returning_numpy_loses_the_gradient_and_is_told(student_root):
    student_root.use("conv", "conv_loops.py")
    student_root.edit(
        "conv",
        "return self.activation(ops.stack(rows, axis=1) + self.bias)",
        "return (self.activation(ops.stack(rows, axis=1) + self.bias)).numpy()",
    )
    result = grade_root(student_root, "conv")["conv"]
    messages = {c.name: c.message for c in result.checks if not c.passed}
    assert "numpy.ndarray" in messages["dtype"]
    assert "no gradient" in messages["gradients"]


def test_sys_exit_in_student_code_does_not_stop_the_grader(student_root):
    student_root.edit(
        "conv",
        'raise NotImplementedError("Exercise 1.1: Conv2D.call")',
        "import sys; sys.exit(3)",
    )
    result = grade_root(student_root, "conv")["conv"]
    assert result.status == results.FAILED and result.points <= 4
    assert "SystemExit" in next(c.message for c in result.checks if c.name == "forward output")


def test_syntax_error_in_one_file_leaves_the_others_gradable(student_root):
    student_root.use("conv", "conv_loops.py")
    student_root.edit("pooling", "class MaxPool2D(_Pool2D):", "class MaxPool2D(_Pool2D)")
    graded = grade_root(student_root)
    assert graded["conv"].status == results.PASSED
    for slug in ("maxpool", "l2pool"):
        assert graded[slug].status == results.BROKEN
        assert "syntax error in exercises/pooling.py line" in graded[slug].reason
    # The network imports pooling.py, so it cannot load either, and says why.
    assert graded["network"].status == results.BROKEN
    assert "exercises/pooling.py" in graded["network"].reason


def test_network_written_before_the_layers_is_blocked(student_root):
    student_root.use("network", "network_sequential.py")
    result = grade_root(student_root, "network")["network"]
    assert result.status == results.BLOCKED
    assert "finish Exercise 1.1 first" in result.reason


def test_missing_class_is_reported(student_root):
    student_root.edit("conv", "class Conv2D(", "class MyConv(")
    result = grade_root(student_root, "conv")["conv"]
    assert result.status == results.BROKEN
    assert "has no `Conv2D`" in result.reason


@pytest.mark.parametrize("seed", [1, 2])
def test_grading_is_deterministic(student_root, seed):
    student_root.use("pooling", "pooling_stacked.py")
    student_root.edit("pooling", "squares = ops.sum(", "squares = ops.mean(")
    exercise = [catalog.find("l2pool")]
    first = grade(exercise, FolderImplementation(student_root.path), seed)[0].to_dict()
    second = grade(exercise, FolderImplementation(student_root.path), seed)[0].to_dict()
    assert first == second


def test_independent_boltzmann_rbm_and_dbn_get_full_points(student_root):
    student_root.use("boltzmann", "boltzmann_loops.py")
    student_root.use("rbm", "rbm_einsum.py")
    student_root.use("dbn", "dbn_sequential.py")
    for slug, result in grade_root(student_root, "boltzmann", "rbm", "dbn").items():
        assert result.status == results.PASSED, (slug, [c.message for c in result.checks])
        assert result.points == result.max_points == 10


def test_a_students_own_rbm_with_sampled_statistics_is_named(student_root):
    student_root.use("rbm", "rbm_einsum.py")
    student_root.edit(
        "rbm",
        "p_data, p_model = self.hidden_probs(data), self.hidden_probs(chain)",
        "p_data = self.sample_hidden(data, seed)\n"
        "        p_model = self.sample_hidden(chain, seed)",
    )
    result = grade_root(student_root, "rbm")["rbm"]
    assert failed_checks(result) == ["contrastive divergence (CD-k, PCD)"]


def test_a_students_sweep_with_other_draws_fails_only_the_same_draws_check(student_root):
    """A correct sampler that draws its numbers differently is still a correct sampler:
    the chain's distribution passes; only the exact same-draws comparison fails."""
    student_root.use("boltzmann", "boltzmann_loops.py")
    student_root.edit(
        "boltzmann", "rng.random(state.shape[0]) < on", "rng.random(state.shape[0]) > 1 - on"
    )
    result = grade_root(student_root, "boltzmann")["boltzmann"]
    assert failed_checks(result) == ["Gibbs sweep, same draws"]


def test_dbn_written_before_the_rbm_is_blocked(student_root):
    student_root.use("dbn", "dbn_sequential.py")
    result = grade_root(student_root, "dbn")["dbn"]
    assert result.status == results.BLOCKED and "Exercise 3.5" in result.reason


def test_independent_ais_gets_full_points_and_a_students_own_mistakes_are_named(student_root):
    student_root.use("ais", "ais_loops.py")
    exercise = catalog.find("ais")
    (result,) = grade([exercise], FolderImplementation(student_root.path), SEED, hidden_seed=11)
    assert result.status == results.PASSED and result.points == 10, failed_checks(result)
    # The weights averaged outside log space: exp overflows on the large RBM.
    student_root.edit(
        "ais",
        "return np.logaddexp.reduce(a) - np.log(len(a))",
        "return np.log(np.mean(np.exp(a)))",
    )
    result = grade_root(student_root, "ais")["ais"]
    assert failed_checks(result) == ["log-mean-exp in log space", "AIS estimate, same draws"]
    assert any(d.startswith("the weights leave log space") for d in result.diagnoses)
    # The visible conditional without the base rate's biases: not invariant, named.
    student_root.use("ais", "ais_loops.py")
    student_root.edit(
        "ais",
        "visible_input = (1 - beta) * base_bias + beta * b + beta * (h @ W.T)",
        "visible_input = beta * b + beta * (h @ W.T)",
    )
    result = grade_root(student_root, "ais")["ais"]
    assert "transitions leave p_β invariant" in failed_checks(result)
    assert any(d.startswith("the visible units' conditional leaves out") for d in result.diagnoses)


def test_independent_updown_gets_full_points_and_a_students_own_mistakes_are_named(student_root):
    student_root.use("updown", "updown_loops.py")
    exercise = catalog.find("updown")
    (result,) = grade([exercise], FolderImplementation(student_root.path), SEED, hidden_seed=11)
    assert result.status == results.PASSED and result.points == 10, failed_checks(result)
    # The sleep phase started from the wake's states: only the recognition update is off.
    student_root.edit(
        "updown",
        "dreamt = sleep_pass(params, chain_end[0], rng)",
        "dreamt = sleep_pass(params, awake[-1], rng)",
    )
    result = grade_root(student_root, "updown")["updown"]
    assert failed_checks(result) == ["sleep phase: recognition update"]
    assert any(d.startswith("the sleep phase starts from the data") for d in result.diagnoses)
    # The label units left out of the top RBM's hidden conditional.
    student_root.use("updown", "updown_loops.py")
    student_root.edit(
        "updown",
        "field = c + np.dot(pen, W[:n_pen]) + np.dot(labels, W[n_pen:])",
        "field = c + np.dot(pen, W[:n_pen])",
    )
    result = grade_root(student_root, "updown")["updown"]
    assert "top RBM over [h_L, labels]" in failed_checks(result)
    assert any(d.startswith("the label units are left out") for d in result.diagnoses)
    # Tied weights kept: down the recognition weights, in the sleep pass and the wake
    # phase's predictions.
    student_root.use("updown", "updown_loops.py")
    student_root.edit(
        "updown",
        "probs = sigmoid(np.dot(below[-1], weights) + bias)",
        "probs = sigmoid(np.dot(below[-1], params['recognition'][depth][0].T) + bias)",
    )
    student_root.edit(
        "updown",
        "miss = below - sigmoid(np.dot(above, G) + g)",
        "miss = below - sigmoid(np.dot(above, params['recognition'][index][0].T) + g)",
    )
    result = grade_root(student_root, "updown")["updown"]
    assert "sleep pass, same draws" in failed_checks(result)
    assert any(d.startswith("the weights are still tied") for d in result.diagnoses)


def test_an_independent_replay_buffer_gets_full_points_and_a_ring_bug_is_named(student_root):
    student_root.use("replay", "replay_counter.py")
    exercise = catalog.find("replay")
    (result,) = grade([exercise], FolderImplementation(student_root.path), SEED, hidden_seed=11)
    assert result.status == results.PASSED and result.points == 10, failed_checks(result)
    # A student's own ring that writes at len(self): once full, always slot 0.
    student_root.edit(
        "replay",
        "getattr(self, name)[self.next_slot] = value",
        "getattr(self, name)[len(self) % self.capacity] = value",
    )
    result = grade_root(student_root, "replay")["replay"]
    assert "only stored transitions, uniformly" in failed_checks(result)
    assert any(d.startswith("writes at len(self) % capacity") for d in result.diagnoses)


def test_a_replay_buffer_with_its_own_draws_loses_only_the_same_draws_check(student_root):
    """The statistical checks judge the student's samples without our draws."""
    student_root.use("replay", "replay_counter.py")
    student_root.edit(
        "replay",
        "picked = rng.integers(len(self), size=batch_size)",
        "if not len(self):\n"
        "            raise ValueError('the buffer is empty')\n"
        "        picked = np.floor(rng.random(batch_size) * len(self)).astype(int)",
    )
    result = grade_root(student_root, "replay")["replay"]
    assert failed_checks(result) == ["sample, same draws"] and result.points == 7


def test_an_independent_epsilon_greedy_gets_full_points_and_inverted_epsilon_is_named(
    student_root,
):
    student_root.use("exploration", "exploration_loops.py")
    exercise = catalog.find("epsilon")
    (result,) = grade([exercise], FolderImplementation(student_root.path), SEED, hidden_seed=11)
    assert result.status == results.PASSED and result.points == 10, failed_checks(result)
    student_root.edit("exploration", "if coin < epsilon:", "if coin > epsilon:")
    result = grade_root(student_root, "epsilon")["epsilon"]
    assert "actions as often as ε says" in failed_checks(result)
    assert any(d.startswith("ε applied the other way round") for d in result.diagnoses)
    # Ties to the last index: only the greedy check fails, and it is named.
    student_root.edit("exploration", "if coin > epsilon:", "if coin < epsilon:")
    student_root.edit("exploration", "if value > row[best]:", "if value >= row[best]:")
    result = grade_root(student_root, "epsilon")["epsilon"]
    assert failed_checks(result) == ["greedy at ε = 0, ties to the lowest index"]
    assert any(d.startswith("ties broken towards the highest index") for d in result.diagnoses)


def test_independent_q_targets_and_loss_get_full_points_and_moving_targets_are_named(
    student_root,
):
    student_root.use("qlearning", "qlearning_onehot.py")
    exercise = catalog.find("qlearning")
    (result,) = grade([exercise], FolderImplementation(student_root.path), SEED, hidden_seed=11)
    assert result.status == results.PASSED and result.points == 10, failed_checks(result)
    student_root.edit(
        "qlearning",
        'ops.stop_gradient(ops.cast(targets, "float32"))',
        'ops.cast(targets, "float32")',
    )
    result = grade_root(student_root, "qlearning")["qlearning"]
    assert failed_checks(result) == ["gradients"]
    assert any(d.startswith("the gradient flows into the targets") for d in result.diagnoses)
    # Terminal transitions bootstrapped: both target checks fail, named.
    student_root.use("qlearning", "qlearning_onehot.py")
    student_root.edit("qlearning", "return r + gamma * alive * best", "return r + gamma * best")
    result = grade_root(student_root, "qlearning")["qlearning"]
    assert {"targets", "Double DQN targets"} <= set(failed_checks(result))
    assert any(d.startswith("bootstrapped from a terminal state") for d in result.diagnoses)


def test_an_independent_sequence_model_gets_full_points_and_separate_argmax_is_named(
    student_root,
):
    student_root.use("sequences", "sequences_onehot.py")
    exercise = catalog.find("sequence")
    (result,) = grade([exercise], FolderImplementation(student_root.path), SEED, hidden_seed=11)
    assert result.status == results.PASSED and result.points == 10, failed_checks(result)
    # The length head's argmax alone: only decoding fails, and it is named.
    student_root.edit(
        "sequences",
        "        best_lengths[b], best_scores[b] = top_n, top_score\n",
        "        top_n = min(int(lengths_lp[b].argmax()), n_max)\n"
        "        top_score = lengths_lp[b, top_n] + digits_lp[b, :top_n].max(axis=1).sum()\n"
        "        best_lengths[b], best_scores[b] = top_n, top_score\n",
    )
    result = grade_root(student_root, "sequence")["sequence"]
    assert failed_checks(result) == [
        "decode, random logits",
        "decode, the best length with its digits",
    ]
    assert any(d.startswith("the length head's argmax taken alone") for d in result.diagnoses)
    # Every position counted, past the length too.
    student_root.use("sequences", "sequences_onehot.py")
    student_root.edit(
        "sequences",
        "total = total + ops.where(lengths > i, term, ops.zeros_like(term))",
        "total = total + term",
    )
    result = grade_root(student_root, "sequence")["sequence"]
    assert failed_checks(result) == ["log-likelihood", "its gradients"]
    assert any(d.startswith("positions past the length counted") for d in result.diagnoses)
    # Masked by the digit's sign: right on −1 padding, wrong on the "anything" it allows.
    student_root.use("sequences", "sequences_onehot.py")
    student_root.edit(
        "sequences",
        "total = total + ops.where(lengths > i, term, ops.zeros_like(term))",
        "total = total + ops.where(digits[:, i] >= 0, term, ops.zeros_like(term))",
    )
    result = grade_root(student_root, "sequence")["sequence"]
    assert failed_checks(result) == ["log-likelihood"]
    assert any(d.startswith("positions past the length found by the digit's sign") for d in
               result.diagnoses), result.diagnoses  # fmt: skip


def test_an_independent_fgsm_and_adversarial_objective_get_full_points_and_mistakes_are_named(
    student_root,
):
    student_root.use("adversarial", "adversarial_tape.py")
    for slug in ("fgsm", "advtrain"):
        (result,) = grade(
            [catalog.find(slug)], FolderImplementation(student_root.path), SEED, hidden_seed=11
        )
        assert result.status == results.PASSED and result.points == 10, failed_checks(result)
    student_root.edit(
        "adversarial", "out = x + epsilon * tf.sign(grad)", "out = x - epsilon * tf.sign(grad)"
    )
    result = grade_root(student_root, "fgsm")["fgsm"]
    assert result.points == 0
    assert any(d.startswith("the step goes down the gradient") for d in result.diagnoses)
    student_root.use("adversarial", "adversarial_tape.py")
    student_root.edit(
        "adversarial",
        "return alpha * j_clean + (1 - alpha) * j_adv",
        "return alpha * j_adv + (1 - alpha) * j_clean",
    )
    result = grade_root(student_root, "advtrain")["advtrain"]
    assert failed_checks(result) == ["other α"]  # at α = 0.5 the two agree
    assert any(d.startswith("α on the adversarial term") for d in result.diagnoses)
