"""Realistic wrong implementations, each one mistake away from the reference.

The grader runs them beside a student's code to name the mistake a student made, and
`workshop selfcheck` proves that every check catches at least one of them. They are
written from the solutions, so they ship (and are removed) with `solutions/`.
"""
