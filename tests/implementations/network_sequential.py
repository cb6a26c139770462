"""Exercise 1.4: the notes' Figure 4 network, assembled from your own layers.

Only what a student writes: tests/splice.py lays it over the current stub."""


def build_network(
    input_shape=(28, 28, 1),
    conv_layers=((20, 5),),
    pool="max",
    hidden_units=(100,),
    num_classes=10,
    activation="sigmoid",
    dropout=0.0,
):
    if pool not in POOLS:
        raise ValueError(f"`pool` must be one of {sorted(POOLS)}. Received: pool={pool!r}")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"`dropout` must be in [0, 1). Received: dropout={dropout!r}")

    # A Sequential model instead of the functional API.
    layers = [keras.Input(shape=input_shape)]
    for filters, kernel_size in conv_layers:
        layers += [Conv2D(filters, kernel_size, activation=activation), POOLS[pool](pool_size=2)]
    layers.append(keras.layers.Flatten())
    for units in tuple(hidden_units) + (None,):
        if dropout > 0:
            layers.append(keras.layers.Dropout(rate=dropout))
        if units is None:
            layers.append(keras.layers.Dense(num_classes, activation="softmax"))
        else:
            layers.append(keras.layers.Dense(units, activation=activation))
    return keras.Sequential(layers)
