"""The application roles may defer a job and read its status, nothing more of the engine.

Attacks replayed through the app role (``act_as``: ``mif_app`` then the user's database role):
the engine's tables are neither readable nor writable, procrastinate's own functions are not
executable (a client could otherwise fetch, finish or cancel jobs), and the status page's
function is the admin's alone.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from db.errors import ServiceError
from db.session import Actor
from db.worker import service
from tests.conftest import act_as, assert_refused, sql_error, touches_nothing, visible_rows
from tests.factories import world

# Each table with a harmless assignment of one of its columns.
ENGINE_TABLES = {
    "procrastinate_jobs": "priority = 9",
    "procrastinate_events": "at = now()",
    "procrastinate_periodic_defers": "task_name = 'x'",
    "procrastinate_workers": "last_heartbeat = now()",
}
ROLES = ("actor_admin", "actor_resp", "actor_tech1", "actor_client1")


@pytest.fixture
def w(conn: Connection) -> dict[str, Any]:
    w = world(conn)
    # A job of someone else's, waiting, with its arguments: nobody of the app may see it.
    w["job"] = conn.execute(
        text(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, args)"
            " VALUES ('default', 'reporting:retention', '{\"secret\": 1}') RETURNING id"
        )
    ).scalar_one()
    return w


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("table", ENGINE_TABLES)
def test_no_app_role_reads_or_writes_the_engine_tables(
    conn: Connection, w: dict[str, Any], who: str, table: str
) -> None:
    act_as(conn, w[who])
    assert visible_rows(conn, f"SELECT count(*) FROM {table}") == 0
    touches_nothing(conn, f"DELETE FROM {table}")
    touches_nothing(conn, f"UPDATE {table} SET {ENGINE_TABLES[table]}")


@pytest.mark.parametrize("who", ROLES)
def test_no_app_role_inserts_a_job_or_calls_the_engine_functions(
    conn: Connection, w: dict[str, Any], who: str
) -> None:
    act_as(conn, w[who])
    for statement in (
        "INSERT INTO procrastinate_jobs (queue_name, task_name) VALUES ('default', 'x')",
        "SELECT procrastinate_fetch_job_v2(NULL, NULL)",
        f"SELECT procrastinate_finish_job_v1({w['job']}, 'succeeded', false)",
        f"SELECT procrastinate_cancel_job_v1({w['job']}, true, true)",
        "SELECT procrastinate_register_worker_v1()",
        "SELECT procrastinate_defer_jobs_v1(ARRAY[ROW('default', 'x', 0, NULL, NULL, '{}',"
        " NULL)]::procrastinate_job_to_defer_v1[])",
    ):
        assert sql_error(conn, statement).orig.sqlstate == "42501", statement


def test_the_login_role_alone_may_not_defer(conn: Connection, w: dict[str, Any]) -> None:
    conn.execute(text("SET LOCAL ROLE mif_app"))
    exc = sql_error(conn, "SELECT job_defer('reporting:refresh_views')")
    assert exc.orig.sqlstate == "42501"


@pytest.mark.parametrize("who", ROLES)
def test_each_app_role_defers_a_job_and_reads_its_status(
    session: Session, w: dict[str, Any], who: str
) -> None:
    act_as(session, w[who])
    job = service.defer_job(
        session=session, task_name="reporting:refresh_views", args={"timestamp": 0}
    )
    assert service.job_status(session=session, job_id=job) == "todo"
    assert service.job_status(session=session, job_id=job + 10_000) is None


def test_a_waiting_queueing_lock_refuses_a_second_job_in_french(
    session: Session, w: dict[str, Any]
) -> None:
    act_as(session, w["actor_resp"])
    service.defer_job(session=session, task_name="reporting:refresh_views", queueing_lock="q1")
    with pytest.raises(ServiceError) as err:
        service.defer_job(session=session, task_name="reporting:refresh_views", queueing_lock="q1")
    assert err.value.rule == "tache_deja_en_attente"
    assert "attente" in err.value.message


def test_a_malformed_task_name_is_refused_by_the_database(
    conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_client1"])
    exc = sql_error(conn, "SELECT job_defer('x; DROP TABLE users', '{}')")
    assert_refused(exc, "tache_inconnue")
    exc = sql_error(conn, "SELECT job_defer('reporting:refresh_views', '[1, 2]')")
    assert_refused(exc, "tache_arguments")


@pytest.mark.parametrize("who", ["actor_resp", "actor_tech1", "actor_client1"])
def test_only_the_admin_reads_the_worker_status(
    session: Session, w: dict[str, Any], who: str
) -> None:
    act_as(session, w[who])
    with pytest.raises(ServiceError):
        service.worker_status(session=session)


def test_a_forged_admin_role_without_an_admin_user_reads_no_status(
    conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_client1"])
    conn.execute(text("SET LOCAL ROLE mif_admin"))
    exc = sql_error(conn, "SELECT worker_status(ARRAY['reporting:refresh_views'])")
    assert_refused(exc, "admin_seulement", sqlstate="42501")


def test_the_status_names_each_periodic_task_and_its_last_run(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    # A finished run of the late notices (the worker's writes, here as the owner).
    done = conn.execute(
        text(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, args)"
            " VALUES ('default', 'interventions:notify_late', '{\"timestamp\": 1}') RETURNING id"
        )
    ).scalar_one()
    conn.execute(text("UPDATE procrastinate_jobs SET status = 'doing' WHERE id = :j"), {"j": done})
    conn.execute(
        text("UPDATE procrastinate_jobs SET status = 'succeeded' WHERE id = :j"), {"j": done}
    )
    act_as(session, w["actor_admin"])
    status = service.worker_status(session=session)
    names = [t.task for t in status.tasks]
    assert names == list(service.periodic_schedule())
    assert {"interventions:notify_late", "reporting:refresh_views"} <= set(names)
    late = next(t for t in status.tasks if t.task == "interventions:notify_late")
    assert late.last_status == "succeeded"
    assert late.last_at is not None and late.last_success_at is not None
    assert late.cron == "*/15 * * * *"
    assert status.waiting >= 1  # the retention job of the fixture
    assert status.workers_alive >= 0


def test_a_job_id_that_is_not_a_number_has_no_status(session: Session) -> None:
    act_as(session, Actor(user_id=1, role="admin"))
    for bad in ("1", None, -5, 2**70, True):
        assert service.job_status(session=session, job_id=bad) is None


def test_without_a_lock_one_job_per_task_and_user_waits_at_a_time(
    session: Session, w: dict[str, Any]
) -> None:
    act_as(session, w["actor_tech1"])
    service.defer_job(session=session, task_name="reporting:refresh_views")
    with pytest.raises(ServiceError) as err:
        service.defer_job(session=session, task_name="reporting:refresh_views")
    assert err.value.rule == "tache_deja_en_attente"
    act_as(session, w["actor_tech2"])  # another user's click is their own
    service.defer_job(session=session, task_name="reporting:refresh_views")


def test_a_full_queue_refuses_more_jobs_in_french(conn: Connection, w: dict[str, Any]) -> None:
    conn.execute(
        text(
            "INSERT INTO procrastinate_jobs (queue_name, task_name)"
            " SELECT 'default', 'reporting:refresh_views' FROM generate_series(1, 10000)"
        )
    )
    act_as(conn, w["actor_admin"])
    exc = sql_error(conn, "SELECT job_defer('reporting:refresh_views', '{}', 'encore')")
    assert_refused(exc, "tache_file_pleine")
