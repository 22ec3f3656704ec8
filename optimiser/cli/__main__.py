"""`python -m optimiser.cli`."""

from optimiser.cli import main

main()
