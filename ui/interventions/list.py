"""The interventions list: filters in the URL, SQL-paged table, export of the filtered set."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import streamlit as st
from sqlalchemy.orm import Session

from db.interventions.service import (
    InterventionFilters,
    export_chunk_interventions,
    list_interventions,
)
from db.query import Total
from db.session import Actor
from ui.export import export_buttons
from ui.interventions.filters import render_filters
from ui.table import Column, paged_table

LIST_COLUMNS: tuple[Column, ...] = (
    Column("id", "itv.col.id", "int", width="small"),
    Column("titre", "itv.col.titre", sortable=True, width="large"),
    Column("statut", "itv.col.statut", "enum", enum="statut_intervention", sortable=True),
    Column("priorite", "itv.col.priorite", "enum", enum="priorite_intervention", sortable=True),
    Column("urgence", "itv.col.urgence", "bool", width="small"),
    Column("type_intervention", "itv.col.type", "enum", enum="intervention_type"),
    Column("machine", "itv.col.machine", sortable=True),
    Column("client_nom", "itv.col.client", sortable=True),
    Column("technicien_nom", "itv.col.technicien"),
    Column("date_creation", "itv.col.date_creation", "date", sortable=True),
    Column("date_planifiee", "itv.col.date_planifiee", "date", sortable=True),
    Column("date_limite", "itv.col.date_limite", "date", sortable=True),
    Column("en_retard", "itv.col.en_retard", "bool", width="small"),
)
EXPORT_COLUMNS: tuple[Column, ...] = (
    *LIST_COLUMNS[:7],
    Column("numero_serie", "itv.col.numero_serie"),
    *LIST_COLUMNS[7:12],
    Column("date_limite", "itv.col.date_limite", "datetime"),
    LIST_COLUMNS[12],
    Column("taches_faites", "itv.col.taches_faites", "int"),
    Column("taches_total", "itv.col.taches_total", "int"),
)
DEFAULT_SORT = ("date_creation", True)


def fetch_page(
    *,
    session: Session,
    filters: InterventionFilters,
    sort: tuple[str, bool] | None,
    page: int,
    page_size: int,
) -> tuple[list[dict[str, Any]], Total]:
    """``ui.table``'s fetch: the table's sort goes into the service's criteria."""
    return list_interventions(
        session=session, filters=replace(filters, sort=sort), page=page, page_size=page_size
    )


def fetch_chunk(
    *,
    session: Session,
    filters: InterventionFilters,
    sort: tuple[str, bool] | None,
    after: Any,
    chunk_size: int,
) -> tuple[list[dict[str, Any]], int | None]:
    """``ui.export``'s keyset chunk, in the list's order."""
    return export_chunk_interventions(
        session=session, filters=replace(filters, sort=sort), after=after, chunk_size=chunk_size
    )


def open_file(intervention_id: int) -> None:
    """Show intervention ``intervention_id`` (the URL then points at it)."""
    st.query_params["id"] = str(intervention_id)
    st.rerun()


def columns_for(actor: Actor) -> list[Column]:
    """A client's list has no client column (always their own company)."""
    return [c for c in LIST_COLUMNS if not (actor.role == "client" and c.key == "client_nom")]


def render_list(actor: Actor) -> None:
    """Filters, the paged table (a click opens the file) and the export of the filtered set."""
    filters, feedback = render_filters(actor)
    result = paged_table(
        key="itv.list",
        actor=actor,
        fetch=fetch_page,
        filters=replace(filters, sort=None),
        columns=columns_for(actor),
        default_sort=DEFAULT_SORT,
        feedback=feedback,
    )
    if result.selected is not None:
        open_file(int(result.selected["id"]))
    if not result.failed:
        export_buttons(
            key="itv.export",
            actor=actor,
            fetch_chunk=fetch_chunk,
            filters=replace(filters, sort=None),
            sort=result.sort,
            total=result.total,
            columns=[
                c for c in EXPORT_COLUMNS if not (actor.role == "client" and c.key == "client_nom")
            ],
            file_stem="interventions",
        )
