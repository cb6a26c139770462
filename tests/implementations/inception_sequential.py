"""Exercise 2.6: GoogLeNet's inception module.

Only what a student writes: tests/splice.py lays it over the current stub."""


class InceptionModule:
    def build(self, input_shape):
        # Each branch one keras.Sequential, in the docstring's order of weights; the
        # reductions live inside their branch instead of attributes of their own.
        def conv(filters, size):
            return keras.layers.Conv2D(filters, size, padding="same", activation="relu")

        self.branches = [
            keras.Sequential([conv(self.f1, 1)]),
            keras.Sequential([conv(self.f3_reduce, 1), conv(self.f3, 3)]),
            keras.Sequential([conv(self.f5_reduce, 1), conv(self.f5, 5)]),
            keras.Sequential(
                [keras.layers.MaxPooling2D(3, strides=1, padding="same"), conv(self.pool_proj, 1)]
            ),
        ]
        for branch in self.branches:
            branch.build(tuple(input_shape))

    def call(self, inputs):
        return ops.concatenate([branch(inputs) for branch in self.branches], axis=-1)
