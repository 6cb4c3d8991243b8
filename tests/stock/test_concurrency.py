"""Concurrent withdrawals from one part never drive its stock below zero.

Each worker uses its own connection of the owner engine and commits, so the database, not the
test's transaction, arbitrates. Movements are immutable: the part (with a unique reference) and
its movements stay in the throw-away test database.
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from db.errors import describe

WORKERS = 12
INITIAL_STOCK = 20
QUANTITY = 3


def new_part(engine: Engine, stock: int) -> int:
    """A committed part whose stock arrived through one 'entree' movement."""
    with engine.begin() as conn:
        piece_id = conn.execute(
            text(
                "INSERT INTO pieces_detachees (reference, nom, prix_unitaire, stock_maximum)"
                " VALUES (:ref, 'Roulement concurrence', 50, 1000) RETURNING id"
            ),
            {"ref": f"CONC-{uuid.uuid4().hex[:12]}"},
        ).scalar_one()
        conn.execute(
            text(
                "INSERT INTO mouvements_stock (piece_id, type_mouvement, quantite)"
                " VALUES (:p, 'entree', :q)"
            ),
            {"p": piece_id, "q": stock},
        )
    return piece_id


def test_concurrent_withdrawals_never_drive_stock_below_zero(owner_engine: Engine) -> None:
    piece_id = new_part(owner_engine, INITIAL_STOCK)
    start = threading.Barrier(WORKERS)

    def withdraw(_: int) -> str | None:
        """Take QUANTITY parts; None on success, else the rule that refused."""
        with owner_engine.connect() as conn:
            conn.execute(text("SELECT 1"))  # connected before the race starts
            conn.rollback()
            start.wait(timeout=30)
            try:
                with conn.begin():
                    conn.execute(
                        text(
                            "INSERT INTO mouvements_stock (piece_id, type_mouvement, quantite)"
                            " VALUES (:p, 'sortie', :q)"
                        ),
                        {"p": piece_id, "q": QUANTITY},
                    )
            except DBAPIError as exc:
                assert exc.orig is not None
                assert exc.orig.sqlstate == "23514", exc
                assert describe(exc).message.startswith("Stock insuffisant")
                return exc.orig.diag.constraint_name
        return None

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        outcomes = list(pool.map(withdraw, range(WORKERS)))

    successes = outcomes.count(None)
    assert successes == INITIAL_STOCK // QUANTITY
    assert sorted(o for o in outcomes if o is not None) == ["stock_insuffisant"] * (
        WORKERS - successes
    )
    with owner_engine.connect() as conn:
        final, ledger = conn.execute(
            text(
                "SELECT p.stock_actuel, (SELECT sum(CASE m.type_mouvement WHEN 'entree'"
                " THEN m.quantite ELSE -m.quantite END) FROM mouvements_stock m"
                " WHERE m.piece_id = p.id) FROM pieces_detachees p WHERE p.id = :p"
            ),
            {"p": piece_id},
        ).one()
    assert final == INITIAL_STOCK - successes * QUANTITY == INITIAL_STOCK % QUANTITY
    assert final >= 0
    assert ledger == final
