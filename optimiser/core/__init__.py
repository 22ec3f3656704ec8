"""What both planning jobs share: statuses, errors, options, progress, the verifier's checker."""
