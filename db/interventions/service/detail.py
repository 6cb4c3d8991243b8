"""Read one intervention for its file: every field, its machine, client, covering contract,
technicians (principal and assistants), required skills and the transitions the reader may do.

Offers ``get_intervention(*, session, actor, intervention_id)`` → ``InterventionDetail`` or
``None``. ``None`` when the id is not an id, does not exist *or* the user may not see it
(row-level security): the three cases look the same on purpose, so an id typed in the address
reveals nothing. Every query reads one row by its key or a bounded list (``LIMIT``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import RowMapping, and_, func, select
from sqlalchemy.orm import Session

from db.billing.models import Contrat, ContratEquipement
from db.equipment.models import Equipement
from db.interventions.models import (
    Intervention,
    InterventionCompetence,
    InterventionTechnicien,
)
from db.interventions.service.write import TECHNICIAN_EDIT_FIELDS, allowed_transitions
from db.people.models import Client, Competence, Technicien, User
from db.session import Actor
from db.validation import INT4_MAX

MAX_TECHNICIANS = 50  # assign() accepts far fewer assistants; a bound, not a rule
MAX_COMPETENCES = 50

_I = Intervention


@dataclass
class InterventionDetail:
    """What the intervention file shows (rows are plain dicts)."""

    intervention: dict[str, Any]
    equipement: dict[str, Any]
    client: dict[str, Any]
    contrat: dict[str, Any] | None
    techniciens: list[dict[str, Any]] = field(default_factory=list)
    competences: list[dict[str, Any]] = field(default_factory=list)
    transitions: tuple[str, ...] = ()
    is_manager: bool = False
    is_assigned: bool = False  # the reader is principal or assistant
    # The version the user was shown before this run (the page rereads the intervention on
    # every run, so the writes must compare with what the user saw, not with this read).
    seen_updated_at: Any = None

    @property
    def version(self) -> Any:
        """``expected_updated_at`` for a write made from this page run."""
        if self.seen_updated_at is not None:
            return self.seen_updated_at
        return self.intervention["updated_at"]

    @property
    def principal(self) -> dict[str, Any] | None:
        """The principal technician's row, if any."""
        return next((t for t in self.techniciens if t["role"] == "principal"), None)

    @property
    def assistants(self) -> list[dict[str, Any]]:
        """The assistants' rows."""
        return [t for t in self.techniciens if t["role"] != "principal"]

    @property
    def editable_fields(self) -> tuple[str, ...]:
        """Fields of the notes form the reader may change (same rule as
        ``update_intervention``): diagnostic, solution, notes for the assigned technician and
        managers; the actual duration for managers only."""
        if self.is_manager:
            return (*TECHNICIAN_EDIT_FIELDS, "duree_reelle")
        if self.is_assigned:
            return TECHNICIAN_EDIT_FIELDS
        return ()


def _parse_id(value: Any) -> int | None:
    """An id from a URL or a widget, or ``None`` when it cannot be one (never an error)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        number = int(value.strip()) if isinstance(value, str) else value
    except ValueError:
        return None
    return number if 0 < number <= INT4_MAX else None


def _contract(session: Session, row: RowMapping) -> dict[str, Any] | None:
    """The intervention's own contract, else an active contract covering its machine on the
    day it was created. Money columns are never read (a technician may not)."""
    cols = (
        Contrat.id,
        Contrat.numero_contrat,
        Contrat.type_contrat,
        Contrat.statut,
        Contrat.date_debut,
        Contrat.date_fin,
        Contrat.sla_details,
        Contrat.nb_interventions_incluses,
        Contrat.nb_interventions_utilisees,
    )
    if row["contrat_id"] is not None:
        found = session.execute(select(*cols).where(Contrat.id == row["contrat_id"])).mappings()
        first = found.first()
        if first is not None:
            return dict(first)
    day = func.date(row["date_creation"])
    covering = (
        session.execute(
            select(*cols)
            .join(ContratEquipement, ContratEquipement.contrat_id == Contrat.id)
            .where(
                ContratEquipement.equipement_id == row["equipement_id"],
                Contrat.statut == "actif",
                and_(Contrat.date_debut <= day, Contrat.date_fin >= day),
            )
            .order_by(Contrat.date_fin.desc(), Contrat.id)
            .limit(1)
        )
        .mappings()
        .first()
    )
    return dict(covering) if covering is not None else None


def get_intervention(
    *, session: Session, actor: Actor, intervention_id: Any
) -> InterventionDetail | None:
    """The intervention with its machine, client, contract, technicians and skills, as the
    acting user may see it; ``None`` when it is unknown or not theirs to see."""
    iid = _parse_id(intervention_id)
    if iid is None:
        return None
    row = session.execute(select(_I.__table__).where(_I.id == iid)).mappings().first()
    if row is None:
        return None
    machine = (
        session.execute(
            select(
                Equipement.id,
                Equipement.nom,
                Equipement.numero_serie,
                Equipement.modele,
                Equipement.fabricant,
                Equipement.localisation,
                Equipement.statut,
                Equipement.criticite,
            ).where(Equipement.id == row["equipement_id"])
        )
        .mappings()
        .first()
    )
    client = (
        session.execute(
            select(
                Client.id,
                Client.nom_entreprise,
                Client.ville,
                Client.contact_principal,
                Client.telephone,
            ).where(Client.id == row["client_id"])
        )
        .mappings()
        .first()
    )
    if machine is None or client is None:  # hidden by a policy though the row is visible
        return None
    it = InterventionTechnicien
    techniciens = session.execute(
        select(
            it.technicien_id,
            it.role,
            User.full_name.label("nom"),
            Technicien.specialite,
        )
        .join(Technicien, Technicien.id == it.technicien_id)
        .outerjoin(User, User.id == Technicien.user_id)
        .where(it.intervention_id == iid)
        .order_by(it.role, User.full_name, it.technicien_id)
        .limit(MAX_TECHNICIANS)
    ).mappings()
    techs = [{**dict(t), "role": str(getattr(t["role"], "value", t["role"]))} for t in techniciens]
    competences: list[dict[str, Any]] = []
    if actor.role != "client":  # the skills catalogue is staff-only (access matrix)
        competences = [
            dict(c)
            for c in session.execute(
                select(Competence.nom, InterventionCompetence.niveau_requis)
                .join(Competence, Competence.id == InterventionCompetence.competence_id)
                .where(InterventionCompetence.intervention_id == iid)
                .order_by(Competence.nom)
                .limit(MAX_COMPETENCES)
            ).mappings()
        ]
    data = dict(row)
    data["statut"] = str(getattr(data["statut"], "value", data["statut"]))
    transitions = allowed_transitions(
        session=session,
        actor=actor,
        intervention={"id": iid, "statut": data["statut"], "client_id": data["client_id"]},
    )
    assigned = actor.technicien_id is not None and any(
        t["technicien_id"] == actor.technicien_id for t in techs
    )
    return InterventionDetail(
        intervention=data,
        equipement=dict(machine),
        client=dict(client),
        contrat=_contract(session, row),
        techniciens=techs,
        competences=competences,
        transitions=transitions,
        is_manager=actor.role in ("admin", "responsable"),
        is_assigned=assigned,
    )


__all__ = ["InterventionDetail", "get_intervention"]
