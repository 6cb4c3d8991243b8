"""Actual cost of an intervention: parts at the price they were used plus labour at the
configured hourly rate."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from db.errors import ServiceError
from db.interventions.service import cost
from tests.conftest import act_as
from tests.factories import make_piece, world


@pytest.fixture
def w(conn: Connection) -> dict[str, Any]:
    w = world(conn)
    p1 = make_piece(conn, stock=10, prix_unitaire=Decimal("85.50"))
    p2 = make_piece(conn, stock=10, prix_unitaire=120)
    for piece, qty, price in ((p1, 2, Decimal("85.50")), (p2, 1, 120)):
        conn.execute(
            text(
                "INSERT INTO intervention_pieces (intervention_id, piece_id, quantite,"
                " prix_unitaire) VALUES (:i, :p, :q, :u)"
            ),
            {"i": w["interv1"], "p": piece, "q": qty, "u": price},
        )
    # Today's catalogue price no longer matters for parts already used.
    conn.execute(text("UPDATE pieces_detachees SET prix_unitaire = 999 WHERE id = :p"), {"p": p1})
    conn.execute(
        text("UPDATE interventions SET duree_reelle = 2.5 WHERE id = :i"), {"i": w["interv1"]}
    )
    return w


def test_cost_is_parts_plus_labour(
    session: Session, conn: Connection, w: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MIF_TAUX_HORAIRE_MAD", raising=False)
    act_as(conn, w["actor_resp"])
    c = cost.compute_cost(session=session, intervention_id=w["interv1"])
    assert c.parts_total == Decimal("291.00")
    assert c.parts_lines == 2
    assert c.labour_hours == Decimal("2.5")
    assert c.hourly_rate == Decimal("250.00")
    assert c.labour_total == Decimal("625.00")
    assert c.total == Decimal("916.00")


def test_hourly_rate_comes_from_configuration(
    session: Session, conn: Connection, w: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIF_TAUX_HORAIRE_MAD", "300,50")
    act_as(conn, w["actor_tech1"])
    c = cost.compute_cost(session=session, intervention_id=w["interv1"])
    assert c.labour_total == Decimal("751.25")
    for bad in ("abc", "-1", "inf", "nan", "1e9"):
        monkeypatch.setenv("MIF_TAUX_HORAIRE_MAD", bad)
        assert cost.hourly_rate() == Decimal("250")


def test_no_parts_and_no_duration_cost_nothing(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_client2"])
    c = cost.compute_cost(session=session, intervention_id=w["interv2"])
    assert (c.parts_total, c.parts_lines, c.labour_hours, c.total) == (0, 0, None, 0)


def test_another_clients_cost_is_not_shown(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_client2"])
    with pytest.raises(ServiceError, match="Intervention introuvable"):
        cost.compute_cost(session=session, intervention_id=w["interv1"])
