"""Bounded pickers for the registry's forms and filters (clients searched by name)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    select,
)
from sqlalchemy.orm import Session

from db.equipment.models import (
    Equipement,
)
from db.people.models import Client
from db.query import like_pattern
from db.validation import (
    clamp_int,
    clean_id,
    clean_search,
)

_E = Equipement
_C = Client

# Client pickers list at most this many companies (there may be tens of thousands): the user
# types part of a name to find the others.
CLIENT_CHOICES_LIMIT = 50


def client_choices(
    *,
    session: Session,
    q: Any = "",
    limit: Any = CLIENT_CHOICES_LIMIT,
    include: Any = None,
) -> list[tuple[int, str]]:
    """``(id, company name)`` of the clients the user may see whose name contains ``q``, by
    name, at most ``limit`` of them (there may be tens of thousands: pickers search, they never
    load them all). ``include`` (a client id) is always listed when visible, so a picker keeps
    showing the client already chosen whatever is typed.
    """
    term = clean_search(q, field="q", label="Client")
    limit = clamp_int(limit, field="limit", label="Nombre de clients", low=1, high=500)
    keep = None if include is None else clean_id(include, field="include", label="Client")
    stmt = select(_C.id, _C.nom_entreprise)
    if term.strip():
        stmt = stmt.where(_C.nom_entreprise.ilike(like_pattern(term.strip()[:100]), escape="\\"))
    rows = [
        (r.id, r.nom_entreprise)
        for r in session.execute(stmt.order_by(_C.nom_entreprise, _C.id).limit(limit))
    ]
    if keep is not None and keep not in {cid for cid, _ in rows}:
        name = session.scalar(select(_C.nom_entreprise).where(_C.id == keep))
        if name is not None:
            rows.insert(0, (keep, name))
    return rows
