"""Domain package: interventions."""
