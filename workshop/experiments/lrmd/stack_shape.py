"""The shape of one LRMD layer (stack.py builds it), free of TensorFlow."""

from dataclasses import dataclass


@dataclass(frozen=True)
class StackShape:
    maps: int  # feature maps k of the locally connected layer
    kernel: int  # receptive field, kernel × kernel
    stride: int
    pool: int  # L2 pooling over this many neighbouring maps
    lcn_radius: int
    lcn_sigma: float
