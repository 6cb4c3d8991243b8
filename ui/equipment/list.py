"""The registry list: filters, the SQL-paged table, export of the whole filtered set."""

from __future__ import annotations

import streamlit as st

from db.equipment.service import (
    export_chunk_equipements,
    list_equipements,
)
from db.session import Actor
from ui.equipment.columns import EXPORT_COLUMNS, LIST_COLUMNS
from ui.equipment.filters import render_filters
from ui.export import export_buttons
from ui.table import paged_table


def open_detail(equipement_id: int) -> None:
    """Show machine ``equipement_id`` (the URL then points at it)."""
    st.query_params["id"] = str(equipement_id)
    st.rerun()


def close_detail() -> None:
    """Back to the list, with the filters still in the URL."""
    if "id" in st.query_params:
        del st.query_params["id"]
    st.rerun()


def render_list(actor: Actor) -> None:
    """Filters, the paged table and the export of the filtered set."""
    filters, feedback = render_filters(actor)
    columns = [c for c in LIST_COLUMNS if not (actor.role == "client" and c.key == "client_nom")]
    result = paged_table(
        key="equip.list",
        actor=actor,
        fetch=list_equipements,
        filters=filters,
        columns=columns,
        default_sort=("nom", False),
        feedback=feedback,
    )
    if result.selected is not None:
        open_detail(result.selected["id"])
    if not result.failed:
        export_buttons(
            key="equip.export",
            actor=actor,
            fetch_chunk=export_chunk_equipements,
            filters=filters,
            sort=result.sort,
            total=result.total,
            columns=EXPORT_COLUMNS,
            file_stem="equipements",
        )
