"""Parts used on an intervention: search the catalogue, log a part, give one back.

Logging a part writes (or adds to) its ``intervention_pieces`` line; the database trigger
``trg_intervention_pieces_movement`` books the matching ``sortie`` movement in the same
statement, and ``apply_mouvement_stock`` lowers the stock under the part's row lock, refusing
to go below zero even when several users take the same part at once. Giving a part back
lowers (or removes) the line and the trigger books the ``entree``. So a line and its movement
are always written together, in the caller's one transaction, or not at all.

The service checks first (role, assignment, quantity, stock) to answer in French beside the
field; the database has the last word (row-level security, stock guard) and its refusals are
translated too.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, any_, bindparam, cast, delete, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.orm import Session

from db.errors import ServiceError
from db.interventions.service._shared import (
    CLOSED_STATUSES,
    affected,
    database_refusal,
    find_intervention,
    require_staff_or_assigned,
)
from db.query import like_pattern
from db.session import Actor
from db.stock.models import InterventionPiece, PieceDetachee
from db.validation import clamp_int, clean_id, clean_int, clean_search, clean_text, fmt_int

SEARCH_LIMIT = 20
SEARCH_MAX = 50
SEARCH_WIDE = 2000
LINES_LIMIT = 200
MAX_QUANTITY = 100_000  # far above any real use; keeps a typo from meaning "the whole stock"
PART_ROLES = ("admin", "responsable", "technicien")


def _require_part_role(actor: Actor) -> None:
    if actor.role not in PART_ROLES:
        raise ServiceError(
            "Seuls les techniciens et les responsables gèrent les pièces.",
            field="piece_id",
            rule="profil",
        )


def _part_row(p: Any) -> dict[str, Any]:
    return {
        "id": p.id,
        "reference": p.reference,
        "nom": p.nom,
        "unite": p.unite,
        "prix_unitaire": p.prix_unitaire,
        "stock_actuel": p.stock_actuel,
        "stock_minimum": p.stock_minimum,
        "active": p.active,
    }


def search_parts(
    *, session: Session, actor: Actor, term: Any, limit: Any = SEARCH_LIMIT
) -> list[dict[str, Any]]:
    """Active parts whose reference or name contains ``term``, with their stock (bounded).

    The look-up goes through ``piece_search_ids`` (trigram index, run as the owner: under
    row-level security an ILIKE gets no index), then reads the rows through the caller's role.
    An empty term lists the first parts by reference (unique index, no sort).
    """
    _require_part_role(actor)
    q = clean_search(term, field="term", label="Pièce")
    n = clamp_int(limit, field="limit", label="Nombre de pièces", low=1, high=SEARCH_MAX)
    stmt = select(
        PieceDetachee.id,
        PieceDetachee.reference,
        PieceDetachee.nom,
        PieceDetachee.unite,
        PieceDetachee.prix_unitaire,
        PieceDetachee.stock_actuel,
        PieceDetachee.stock_minimum,
        PieceDetachee.active,
    ).where(PieceDetachee.active.is_(True))
    # Every word must appear in the reference or the name; each is answered from the trigram
    # index once per statement. CAST makes "= ANY (array)" of the one-row subquery.
    # One word: its first SEARCH_MAX matches by reference are exactly what is shown; several
    # words intersect wider sets.
    words = q.split()[:10]
    per_word = SEARCH_MAX if len(words) == 1 else SEARCH_WIDE
    for word in words:
        pattern = like_pattern(word[:100], field="term", label="Pièce")
        found = select(func.piece_search_ids(pattern, per_word)).scalar_subquery()
        stmt = stmt.where(PieceDetachee.id == any_(cast(found, ARRAY(Integer))))
    rows = session.execute(stmt.order_by(PieceDetachee.reference).limit(n)).all()
    return [_part_row(p) for p in rows]


def _clean_quantity(value: Any, label: str = "Quantité") -> int:
    q = clean_int(
        value,
        field="quantite",
        label=label,
        min_value=1,
        max_value=MAX_QUANTITY,
        required=True,
        negative_message=f"{label} : une quantité négative n'a pas de sens.",
    )
    assert q is not None  # required=True
    return q


def list_parts_used(
    *, session: Session, intervention_id: Any, limit: Any = LINES_LIMIT
) -> list[dict[str, Any]]:
    """The part lines of an intervention the user may see (oldest first, bounded)."""
    intervention = find_intervention(session, intervention_id)
    n = clamp_int(limit, field="limit", label="Nombre de lignes", low=1, high=LINES_LIMIT)
    rows = session.execute(
        select(
            InterventionPiece.piece_id,
            PieceDetachee.reference,
            PieceDetachee.nom,
            PieceDetachee.unite,
            InterventionPiece.quantite,
            InterventionPiece.prix_unitaire,
            InterventionPiece.notes,
            InterventionPiece.date_utilisation,
        )
        .join(PieceDetachee, PieceDetachee.id == InterventionPiece.piece_id)
        .where(InterventionPiece.intervention_id == intervention.id)
        .order_by(InterventionPiece.date_utilisation, InterventionPiece.piece_id)
        .limit(n)
    ).all()
    return [
        {
            "piece_id": r.piece_id,
            "reference": r.reference,
            "nom": r.nom,
            "unite": r.unite,
            "quantite": r.quantite,
            "prix_unitaire": r.prix_unitaire,
            "total": (Decimal(r.quantite) * r.prix_unitaire).quantize(Decimal("0.01")),
            "notes": r.notes,
            "date_utilisation": r.date_utilisation,
        }
        for r in rows
    ]


def _writable(session: Session, actor: Actor, intervention_id: Any) -> int:
    _require_part_role(actor)
    intervention = find_intervention(session, intervention_id)
    require_staff_or_assigned(session, actor, intervention, what="enregistrer des pièces")
    if intervention.statut in CLOSED_STATUSES:
        raise ServiceError(
            "Intervention annulée ou archivée : ses pièces ne changent plus.",
            field="intervention_id",
            rule="intervention_close",
        )
    return intervention.id


def _piece(session: Session, piece_id: Any) -> Any:
    pid = clean_id(piece_id, field="piece_id", label="Pièce")
    row = session.execute(
        select(
            PieceDetachee.id,
            PieceDetachee.reference,
            PieceDetachee.nom,
            PieceDetachee.prix_unitaire,
            PieceDetachee.stock_actuel,
            PieceDetachee.active,
        ).where(PieceDetachee.id == pid)
    ).one_or_none()
    if row is None:
        raise ServiceError("Pièce introuvable.", field="piece_id", rule="introuvable")
    return row


def use_part(
    *,
    session: Session,
    actor: Actor,
    intervention_id: Any,
    piece_id: Any,
    quantite: Any,
    notes: Any = None,
) -> dict[str, Any]:
    """Log ``quantite`` of a part on the intervention; its ``sortie`` is booked with it.

    A part already on the intervention gets its line increased (one line per part: the
    table's key). Returns the line as it now is. Refused in French, with nothing written: a
    quantity of 0, negative or above the stock, an inactive or unknown part, an intervention
    the user may not see, is not assigned to (technician) or that is cancelled or archived.
    """
    iid = _writable(session, actor, intervention_id)
    piece = _piece(session, piece_id)
    qty = _clean_quantity(quantite)
    note = clean_text(notes, field="notes", label="Notes", max_len=2000)
    if not piece.active:
        raise ServiceError(
            f"La pièce {piece.reference} n'est plus active.", field="piece_id", rule="inactive"
        )
    if qty > piece.stock_actuel:
        raise ServiceError(
            f"Stock insuffisant : {fmt_int(piece.stock_actuel)} disponible(s), "
            f"{fmt_int(qty)} demandé(s).",
            field="quantite",
            rule="stock_insuffisant",
        )
    new_line = insert(InterventionPiece).values(
        intervention_id=iid,
        piece_id=piece.id,
        quantite=qty,
        prix_unitaire=piece.prix_unitaire,
        notes=note,
    )
    stmt = new_line.on_conflict_do_update(
        index_elements=[InterventionPiece.intervention_id, InterventionPiece.piece_id],
        set_={
            "quantite": InterventionPiece.quantite + new_line.excluded.quantite,
            "notes": func.coalesce(new_line.excluded.notes, InterventionPiece.notes),
        },
    ).returning(InterventionPiece.quantite, InterventionPiece.prix_unitaire)
    with database_refusal(session):
        line = session.execute(stmt).one()
    return {
        "intervention_id": iid,
        "piece_id": piece.id,
        "reference": piece.reference,
        "quantite": line.quantite,
        "prix_unitaire": line.prix_unitaire,
    }


def return_part(
    *,
    session: Session,
    actor: Actor,
    intervention_id: Any,
    piece_id: Any,
    quantite: Any = None,
) -> int:
    """Give back ``quantite`` of a part logged by mistake (all of the line when None).

    The trigger books the ``entree`` that puts the parts back in stock. Returns the quantity
    left on the line (0: the line is removed).
    """
    iid = _writable(session, actor, intervention_id)
    pid = clean_id(piece_id, field="piece_id", label="Pièce")
    current = session.scalar(
        select(InterventionPiece.quantite).where(
            InterventionPiece.intervention_id == iid, InterventionPiece.piece_id == pid
        )
    )
    if current is None:
        raise ServiceError(
            "Cette pièce n'est pas enregistrée sur l'intervention.",
            field="piece_id",
            rule="introuvable",
        )
    qty = current if quantite is None else _clean_quantity(quantite, "Quantité rendue")
    if qty > current:
        raise ServiceError(
            f"Quantité rendue : {fmt_int(current)} au plus (quantité utilisée).",
            field="quantite",
            rule="retour_excessif",
        )
    key = (InterventionPiece.intervention_id == iid, InterventionPiece.piece_id == pid)
    with database_refusal(session):
        if qty == current:
            result = session.execute(delete(InterventionPiece).where(*key))
        else:
            result = session.execute(
                update(InterventionPiece)
                .where(*key)
                .values(quantite=InterventionPiece.quantite - bindparam("q", qty))
            )
        if affected(result) == 0:  # hidden by row-level security since the read above
            raise ServiceError("Action non autorisée sur cet enregistrement.", rule="rls")
    return current - qty
