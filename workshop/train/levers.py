"""The two levers a GPU user pulls first, mixed precision and XLA, set once per run.

`workshop run --precision mixed` means Keras's `mixed_float16` policy on GPUs (with a
dynamic loss scale: float16 gradients underflow) and `mixed_bfloat16` on CPUs (bfloat16
keeps float32's range, so no scale is needed): layers compute in 16 bits and keep their
variables in float32. `--jit-compile` compiles each replica's forward and backward pass
with XLA (`tf.function(jit_compile=True)`), as Keras's own `fit` does inside
`strategy.run`; the optimizer's update and the replicas' all-reduce stay outside it.

The harness sets both before any model is built (`configure`); the training loops ask
this module (`gradient_function`, `loss_scaled`) and models know nothing of either, as
they know nothing of the strategy, except that the experiments' softmax layers are
float32 (Keras's advice: the probabilities feed the loss) and the loops cast every
output to float32 before a loss or a metric. `record()` goes into every run folder's settings, so
a run never resumes a checkpoint made under the other setting.
"""

import keras

PRECISIONS = ("float32", "mixed")
# Asynchronous SGD has no optimizer to hold a dynamic scale: a fixed one, and a step
# whose gradients are not finite is skipped (Micikevicius et al. 2018, §3.2).
STATIC_LOSS_SCALE = 2.0**12

_jit_compile = False


def policy_for(tf, precision):
    """The Keras dtype policy `--precision` names on this machine."""
    if precision == "float32":
        return "float32"
    if precision != "mixed":
        raise ValueError(f"unknown precision '{precision}'; choose from {', '.join(PRECISIONS)}")
    return "mixed_float16" if tf.config.list_physical_devices("GPU") else "mixed_bfloat16"


def configure(tf, precision="float32", jit_compile=False):
    """Set the global dtype policy and whether steps are compiled; returns the policy."""
    global _jit_compile
    policy = policy_for(tf, precision)
    keras.mixed_precision.set_global_policy(policy)
    _jit_compile = bool(jit_compile)
    if _jit_compile:
        from ..quiet import warm_up_xla

        warm_up_xla(tf)
    return policy


def policy():
    return keras.mixed_precision.global_policy().name


def jit_compile():
    return _jit_compile


def record():
    """The levers as a run's settings record them."""
    return {"precision": policy(), "jit_compile": _jit_compile}


def describe():
    """E.g. "precision mixed_bfloat16, XLA on"."""
    return f"precision {policy()}, XLA {'on' if _jit_compile else 'off'}"


def needs_loss_scale():
    return policy() == "mixed_float16"


def loss_scaled(optimizer):
    """`optimizer` wrapped in Keras's dynamic loss scale when float16 needs one. Its
    `apply_gradients` takes the scaled gradients, unscales them and skips a step whose
    gradients are not finite (halving the scale)."""
    if needs_loss_scale() and not isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return keras.optimizers.LossScaleOptimizer(optimizer)
    return optimizer


def scale_of(optimizer):
    """The factor the loss is multiplied by before the gradients (1 without scaling)."""
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return optimizer.dynamic_scale
    return 1.0


def clipnorm_for(optimizer, clipnorm):
    """A global-norm clip for gradients still multiplied by the loss scale: clipping
    them to clipnorm × scale is clipping the true gradient to clipnorm. Call it inside
    the step: the scale changes as training goes."""
    return clipnorm * scale_of(optimizer) if clipnorm else clipnorm


def gradient_function(tf, compute_loss, variables, optimizer=None, compile=True):
    """`(*batch) -> (loss, gradients, *extras)` for `compute_loss(*batch) -> (loss,
    *extras)`: the loss cast to float32, its gradients for `variables` multiplied by the
    optimizer's loss scale (which its `apply_gradients` divides out again), compiled by
    XLA when `--jit-compile` is on (and `compile`: a loss that runs only eagerly
    cannot be). Call it inside the replica's step."""

    def gradients(*batch):
        with tf.GradientTape() as tape:
            loss, *extras = compute_loss(*batch)
            loss = tf.cast(loss, tf.float32)
            scaled = loss * scale_of(optimizer)
        return (loss, tape.gradient(scaled, variables), *extras)

    return tf.function(gradients, jit_compile=True) if _jit_compile and compile else gradients


def as_float32(tf, tensors):
    """Outputs of a model under a mixed policy, in float32 for the loss and the metrics."""
    return tf.nest.map_structure(lambda t: None if t is None else tf.cast(t, tf.float32), tensors)
