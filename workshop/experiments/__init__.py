"""End-to-end experiments that reproduce the book's results with the workshop's layers."""
