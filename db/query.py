"""Query helpers shared by every list: SQL pagination and safe search patterns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

PAGE_SIZE_MAX = 500


def like_pattern(term: str) -> str:
    """``%term%`` with LIKE wildcards in ``term`` taken literally (use ``escape="\\\\"``)."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def paginate(
    session: Session, stmt: Select[Any], *, order_by: Sequence[Any], page: int, page_size: int
) -> tuple[list[dict[str, Any]], int]:
    """One page of ``stmt`` (LIMIT/OFFSET in SQL) and the total row count (COUNT in SQL)."""
    page_size = max(1, min(int(page_size), PAGE_SIZE_MAX))
    page = max(1, int(page))
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = session.execute(
        stmt.order_by(*order_by).limit(page_size).offset((page - 1) * page_size)
    ).mappings()
    return [dict(r) for r in rows], int(total or 0)
