"""The calendar's reads stay bounded at any size: index ranges, never a whole large table.

Plans read with sequential scans and sorts disabled (as in tests/interventions/
test_board_plans.py): a ``Seq Scan`` left on a large table means no index can serve the read.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from db.equipment.preventive import generate_preventive
from db.planning import service as planning
from db.validation import BUSINESS_TZ
from tests.conftest import act_as
from tests.interventions.test_board_plans import _indexes, _plans
from tests.security.test_scope_plans import captured, demo_actor, whole_table_reads

NOW = datetime.now(BUSINESS_TZ)


def _week() -> dict[str, Any]:
    return {"start": NOW - timedelta(days=3), "end": NOW + timedelta(days=4)}


@pytest.mark.parametrize("username", ["admin", "technicien", "client"])
def test_a_week_of_slots_is_a_range_of_the_start_index_whatever_the_role(
    session: Session, username: str
) -> None:
    conn = session.connection()
    act_as(session, demo_actor(conn, username))
    with captured(conn) as sent:
        planning.list_slots(session=session, **_week())
    (plan,) = _plans(conn, sent)
    used = _indexes(plan)
    # Staff walk the start index; a technician's or a client's slots may as well come from
    # their own rows first (the planner's choice at demo size): an index either way.
    if username == "admin":
        assert "idx_planning_date_debut" in used
    else:
        assert any("planning" in name for name in used), used
    assert whole_table_reads(plan) == []


def test_a_technician_s_week_and_absences_read_no_whole_table(session: Session) -> None:
    conn = session.connection()
    actor = demo_actor(conn, "technicien")
    act_as(session, actor)
    with captured(conn) as sent:
        planning.technician_agenda(session=session, actor=actor, **_week())
    plans = _plans(conn, sent)
    assert all(whole_table_reads(p) == [] for p in plans)


def test_the_unplanned_list_reads_the_indexes_of_the_unplanned_open_and_assigned_ones(
    session: Session,
) -> None:
    conn = session.connection()
    act_as(session, demo_actor(conn, "responsable"))
    with captured(conn) as sent:
        planning.unplanned_interventions(session=session, limit=20)
    (plan,) = _plans(conn, sent)
    used = _indexes(plan)
    # revision 0016: the partial indexes hold only the unplanned rows (NOT planifiee), so the
    # list never walks the planned ones to find the few left
    assert {"idx_intervention_unplanned_ouverte", "idx_intervention_unplanned_affectee"} <= used
    assert whole_table_reads(plan) == []


def test_preventive_generation_reads_the_machines_due_as_an_index_range(
    session: Session,
) -> None:
    conn = session.connection()
    conn.execute(text("SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off"))
    # generate_preventive's own selection of the machines due (db/equipment/preventive.py)
    statement = (
        "EXPLAIN (FORMAT JSON) SELECT e.id FROM equipements e WHERE e.statut <> 'retire'"
        " AND e.prochaine_maintenance IS NOT NULL AND e.prochaine_maintenance <= current_date + 30"
        " ORDER BY e.prochaine_maintenance, e.id LIMIT 5000"
    )
    plan = conn.exec_driver_sql(statement).scalar_one()[0]["Plan"]
    assert "idx_equipement_prochaine_maintenance" in _indexes(plan)
    assert whole_table_reads(plan) == []
    assert generate_preventive(session=session, horizon_days=30) > 0
