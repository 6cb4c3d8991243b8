"""Accueil: the role's dashboard, with live figures from the database.

Managers see the alerts (open / late interventions, machines down, parts under minimum,
contracts ending, late invoices); a technician their agenda; a client their machines and open
requests. Every figure links to its full list with its filters in the query string (the
registry, the interventions list); the first rows of an intervention figure open their file
when clicked. Parts, contracts and invoices show their first rows until their pages exist.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import streamlit as st
from sqlalchemy.exc import DBAPIError

from db.reporting import service as reporting
from db.session import Actor, session_scope
from ui.auth import current_user
from ui.context import require_roles
from ui.format import enum_label, fmt_date, fmt_money, fmt_number
from ui.i18n import t

EQUIPMENT_PAGE = "pages/equipements.py"
INTERVENTIONS_PAGE = "pages/interventions.py"
LIMIT = reporting.LIST_LIMIT
OPEN = list(reporting.OPEN_STATUSES)


# --------------------------------------------------------------------------- rows → tables


def _intervention_table(
    rows: list[dict[str, Any]], *, with_client: bool = True, with_planned: bool = True
) -> list[dict]:
    table = []
    for row in rows:
        line = {
            t("home.col.titre"): row["titre"],
            t("home.col.equipement"): row["equipement"],
        }
        if with_client:
            line[t("home.col.client")] = row["client"]
        line |= {
            t("home.col.technicien"): row["technicien"] or t("home.unassigned"),
            t("home.col.priorite"): enum_label("priorite_intervention", row["priorite"]),
            t("home.col.statut"): enum_label("statut_intervention", row["statut"]),
        }
        if with_planned:
            line[t("home.col.date_planifiee")] = fmt_date(row["date_planifiee"])
        line[t("home.col.date_limite")] = fmt_date(row["date_limite"])
        table.append(line)
    return table


def _parts_table(rows: list[dict[str, Any]]) -> list[dict]:
    return [
        {
            t("home.col.reference"): row["reference"],
            t("home.col.piece"): row["nom"],
            t("home.col.stock"): f"{fmt_number(row['stock_actuel'])} {row['unite']}",
            t("home.col.minimum"): fmt_number(row["stock_minimum"]),
            t("home.col.emplacement"): row["emplacement"] or "",
        }
        for row in rows
    ]


def _contracts_table(rows: list[dict[str, Any]]) -> list[dict]:
    return [
        {
            t("home.col.contrat"): row["numero_contrat"],
            t("home.col.client"): row["client"],
            t("home.col.type"): enum_label("type_contrat", row["type_contrat"]),
            t("home.col.date_fin"): fmt_date(row["date_fin"]),
            t("home.col.montant"): fmt_money(row["montant"], row["devise"] or "MAD"),
        }
        for row in rows
    ]


def _invoice_status(value: Any) -> str:
    # Uses the shared enum label when the catalogue has one, else this page's own.
    label = enum_label("statut_facture", value)
    raw = str(getattr(value, "value", value))
    return t(f"home.invoice_status.{raw}") if label == raw else label


def _invoices_table(rows: list[dict[str, Any]]) -> list[dict]:
    return [
        {
            t("home.col.facture"): row["numero_facture"],
            t("home.col.client"): row["client"],
            t("home.col.statut"): _invoice_status(row["statut"]),
            t("home.col.echeance"): fmt_date(row["date_echeance"]),
            t("home.col.montant_ttc"): fmt_money(row["montant_ttc"]),
        }
        for row in rows
    ]


# --------------------------------------------------------------------------- widgets


def _metric(label: str, value: int, *, help_text: str | None = None) -> None:
    st.metric(label, fmt_number(value), border=True)
    # A caption rather than help=: Streamlit labels its help icon "Help for …" in English.
    if help_text:
        st.caption(help_text)


def _registry_link(query: dict[str, str], label: str | None = None) -> None:
    st.page_link(
        EQUIPMENT_PAGE,
        label=label or t("home.open_registry"),
        icon=":material/arrow_forward:",
        query_params=query,
    )


def _list_query(**criteria: Any) -> dict[str, Any]:
    """Query string of the interventions list filtered on ``criteria`` (URL parameters of
    db.interventions.service.list: ``statut``, ``retard``, ``technicien`` ...)."""
    return {"vue": "liste", **{k: v for k, v in criteria.items() if v not in (None, "", [])}}


def _rows_expander(label: str, count: int, table: list[dict], *, page: str) -> None:
    """The first rows behind a figure whose own page does not exist yet (``page`` names it)."""
    if not count:
        return
    with st.expander(f"{label} ({fmt_number(count)})", icon=":material/list:"):
        st.dataframe(table, hide_index=True, width="stretch")
        if count > len(table):
            st.caption(t("home.first_rows", n=len(table)) + " " + t("home.page_later", page=page))


def _interventions_expander(
    key: str, label: str, count: int, rows: list[dict[str, Any]], table: list[dict], query: dict
) -> None:
    """The first interventions behind a figure: a click on a row opens its file, the link
    below opens the whole filtered list."""
    if not count:
        return
    with st.expander(f"{label} ({fmt_number(count)})", icon=":material/list:"):
        # Long intervention titles would push the status and deadline out of sight.
        narrow = {t("home.col.titre"): st.column_config.TextColumn(width="medium")}
        event = st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config=narrow,
            key=f"home.{key}",
            on_select="rerun",
            selection_mode="single-row",
        )
        picked = event.selection.rows if event is not None else []
        if picked and picked[0] < len(rows):
            st.switch_page(INTERVENTIONS_PAGE, query_params={"id": str(rows[picked[0]]["id"])})
        caption = t("home.click_row")
        if count > len(table):
            caption = t("home.first_rows", n=len(table)) + " " + caption
        st.caption(caption)
        st.page_link(
            INTERVENTIONS_PAGE,
            label=t("home.open_list"),
            icon=":material/arrow_forward:",
            query_params=query,
        )


def _fail() -> None:
    st.error(t("home.error"), icon=":material/cloud_off:")
    st.stop()


# --------------------------------------------------------------------------- per role


def _manager_home(actor: Actor) -> None:
    try:
        with session_scope(actor) as s:
            figures = reporting.manager_figures(session=s)
            lists = {
                "open": reporting.open_interventions(session=s)
                if figures.open_interventions
                else [],
                "late": reporting.late_interventions(session=s)
                if figures.late_interventions
                else [],
                "parts": reporting.parts_below_minimum(session=s)
                if figures.parts_below_minimum
                else [],
                "contracts": reporting.contracts_ending(session=s)
                if figures.contracts_ending
                else [],
                "invoices": reporting.late_invoices(session=s) if figures.invoices_late else [],
            }
    except DBAPIError:
        _fail()
        return
    days = reporting.CONTRACT_HORIZON_DAYS

    st.subheader(t("home.section.interventions"))
    c1, c2, c3 = st.columns(3)
    with c1:
        _metric(
            t("home.open_interventions"),
            figures.open_interventions,
            help_text=t("home.help.open"),
        )
    with c2:
        _metric(
            t("home.late_interventions"),
            figures.late_interventions,
            help_text=t("home.help.late"),
        )
    with c3:
        _metric(t("home.equipment_down"), figures.equipment_down)
        _registry_link({"statut": "panne"})
    _interventions_expander(
        "late",
        t("home.late_interventions"),
        figures.late_interventions,
        lists["late"],
        _intervention_table(lists["late"], with_planned=False),
        _list_query(retard="1"),
    )
    _interventions_expander(
        "open",
        t("home.open_interventions"),
        figures.open_interventions,
        lists["open"],
        _intervention_table(lists["open"], with_planned=False),
        _list_query(statut=OPEN),
    )

    st.subheader(t("home.section.alerts"))
    c1, c2, c3 = st.columns(3)
    with c1:
        _metric(
            t("home.parts_below_min"),
            figures.parts_below_minimum,
            help_text=t("home.help.parts"),
        )
    with c2:
        _metric(
            t("home.contracts_ending", days=days),
            figures.contracts_ending,
            help_text=t("home.help.contracts", days=days),
        )
    with c3:
        _metric(t("home.invoices_late"), figures.invoices_late, help_text=t("home.help.invoices"))
    _rows_expander(
        t("home.parts_below_min"),
        figures.parts_below_minimum,
        _parts_table(lists["parts"]),
        page=t("home.page.stock"),
    )
    _rows_expander(
        t("home.contracts_ending", days=days),
        figures.contracts_ending,
        _contracts_table(lists["contracts"]),
        page=t("home.page.contracts"),
    )
    _rows_expander(
        t("home.invoices_late"),
        figures.invoices_late,
        _invoices_table(lists["invoices"]),
        page=t("home.page.contracts"),
    )


def _technician_home(actor: Actor) -> None:
    if actor.technicien_id is None:
        st.info(t("home.no_technician"), icon=":material/info:")
        return
    today = reporting.business_today()
    monday, next_monday = reporting.week_bounds(today)
    tomorrow = today + timedelta(days=1)
    try:
        with session_scope(actor) as s:
            figures = reporting.technician_figures(
                session=s, technicien_id=actor.technicien_id, today=today
            )
            today_rows = reporting.technician_agenda(
                session=s, technicien_id=actor.technicien_id, start=today, end=tomorrow
            )
            week_rows = reporting.technician_agenda(
                session=s, technicien_id=actor.technicien_id, start=monday, end=next_monday
            )
            open_rows = reporting.technician_open_interventions(
                session=s, technicien_id=actor.technicien_id
            )
    except DBAPIError:
        _fail()
        return

    st.subheader(t("home.section.agenda"))
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        _metric(t("home.tech_today"), figures.today)
    with c2:
        sunday = next_monday - timedelta(days=1)
        _metric(
            t("home.tech_week"),
            figures.week,
            help_text=t("home.help.week", start=fmt_date(monday), end=fmt_date(sunday)),
        )
    with c3:
        _metric(t("home.tech_open"), figures.open, help_text=t("home.help.open"))
    with c4:
        _metric(t("home.tech_late"), figures.late, help_text=t("home.help.late"))
    work = {"vue": "travail"}
    mine = _list_query(statut=OPEN, technicien=str(actor.technicien_id))
    _interventions_expander(
        "today",
        t("home.tech_today"),
        figures.today,
        today_rows,
        _intervention_table(today_rows),
        work,
    )
    _interventions_expander(
        "week",
        t("home.tech_week"),
        figures.week,
        week_rows,
        _intervention_table(week_rows),
        work,
    )
    _interventions_expander(
        "mine",
        t("home.tech_open"),
        figures.open,
        open_rows,
        _intervention_table(open_rows),
        mine,
    )


def _client_home(actor: Actor) -> None:
    if actor.client_id is None:
        st.info(t("home.no_client"), icon=":material/info:")
        return
    try:
        with session_scope(actor) as s:
            figures = reporting.client_figures(session=s, client_id=actor.client_id)
            requests = (
                reporting.client_open_requests(session=s, client_id=actor.client_id)
                if figures.open_requests
                else []
            )
    except DBAPIError:
        _fail()
        return

    st.subheader(t("home.section.my_equipment"))
    statuses = list(figures.equipment_by_status.items())
    columns = st.columns(len(statuses) + 1)
    with columns[0]:
        _metric(t("home.client_total"), figures.equipment_total)
        _registry_link({})
    for column, (statut, count) in zip(columns[1:], statuses, strict=True):
        with column:
            _metric(enum_label("statut_equipement", statut), count)
            _registry_link({"statut": statut})

    st.subheader(t("home.section.my_requests"))
    c1, _, _ = st.columns(3)
    with c1:
        _metric(
            t("home.client_open_requests"), figures.open_requests, help_text=t("home.help.open")
        )
    _interventions_expander(
        "requests",
        t("home.client_open_requests"),
        figures.open_requests,
        requests,
        _intervention_table(requests, with_client=False),
        _list_query(statut=OPEN),
    )


# --------------------------------------------------------------------------- page

actor = require_roles("admin", "responsable", "technicien", "client")
user = current_user()

st.title(t("home.title"))
name = user.full_name if user is not None else ""
today_text = t("home.today_is", date=fmt_date(reporting.business_today()))
st.caption(f"{t('home.hello', name=name)} — {today_text}")

if actor.is_staff:
    _manager_home(actor)
elif actor.role == "technicien":
    _technician_home(actor)
else:
    _client_home(actor)
