"""`workshop run dqn` from start to end: train (or resume), then evaluate the agent
beside random play, and write the tables and figures."""

import shutil
from dataclasses import asdict

import numpy as np
import pandas as pd

from ..experiment import Outcome
from ..folders import fresh_dir
from .envs import ale_game, make_env
from .figures import learning_curve, policy_gif, q_values_along_an_episode
from .training import (
    CHECKPOINT,
    EPISODE_COLUMNS,
    greedy_policy,
    play,
    random_policy,
    train,
)

# Mnih et al. 2013, Table 1: the average total reward of DQN (ε = 0.05) and of random play.
MNIH_2013 = {
    "beam_rider": (4092, 354),
    "breakout": (168, 1.2),
    "enduro": (470, 0),
    "pong": (20, -20.7),
    "qbert": (1952, 157),
    "seaquest": (1705, 110),
    "space_invaders": (581, 179),
}
SETTINGS_VERSION = 1  # bump when the loop changes what a checkpoint means


def _settings(context):
    args = context.args
    return {
        "version": SETTINGS_VERSION,
        "env": args.env,
        "impl": args.impl,
        "seed": args.seed,
        "double": args.double,
        "strategy": args.strategy,
        # A quick run never continues into a full one (nor back): their numbers differ.
        "quick": bool(args.quick),
        # More steps, evaluation or checkpoints continue a run; anything else starts afresh.
        "setup": {
            key: value
            for key, value in asdict(context.plan).items()
            if key not in ("steps", "eval_episodes", "checkpoint_every")
        },
    }


def run(context):
    args, setup = context.args, context.plan
    out = fresh_dir(context.out, _settings(context), say=print)
    if args.fresh:
        shutil.rmtree(out / CHECKPOINT, ignore_errors=True)
    parts = context.loaded
    learner, env, progress, notes = train(
        context.strategy, parts, setup, args.env, out, args.seed, double=args.double
    )
    generator = np.random.default_rng([args.seed, 2])
    evaluation_env = make_env(args.env, args.seed + 100_003)
    policy = greedy_policy(learner, setup.eval_epsilon, generator, parts["epsilon_greedy"])
    evaluated = play(evaluation_env, policy, setup.eval_episodes, setup.eval_max_steps)
    random_env = make_env(args.env, args.seed + 200_003)
    randomly = play(
        random_env,
        random_policy(env.num_actions, generator),
        setup.eval_episodes,
        setup.eval_max_steps,
    )
    files = ["returns.csv", "summary.csv", "evaluation.csv", "learning_curve.png", "q_values.png"]
    pd.DataFrame(
        {
            "policy": ["greedy"] * len(evaluated) + ["random"] * len(randomly),
            "return": evaluated + randomly,
        }
    ).to_csv(out / "evaluation.csv", index=False)
    episodes = pd.DataFrame(progress.episodes, columns=EPISODE_COLUMNS)
    episodes.to_csv(out / "returns.csv", index=False)
    pd.DataFrame(progress.losses, columns=["step", "mean loss"]).to_csv(
        out / "losses.csv", index=False
    )
    files.append("losses.csv")
    title = f"DQN on {args.env} ({args.impl}'), {progress.step * env.frames_per_step} frames"
    learning_curve(
        progress.episodes,
        setup.window,
        float(np.mean(randomly)),
        setup.solved_at,
        out / "learning_curve.png",
        title,
        against="episodes" if args.env == "catch" else "frames",
    )
    _one_episode(learner, make_env(args.env, args.seed + 300_007), setup, out, args.env)
    recent = [e["return"] for e in progress.episodes[-setup.window :]]
    row = {
        "environment": args.env,
        "implementation": args.impl,
        "agent steps": progress.step,
        "frames": progress.step * env.frames_per_step,
        "episodes": len(progress.episodes),
        "training time (s)": round(progress.seconds, 1),
        f"mean return, last {len(recent)} training episodes": _mean(recent),
        f"greedy return (ε = {setup.eval_epsilon}), {len(evaluated)} episodes": _mean(evaluated),
        f"random play, {len(randomly)} episodes": _mean(randomly),
    }
    game = ale_game(args.env) if args.env.startswith("ALE/") else None
    if game in MNIH_2013:
        dqn, random_score = MNIH_2013[game]
        row["Mnih et al. 2013: DQN"], row["Mnih et al. 2013: random"] = dqn, random_score
    table = pd.DataFrame([row])
    table.to_csv(out / "summary.csv", index=False)
    notes += _notes(args, setup, progress, learner, context.strategy, game)
    if setup.solved_at is not None:
        notes.append(_solved(progress.episodes, setup))
    if not args.env.startswith("ALE/"):
        files.append("policy.gif")
    shown = table.T.reset_index().set_axis(["", "value"], axis=1)
    return Outcome(tables=[shown], notes=notes, files=files)


def _mean(values):
    return round(float(np.mean(values)), 3) if len(values) else float("nan")


def _one_episode(learner, env, setup, out, name):
    """The greedy agent's Q-values along one episode (cut at 300 steps) and its GIF."""
    observation, pictures, q_values, rewards = env.reset(), [], [], []
    for _ in range(min(setup.eval_max_steps, 300)):
        q = learner.q_values(observation[None])[0]
        pictures.append(env.picture(observation))
        q_values.append(q)
        observation, reward, terminated, truncated = env.step(int(np.argmax(q)))
        rewards.append(reward)
        if terminated or truncated:
            break
    q_values_along_an_episode(
        pictures,
        q_values,
        rewards,
        env.action_names,
        out / "q_values.png",
        f"The greedy agent's Q-values along one episode of {name} (return {sum(rewards):g})",
    )
    if not name.startswith("ALE/"):  # an Atari episode is thousands of frames
        pictures.append(env.picture(observation))
        policy_gif(pictures, out / "policy.gif")


def _notes(args, setup, progress, learner, strategy, game):
    notes = [
        f"{setup.network} network, {setup.optimizer} at {setup.learning_rate}, batches of "
        f"{setup.batch_size} on {strategy.num_replicas_in_sync} replica(s) ({args.strategy}); "
        f"γ {setup.gamma}; ε from {setup.epsilon_start} to {setup.epsilon_end} over "
        f"{setup.epsilon_steps} steps; replay of {setup.capacity}; the target network copied "
        f"every {setup.target_every} steps; {'Double DQN' if args.double else 'DQN'} targets, "
        "Huber loss (δ = 1)."
    ]
    seconds_per_step = progress.seconds / max(progress.step, 1)
    notes.append(
        f"{progress.step} steps in {progress.seconds:.0f} s of training "
        f"({1000 * seconds_per_step:.2f} ms a step, acting and learning)."
    )
    if game is not None and game not in MNIH_2013:
        notes.append(f"Mnih et al. 2013 did not report {args.env}.")
    return notes


def _solved(episodes, setup):
    returns = np.array([e["return"] for e in episodes], np.float64)
    if len(returns) >= setup.window:
        means = np.convolve(returns, np.ones(setup.window), "valid") / setup.window
        hit = np.flatnonzero(means >= setup.solved_at)
        if len(hit):
            episode = episodes[int(hit[0]) + setup.window - 1]
            return (
                f"Solved (mean return of {setup.window} episodes ≥ {setup.solved_at}) at "
                f"episode {episode['episode']}, step {episode['step']}, "
                f"{episode['seconds']:.0f} s into training."
            )
    return f"Not solved: the mean of {setup.window} episodes never reached {setup.solved_at}."
