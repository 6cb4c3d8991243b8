"""MIF Maroc data layer: models, services and SQL objects, one package per domain.

Nothing under ``db`` imports streamlit: pages call services, services take a session.
"""
