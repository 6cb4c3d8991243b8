"""One machine: its record with client, contracts, tasks and documents; its interventions
and maintenance history, paged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    SQLColumnExpression,
    column,
    func,
    null,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session

from db.billing.models import Contrat, ContratEquipement
from db.equipment.models import (
    EQUIPEMENT_TRANSITIONS,
    Equipement,
    StatutEquipement,
)
from db.equipment.service.common import (
    Sort,
)
from db.interventions.models import Document, Intervention, Tache
from db.people.models import Client, Technicien, User
from db.query import paginate
from db.validation import (
    INT4_MAX,
    clean_id,
    clean_sort,
)

_E = Equipement
_C = Client

DETAIL_LIST_LIMIT = 200

# Seed 000's MaintenanceHistory view (closed interventions), for reading only.
_V_HISTORIQUE = table(
    "v_historique_maintenance",
    column("intervention_id"),
    column("equipement_id"),
    column("date_maintenance"),
    column("date_fin"),
    column("type_intervention"),
    column("description"),
    column("solution"),
    column("duree_reelle"),
    column("cout_reel"),
    column("technicien"),
)


@dataclass
class EquipementDetail:
    """Everything the detail view shows about one machine (rows are plain dicts)."""

    equipement: dict[str, Any]
    contrats: list[dict[str, Any]]
    taches: list[dict[str, Any]]
    documents: list[dict[str, Any]]
    nb_interventions: int
    nb_historique: int

    @property
    def transitions(self) -> tuple[str, ...]:
        """Statuses this machine may move to from its current one."""
        current = StatutEquipement(self.equipement["statut"])
        return tuple(s.value for s in EQUIPEMENT_TRANSITIONS[current])


def _parse_id(value: Any) -> int | None:
    """An id from a URL or a widget, or None when it cannot be one (never an error: a bad
    ``?id=`` reads as "introuvable", like a machine the user may not see)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        number = int(value.strip()) if isinstance(value, str) else value
    except ValueError:
        return None
    return number if 0 < number <= INT4_MAX else None


def get_equipement_detail(*, session: Session, equipement_id: Any) -> EquipementDetail | None:
    """The machine with its client, covering contracts, tasks and documents.

    ``None`` when it does not exist *or* the user may not see it (row-level security): the
    two cases are indistinguishable on purpose. ``equipement_id`` may come straight from a URL.
    """
    eid = _parse_id(equipement_id)
    if eid is None:
        return None
    row = (
        session.execute(
            select(
                _E.__table__,
                _C.nom_entreprise.label("client_nom"),
                _C.ville.label("client_ville"),
                _C.contact_principal.label("client_contact"),
                _C.telephone.label("client_telephone"),
            )
            .join(_C, _C.id == _E.client_id)
            .where(_E.id == eid)
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    # Technicians never read contracts' money (a column privilege of theirs): ask the database
    # rather than restate the access matrix here.
    money = session.scalar(text("SELECT has_column_privilege('contrats', 'montant', 'SELECT')"))
    contrats = session.execute(
        select(
            Contrat.id,
            Contrat.numero_contrat,
            Contrat.type_contrat,
            Contrat.statut,
            Contrat.date_debut,
            Contrat.date_fin,
            Contrat.montant if money else null().label("montant"),
            Contrat.devise if money else null().label("devise"),
            Contrat.nb_interventions_incluses,
            Contrat.nb_interventions_utilisees,
            Contrat.sla_details,
        )
        .join(ContratEquipement, ContratEquipement.contrat_id == Contrat.id)
        .where(ContratEquipement.equipement_id == eid)
        .order_by(Contrat.date_fin.desc(), Contrat.id)
    ).mappings()
    taches = session.execute(
        select(
            Tache.id,
            Tache.description,
            Tache.date_echeance,
            Tache.statut,
            Intervention.titre.label("intervention_titre"),
        )
        .outerjoin(Intervention, Intervention.id == Tache.intervention_id)
        .where(Tache.equipement_id == eid)
        .order_by(Tache.statut, Tache.date_echeance.asc().nulls_last(), Tache.id)
        .limit(DETAIL_LIST_LIMIT)
    ).mappings()
    documents = session.execute(
        select(
            Document.id,
            Document.nom_fichier,
            Document.type_document,
            Document.taille,
            Document.description,
            Document.date_upload,
            Document.mime_type,
            User.full_name.label("uploaded_by_nom"),
            Intervention.titre.label("intervention_titre"),
        )
        .outerjoin(User, User.id == Document.uploaded_by)
        .outerjoin(Intervention, Intervention.id == Document.intervention_id)
        # The documents of its interventions carry the machine too (trg_documents_equipement).
        .where(Document.equipement_id == eid)
        .order_by(Document.date_upload.desc(), Document.id.desc())
        .limit(DETAIL_LIST_LIMIT)
    ).mappings()
    nb_interventions = session.scalar(
        select(func.count()).select_from(Intervention).where(Intervention.equipement_id == eid)
    )
    nb_historique = session.scalar(
        select(func.count()).select_from(_V_HISTORIQUE).where(_V_HISTORIQUE.c.equipement_id == eid)
    )
    return EquipementDetail(
        equipement=dict(row),
        contrats=[dict(r) for r in contrats],
        taches=[dict(r) for r in taches],
        documents=[dict(r) for r in documents],
        nb_interventions=int(nb_interventions or 0),
        nb_historique=int(nb_historique or 0),
    )


INTERVENTION_SORT_KEYS: dict[str, SQLColumnExpression[Any]] = {
    "date_creation": Intervention.date_creation,
    "titre": Intervention.titre,
    "statut": Intervention.statut,
    "priorite": Intervention.priorite,
    "date_fin": Intervention.date_fin,
}


def list_equipement_interventions(
    *,
    session: Session,
    filters: int,
    sort: Sort | None = None,
    page: int = 1,
    page_size: int = 25,
) -> tuple[list[dict[str, Any]], int]:
    """Interventions of machine ``filters`` (its id) visible to the user, paged."""
    equipement_id = clean_id(filters, field="equipement_id", label="Équipement")
    key, descending = clean_sort(sort, keys=INTERVENTION_SORT_KEYS, default=("date_creation", True))
    column = INTERVENTION_SORT_KEYS[key]
    stmt = (
        select(
            Intervention.id,
            Intervention.titre,
            Intervention.type_intervention,
            Intervention.statut,
            Intervention.priorite,
            Intervention.date_creation,
            Intervention.date_fin,
            User.full_name.label("technicien_nom"),
        )
        .outerjoin(Technicien, Technicien.id == Intervention.technicien_id)
        .outerjoin(User, User.id == Technicien.user_id)
        .where(Intervention.equipement_id == equipement_id)
    )
    order = (column.desc() if descending else column.asc()).nulls_last()
    return paginate(
        session,
        stmt,
        order_by=[order, Intervention.id.desc()],
        page=page,
        page_size=page_size,
    )


HISTORY_SORT_KEYS = ("date_maintenance", "type_intervention", "duree_reelle", "cout_reel")


def list_historique_maintenance(
    *,
    session: Session,
    filters: int,
    sort: Sort | None = None,
    page: int = 1,
    page_size: int = 25,
) -> tuple[list[dict[str, Any]], int]:
    """Maintenance history of machine ``filters`` (its id), from ``v_historique_maintenance``.

    The view is ``security_invoker``: the reader's row-level security applies to it.
    """
    v = _V_HISTORIQUE.c
    equipement_id = clean_id(filters, field="equipement_id", label="Équipement")
    key, descending = clean_sort(sort, keys=HISTORY_SORT_KEYS, default=("date_maintenance", True))
    column_ = v[key]
    stmt = select(
        v.intervention_id.label("id"),
        v.date_maintenance,
        v.date_fin,
        v.type_intervention,
        v.description,
        v.solution,
        v.duree_reelle,
        v.cout_reel,
        v.technicien,
    ).where(v.equipement_id == equipement_id)
    order = (column_.desc() if descending else column_.asc()).nulls_last()
    tie = v.intervention_id.desc() if descending else v.intervention_id.asc()
    return paginate(session, stmt, order_by=[order, tie], page=page, page_size=page_size)
