"""Grading of an exercise whose answer is a Keras layer (Conv2D, MaxPool2D, ...)."""

import os
import tempfile
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from . import exercise as base
from . import numeric, rules
from .compare import compare
from .observe import observe_layer, rng_for
from .results import CheckResult
from .student_errors import explain

from .numeric import FORWARD_TOLERANCE, GRADIENT_TOLERANCE

# Points per check; the contract checks come first, then the numbers.
POINTS = {
    "no ready-made op": 1,
    "weights": 1,
    "output shape": 1,
    "dtype": 1,
    "config round trip": 1,
    "save and load (.keras)": 1,
    "inside tf.function": 1,
    "forward output": 2,
    "gradients": 1,
}
# A layer without weights (pooling) has no weights to check; its gradient, the only
# way anything is learned through it, counts double instead.
POINTS_WITHOUT_WEIGHTS = {**POINTS, "gradients": 2}
del POINTS_WITHOUT_WEIGHTS["weights"]


def make_input(case, seed, case_index):
    x = rng_for(seed, "input", case_index).standard_normal(case.input_shape)
    if case.zero_window:
        x = np.maximum(x, 0.0)
        x[:, :3, :3, :] = 0.0  # a whole window of zeros, as after a ReLU
    return x.astype(np.float32)


@dataclass(frozen=True)
class LayerExercise:
    id: str
    slug: str
    title: str
    section: str
    module: str
    name: str
    cases: tuple
    banned_names: frozenset
    banned_kernels: frozenset
    mistakes: tuple
    hints: tuple
    has_weights: bool = True

    kind = "layer"

    @property
    def points(self):
        return POINTS if self.has_weights else POINTS_WITHOUT_WEIGHTS

    @property
    def max_points(self):
        return sum(self.points.values())

    def grade(self, implementation, reference, seed):
        result = base.start_result(self, seed)
        student_class = base.resolve(self, implementation, result)
        if student_class is None:
            return result
        source_dir = implementation.source_dir
        inputs = [make_input(case, seed, i) for i, case in enumerate(self.cases)]
        mine = self._observe(student_class, inputs, seed)
        for observation in mine:
            status = base.not_written(observation.error, self.id)
            if status:
                result.status, result.reason = status
                return result
        ref = self._observe(reference.get(self.module, self.name), inputs, seed)
        for name, check in (
            ("no ready-made op", lambda: self._check_rules(student_class, mine, inputs)),
            ("weights", lambda: self._check_weights(mine, ref, source_dir)),
            ("output shape", lambda: self._check_shapes(mine, ref, source_dir)),
            ("dtype", lambda: self._check_dtype(mine, source_dir)),
            ("config round trip", lambda: self._check_config(student_class, mine, inputs)),
            ("save and load (.keras)", lambda: self._check_saving(mine, inputs)),
            ("inside tf.function", lambda: self._check_tf_function(mine, inputs)),
            ("forward output", lambda: self._check_forward(mine, ref, source_dir)),
            ("gradients", lambda: self._check_gradients(mine, ref, source_dir)),
        ):
            if name not in self.points:
                continue
            try:
                passed, message = check()
            except KeyboardInterrupt:
                raise
            except BaseException as error:  # a check must never crash the grader
                passed, message = False, explain(error, source_dir)
            result.checks.append(CheckResult(name, self.points[name], passed, message))
        if not all(c.passed for c in result.checks[1:]):
            result.diagnoses.extend(self._diagnose(mine, ref, inputs, seed))
        return base.finish(result)

    # --- running -------------------------------------------------------------------

    def _observe(self, layer_class, inputs, seed):
        return [
            observe_layer(layer_class, case.config, x, seed, i)
            for i, (case, x) in enumerate(zip(self.cases, inputs))
        ]

    def _diagnose(self, mine, ref, inputs, seed):
        found = []
        for mistake in self.mistakes:
            theirs = self._observe(mistake.load(), inputs, seed)
            if base.matches(mine, ref, theirs, FORWARD_TOLERANCE, GRADIENT_TOLERANCE):
                found.append(mistake.message)
        return found

    def _describe(self, index):
        return f"{self.name}{self.cases[index].label}"

    def _first_error(self, observations, source_dir):
        return numeric.first_error(observations, self._describe, source_dir)

    def _built(self, observation):
        return observation.extra.get("layer")

    # --- contract checks -----------------------------------------------------------

    def _check_rules(self, student_class, mine, inputs):
        source, path = rules.module_source(student_class)
        found = rules.banned_in_source(source, self.banned_names, own_names={self.name})
        if found:
            line, text = found[0]
            return False, (
                f"{os.path.basename(path)} line {line} uses `{text}`: this exercise is to "
                "write the operation yourself from slices, sums and products"
            )
        layer = self._built(mine[0])
        if layer is None:
            return False, "the layer could not be built, so its graph could not be read"
        x = tf.constant(inputs[0])
        try:
            kernels = rules.banned_in_graph(lambda: layer(x), self.banned_kernels)
        except Exception:
            # It does not trace at all; 'inside tf.function' reports why.
            return True, "no ready-made op in the source; the graph does not trace"
        if kernels:
            return False, (
                f"the traced graph runs the ready-made kernel(s) {', '.join(kernels)}: "
                "write the operation yourself from slices, sums and products"
            )
        return True, "no ready-made convolution or pooling op, in the source or the graph"

    def _check_weights(self, mine, ref, source_dir):
        for i, (m, r) in enumerate(zip(mine, ref)):
            if not m.weight_shapes and m.error is not None:
                return False, self._first_error([m], source_dir)
            if m.weight_shapes != r.weight_shapes:
                return False, (
                    f"{self._describe(i)}: expected weights "
                    f"{_shapes(r.weight_shapes)}, got {_shapes(m.weight_shapes)}"
                )
        return True, f"weights {_shapes(ref[0].weight_shapes)} as the stub creates them"

    def _check_shapes(self, mine, ref, source_dir):
        error = self._first_error(mine, source_dir)
        if error:
            return False, error
        for i, (m, r) in enumerate(zip(mine, ref)):
            if np.shape(m.output) != np.shape(r.output):
                return False, (
                    f"{self._describe(i)}: expected output shape {tuple(np.shape(r.output))},"
                    f" got {tuple(np.shape(m.output))}: check the output-size formula"
                    " in the docstring"
                )
        return True, f"output shapes right on all {len(mine)} cases"

    def _check_dtype(self, mine, source_dir):
        error = self._first_error(mine, source_dir)
        if error:
            return False, error
        for i, m in enumerate(mine):
            if m.output_kind != "tf.Tensor float32":
                advice = (
                    "keep the computation in keras.ops so it stays a tensor and gradients flow"
                    if "numpy" in m.output_kind
                    else "keep float32 throughout (keras.ops.cast if needed)"
                )
                return False, (
                    f"{self._describe(i)}: expected a tf.Tensor float32, got "
                    f"{m.output_kind}: {advice}"
                )
        return True, "returns float32 tensors"

    def _check_config(self, student_class, mine, inputs):
        for i, observation in enumerate(mine):
            layer = self._built(observation)
            if layer is None:
                return False, f"{self._describe(i)} could not be built"
            config = layer.get_config()
            clone = student_class.from_config(config)
            if clone.get_config() != config:
                return False, (
                    f"{self._describe(i)}: from_config(get_config()) gives "
                    f"{clone.get_config()}, not {config}: get_config must return every "
                    "constructor argument"
                )
            clone.build(tuple(inputs[i].shape))
            clone.set_weights(layer.get_weights())
            comparison = compare(
                "output of the clone",
                np.asarray(layer(inputs[i])),
                np.asarray(clone(inputs[i])),
                FORWARD_TOLERANCE,
            )
            if not comparison.ok:
                return False, (
                    f"{self._describe(i)}: {comparison.summary}: the layer rebuilt from its "
                    "config computes something else: get_config must return every "
                    "constructor argument"
                )
        return True, "from_config(get_config()) rebuilds the same layer"

    def _check_saving(self, mine, inputs):
        layer = self._built(mine[0])
        if layer is None:
            return False, "the layer could not be built"
        x = inputs[0]
        model = keras.Sequential([keras.Input(shape=x.shape[1:], batch_size=None), layer])
        expected = np.asarray(model(x))
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "layer.keras")
            model.save(path)
            try:
                loaded = keras.saving.load_model(path)
            except Exception as error:
                return False, (
                    f"the saved model does not load back ({type(error).__name__}: "
                    f"{str(error).splitlines()[0][:200]}): keep the "
                    "@keras.saving.register_keras_serializable decorator and get_config"
                )
        comparison = compare("output after loading", expected, np.asarray(loaded(x)), FORWARD_TOLERANCE)
        if not comparison.ok:
            return False, comparison.summary
        return True, "a model holding the layer saves to .keras and loads back identical"

    def _check_tf_function(self, mine, inputs):
        for i, observation in enumerate(mine):
            layer = self._built(observation)
            if layer is None or observation.error is not None:
                return False, f"{self._describe(i)} does not run eagerly, so not in a graph either"
            compiled = tf.function(lambda t, layer=layer: layer(t))
            got = compiled(tf.constant(inputs[i]))
            comparison = compare(
                "output in tf.function", observation.output, np.asarray(got), FORWARD_TOLERANCE
            )
            if not comparison.ok:
                return False, (
                    f"{self._describe(i)}: {comparison.summary}: inside tf.function avoid "
                    "Python-side values (.numpy(), float(tensor), NumPy calls on tensors)"
                )
        return True, "gives the same output traced in tf.function as eagerly"

    # --- numeric checks ------------------------------------------------------------

    def _check_forward(self, mine, ref, source_dir):
        return numeric.check_forward(mine, ref, self._describe, source_dir)

    def _check_gradients(self, mine, ref, source_dir):
        return numeric.check_gradients(mine, ref, self._describe, source_dir)


def _shapes(weight_shapes):
    if not weight_shapes:
        return "none"
    return ", ".join(f"{name} {shape}" for name, shape in weight_shapes)
