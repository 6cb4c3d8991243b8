"""``interventions.planifiee`` (revision 0016), checked with raw SQL through the app role.

The flag is derived: true exactly when the intervention has its slot. The planning trigger
keeps it (a slot planned, deleted, moved to another intervention), nobody writes it by hand
(a technician or a client hiding planned work, a manager faking it: refused whatever the
role), and the audit trail never records it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Connection, text

from db.session import Actor
from tests.conftest import act_as, assert_refused, sql_error
from tests.factories import (
    make_client,
    make_equipement,
    make_intervention,
    make_technicien,
    make_user,
)

TZ = ZoneInfo("Africa/Casablanca")
MONDAY = datetime(2031, 3, 10, 8, 0, tzinfo=TZ)
RULE = "intervention_planifiee"


@pytest.fixture
def cast(conn: Connection) -> dict[str, Any]:
    """A client's machine, a technician with two assigned interventions, an open request
    and a manager; nothing planned yet."""
    client, client_user = make_client(conn)
    machine = make_equipement(conn, client)
    tech, tech_user = make_technicien(conn)
    jobs = [make_intervention(conn, machine, technicien_id=tech, statut="affectee") for _ in "ab"]
    request = make_intervention(conn, machine)
    return {
        "jobs": jobs,
        "request": request,
        "machine": machine,
        "manager": Actor(user_id=make_user(conn, "responsable"), role="responsable"),
        "technicien": Actor(user_id=tech_user, role="technicien", technicien_id=tech),
        "client": Actor(user_id=client_user, role="client", client_id=client),
    }


def planned(conn: Connection, intervention: int) -> bool:
    return bool(
        conn.execute(
            text("SELECT planifiee FROM interventions WHERE id = :i"), {"i": intervention}
        ).scalar_one()
    )


def plan(conn: Connection, intervention: int, start: datetime = MONDAY) -> int:
    return int(
        conn.execute(
            text(
                "INSERT INTO planning (intervention_id, date_debut, date_fin)"
                " VALUES (:i, :d, :d + interval '2 hours') RETURNING id"
            ),
            {"i": intervention, "d": start},
        ).scalar_one()
    )


def test_planning_a_slot_marks_the_intervention_and_deleting_it_clears_the_mark(
    conn: Connection, cast: dict[str, Any]
):
    a, b = cast["jobs"]
    act_as(conn, cast["manager"])
    assert not planned(conn, a)
    slot = plan(conn, a)
    assert planned(conn, a) and not planned(conn, b)
    conn.execute(text("DELETE FROM planning WHERE id = :p"), {"p": slot})
    assert not planned(conn, a)


def test_moving_a_slot_to_another_intervention_moves_the_mark(
    conn: Connection, cast: dict[str, Any]
):
    a, b = cast["jobs"]
    act_as(conn, cast["manager"])
    slot = plan(conn, a)
    conn.execute(
        text("UPDATE planning SET intervention_id = :b WHERE id = :p"), {"b": b, "p": slot}
    )
    assert (planned(conn, a), planned(conn, b)) == (False, True)


def version(conn: Connection, intervention: int) -> datetime:
    return conn.execute(
        text("SELECT updated_at FROM interventions WHERE id = :i"), {"i": intervention}
    ).scalar_one()


def test_the_mark_alone_never_changes_the_interventions_version(
    conn: Connection, cast: dict[str, Any]
):
    # updated_at is the version the forms check: a slot deleted (only the mark changes) must
    # not make a user editing the intervention meanwhile see a conflict (revision 0018).
    a, _ = cast["jobs"]
    slot = plan(conn, a)
    # an old version, as if read by a form yesterday (now() is the same all transaction long)
    conn.execute(text("ALTER TABLE interventions DISABLE TRIGGER trg_interventions_updated_at"))
    conn.execute(
        text("UPDATE interventions SET updated_at = '2020-01-01 08:00+00' WHERE id = :i"),
        {"i": a},
    )
    conn.execute(text("ALTER TABLE interventions ENABLE TRIGGER trg_interventions_updated_at"))
    before = version(conn, a)
    act_as(conn, cast["manager"])
    conn.execute(text("DELETE FROM planning WHERE id = :p"), {"p": slot})
    assert not planned(conn, a)
    assert version(conn, a) == before
    # a real edit still moves the version
    conn.execute(
        text("UPDATE interventions SET titre = titre || ' (revu)' WHERE id = :i"), {"i": a}
    )
    assert version(conn, a) > before


def test_moving_a_slot_in_time_keeps_the_mark(conn: Connection, cast: dict[str, Any]):
    a, _ = cast["jobs"]
    act_as(conn, cast["manager"])
    slot = plan(conn, a)
    conn.execute(
        text(
            "UPDATE planning SET date_debut = date_debut + interval '1 day',"
            " date_fin = date_fin + interval '1 day' WHERE id = :p"
        ),
        {"p": slot},
    )
    assert planned(conn, a)


@pytest.mark.parametrize("who", ["technicien", "client", "manager"])
def test_nobody_sets_the_mark_by_hand(conn: Connection, cast: dict[str, Any], who: str):
    a, b = cast["jobs"]
    # the technician's and the manager's: an assigned job; the client's: its open request
    target = cast["request"] if who == "client" else a
    act_as(conn, cast["manager"])
    plan(conn, b)  # planned: may not be hidden from the planning either
    act_as(conn, cast[who])
    exc = sql_error(conn, "UPDATE interventions SET planifiee = true WHERE id = :i", {"i": target})
    assert_refused(exc, RULE)
    if who != "client":
        exc = sql_error(conn, "UPDATE interventions SET planifiee = false WHERE id = :i", {"i": b})
        assert_refused(exc, RULE)


def test_a_new_intervention_is_never_born_planned_but_a_client_request_still_lands(
    conn: Connection, cast: dict[str, Any]
):
    act_as(conn, cast["client"])
    exc = sql_error(
        conn,
        "INSERT INTO interventions (equipement_id, titre, planifiee) VALUES (:e, 'Fuite', true)",
        {"e": cast["machine"]},
    )
    assert_refused(exc, RULE)
    # the column's default (false) is no column the client filled in (intervention_droits_role)
    new = conn.execute(
        text("INSERT INTO interventions (equipement_id, titre) VALUES (:e, 'Fuite') RETURNING id"),
        {"e": cast["machine"]},
    ).scalar_one()
    assert not planned(conn, new)


def test_the_mark_writes_no_audit_row(conn: Connection, cast: dict[str, Any]):
    a, _ = cast["jobs"]
    # date_planifiee already at the slot's start: planning it changes nothing but the mark
    conn.execute(
        text("UPDATE interventions SET date_planifiee = :d WHERE id = :i"), {"d": MONDAY, "i": a}
    )
    act_as(conn, cast["manager"])

    def trail() -> list[Any]:
        return list(
            conn.execute(
                text(
                    "SELECT action::text, nouvelle_valeur FROM historiques_interventions"
                    " WHERE intervention_id = :i ORDER BY id"
                ),
                {"i": a},
            )
        )

    before = trail()
    slot = plan(conn, a)
    assert planned(conn, a)
    conn.execute(text("DELETE FROM planning WHERE id = :p"), {"p": slot})
    assert not planned(conn, a)
    assert trail() == before
    assert all("planifiee" not in (row.nouvelle_valeur or {}) for row in before)


def test_a_slot_moved_in_time_is_still_audited_through_its_date(
    conn: Connection, cast: dict[str, Any]
):
    a, _ = cast["jobs"]
    act_as(conn, cast["manager"])
    plan(conn, a, MONDAY + timedelta(days=1))
    changes = conn.execute(
        text(
            "SELECT nouvelle_valeur FROM historiques_interventions"
            " WHERE intervention_id = :i AND action = 'modification' ORDER BY id"
        ),
        {"i": a},
    ).scalars()
    assert [set(c) for c in changes] == [{"date_planifiee"}]
