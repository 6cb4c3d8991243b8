"""Which view the URL asks for, and the list's criteria mirrored in the URL.

Query parameters (``db.interventions.service.filters_from_params`` reads them): ``vue``
(``tableau`` / ``liste`` / ``travail``), ``q``, ``statut`` (repeatable), ``priorite``,
``type``, ``client``, ``machine``, ``technicien``, ``principal``, ``cree_du`` / ``cree_au``,
``planifiee_du`` / ``planifiee_au``, ``limite_du`` / ``limite_au``, ``retard=1``,
``urgent=1``, ``tri`` and ``desc=1``. A home-page figure links straight to its rows, e.g.
``?vue=liste&statut=ouverte&retard=1``.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from db.equipment.service import client_choices
from db.errors import ValidationError
from db.interventions.service import (
    PRIORITES,
    STATUTS,
    TYPES,
    InterventionFilters,
    filters_from_params,
    filters_to_params,
)
from db.interventions.service.choices import machine_choices, technician_choices
from db.session import Actor
from ui.format import WIDGET_DATE_BOUNDS, WIDGET_DATE_FORMAT, enum_label, md_escape
from ui.forms import FormFeedback, run_read, shown
from ui.i18n import t

VIEWS = ("tableau", "liste", "travail")
PAGE_PARAMS = ("vue", "id", "nouvelle", "machine_new")
DATE_BOUNDS = WIDGET_DATE_BOUNDS
# Filter field → the URL parameter(s) that carry it (to drop a refused one).
FIELD_PARAMS: dict[str, tuple[str, ...]] = {
    "q": ("q",),
    "statuts": ("statut",),
    "priorites": ("priorite",),
    "types": ("type",),
    "client_id": ("client",),
    "equipement_id": ("machine",),
    "technicien_id": ("technicien",),
    "principal_id": ("principal",),
    "cree_du": ("cree_du",),
    "cree_au": ("cree_au",),
    "planifiee_du": ("planifiee_du",),
    "planifiee_au": ("planifiee_au",),
    "limite_du": ("limite_du",),
    "limite_au": ("limite_au",),
    "en_retard": ("retard",),
    "urgentes": ("urgent",),
    "sort": ("tri", "desc"),
}
PICKER_FIELDS = ("client_id", "equipement_id", "technicien_id")
RANGE_FIELDS = ("cree_du", "cree_au", "planifiee_du", "planifiee_au", "limite_du", "limite_au")
K = "itv.f."  # widget keys of the list's filters
QP_SEEN = "itv.qp_seen"


def current_view(actor: Actor) -> str:
    """The view of the URL's ``vue``; without it, a technician's own work, else the board
    (the list when the URL carries list criteria: a link from the home page)."""
    vue = st.query_params.get("vue")
    if vue in VIEWS:
        return vue
    if any(name in st.query_params for params in FIELD_PARAMS.values() for name in params):
        return "liste"
    return "travail" if actor.role == "technicien" else "tableau"


def _url_params() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params if k not in PAGE_PARAMS}


def url_filters() -> tuple[InterventionFilters, dict[str, str]]:
    """The criteria of the URL and the messages about parameters that were refused (those
    are left out: a hostile or outdated link still shows a list)."""
    params = _url_params()
    refused: dict[str, str] = {}
    for _ in range(2):
        try:
            return filters_from_params(params), refused
        except ValidationError as exc:
            refused.update(exc.errors)
            for name in exc.errors:
                for param in FIELD_PARAMS.get(name, ()):
                    params.pop(param, None)
    return InterventionFilters(), refused


def _snapshot() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(sorted((k, tuple(v)) for k, v in _url_params().items()))


def _preset(filters: InterventionFilters) -> None:
    """Widgets set from the URL's criteria."""
    s = st.session_state
    s[K + "q"] = filters.q
    s[K + "statuts"] = list(filters.statuts)
    s[K + "priorites"] = list(filters.priorites)
    s[K + "types"] = list(filters.types)
    s[K + "client_id"] = filters.client_id
    s[K + "equipement_id"] = filters.equipement_id
    s[K + "technicien_id"] = filters.technicien_id
    for name in RANGE_FIELDS:
        s[K + name] = getattr(filters, name)
    s[K + "en_retard"] = filters.en_retard
    s[K + "urgentes"] = filters.urgentes
    if filters.sort is not None:
        s["itv.list.sort"], s["itv.list.desc"] = filters.sort


def _to_url(filters: InterventionFilters) -> None:
    """Mirror the criteria in the URL (shareable; the back button keeps them)."""
    wanted = filters_to_params(filters)
    for name in list(st.query_params):
        if name not in PAGE_PARAMS and name not in wanted:
            del st.query_params[name]
    for name, value in wanted.items():
        if st.query_params.get_all(name) != (value if isinstance(value, list) else [value]):
            st.query_params[name] = value
    st.session_state[QP_SEEN] = _snapshot()


def reset_filters() -> None:
    """Every filter back to "any" (the URL follows on the next run), the URL's principal
    technician too (it has no widget of its own)."""
    _preset(InterventionFilters())
    if "principal" in st.query_params:
        del st.query_params["principal"]
    # The URL changed here, not by a link: the widgets must not be reset from it.
    st.session_state[QP_SEEN] = _snapshot()


def _picker(
    key: str, label: str, search_label: str, empty: str, options: dict[int, str]
) -> int | None:
    current = st.session_state.get(K + key)
    if isinstance(current, int) and current not in options:
        # From the URL and not visible (or not among the first found): still the criterion,
        # so another client's machine id lists nothing rather than everything.
        options = {current: f"n° {current}", **options}
    elif current not in options:
        st.session_state[K + key] = None
    value = st.selectbox(
        label,
        list(options),
        index=None,
        format_func=options.__getitem__,
        placeholder=empty,
        key=K + key,
    )
    return value if isinstance(value, int) else None


def search_placeholder(actor: Actor) -> str:
    """What the search box looks in (a client's own company is nothing to search for)."""
    key = "itv.search.placeholder_client" if actor.role == "client" else "itv.search.placeholder"
    return t(key)


def _search_box(key: str, label: str) -> str:
    value = st.text_input(label, key=K + key, icon=":material/search:")
    return value.strip() if isinstance(value, str) else ""


def _chosen(key: str) -> int | None:
    value = st.session_state.get(K + key)
    return value if isinstance(value, int) else None


def active_primary() -> int:
    """How many of the always-visible filters narrow the list (search, status, priority,
    type, late, urgent), read from their widgets' state."""
    s = st.session_state
    text = s.get(K + "q")
    return sum(
        (
            bool(isinstance(text, str) and text.strip()),
            bool(s.get(K + "statuts")),
            bool(s.get(K + "priorites")),
            bool(s.get(K + "types")),
            bool(s.get(K + "en_retard")),
            bool(s.get(K + "urgentes")),
        )
    )


def active_secondary(actor: Actor, from_url: InterventionFilters) -> int:
    """How many of the filters under "Plus de filtres" narrow the list (pickers, dates, and
    the URL's principal technician)."""
    pickers = ("equipement_id",) if actor.role == "client" else PICKER_FIELDS
    count = sum(1 for name in pickers if _chosen(name) is not None)
    count += sum(1 for name in RANGE_FIELDS if isinstance(st.session_state.get(K + name), date))
    return count + (from_url.principal_id is not None)


def _pickers(actor: Actor) -> tuple[int | None, int | None, int | None]:
    """Client, machine and technician, each chosen among the first matches of a search (a
    client sees neither the client nor the technician picker)."""
    client_id: int | None = None
    technicien_id: int | None = None
    c4, c5, c6 = st.columns(3)
    if actor.role != "client":  # a client only ever sees its own company
        with c4:
            found = _search_box("client_q", t("itv.filter.client_search"))
            clients = dict(
                run_read(actor, client_choices, q=found, include=_chosen("client_id")) or []
            )
            client_id = _picker(
                "client_id",
                t("itv.filter.client"),
                t("itv.filter.client_search"),
                t("itv.filter.all_clients"),
                clients,
            )
    with c5:
        found = _search_box("machine_q", t("itv.filter.machine_search"))
        machines = dict(
            run_read(
                actor,
                machine_choices,
                actor=actor,
                purpose="filter",
                q=found,
                include=_chosen("equipement_id"),
            )
            or []
        )
        equipement_id = _picker(
            "equipement_id",
            t("itv.filter.machine"),
            t("itv.filter.machine_search"),
            t("itv.filter.all_machines"),
            machines,
        )
    if actor.role != "client":
        with c6:
            found = _search_box("tech_q", t("itv.filter.tech_search"))
            techs = dict(
                run_read(actor, technician_choices, q=found, include=_chosen("technicien_id")) or []
            )
            technicien_id = _picker(
                "technicien_id",
                t("itv.filter.tech"),
                t("itv.filter.tech_search"),
                t("itv.filter.all_techs"),
                techs,
            )
    return client_id, equipement_id, technicien_id


def _principal_name(actor: Actor, filters: InterventionFilters) -> str:
    """The name of the URL's principal technician (its number when not visible)."""
    pid = filters.principal_id
    names = dict(run_read(actor, technician_choices, include=pid, limit=1) or [])
    return md_escape(names.get(pid or 0, f"n° {pid}"))


def _ranges(feedback: FormFeedback) -> dict[str, date | None]:
    """The three date ranges, one column each (from / until), in the French format."""
    ranges: dict[str, date | None] = {}
    columns = st.columns(3)
    for i, name in enumerate(RANGE_FIELDS):
        with columns[i // 2]:
            value = st.date_input(
                t(f"itv.filter.{name}"),
                value=None,
                key=K + name,
                format=WIDGET_DATE_FORMAT,
                **DATE_BOUNDS,
            )
            ranges[name] = value if isinstance(value, date) else None
            feedback.slot(name)
    return ranges


def render_filters(actor: Actor) -> tuple[InterventionFilters, FormFeedback]:
    """Search box and filters of the list; returns their criteria and the places of their
    messages (the service checks the criteria; a refused one is reported under its widget)."""
    from_url, refused = url_filters()
    snapshot = _snapshot()
    if st.session_state.get(QP_SEEN) != snapshot or K + "statuts" not in st.session_state:
        st.session_state[QP_SEEN] = snapshot
        _preset(from_url)
    for message in refused.values():
        st.warning(shown(message), icon=":material/link_off:")
    feedback = FormFeedback("itv.filters", summary_key="table.fix_filters")
    q = st.text_input(
        t("itv.search"),
        key=K + "q",
        placeholder=search_placeholder(actor),
        icon=":material/search:",
    )
    feedback.slot("q")
    c1, c2, c3 = st.columns(3)
    with c1:
        statuts = st.multiselect(
            t("itv.filter.statut"),
            STATUTS,
            format_func=lambda v: enum_label("statut_intervention", v),
            placeholder=t("itv.filter.any"),
            key=K + "statuts",
        )
    with c2:
        priorites = st.multiselect(
            t("itv.filter.priorite"),
            PRIORITES,
            format_func=lambda v: enum_label("priorite_intervention", v),
            placeholder=t("itv.filter.any_f"),
            key=K + "priorites",
        )
    with c3:
        types = st.multiselect(
            t("itv.filter.type"),
            TYPES,
            format_func=lambda v: enum_label("intervention_type", v),
            placeholder=t("itv.filter.any"),
            key=K + "types",
        )
    c7, c8, c9, c10 = st.columns([2, 2, 3, 2], vertical_alignment="center")
    with c7:
        en_retard = st.toggle(t("itv.filter.retard"), key=K + "en_retard", wrap=True)
    with c8:
        urgentes = st.toggle(t("itv.filter.urgent"), key=K + "urgentes", wrap=True)
    secondary = active_secondary(actor, from_url)
    active = active_primary() + secondary
    with c9:
        st.caption(
            t("itv.filter.active", n=active) if active else t("itv.filter.none_active"),
        )
    with c10:
        st.button(
            t("itv.filter.reset"),
            key="itv.f.reset",
            on_click=reset_filters,
            icon=":material/filter_alt_off:",
            disabled=not active,
        )
    more = t("itv.filter.more")
    if secondary:
        more += " · " + t("itv.filter.more_active", n=secondary)
    # Open when one of its filters narrows the list: a filter must never act unseen.
    with st.expander(more, expanded=bool(secondary), icon=":material/tune:"):
        client_id, equipement_id, technicien_id = _pickers(actor)
        ranges = _ranges(feedback)
        if from_url.principal_id is not None:
            st.caption(t("itv.filter.principal_only", name=_principal_name(actor, from_url)))
    filters = InterventionFilters(
        q=q.strip() if isinstance(q, str) else "",
        statuts=tuple(statuts),
        priorites=tuple(priorites),
        types=tuple(types),
        client_id=client_id,
        equipement_id=equipement_id,
        technicien_id=technicien_id,
        principal_id=from_url.principal_id,
        **ranges,
        en_retard=bool(en_retard),
        urgentes=bool(urgentes),
        sort=_table_sort(),
    )
    _to_url(filters)
    return filters, feedback


def _table_sort() -> tuple[str, bool] | None:
    key = st.session_state.get("itv.list.sort")
    if not isinstance(key, str) or not key:
        return None
    return (key, bool(st.session_state.get("itv.list.desc")))


def list_link(filters: InterventionFilters) -> dict[str, str | list[str]]:
    """Query parameters of the list showing ``filters`` (e.g. a board column's "see all")."""
    return {"vue": "liste", **filters_to_params(filters)}
