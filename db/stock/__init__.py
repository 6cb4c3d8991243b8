"""Domain package: stock."""
