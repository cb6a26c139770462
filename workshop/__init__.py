"""A workshop on chapter 6 of Nielsen's Neural Networks and Deep Learning."""

__version__ = "0.1.0"
