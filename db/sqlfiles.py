"""Load the reviewable ``.sql`` files of ``db/<domain>/sql/`` from migrations.

Each file creates one object (or one function with its trigger, or one table's policies) and
starts with one or more ``-- drop: <statements>`` lines that undo it; the downgrade runs those.
A revision names the files it installs, so a later change to an object is a new file loaded by
a new revision, and old revisions keep replaying what they installed.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection

DB_DIR = Path(__file__).resolve().parent


def read(relpath: str) -> str:
    """Text of ``db/<relpath>``."""
    return (DB_DIR / relpath).read_text(encoding="utf-8")


def drop_statements(relpath: str) -> str:
    """The ``-- drop:`` statements at the top of a SQL file, joined."""
    drops = [
        line.removeprefix("-- drop:").strip()
        for line in read(relpath).splitlines()
        if line.startswith("-- drop:")
    ]
    if not drops:
        raise ValueError(f"{relpath}: no '-- drop:' line")
    return "\n".join(drops)


def _run(bind: Connection, sql: str) -> None:
    # Straight to psycopg (same connection, same transaction): the files contain ':' and '%'
    # that SQLAlchemy's text() or parameter formatting would misread.
    driver = bind.connection.driver_connection
    assert driver is not None  # an open connection always has its driver connection
    driver.execute(sql)


def apply(bind: Connection, *relpaths: str) -> None:
    """Create the objects of the given files, in order."""
    for relpath in relpaths:
        _run(bind, read(relpath))


def drop(bind: Connection, *relpaths: str) -> None:
    """Drop the objects of the given files, in reverse order."""
    for relpath in reversed(relpaths):
        _run(bind, drop_statements(relpath))
