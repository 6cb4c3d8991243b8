"""Registry filters: search box and filter widgets mirrored in the URL (``?statut=``,
``?criticite=``, ``?q=``), and the bounded client pickers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import streamlit as st

from db.equipment.service import (
    CRITICITES,
    STATUTS,
    EquipementFilters,
    client_choices,
)
from db.session import Actor
from ui.format import (
    WIDGET_DATE_FORMAT,
    enum_label,
)
from ui.forms import FormFeedback, run_read
from ui.i18n import t

DATE_MIN, DATE_MAX = date(1950, 1, 1), date(2100, 12, 31)  # bounds of the date filters

# Filter widgets and the query parameters they mirror.
F_Q, F_STATUT, F_CRIT, F_CLIENT, F_MAINT, F_GARANTIE = (
    "equip.f.q",
    "equip.f.statut",
    "equip.f.criticite",
    "equip.f.client",
    "equip.f.maintenance",
    "equip.f.garantie",
)
F_CLIENT_Q = "equip.f.client_q"
QP_SEEN = "equip.qp_seen"


def _split(values: list[str], allowed: Sequence[str]) -> tuple[str, ...]:
    """``?statut=panne,maintenance`` and ``?statut=panne&statut=maintenance`` alike."""
    out: list[str] = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if part in allowed and part not in out:
                out.append(part)
    return tuple(out)


def _query_snapshot() -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    return (
        st.query_params.get("q", ""),
        _split(st.query_params.get_all("statut"), STATUTS),
        _split(st.query_params.get_all("criticite"), CRITICITES),
    )


def _filters_from_url() -> None:
    """Preset the filter widgets from the URL when it changed (a link was followed) or when
    the widgets are new (first visit, or back from a detail view)."""
    snapshot = _query_snapshot()
    if st.session_state.get(QP_SEEN) != snapshot or F_STATUT not in st.session_state:
        st.session_state[QP_SEEN] = snapshot
        st.session_state[F_Q] = snapshot[0]
        st.session_state[F_STATUT] = list(snapshot[1])
        st.session_state[F_CRIT] = list(snapshot[2])


def _filters_to_url(q: str, statuts: list[str], criticites: list[str]) -> None:
    """Mirror the main filters in the URL (shareable, and the back button keeps them)."""
    wanted = (q, tuple(statuts), tuple(criticites))
    if wanted == _query_snapshot():
        return
    for name, value in (("q", q), ("statut", statuts), ("criticite", criticites)):
        if value:
            st.query_params[name] = value
        elif name in st.query_params:
            del st.query_params[name]
    st.session_state[QP_SEEN] = _query_snapshot()


def _reset_filters() -> None:
    st.session_state[F_Q] = ""
    st.session_state[F_STATUT] = []
    st.session_state[F_CRIT] = []
    st.session_state[F_CLIENT] = None
    st.session_state[F_CLIENT_Q] = ""
    st.session_state[F_MAINT] = None
    st.session_state[F_GARANTIE] = None


def client_options(actor: Actor, q: str = "", include: int | None = None) -> dict[int, str]:
    """Clients whose name contains ``q`` (the first ``CLIENT_CHOICES_LIMIT`` by name), plus the
    one already chosen: a picker never loads every client (there may be tens of thousands)."""
    return dict(run_read(actor, client_choices, q=q, include=include) or [])


def client_search(key: str, *, label: str | None = None) -> str:
    """The text box that narrows a client picker (what the user typed, trimmed)."""
    value = st.text_input(
        label or t("equip.filter.client_search"),
        key=key,
        placeholder=t("equip.filter.client_search.placeholder"),
        icon=":material/search:",
    )
    return value.strip() if isinstance(value, str) else ""


def render_filters(actor: Actor) -> tuple[EquipementFilters, FormFeedback]:
    """Search box and filters; returns the criteria they describe and the places of their
    messages (the service checks the criteria: a refused one is reported under its widget)."""
    _filters_from_url()
    feedback = FormFeedback("equip.filters", summary_key="table.fix_filters")
    q = st.text_input(
        t("equip.search"),
        key=F_Q,
        placeholder=t("equip.search.placeholder"),
        icon=":material/search:",
    )
    feedback.slot("q")
    c1, c2, c3 = st.columns(3)
    with c1:
        statuts = st.multiselect(
            t("equip.filter.statut"),
            STATUTS,
            format_func=lambda v: enum_label("statut_equipement", v),
            placeholder=t("equip.filter.any"),
            key=F_STATUT,
        )
        feedback.slot("statuts")
    with c2:
        criticites = st.multiselect(
            t("equip.filter.criticite"),
            CRITICITES,
            format_func=lambda v: enum_label("criticite_equipement", v),
            placeholder=t("equip.filter.any"),
            key=F_CRIT,
        )
        feedback.slot("criticites")
    client_id = None
    if actor.role != "client":  # a client only ever sees its own company
        with c3:
            found = client_search(F_CLIENT_Q)
        chosen = st.session_state.get(F_CLIENT)
        names = client_options(actor, found, chosen if isinstance(chosen, int) else None)
        if st.session_state.get(F_CLIENT) not in names:
            st.session_state[F_CLIENT] = None
        with c3:
            client_id = st.selectbox(
                t("equip.filter.client"),
                list(names),
                index=None,  # clearable: no choice = every client
                format_func=names.__getitem__,
                placeholder=t("equip.filter.all_clients"),
                key=F_CLIENT,
            )
            feedback.slot("client_id")
    c4, c5, c6 = st.columns(3, vertical_alignment="bottom")
    with c4:
        maintenance = st.date_input(
            t("equip.filter.maintenance"),
            value=None,
            key=F_MAINT,
            format=WIDGET_DATE_FORMAT,
            min_value=DATE_MIN,
            max_value=DATE_MAX,
        )
        feedback.slot("maintenance_avant")
    with c5:
        garantie = st.date_input(
            t("equip.filter.garantie"),
            value=None,
            key=F_GARANTIE,
            format=WIDGET_DATE_FORMAT,
            min_value=DATE_MIN,
            max_value=DATE_MAX,
        )
        feedback.slot("garantie_avant")
    c6.button(
        t("equip.filter.reset"),
        key="equip.f.reset",
        on_click=_reset_filters,
        icon=":material/filter_alt_off:",
    )
    _filters_to_url(q, statuts, criticites)
    filters = EquipementFilters(
        q=q.strip(),
        statuts=tuple(statuts),
        criticites=tuple(criticites),
        client_id=client_id,
        maintenance_avant=maintenance if isinstance(maintenance, date) else None,
        garantie_avant=garantie if isinstance(garantie, date) else None,
    )
    return filters, feedback
