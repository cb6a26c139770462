"""The two ways a command fails for a reason the user can act on."""

USAGE_EXIT = 2


class UsageError(Exception):
    """Bad input from the user: one line, exit code 2."""


class RunFailed(Exception):
    """The command could not do its job for a reason the user can act on: exit 1."""
