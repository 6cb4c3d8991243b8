"""Revision 0013 installs the job engine and its downgrade removes all of it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, pool, text
from sqlalchemy.engine import URL

from db import config, migrate
from tests.conftest import recreate_database

# Everything of the engine, and of this revision, that must come and go with it.
LEFTOVERS = """
SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace
          AND relname LIKE 'procrastinate%')
     + (SELECT count(*) FROM pg_type WHERE typnamespace = 'public'::regnamespace
          AND typname LIKE 'procrastinate%')
     + (SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace
          AND (proname LIKE 'procrastinate%'
               OR proname IN ('job_defer', 'job_status', 'worker_status', 'send_slot_reminders')))
     + (SELECT count(*) FROM pg_class WHERE relname IN ('uq_notification_rappel',
          'idx_planning_rappel_du'))
"""


def leftovers(url: URL) -> int:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(LEFTOVERS)).scalar_one())
    finally:
        engine.dispose()


@pytest.fixture
def scratch_url() -> Iterator[URL]:
    url = config.owner_url(f"{config.owner_url().database}_wscratch")
    recreate_database(url)
    yield url
    migrate.drop_database(url)


def test_the_engine_comes_with_its_revision_and_leaves_with_it(scratch_url: URL) -> None:
    migrate.upgrade(scratch_url)
    installed = leftovers(scratch_url)
    assert installed > 30  # 4 tables and their sequences and indexes, 3 types, ~20 functions
    migrate.downgrade(scratch_url, "0012")
    assert leftovers(scratch_url) == 0
    migrate.upgrade(scratch_url)
    assert leftovers(scratch_url) == installed
    migrate.downgrade(scratch_url, "base")
    assert leftovers(scratch_url) == 0
    migrate.upgrade(scratch_url)
    assert leftovers(scratch_url) == installed
