"""A list backed by a SQL query: sort, page size, server-side pagination, row selection.

The page owns its search and filter widgets and builds a ``filters`` object (a frozen
dataclass: its ``repr`` identifies the result set). The table asks a *service function* for one
page at a time; nothing but that page is ever loaded::

    result = paged_table(
        key="equip.list",
        actor=actor,
        fetch=list_equipements,      # fetch(*, session, filters, sort, page, page_size)
        filters=filters,             #   -> (rows: list[Mapping], total: int)
        columns=[Column("nom", "equip.col.nom", sortable=True), ...],
        default_sort=("nom", False), # (column key, descending)
    )
    if result.selected is not None:  # the row the user clicked, as returned by fetch
        open_detail(result.selected["id"])

``fetch`` runs inside ``session_scope(actor)`` (row-level security applies). Changing the
filters, the sort or the page size goes back to page 1. When ``fetch`` refuses the filters
(a ``ServiceError`` naming a field, e.g. a search text with a NUL byte from the URL), the
message goes beside that filter if the page passed its ``feedback`` (``ui.forms.FormFeedback``
with a ``slot`` under each filter widget), else above the list; never a traceback.
``Column`` also drives the exports (``ui.export``), so a list and its export always show the
same columns the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import streamlit as st

from db.session import Actor
from ui.format import (
    enum_label,
    fmt_bool,
    fmt_date,
    fmt_datetime,
    fmt_money,
    fmt_number,
)
from ui.forms import ActionResult, FormFeedback, run_action, shown
from ui.i18n import t

Kind = Literal["text", "int", "number", "money", "date", "datetime", "enum", "bool"]
Fetch = Callable[..., tuple[Sequence[Mapping[str, Any]], int]]
PAGE_SIZES: tuple[int, ...] = (25, 50, 100)
ROW_HEIGHT = 35  # px, Streamlit's default data grid row height
_EMPTY_SELECTION: dict[str, Any] = {"selection": {"rows": [], "columns": [], "cells": []}}


@dataclass(frozen=True)
class Column:
    """One column of a list and of its exports.

    ``key`` is the field of the fetched row, ``label`` an i18n key, ``kind`` how the value is
    written (French dates, MAD amounts, enum labels of PostgreSQL type ``enum``). ``sortable``
    offers it in "sort by" (the service must accept that key). ``width`` is Streamlit's
    ("small", "medium", "large") or pixels, so a list can fit a laptop screen.
    """

    key: str
    label: str
    kind: Kind = "text"
    enum: str | None = None
    sortable: bool = False
    width: Literal["small", "medium", "large"] | int | None = None

    def header(self) -> str:
        """Translated column title."""
        return t(self.label)

    def display(self, value: Any) -> str:
        """The value as a user reads it."""
        if value is None:
            return ""
        match self.kind:
            case "date":
                return fmt_date(value)
            case "datetime":
                return fmt_datetime(value)
            case "money":
                return fmt_money(value)
            case "int":
                return fmt_number(value, 0)
            case "number":
                return fmt_number(value, 2)
            case "enum":
                return enum_label(self.enum or "", value)
            case "bool":
                return fmt_bool(value)
            case _:
                return str(value)


@dataclass
class TableResult:
    """What the table showed: the page's rows, the total and the row the user selected."""

    rows: list[Mapping[str, Any]] = field(default_factory=list)
    total: int = 0
    page: int = 1
    page_size: int = PAGE_SIZES[0]
    sort: tuple[str, bool] = ("", False)
    selected: Mapping[str, Any] | None = None
    failed: bool = False


def is_exact(total: int) -> bool:
    """False for a capped total (``db.query.Total`` with ``exact=False``): more rows exist."""
    return bool(getattr(total, "exact", True))


def page_count(total: int, page_size: int) -> int:
    """Pages the picker offers: one more than the known rows fill when the total is capped,
    so the user can always go further (each step moves the counting horizon along)."""
    pages = max(1, math.ceil(total / page_size))
    return pages if is_exact(total) else pages + 1


def range_label(page: int, page_size: int, total: int) -> str:
    """``26–50 sur 1 234`` (``0–0 sur 0`` for an empty list), ``1–25 sur plus de 10 000`` when
    the list stopped counting."""
    first = 0 if total == 0 else (page - 1) * page_size + 1
    last = page * page_size if not is_exact(total) else min(page * page_size, total)
    return t(
        "table.range" if is_exact(total) else "table.range_more",
        first=fmt_number(first),
        last=fmt_number(last),
        total=fmt_number(int(total)),
    )


def grid_key(key: str) -> str:
    """Session-state key of the data grid (its row selection), e.g. for tests."""
    return f"{key}.grid"


def paged_table(
    *,
    key: str,
    actor: Actor,
    fetch: Fetch,
    filters: Any,
    columns: Sequence[Column],
    default_sort: tuple[str, bool],
    page_sizes: Sequence[int] = PAGE_SIZES,
    selectable: bool = True,
    empty_text: str | None = None,
    feedback: FormFeedback | None = None,
) -> TableResult:
    """Render sort / page-size controls, one page of rows, the range and the page picker.

    ``feedback`` places the messages of refused filters beside their widgets.
    """
    sortable = [c for c in columns if c.sortable]
    sort_key, desc_key, size_key = f"{key}.sort", f"{key}.desc", f"{key}.size"

    # Controls. Session-state defaults instead of widget defaults: the state survives reruns
    # and a page may preset it (e.g. from query parameters) before the table renders.
    st.session_state.setdefault(size_key, page_sizes[0])
    if sortable:
        sort_options = [c.key for c in sortable]
        if st.session_state.get(sort_key) not in sort_options:
            st.session_state[sort_key] = (
                default_sort[0] if default_sort[0] in sort_options else sort_options[0]
            )
            st.session_state[desc_key] = default_sort[1]
        st.session_state.setdefault(desc_key, default_sort[1])
        headers = {c.key: c.header() for c in sortable}
        c_sort, c_order, c_size = st.columns([3, 2, 2], vertical_alignment="bottom")
        sort_col = c_sort.selectbox(
            t("table.sort_by"),
            sort_options,
            format_func=headers.__getitem__,
            key=sort_key,
            persist_state="page",
        )
        descending = c_order.selectbox(
            t("table.order"),
            [False, True],
            format_func=lambda d: t("table.desc") if d else t("table.asc"),
            key=desc_key,
            persist_state="page",
        )
        page_size = c_size.selectbox(
            t("table.page_size"), list(page_sizes), key=size_key, persist_state="page"
        )
        sort = (sort_col, bool(descending))
    else:
        sort = default_sort
        page_size = st.session_state[size_key]

    # A new result set starts at page 1: the page picker gets a new key ("generation"), so
    # it starts afresh instead of having its value overwritten.
    signature = repr((filters, sort, page_size))
    gen_key = f"{key}.gen"
    if st.session_state.get(f"{key}.sig") != signature:
        st.session_state[f"{key}.sig"] = signature
        st.session_state[gen_key] = st.session_state.get(gen_key, 0) + 1
    page_key = f"{key}.page.{st.session_state[gen_key]}"
    page = st.session_state.get(page_key, 1)
    if not isinstance(page, int) or isinstance(page, bool) or page < 1:
        page = 1

    def load(p: int) -> ActionResult[tuple[Sequence[Mapping[str, Any]], int]]:
        return run_action(actor, fetch, filters=filters, sort=sort, page=p, page_size=page_size)

    outcome = load(page)
    if outcome.ok and outcome.value is not None and page > 1:
        last_page = page_count(outcome.value[1], page_size)
        if page > last_page:  # rows vanished since the user chose this page
            page = last_page
            st.session_state[gen_key] += 1
            page_key = f"{key}.page.{st.session_state[gen_key]}"
            outcome = load(page)
    if not outcome.ok or outcome.value is None:
        _show_load_error(outcome, feedback)
        return TableResult(page=page, page_size=page_size, sort=sort, failed=True)
    rows, total = outcome.value
    rows = list(rows)
    num_pages = page_count(total, page_size)

    # A selection belongs to the page it was made on.
    view = f"{signature}|{page}"
    if st.session_state.get(f"{key}.view") != view:
        st.session_state[f"{key}.view"] = view
        st.session_state[grid_key(key)] = _EMPTY_SELECTION

    selected: Mapping[str, Any] | None = None
    if not rows:
        st.info(empty_text or t("table.empty"), icon=":material/search_off:")
    else:
        data = {c.header(): [c.display(r.get(c.key)) for r in rows] for c in columns}
        config = {c.header(): st.column_config.TextColumn(width=c.width) for c in columns}
        # The whole page of rows is visible (header + rows, no inner scrolling: a page of 100
        # rows is as tall as it needs) and the grid takes the page's width; columns wider than
        # it scroll horizontally inside the grid.
        height = (len(rows) + 1) * ROW_HEIGHT + 3
        if selectable:
            # Said whenever there are rows to click, not only when the list fits on one page.
            st.caption(t("table.select_hint"))
            event = st.dataframe(
                data,
                hide_index=True,
                column_config=config,
                height=height,
                width="stretch",
                key=grid_key(key),
                on_select="rerun",
                selection_mode="single-row",
            )
            picked = event.selection.rows if event is not None else []
            if picked and 0 <= picked[0] < len(rows):
                selected = rows[picked[0]]
        else:
            st.dataframe(
                data, hide_index=True, column_config=config, height=height, width="stretch"
            )

    c_range, c_pages = st.columns([1, 2], vertical_alignment="center")
    c_range.caption(range_label(page, page_size, total))
    if num_pages > 1:
        with c_pages:
            st.pagination(
                num_pages, default=page, key=page_key, width="content", persist_state="page"
            )
    return TableResult(
        rows=rows,
        total=total,
        page=page,
        page_size=page_size,
        sort=sort,
        selected=selected,
    )


def _show_load_error(outcome: ActionResult[Any], feedback: FormFeedback | None) -> None:
    """Why the list is not shown: beside the filters when they were refused, else in place."""
    if outcome.error is None or outcome.unexpected:
        st.error(t("table.load_error"), icon=":material/error:")
    elif feedback is not None and outcome.field_errors:
        feedback.show(outcome)  # each refused filter gets its message under its widget
    else:
        st.error(shown(outcome.error.message), icon=":material/error:")


def static_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[Column],
    *,
    empty_text: str | None = None,
    key: str | None = None,
) -> None:
    """A short list already loaded (a few dozen rows at most), formatted like ``paged_table``."""
    if not rows:
        st.info(empty_text or t("table.empty"), icon=":material/info:")
        return
    data = {c.header(): [c.display(r.get(c.key)) for r in rows] for c in columns}
    config = {c.header(): st.column_config.TextColumn(width=c.width) for c in columns}
    height = (min(len(rows), 15) + 1) * ROW_HEIGHT + 3
    st.dataframe(
        data, hide_index=True, column_config=config, height=height, width="stretch", key=key
    )
