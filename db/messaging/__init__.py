"""Domain package: messaging."""
