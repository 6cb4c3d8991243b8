"""Background tasks of the reporting domain: materialized views and retention."""

from __future__ import annotations

from procrastinate import Blueprint, JobContext

from db.worker.sql import run_one

blueprint = Blueprint()


# Every 5 minutes, CONCURRENTLY (readers are never blocked). Refreshing twice gives the same
# views; the lock keeps two workers from refreshing at the same time.
@blueprint.periodic(cron="*/5 * * * *")
@blueprint.task(
    name="refresh_views",
    pass_context=True,
    queueing_lock="reporting.refresh_views",
    lock="reporting.refresh_views",
)
async def refresh_views(context: JobContext, timestamp: int) -> None:
    """``refresh_materialized_views()``."""
    await run_one(context, "SELECT refresh_materialized_views() IS NULL AS done")


# Nightly at 02:30 (the worker's clock, UTC). archive_old_interventions() only touches rows
# past their retention age, so a second run finds nothing left to archive or delete.
@blueprint.periodic(cron="30 2 * * *")
@blueprint.task(
    name="retention",
    pass_context=True,
    queueing_lock="reporting.retention",
    lock="reporting.retention",
)
async def retention(context: JobContext, timestamp: int) -> dict[str, int]:
    """``archive_old_interventions()``; returns its counts (also kept in ``retention_runs``)."""
    row = await run_one(context, "SELECT * FROM archive_old_interventions()")
    return {key: int(value) for key, value in row.items()}
