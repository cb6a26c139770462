"""The RBM experiment's settings, kept free of TensorFlow so that the command line
checks its flags before the slow import."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Setup:
    batch_size: int = 10
    learning_rate: float = 0.05
    ll_hidden: int = 16  # small enough to enumerate every hidden state
    ll_epochs: int = 30
    feature_hidden: int = 100
    feature_epochs: int = 30
    sample_steps: int = 1000  # Gibbs steps before the samples are drawn
    speed_rounds: int = 15  # alternating epochs timed against scikit-learn
    dbn_hidden: tuple = (100, 100)
    dbn_pretrain_epochs: int = 20
    dbn_epochs: int = 60
    dbn_batch_size: int = 32
    dbn_learning_rate: float = 0.003
    # AIS against the exact log Z (notes §3.3.1): RBMs small enough to sum exactly, the
    # numbers K of intermediate distributions tried (Salakhutdinov & Murray's 14,500 the
    # largest), runs per estimate and independent estimates for the spread. The feature
    # RBM (too large to sum) gets the largest K only.
    ais_hidden: tuple = (16, 20)
    ais_steps: tuple = (145, 1450, 14500)
    ais_runs: int = 100
    ais_repeats: int = 5
    # Likelihoods where exact is impossible: RBMs of these sizes trained by each method
    # (CD-1, CD-10, PCD-1) for ll_epochs, compared by AIS at the largest K (Salakhutdinov
    # & Murray 2008 compared CD-1, CD-3 and CD-25 so), each from compare_repeats estimates.
    compare_hidden: tuple = (100, 500)
    compare_repeats: int = 2
    # The DBN with label units (notes §3.3.2): a top RBM over [h_L, labels] on the DBN's
    # stack, pre-trained as the others, then up-down (Exercise 3.8); classes.png's
    # samples after class_sample_steps Gibbs steps at the top.
    top_hidden: int = 300
    top_epochs: int = 100
    updown_epochs: int = 30
    updown_batch_size: int = 10
    updown_learning_rate: float = 0.01
    updown_k: int = 3
    class_sample_steps: int = 500


QUICK = Setup(
    ll_hidden=8,
    ll_epochs=2,
    feature_hidden=16,
    feature_epochs=1,
    sample_steps=20,
    speed_rounds=2,
    dbn_hidden=(16,),
    dbn_pretrain_epochs=1,
    # Fine-tuning on 10% of the labels is 4 steps an epoch: one epoch left it at chance.
    dbn_epochs=5,
    ais_hidden=(8,),
    ais_steps=(10, 100),
    ais_runs=20,
    ais_repeats=2,
    compare_hidden=(8,),
    top_hidden=32,
    top_epochs=1,
    updown_epochs=1,
    class_sample_steps=20,
)
