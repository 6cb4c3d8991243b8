"""An intervention card (board, my work) and its status menu.

The menu offers only what ``allowed_transitions`` gives this user for this card; the
database refuses any other change anyway. A pause asks for its reason and a close for the
solution in a small dialog; every change is one transaction, checked against the version the
card showed (someone else's change in between is refused, nothing overwritten).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from db.interventions.service import change_statut
from db.session import Actor
from ui.format import enum_label, fmt_date, md_escape
from ui.forms import FormFeedback, flash, run_action, shown
from ui.i18n import t

PAGE = "pages/interventions.py"
PENDING = "itv.move.pending"
NEEDS_TEXT = {"en_attente": "motif", "cloturee": "solution"}


def card_title(row: Mapping[str, Any]) -> str:
    """The card's whole title, wrapped (a link label would be cut to one line)."""
    return f"**n° {row['id']} · {md_escape(row['titre'])}**"


def _open_file(intervention_id: int) -> None:
    # The query string itself, not a page link: a link to the page being shown does not update
    # the browser's address in this Streamlit version, and the file's next button would then
    # rerun the old address (the board) and lose the user's action.
    st.query_params["id"] = str(intervention_id)


def file_link(row: Mapping[str, Any]) -> None:
    """The button opening the card's file (``?id=`` in the address)."""
    st.button(
        t("itv.card.open"),
        key=f"itv.open.{row['id']}",
        on_click=_open_file,
        args=(int(row["id"]),),
        icon=":material/assignment:",
        help=t("itv.card.open_help", id=row["id"]),
        type="tertiary",
    )


def card_lines(row: Mapping[str, Any], *, with_client: bool = True) -> list[str]:
    """What a card says under its title (Markdown, user text escaped); a client's cards leave
    out the client, always its own company."""
    place = [md_escape(row.get("machine"))]
    if with_client:
        place.append(md_escape(row.get("client_nom")))
    lines = [" · ".join(place)]
    tech = row.get("technicien_nom")
    lines.append(f":material/engineering: {md_escape(tech) if tech else t('itv.card.no_tech')}")
    # "Priorité urgente" and the urgence flag "Urgent" are two things: each says which it is.
    priorite = enum_label("priorite_intervention", row.get("priorite"))
    badges = [t("itv.card.priorite", p=priorite.lower())] if priorite else []
    if row.get("urgence"):
        badges.append(f":red-badge[:material/priority_high: {t('itv.card.urgent')}]")
    if row.get("criticite") is not None:
        crit = enum_label("criticite_equipement", row.get("criticite"))
        badges.append(t("itv.card.criticite", c=crit))
    lines.append(" · ".join(badges))
    when: list[str] = []
    if row.get("date_planifiee"):
        when.append(t("itv.card.planned", d=fmt_date(row["date_planifiee"])))
    if row.get("date_limite"):
        when.append(t("itv.card.deadline", d=fmt_date(row["date_limite"])))
    if row.get("en_retard"):
        when.append(f":red-badge[:material/alarm: {t('itv.card.late')}]")
    if when:
        lines.append(" · ".join(when))
    total = int(row.get("taches_total") or 0)
    if total:
        lines.append(t("itv.card.tasks", done=int(row.get("taches_faites") or 0), total=total))
    return lines


def render_card(
    actor: Actor, row: Mapping[str, Any], transitions: Sequence[str], *, key: str
) -> None:
    """A bordered card: whole title, machine, client, technician, priority, urgency,
    criticality, dates with the late mark, checklist progress, the link to the file and the
    status menu."""
    with st.container(border=True):
        st.markdown(card_title(row))
        st.markdown("  \n".join(card_lines(row, with_client=actor.role != "client")))
        total = int(row.get("taches_total") or 0)
        if total:
            st.progress(min(1.0, int(row.get("taches_faites") or 0) / total))
        file_link(row)
        if transitions:
            with st.popover(t("itv.move"), icon=":material/swap_horiz:"):
                for target in transitions:
                    st.button(
                        enum_label("statut_intervention", target),
                        key=f"{key}.to.{target}",
                        on_click=_ask,
                        args=(row, target),
                        width="stretch",
                    )


def _ask(row: Mapping[str, Any], target: str) -> None:
    st.session_state[PENDING] = {
        "id": int(row["id"]),
        "titre": str(row.get("titre") or ""),
        "statut": target,
        "version": row.get("updated_at"),
    }


def handle_pending_move(actor: Actor) -> None:
    """Apply the move the user chose on a card (a dialog first when it needs a text)."""
    pending = st.session_state.get(PENDING)
    if not isinstance(pending, dict):
        return
    if pending["statut"] in NEEDS_TEXT:
        # Decorated here, not at import: the dialog's title follows the user's language.
        st.dialog(t("itv.move.dialog"), on_dismiss=_dismiss)(_move_dialog)(actor, pending)
        return
    st.session_state.pop(PENDING, None)
    _apply(actor, pending)


def _apply(actor: Actor, pending: Mapping[str, Any]) -> None:
    """A move that needs no text: one transaction, then the board again (or the refusal)."""
    result = run_action(
        actor,
        change_statut,
        actor=actor,
        intervention_id=pending["id"],
        statut=pending["statut"],
        expected_updated_at=pending.get("version"),
    )
    if result.ok:
        _done(pending)
    st.error(
        shown(result.error.message if result.error else t("common.error")),
        icon=":material/block:",
    )


def _done(pending: Mapping[str, Any]) -> None:
    st.session_state.pop(PENDING, None)
    label = enum_label("statut_intervention", pending["statut"])
    flash(t("itv.move.done", id=pending["id"], statut=label))
    st.rerun()


def _dismiss() -> None:
    st.session_state.pop(PENDING, None)


def _move_dialog(actor: Actor, pending: Mapping[str, Any]) -> None:
    field = NEEDS_TEXT[pending["statut"]]
    st.markdown(
        f"**n° {pending['id']}** · {md_escape(pending['titre'])} → "
        f"**{enum_label('statut_intervention', pending['statut'])}**"
    )
    form = FormFeedback("itv.move")
    with st.form("itv.move.form", enter_to_submit=False):
        text = st.text_area(t(f"itv.move.{field}"), key="itv.move.text", max_chars=5000)
        form.slot(field)
        form.slot("statut")
        submitted = st.form_submit_button(t("itv.move.confirm"), type="primary")
    form.general()
    if submitted:
        extra = {field: text}
        result = run_action(
            actor,
            change_statut,
            actor=actor,
            intervention_id=pending["id"],
            statut=pending["statut"],
            expected_updated_at=pending.get("version"),
            **extra,
        )
        if result.ok:
            _done(pending)
        form.show(result)
