"""The interventions board and list: filters, search, sort, SQL paging, exports, my work.

Offers:

* ``InterventionFilters`` (criteria, all optional) and ``filters_from_params(params)`` (read
  from URL query parameters: ``q``, ``statut`` (repeatable), ``priorite``, ``type``,
  ``client``, ``machine``, ``technicien`` (principal or assistant), ``principal``,
  ``cree_du`` / ``cree_au``, ``planifiee_du`` / ``planifiee_au``, ``limite_du`` /
  ``limite_au`` (jj/mm/aaaa or aaaa-mm-jj), ``retard=1``, ``urgent=1``, ``tri``, ``desc=1``),
  ``filters_to_params(filters)`` (the reverse, for links), ``clean_filters(filters)``;
* ``board_column(*, session, statut, filters, limit)`` → ``BoardColumn`` (cards by priority
  then deadline, LIMIT in SQL, and the column's true count, capped past 1 000);
* ``list_interventions(*, session, filters, page, page_size)`` → (rows, ``Total``);
* ``count_interventions(*, session, filters)``;
* ``export_chunk_interventions(*, session, filters, after, chunk_size)`` (keyset chunks for
  ``ui.export``), ``EXPORT_COLUMNS``;
* ``my_work(*, session, actor, today)`` → ``MyWork`` (a technician's open interventions of
  today, this week, then the others; bounded).

Rows are the visible ones (row-level security scopes them by role); every query is LIMITed
and walks an index of revision 0009 (idx_intervention_board, idx_intervention_date_id ...).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    any_,
    case,
    cast,
    exists,
    func,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, aliased

from db.equipment.models import Equipement
from db.errors import ServiceError, ValidationError
from db.interventions.models import (
    Intervention,
    InterventionTechnicien,
    Priorite,
    StatutIntervention,
    StatutTache,
    Tache,
    TypeIntervention,
)
from db.interventions.service.common import (
    OPEN_STATUTS,
    PRIORITE_LABELS,
    STATUT_LABELS,
    TYPE_LABELS,
    Sort,
)
from db.people.models import Client, Technicien, User
from db.query import (
    COUNT_CAP,
    Key,
    Total,
    capped_count,
    keyset_page,
    like_pattern,
    page_window,
)
from db.session import Actor
from db.validation import (
    BUSINESS_TZ,
    clamp_int,
    clean_bool,
    clean_choices,
    clean_date,
    clean_id,
    clean_search,
    clean_sort,
)

_I = Intervention
_E = Equipement
_C = Client
_T = Technicien
_U = User

MAX_EXPORT_CHUNK = 10_000
# A board column counts its cards up to this many ("plus de 1 000" beyond): five columns
# counting 10,000 index entries each cost the board 100 ms at 1,000,000 interventions; the
# list, whose pages go further, keeps COUNT_CAP.
BOARD_COUNT_CAP = 1_000
BOARD_LIMIT_MAX = 200
MY_WORK_LIMIT = 60


@dataclass(frozen=True)
class InterventionFilters:
    """Criteria of the board and the list (all optional; empty tuples mean "any")."""

    q: str = ""
    statuts: tuple[str, ...] = ()
    priorites: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    client_id: int | None = None
    equipement_id: int | None = None
    technicien_id: int | None = None  # principal or assistant
    principal_id: int | None = None  # principal only
    cree_du: date | None = None
    cree_au: date | None = None
    planifiee_du: date | None = None
    planifiee_au: date | None = None
    limite_du: date | None = None
    limite_au: date | None = None
    en_retard: bool = False
    urgentes: bool = False
    sort: Sort | None = None


FILTER_LABELS = {
    "q": "Recherche",
    "statuts": "Statut",
    "priorites": "Priorité",
    "types": "Type",
    "client_id": "Client",
    "equipement_id": "Équipement",
    "technicien_id": "Technicien",
    "principal_id": "Technicien principal",
    "cree_du": "Créée à partir du",
    "cree_au": "Créée jusqu'au",
    "planifiee_du": "Planifiée à partir du",
    "planifiee_au": "Planifiée jusqu'au",
    "limite_du": "Échéance à partir du",
    "limite_au": "Échéance jusqu'au",
    "en_retard": "En retard seulement",
    "urgentes": "Urgentes seulement",
    "sort": "Tri",
}

# URL parameter → filter field (lists are repeatable parameters).
_PARAMS: dict[str, str] = {
    "q": "q",
    "statut": "statuts",
    "priorite": "priorites",
    "type": "types",
    "client": "client_id",
    "machine": "equipement_id",
    "technicien": "technicien_id",
    "principal": "principal_id",
    "cree_du": "cree_du",
    "cree_au": "cree_au",
    "planifiee_du": "planifiee_du",
    "planifiee_au": "planifiee_au",
    "limite_du": "limite_du",
    "limite_au": "limite_au",
    "retard": "en_retard",
    "urgent": "urgentes",
}
_LIST_FIELDS = ("statuts", "priorites", "types")
_BOOL_FIELDS = ("en_retard", "urgentes")

_TECH_USER = aliased(User, name="tech_user")
_LATE = and_(_I.date_limite < func.now(), _I.statut.in_(OPEN_STATUTS))

_DONE = (
    select(func.count())
    .where(Tache.intervention_id == _I.id, Tache.statut == StatutTache.terminee)
    .correlate(_I)
    .scalar_subquery()
)
_TOTAL = select(func.count()).where(Tache.intervention_id == _I.id).correlate(_I).scalar_subquery()

CARD_COLUMNS = (
    _I.id,
    _I.titre,
    _I.statut,
    _I.priorite,
    _I.urgence,
    _I.type_intervention,
    _I.equipement_id,
    _E.nom.label("machine"),
    _E.numero_serie,
    _E.criticite,
    _I.client_id,
    _C.nom_entreprise.label("client_nom"),
    _I.technicien_id,
    _TECH_USER.full_name.label("technicien_nom"),
    _I.date_creation,
    _I.date_planifiee,
    _I.date_limite,
    case((_LATE, true()), else_=False).label("en_retard"),
    _DONE.label("taches_faites"),
    _TOTAL.label("taches_total"),
    _I.updated_at,
)

SORT_KEYS: dict[str, Any] = {  # mapped attributes (column expressions)
    "date_creation": _I.date_creation,
    "date_limite": _I.date_limite,
    "date_planifiee": _I.date_planifiee,
    "priorite": _I.priorite,
    "statut": _I.statut,
    "titre": _I.titre,
    "client_nom": _C.nom_entreprise,
    "machine": _E.nom,
}
DEFAULT_SORT: Sort = ("date_creation", True)

# Columns of the CSV / Excel export (key → French header), in the list's order.
EXPORT_COLUMNS: dict[str, str] = {
    "id": "N°",
    "titre": "Titre",
    "statut": "Statut",
    "priorite": "Priorité",
    "urgence": "Urgence",
    "type_intervention": "Type",
    "machine": "Équipement",
    "numero_serie": "N° de série",
    "client_nom": "Client",
    "technicien_nom": "Technicien principal",
    "date_creation": "Créée le",
    "date_planifiee": "Planifiée le",
    "date_limite": "Échéance",
    "en_retard": "En retard",
    "taches_faites": "Tâches faites",
    "taches_total": "Tâches",
}


# ----------------------------------------------------------------------------- filters


def _first(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return value[0] if value else None
    return value


def _truthy(value: Any) -> bool:
    return str(_first(value) or "").strip().lower() in ("1", "true", "oui", "yes", "on")


def filters_from_params(params: Mapping[str, Any]) -> InterventionFilters:
    """Filters read from URL query parameters (see the module docstring), then checked.

    Values may be strings or lists of strings (``st.query_params.to_dict()`` or
    ``get_all``); a bad value is a French ``ValidationError`` naming the filter (an unknown
    status, an id beyond int4, a date that is none), never a database error. Unknown
    parameters are ignored (they belong to the page).
    """
    raw: dict[str, Any] = {}
    for name, target in _PARAMS.items():
        if name not in params:
            continue
        value = params[name]
        if target in _LIST_FIELDS:
            items = value if isinstance(value, list | tuple) else [value]
            raw[target] = tuple(
                part.strip() for item in items for part in str(item).split(",") if part.strip()
            )
        elif target in _BOOL_FIELDS:
            raw[target] = _truthy(value)
        else:
            first = _first(value)
            raw[target] = None if first in (None, "") else first
            if target == "q":
                raw[target] = first or ""
    if "tri" in params:
        raw["sort"] = (str(_first(params["tri"]) or ""), _truthy(params.get("desc")))
    return clean_filters(InterventionFilters(**raw))


def filters_to_params(filters: InterventionFilters) -> dict[str, str | list[str]]:
    """URL query parameters of ``filters`` (a link to the filtered list); bad criteria are a
    French ``ValidationError`` (checked as the list would)."""
    filters = clean_filters(filters)
    out: dict[str, str | list[str]] = {}
    for name, target in _PARAMS.items():
        value = getattr(filters, target)
        if value in (None, "", (), False):
            continue
        if target in _LIST_FIELDS:
            out[name] = list(value)
        elif target in _BOOL_FIELDS:
            out[name] = "1"
        elif isinstance(value, date):
            out[name] = value.isoformat()
        else:
            out[name] = str(value)
    if filters.sort is not None:
        out["tri"] = filters.sort[0]
        if filters.sort[1]:
            out["desc"] = "1"
    return out


def clean_filters(filters: Any) -> InterventionFilters:
    """The criteria checked (French ``ValidationError`` naming each bad filter) and normalised."""
    if filters is None:
        return InterventionFilters()
    if not isinstance(filters, InterventionFilters):
        raise ServiceError("Filtres de la liste invalides.", field="filters", rule="validation")
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for f in fields(InterventionFilters):
        name, value, label = f.name, getattr(filters, f.name), FILTER_LABELS[f.name]
        try:
            if name == "q":
                clean[name] = clean_search(value, field=name, label=label)
            elif name in _LIST_FIELDS:
                choices = {"statuts": STATUT_LABELS, "priorites": PRIORITE_LABELS}.get(
                    name, TYPE_LABELS
                )
                clean[name] = clean_choices(value, field=name, label=label, choices=choices)
            elif name in ("client_id", "equipement_id", "technicien_id", "principal_id"):
                clean[name] = None if value is None else clean_id(value, field=name, label=label)
            elif name in _BOOL_FIELDS:
                clean[name] = clean_bool(value, field=name, label=label)
            elif name == "sort":
                clean[name] = (
                    None
                    if value is None
                    else clean_sort(value, keys=SORT_KEYS, default=DEFAULT_SORT)
                )
            else:
                clean[name] = clean_date(value, field=name, label=label)
        except ServiceError as exc:
            errors[name] = exc.message
    for start, end in (
        ("cree_du", "cree_au"),
        ("planifiee_du", "planifiee_au"),
        ("limite_du", "limite_au"),
    ):
        if clean.get(start) and clean.get(end) and clean[start] > clean[end]:
            errors[end] = f"{FILTER_LABELS[end]} : date avant le début de la période."
    if errors:
        raise ValidationError(errors)
    return InterventionFilters(**clean)


def _day_start(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=BUSINESS_TZ)


def _range(column: Any, start: date | None, end: date | None) -> list[Any]:
    conds: list[Any] = []
    if start is not None:
        conds.append(column >= _day_start(start))
    if end is not None:
        conds.append(column < _day_start(end + timedelta(days=1)))
    return conds


def _conditions(f: InterventionFilters) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    # Every word must appear in the title / description, the machine or the client's name;
    # intervention_search_ids() answers each word from trigram indexes once per statement
    # (an ILIKE here gets no index under row-level security).
    for term in f.q.split()[:10]:
        pattern = like_pattern(term[:100])
        found = cast(
            select(func.intervention_search_ids(pattern)).scalar_subquery(), ARRAY(Integer)
        )
        conds.append(_I.id == any_(found))
    if f.statuts:
        conds.append(_I.statut.in_([StatutIntervention(s) for s in f.statuts]))
    if f.priorites:
        conds.append(_I.priorite.in_([Priorite(p) for p in f.priorites]))
    if f.types:
        conds.append(_I.type_intervention.in_([TypeIntervention(t) for t in f.types]))
    if f.client_id is not None:
        conds.append(_I.client_id == f.client_id)
    if f.equipement_id is not None:
        conds.append(_I.equipement_id == f.equipement_id)
    if f.principal_id is not None:
        conds.append(_I.technicien_id == f.principal_id)
    if f.technicien_id is not None:
        # Principal or assistant: the principal always has its row (principal sync trigger).
        conds.append(
            exists().where(
                InterventionTechnicien.intervention_id == _I.id,
                InterventionTechnicien.technicien_id == f.technicien_id,
            )
        )
    conds += _range(_I.date_creation, f.cree_du, f.cree_au)
    conds += _range(_I.date_planifiee, f.planifiee_du, f.planifiee_au)
    conds += _range(_I.date_limite, f.limite_du, f.limite_au)
    if f.en_retard:
        conds.append(_LATE)
    if f.urgentes:
        conds.append(_I.urgence.is_(True))
    return conds


def _base() -> Select[Any]:
    return (
        select(*CARD_COLUMNS)
        .join(_E, _E.id == _I.equipement_id)
        .join(_C, _C.id == _I.client_id)
        .outerjoin(_T, _T.id == _I.technicien_id)
        .outerjoin(_TECH_USER, _TECH_USER.id == _T.user_id)
    )


def _filtered(filters: InterventionFilters) -> Select[Any]:
    return _base().where(*_conditions(filters))


def _counted(filters: InterventionFilters) -> Select[Any]:
    """The filtered interventions without the card's joins, for counting.

    Every condition is on the intervention (or its technicians), and each role sees the machine
    and the client of every intervention it sees (db/access/matrix.csv; a client's requests are
    on its own machines by trigger), so the joins keep every row: counting without them gives
    the same number, from an index alone (the joined count chose hash joins over 200,000
    machines: 250-650 ms per board column at 1,000,000 interventions, 3-9 ms without).
    """
    return select(_I.id).where(*_conditions(filters))


def _sort_of(filters: InterventionFilters) -> tuple[str, bool]:
    return clean_sort(filters.sort, keys=SORT_KEYS, default=DEFAULT_SORT)


def _order_by(filters: InterventionFilters) -> list[Any]:
    key, descending = _sort_of(filters)
    column = SORT_KEYS[key]
    ordered = column.desc() if descending else column.asc()
    # NULLs last in both directions (the indexes are declared so), the id breaks ties.
    return [ordered.nulls_last(), (_I.id.desc() if descending else _I.id.asc()).nulls_last()]


# ----------------------------------------------------------------------------- board


@dataclass(frozen=True)
class BoardColumn:
    """One column of the board: its status, first cards and true count."""

    statut: str
    cards: list[dict[str, Any]] = field(default_factory=list)
    total: Total = field(default_factory=lambda: Total(0))

    @property
    def more(self) -> int:
        """Cards not shown ("voir les N autres"); a lower bound when the total is capped."""
        return max(0, int(self.total) - len(self.cards))


def board_column(
    *,
    session: Session,
    statut: str,
    filters: InterventionFilters | None = None,
    limit: int = 20,
) -> BoardColumn:
    """The first ``limit`` cards of status ``statut`` by priority (urgente first), deadline
    (none last) then id, and the column's count (exact up to 1 000, then a lower bound).

    The other filters apply too (their ``statuts`` and sort are replaced by the column's).
    One LIMITed query on idx_intervention_board (idx_intervention_client_board for a client),
    no COUNT when the column is shorter than ``limit``.
    """
    checked_statut = clean_choices([statut], field="statut", label="Statut", choices=STATUT_LABELS)[
        0
    ]
    f = replace(clean_filters(filters), statuts=(checked_statut,), sort=None)
    limit = clamp_int(limit, field="limit", label="Cartes", low=1, high=BOARD_LIMIT_MAX)
    stmt = _filtered(f)
    order: list[Any] = [
        _I.priorite.asc().nulls_last(),
        _I.date_limite.asc().nulls_last(),
        _I.id.asc(),
    ]
    cards = [dict(r) for r in session.execute(stmt.order_by(*order).limit(limit)).mappings()]
    # No COUNT when the column is shorter than its limit: the cards are the whole column.
    if len(cards) < limit:
        total = Total(len(cards))
    else:
        # one status: its partial index (idx_intervention_board_<statut>) walked, see capped_count
        total = capped_count(session, _counted(f), cap=BOARD_COUNT_CAP, index_walk=True)
    return BoardColumn(statut=checked_statut, cards=cards, total=total)


# ----------------------------------------------------------------------------- list


def list_interventions(
    *,
    session: Session,
    filters: InterventionFilters | None = None,
    page: int = 1,
    page_size: int = 25,
) -> tuple[list[dict[str, Any]], Total]:
    """One page of the filtered list (visible to the session's user) and its total (capped
    past 10 000 rows; no COUNT when the page shows the end)."""
    f = clean_filters(filters)
    # db.query.paginate's paging, with the count taken on the interventions alone (_counted).
    size, offset = page_window(page, page_size)
    stmt = _filtered(f).order_by(*_order_by(f)).limit(size).offset(offset)
    rows = [dict(r) for r in session.execute(stmt).mappings()]
    if len(rows) < size and (rows or offset == 0):
        return rows, Total(offset + len(rows))  # the page shows where the list ends
    # one status: its partial index walked (capped_count); several: the planner's choice
    one_status = len(f.statuts) == 1
    return rows, capped_count(session, _counted(f), cap=offset + COUNT_CAP, index_walk=one_status)


def count_interventions(*, session: Session, filters: InterventionFilters | None = None) -> Total:
    """Rows of the filtered list (the export's progress total), exact up to 10 000."""
    return capped_count(session, _counted(clean_filters(filters)))


def export_chunk_interventions(
    *,
    session: Session,
    filters: InterventionFilters | None = None,
    after: Any = None,
    chunk_size: int = 1000,
) -> tuple[list[dict[str, Any]], int | None]:
    """The next ``chunk_size`` rows of the filtered list after intervention ``after`` (an id;
    None for the first chunk) in the list's order, and the id to pass next (None at the end).

    Keyset reads (an index range after the last row, never an OFFSET): each chunk may run in a
    short transaction of its own. An intervention that left the list between two chunks ends
    the export there.
    """
    f = clean_filters(filters)
    key, descending = _sort_of(f)
    chunk = clamp_int(
        chunk_size, field="chunk_size", label="Taille des paquets", low=1, high=MAX_EXPORT_CHUNK
    )
    id_column: Any = _I.id
    keys: list[Key] = [(SORT_KEYS[key], descending), (id_column, descending)]
    values: list[Any] | None = None
    if after is not None:
        last = clean_id(after, field="after", label="Reprise de l'export")
        row = session.execute(
            select(SORT_KEYS[key], _I.id)
            .join(_E, _E.id == _I.equipement_id)
            .join(_C, _C.id == _I.client_id)
            .where(_I.id == last)
        ).first()
        if row is None:
            return [], None
        values = list(row)
    rows = keyset_page(session, _filtered(f), keys=keys, after=values, page_size=chunk)
    return rows, (rows[-1]["id"] if len(rows) == chunk else None)


# ----------------------------------------------------------------------------- my work


@dataclass(frozen=True)
class MyWork:
    """A technician's open interventions: today's, this week's, then the others."""

    aujourdhui: list[dict[str, Any]] = field(default_factory=list)
    semaine: list[dict[str, Any]] = field(default_factory=list)
    autres: list[dict[str, Any]] = field(default_factory=list)
    tronque: bool = False  # more open interventions than shown


def my_work(*, session: Session, actor: Actor, today: date | None = None) -> MyWork:
    """The acting technician's open interventions (principal or assistant), planned or due
    today first, then this week (to Sunday), then the others by deadline; at most
    ``MY_WORK_LIMIT`` in all. Anyone else gets an empty ``MyWork``."""
    if actor.role != "technicien" or actor.technicien_id is None:
        return MyWork()
    day = clean_date(today, field="today", label="Jour") or datetime.now(BUSINESS_TZ).date()
    tomorrow = _day_start(day + timedelta(days=1))
    week_end = _day_start(day + timedelta(days=7 - day.weekday()))
    start = _day_start(day)
    when = func.coalesce(_I.date_planifiee, _I.date_limite)
    bucket = case(
        (and_(when >= start, when < tomorrow), 0),
        (when < start, 0),  # overdue or planned earlier and still open: today's work
        (and_(when >= tomorrow, when < week_end), 1),
        else_=2,
    ).label("bucket")
    mine = select(InterventionTechnicien.intervention_id).where(
        InterventionTechnicien.technicien_id == actor.technicien_id
    )
    stmt = (
        _base()
        .add_columns(bucket)
        .where(_I.id.in_(mine), _I.statut.in_(OPEN_STATUTS))
        .order_by(bucket, when.asc().nulls_last(), _I.priorite, _I.id)
        .limit(MY_WORK_LIMIT + 1)
    )
    rows = [dict(r) for r in session.execute(stmt).mappings()]
    out: tuple[list[dict[str, Any]], ...] = ([], [], [])
    for row in rows[:MY_WORK_LIMIT]:
        out[int(row.pop("bucket"))].append(row)
    return MyWork(
        aujourdhui=out[0], semaine=out[1], autres=out[2], tronque=len(rows) > MY_WORK_LIMIT
    )


__all__ = [
    "EXPORT_COLUMNS",
    "BoardColumn",
    "InterventionFilters",
    "MyWork",
    "board_column",
    "clean_filters",
    "count_interventions",
    "export_chunk_interventions",
    "filters_from_params",
    "filters_to_params",
    "list_interventions",
    "my_work",
]
