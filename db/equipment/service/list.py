"""The registry list: filters, search, sort, SQL paging, keyset chunks for exports, counts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    any_,
    bindparam,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from db.equipment.models import (
    Criticite,
    Equipement,
    StatutEquipement,
)
from db.equipment.service.common import (
    CRITICITE_LABELS,
    STATUT_LABELS,
    Sort,
)
from db.errors import ServiceError, ValidationError
from db.people.models import Client
from db.query import Key, Total, capped_count, keyset_page, like_pattern, paginate
from db.validation import (
    clamp_int,
    clean_choices,
    clean_date,
    clean_id,
    clean_search,
    clean_sort,
)

_E = Equipement
_C = Client

MAX_EXPORT_CHUNK = 10_000


@dataclass(frozen=True)
class EquipementFilters:
    """Criteria of the equipment list (all optional; empty tuples mean "any")."""

    q: str = ""
    statuts: tuple[str, ...] = ()
    criticites: tuple[str, ...] = ()
    client_id: int | None = None
    maintenance_avant: date | None = None  # prochaine_maintenance <= this date
    garantie_avant: date | None = None  # date_fin_garantie <= this date


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
SORT_KEYS: dict[str, Any] = {  # column attributes
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


def search_ids(*, session: Session, q: Any) -> list[int] | None:
    """Ids of the machines matching every word of ``q`` (None when there is no search text).

    Each word is answered once by ``equipement_search_ids()`` (trigram indexes, see its file)
    and the words are intersected here. The list's page and its count then both take the
    array as a parameter: built into the statement as a sub-query, the look-up ran twice per
    page (rows, then count), the larger half of a search's cost at 200,000 machines.
    """
    q = clean_search(q, field="q", label=FILTER_LABELS["q"])
    found: set[int] | None = None
    for term in q.split()[:10]:
        pattern = like_pattern(term[:100])
        ids = session.scalar(select(func.equipement_search_ids(pattern))) or []
        found = set(ids) if found is None else found & set(ids)
        if not found:
            break
    return None if found is None else sorted(found)


def _conditions(filters: EquipementFilters, ids: list[int] | None) -> list[ColumnElement[bool]]:
    f = filters
    conds: list[ColumnElement[bool]] = []
    # Every word must appear in one of the searched columns or in the client's name (order and
    # case ignored): ``ids`` from search_ids(). Under row-level security an ILIKE here would
    # read every machine (see equipement_search_ids' file).
    if ids is not None:
        conds.append(_E.id == any_(bindparam("search_ids", ids, type_=ARRAY(Integer))))
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


def _filtered(filters: Any, session: Session) -> Select[*tuple[Any, ...]]:
    clean = clean_filters(filters)
    conds = _conditions(clean, search_ids(session=session, q=clean.q) if clean.q.strip() else None)
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
        session,
        _filtered(filters, session),
        order_by=_order_by(sort),
        page=page,
        page_size=page_size,
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
    stmt = _filtered(filters, session).order_by(*_order_by(sort))
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
    stmt = _filtered(filters, session)
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
    return capped_count(session, _filtered(filters, session))
