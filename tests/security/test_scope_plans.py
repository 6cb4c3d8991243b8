"""Row scopes stay index-driven: the cost of a client's or technician's page does not grow
with the number of interventions.

Every statement a page's services send, as a client and as a technician, is planned again
with sequential scans disabled: the planner then uses an index wherever one can serve the
query *and its row policies*. A sequential scan of a large table
that survives means no index can serve it — a policy calling a function per row, or an OR
between predicates — and would cost the whole table at a million interventions. (At demo
scale the planner may rightly prefer sequential scans, so plain EXPLAIN proves nothing here.)
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, event, text
from sqlalchemy.orm import Session

from db.equipment import service as equipment
from db.reporting import service as reporting
from db.session import Actor
from tests.conftest import act_as

LARGE = {
    "interventions",
    "intervention_techniciens",
    "documents",
    "planning",
    "taches",
    "historiques_interventions",
    "intervention_pieces",
    "equipements",
}


@contextmanager
def captured(conn: Connection) -> Iterator[list[tuple[str, Any]]]:
    """The (statement, parameters) sent on ``conn`` inside the block."""
    sent: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "set_config" not in statement:
            sent.append((statement, params))

    event.listen(conn, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(conn, "before_cursor_execute", record)


def whole_table_reads(plan: dict[str, Any]) -> list[str]:
    """Nodes of ``plan`` that must read a large table whole, or call a function per row.

    With sequential scans disabled, a ``Seq Scan`` that remains means no index can serve the
    statement; a filter calling ``app_…(`` (outside an InitPlan) runs it for every row. (A
    full walk of an index can be the cheapest plan on demo-sized tables, so it is not judged
    here: that takes a large database, see the README's security section.)
    """
    found = []
    relation = plan.get("Relation Name")
    if relation in LARGE and plan.get("Node Type") == "Seq Scan":
        found.append(f"Seq Scan on {relation}")
    if re.search(r"\bapp_\w+\(", plan.get("Filter", "")):
        found.append(f"per-row function in a filter: {plan['Filter'][:120]}")
    for child in plan.get("Plans", []):
        found += whole_table_reads(child)
    return found


def demo_actor(conn: Connection, username: str) -> Actor:
    row = conn.execute(
        text(
            "SELECT u.id, u.role::text AS role, c.id AS client_id, t.id AS technicien_id"
            " FROM users u LEFT JOIN clients c ON c.user_id = u.id"
            " LEFT JOIN techniciens t ON t.user_id = u.id WHERE u.username = :u"
        ),
        {"u": username},
    ).one()
    return Actor(
        user_id=row.id, role=row.role, client_id=row.client_id, technicien_id=row.technicien_id
    )


def client_pages(s: Session, a: Actor, machine: int) -> None:
    reporting.client_figures(session=s, client_id=a.client_id)
    reporting.client_open_requests(session=s, client_id=a.client_id)
    equipment.list_equipements(session=s)  # its own machines: a scoped list
    common_pages(s, machine)


def technician_pages(s: Session, a: Actor, machine: int) -> None:
    reporting.technician_figures(session=s, technicien_id=a.technicien_id)
    today = reporting.business_today()
    monday, next_monday = reporting.week_bounds(today)
    reporting.technician_agenda(
        session=s, technicien_id=a.technicien_id, start=today, end=today + timedelta(days=1)
    )
    reporting.technician_agenda(
        session=s, technicien_id=a.technicien_id, start=monday, end=next_monday
    )
    reporting.technician_open_interventions(session=s, technicien_id=a.technicien_id)
    common_pages(s, machine)


def common_pages(s: Session, machine: int) -> None:
    # (A technician's registry list is the whole fleet by design: its COUNT is the list's
    # own cost, capped by the benchmark issue, not a row scope's.)
    equipment.get_equipement_detail(session=s, equipement_id=machine)
    equipment.list_equipement_interventions(session=s, filters=machine)
    equipment.list_historique_maintenance(session=s, filters=machine)


@pytest.mark.parametrize(
    ("username", "pages"), [("client", client_pages), ("technicien", technician_pages)]
)
def test_client_and_technician_pages_never_need_a_sequential_scan_of_a_large_table(
    conn: Connection, session: Session, username: str, pages: Callable[..., None]
) -> None:
    actor = demo_actor(conn, username)
    machine = conn.execute(
        text(
            "SELECT equipement_id FROM interventions WHERE client_id = :c OR id IN"
            " (SELECT intervention_id FROM intervention_techniciens WHERE technicien_id = :t)"
            " GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        ),
        {"c": actor.client_id or 0, "t": actor.technicien_id or 0},
    ).scalar_one()
    act_as(session, actor)
    with captured(conn) as sent:
        pages(session, actor, machine)
    assert len(sent) >= 5
    conn.execute(text("SET LOCAL enable_seqscan = off"))
    offenders = {}
    for statement, params in sent:
        plan = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, params).scalar_one()
        plan = plan if isinstance(plan, list) else json.loads(plan)
        scans = whole_table_reads(plan[0]["Plan"])
        if scans:
            offenders[statement[:200]] = scans
    assert offenders == {}
