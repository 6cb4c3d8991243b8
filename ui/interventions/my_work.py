"""A technician's work: today's (and overdue), this week's, then the others."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.orm import Session

from db.interventions.service import MyWork, allowed_transitions_of, my_work
from db.session import Actor
from ui.forms import run_action, shown
from ui.i18n import t
from ui.interventions.cards import handle_pending_move, render_card


def load_work(*, session: Session, actor: Actor) -> tuple[MyWork, dict[int, tuple[str, ...]]]:
    """The technician's open interventions and each one's allowed moves, one transaction."""
    work = my_work(session=session, actor=actor)
    rows = [row for group in (work.aujourdhui, work.semaine, work.autres) for row in group]
    moves = allowed_transitions_of(session=session, actor=actor, rows=rows)
    return work, moves


def render_my_work(actor: Actor) -> None:
    """Three sections of cards; a non-technician is pointed to the board."""
    if actor.role != "technicien":
        st.info(t("itv.work.not_tech"), icon=":material/info:")
        return
    handle_pending_move(actor)
    result = run_action(actor, load_work, actor=actor)
    if not result.ok or result.value is None:
        st.error(shown(result.error.message) if result.error else t("common.error"))
        return
    work, moves = result.value
    for label, rows in (
        ("itv.work.today", work.aujourdhui),
        ("itv.work.week", work.semaine),
        ("itv.work.others", work.autres),
    ):
        st.subheader(f"{t(label)} · {len(rows)}", anchor=False)
        if not rows:
            st.caption(t("itv.work.empty"))
            continue
        cols = st.columns(3)
        for i, row in enumerate(rows):
            with cols[i % 3]:
                render_card(actor, row, moves.get(int(row["id"]), ()), key=f"itv.w.{row['id']}")
    if work.tronque:
        st.caption(t("itv.work.truncated"))
