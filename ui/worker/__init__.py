"""Views of the background worker (the admin's database status page)."""
