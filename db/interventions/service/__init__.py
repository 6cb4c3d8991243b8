"""Intervention services, one module per verb family (callers import the modules directly)."""
