"""Engine commands: each runs in one transaction."""
