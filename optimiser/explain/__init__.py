"""Explanations: shadow prices as sentences, infeasibility diagnoses, reasons per referral."""
