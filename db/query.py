"""Query helpers shared by every list: SQL pagination and safe search patterns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from db.errors import ServiceError
from db.validation import INT4_MAX, clamp_int, clean_text

PAGE_SIZE_MAX = 500
# OFFSET is a bigint: (2**31 - 2) pages of 500 rows stay far below its limit.
PAGE_MAX = INT4_MAX


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


def paginate(
    session: Session, stmt: Select[Any], *, order_by: Sequence[Any], page: Any, page_size: Any
) -> tuple[list[dict[str, Any]], int]:
    """One page of ``stmt`` (LIMIT/OFFSET in SQL) and the total row count (COUNT in SQL).

    ``page`` and ``page_size`` may come from a URL or a widget: out-of-range numbers are clamped
    (``page=1e20`` asks for page 2 147 483 647, which is simply empty), anything that is not a
    finite number is refused with a French ``ServiceError`` (field ``page`` / ``page_size``).
    """
    page_size = clamp_int(
        page_size, field="page_size", label="Lignes par page", low=1, high=PAGE_SIZE_MAX
    )
    page = clamp_int(page, field="page", label="Page", low=1, high=PAGE_MAX)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = session.execute(
        stmt.order_by(*order_by).limit(page_size).offset((page - 1) * page_size)
    ).mappings()
    return [dict(r) for r in rows], int(total or 0)
