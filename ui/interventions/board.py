"""The board: one column per status, its first cards and its true count.

Each column is ``board_column`` (LIMITed in SQL, counted only when longer than its cards);
all columns and the status menus of their cards are read in one transaction. "Voir les N
autres" opens the list filtered on that status (a link with query parameters).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import streamlit as st
from sqlalchemy.orm import Session

from db.interventions.service import (
    BOARD_STATUTS,
    HIDDEN_STATUTS,
    BoardColumn,
    InterventionFilters,
    allowed_transitions_of,
    board_column,
)
from db.session import Actor
from ui.format import enum_label, fmt_number
from ui.forms import run_action, shown
from ui.i18n import t
from ui.interventions.cards import handle_pending_move, render_card
from ui.interventions.filters import list_link, search_placeholder
from ui.table import is_exact

CARDS_PER_COLUMN = 20
K = "itv.b."


@dataclass(frozen=True)
class BoardData:
    """The columns and, per card id, the statuses the user may move it to."""

    columns: list[BoardColumn]
    moves: dict[int, tuple[str, ...]]


def _show_list(params: dict[str, Any]) -> None:
    # The query string itself rather than a page link to this same page, whose address the
    # browser would not show (the next action would then rerun the board).
    st.query_params.from_dict(params)


def load_board(
    *,
    session: Session,
    actor: Actor,
    statuts: tuple[str, ...],
    filters: InterventionFilters,
    limit: int = CARDS_PER_COLUMN,
) -> BoardData:
    """Every column of ``statuts`` (its first ``limit`` cards and its count) and the allowed
    moves of each card shown, read in the caller's one transaction."""
    columns = [
        board_column(session=session, statut=s, filters=filters, limit=limit) for s in statuts
    ]
    cards = [card for column in columns for card in column.cards]
    moves = allowed_transitions_of(session=session, actor=actor, rows=cards)
    return BoardData(columns=columns, moves=moves)


def _board_filters(actor: Actor) -> InterventionFilters:
    # Short labels, room to spare and wrapping allowed: a cut "En retard se…" says nothing.
    c1, c2, c3, c4 = st.columns([5, 2, 2, 3], vertical_alignment="bottom")
    q = c1.text_input(
        t("itv.search"),
        key=K + "q",
        placeholder=search_placeholder(actor),
        icon=":material/search:",
    )
    late = c2.toggle(t("itv.board.late"), key=K + "retard", wrap=True)
    urgent = c3.toggle(t("itv.board.urgent"), key=K + "urgent", wrap=True)
    c4.toggle(t("itv.board.hidden"), key=K + "hidden", wrap=True)
    return InterventionFilters(
        q=q.strip() if isinstance(q, str) else "", en_retard=bool(late), urgentes=bool(urgent)
    )


def _count_label(total: Any) -> str:
    if is_exact(total):
        return fmt_number(int(total))
    return t("itv.board.count_more", n=fmt_number(int(total)))


def render_column(actor: Actor, column: BoardColumn, data: BoardData, f: Any) -> None:
    """A column: its status and count, its cards, the link to the rest."""
    st.markdown(
        f"**{enum_label('statut_intervention', column.statut)}** · {_count_label(column.total)}"
    )
    if not column.cards:
        st.caption(t("itv.board.empty"))
    for card in column.cards:
        render_card(actor, card, data.moves.get(int(card["id"]), ()), key=f"itv.card.{card['id']}")
    if column.more:
        label = (
            t("itv.board.more", n=fmt_number(column.more))
            if is_exact(column.total)
            else t("itv.board.more_capped")
        )
        st.button(
            label,
            key=f"itv.more.{column.statut}",
            on_click=_show_list,
            args=(list_link(replace(f, statuts=(column.statut,))),),
            icon=":material/list:",
            type="tertiary",
        )


def render_board(actor: Actor) -> None:
    """Search and toggles, then the columns side by side."""
    handle_pending_move(actor)
    f = _board_filters(actor)
    statuts = BOARD_STATUTS + (HIDDEN_STATUTS if st.session_state.get(K + "hidden") else ())
    result = run_action(
        actor, load_board, actor=actor, statuts=statuts, filters=f, limit=CARDS_PER_COLUMN
    )
    if not result.ok or result.value is None:
        message = result.error.message if result.error and not result.unexpected else None
        st.error(shown(message) if message else t("itv.board.error"), icon=":material/error:")
        return
    data = result.value
    for col, column in zip(st.columns(len(data.columns)), data.columns, strict=True):
        with col:
            render_column(actor, column, data, f)
