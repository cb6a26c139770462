"""Batch grading of a class: submissions, isolated workers, gradebook and feedback."""
