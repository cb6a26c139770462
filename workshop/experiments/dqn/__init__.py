"""`workshop run dqn`: a deep Q-network learns a game from its pixels and its score
(notes §3.4; Mnih et al. 2013), on Catch (embedded), MinAtar or an Atari game, with the
student's (or the reference's) replay buffer, ε-greedy policy, targets and loss. The loop
is in training.py, the network and its update in agent.py, the games in envs.py."""

import importlib.util

from ...errors import UsageError
from ..experiment import Experiment

PARTS = {
    "ReplayBuffer": ("replay", "ReplayBuffer"),
    "epsilon_greedy": ("exploration", "epsilon_greedy"),
    "linear_schedule": ("exploration", "linear_schedule"),
    "q_targets": ("qlearning", "q_targets"),
    "dqn_loss": ("qlearning", "dqn_loss"),
}
PACKAGES = {"minatar/": ("minatar", "minatar"), "ALE/": ("ale_py", "ale-py gymnasium")}


class DqnExperiment(Experiment):
    name = "dqn"
    help = "a deep Q-network from pixels: Catch, MinAtar or Atari (Exercises 4.1-4.3)"
    strategies = ("default", "mirrored")
    datasets = ()  # the environment makes the data
    default_out_help = "runs/dqn-<env>-<impl>"
    needs = PARTS

    def add_arguments(self, parser):
        parser.add_argument(
            "--env",
            default="catch",
            help="catch (default, embedded), minatar/<game> (asterix, breakout, freeway, "
            "seaquest, space_invaders) or ALE/<Game>-v5 (ALE/Breakout-v5, ALE/Pong-v5, ...)",
        )
        parser.add_argument("--steps", type=int, help="agent steps to train (default: per env)")
        parser.add_argument("--double", action="store_true", help="Double DQN targets")
        parser.add_argument(
            "--fresh", action="store_true", help="start again instead of resuming a checkpoint"
        )

    def default_out(self, args):
        return f"runs/dqn-{args.env.replace('/', '-')}-{args.impl}"

    def plan(self, args):
        from dataclasses import replace

        from .envs import check_name
        from .setup import setup_for

        problem = check_name(args.env)
        if problem:
            raise UsageError(problem)
        for prefix, (module, install) in PACKAGES.items():
            if args.env.startswith(prefix) and importlib.util.find_spec(module) is None:
                raise UsageError(
                    f"{args.env} needs {install.split()[0]}, which is not installed: "
                    f"pip install -c constraints.txt {install}"
                )
        setup = setup_for(args.env, args.quick)
        if args.steps is not None:
            if args.steps < 1:
                raise UsageError("--steps must be positive")
            setup = replace(setup, steps=args.steps)
        return setup

    def try_once(self, loaded, plan):
        import numpy as np

        buffer = loaded["ReplayBuffer"](4, (2, 1))
        buffer.add(np.zeros((2, 1)), 1, 0.5, np.ones((2, 1)), False)
        buffer.sample(3, np.random.default_rng(0))
        loaded["epsilon_greedy"](np.zeros((2, 3)), 0.5, np.random.default_rng(0))
        loaded["linear_schedule"](3, 1.0, 0.1, 10)
        q = np.zeros((2, 3), np.float32)
        targets = loaded["q_targets"](np.ones(2, np.float32), np.zeros(2, np.float32), q, 0.9)
        loaded["dqn_loss"](q, np.array([0, 2]), targets)

    def load_data(self, args):
        return None  # the environment is made by the training loop

    def describe(self, context):
        return (
            f"Training a deep Q-network with the {context.args.impl}' replay buffer, policy "
            f"and loss on {context.args.env}, into {context.out}/"
        )

    def run(self, context):
        from .outputs import run

        return run(context)

    def learned(self, context):
        import pandas as pd

        from ..experiment import Learned
        from .setup import setup_for

        returns = pd.read_csv(context.out / "evaluation.csv").groupby("policy")["return"]
        mean, variance, count = returns.mean(), returns.var(ddof=1).fillna(0), returns.count()
        # Three standard deviations of the difference of the two means.
        noise = 3 * float((variance / count).sum()) ** 0.5
        smoke = ""
        if context.args.quick and context.args.env != "catch":
            full = setup_for(context.args.env, quick=False).steps
            smoke = (
                f"{context.plan.steps:,} agent steps; the full run takes {full:,} "
                "(README, run dqn: what it reaches)"
            )
        return [
            Learned(
                f"greedy return (ε = {context.plan.eval_epsilon}), {count['greedy']} episodes, "
                f"against random play's {count['random']}",
                float(mean["greedy"]),
                float(mean["random"]),
                noise,
                smoke=smoke,
            )
        ]


EXPERIMENT = DqnExperiment()
