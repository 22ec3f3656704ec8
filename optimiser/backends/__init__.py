"""Backends: each runs one solver and maps its statuses onto SolveStatus."""
