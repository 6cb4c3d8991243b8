"""Interventions service, read side: board columns, list, filters from the URL, exports,
my work, and the plans that keep them bounded."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from db.errors import ValidationError
from db.interventions.service import (
    InterventionFilters,
    board_column,
    count_interventions,
    export_chunk_interventions,
    filters_from_params,
    filters_to_params,
    list_interventions,
    my_work,
)
from db.validation import BUSINESS_TZ
from tests.conftest import act_as
from tests.factories import make_intervention, world
from tests.security.test_scope_plans import captured, whole_table_reads


def test_filters_come_from_the_url_and_go_back_to_it():
    f = filters_from_params(
        {
            "statut": ["ouverte", "en_cours"],
            "client": "12",
            "retard": "1",
            "q": "pompe",
            "limite_au": "31/12/2030",
            "tri": "date_limite",
        }
    )
    assert f.statuts == ("ouverte", "en_cours") and f.client_id == 12 and f.en_retard
    assert f.limite_au == date(2030, 12, 31) and f.sort == ("date_limite", False)
    assert filters_from_params(filters_to_params(f)) == f


def test_bad_url_filters_are_refused_in_french_per_filter():
    with pytest.raises(ValidationError) as err:
        filters_from_params(
            {"statut": "volatilisee", "client": "99999999999", "cree_du": "hier", "q": "a\x00b"}
        )
    assert set(err.value.errors) == {"statuts", "client_id", "cree_du", "q"}


def test_a_board_column_orders_by_priority_then_deadline_and_counts_the_column(
    session: Session,
):
    conn = session.connection()
    w = world(conn)
    soon = datetime.now(BUSINESS_TZ) + timedelta(days=1)
    later = soon + timedelta(days=5)
    a = make_intervention(conn, w["equip1"], priorite="normale", date_limite=soon)
    b = make_intervention(conn, w["equip1"], priorite="urgente", date_limite=later)
    c = make_intervention(conn, w["equip1"], priorite="urgente", date_limite=soon)
    act_as(session, w["actor_client1"])
    col = board_column(session=session, statut="ouverte", filters=None, limit=2)
    ids = [card["id"] for card in col.cards]
    assert ids == [c, b]
    assert int(col.total) >= 3 and col.more >= 1
    col = board_column(
        session=session,
        statut="ouverte",
        filters=InterventionFilters(client_id=w["client1"]),
        limit=50,
    )
    assert {a, b, c} <= {card["id"] for card in col.cards}
    card = next(x for x in col.cards if x["id"] == a)
    assert card["client_nom"] and card["machine"] and card["taches_total"] == 0


def test_a_client_never_sees_another_clients_cards(session: Session):
    conn = session.connection()
    w = world(conn)
    theirs = make_intervention(conn, w["equip2"])
    act_as(session, w["actor_client1"])
    col = board_column(
        session=session,
        statut="ouverte",
        filters=InterventionFilters(client_id=w["client2"]),
        limit=50,
    )
    assert col.cards == [] and int(col.total) == 0
    rows, _total = list_interventions(
        session=session, filters=InterventionFilters(q=str(theirs)), page=1, page_size=50
    )
    assert all(r["client_id"] == w["client1"] for r in rows)


def test_the_list_pages_filters_and_exports_in_keyset_chunks(session: Session):
    conn = session.connection()
    w = world(conn)
    made = [make_intervention(conn, w["equip1"], titre=f"Fuite vanne {n}") for n in range(7)]
    late = make_intervention(
        conn, w["equip1"], technicien_id=w["tech1"], statut="affectee", urgence=True
    )
    conn.execute(
        text(
            "UPDATE interventions SET date_creation = now() - interval '1 day',"
            " date_limite = now() - interval '1 hour' WHERE id = :i"
        ),
        {"i": late},
    )
    act_as(session, w["actor_resp"])
    f = InterventionFilters(equipement_id=w["equip1"])
    rows, total = list_interventions(session=session, filters=f, page=1, page_size=3)
    assert len(rows) == 3 and int(total) == 9
    assert count_interventions(session=session, filters=f) == 9
    seen: list[int] = []
    after: Any = None
    while True:
        chunk, after = export_chunk_interventions(
            session=session, filters=f, after=after, chunk_size=4
        )
        seen += [r["id"] for r in chunk]
        if after is None:
            break
    everything, _ = list_interventions(session=session, filters=f, page=1, page_size=50)
    assert seen == [r["id"] for r in everything]
    assert set(made) <= set(seen)
    only_late, _ = list_interventions(
        session=session,
        filters=InterventionFilters(equipement_id=w["equip1"], en_retard=True, urgentes=True),
    )
    assert [r["id"] for r in only_late] == [late] and only_late[0]["en_retard"]
    by_tech, _ = list_interventions(
        session=session, filters=InterventionFilters(technicien_id=w["tech1"])
    )
    assert late in {r["id"] for r in by_tech}
    found, _ = list_interventions(
        session=session, filters=InterventionFilters(q="vanne", equipement_id=w["equip1"])
    )
    assert set(made) == {r["id"] for r in found}


def test_my_work_puts_today_first_then_this_week(session: Session):
    conn = session.connection()
    w = world(conn)
    today = date(2030, 6, 5)  # a Wednesday
    at = datetime(2030, 6, 5, 10, tzinfo=BUSINESS_TZ)
    t_today = make_intervention(
        conn, w["equip1"], technicien_id=w["tech1"], statut="affectee", date_planifiee=at
    )
    t_week = make_intervention(
        conn,
        w["equip1"],
        technicien_id=w["tech1"],
        statut="affectee",
        date_planifiee=at + timedelta(days=2),
    )
    t_later = make_intervention(
        conn,
        w["equip1"],
        technicien_id=w["tech1"],
        statut="affectee",
        date_planifiee=at + timedelta(days=20),
    )
    act_as(session, w["actor_tech1"])
    work = my_work(session=session, actor=w["actor_tech1"], today=today)
    assert t_today in [r["id"] for r in work.aujourdhui]
    assert [r["id"] for r in work.semaine] == [t_week]
    assert t_later in [r["id"] for r in work.autres]
    assert my_work(session=session, actor=w["actor_client1"], today=today).aujourdhui == []


@pytest.mark.parametrize("username", ["admin", "client", "technicien"])
def test_the_board_column_and_the_default_list_page_read_no_whole_table(
    session: Session, username: str
):
    from tests.security.test_scope_plans import demo_actor

    conn = session.connection()
    actor = demo_actor(conn, username)
    act_as(session, actor)
    with captured(conn) as sent:
        board_column(session=session, statut="en_cours", limit=20)
        list_interventions(session=session, page=1, page_size=25)
    conn.execute(text("SET LOCAL enable_seqscan = off"))
    used: list[str] = []
    for statement, params in sent:
        plan = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, params).scalar_one()
        plan = plan if isinstance(plan, list) else json.loads(plan)
        assert whole_table_reads(plan[0]["Plan"]) == [], statement[:200]
        used.append(json.dumps(plan))
    if username == "client":
        return  # a demo client's few rows: any index will do (no whole table read, above)
    assert any("idx_intervention_board" in p or "idx_intervention_client_board" in p for p in used)
    assert any(
        "idx_intervention_date_id" in p or "idx_intervention_client_date_id" in p for p in used
    )
