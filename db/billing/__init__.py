"""Domain package: billing."""
