"""Domain package: equipment."""
