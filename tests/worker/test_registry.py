"""The registry: every domain's periodic tasks in one app, and the preventive generation hook."""

from __future__ import annotations

import importlib.util
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from db.equipment import tasks as equipment_tasks
from db.worker import registry


def test_every_domain_task_is_registered_once_under_its_namespace() -> None:
    names = registry.periodic_task_names()
    for expected in (
        "interventions:notify_late",
        "planning:slot_reminders",
        "reporting:refresh_views",
        "reporting:retention",
        "worker:cleanup",
    ):
        assert expected in names
    assert len(names) == len(set(names))
    for name in names:
        task = registry.app.tasks[name]
        # at most one waiting and one running: safe with several workers
        assert task.queueing_lock and task.lock, name


def test_the_preventive_task_exists_exactly_when_its_module_does() -> None:
    present = importlib.util.find_spec(equipment_tasks.PREVENTIVE_MODULE) is not None
    assert (equipment_tasks.generate_preventive is not None) is present
    assert ("equipment:generate_preventive" in registry.periodic_task_names()) is present


def test_the_hook_passes_a_session_or_a_connection_as_the_generator_asks(db_url: Any) -> None:
    seen: dict[str, Any] = {}

    def with_session(*, session: Session, horizon_days: int) -> int:
        seen["session"] = (type(session).__name__, horizon_days)
        return 2

    def with_conn(*, conn: Connection, horizon_days: int) -> int:
        seen["conn"] = (type(conn).__name__, horizon_days)
        return 0

    assert equipment_tasks.run_generation(with_session, 30) == 2
    assert equipment_tasks.run_generation(with_conn, 7) == 0
    assert seen == {"session": ("Session", 30), "conn": ("Connection", 7)}


def test_the_horizon_comes_from_the_environment_and_stays_positive(monkeypatch: Any) -> None:
    monkeypatch.setenv("MIF_PREVENTIVE_HORIZON_DAYS", "45")
    assert equipment_tasks.horizon_days() == 45
    monkeypatch.setenv("MIF_PREVENTIVE_HORIZON_DAYS", "-3")
    assert equipment_tasks.horizon_days() == 1
    monkeypatch.setenv("MIF_PREVENTIVE_HORIZON_DAYS", "100000")
    assert equipment_tasks.horizon_days() == equipment_tasks.MAX_HORIZON_DAYS
    monkeypatch.setenv("MIF_PREVENTIVE_HORIZON_DAYS", "beaucoup")
    assert equipment_tasks.horizon_days() == equipment_tasks.DEFAULT_HORIZON_DAYS
