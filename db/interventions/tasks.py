"""Background tasks of the interventions domain (registered in :mod:`db.worker.registry`)."""

from __future__ import annotations

from procrastinate import Blueprint, JobContext

from db.worker.sql import run_count

blueprint = Blueprint()


# Every 15 minutes. Idempotent in SQL: a deadline is announced once per user (unique index),
# so a second run, or two workers at once, write nothing more. The queueing lock keeps at most
# one run waiting, the lock at most one running.
@blueprint.periodic(cron="*/15 * * * *")
@blueprint.task(
    name="notify_late",
    pass_context=True,
    queueing_lock="interventions.notify_late",
    lock="interventions.notify_late",
)
async def notify_late(context: JobContext, timestamp: int) -> int:
    """Late deadlines → notifications (``notify_late_interventions()``); returns how many."""
    return await run_count(context, "SELECT notify_late_interventions() AS n")
