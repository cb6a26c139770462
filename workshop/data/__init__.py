"""Data sets for the workshop, all served as TensorFlow Datasets pipelines."""

from .pipeline import DatasetUnavailable, load_splits

__all__ = ["DatasetUnavailable", "load_splits"]
