"""What to run and compare for each exercise graded by probes (see probe_grading)."""
