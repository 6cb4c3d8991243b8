"""The registry list: filters, search, sort, SQL paging, keyset chunks for exports, counts."""

from __future__ import annotations

import threading
import time
from array import array
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Text,
    cast,
    event,
    func,
    literal_column,
    or_,
    select,
    text,
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
from db.query import (
    Key,
    Total,
    capped_count,
    keyset_page,
    like_pattern,
    page_window,
    paginate,
)
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
# The registry counts its rows up to this many past the page, then says "plus de 1 000": a
# filter matching 10,000 of 200,000 machines no longer reads them all to print the number
# (~0.1 s under row-level security, where the enum filters are no index condition). A search
# in the list's default order gets its exact total anyway (``_search_page``).
LIST_COUNT_CAP = 1_000
MAX_SEARCH_WORDS = 10
MAX_WORD_LENGTH = 100


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
# Derived column (revision 0017, not mapped: the app never writes it): the searchable text of
# SEARCH_COLUMNS, lower-cased, that equipement_search_ids matches.
_SEARCH_TEXT = literal_column("equipements.texte_recherche", Text)

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
    """Ids of the machines matching every word of ``q`` (None when there is no search text),
    in the list's default order (name, then id).

    For callers that need the ids themselves; the list keeps them in the database
    (``_search_condition``, ``_search_page``).
    """
    words = _search_words(q)
    if not words:
        return None
    return list(session.scalar(select(_ordered_search_ids(words))) or [])


def _search_words(q: Any) -> list[str]:
    """The words of the search text (checked: NUL bytes, control characters refused)."""
    q = clean_search(q, field="q", label=FILTER_LABELS["q"])
    return [term[:MAX_WORD_LENGTH] for term in q.split()[:MAX_SEARCH_WORDS]]


def _word_ids(word: str) -> Any:
    """``(SELECT equipement_search_ids(pattern))``: the machines matching one word, ordered by
    (nom, id). A scalar sub-query on purpose: PostgreSQL folds a stable function call with
    constant arguments at planning time to estimate ``unnest``, which ran the look-up twice."""
    return cast(
        select(func.equipement_search_ids(like_pattern(word))).scalar_subquery(), ARRAY(Integer)
    )


def _ordered_search_ids(words: list[str]) -> Any:
    """The machines matching every word, as one array in the order of the first word's (nom,
    id). Each further word is a hashed semi-join on its own array: an ``= ANY`` against an
    array computed in the statement is a linear search per row."""
    first = _word_ids(words[0])
    if len(words) == 1:
        return first
    u = func.unnest(first).table_valued("id", with_ordinality="ord").render_derived()
    kept = select(u.c.id).order_by(u.c.ord)
    for word in words[1:]:
        kept = kept.where(u.c.id.in_(select(func.unnest(_word_ids(word)))))
    return cast(func.array(kept.scalar_subquery()), ARRAY(Integer))


def _conditions(filters: EquipementFilters) -> list[ColumnElement[bool]]:
    f = filters
    conds: list[ColumnElement[bool]] = []
    # Every word must appear in one of the searched columns or in the client's name (order and
    # case ignored), answered by equipement_search_ids() inside the statement: under
    # row-level security an ILIKE here would read every machine (see the function's file).
    # The look-up is a MATERIALIZED ``WITH``: the page and its count (paginate's inline count)
    # share one look-up per word.
    words = _search_words(f.q)
    if words:
        found = (
            select(_ordered_search_ids(words).label("ids")).cte("found").prefix_with("MATERIALIZED")
        )
        conds.append(_E.id.in_(select(func.unnest(found.c.ids))))
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
    return (
        select(*LIST_COLUMNS)
        .join(_C, _C.id == _E.client_id)
        .where(*_conditions(clean_filters(filters)))
    )


def _counted(filters: Any) -> Select[*tuple[Any, ...]]:
    """The list's rows for counting: the machines alone. The client join of the list never
    removes a row (every machine has its client, and each role that reads a machine reads its
    client: db/access/matrix.csv), so the count skips it (a key look-up per row)."""
    return _machines_where(_conditions(clean_filters(filters)))


def _machines_where(conds: list[ColumnElement[bool]]) -> Select[*tuple[Any, ...]]:
    """The ids of the machines meeting ``conds``, without the client (see _counted)."""
    return select(_E.id).where(*conds)


def list_equipements(
    *,
    session: Session,
    filters: EquipementFilters | None = None,
    sort: Sort | None = None,
    page: int = 1,
    page_size: int = 25,
) -> tuple[list[dict[str, Any]], int]:
    """One page of the equipment list (visible to the session's user) and the total.

    The total is a ``db.query.Total``: exact up to ``LIST_COUNT_CAP`` rows past the page, a
    lower bound beyond ("plus de ..."), except for a search alone in the name order, whose
    total is always exact (``_search_page``).
    """
    clean = clean_filters(filters)
    key, descending = clean_sort(sort, keys=SORT_KEYS, default=DEFAULT_SORT)
    words = _search_words(clean.q)
    if words and key == "nom" and clean == EquipementFilters(q=clean.q):
        return _search_page(session, words, descending, page, page_size)
    conds = _conditions(clean)
    if words:
        return _searched_page(session, conds, key, sort, page, page_size)
    stmt = select(*LIST_COLUMNS).join(_C, _C.id == _E.client_id).where(*conds)
    return paginate(
        session,
        stmt,
        order_by=_order_by(sort),
        page=page,
        page_size=page_size,
        count_cap=LIST_COUNT_CAP,
        counted=_machines_where(conds),
    )


def _searched_page(
    session: Session,
    conds: list[ColumnElement[bool]],
    key: str,
    sort: Any,
    page: Any,
    page_size: Any,
) -> tuple[list[dict[str, Any]], Total]:
    """A search with other filters or in another order: the page's ids, then their rows.

    The matches (thousands for a frequent word) are sorted on the machine's own columns and
    only the page's ids are kept; the client's name is joined to those rows alone (joined
    before the sort, it was looked up for every match). The count shares the statement, and
    so the search's look-up (paginate's inline count).
    """
    ids = _machines_where(conds)
    if key == "client_nom":  # the sort needs the client's name
        ids = select(_E.id).join(_C, _C.id == _E.client_id).where(*conds)
    found, total = paginate(
        session,
        ids,
        order_by=_order_by(sort),
        page=page,
        page_size=page_size,
        count_cap=LIST_COUNT_CAP,
        counted=_machines_where(conds),
        count_inline=True,
    )
    page_ids = [r["id"] for r in found]
    return (_rows_in_order(session, page_ids, []) if page_ids else []), total


def _search_page(
    session: Session,
    words: list[str],
    descending: bool,
    page: Any,
    page_size: Any,
    *,
    reuse: bool = True,
) -> tuple[list[dict[str, Any]], Total]:
    """A search alone, in the name order: a slice of the ordered matches and their exact count.

    ``equipement_search_ids`` answers the matches already in (nom, id) order, so the page is a
    slice of that array (its rows fetched by key) and the total is the array's length: a word
    in 20,000 machines costs its trigram look-up, not 20,000 rows fetched and sorted again, nor
    a second look-up for the count. ``nom`` is NOT NULL, so the descending order (nom DESC
    NULLS LAST, id DESC) is exactly the array read backwards.

    The ordered ids are kept ``SEARCH_REUSE_SECONDS`` for the same user and words
    (``_ordered_ids``): the next page, a sort flip or any rerun of the page reuses them. The
    rows shown are always read now, under the user's row policies, and each is checked to
    still match every word; if one no longer does (changed, removed, hidden), the ids are
    looked up again before answering.
    """
    size, offset = page_window(page, page_size)
    key, ids, reused = _ordered_ids(session, words, reuse=reuse)
    ordered = ids[::-1] if descending else ids
    wanted = list(ordered[offset : offset + size])
    rows = _rows_in_order(session, wanted, words) if wanted else []
    if reused and len(rows) != len(wanted):
        _forget(key)
        return _search_page(session, words, descending, page, page_size, reuse=False)
    return rows, Total(len(ids))


# Ordered search results kept per (database, role, user, words): reruns of the registry page
# (paging, sorting, selecting a row: every click reruns the script) reuse them instead of
# running the trigram look-up again (~30 ms for a word in 20,000 machines). Never shared
# between users; bounded in number and age; forgotten when this process writes machines
# (at the write and at its commit). A search also matches the client's name: no service renames
# a client yet; the one that will must call forget_searches(session) too. Other processes'
# writes show within SEARCH_REUSE_SECONDS.
SEARCH_REUSE_SECONDS = 30.0
SEARCH_REUSE_ENTRIES = 64
# 4 bytes an id: at most 64 x 200 kB kept per process (a word matching nearly all of 200,000
# machines would otherwise keep 0.8 MB per user).
SEARCH_REUSE_MAX_IDS = 50_000
_SearchKey = tuple[Any, ...]
_reused: OrderedDict[_SearchKey, tuple[float, array[int]]] = OrderedDict()
_reused_lock = threading.Lock()


def forget_searches(session: Session | None = None) -> None:
    """Drop every kept search result (a write to the registry by this process), now and,
    with ``session``, again once its transaction commits: a search run by another user
    between the write and the commit cannot see the new rows yet, and must not be kept."""
    with _reused_lock:
        _reused.clear()
    if session is not None:
        event.listen(session, "after_commit", _forget_all_after_commit, once=True)


def _forget_all_after_commit(_session: Session) -> None:
    forget_searches()


def _forget(key: _SearchKey) -> None:
    with _reused_lock:
        _reused.pop(key, None)


def _ordered_ids(
    session: Session, words: list[str], *, reuse: bool
) -> tuple[_SearchKey, array[int], bool]:
    """(key, ids matching every word in (nom, id) order, whether they were kept ones)."""
    # Who asks, as the database sees it in this transaction (the role switched to and the
    # acting user set by apply_actor): the key never lets one user read another's result.
    who = session.execute(
        text(
            "SELECT current_database(), current_user, current_setting('app.current_user_id', true)"
        )
    ).one()
    key: _SearchKey = (*who, tuple(words))
    now = time.monotonic()
    if reuse:
        with _reused_lock:
            kept = _reused.get(key)
            if kept is not None and kept[0] > now:
                return key, kept[1], True
    ids = array("i", session.scalar(select(_ordered_search_ids(words))) or [])
    if len(ids) > SEARCH_REUSE_MAX_IDS:  # a word in most machines: not worth the memory
        return key, ids, False
    with _reused_lock:
        _reused[key] = (now + SEARCH_REUSE_SECONDS, ids)
        _reused.move_to_end(key)
        while len(_reused) > SEARCH_REUSE_ENTRIES:
            _reused.popitem(last=False)
    return key, ids, False


def _rows_in_order(session: Session, ids: list[int], words: list[str]) -> list[dict[str, Any]]:
    """The list's rows of machines ``ids`` (in that order) that still match every word.

    The match is tested again on these few rows (a filter, no index needed): the stored
    lower-cased text with LIKE, or the client's name with ILIKE, as equipement_search_ids.
    """
    matches = [
        or_(
            _SEARCH_TEXT.like(func.lower(like_pattern(word))),
            _C.nom_entreprise.ilike(like_pattern(word)),
        )
        for word in words
    ]
    stmt = select(*LIST_COLUMNS).join(_C, _C.id == _E.client_id).where(_E.id.in_(ids), *matches)
    found = {r["id"]: dict(r) for r in session.execute(stmt).mappings()}
    return [found[i] for i in ids if i in found]


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
    return capped_count(session, _counted(filters))
