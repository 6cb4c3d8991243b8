"""Query helpers shared by every list: SQL pagination and safe search patterns.

Every list stays bounded whatever the size of the table: a page is one ``LIMIT``ed query, its
total a ``COUNT`` that stops at ``COUNT_CAP`` rows past the page (a search matching half of a
million rows says "plus de 10 000" instead of counting them all), and long reads (exports) go
by keyset chunks (``keyset_page``): each chunk is an index range after the last row read, in a
transaction of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    and_,
    false,
    func,
    or_,
    select,
    text,
    tuple_,
)
from sqlalchemy.orm import Session

from db.errors import ServiceError
from db.validation import INT4_MAX, clamp_int, clean_text

PAGE_SIZE_MAX = 500
# OFFSET is a bigint: (2**31 - 2) pages of 500 rows stay far below its limit.
PAGE_MAX = INT4_MAX
# A list counts its rows up to this many past the current page, never further: beyond it the
# total is shown as "plus de 10 000" (paying for an exact COUNT of a large result set twice per
# page, once for the rows and once for the total, is what made the registry slow).
COUNT_CAP = 10_000
INLINE_TOTAL = "_total"  # the column of a page's own count (paginate(count_inline=True))


class Total(int):
    """A row count; ``exact`` is False when counting stopped at the cap.

    An inexact total is a lower bound: there are *more than* ``int(total)`` rows. It is an
    ``int`` so that callers comparing or formatting totals keep working unchanged.
    """

    exact: bool

    def __new__(cls, value: int, *, exact: bool = True) -> Total:
        """A total of ``value`` rows (more than that when ``exact`` is False)."""
        obj = super().__new__(cls, value)
        obj.exact = exact
        return obj

    def __repr__(self) -> str:
        return f"{int(self)}" if self.exact else f"more than {int(self)}"


def like_pattern(term: str, *, field: str = "q", label: str = "Recherche") -> str:
    """``%term%`` with LIKE wildcards in ``term`` taken literally (use ``escape="\\\\"``).

    ``term`` is the user's search text: NUL bytes, control characters or unencodable text are
    refused with a French ``ServiceError`` naming ``field``.
    """
    if not isinstance(term, str):
        raise ServiceError(f"{label} : texte attendu.", field=field, rule="validation")
    clean_text(term, field=field, label=label)  # raises on what PostgreSQL cannot take
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def page_window(page: Any, page_size: Any) -> tuple[int, int]:
    """``(page_size, offset)`` of a page asked for by a URL or a widget: numbers clamped to
    their range (page ≥ 1, 1 ≤ size ≤ ``PAGE_SIZE_MAX``), anything not a finite number refused
    with a French ``ServiceError`` on the field ``page`` / ``page_size``."""
    size = clamp_int(
        page_size, field="page_size", label="Lignes par page", low=1, high=PAGE_SIZE_MAX
    )
    number = clamp_int(page, field="page", label="Page", low=1, high=PAGE_MAX)
    return size, (number - 1) * size


def paginate(
    session: Session,
    stmt: Select[*tuple[Any, ...]],
    *,
    order_by: Sequence[Any],
    page: Any,
    page_size: Any,
    count_cap: int = COUNT_CAP,
    counted: Select[*tuple[Any, ...]] | None = None,
    count_inline: bool = False,
) -> tuple[list[dict[str, Any]], Total]:
    """One page of ``stmt`` (LIMIT/OFFSET in SQL) and its total (a capped COUNT in SQL).

    ``counted``, when given, is what the total counts instead of ``stmt``: the same rows
    without what only the display needs (a join that never removes a row), so the count reads
    less. With ``count_inline`` the capped count is a sub-query of the page's own statement:
    one round trip, and a costly common part of both (a search's look-up in a ``WITH``) is
    computed once instead of once per statement.

    The total is a ``Total``: exact up to ``count_cap`` rows past the page's first row, else
    the lower bound ``offset + count_cap`` with ``exact=False``. No COUNT runs at all when the
    page itself shows where the list ends (a short page that is not empty, or a short first
    page): small lists and last pages cost one query.

    ``page`` and ``page_size`` may come from a URL or a widget: out-of-range numbers are clamped
    (``page=1e20`` asks for page 2 147 483 647, which is simply empty), anything that is not a
    finite number is refused with a French ``ServiceError`` (field ``page`` / ``page_size``).
    """
    page_size, offset = page_window(page, page_size)
    cap = offset + count_cap
    if count_inline:
        counted_rows = (stmt if counted is None else counted).order_by(None).limit(cap + 1)
        n = select(func.count()).select_from(counted_rows.subquery()).scalar_subquery()
        stmt = stmt.add_columns(n.label(INLINE_TOTAL))
    rows = [
        dict(r)
        for r in session.execute(
            stmt.order_by(*order_by).limit(page_size).offset(offset)
        ).mappings()
    ]
    if count_inline and rows:
        counted_n = int(rows[0][INLINE_TOTAL])
        for row in rows:
            del row[INLINE_TOTAL]
        return rows, Total(cap, exact=False) if counted_n > cap else Total(counted_n)
    if len(rows) < page_size and (rows or offset == 0):
        return rows, Total(offset + len(rows))
    return rows, capped_count(session, stmt if counted is None else counted, cap=offset + count_cap)


def capped_count(
    session: Session,
    stmt: Select[*tuple[Any, ...]],
    *,
    cap: int = COUNT_CAP,
    index_walk: bool = False,
) -> Total:
    """Rows of ``stmt``, counted up to ``cap``: ``Total(cap, exact=False)`` when there are more.

    ``SELECT count(*) FROM (stmt LIMIT cap + 1)``: PostgreSQL stops reading at ``cap + 1`` rows.

    ``index_walk``: for a ``stmt`` whose conditions match a partial index (the interventions of
    one status), count by walking an index, never a sequential or bitmap scan. Under row-level
    security the planner guesses the policy's filter keeps 0.5 % of the rows, so it expects
    fewer than ``cap`` rows in all and picks the plan that reads everything cheapest: a
    sequential scan of the whole table for a status most rows have (84 ms for the closed
    interventions at 1,000,000, cold), a bitmap of 17,000 entries for another; whereas any
    index walk stops at ``cap + 1``. The two settings are put back after this one statement.
    """
    cap = max(0, int(cap))
    inner = stmt.order_by(None).limit(cap + 1).subquery()
    if index_walk:
        _table_scans(session, "off")
    n = int(session.scalar(select(func.count()).select_from(inner)) or 0)
    if index_walk:  # (a failed count aborts the transaction, settings and all)
        _table_scans(session, "on")
    return Total(cap, exact=False) if n > cap else Total(n)


def _table_scans(session: Session, value: str) -> None:
    """Sequential and bitmap scans ``on`` or ``off`` for the rest of the transaction."""
    session.execute(
        text(
            "SELECT set_config('enable_seqscan', :v, true),"
            " set_config('enable_bitmapscan', :v, true)"
        ),
        {"v": value},
    )


Key = tuple[SQLColumnExpression[Any], bool]
"""A keyset sort key: (column, descending). NULLs always come last, as in the lists."""


def not_null(col: SQLColumnExpression[Any]) -> bool:
    """True when ``col`` is a table column declared NOT NULL (an ORM attribute or a Column)."""
    expr = getattr(col, "expression", col)
    return getattr(expr, "nullable", True) is False and getattr(expr, "table", None) is not None


def after_condition(keys: Sequence[Key], values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly after ``values`` in the order of ``keys`` (NULLs last in either direction).

    The last key must be unique and NOT NULL (the id), so the order is total and a chunk never
    repeats or skips a row.

    When every key is NOT NULL and all go the same way (the usual "sort column, then id") it
    is one row comparison, ``(k1, ..., id) > (v1, ..., id0)``, which PostgreSQL turns into an
    index range: chunk 100 of an export starts where chunk 99 ended. Otherwise it is written
    ``k1 > v1 OR (k1 = v1 AND (k2 > v2 ...))`` with the NULL cases spelled out: correct, but an
    index walk that filters from the start (at 200,000 machines an export by a nullable date
    reads every row before its chunk).
    """
    if len(keys) != len(values) or not keys:
        raise ValueError("one value per key")
    directions = {desc for _, desc in keys}
    if (
        len(directions) == 1
        and all(not_null(col) for col, _ in keys)
        and all(v is not None for v in values)
    ):
        left, right = tuple_(*(col for col, _ in keys)), tuple_(*values)
        return left < right if directions.pop() else left > right
    return _after_expanded(keys, values)


def _after_expanded(keys: Sequence[Key], values: Sequence[Any]) -> ColumnElement[bool]:
    (col, desc), value = keys[0], values[0]
    rest = keys[1:]
    if value is None:
        # Nothing sorts after a NULL but other NULLs (NULLs last).
        beyond: ColumnElement[bool] = false()
        same: ColumnElement[bool] = col.is_(None)
    else:
        beyond = or_(col < value if desc else col > value, col.is_(None))
        same = col == value
    if not rest:
        return beyond
    return or_(beyond, and_(same, _after_expanded(rest, values[1:])))


def order_clause(col: SQLColumnExpression[Any], desc: bool) -> Any:
    """``col`` ASC or DESC, NULLs last; ``NULLS LAST`` is left out on a NOT NULL column so a
    descending order can walk an ascending index backwards (it would otherwise sort)."""
    ordered = col.desc() if desc else col.asc()
    return ordered if not_null(col) else ordered.nulls_last()


def keyset_page(
    session: Session,
    stmt: Select[*tuple[Any, ...]],
    *,
    keys: Sequence[Key],
    after: Sequence[Any] | None,
    page_size: int,
) -> list[dict[str, Any]]:
    """The ``page_size`` rows of ``stmt`` that follow ``after`` (the sort values of the last row
    read; ``None`` for the first chunk), in the order of ``keys``.

    Unlike OFFSET, the cost does not grow with the position: chunk 100 is as cheap as chunk 1,
    and each chunk may run in a transaction of its own (no snapshot held across a long read).
    """
    page_size = clamp_int(
        page_size, field="page_size", label="Lignes par page", low=1, high=PAGE_SIZE_MAX * 20
    )
    order = [order_clause(col, desc) for col, desc in keys]
    if after is not None:
        stmt = stmt.where(after_condition(keys, list(after)))
    return [dict(r) for r in session.execute(stmt.order_by(*order).limit(page_size)).mappings()]
