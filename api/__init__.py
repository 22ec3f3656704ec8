"""The HTTP API: thin; every rule lives in optimiser/."""
