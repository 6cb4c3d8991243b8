"""Each task's SQL, run directly twice as the worker role: the second run changes nothing.

The worker runs every statement as ``mif_worker`` (``SET ROLE`` on its connections); here the
owner's rolled-back transaction switches to it with ``SET LOCAL ROLE``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, text

from tests.conftest import visible_rows
from tests.factories import insert, make_equipement, make_intervention, world


def as_worker(conn: Connection) -> None:
    conn.execute(text("SET LOCAL ROLE mif_worker"))


def reminders_of(conn: Connection, intervention_id: int) -> list[Any]:
    conn.execute(text("RESET ROLE"))
    rows = conn.execute(
        text(
            "SELECT user_id, titre, type_notification::text AS type FROM notifications"
            " WHERE intervention_id = :i AND metadata ->> 'kind' = 'rappel' ORDER BY user_id"
        ),
        {"i": intervention_id},
    ).all()
    return list(rows)


def plan(conn: Connection, intervention_id: int, start: datetime, **extra: Any) -> int:
    values: dict[str, Any] = {
        "intervention_id": intervention_id,
        "date_debut": start,
        "date_fin": start + timedelta(hours=2),
        "confirme": True,
    }
    values.update(extra)
    return insert(conn, "planning", **values)


@pytest.fixture
def w(conn: Connection) -> dict[str, Any]:
    w = world(conn)
    # tech2 assists tech1 on intervention 1: both are reminded.
    conn.execute(
        text(
            "INSERT INTO intervention_techniciens (intervention_id, technicien_id, role)"
            " VALUES (:i, :t, 'assistant')"
        ),
        {"i": w["interv1"], "t": w["tech2"]},
    )
    return w


def test_a_confirmed_slot_within_a_day_reminds_each_technician_once(
    conn: Connection, w: dict[str, Any]
) -> None:
    slot = plan(conn, w["interv1"], datetime.now(UTC) + timedelta(hours=3))
    as_worker(conn)
    first = conn.execute(text("SELECT send_slot_reminders()")).scalar_one()
    sent = reminders_of(conn, w["interv1"])
    assert len(sent) == 2  # principal and assistant
    assert first >= 2
    assert {r.type for r in sent} == {"planning"}
    as_worker(conn)
    assert conn.execute(text("SELECT send_slot_reminders()")).scalar_one() == 0
    assert len(reminders_of(conn, w["interv1"])) == 2
    assert conn.execute(
        text("SELECT rappel_envoye FROM planning WHERE id = :p"), {"p": slot}
    ).scalar_one()


def test_no_reminder_for_an_unconfirmed_a_later_or_a_cancelled_slot(
    conn: Connection, w: dict[str, Any]
) -> None:
    now = datetime.now(UTC)
    plan(conn, w["interv1"], now + timedelta(hours=2), confirme=False)
    plan(conn, w["interv2"], now + timedelta(hours=30))
    cancelled = make_intervention(
        conn, make_equipement(conn, w["client1"]), technicien_id=w["tech1"], statut="affectee"
    )
    plan(conn, cancelled, now + timedelta(hours=8))
    conn.execute(
        text("UPDATE interventions SET statut = 'annulee' WHERE id = :i"), {"i": cancelled}
    )
    as_worker(conn)
    conn.execute(text("SELECT send_slot_reminders()"))
    for intervention in (w["interv1"], w["interv2"], cancelled):
        assert reminders_of(conn, intervention) == []


def test_late_notices_twice_write_nothing_the_second_time(
    conn: Connection, w: dict[str, Any]
) -> None:
    conn.execute(
        text(
            "UPDATE interventions SET date_limite = now() - interval '1 day',"
            " date_creation = now() - interval '3 days' WHERE id = :i"
        ),
        {"i": w["interv1"]},
    )
    as_worker(conn)
    assert conn.execute(text("SELECT notify_late_interventions()")).scalar_one() >= 1
    assert conn.execute(text("SELECT notify_late_interventions()")).scalar_one() == 0


def test_views_refresh_twice_as_the_worker(conn: Connection) -> None:
    # The first refresh may catch up with rows other tests committed; the second changes nothing.
    counts = []
    for _ in range(2):
        as_worker(conn)
        conn.execute(text("SELECT refresh_materialized_views()"))
        conn.execute(text("RESET ROLE"))
        counts.append(conn.execute(text("SELECT count(*) FROM mv_technician_stats")).scalar_one())
    technicians = conn.execute(text("SELECT count(*) FROM techniciens")).scalar_one()
    assert counts[0] == counts[1] == technicians


def test_retention_twice_finds_nothing_left_the_second_time(conn: Connection) -> None:
    as_worker(conn)
    conn.execute(text("SELECT * FROM archive_old_interventions()")).one()
    second = conn.execute(text("SELECT * FROM archive_old_interventions()")).one()
    assert tuple(second) == (0, 0, 0)


@pytest.mark.parametrize(
    "table", ["interventions", "planning", "notifications", "users", "retention_runs"]
)
def test_the_worker_role_reads_no_table_of_the_product(conn: Connection, table: str) -> None:
    as_worker(conn)
    assert visible_rows(conn, f"SELECT count(*) FROM {table}") == 0


def test_the_worker_role_owns_the_engine_tables_and_nothing_else(conn: Connection) -> None:
    owned = set(
        conn.execute(
            text(
                "SELECT relname FROM pg_class WHERE relowner = 'mif_worker'::regrole"
                " AND relkind IN ('r', 'p', 'v', 'm')"
            )
        ).scalars()
    )
    assert owned == {
        "procrastinate_jobs",
        "procrastinate_events",
        "procrastinate_periodic_defers",
        "procrastinate_workers",
    }
    row = conn.execute(
        text(
            "SELECT rolsuper, rolbypassrls, rolcanlogin, rolinherit FROM pg_roles"
            " WHERE rolname = 'mif_worker'"
        )
    ).one()
    assert tuple(row) == (False, False, False, False)
