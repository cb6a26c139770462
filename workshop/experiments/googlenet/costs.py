"""What the inception module's 1×1 reductions save: weights and multiply-adds of
GoogLeNet's nine modules (Szegedy et al. 2015, Table 1), with and without them.

The weights are counted on built layers: the student's (or the reference's)
`InceptionModule` for the module as the paper has it, and Keras's `Conv2D` for the
naive module of Figure 2(a). Multiply-adds are counted per convolution: each output
position of a k×k convolution from C to F maps costs k²·C·F (biases and pooling left
out, as the paper's "ops" leave them out).
"""

from dataclasses import dataclass

import keras
import pandas as pd


@dataclass(frozen=True)
class Module:
    name: str
    size: int  # height = width of its input
    channels: int  # of its input
    maps: tuple  # f1, f3_reduce, f3, f5_reduce, f5, pool_proj (Table 1's columns)


# GoogLeNet's modules, from Table 1: input size and channels, and the six widths.
MODULES = (
    Module("3a", 28, 192, (64, 96, 128, 16, 32, 32)),
    Module("3b", 28, 256, (128, 128, 192, 32, 96, 64)),
    Module("4a", 14, 480, (192, 96, 208, 16, 48, 64)),
    Module("4b", 14, 512, (160, 112, 224, 24, 64, 64)),
    Module("4c", 14, 512, (128, 128, 256, 24, 64, 64)),
    Module("4d", 14, 512, (112, 144, 288, 32, 64, 64)),
    Module("4e", 14, 528, (256, 160, 320, 32, 128, 128)),
    Module("5a", 7, 832, (256, 160, 320, 32, 128, 128)),
    Module("5b", 7, 832, (384, 192, 384, 48, 128, 128)),
)


def multiply_adds(module, naive=False):
    """Multiply-adds of one module on one image."""
    f1, f3_reduce, f3, f5_reduce, f5, pool_proj = module.maps
    c = module.channels
    if naive:  # Figure 2(a): 1×1, 3×3 and 5×5 straight from the input, pooling as is
        per_position = c * f1 + 9 * c * f3 + 25 * c * f5
    else:
        per_position = (
            c * f1 + c * f3_reduce + 9 * f3_reduce * f3 + c * f5_reduce + 25 * f5_reduce * f5
        )
        per_position += c * pool_proj
    return module.size * module.size * per_position


def naive_weights(module):
    """Weights of the naive module, counted on Keras layers built on its input."""
    f1, _, f3, _, f5, _ = module.maps
    shape = (None, module.size, module.size, module.channels)
    total = 0
    for filters, size in ((f1, 1), (f3, 3), (f5, 5)):
        layer = keras.layers.Conv2D(filters, size, padding="same")
        layer.build(shape)
        total += layer.count_params()
    return total


def module_weights(inception_module, module):
    """Weights of the module as built by `inception_module` (the student's class)."""
    layer = inception_module(*module.maps)
    layer.build((None, module.size, module.size, module.channels))
    return int(layer.count_params())


def table(inception_module):
    """One row per module: weights and multiply-adds, naive against with reductions."""
    rows = []
    for module in MODULES:
        weights = module_weights(inception_module, module)
        naive = naive_weights(module)
        adds = multiply_adds(module)
        naive_adds = multiply_adds(module, naive=True)
        out_channels = module.maps[0] + module.maps[2] + module.maps[4] + module.maps[5]
        naive_out = out_channels - module.maps[5] + module.channels  # pooling passes C
        rows.append(
            {
                "module": module.name,
                "input": f"{module.size}×{module.size}×{module.channels}",
                "output channels (naive)": f"{out_channels} ({naive_out})",
                "weights": weights,
                "weights naive": naive,
                "multiply-adds (M)": round(adds / 1e6, 1),
                "multiply-adds naive (M)": round(naive_adds / 1e6, 1),
                "saved ×": round(naive_adds / adds, 2),
            }
        )
    frame = pd.DataFrame(rows)
    totals = frame[["weights", "weights naive", "multiply-adds (M)", "multiply-adds naive (M)"]]
    total = {"module": "all nine", "input": "", "output channels (naive)": ""}
    sums = totals.sum()
    total.update(
        {
            k: int(sums[k]) if k.startswith("weights") else round(float(sums[k]), 1)
            for k in sums.index
        }
    )
    total["saved ×"] = round(total["multiply-adds naive (M)"] / total["multiply-adds (M)"], 2)
    return pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
