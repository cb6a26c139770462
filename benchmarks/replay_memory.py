"""What run dqn's Atari replay holds at the paper's million transitions, and what it costs
to sample, against Exercise 4.1's buffer (both observations whole).

Memory at full scale: the arithmetic for both, and one measured allocation of ours (the
resident memory before and after its frames are written once). Sampling: batches of 32
from both, filled with the same transitions, timed in this process (a ratio: absolute
times vary with the machine).

    python benchmarks/replay_memory.py [--capacity 1000000] [--small 20000]
"""

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from solutions.replay import ReplayBuffer  # noqa: E402
from workshop.experiments.dqn.frames import FrameReplay  # noqa: E402

SHAPE = (84, 84, 4)


def resident_gib():
    """This process's resident memory now, GiB (Linux: /proc/self/statm)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**30


def fill(buffer, count, seed=0):
    rng = np.random.default_rng(seed)
    observation = rng.integers(0, 256, SHAPE, dtype=np.uint8)
    for step in range(count):
        new = rng.integers(0, 256, SHAPE[:2], dtype=np.uint8)
        following = np.concatenate([observation[..., 1:], new[..., None]], axis=-1)
        done = step % 500 == 499
        buffer.add(observation, step % 4, 0.0, following, done)
        observation = rng.integers(0, 256, SHAPE, dtype=np.uint8) if done else following


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--capacity", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=20_000, help="transitions for the timing")
    args = parser.parse_args()

    frame = int(np.prod(SHAPE[:2]))
    whole = 2 * args.capacity * frame * SHAPE[2]
    print(f"{args.capacity:,} transitions of {SHAPE}, uint8:")
    print(f"  4.1's ReplayBuffer (both observations whole): {whole / 2**30:.2f} GiB (arithmetic)")
    print(f"  FrameReplay (each frame once): {(args.capacity + 4) * frame / 2**30:.2f} GiB of "
          "frames (arithmetic), plus each kept episode's first observation (27.6 KiB)")  # fmt: skip
    before = resident_gib()
    ours = FrameReplay(args.capacity, SHAPE, "uint8")
    ours.frames.fill(7)  # np.zeros maps lazily: write every page once
    after = resident_gib()
    print(f"  measured: FrameReplay({args.capacity:,}) allocated and written: resident "
          f"{after - before:.2f} GiB more ({ours.nbytes / 2**30:.2f} GiB by nbytes)")  # fmt: skip
    del ours

    reference, small = ReplayBuffer(args.small, SHAPE, "uint8"), FrameReplay(args.small, SHAPE)
    fill(reference, args.small)
    fill(small, args.small)
    timings = {}
    for name, buffer in (("ReplayBuffer", reference), ("FrameReplay", small)):
        generator = np.random.default_rng(1)
        started = time.perf_counter()
        for _ in range(300):
            buffer.sample(32, generator)
        timings[name] = (time.perf_counter() - started) / 300
    same = all(
        np.array_equal(a, b)
        for a, b in zip(reference.sample(32, 5).values(), small.sample(32, 5).values())
    )
    ratio = timings["FrameReplay"] / timings["ReplayBuffer"]
    print(f"sampling 32 from {args.small:,} (same batches: {same}): "
          + ", ".join(f"{k} {1e3 * v:.3f} ms" for k, v in timings.items())
          + f"; FrameReplay / ReplayBuffer {ratio:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
