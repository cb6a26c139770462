"""The settings of `workshop run dqn`, per environment family, and their quick runs.

Catch follows bsuite's DQN baseline in spirit (an MLP of two 50-unit layers, Adam); MinAtar
follows Young & Tian 2019 (one 3×3 convolution of 16 filters, 128 hidden units; RMSProp
at 2.5e-4, γ 0.99, ε from 1 to 0.1 over 100k frames, replay 100k, target copied every
1000 steps, learning from frame 5000); Atari follows Mnih et al. 2013 (16 8×8/4, 32 4×4/2,
256 hidden; RMSProp; ε from 1 to 0.1 over a million frames; batches of 32; a replay
of 100k transitions, not the paper's million frames) with the 2015 paper's target
network and error clipping (Huber, δ = 1)."""

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Setup:
    network: str  # "mlp", "minatar" or "atari2013" (agent.py)
    steps: int  # agent steps (an Atari step is 4 frames)
    capacity: int  # replay buffer
    batch_size: int = 32
    gamma: float = 0.99
    optimizer: str = "adam"  # or "rmsprop"
    learning_rate: float = 1e-3
    epsilon_start: float = 1.0
    epsilon_end: float = 0.05
    epsilon_steps: int = 1000
    learn_start: int = 100  # steps of experience before the first update
    train_every: int = 1  # steps between updates
    target_every: int = 100  # steps between copies of the online network to the target
    clip_rewards: bool = False
    eval_episodes: int = 100
    eval_epsilon: float = 0.0
    eval_max_steps: int = 10_000  # an evaluation episode is cut here (a paddle that never serves)
    checkpoint_every: int = 0  # steps; 0: at the end only
    window: int = 100  # episodes averaged in the learning curve
    solved_at: float = None  # a mean return that counts as solved (Catch: 0.9)


CATCH = Setup(network="mlp", steps=12_000, capacity=10_000, target_every=100,
              solved_at=0.9)  # fmt: skip
MINATAR = Setup(
    network="minatar",
    steps=150_000,
    capacity=100_000,
    optimizer="rmsprop",
    learning_rate=2.5e-4,
    epsilon_end=0.1,
    epsilon_steps=100_000,
    learn_start=5_000,
    target_every=1_000,
    eval_episodes=50,
    checkpoint_every=50_000,
)
ATARI = Setup(
    network="atari2013",
    steps=2_500_000,  # 10M frames: a GPU's day; the paper trained 10M frames
    # The paper's million; each frame kept once (frames.py): 7.1 GB, where 4.1's buffer
    # (both observations whole, 56 KB a transition) would take 56 GB.
    capacity=1_000_000,
    optimizer="rmsprop",
    learning_rate=2.5e-4,
    epsilon_end=0.1,
    epsilon_steps=250_000,  # a million frames
    learn_start=12_500,
    train_every=1,
    target_every=2_500,
    clip_rewards=True,
    eval_episodes=10,
    eval_epsilon=0.05,  # the paper's evaluation
    eval_max_steps=27_000,  # 108k frames, v5's own limit
    checkpoint_every=50_000,
    window=20,
)


def setup_for(env, quick):
    """The settings for an environment name; `quick` shrinks them to a smoke run."""
    if env == "catch":
        return replace(CATCH, steps=1_800, eval_episodes=20) if quick else CATCH
    if env.startswith("minatar/"):
        if quick:
            return replace(MINATAR, steps=1_500, capacity=2_000, learn_start=200,
                           epsilon_steps=1_000, target_every=200, eval_episodes=3,
                           checkpoint_every=0)  # fmt: skip
        return MINATAR
    if quick:
        return replace(ATARI, steps=300, capacity=1_000, learn_start=100, epsilon_steps=300,
                       target_every=100, eval_episodes=1, checkpoint_every=150,
                       eval_max_steps=200, window=1)  # fmt: skip
    return ATARI
