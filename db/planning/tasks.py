"""Background tasks of the planning domain: reminders of the slots starting soon."""

from __future__ import annotations

from procrastinate import Blueprint, JobContext

from db.worker.sql import run_count

blueprint = Blueprint()


# Every 10 minutes: a confirmed slot starting within 24 h is reminded once. send_slot_reminders()
# claims each slot by setting rappel_envoye under its row lock, so a second run, or a second
# worker, sends nothing more.
@blueprint.periodic(cron="*/10 * * * *")
@blueprint.task(
    name="slot_reminders",
    pass_context=True,
    queueing_lock="planning.slot_reminders",
    lock="planning.slot_reminders",
)
async def slot_reminders(context: JobContext, timestamp: int) -> int:
    """Reminders of the confirmed slots of the next 24 h; returns the notifications written."""
    return await run_count(context, "SELECT send_slot_reminders() AS n")
