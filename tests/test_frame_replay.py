"""The replay that keeps each frame once (run dqn's Atari buffer) against Exercise 4.1's
reference, which keeps both observations whole: the same batches from the same draws,
through episodes, resets, a ring that wraps and a checkpoint."""

import numpy as np
import pytest

from solutions.replay import ReplayBuffer
from workshop.experiments.dqn.frames import FrameReplay

SHAPE = (6, 5, 4)  # frames of 6×5, four stacked, the newest last


def transitions(count, seed, reset="repeat"):
    """Stacked-frame transitions as an Atari wrapper makes them: each step shifts the
    stack by one new frame; an episode (1 to 12 steps) starts from a fresh stack (the
    first frame repeated, or zeros before it); now and then a transition whose next
    observation is not a shift (an environment we did not foresee)."""
    rng = np.random.default_rng(seed)

    def fresh():
        frame = rng.integers(0, 256, SHAPE[:2], dtype=np.uint8)
        if reset == "repeat":
            return np.repeat(frame[..., None], 4, axis=-1)
        stack = np.zeros(SHAPE, np.uint8)
        stack[..., -1] = frame
        return stack

    observation, left = fresh(), rng.integers(1, 13)
    for _ in range(count):
        new = rng.integers(0, 256, SHAPE[:2], dtype=np.uint8)
        following = np.concatenate([observation[..., 1:], new[..., None]], axis=-1)
        if rng.random() < 0.03:
            following = rng.integers(0, 256, SHAPE, dtype=np.uint8)
        left -= 1
        done = left == 0
        yield observation, int(rng.integers(0, 4)), float(rng.normal()), following, done
        observation = following
        if done:
            observation, left = fresh(), rng.integers(1, 13)


@pytest.mark.parametrize("reset", ["repeat", "zeros"])
@pytest.mark.parametrize("capacity", [1, 7, 40])
def test_every_batch_equals_the_reference_buffers(capacity, reset):
    reference = ReplayBuffer(capacity, SHAPE, "uint8")
    ours = FrameReplay(capacity, SHAPE, "uint8")
    for step, transition in enumerate(transitions(300, seed=capacity, reset=reset)):
        reference.add(*transition)
        ours.add(*transition)
        assert len(ours) == len(reference) and ours.next_slot == reference.next_slot
        expected, got = reference.sample(16, seed=step), ours.sample(16, seed=step)
        assert expected.keys() == got.keys()
        for name in expected:
            np.testing.assert_array_equal(got[name], expected[name], err_msg=f"{name}, {step}")
            assert got[name].dtype == expected[name].dtype, name


def test_a_checkpoint_restores_the_same_batches():
    ours = FrameReplay(25, SHAPE, "uint8")
    feed = transitions(200, seed=3)
    for transition in [next(feed) for _ in range(90)]:
        ours.add(*transition)
    state = {name: np.array(value) for name, value in ours.state().items()}
    again = FrameReplay(25, SHAPE, "uint8")
    again.restore(state)
    for transition in feed:  # both go on from the checkpoint
        ours.add(*transition)
        again.add(*transition)
        for name, value in ours.sample(8, seed=len(ours)).items():
            np.testing.assert_array_equal(again.sample(8, seed=len(ours))[name], value)


def test_frames_are_kept_once_and_old_episodes_forgotten():
    capacity = 50
    ours = FrameReplay(capacity, SHAPE, "uint8")
    reference = ReplayBuffer(capacity, SHAPE, "uint8")
    for transition in transitions(2_000, seed=5):
        ours.add(*transition)
    # Only the first observations of episodes with a transition still kept: at most one
    # per kept transition, and about one in six here (episodes of 1 to 12 steps).
    assert len(ours.firsts) + len(ours.wholes) <= capacity
    whole = reference.observations.nbytes + reference.next_observations.nbytes
    frames = ours.frames.nbytes
    assert frames == (capacity + 4) * 6 * 5 and 8 * frames < whole * 1.1
    empty = FrameReplay(3, SHAPE)
    with pytest.raises(ValueError, match="empty"):
        empty.sample(1, seed=0)
