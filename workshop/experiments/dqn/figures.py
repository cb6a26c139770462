"""The figures of `workshop run dqn`: the learning curve beside random play, the
trained agent's Q-values along one episode (as Mnih et al. 2013, Figure 3), and a GIF
of the greedy policy."""

import numpy as np

from ..figures import plt


def learning_curve(episodes, window, random_mean, solved_at, path, title, against="frames"):
    """Each episode's return and the running mean against frames (or episodes)."""
    frames = np.array([e[against if against == "frames" else "episode"] for e in episodes],
                      np.float64)  # fmt: skip
    returns = np.array([e["return"] for e in episodes], np.float64)
    figure, axis = plt.subplots(figsize=(6.4, 3.6))
    if len(returns):
        kernel = np.ones(min(window, len(returns)))
        mean = np.convolve(returns, kernel, "valid") / len(kernel)
        axis.plot(frames, returns, ".", color="0.8", markersize=2, label="one episode")
        axis.plot(frames[len(kernel) - 1 :], mean, label=f"mean of the last {len(kernel)}")
    axis.axhline(random_mean, color="C3", linestyle="--", label="random play")
    if solved_at is not None:
        axis.axhline(solved_at, color="C2", linestyle=":", label=f"solved ({solved_at})")
    axis.set_xlabel(against)
    axis.set_ylabel("return per episode")
    axis.set_title(title)
    axis.legend(loc="best", fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def q_values_along_an_episode(pictures, q_values, rewards, action_names, path, title):
    """Each action's Q-value at every step of one greedy episode, the rewards marked,
    and the frames at three moments."""
    q_values = np.asarray(q_values)
    steps = np.arange(len(q_values))
    moments = sorted({0, len(q_values) // 2, len(q_values) - 1})
    figure = plt.figure(figsize=(7.5, 4.2))
    top = figure.add_gridspec(2, len(moments), height_ratios=(2.2, 1))
    axis = figure.add_subplot(top[0, :])
    for action in range(q_values.shape[1]):
        axis.plot(steps, q_values[:, action], label=action_names[action], linewidth=1)
    for step in np.flatnonzero(np.asarray(rewards) != 0):
        axis.axvline(step, color="0.7", linewidth=0.8)
    axis.set_xlabel("step of the episode (grey: a reward)")
    axis.set_ylabel("Q(s, a)")
    axis.set_title(title, fontsize=10)
    axis.legend(fontsize=7, ncol=min(q_values.shape[1], 6), loc="best")
    for column, moment in enumerate(moments):
        frame = figure.add_subplot(top[1, column])
        frame.imshow(pictures[moment], interpolation="nearest")
        frame.set_title(f"step {moment}: max Q {q_values[moment].max():.2f}", fontsize=8)
        frame.axis("off")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def policy_gif(pictures, path, height=160, milliseconds=150):
    """The frames of one episode, scaled up by whole pixels, as an endless GIF."""
    from PIL import Image  # matplotlib's own dependency

    scale = max(1, height // pictures[0].shape[0])
    frames = [
        Image.fromarray(np.kron(p, np.ones((scale, scale, 1), np.uint8)).astype(np.uint8))
        for p in pictures
    ]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=milliseconds, loop=0)
