"""The DQN training loop of `workshop run dqn` (Mnih et al. 2013, Algorithm 1, with the
2015 paper's target network): act ε-greedily, store the transition, learn from a random
sample of the replay buffer, copy the online network to the target every C steps.
Everything the student writes is called here: ReplayBuffer (4.1: Catch and MinAtar;
Atari's stacked frames go to frames.py's FrameReplay, which keeps each frame once and
draws as 4.1 does), epsilon_greedy and linear_schedule (4.2), q_targets and dqn_loss
(4.3, inside the learner).

A checkpoint (`checkpoint/` in the output folder) holds both networks, the optimizer's
state, the replay buffer, the step count, the episodes so far and the random generator's
state; a run started again with the same settings resumes from it. The episode in play
at the checkpoint is not saved (an emulator's state is not kept): the resumed run starts
a new one."""

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .agent import Learner
from .envs import make_env
from .frames import FrameReplay

CHECKPOINT = "checkpoint"
EPISODE_COLUMNS = ("episode", "step", "frames", "return", "epsilon", "seconds")


@dataclass
class Progress:
    step: int = 0
    episodes: list = field(default_factory=list)  # one dict per finished episode
    losses: list = field(default_factory=list)  # (step, mean loss since the last entry)
    seconds: float = 0.0  # training time so far, over every resumed part
    resumes: int = 0
    generator: dict = None  # the numpy Generator's state


def _save(folder, learner, buffer, progress, generator):
    """Write the checkpoint files beside the old ones, then swap them in: a run killed
    while saving keeps the previous checkpoint whole."""
    folder.mkdir(parents=True, exist_ok=True)
    progress.generator = generator.bit_generator.state
    np.savez(folder / "weights.new.npz", **learner.weights())
    np.savez(folder / "replay.new.npz", **buffer.state())
    (folder / "progress.new.json").write_text(json.dumps(progress.__dict__, default=_plain))
    for name in ("weights.npz", "replay.npz", "progress.json"):
        os.replace(folder / name.replace(".", ".new.", 1), folder / name)


def _plain(value):
    return value.item() if hasattr(value, "item") else str(value)


def _load(folder, learner, buffer):
    """The saved Progress (None when there is no checkpoint); restores in place."""
    if not (folder / "progress.json").exists():
        return None
    progress = Progress(**json.loads((folder / "progress.json").read_text()))
    with np.load(folder / "weights.npz") as saved:
        learner.restore(saved)
    with np.load(folder / "replay.npz") as saved:
        buffer.restore({name: saved[name] for name in saved.files})
    return progress


def train(strategy, parts, setup, env_name, out, seed, double=False, log=print):
    """Train, checkpointing into out/checkpoint/; returns (learner, env, Progress, notes)."""
    import keras

    keras.utils.set_random_seed(seed)  # the networks' first weights: a rerun repeats them
    out = Path(out)
    notes = []
    env = make_env(env_name, seed)
    if env_name.startswith("ALE/"):  # stacked frames: each kept once (frames.py)
        buffer = FrameReplay(setup.capacity, env.observation_shape, env.dtype)
        notes.append(
            f"replay: {setup.capacity:,} transitions, each frame kept once "
            f"({buffer.nbytes / 2**30:.2f} GiB allocated; Exercise 4.1's buffer, both "
            "observations whole, serves Catch and MinAtar)"
        )
    else:
        buffer = parts["ReplayBuffer"](setup.capacity, env.observation_shape, env.dtype)
    learner = Learner(strategy, setup, env.observation_shape, env.num_actions, parts, double)
    if not learner.fused:
        notes.append(
            "q_targets does not run inside tf.function (NumPy?): the targets were computed "
            "eagerly between two graph calls, which is slower"
        )
    generator = np.random.default_rng([seed, 1])  # ε-greedy draws and replay samples
    progress = _load(out / CHECKPOINT, learner, buffer)
    if progress is None:
        progress = Progress()
    else:
        progress.resumes += 1
        generator.bit_generator.state = progress.generator
        env = make_env(env_name, seed + 7919 * progress.resumes)  # a fresh episode
        notes.append(
            f"resumed at step {progress.step} from {out / CHECKPOINT}/: both networks, the "
            f"optimizer, the replay buffer ({len(buffer)} transitions) and the step count "
            "restored; the episode in play then was not saved"
        )
    started = time.perf_counter() - progress.seconds
    observation, episode_return, losses = env.reset(), 0.0, []
    last_report = time.perf_counter()
    while progress.step < setup.steps:
        step = progress.step
        epsilon = parts["linear_schedule"](
            step, setup.epsilon_start, setup.epsilon_end, setup.epsilon_steps
        )
        q = learner.q_values(observation[None])
        action = int(parts["epsilon_greedy"](q, epsilon, generator)[0])
        next_observation, reward, terminated, truncated = env.step(action)
        episode_return += reward
        stored = float(np.clip(reward, -1, 1)) if setup.clip_rewards else reward
        # Only a real end stops the bootstrap; a time limit cuts the episode, not its future.
        buffer.add(observation, action, stored, next_observation, terminated)
        observation = next_observation
        progress.step = step = step + 1
        if step >= setup.learn_start and step % setup.train_every == 0:
            losses.append(learner.train(buffer.sample(setup.batch_size, generator)))
        if step % setup.target_every == 0:
            learner.copy_target()
        if terminated or truncated:
            progress.episodes.append(
                {
                    "episode": len(progress.episodes) + 1,
                    "step": step,
                    "frames": step * env.frames_per_step,
                    "return": episode_return,
                    "epsilon": round(epsilon, 4),
                    "seconds": round(time.perf_counter() - started, 2),
                }
            )
            observation, episode_return = env.reset(), 0.0
        if losses and (step % 1000 == 0 or step == setup.steps):
            progress.losses.append((step, float(np.mean(losses))))
            losses = []
        if time.perf_counter() - last_report > 10 or step == setup.steps:
            last_report = time.perf_counter()
            log(_report(progress, setup, epsilon, started))
        if setup.checkpoint_every and step % setup.checkpoint_every == 0:
            progress.seconds = time.perf_counter() - started
            _save(out / CHECKPOINT, learner, buffer, progress, generator)
    progress.seconds = time.perf_counter() - started
    _save(out / CHECKPOINT, learner, buffer, progress, generator)
    return learner, env, progress, notes


def _report(progress, setup, epsilon, started):
    recent = [e["return"] for e in progress.episodes[-setup.window :]]
    mean = f"{np.mean(recent):.2f}" if recent else "-"
    loss = f"{progress.losses[-1][1]:.4f}" if progress.losses else "-"
    seconds = time.perf_counter() - started
    return (
        f"step {progress.step}/{setup.steps}  episodes {len(progress.episodes)}  "
        f"mean return (last {len(recent)}) {mean}  ε {epsilon:.3f}  loss {loss}  "
        f"{seconds:.0f} s"
    )


def play(env, policy, episodes, max_steps):
    """Returns of `episodes` episodes under `policy(observation) -> action`, each cut at
    max_steps."""
    returns = []
    for _ in range(episodes):
        observation, total = env.reset(), 0.0
        for _ in range(max_steps):
            observation, reward, terminated, truncated = env.step(policy(observation))
            total += reward
            if terminated or truncated:
                break
        returns.append(total)
    return returns


def greedy_policy(learner, epsilon, generator, epsilon_greedy):
    def act(observation):
        q = learner.q_values(observation[None])
        return int(epsilon_greedy(q, epsilon, generator)[0])

    return act


def random_policy(num_actions, generator):
    return lambda observation: int(generator.integers(num_actions))
