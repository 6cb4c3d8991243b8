"""MIF Maroc data layer: models, services and SQL objects, one package per domain.

Nothing under ``db`` imports streamlit: pages call services, services take a session.
"""

# First thing: every zone is read from the pinned IANA database, not the system's (see db.tz).
from db import tz as _tz  # noqa: F401
