"""Run one statement of a task through the worker's own connection (role ``mif_worker``)."""

from __future__ import annotations

from typing import Any, LiteralString

from procrastinate import JobContext


async def run_one(context: JobContext, query: LiteralString) -> dict[str, Any]:
    """Execute ``query`` (one statement, its own transaction) and return its first row."""
    return await context.app.connector.execute_query_one_async(query)


async def run_count(context: JobContext, query: LiteralString) -> int:
    """Execute ``query`` that returns one integer column ``n`` and return it."""
    row = await run_one(context, query)
    return int(row["n"])
