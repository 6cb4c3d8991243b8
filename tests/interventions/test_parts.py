"""Parts used on an intervention: search with stock, a line and its sortie in one transaction,
clear French refusals that write nothing, giving parts back, and two users racing for the
last parts (the database arbitrates)."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from db.errors import ServiceError
from db.interventions.service import parts
from db.session import Actor, session_scope
from tests.conftest import act_as, sql_error
from tests.factories import make_intervention, make_piece, world


@pytest.fixture
def w(conn: Connection) -> dict[str, Any]:
    """``world`` plus a part with 10 in stock and an inactive part."""
    w = world(conn)
    w["piece"] = make_piece(conn, stock=10, nom="Roulement Zqxw 6204", prix_unitaire=85)
    w["old_piece"] = make_piece(conn, stock=5, nom="Joint Zqxw obsolète", active=False)
    w["ref"] = conn.execute(
        text("SELECT reference FROM pieces_detachees WHERE id = :p"), {"p": w["piece"]}
    ).scalar_one()
    return w


def ledger(conn: Connection, intervention_id: int) -> tuple[int, int, list[tuple[str, int]]]:
    """(stock of the fixture part, its lines' quantity, movements of the intervention)."""
    conn.execute(text("SAVEPOINT look"))
    conn.execute(text("RESET ROLE"))
    lines = conn.execute(
        text(
            "SELECT coalesce(sum(quantite), 0) FROM intervention_pieces WHERE intervention_id = :i"
        ),
        {"i": intervention_id},
    ).scalar_one()
    moves = conn.execute(
        text(
            "SELECT type_mouvement::text, quantite FROM mouvements_stock"
            " WHERE intervention_id = :i ORDER BY id"
        ),
        {"i": intervention_id},
    ).all()
    conn.execute(text("ROLLBACK TO SAVEPOINT look"))
    return lines, len(moves), [(m[0], m[1]) for m in moves]


def stock(conn: Connection, piece_id: int) -> int:
    conn.execute(text("SAVEPOINT look"))
    conn.execute(text("RESET ROLE"))
    value = conn.execute(
        text("SELECT stock_actuel FROM pieces_detachees WHERE id = :p"), {"p": piece_id}
    ).scalar_one()
    conn.execute(text("ROLLBACK TO SAVEPOINT look"))
    return value


# ----------------------------------------------------------------------------- search


def test_search_finds_parts_by_name_or_reference_with_their_stock(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_tech1"])
    by_name = parts.search_parts(session=session, actor=w["actor_tech1"], term="zqxw 6204")
    assert [p["id"] for p in by_name] == [w["piece"]]
    assert by_name[0]["stock_actuel"] == 10
    by_ref = parts.search_parts(session=session, actor=w["actor_tech1"], term=w["ref"].lower())
    assert [p["id"] for p in by_ref] == [w["piece"]]


def test_search_leaves_out_inactive_parts_and_takes_wildcards_literally(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_resp"])
    assert parts.search_parts(session=session, actor=w["actor_resp"], term="obsolète") == []
    assert parts.search_parts(session=session, actor=w["actor_resp"], term="%") == []


def test_search_is_bounded(session: Session, conn: Connection, w: dict[str, Any]) -> None:
    act_as(conn, w["actor_admin"])
    found = parts.search_parts(session=session, actor=w["actor_admin"], term="", limit=10**9)
    assert 0 < len(found) <= parts.SEARCH_MAX
    assert len(parts.search_parts(session=session, actor=w["actor_admin"], term="", limit=3)) == 3


def test_the_search_function_reads_the_trigram_index(conn: Connection) -> None:
    # Under row-level security an ILIKE gets no index: piece_search_ids() runs this very
    # query as the owner, where the index serves it.
    conn.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(
        r[0]
        for r in conn.execute(
            text(
                "EXPLAIN SELECT id FROM pieces_detachees"
                " WHERE (reference || ' ' || nom) ILIKE '%roulement%' AND active"
            )
        )
    )
    assert "idx_piece_search_trgm" in plan


def test_a_client_does_not_search_the_warehouse(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_client1"])
    with pytest.raises(ServiceError, match="techniciens et les responsables"):
        parts.search_parts(session=session, actor=w["actor_client1"], term="roulement")


# ----------------------------------------------------------------------------- use


def test_using_a_part_writes_the_line_and_its_sortie(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_tech1"])
    line = parts.use_part(
        session=session,
        actor=w["actor_tech1"],
        intervention_id=w["interv1"],
        piece_id=w["piece"],
        quantite=3,
    )
    assert line["quantite"] == 3
    assert line["prix_unitaire"] == 85
    assert ledger(conn, w["interv1"]) == (3, 1, [("sortie", 3)])
    assert stock(conn, w["piece"]) == 7
    # The same part again: the line grows, a second sortie is booked.
    again = parts.use_part(
        session=session,
        actor=w["actor_tech1"],
        intervention_id=w["interv1"],
        piece_id=str(w["piece"]),
        quantite="2",
    )
    assert again["quantite"] == 5
    assert ledger(conn, w["interv1"]) == (5, 2, [("sortie", 3), ("sortie", 2)])
    assert stock(conn, w["piece"]) == 5
    used = parts.list_parts_used(session=session, intervention_id=w["interv1"])
    assert [(u["piece_id"], u["quantite"], u["total"]) for u in used] == [(w["piece"], 5, 425)]


@pytest.mark.parametrize(
    ("quantite", "message"),
    [
        (0, "Quantité : 1 au minimum"),
        (-2, "négative"),
        (11, "Stock insuffisant : 10 disponible(s), 11 demandé(s)"),
        (2.5, "nombre entier"),
        ("", "obligatoire"),
        (10**12, "100 000 au maximum"),
        ("abc", "nombre entier"),
    ],
)
def test_bad_quantities_are_refused_in_french_and_nothing_is_written(
    session: Session, conn: Connection, w: dict[str, Any], quantite: Any, message: str
) -> None:
    act_as(conn, w["actor_resp"])
    with pytest.raises(ServiceError) as err:
        parts.use_part(
            session=session,
            actor=w["actor_resp"],
            intervention_id=w["interv1"],
            piece_id=w["piece"],
            quantite=quantite,
        )
    assert message in err.value.message
    assert err.value.field == "quantite"
    assert ledger(conn, w["interv1"]) == (0, 0, [])
    assert stock(conn, w["piece"]) == 10


def test_inactive_and_unknown_parts_are_refused(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_resp"])
    for piece_id, message in ((w["old_piece"], "n'est plus active"), (2**31 - 1, "introuvable")):
        with pytest.raises(ServiceError, match=message):
            parts.use_part(
                session=session,
                actor=w["actor_resp"],
                intervention_id=w["interv1"],
                piece_id=piece_id,
                quantite=1,
            )


def test_a_technician_logs_parts_only_on_interventions_assigned_to_them(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_tech1"])
    with pytest.raises(ServiceError, match="pas affecté"):
        parts.use_part(
            session=session,
            actor=w["actor_tech1"],
            intervention_id=w["interv2"],
            piece_id=w["piece"],
            quantite=1,
        )
    assert ledger(conn, w["interv2"]) == (0, 0, [])


def test_a_client_logs_no_part_and_cannot_see_another_clients_intervention(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_client1"])
    with pytest.raises(ServiceError, match="techniciens et les responsables"):
        parts.use_part(
            session=session,
            actor=w["actor_client1"],
            intervention_id=w["interv1"],
            piece_id=w["piece"],
            quantite=1,
        )
    with pytest.raises(ServiceError, match="Intervention introuvable"):
        parts.list_parts_used(session=session, intervention_id=w["interv2"])


def test_no_part_on_a_cancelled_intervention(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    cancelled = make_intervention(conn, w["equip1"], statut="annulee")
    act_as(conn, w["actor_admin"])
    with pytest.raises(ServiceError, match="annulée ou archivée"):
        parts.use_part(
            session=session,
            actor=w["actor_admin"],
            intervention_id=cancelled,
            piece_id=w["piece"],
            quantite=1,
        )


# ----------------------------------------------------------------------------- return


def test_a_part_logged_by_mistake_goes_back_to_stock(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_tech1"])
    kw = {"session": session, "actor": w["actor_tech1"], "intervention_id": w["interv1"]}
    parts.use_part(**kw, piece_id=w["piece"], quantite=4)
    assert parts.return_part(**kw, piece_id=w["piece"], quantite=1) == 3
    assert stock(conn, w["piece"]) == 7
    with pytest.raises(ServiceError, match="3 au plus"):
        parts.return_part(**kw, piece_id=w["piece"], quantite=5)
    assert parts.return_part(**kw, piece_id=w["piece"]) == 0
    assert stock(conn, w["piece"]) == 10
    assert ledger(conn, w["interv1"]) == (0, 3, [("sortie", 4), ("entree", 1), ("entree", 3)])
    with pytest.raises(ServiceError, match="pas enregistrée"):
        parts.return_part(**kw, piece_id=w["piece"])


# ----------------------------------------------------------------------------- attacks


def test_attack_a_technician_inserts_a_line_on_an_intervention_not_assigned_to_them(
    conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_tech1"])
    exc = sql_error(
        conn,
        "INSERT INTO intervention_pieces (intervention_id, piece_id, quantite, prix_unitaire)"
        " VALUES (:i, :p, 1, 85)",
        {"i": w["interv2"], "p": w["piece"]},
    )
    assert getattr(exc, "orig", exc).sqlstate == "42501"


def test_attack_a_technician_books_a_sortie_directly_or_edits_the_price(
    conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_tech1"])
    exc = sql_error(
        conn,
        "INSERT INTO mouvements_stock (piece_id, type_mouvement, quantite)"
        " VALUES (:p, 'entree', 1000)",
        {"p": w["piece"]},
    )
    assert getattr(exc, "orig", exc).sqlstate == "42501"
    exc = sql_error(
        conn, "UPDATE pieces_detachees SET prix_unitaire = 0 WHERE id = :p", {"p": w["piece"]}
    )
    assert getattr(exc, "orig", exc).sqlstate == "42501"


# ----------------------------------------------------------------------------- race


def _committed_world(engine: Engine) -> dict[str, Any]:
    """A committed part with 4 in stock and an intervention assigned to a technician."""
    tag = uuid.uuid4().hex[:10]
    with engine.begin() as c:
        w = world(c)
        piece = make_piece(c, stock=4, reference=f"RACE-{tag}")
        w["piece"] = piece
        c.execute(
            text("UPDATE interventions SET statut = 'en_cours' WHERE id = :i"),
            {"i": w["interv1"]},
        )
    return w


def test_two_users_racing_for_the_last_parts_never_drive_stock_below_zero(
    owner_engine: Engine, app_engine_test: Engine
) -> None:
    w = _committed_world(owner_engine)
    tech: Actor = w["actor_tech1"]
    resp: Actor = w["actor_resp"]
    outcome: dict[str, Any] = {}

    def second_user() -> None:
        try:
            with session_scope(resp, engine=app_engine_test) as s:
                parts.use_part(
                    session=s,
                    actor=resp,
                    intervention_id=w["interv1"],
                    piece_id=w["piece"],
                    quantite=3,
                )
            outcome["second"] = "ok"
        except ServiceError as exc:
            outcome["second"] = exc

    with session_scope(tech, engine=app_engine_test) as s:
        parts.use_part(
            session=s, actor=tech, intervention_id=w["interv1"], piece_id=w["piece"], quantite=3
        )
        # The second user passes the friendly stock check (4 still committed), then waits on
        # the part's row lock held by the first transaction.
        other = threading.Thread(target=second_user)
        other.start()
        time.sleep(1.0)
        assert other.is_alive()
    other.join(timeout=30)
    refusal = outcome["second"]
    assert isinstance(refusal, ServiceError)
    assert refusal.message == "Stock insuffisant : 1 disponible(s), 3 demandé(s)."
    with owner_engine.connect() as c:
        assert (
            c.execute(
                text("SELECT stock_actuel FROM pieces_detachees WHERE id = :p"), {"p": w["piece"]}
            ).scalar_one()
            == 1
        )
        assert (
            c.execute(
                text("SELECT quantite FROM intervention_pieces WHERE piece_id = :p"),
                {"p": w["piece"]},
            ).scalar_one()
            == 3
        )
