"""Domain package: planning."""
