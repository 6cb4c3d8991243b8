"""What the application may do with the background jobs: defer one, read one's status, and
(for the admin's status page) see the workers and each periodic task's last run.

All three go through SQL functions (``job_defer``, ``job_status``, ``worker_status``): the app
roles have no right on the engine's tables themselves.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from db.errors import ServiceError, describe

MAX_TASK_NAME = 128
MAX_LOCK = 200
# The names the registry gives (``namespace:name``); job_defer() checks the same pattern.
TASK_NAME = re.compile(r"[a-z_][a-z0-9_.:]{0,127}")


@dataclass(frozen=True)
class TaskRun:
    """A periodic task, its schedule and its last run."""

    task: str
    cron: str
    last_status: str | None
    last_at: datetime | None
    last_success_at: datetime | None


@dataclass(frozen=True)
class WorkerStatus:
    """Workers alive, jobs waiting / running / failed, and each periodic task's last run."""

    workers_alive: int
    last_heartbeat: datetime | None
    # Seconds between the last heartbeat and the database's clock (None: no worker ever).
    heartbeat_age: int | None
    waiting: int
    running: int
    failed: int
    tasks: list[TaskRun]


def _instant(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def _call(session: Session, sql: str, params: dict[str, Any]) -> Any:
    # A savepoint keeps the caller's transaction usable after a refusal, said in French.
    try:
        with session.begin_nested():
            return session.execute(text(sql), params).scalar_one_or_none()
    except DBAPIError as exc:
        raise describe(exc) from exc


def periodic_schedule() -> dict[str, str]:
    """Periodic task name → its cron line, from the worker's registry."""
    from db.worker.registry import app

    return {p.task.name: p.cron for p in app.periodic_registry.periodic_tasks.values()}


def worker_status(*, session: Session) -> WorkerStatus:
    """The worker's state for the admin (``worker_status()`` refuses anyone else).

    Bounded whatever the history: one index range per task for its last run, capped counts.
    """
    schedule = periodic_schedule()
    raw = _call(session, "SELECT worker_status(:names)", {"names": list(schedule)})
    data: dict[str, Any] = raw if isinstance(raw, dict) else json.loads(raw)
    heartbeat, now = _instant(data.get("last_heartbeat")), _instant(data.get("now"))
    return WorkerStatus(
        workers_alive=int(data["workers_alive"]),
        last_heartbeat=heartbeat,
        heartbeat_age=(
            max(0, int((now - heartbeat).total_seconds())) if heartbeat and now else None
        ),
        waiting=int(data["waiting"]),
        running=int(data["running"]),
        failed=int(data["failed"]),
        tasks=[
            TaskRun(
                task=str(row["task"]),
                cron=schedule.get(str(row["task"]), ""),
                last_status=row.get("last_status"),
                last_at=_instant(row.get("last_at")),
                last_success_at=_instant(row.get("last_success_at")),
            )
            for row in data["tasks"]
        ],
    )


def defer_job(
    *,
    session: Session,
    task_name: Any,
    args: Any = None,
    queueing_lock: Any = None,
) -> int:
    """Queue a job of ``task_name`` (``namespace:name``) with keyword ``args`` for the worker.

    Runs in the caller's transaction: the job exists only if the user's action commits. A
    ``queueing_lock`` already waiting refuses a second job (« déjà en attente »).
    """
    if not isinstance(task_name, str) or not TASK_NAME.fullmatch(task_name):
        raise ServiceError("Tâche inconnue.", field="task_name", rule="tache_inconnue")
    if args is None:
        args = {}
    if not isinstance(args, dict):
        raise ServiceError("Arguments de tâche invalides.", field="args", rule="tache_arguments")
    try:
        # ASCII JSON: any character travels as an escape; PostgreSQL refuses what jsonb cannot
        # hold (a NUL, a lone surrogate), said in French by describe().
        payload = json.dumps(args, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as exc:
        raise ServiceError(
            "Arguments de tâche invalides.", field="args", rule="tache_arguments"
        ) from exc
    if queueing_lock is not None and not (
        isinstance(queueing_lock, str)
        and 0 < len(queueing_lock) <= MAX_LOCK
        and queueing_lock.isprintable()
    ):
        raise ServiceError("Verrou de tâche invalide.", field="queueing_lock", rule="tache_verrou")
    job_id = _call(
        session,
        "SELECT job_defer(:task, CAST(:args AS jsonb), :lock)",
        {"task": task_name, "args": payload, "lock": queueing_lock},
    )
    return int(job_id)


def job_status(*, session: Session, job_id: Any) -> str | None:
    """Status of one job (``todo``, ``doing``, ``succeeded``, ``failed`` …); None if unknown."""
    if isinstance(job_id, bool) or not isinstance(job_id, int) or not 0 < job_id < 2**63:
        return None
    status = _call(session, "SELECT job_status(:id)", {"id": job_id})
    return None if status is None else str(status)
