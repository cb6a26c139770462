"""The training harness: strategies, the custom training loop, logs and checkpoints.

Models know nothing of any of this: the harness takes a function that builds one.
"""
