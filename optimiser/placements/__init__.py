"""Placement allocation: referrals for Alternative Provision placed with DPS providers."""
