"""Registry tests start with no kept search result (db.equipment.service.list keeps ordered
search results per user for a few seconds; the factories insert machines with plain SQL, which
does not forget them, and test transactions are rolled back)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from db.equipment.service.list import forget_searches


@pytest.fixture(autouse=True)
def _no_kept_searches() -> Iterator[None]:
    forget_searches()
    yield
    forget_searches()
