"""The GoogLeNet experiment's settings, kept free of TensorFlow so that the command
line checks its flags before the slow import."""

from dataclasses import dataclass, field, replace

from ..ksh.setup import NEEDS as KSH_NEEDS
from ..ksh.setup import QUICK as KSH_QUICK
from ..ksh.setup import SINGLE_SEED as KSH_SINGLE_SEED
from ..ksh.setup import Setup as KshSetup

# The KSH net's objects, and the student's inception module.
NEEDS = dict(KSH_NEEDS, InceptionModule=("inception", "InceptionModule"))


@dataclass(frozen=True)
class Setup:
    # The training both nets share: run ksh's single-seed setting of before issue 30
    # (12 epochs, He's start for the convs, Glorot's for the fully connected layers),
    # which docs/experiments/googlenet.md measured.
    ksh: KshSetup = field(default_factory=lambda: KSH_SINGLE_SEED)
    # (f1, f3_reduce, f3, f5_reduce, f5, pool_proj): Table 1's 3a, 3b and 4a over 4.
    modules: tuple = ((16, 24, 32, 4, 8, 8), (32, 32, 48, 8, 24, 16), (48, 24, 52, 4, 12, 16))
    stem: tuple = (32, 48)


# Its nets as run ksh --quick's, trained as SINGLE_SEED's (no centring, batch 64).
QUICK = Setup(
    ksh=replace(KSH_QUICK, each_image="none", batch_size=64),
    modules=((4, 4, 4, 2, 2, 2),) * 3,
    stem=(8, 8),
)
