"""Domain package: reporting."""
