"""Shared Streamlit UI pieces (the only package besides ``pages`` that imports streamlit)."""
