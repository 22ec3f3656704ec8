"""The staffing mix: who is deployed on which function, within bands, minimums and funding."""
