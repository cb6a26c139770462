"""The environments of `workshop run dqn`, behind one small interface:

    env.observation_shape, env.dtype, env.num_actions, env.frames_per_step
    env.reset() -> observation
    env.step(action) -> (observation, reward, terminated, truncated)
    env.picture(observation) -> an RGB uint8 image, for figures and the GIF

- catch: bsuite's Catch (Osband et al. 2020), embedded: a ball falls down a 10×5 board,
  the paddle on the bottom row moves left, stays or moves right; +1 for a catch, −1 for a
  miss, at the ninth step.
- minatar/<game>: MinAtar (Young & Tian 2019), 10×10 Atari-like games with one binary
  channel per kind of object, from the `minatar` package.
- ALE/<Game>-v5: the Arcade Learning Environment's Atari 2600 games from `ale-py` (which
  ships the ROMs), preprocessed as Mnih et al. 2013 did (grey 84×84 frames, four
  stacked, each action repeated for 4 frames) by ale-py's own vector environment, so
  OpenCV is not needed. Scores are unclipped; the agent clips rewards itself.
"""

import re

import numpy as np

from ...errors import RunFailed

MINATAR_GAMES = ("asterix", "breakout", "freeway", "seaquest", "space_invaders")
ALE_NAME = re.compile(r"^ALE/([A-Za-z]+)-v5$")


def ale_game(name):
    """ "ALE/SpaceInvaders-v5" -> "space_invaders" (ale-py's ROM id), or None."""
    found = ALE_NAME.match(name)
    if not found:
        return None
    return re.sub(r"(?<!^)(?=[A-Z])", "_", found.group(1)).lower()


def check_name(name):
    """A one-line error for an environment name we cannot make."""
    if name == "catch":
        return None
    if name.startswith("minatar/"):
        if name.split("/", 1)[1] not in MINATAR_GAMES:
            return f"unknown MinAtar game in {name}; choose from " + ", ".join(
                f"minatar/{g}" for g in MINATAR_GAMES
            )
        return None
    if ale_game(name) is None:
        return (
            f"unknown environment {name}: choose catch, minatar/<game> ("
            + ", ".join(MINATAR_GAMES)
            + ") or ALE/<Game>-v5 (ALE/Breakout-v5, ALE/Pong-v5, ...)"
        )
    return None


class Catch:
    """bsuite's Catch: rows × columns, the ball starting in a random column of row 0."""

    frames_per_step = 1
    num_actions = 3
    action_names = ("left", "stay", "right")
    dtype = "float32"

    def __init__(self, seed, rows=10, columns=5):
        self.rows, self.columns = rows, columns
        self.observation_shape = (rows, columns, 1)
        self.rng = np.random.default_rng(seed)

    def _board(self):
        board = np.zeros(self.observation_shape, np.float32)
        board[self.ball_y, self.ball_x, 0] = 1.0
        board[self.rows - 1, self.paddle_x, 0] = 1.0
        return board

    def reset(self):
        self.ball_x = int(self.rng.integers(self.columns))
        self.ball_y = 0
        self.paddle_x = self.columns // 2
        return self._board()

    def step(self, action):
        self.paddle_x = int(np.clip(self.paddle_x + int(action) - 1, 0, self.columns - 1))
        self.ball_y += 1
        done = self.ball_y == self.rows - 1
        reward = (1.0 if self.ball_x == self.paddle_x else -1.0) if done else 0.0
        return self._board(), reward, done, False

    def picture(self, observation):
        grey = (np.asarray(observation)[:, :, 0] * 255).astype(np.uint8)
        return np.repeat(grey[:, :, None], 3, axis=2)


class MinAtar:
    """A MinAtar game with sticky actions (probability 0.1, the paper's setting)."""

    frames_per_step = 1
    dtype = "uint8"

    def __init__(self, game, seed):
        try:
            from minatar import Environment
        except ImportError:
            raise RunFailed(
                "MinAtar is not installed: pip install -c constraints.txt minatar"
            ) from None
        self.env = Environment(game, sticky_action_prob=0.1)
        self.env.seed(seed)  # Environment() takes no seed argument
        self.observation_shape = tuple(self.env.state_shape())
        self.num_actions = self.env.num_actions()
        # MinAtar's full action set, in its order: n, l, u, r, d, f.
        self.action_names = ("no-op", "left", "up", "right", "down", "fire")[: self.num_actions]
        self.colours = _palette(self.observation_shape[-1])

    def reset(self):
        self.env.reset()
        return self.env.state().astype(np.uint8)

    def step(self, action):
        reward, done = self.env.act(int(action))
        return self.env.state().astype(np.uint8), float(reward), bool(done), False

    def picture(self, observation):
        channels = np.asarray(observation, bool)
        image = np.zeros(channels.shape[:2] + (3,), np.uint8)
        for channel in range(channels.shape[-1]):  # later channels drawn on top
            image[channels[:, :, channel]] = self.colours[channel]
        return image


class Atari:
    """An ALE game through ale-py's vector environment with one environment: grey 84×84
    frames, the last four stacked, each action repeated for 4 frames (the max of the last
    two), sticky actions with probability 0.25 and the full episode (v5's settings)."""

    dtype = "uint8"

    def __init__(self, game, seed, frameskip=4):
        try:
            import ale_py
        except ImportError:
            raise RunFailed(
                "ale-py is not installed: pip install -c constraints.txt ale-py gymnasium"
            ) from None
        if game not in ale_py.roms.get_all_rom_ids():
            raise RunFailed(f"ale-py ships no ROM for '{game}'")
        self.env = ale_py.AtariVectorEnv(
            game,
            num_envs=1,
            num_threads=1,
            frameskip=frameskip,
            repeat_action_probability=0.25,
            reward_clipping=False,
            episodic_life=False,
        )
        self.seed = seed
        self.frames_per_step = frameskip
        self.observation_shape = (84, 84, 4)
        self.num_actions = int(self.env.single_action_space.n)
        self.action_names = tuple(f"action {a}" for a in range(self.num_actions))

    def reset(self):
        observation, _ = self.env.reset(seed=self.seed)
        self.seed += 1  # the next episode starts from other no-ops
        return np.transpose(observation[0], (1, 2, 0))

    def step(self, action):
        observation, reward, terminated, truncated, _ = self.env.step(np.array([int(action)]))
        frame = np.transpose(observation[0], (1, 2, 0))
        return frame, float(reward[0]), bool(terminated[0]), bool(truncated[0])

    def picture(self, observation):
        return np.repeat(np.asarray(observation)[:, :, -1:], 3, axis=2)


def _palette(count):
    import matplotlib

    colours = matplotlib.colormaps["tab10"](np.arange(count) % 10)[:, :3]
    return (colours * 255).astype(np.uint8)


def make_env(name, seed):
    if name == "catch":
        return Catch(seed)
    if name.startswith("minatar/"):
        return MinAtar(name.split("/", 1)[1], seed)
    return Atari(ale_game(name), seed)
