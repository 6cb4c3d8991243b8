"""Equipment registry services: list, detail, create, edit, lifecycle, CSV import.

Conventions every domain service follows (the pages rely on them):

* Functions are keyword-only and take an open ``session`` (one transaction per user action,
  opened by the caller with ``db.session.session_scope(actor)``); writers also take ``actor``.
* Reads are scoped by row-level security (the transaction carries the acting user); writers
  check the role first so the user gets a clear French message instead of a database refusal.
* Bad input raises ``ServiceError`` (one field) or ``ValidationError`` (several fields) with
  French messages, *before* anything is written. What only the database can see (races) is
  left to its constraints and translated by ``db.errors.describe``.
* Paged lists return ``(rows, total)`` for ``(filters, sort, page, page_size)``; ``sort`` is
  ``(key, descending)`` with ``key`` from a whitelist, ``page`` starts at 1. Rows are plain
  dicts, so they outlive the session.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    any_,
    cast,
    column,
    exists,
    func,
    insert,
    null,
    or_,
    select,
    table,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.billing.models import Contrat, ContratEquipement
from db.equipment.models import (
    EQUIPEMENT_TRANSITIONS,
    Criticite,
    Equipement,
    StatutEquipement,
)
from db.errors import ConflictError, ServiceError, ValidationError
from db.interventions.models import Document, Intervention, Tache
from db.people.models import Client, Technicien, User
from db.query import Key, Total, capped_count, keyset_page, like_pattern, paginate
from db.session import Actor
from db.validation import (
    INT4_MAX,
    MIN_DATE,
    add_months,
    business_today,
    clamp_int,
    clean_choice,
    clean_choices,
    clean_date,
    clean_id,
    clean_int,
    clean_money,
    clean_search,
    clean_sort,
    clean_text,
    echo,
    fmt_date,
    parse_date,
    parse_decimal,
)
from db.validation import fmt_int as _fmt_int

Sort = tuple[str, bool]
"""(sort key, descending)."""

WRITER_ROLES = ("admin", "responsable")
# Enum values for pages (which never import models): statuses, criticités, the final status.
STATUTS: tuple[str, ...] = tuple(s.value for s in StatutEquipement)
CRITICITES: tuple[str, ...] = tuple(c.value for c in Criticite)
STATUT_FINAL = StatutEquipement.retire.value
DETAIL_LIST_LIMIT = 200
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 50_000
MAX_REPORTED_ERRORS = 500
MAX_EXPORT_CHUNK = 10_000
MAX_TEXT = 20_000  # free-text fields (specifications, manual): generous but bounded
# Warranties of industrial machines run a few years; 20 years is already far beyond any
# contract seen, and keeps the warranty end of a machine within a lifetime of the registry.
MAX_WARRANTY_MONTHS = 240
# A machine may be registered when it is delivered, a few weeks before it is commissioned
# (and the server's day may be ahead of Morocco's): installation up to 30 days ahead.
INSTALLATION_TOLERANCE_DAYS = 30
# Planned maintenance is scheduled years ahead at most; 20 years bounds typing mistakes.
MAX_PLANNING_MONTHS = 240

CONFLICT_MESSAGE = "Cet équipement a été modifié entre-temps, rechargez la page."
NOT_FOUND_MESSAGE = "Équipement introuvable."
FORBIDDEN_MESSAGE = (
    "Seuls un administrateur ou un responsable maintenance peuvent modifier le parc."
)

# French labels used inside service messages (db/ has no access to the UI catalogue).
STATUT_LABELS = {
    "operationnel": "Opérationnel",
    "maintenance": "En maintenance",
    "panne": "En panne",
    "retire": "Retiré",
}
CRITICITE_LABELS = {
    "critique": "Critique",
    "haute": "Haute",
    "normale": "Normale",
    "basse": "Basse",
}


# --------------------------------------------------------------------------------------------
# Field rules
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldRule:
    """How one input field is checked: French label, kind, required, maximum length."""

    label: str
    kind: str = "text"  # text | date | money | int | criticite | statut | client
    required: bool = False
    max_len: int | None = None


FIELDS: dict[str, FieldRule] = {
    "client_id": FieldRule("Client", "client", required=True),
    "nom": FieldRule("Nom", required=True, max_len=200),
    "numero_serie": FieldRule("Numéro de série", required=True, max_len=100),
    "modele": FieldRule("Modèle", max_len=150),
    "fabricant": FieldRule("Fabricant", max_len=150),
    "date_installation": FieldRule("Date d'installation", "date"),
    "statut": FieldRule("Statut", "statut"),
    "criticite": FieldRule("Criticité", "criticite"),
    "localisation": FieldRule("Localisation", max_len=200),
    "specifications_techniques": FieldRule("Spécifications techniques", max_len=MAX_TEXT),
    "manuel_utilisation": FieldRule("Manuel d'utilisation", max_len=MAX_TEXT),
    "prochaine_maintenance": FieldRule("Prochaine maintenance", "date"),
    "cout_acquisition": FieldRule("Coût d'acquisition", "money"),
    "fournisseur": FieldRule("Fournisseur", max_len=150),
    "date_fin_garantie": FieldRule("Fin de garantie", "date"),
    "duree_garantie_mois": FieldRule("Durée de garantie (mois)", "int"),
}
EDITABLE_FIELDS = tuple(f for f in FIELDS if f != "statut")  # status changes via change_statut


def date_limits(today: date | None = None) -> dict[str, tuple[date, date]]:
    """Earliest and latest accepted value of each date field (pages bound their widgets)."""
    today = clean_date(today, field="today", label="Date du jour") or business_today()
    installed_by = today + timedelta(days=INSTALLATION_TOLERANCE_DAYS)
    return {
        "date_installation": (MIN_DATE, installed_by),
        "prochaine_maintenance": (MIN_DATE, add_months(today, MAX_PLANNING_MONTHS)),
        "date_fin_garantie": (MIN_DATE, add_months(installed_by, MAX_WARRANTY_MONTHS)),
    }


def _too_late(name: str, latest: date) -> str:
    label = FIELDS[name].label
    if name == "date_installation":
        return (
            f"{label} : pas plus de {INSTALLATION_TOLERANCE_DAYS} jours dans l'avenir"
            f" (au plus tard le {fmt_date(latest)})."
        )
    if name == "prochaine_maintenance":
        return f"{label} : au plus {MAX_PLANNING_MONTHS // 12} ans à l'avance."
    return f"{label} : au plus {MAX_WARRANTY_MONTHS} mois après l'installation."


def _clean_value(name: str, value: Any, limits: Mapping[str, tuple[date, date]]) -> Any:
    """Checked, normalised value of one field (``ServiceError`` with a French message)."""
    rule = FIELDS[name]
    if rule.kind == "text":
        return clean_text(value, field=name, label=rule.label, max_len=rule.max_len)
    if rule.kind == "date":
        earliest, latest = limits[name]
        return clean_date(
            value,
            field=name,
            label=rule.label,
            earliest=earliest,
            latest=latest,
            too_late=_too_late(name, latest),
        )
    if rule.kind == "money":
        return clean_money(value, field=name, label=rule.label)
    if rule.kind == "int":
        return clean_int(
            value,
            field=name,
            label=rule.label,
            max_value=MAX_WARRANTY_MONTHS,
            negative_message=f"{rule.label} : ne peut pas être négatif.",
        )
    if rule.kind in ("statut", "criticite"):
        labels = STATUT_LABELS if rule.kind == "statut" else CRITICITE_LABELS
        return clean_choice(value, field=name, label=rule.label, choices=labels)
    if rule.kind == "client":
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return clean_id(value, field=name, label=rule.label)
        except ServiceError:
            raise ServiceError(
                "Client : choisissez un client dans la liste.", field=name, rule="validation"
            ) from None
    raise AssertionError(rule.kind)  # pragma: no cover


def validate_equipement(
    data: Mapping[str, Any], *, fields: Sequence[str] = tuple(FIELDS)
) -> dict[str, Any]:
    """Cleaned values of ``fields`` from ``data``; ``ValidationError`` lists every bad one.

    Texts are trimmed (empty → NULL) and stored as typed: quotes, ``<script>`` and emoji are
    data, never interpreted (all SQL is parameterised; pages display them escaped). NUL bytes,
    control characters and unencodable text are refused; numbers fit their columns; dates stay
    within ``date_limits`` (no installation in 2100, no warranty ending 50 years later).
    """
    if not isinstance(data, Mapping):
        raise ServiceError("Formulaire invalide : aucune valeur reçue.", rule="validation")
    limits = date_limits()
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in fields:
        try:
            clean[name] = _clean_value(name, data.get(name), limits)
        except ServiceError as exc:
            errors[name] = exc.message
            continue
        if FIELDS[name].required and clean[name] is None:
            errors[name] = f"{FIELDS[name].label} : champ obligatoire."
    if "criticite" in clean and clean["criticite"] is None:
        clean["criticite"] = Criticite.normale.value
    if "statut" in clean and clean["statut"] is None:
        clean["statut"] = StatutEquipement.operationnel.value

    installed = clean.get("date_installation")
    months = clean.get("duree_garantie_mois")
    if (
        installed
        and months is not None
        and "date_fin_garantie" in fields
        and clean.get("date_fin_garantie") is None
        and "date_fin_garantie" not in errors
    ):
        # Same rule as the add_equipment_warranty back-fill: end = installation + duration.
        clean["date_fin_garantie"] = add_months(installed, months)
    if installed and "date_fin_garantie" not in errors:
        end = clean.get("date_fin_garantie")
        if end is not None and end < installed:
            errors["date_fin_garantie"] = (
                "Fin de garantie : elle ne peut pas précéder la date d'installation."
            )
        elif end is not None and end > add_months(installed, MAX_WARRANTY_MONTHS):
            errors["date_fin_garantie"] = _too_late("date_fin_garantie", end)
    if installed and "prochaine_maintenance" not in errors:
        nxt = clean.get("prochaine_maintenance")
        if nxt is not None and nxt < installed:
            errors["prochaine_maintenance"] = (
                "Prochaine maintenance : elle ne peut pas précéder la date d'installation."
            )
    if errors:
        raise ValidationError(errors)
    return clean


def require_writer(actor: Actor) -> None:
    """Refuse (French message) unless ``actor`` may change the equipment registry."""
    if actor.role not in WRITER_ROLES:
        raise ServiceError(FORBIDDEN_MESSAGE, rule="role")


# --------------------------------------------------------------------------------------------
# List, search, export
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EquipementFilters:
    """Criteria of the equipment list (all optional; empty tuples mean "any")."""

    q: str = ""
    statuts: tuple[str, ...] = ()
    criticites: tuple[str, ...] = ()
    client_id: int | None = None
    maintenance_avant: date | None = None  # prochaine_maintenance <= this date
    garantie_avant: date | None = None  # date_fin_garantie <= this date


_E = Equipement
_C = Client

LIST_COLUMNS = (
    _E.id,
    _E.nom,
    _E.modele,
    _E.fabricant,
    _E.numero_serie,
    _E.client_id,
    _C.nom_entreprise.label("client_nom"),
    _E.localisation,
    _E.statut,
    _E.criticite,
    _E.date_installation,
    _E.derniere_maintenance,
    _E.prochaine_maintenance,
    _E.date_fin_garantie,
    _E.cout_acquisition,
    _E.fournisseur,
    _E.updated_at,
)

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
SORT_KEYS: dict[str, ColumnElement[Any]] = {
    "nom": _E.nom,
    "modele": _E.modele,
    "fabricant": _E.fabricant,
    "numero_serie": _E.numero_serie,
    "client_nom": _C.nom_entreprise,
    "localisation": _E.localisation,
    "statut": _E.statut,
    "criticite": _E.criticite,
    "date_installation": _E.date_installation,
    "derniere_maintenance": _E.derniere_maintenance,
    "prochaine_maintenance": _E.prochaine_maintenance,
    "date_fin_garantie": _E.date_fin_garantie,
    "cout_acquisition": _E.cout_acquisition,
    "updated_at": _E.updated_at,
}
DEFAULT_SORT: Sort = ("nom", False)
SEARCH_COLUMNS = (_E.nom, _E.modele, _E.fabricant, _E.numero_serie, _E.localisation)
# Client pickers list at most this many companies (there may be tens of thousands): the user
# types part of a name to find the others.
CLIENT_CHOICES_LIMIT = 50


FILTER_LABELS = {
    "q": "Recherche",
    "statuts": "Statut",
    "criticites": "Criticité",
    "client_id": "Client",
    "maintenance_avant": "Maintenance prévue au plus tard le",
    "garantie_avant": "Garantie finissant au plus tard le",
}


def clean_filters(filters: Any) -> EquipementFilters:
    """The criteria checked (French ``ValidationError`` naming each bad filter) and normalised.

    Filters come from widgets and from the URL (``?statut=...``): unknown statuses, NUL bytes
    in the search text or an id beyond ``int4`` are refused here, not by the database.
    """
    if filters is None:
        return EquipementFilters()
    if not isinstance(filters, EquipementFilters):
        raise ServiceError("Filtres de la liste invalides.", field="filters", rule="validation")
    f, labels = filters, FILTER_LABELS
    checks: dict[str, Any] = {
        "q": lambda: clean_search(f.q, field="q", label=labels["q"]),
        "statuts": lambda: clean_choices(
            f.statuts, field="statuts", label=labels["statuts"], choices=STATUT_LABELS
        ),
        "criticites": lambda: clean_choices(
            f.criticites, field="criticites", label=labels["criticites"], choices=CRITICITE_LABELS
        ),
        "client_id": lambda: (
            None
            if f.client_id is None
            else clean_id(f.client_id, field="client_id", label=labels["client_id"])
        ),
        "maintenance_avant": lambda: clean_date(
            f.maintenance_avant, field="maintenance_avant", label=labels["maintenance_avant"]
        ),
        "garantie_avant": lambda: clean_date(
            f.garantie_avant, field="garantie_avant", label=labels["garantie_avant"]
        ),
    }
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, check in checks.items():
        try:
            clean[name] = check()
        except ServiceError as exc:
            errors[name] = exc.message
    if errors:
        raise ValidationError(errors)
    return EquipementFilters(**clean)


def _conditions(filters: EquipementFilters) -> list[ColumnElement[bool]]:
    f = filters
    conds: list[ColumnElement[bool]] = []
    # Every word must appear in one of the searched columns or in the client's name (order and
    # case ignored). equipement_search_ids() answers each word from trigram indexes, once per
    # statement; under row-level security an ILIKE here would read every machine (see its file).
    for term in f.q.split()[:10]:
        pattern = like_pattern(term[:100])
        # CAST makes "= ANY (array)" of the one-row subquery (a bare subquery would be "IN").
        found = cast(select(func.equipement_search_ids(pattern)).scalar_subquery(), ARRAY(Integer))
        conds.append(_E.id == any_(found))
    if f.statuts:
        conds.append(_E.statut.in_([StatutEquipement(s) for s in f.statuts]))
    if f.criticites:
        conds.append(_E.criticite.in_([Criticite(c) for c in f.criticites]))
    if f.client_id is not None:
        conds.append(_E.client_id == f.client_id)
    if f.maintenance_avant is not None:
        conds.append(_E.prochaine_maintenance <= f.maintenance_avant)
    if f.garantie_avant is not None:
        conds.append(_E.date_fin_garantie <= f.garantie_avant)
    return conds


def _order_by(sort: Any) -> list[Any]:
    key, descending = clean_sort(sort, keys=SORT_KEYS, default=DEFAULT_SORT)
    column = SORT_KEYS[key]
    ordered = column.desc() if descending else column.asc()
    # Tie-break on the key so pages never overlap or skip rows.
    return [ordered.nulls_last(), _E.id.desc() if descending else _E.id.asc()]


def _filtered(filters: Any) -> Select[Any]:
    conds = _conditions(clean_filters(filters))
    return select(*LIST_COLUMNS).join(_C, _C.id == _E.client_id).where(*conds)


def list_equipements(
    *,
    session: Session,
    filters: EquipementFilters | None = None,
    sort: Sort | None = None,
    page: int = 1,
    page_size: int = 25,
) -> tuple[list[dict[str, Any]], int]:
    """One page of the equipment list (visible to the session's user) and the total."""
    return paginate(
        session, _filtered(filters), order_by=_order_by(sort), page=page, page_size=page_size
    )


def iter_equipements_for_export(
    *,
    session: Session,
    filters: EquipementFilters | None = None,
    sort: Sort | None = None,
    chunk_size: int = 1000,
) -> Iterator[dict[str, Any]]:
    """Every row of the filtered list, streamed with a server-side cursor in chunks.

    The criteria are checked when this is called, before the first row is asked for, so a
    refusal reaches the caller before any file is started.
    """
    stmt = _filtered(filters).order_by(*_order_by(sort))
    chunk = clamp_int(
        chunk_size, field="chunk_size", label="Taille des paquets", low=1, high=MAX_EXPORT_CHUNK
    )
    return _stream(session, stmt, chunk)


def _stream(session: Session, stmt: Select[Any], chunk: int) -> Iterator[dict[str, Any]]:
    result = session.execute(stmt.execution_options(yield_per=chunk)).mappings()
    for row in result:
        yield dict(row)


def export_chunk_equipements(
    *,
    session: Session,
    filters: EquipementFilters | None = None,
    sort: Sort | None = None,
    after: Any = None,
    chunk_size: int = 1000,
) -> tuple[list[dict[str, Any]], int | None]:
    """The next ``chunk_size`` rows of the filtered list after machine ``after`` (an id; None
    for the first chunk) in the list's order, and the id to pass for the chunk after (None at
    the end).

    Keyset reads (an index range after the last row, never an OFFSET), so an export may run
    each chunk in a short transaction of its own instead of holding one snapshot for the whole
    file. A machine that left the list between two chunks (deleted, no longer visible) ends
    the export there rather than restart it.
    """
    key, descending = clean_sort(sort, keys=SORT_KEYS, default=DEFAULT_SORT)
    chunk = clamp_int(
        chunk_size, field="chunk_size", label="Taille des paquets", low=1, high=MAX_EXPORT_CHUNK
    )
    keys: list[Key] = [(SORT_KEYS[key], descending), (_E.id, descending)]
    stmt = _filtered(filters)
    values: list[Any] | None = None
    if after is not None:
        last = clean_id(after, field="after", label="Reprise de l'export")
        row = session.execute(
            select(SORT_KEYS[key], _E.id).join(_C, _C.id == _E.client_id).where(_E.id == last)
        ).first()
        if row is None:
            return [], None
        values = list(row)
    rows = keyset_page(session, stmt, keys=keys, after=values, page_size=chunk)
    return rows, (rows[-1]["id"] if len(rows) == chunk else None)


def count_equipements(*, session: Session, filters: EquipementFilters | None = None) -> Total:
    """Number of rows the filtered list has (the export's progress total), exact up to
    ``COUNT_CAP`` rows (``db.query.capped_count``)."""
    return capped_count(session, _filtered(filters))


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


# --------------------------------------------------------------------------------------------
# Detail
# --------------------------------------------------------------------------------------------


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


INTERVENTION_SORT_KEYS: dict[str, ColumnElement[Any]] = {
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


# --------------------------------------------------------------------------------------------
# Writes
# --------------------------------------------------------------------------------------------


def _serial_owner(session: Session, numero_serie: str, exclude_id: int | None = None) -> Any:
    stmt = (
        select(_E.id, _E.nom, _C.nom_entreprise.label("client_nom"))
        .join(_C, _C.id == _E.client_id)
        .where(_E.numero_serie == numero_serie)
    )
    if exclude_id is not None:
        stmt = stmt.where(_E.id != exclude_id)
    return session.execute(stmt.limit(1)).first()


def _duplicate_serial_message(numero_serie: str, other: Any) -> str:
    return (
        f"Le numéro de série « {numero_serie} » est déjà utilisé par l'équipement"
        f" « {other.nom} » ({other.client_nom})."
    )


def _check_serial(session: Session, numero_serie: str, exclude_id: int | None = None) -> None:
    other = _serial_owner(session, numero_serie, exclude_id)
    if other is not None:
        raise ValidationError({"numero_serie": _duplicate_serial_message(numero_serie, other)})


def _check_client(session: Session, client_id: int) -> None:
    if session.scalar(select(_C.id).where(_C.id == client_id)) is None:
        raise ValidationError({"client_id": "Client : client inconnu."})


@contextmanager
def _naming_duplicate_serial(
    session: Session, numero_serie: str, exclude_id: int | None
) -> Iterator[None]:
    """Run the write in a savepoint; a concurrent duplicate serial number (which passed our
    check, then hit the unique constraint) still gets the message naming the other machine."""
    try:
        with session.begin_nested():
            yield
    except IntegrityError as exc:
        rule = getattr(getattr(exc.orig, "diag", None), "constraint_name", None)
        other = None
        if rule == "uq_equipements_numero_serie":
            with session.no_autoflush:
                other = _serial_owner(session, numero_serie, exclude_id)
        if other is not None:
            raise ValidationError(
                {"numero_serie": _duplicate_serial_message(numero_serie, other)}
            ) from exc
        raise


def create_equipement(*, session: Session, actor: Actor, data: Mapping[str, Any]) -> int:
    """Validate and insert a machine; returns its id."""
    require_writer(actor)
    clean = validate_equipement(data)
    _check_client(session, clean["client_id"])
    _check_serial(session, clean["numero_serie"])
    equipement = Equipement(**clean)
    with _naming_duplicate_serial(session, clean["numero_serie"], None):
        # Added inside the savepoint, so a refused insert leaves nothing pending behind.
        session.add(equipement)
        session.flush()
    return equipement.id


def update_equipement(
    *,
    session: Session,
    actor: Actor,
    equipement_id: int,
    expected_updated_at: datetime,
    data: Mapping[str, Any],
) -> datetime:
    """Validate and save the editable fields; returns the new ``updated_at``.

    Optimistic concurrency: the row is written only if it still has the ``updated_at`` the
    user loaded. Otherwise ``ConflictError`` and nothing is overwritten.
    """
    require_writer(actor)
    equipement_id = clean_id(equipement_id, field="equipement_id", label="Équipement")
    clean = validate_equipement(data, fields=EDITABLE_FIELDS)
    current = session.execute(
        select(_E.client_id, _E.updated_at).where(_E.id == equipement_id)
    ).first()
    if current is None:
        raise ServiceError(NOT_FOUND_MESSAGE, rule="not_found")
    if not isinstance(expected_updated_at, datetime) or current.updated_at != expected_updated_at:
        raise ConflictError(CONFLICT_MESSAGE, rule="conflict")
    if clean["client_id"] != current.client_id:
        _check_client(session, clean["client_id"])
        _check_client_change_allowed(session, equipement_id)
    _check_serial(session, clean["numero_serie"], exclude_id=equipement_id)
    with _naming_duplicate_serial(session, clean["numero_serie"], equipement_id):
        new_stamp = session.execute(
            update(Equipement)
            .where(_E.id == equipement_id, _E.updated_at == expected_updated_at)
            .values(**clean)
            .returning(_E.updated_at)
            .execution_options(synchronize_session=False)
        ).scalar_one_or_none()
    if new_stamp is None:  # changed between our read and our write
        raise ConflictError(CONFLICT_MESSAGE, rule="conflict")
    return new_stamp


def _check_client_change_allowed(session: Session, equipement_id: int) -> None:
    """A machine with interventions or contracts keeps its owner (their client must match)."""
    used = session.scalar(
        select(
            or_(
                exists().where(Intervention.equipement_id == equipement_id),
                exists().where(ContratEquipement.equipement_id == equipement_id),
            )
        )
    )
    if used:
        raise ValidationError(
            {
                "client_id": "Client : impossible de changer le propriétaire d'un équipement"
                " qui a déjà des interventions ou des contrats."
            }
        )


def change_statut(
    *,
    session: Session,
    actor: Actor,
    equipement_id: int,
    statut: str,
    expected_updated_at: datetime | None = None,
) -> datetime:
    """Move the machine along its lifecycle; only ``EQUIPEMENT_TRANSITIONS`` are accepted.

    The database trigger refuses any other transition too (defence in depth).
    Returns the new ``updated_at``.
    """
    require_writer(actor)
    equipement_id = clean_id(equipement_id, field="equipement_id", label="Équipement")
    wanted = clean_choice(statut, field="statut", label="Statut", choices=STATUT_LABELS)
    if wanted is None:
        raise ServiceError("Statut : champ obligatoire.", field="statut", rule="validation")
    target = StatutEquipement(wanted)
    if expected_updated_at is not None and not isinstance(expected_updated_at, datetime):
        raise ConflictError(CONFLICT_MESSAGE, rule="conflict")
    row = session.execute(
        select(_E.statut, _E.updated_at).where(_E.id == equipement_id).with_for_update()
    ).first()
    if row is None:
        raise ServiceError(NOT_FOUND_MESSAGE, rule="not_found")
    if expected_updated_at is not None and row.updated_at != expected_updated_at:
        raise ConflictError(CONFLICT_MESSAGE, rule="conflict")
    current = StatutEquipement(row.statut)
    if target not in EQUIPEMENT_TRANSITIONS[current]:
        if current is StatutEquipement.retire:
            message = "Un équipement retiré ne change plus de statut."
        else:
            message = (
                f"Transition interdite : {STATUT_LABELS[current.value]}"
                f" → {STATUT_LABELS[target.value]}."
            )
        raise ServiceError(message, field="statut", rule="equipement_transition")
    return session.execute(
        update(Equipement)
        .where(_E.id == equipement_id)
        .values(statut=target)
        .returning(_E.updated_at)
        .execution_options(synchronize_session=False)
    ).scalar_one()


# --------------------------------------------------------------------------------------------
# CSV import
# --------------------------------------------------------------------------------------------

IMPORT_COLUMNS: tuple[str, ...] = (
    "client",
    "nom",
    "numero_serie",
    "modele",
    "fabricant",
    "date_installation",
    "statut",
    "criticite",
    "localisation",
    "specifications_techniques",
    "manuel_utilisation",
    "prochaine_maintenance",
    "cout_acquisition",
    "fournisseur",
    "date_fin_garantie",
    "duree_garantie_mois",
)
IMPORT_REQUIRED: tuple[str, ...] = ("client", "nom", "numero_serie")


@dataclass(frozen=True)
class RowError:
    """One refused line of an import (``line`` as numbered in a spreadsheet: header = 1)."""

    line: int
    column: str | None
    message: str


@dataclass
class ImportReport:
    """Outcome of an import: either ``created`` rows, or the errors and nothing written."""

    created: int = 0
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        """True when every row was valid and the file was imported."""
        return self.error_count == 0


def import_template_csv() -> bytes:
    """An empty import file with its header and one example line (UTF-8, ``;``)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(IMPORT_COLUMNS)
    example = {
        "client": "Nom exact de l'entreprise cliente",
        "nom": "Compresseur d'air",
        "numero_serie": "SN-0001",
        "modele": "GA 30",
        "fabricant": "Atlas Copco",
        "date_installation": "15/01/2024",
        "statut": "operationnel",
        "criticite": "haute",
        "localisation": "Atelier 2",
        "prochaine_maintenance": "15/07/2026",
        "cout_acquisition": "125000,00",
        "fournisseur": "Maroc Industrie Équipement",
        "duree_garantie_mois": "24",
    }
    writer.writerow([example.get(c, "") for c in IMPORT_COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _decode(file_bytes: Any) -> str:
    if isinstance(file_bytes, bytearray | memoryview):
        file_bytes = bytes(file_bytes)
    if file_bytes is not None and not isinstance(file_bytes, bytes):
        raise ServiceError(
            "Fichier illisible : envoyez un fichier CSV.", field="fichier", rule="import_format"
        )
    if not file_bytes or not file_bytes.strip():
        raise ServiceError("Le fichier est vide.", field="fichier", rule="import_empty")
    if len(file_bytes) > MAX_IMPORT_BYTES:
        raise ServiceError(
            f"Fichier trop volumineux ({_fmt_int(len(file_bytes) // 1024)} Ko) :"
            f" {MAX_IMPORT_BYTES // (1024 * 1024)} Mo au maximum.",
            field="fichier",
            rule="import_size",
        )
    try:
        content = file_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ServiceError(
            "Le fichier n'est pas encodé en UTF-8 (octet invalide à la position"
            f" {exc.start + 1}). Dans Excel, enregistrez-le au format « CSV UTF-8 ».",
            field="fichier",
            rule="import_encoding",
        ) from None
    if "\x00" in content:
        raise ServiceError(
            "Ce fichier n'est pas un CSV texte (UTF-16 ou fichier binaire ?)."
            " Enregistrez-le au format « CSV UTF-8 ».",
            field="fichier",
            rule="import_encoding",
        )
    return content


def _read_rows(content: str) -> tuple[list[str], list[list[str]]]:
    first_line = content.split("\n", 1)[0]
    # French Excel writes ';'; other tools ','. The header decides.
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
        rows = list(reader)
    except (csv.Error, StopIteration):
        raise ServiceError(
            "Fichier CSV illisible.", field="fichier", rule="import_format"
        ) from None
    return header, rows


def _check_header(header: list[str]) -> list[str]:
    names = [h.strip().lower() for h in header]
    missing = [c for c in IMPORT_REQUIRED if c not in names]
    unknown = [echo(h, 40) for h in names if h and h not in IMPORT_COLUMNS]
    duplicated = sorted({echo(h, 40) for h in names if h and names.count(h) > 1})
    problems = []
    if missing:
        problems.append("colonnes obligatoires manquantes : " + ", ".join(missing))
    if unknown:
        problems.append("colonnes inconnues : " + ", ".join(unknown[:10]))
    if duplicated:
        problems.append("colonnes en double : " + ", ".join(duplicated))
    if problems:
        raise ServiceError(
            "En-tête du fichier incorrect : "
            + " ; ".join(problems)
            + ". Téléchargez le modèle pour voir les colonnes attendues.",
            field="fichier",
            rule="import_columns",
        )
    return names


def import_equipements_csv(*, session: Session, actor: Actor, file_bytes: Any) -> ImportReport:
    """Import machines from a CSV file, all or nothing.

    The whole file is checked first (file encoding and header → ``ServiceError``; each line →
    ``RowError`` with its line number). If any line is wrong nothing is written and the report
    lists the errors; otherwise every line is inserted in the caller's transaction.
    Clients are given by company name, dates as ``jj/mm/aaaa``, amounts as ``12345,50``.
    """
    require_writer(actor)
    header, raw_rows = _read_rows(_decode(file_bytes))
    names = _check_header(header)
    report = ImportReport()

    def add_error(line: int, column: str | None, message: str) -> None:
        report.error_count += 1
        if len(report.errors) < MAX_REPORTED_ERRORS:
            report.errors.append(RowError(line, column, message))

    records: list[tuple[int, dict[str, str]]] = []
    for offset, values in enumerate(raw_rows):
        line = offset + 2
        if not any(v.strip() for v in values):
            continue  # blank lines (often at the end) are not data
        if len(values) > len(names) and any(v.strip() for v in values[len(names) :]):
            add_error(line, None, "Plus de valeurs que de colonnes (séparateur dans un texte ?).")
            continue
        records.append((line, dict(zip(names, values, strict=False))))
    report.rows = len(records)
    if not records and not report.error_count:
        raise ServiceError("Le fichier ne contient aucune ligne.", field="fichier")
    if report.rows > MAX_IMPORT_ROWS:
        raise ServiceError(
            f"Trop de lignes ({_fmt_int(report.rows)}) : {_fmt_int(MAX_IMPORT_ROWS)} au maximum"
            " par import.",
            field="fichier",
            rule="import_size",
        )

    clients: dict[str, list[int]] = {}
    for cid, nom in session.execute(select(_C.id, _C.nom_entreprise)):
        clients.setdefault(nom.strip().casefold(), []).append(cid)
    serials_in_file: dict[str, int] = {}
    to_insert: list[dict[str, Any]] = []
    for line, record in records:
        client_name = (record.get("client") or "").strip()
        matches = clients.get(client_name.casefold(), [])
        data: dict[str, Any] = {k: v for k, v in record.items() if k != "client"}
        if not client_name:
            add_error(line, "client", "Client : champ obligatoire.")
            continue
        if not matches:
            add_error(line, "client", f"Client inconnu : « {echo(client_name, 200)} ».")
            continue
        if len(matches) > 1:
            add_error(
                line, "client", f"Plusieurs clients s'appellent « {echo(client_name, 200)} »."
            )
            continue
        data["client_id"] = matches[0]
        try:
            clean = validate_equipement(data)
        except ValidationError as exc:
            for column, message in exc.errors.items():
                add_error(line, "client" if column == "client_id" else column, message)
            continue
        serial = clean["numero_serie"]
        if serial in serials_in_file:
            add_error(
                line,
                "numero_serie",
                f"Numéro de série « {serial} » déjà présent à la ligne {serials_in_file[serial]}.",
            )
            continue
        serials_in_file[serial] = line
        to_insert.append(clean)

    if serials_in_file:
        existing = session.execute(
            select(_E.numero_serie, _E.nom, _C.nom_entreprise.label("client_nom"))
            .join(_C, _C.id == _E.client_id)
            .where(_E.numero_serie.in_(list(serials_in_file)))
        ).all()
        for other in existing:
            add_error(
                serials_in_file[other.numero_serie],
                "numero_serie",
                _duplicate_serial_message(other.numero_serie, other),
            )
    if report.error_count:
        report.errors.sort(key=lambda e: (e.line, e.column or ""))
        return report
    # One multi-row INSERT batch; a refusal here (a race) aborts the whole transaction.
    session.execute(insert(Equipement), to_insert)
    report.created = len(to_insert)
    return report


__all__ = [
    "CONFLICT_MESSAGE",
    "DEFAULT_SORT",
    "EDITABLE_FIELDS",
    "FIELDS",
    "IMPORT_COLUMNS",
    "SORT_KEYS",
    "EquipementDetail",
    "EquipementFilters",
    "ImportReport",
    "RowError",
    "Sort",
    "ValidationError",
    "add_months",
    "change_statut",
    "clean_filters",
    "client_choices",
    "count_equipements",
    "create_equipement",
    "get_equipement_detail",
    "import_equipements_csv",
    "import_template_csv",
    "iter_equipements_for_export",
    "like_pattern",
    "list_equipement_interventions",
    "list_equipements",
    "list_historique_maintenance",
    "paginate",
    "parse_date",
    "parse_decimal",
    "require_writer",
    "update_equipement",
    "validate_equipement",
]
