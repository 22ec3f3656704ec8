"""Many solves: batches of instances and sweeps over fields."""
