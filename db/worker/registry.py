"""The one place where background tasks are registered: the procrastinate ``App``.

Each domain keeps its tasks in ``db/<domain>/tasks.py`` (a ``Blueprint``); they are added here
under their domain's namespace (``interventions:notify_late`` ...). ``python -m db worker`` runs
this app; the status page lists :func:`periodic_task_names`.
"""

from __future__ import annotations

from procrastinate import App, Blueprint, JobContext

from db.equipment import tasks as equipment_tasks
from db.interventions import tasks as intervention_tasks
from db.planning import tasks as planning_tasks
from db.reporting import tasks as reporting_tasks
from db.worker import engine

KEEP_FINISHED_HOURS = 7 * 24  # a week of finished jobs: the status page's history

worker_tasks = Blueprint()


# Nightly: finished jobs older than a week are deleted, so the engine's tables stay small
# (about 500 jobs a day). Failed jobs are kept until someone looks at them.
@worker_tasks.periodic(cron="0 3 * * *")
@worker_tasks.task(
    name="cleanup", pass_context=True, queueing_lock="worker.cleanup", lock="worker.cleanup"
)
async def cleanup(context: JobContext, timestamp: int) -> None:
    """Delete the jobs finished successfully more than a week ago."""
    await context.app.job_manager.delete_old_jobs(nb_hours=KEEP_FINISHED_HOURS)


DOMAINS: dict[str, Blueprint] = {
    "interventions": intervention_tasks.blueprint,
    "planning": planning_tasks.blueprint,
    "reporting": reporting_tasks.blueprint,
    "equipment": equipment_tasks.blueprint,
    "worker": worker_tasks,
}


def build_app(conninfo: str | None = None) -> App:
    """A procrastinate app with every domain's tasks (``conninfo``: another database)."""
    app = App(connector=engine.connector(conninfo))
    for namespace, blueprint in DOMAINS.items():
        app.add_tasks_from(blueprint, namespace=namespace)
    return app


app = build_app()


def periodic_task_names() -> tuple[str, ...]:
    """Names of the periodic tasks (``namespace:name``), in registration order."""
    return tuple(dict.fromkeys(p.task.name for p in app.periodic_registry.periodic_tasks.values()))
