"""The autograder: compares a student's layers with the reference, check by check."""
