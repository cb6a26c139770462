"""What to run and compare for each exercise graded by probes (see kinds/probe.py):
each module names its checks, scores them (POINTS) and says what to run for each."""
