"""Bounded pickers of the interventions page: machines, technicians, competences.

Offers ``machine_choices(*, session, actor, q, include, limit)``,
``technician_choices(*, session, q, include, limit)`` and
``competence_choices(*, session, actor)`` (not for clients).
Each returns ``(id, label)`` pairs, at most ``limit`` of them: a picker searches, it never
loads a whole table (there may be 200,000 machines). Row-level security scopes what each user
may pick (a client only sees its own machines).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from db.equipment.models import Equipement, StatutEquipement
from db.errors import ServiceError
from db.interventions.models import Intervention, InterventionTechnicien
from db.people.models import Competence, Technicien, User
from db.query import like_pattern
from db.session import Actor
from db.validation import clamp_int, clean_id, clean_search

CHOICES_LIMIT = 50
COMPETENCES_LIMIT = 300
_WORKING = ("affectee", "en_cours", "en_attente")


def _machine_label(nom: str, numero_serie: str | None) -> str:
    return f"{nom} · {numero_serie}" if numero_serie else nom


def machine_choices(
    *,
    session: Session,
    actor: Actor,
    q: Any = "",
    include: Any = None,
    limit: Any = CHOICES_LIMIT,
    purpose: str = "create",
) -> list[tuple[int, str]]:
    """``(id, "name · serial")`` of the machines the user may open an intervention on whose
    name, serial, model or client contains every word of ``q`` (trigram index), by name, at
    most ``limit``. For ``purpose="create"`` retired machines are left out and a technician
    only gets the machines they are working on (the only ones they may open a diagnostic on);
    ``purpose="filter"`` offers every machine the user may see. ``include`` (a machine id) is
    listed first when visible, so a preselected machine stays chosen.
    """
    term = clean_search(q, field="q", label="Équipement").strip()
    limit = clamp_int(limit, field="limit", label="Nombre d'équipements", low=1, high=200)
    keep = None if include is None else clean_id(include, field="include", label="Équipement")
    creating = purpose != "filter"
    stmt = select(Equipement.id, Equipement.nom, Equipement.numero_serie)
    if creating:
        stmt = stmt.where(Equipement.statut != StatutEquipement.retire)
    if term:
        found: set[int] | None = None
        for word in term.split()[:10]:
            ids = session.scalar(select(func.equipement_search_ids(like_pattern(word[:100]))))
            found = set(ids or []) if found is None else found & set(ids or [])
            if not found:
                return _with_included(session, [], keep, creating)
        stmt = stmt.where(
            Equipement.id == any_(bindparam("ids", sorted(found or ()), type_=ARRAY(Integer)))
        )
    if creating and actor.role == "technicien":
        mine = (
            select(Intervention.equipement_id)
            .join(
                InterventionTechnicien,
                InterventionTechnicien.intervention_id == Intervention.id,
            )
            .where(
                InterventionTechnicien.technicien_id == (actor.technicien_id or 0),
                Intervention.statut.in_(_WORKING),
            )
        )
        stmt = stmt.where(Equipement.id.in_(mine))
    rows = [
        (r.id, _machine_label(r.nom, r.numero_serie))
        for r in session.execute(stmt.order_by(Equipement.nom, Equipement.id).limit(limit))
    ]
    return _with_included(session, rows, keep, creating)


def _with_included(
    session: Session, rows: list[tuple[int, str]], keep: int | None, creating: bool
) -> list[tuple[int, str]]:
    if keep is None or keep in {mid for mid, _ in rows}:
        return rows
    stmt = select(Equipement.nom, Equipement.numero_serie).where(Equipement.id == keep)
    if creating:
        stmt = stmt.where(Equipement.statut != StatutEquipement.retire)
    row = session.execute(stmt).first()
    if row is not None:
        rows.insert(0, (keep, _machine_label(row.nom, row.numero_serie)))
    return rows


def technician_choices(
    *, session: Session, q: Any = "", include: Any = None, limit: Any = CHOICES_LIMIT
) -> list[tuple[int, str]]:
    """``(technicien id, full name)`` of the technicians whose name contains ``q``, by name,
    at most ``limit`` (plus ``include`` when visible)."""
    term = clean_search(q, field="q", label="Technicien").strip()
    limit = clamp_int(limit, field="limit", label="Nombre de techniciens", low=1, high=200)
    keep = None if include is None else clean_id(include, field="include", label="Technicien")
    stmt = select(Technicien.id, User.full_name).join(User, User.id == Technicien.user_id)
    if term:
        stmt = stmt.where(User.full_name.ilike(like_pattern(term[:100]), escape="\\"))
    rows = [
        (r.id, r.full_name)
        for r in session.execute(stmt.order_by(User.full_name, Technicien.id).limit(limit))
    ]
    if keep is not None and keep not in {tid for tid, _ in rows}:
        name = session.scalar(
            select(User.full_name)
            .join(Technicien, Technicien.user_id == User.id)
            .where(Technicien.id == keep)
        )
        if name is not None:
            rows.insert(0, (keep, name))
    return rows


def competence_choices(*, session: Session, actor: Actor) -> list[tuple[int, str]]:
    """``(id, name)`` of the active competences (a short catalogue), by name. Not for clients: a
    client's database role may not read the catalogue, so the refusal is said in French
    here rather than met as a database permission error."""
    if actor.role == "client":
        raise ServiceError(
            "Le catalogue des compétences est réservé au personnel de MIF Maroc.",
            field="competences",
            rule="role",
        )
    stmt = (
        select(Competence.id, Competence.nom)
        .where(Competence.active.is_(True))
        .order_by(Competence.nom)
        .limit(COMPETENCES_LIMIT)
    )
    return [(r.id, r.nom) for r in session.execute(stmt)]


__all__ = ["competence_choices", "machine_choices", "technician_choices"]
