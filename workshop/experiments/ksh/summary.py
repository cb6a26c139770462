"""The KSH table over seeds: each row's mean ± sd, its Δ against its comparison net,
and whether the Δ exceeds the spread (pandas only, so that it is tested without
TensorFlow)."""

import pandas as pd

# A net has left the chance plateau (training error 99%) when its training error first
# falls to Setup.training_error (90%: ten times chance's accuracy).
LEFT_CHANCE = "epochs to 90% training error"

# Each row's delta is against the net it changes: the base, or for two columns the
# one-column net with half the kernels (KSH's own comparison).
AGAINST = {"two_columns": "half"}


def against_base(key):
    """The net a KSH row is compared with."""
    return AGAINST.get(key, "base")


def summary(per_seed, against_of=against_base):
    """One line per row from `per_seed` (a line per row and seed): the mean and the
    sample standard deviation (n − 1) over the seeds of top-1 and top-5 error; Δ, the
    row's mean minus its comparison net's mean (`against_of(row)`, percentage points);
    and whether |Δ| exceeds the spread, taken as the sum of the two nets' standard
    deviations (their mean ± sd intervals do not overlap). With one seed there is no
    spread: the sds and the verdicts are empty.

    Columns: row, change, seeds, top-1 error % (the mean), top-1 sd, top-5 error %,
    top-5 sd, Δ top-1, Δ top-5, against, Δ top-1 > spread, Δ top-5 > spread, the
    ten-crop means, the mean training error at the last epoch, seeds left chance
    ("3/3"), epochs to 90% training error (each seed's, "—" for never), parameters,
    mean training seconds, KSH.
    """

    def spread_of(errors):
        return round(float(errors.std(ddof=1)), 2) if len(errors) > 1 else None

    groups = dict(tuple(per_seed.groupby("row", sort=False)))
    means = {
        key: {k: round(float(group[f"top-{k} error %"].mean()), 2) for k in (1, 5)}
        for key, group in groups.items()
    }
    sds = {
        key: {k: spread_of(group[f"top-{k} error %"]) for k in (1, 5)}
        for key, group in groups.items()
    }
    lines = []
    for key, group in groups.items():
        against = against_of(key)
        compared = key != against and against in groups
        line = {"row": key, "change": group["change"].iloc[0], "seeds": len(group)}
        for k in (1, 5):
            line[f"top-{k} error %"] = means[key][k]
            line[f"top-{k} sd"] = sds[key][k]
        for k in (1, 5):
            line[f"Δ top-{k}"] = round(means[key][k] - means[against][k], 2) if compared else None
        line["against"] = against
        for k in (1, 5):
            spread = None
            if compared and sds[key][k] is not None and sds[against][k] is not None:
                spread = sds[key][k] + sds[against][k]
            line[f"Δ top-{k} > spread"] = (
                None if spread is None else bool(abs(line[f"Δ top-{k}"]) > spread)
            )
        for column in ("10-crop top-1 %", "10-crop top-5 %", "training error % (last epoch)"):
            values = group[column].dropna()
            line[column] = round(float(values.mean()), 2) if len(values) else None
        epochs = group[LEFT_CHANCE].tolist()
        line["left chance"] = f"{sum(not pd.isna(e) for e in epochs)}/{len(epochs)}"
        line[LEFT_CHANCE] = " ".join("—" if pd.isna(e) else str(int(e)) for e in epochs)
        line["parameters"] = int(group["parameters"].iloc[0])
        line["training seconds"] = round(float(group["training seconds"].mean()), 1)
        line["KSH"] = group["KSH"].iloc[0]
        lines.append(line)
    return pd.DataFrame(lines)
