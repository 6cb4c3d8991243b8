"""The board, the late list and the search stay bounded under row-level security (revision 0012).

Under row-level security the enum equality ``statut = 'x'`` is never an index condition (it is
not leakproof), so a board column of an admin or a technician used to sort every intervention of
its status. These plans are read with sorts and sequential scans disabled: the planner then
answers in the index's order when an index can give it, and only then. The timings at 1,000,000
interventions are in the README (section "Interventions : services").
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from db.interventions.service import InterventionFilters, board_column, list_interventions
from db.interventions.service.common import STATUTS
from tests.conftest import act_as
from tests.factories import make_equipement, make_intervention, world
from tests.security.test_scope_plans import captured, demo_actor, whole_table_reads


def _plans(conn: Connection, sent: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    """Plans of the statements sent, with no sort and no sequential scan unless unavoidable."""
    conn.execute(
        text(
            "SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off;"
            " SET LOCAL enable_incremental_sort = off"
        )
    )
    out = []
    for statement, params in sent:
        plan = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, params).scalar_one()
        plan = plan if isinstance(plan, list) else json.loads(plan)
        out.append(plan[0]["Plan"])
    return out


def _nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    found = [plan]
    for child in plan.get("Plans", []):
        found += _nodes(child)
    return found


def _sorts(plan: dict[str, Any]) -> list[str]:
    return [str(n.get("Sort Key")) for n in _nodes(plan) if "Sort" in n["Node Type"]]


def _indexes(plan: dict[str, Any]) -> set[str]:
    return {n["Index Name"] for n in _nodes(plan) if "Index Name" in n}


@pytest.mark.parametrize("username", ["admin", "technicien"])
@pytest.mark.parametrize("statut", STATUTS)
def test_a_board_column_is_a_range_of_its_status_index_without_a_sort(
    session: Session, username: str, statut: str
) -> None:
    conn = session.connection()
    act_as(session, demo_actor(conn, username))
    with captured(conn) as sent:
        board_column(session=session, statut=statut, limit=1)  # limit 1: the count runs too
    cards, count = _plans(conn, sent)
    assert f"idx_intervention_board_{statut}" in _indexes(cards)
    assert _sorts(cards) == []
    assert whole_table_reads(cards) == []
    # The count reads the status's index alone: no join, no whole table.
    assert _indexes(count) == {f"idx_intervention_board_{statut}"}


@pytest.mark.parametrize("username", ["admin", "technicien"])
def test_the_late_list_walks_the_open_interventions_in_the_list_order(
    session: Session, username: str
) -> None:
    conn = session.connection()
    act_as(session, demo_actor(conn, username))
    with captured(conn) as sent:
        list_interventions(session=session, filters=InterventionFilters(en_retard=True))
    page = _plans(conn, sent)[0]
    assert "idx_intervention_open_date_id" in _indexes(page)
    assert _sorts(page) == []


def test_a_count_is_the_number_of_rows_the_list_shows(session: Session) -> None:
    """The counts read the interventions alone (no joins): the same number as the joined
    list, for a client too (its rows are on its own machines)."""
    conn = session.connection()
    w = world(conn)
    spare = make_equipement(conn, w["client1"])
    for _ in range(4):
        make_intervention(conn, spare, statut="ouverte")
    for actor in (w["actor_client1"], w["actor_admin"], w["actor_tech1"]):
        nested = session.begin_nested()
        act_as(session, actor)
        f = InterventionFilters(equipement_id=spare)
        rows, total = list_interventions(session=session, filters=f, page_size=2)
        assert len(rows) == 2
        assert total.exact and int(total) == 4
        column = board_column(session=session, statut="ouverte", filters=f, limit=2)
        assert len(column.cards) == 2 and int(column.total) == 4 and column.more == 2
        nested.rollback()


def test_the_search_finds_a_clients_own_interventions_only_by_title_machine_or_company(
    session: Session,
) -> None:
    conn = session.connection()
    w = world(conn)
    mine = make_equipement(conn, w["client1"], nom="Presse Zorglub")
    theirs = make_equipement(conn, w["client2"], nom="Presse Zorglub bis")
    by_machine = make_intervention(conn, mine, titre="Fuite")
    by_title = make_intervention(conn, w["equip1"], titre="Zorglub grince")
    hidden = make_intervention(conn, theirs, titre="Zorglub aussi")
    company = conn.execute(
        text("SELECT nom_entreprise FROM clients WHERE id = :c"), {"c": w["client1"]}
    ).scalar_one()

    def found(pattern: str, limit: int = 5000) -> set[int]:
        ids = conn.execute(
            text("SELECT intervention_search_ids(:p, :n)"), {"p": pattern, "n": limit}
        ).scalar_one()
        return set(ids)

    act_as(session, w["actor_client1"])
    assert found("%zorglub%") == {by_machine, by_title}
    assert {w["interv1"], by_machine, by_title} <= found(f"%{company}%")
    assert hidden not in found(f"%{company}%")
    assert len(found("%zorglub%", 1)) == 1
    nested = session.begin_nested()
    act_as(session, w["actor_resp"])
    assert found("%zorglub%") >= {by_machine, by_title, hidden}
    assert len(found("%zorglub%", 2)) == 2
    nested.rollback()
