"""Placement backends: min-cost flow, its Lagrangian relaxation, HiGHS (MIP) and CP-SAT."""
