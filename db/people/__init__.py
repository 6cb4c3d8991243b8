"""Domain package: people."""
