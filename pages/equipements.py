"""Parc équipements — the equipment registry, and the pattern every list page follows.

* List: search and filters (widgets ↔ query parameters, so the home page can link here with
  ``?statut=panne``, ``?criticite=critique`` or ``?q=...``), a server-side paged table
  (``ui.table``), CSV / Excel export of the whole filtered set (``ui.export``).
* ``?id=<equipement_id>`` opens a machine: all its fields, client, covering contracts,
  maintenance history, interventions, tasks, documents, lifecycle buttons, QR label, edit form.
  Row-level security decides what exists: another client's machine is simply "introuvable".
* Writes go through ``ui.forms`` (one transaction per action, French messages next to fields).
* Hostile URLs never break the page: unknown ``?statut=`` / ``?criticite=`` values are dropped,
  a search text the service refuses (NUL byte, too long) gets its message under the search
  box, a bad ``?id=`` reads as "introuvable", unknown parameters (``?page=``) are ignored.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import streamlit as st

from db.equipment.service import (
    CRITICITES,
    MAX_WARRANTY_MONTHS,
    STATUT_FINAL,
    STATUTS,
    WRITER_ROLES,
    EquipementDetail,
    EquipementFilters,
    ImportReport,
    change_statut,
    client_choices,
    create_equipement,
    date_limits,
    export_chunk_equipements,
    get_equipement_detail,
    import_equipements_csv,
    import_template_csv,
    list_equipement_interventions,
    list_equipements,
    list_historique_maintenance,
    update_equipement,
)
from db.session import Actor
from ui.context import require_roles
from ui.equipment_columns import EXPORT_COLUMNS, LIST_COLUMNS
from ui.export import build_export, export_buttons, label_png, qr_svg
from ui.format import (
    WIDGET_DATE_FORMAT,
    enum_label,
    fmt_date,
    fmt_datetime,
    fmt_money,
    fmt_number,
    md_escape,
)
from ui.forms import FormFeedback, flash, run_action, run_read, show_flash
from ui.i18n import t
from ui.layout import page_url_path
from ui.table import Column, paged_table, static_table

# Defence in depth: navigation already hides the page from other roles.
actor = require_roles("admin", "responsable", "technicien", "client")

STATUT_COLORS = {"operationnel": "green", "maintenance": "orange", "panne": "red", "retire": "gray"}
CRITICITE_COLORS = {"critique": "red", "haute": "orange", "normale": "blue", "basse": "gray"}
DATE_BOUNDS = {"min_value": date(1950, 1, 1), "max_value": date(2100, 12, 31)}

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


# --------------------------------------------------------------------------------------------
# List
# --------------------------------------------------------------------------------------------


def _split(values: list[str], allowed: list[str]) -> tuple[str, ...]:
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


def _clients(actor: Actor, q: str = "", include: int | None = None) -> dict[int, str]:
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
        names = _clients(actor, found, chosen if isinstance(chosen, int) else None)
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
            **DATE_BOUNDS,
        )
        feedback.slot("maintenance_avant")
    with c5:
        garantie = st.date_input(
            t("equip.filter.garantie"),
            value=None,
            key=F_GARANTIE,
            format=WIDGET_DATE_FORMAT,
            **DATE_BOUNDS,
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


# --------------------------------------------------------------------------------------------
# Create / edit form (shared)
# --------------------------------------------------------------------------------------------


def _text(form: FormFeedback, prefix: str, name: str, value: Any, required: bool = False) -> str:
    label = t(f"equip.col.{name}") + (" *" if required else "")
    out = st.text_input(label, value=value or "", key=f"{prefix}.{name}")
    form.slot(name)
    return out


def _date_bounds(name: str, value: date | None) -> dict[str, date]:
    """The service's limits for ``name`` (the widget then offers only acceptable dates),
    widened to a stored value outside them so an old record still opens; saving it then gets
    the service's message beside the field."""
    low, high = date_limits()[name]
    if isinstance(value, date):
        low, high = min(low, value), max(high, value)
    return {"min_value": low, "max_value": high}


def _date(form: FormFeedback, prefix: str, name: str, value: date | None, **kw: Any) -> Any:
    out = st.date_input(
        t(f"equip.col.{name}"),
        value=value,
        key=f"{prefix}.{name}",
        format=WIDGET_DATE_FORMAT,
        **_date_bounds(name, value),
        **kw,
    )
    form.slot(name)
    return out


def equipment_fields(
    form: FormFeedback,
    prefix: str,
    initial: dict[str, Any],
    clients: dict[int, str],
    *,
    with_statut: bool,
) -> dict[str, Any]:
    """The equipment form's widgets (inside an ``st.form``); returns the raw input."""
    data: dict[str, Any] = {}
    st.caption(t("equip.field.required"))
    c1, c2 = st.columns(2)
    with c1:
        current = initial.get("client_id")
        data["client_id"] = st.selectbox(
            t("equip.col.client") + " *",
            list(clients),
            index=list(clients).index(current) if current in clients else None,
            format_func=clients.__getitem__,
            placeholder=t("equip.field.choose_client"),
            help=t("equip.field.client_help"),
            key=f"{prefix}.client_id",
        )
        form.slot("client_id")
        data["nom"] = _text(form, prefix, "nom", initial.get("nom"), required=True)
        data["fabricant"] = _text(form, prefix, "fabricant", initial.get("fabricant"))
        data["localisation"] = _text(form, prefix, "localisation", initial.get("localisation"))
        data["criticite"] = st.selectbox(
            t("equip.col.criticite"),
            CRITICITES,
            index=CRITICITES.index(str(initial.get("criticite") or "normale")),
            format_func=lambda v: enum_label("criticite_equipement", v),
            key=f"{prefix}.criticite",
        )
        form.slot("criticite")
        data["date_installation"] = _date(
            form, prefix, "date_installation", initial.get("date_installation")
        )
        months = initial.get("duree_garantie_mois")
        data["duree_garantie_mois"] = st.number_input(
            t("equip.col.duree_garantie_mois"),
            min_value=0,
            max_value=max(MAX_WARRANTY_MONTHS, months or 0),
            step=1,
            value=months,
            key=f"{prefix}.duree_garantie_mois",
        )
        form.slot("duree_garantie_mois")
    with c2:
        if with_statut:
            data["statut"] = st.selectbox(
                t("equip.col.statut"),
                STATUTS,
                format_func=lambda v: enum_label("statut_equipement", v),
                key=f"{prefix}.statut",
            )
            form.slot("statut")
        data["numero_serie"] = st.text_input(
            t("equip.col.numero_serie") + " *",
            value=initial.get("numero_serie") or "",
            help=t("equip.field.serial_help"),
            key=f"{prefix}.numero_serie",
        )
        form.slot("numero_serie")
        data["modele"] = _text(form, prefix, "modele", initial.get("modele"))
        data["fournisseur"] = _text(form, prefix, "fournisseur", initial.get("fournisseur"))
        cost = initial.get("cout_acquisition")
        data["cout_acquisition"] = st.text_input(
            t("equip.col.cout_acquisition") + " (MAD)",
            value=fmt_number(cost, 2) if cost is not None else "",
            placeholder="125 000,00",
            key=f"{prefix}.cout_acquisition",
        )
        form.slot("cout_acquisition")
        data["prochaine_maintenance"] = _date(
            form, prefix, "prochaine_maintenance", initial.get("prochaine_maintenance")
        )
        data["date_fin_garantie"] = _date(
            form,
            prefix,
            "date_fin_garantie",
            initial.get("date_fin_garantie"),
            help=t("equip.field.garantie_help"),
        )
    for name in ("specifications_techniques", "manuel_utilisation"):
        data[name] = st.text_area(
            t(f"equip.col.{name}"), value=initial.get(name) or "", key=f"{prefix}.{name}"
        )
        form.slot(name)
    return data


def render_create(actor: Actor) -> None:
    """The "new machine" form; on success the new machine opens."""
    gen = st.session_state.setdefault("equip.new.gen", 0)
    prefix = f"equip.new.{gen}"
    form = FormFeedback(prefix)
    # Outside the form: typing narrows the client list at once (a form waits for its submit).
    found = client_search(f"{prefix}.client_q")
    chosen = st.session_state.get(f"{prefix}.client_id")
    clients = _clients(actor, found, chosen if isinstance(chosen, int) else None)
    with st.form(f"{prefix}.form", enter_to_submit=False):
        data = equipment_fields(form, prefix, {}, clients, with_statut=True)
        submitted = st.form_submit_button(
            t("equip.create.submit"), type="primary", icon=":material/add:", key=f"{prefix}.submit"
        )
    form.general()
    if submitted:
        new_id = form.run(actor, create_equipement, actor=actor, data=data)
        if new_id is not None:
            st.session_state["equip.new.gen"] = gen + 1  # next form starts empty
            flash(t("equip.created", nom=md_escape(str(data.get("nom") or "").strip())))
            open_detail(new_id)


def render_edit(actor: Actor, detail: EquipementDetail, clients: dict[int, str]) -> None:
    """Edit form with optimistic concurrency: the version loaded is the version checked."""
    e = detail.equipement
    gen_key = f"equip.edit.gen.{e['id']}"
    gen = st.session_state.setdefault(gen_key, 0)
    prefix = f"equip.edit.{e['id']}.{gen}"
    version_key = f"{prefix}.version"
    if f"{prefix}.nom" not in st.session_state:
        # The form is (re)created now: remember which version of the row it shows.
        st.session_state[version_key] = e["updated_at"]
    form = FormFeedback(prefix)
    found = client_search(f"{prefix}.client_q")
    if found:
        chosen = st.session_state.get(f"{prefix}.client_id", e["client_id"])
        clients = _clients(actor, found, chosen if isinstance(chosen, int) else e["client_id"])
    with st.form(f"{prefix}.form", enter_to_submit=False):
        data = equipment_fields(form, prefix, e, clients, with_statut=False)
        submitted = st.form_submit_button(
            t("equip.edit.submit"), type="primary", icon=":material/save:", key=f"{prefix}.submit"
        )
    form.general()
    st.caption(t("equip.edit.version", date=fmt_datetime(st.session_state[version_key])))
    if st.button(t("equip.edit.reload"), key=f"{prefix}.reload", icon=":material/refresh:"):
        st.session_state[gen_key] = gen + 1
        st.rerun()
    if submitted:
        saved = form.run(
            actor,
            update_equipement,
            actor=actor,
            equipement_id=e["id"],
            expected_updated_at=st.session_state[version_key],
            data=data,
        )
        if saved is not None:
            st.session_state[gen_key] = gen + 1  # fresh form showing the saved row
            flash(t("equip.edit.saved"))
            st.rerun()


# --------------------------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------------------------


def render_import(actor: Actor) -> None:
    """CSV import, all or nothing, with a per-line error report."""
    st.markdown(t("equip.import.intro"))
    st.download_button(
        t("equip.import.template"),
        data=import_template_csv(),
        file_name="modele_import_equipements.csv",
        mime="text/csv",
        key="equip.import.template",
        icon=":material/description:",
        on_click="ignore",
    )
    gen = st.session_state.setdefault("equip.import.gen", 0)
    form = FormFeedback("equip.import")
    uploaded = st.file_uploader(
        t("equip.import.file"), type=["csv", "txt"], key=f"equip.import.file.{gen}"
    )
    form.slot("fichier")
    if st.button(t("equip.import.submit"), key="equip.import.submit", icon=":material/upload:"):
        if uploaded is None:
            st.warning(t("equip.import.no_file"))
            return
        report: ImportReport | None = form.run(
            actor, import_equipements_csv, actor=actor, file_bytes=uploaded.getvalue()
        )
        if report is None:
            return
        if report.ok:
            st.session_state["equip.import.gen"] = gen + 1  # clears the uploader
            flash(t("equip.import.done", n=fmt_number(report.created)))
            st.rerun()
        render_import_report(report)


IMPORT_REPORT_COLUMNS = [
    Column("line", "equip.import.col.line", "int", width="small"),
    Column("column", "equip.import.col.column", width="small"),
    Column("message", "equip.import.col.message", width="large"),
]


def render_import_report(report: ImportReport) -> None:
    """Which lines are wrong and why (nothing was imported)."""
    st.error(
        t("equip.import.failed", n=fmt_number(report.error_count), rows=fmt_number(report.rows)),
        icon=":material/block:",
    )
    rows = [{"line": e.line, "column": e.column or "", "message": e.message} for e in report.errors]
    static_table(rows, IMPORT_REPORT_COLUMNS)
    if report.error_count > len(report.errors):
        st.caption(t("equip.import.more_errors", shown=len(report.errors)))
    data, _ = build_export("csv", rows, IMPORT_REPORT_COLUMNS)
    st.download_button(
        t("equip.import.report"),
        data=data,
        file_name="erreurs_import_equipements.csv",
        mime="text/csv",
        key="equip.import.report_download",
        on_click="ignore",
    )


# --------------------------------------------------------------------------------------------
# Detail
# --------------------------------------------------------------------------------------------


def _badge(enum_type: str, value: Any, colors: dict[str, str]) -> str:
    raw = getattr(value, "value", value)
    return f":{colors.get(raw, 'gray')}-badge[{enum_label(enum_type, raw)}]"


def _field(label_key: str, value: str) -> None:
    """One read-only field: label, then the value shown literally."""
    st.markdown(f"**{t(label_key)}**  \n{md_escape(value) if value else t('equip.empty_value')}")


def render_fiche(detail: EquipementDetail) -> None:
    """All the machine's fields, grouped."""
    e = detail.equipement
    today = date.today()
    end = e.get("date_fin_garantie")
    if end is None:
        st.info(t("equip.garantie.none"), icon=":material/shield:")
    elif end >= today:
        st.success(t("equip.garantie.active", date=fmt_date(end)), icon=":material/verified:")
    else:
        st.warning(t("equip.garantie.expired", date=fmt_date(end)), icon=":material/shield:")
    due = e.get("prochaine_maintenance")
    if due is not None and due < today and e["statut"] != "retire":
        st.warning(t("equip.maintenance.overdue", date=fmt_date(due)), icon=":material/alarm:")
    c1, c2, c3 = st.columns(3)
    with c1:
        st.subheader(t("equip.section.identification"), divider="gray", anchor=False)
        _field("equip.col.nom", e["nom"])
        _field("equip.col.numero_serie", e["numero_serie"])
        _field("equip.col.fabricant", e.get("fabricant") or "")
        _field("equip.col.modele", e.get("modele") or "")
        _field("equip.col.localisation", e.get("localisation") or "")
    with c2:
        st.subheader(t("equip.section.maintenance"), divider="gray", anchor=False)
        _field("equip.col.statut", enum_label("statut_equipement", e["statut"]))
        _field("equip.col.criticite", enum_label("criticite_equipement", e["criticite"]))
        _field("equip.col.date_installation", fmt_date(e.get("date_installation")))
        _field("equip.col.derniere_maintenance", fmt_datetime(e.get("derniere_maintenance")))
        _field("equip.col.prochaine_maintenance", fmt_date(e.get("prochaine_maintenance")))
    with c3:
        st.subheader(t("equip.section.garantie"), divider="gray", anchor=False)
        _field("equip.col.date_fin_garantie", fmt_date(e.get("date_fin_garantie")))
        months = e.get("duree_garantie_mois")
        _field("equip.col.duree_garantie_mois", "" if months is None else str(months))
        _field("equip.col.cout_acquisition", fmt_money(e.get("cout_acquisition")))
        _field("equip.col.fournisseur", e.get("fournisseur") or "")
    st.subheader(t("equip.section.client"), divider="gray", anchor=False)
    k1, k2, k3, k4 = st.columns(4)
    with k1:
        _field("equip.col.client", e["client_nom"])
    with k2:
        _field("equip.client.ville", e.get("client_ville") or "")
    with k3:
        _field("equip.client.contact", e.get("client_contact") or "")
    with k4:
        _field("equip.client.telephone", e.get("client_telephone") or "")
    st.subheader(t("equip.section.texts"), divider="gray", anchor=False)
    _field("equip.col.specifications_techniques", e.get("specifications_techniques") or "")
    _field("equip.col.manuel_utilisation", e.get("manuel_utilisation") or "")
    st.caption(
        f"{t('equip.col.created_at')} {fmt_datetime(e['created_at'])} · "
        f"{t('equip.col.updated_at')} {fmt_datetime(e['updated_at'])}"
    )


CONTRAT_COLUMNS = [
    Column("numero_contrat", "equip.contrat.numero"),
    Column("type_contrat", "equip.contrat.type", "enum", enum="type_contrat"),
    Column("statut", "equip.contrat.statut", "enum", enum="statut_contrat"),
    Column("date_debut", "equip.contrat.debut", "date"),
    Column("date_fin", "equip.contrat.fin", "date"),
    Column("montant", "equip.contrat.montant", "money"),
    Column("usage", "equip.contrat.usage"),
    Column("sla_details", "equip.contrat.sla", width="large"),
]
HISTORY_COLUMNS = [
    Column("date_maintenance", "equip.hist.date", "date", sortable=True),
    Column(
        "type_intervention", "equip.interv.type", "enum", enum="intervention_type", sortable=True
    ),
    Column("description", "equip.hist.description", width="medium"),
    Column("solution", "equip.hist.solution", width="large"),
    Column("duree_reelle", "equip.hist.duree", "number", sortable=True),
    Column("cout_reel", "equip.hist.cout", "money", sortable=True),
    Column("technicien", "equip.interv.technicien"),
]
INTERVENTION_COLUMNS = [
    Column("date_creation", "equip.interv.creation", "datetime", sortable=True),
    Column("titre", "equip.interv.titre", sortable=True, width="large"),
    Column("type_intervention", "equip.interv.type", "enum", enum="intervention_type"),
    Column("statut", "equip.interv.statut", "enum", enum="statut_intervention", sortable=True),
    Column(
        "priorite", "equip.interv.priorite", "enum", enum="priorite_intervention", sortable=True
    ),
    Column("date_fin", "equip.interv.fin", "datetime", sortable=True),
    Column("technicien_nom", "equip.interv.technicien"),
]
TACHE_COLUMNS = [
    Column("description", "equip.tache.description", width="large"),
    Column("date_echeance", "equip.tache.echeance", "date"),
    Column("statut", "equip.tache.statut", "enum", enum="statut_tache"),
    Column("intervention_titre", "equip.tache.intervention", width="medium"),
]
DOCUMENT_COLUMNS = [
    Column("nom_fichier", "equip.doc.nom", width="medium"),
    Column("type_document", "equip.doc.type", "enum", enum="type_document"),
    Column("taille", "equip.doc.taille", "int"),
    Column("date_upload", "equip.doc.date", "datetime"),
    Column("uploaded_by_nom", "equip.doc.par"),
    Column("intervention_titre", "equip.doc.intervention", width="medium"),
    Column("description", "equip.doc.description", width="medium"),
]


def render_lifecycle(actor: Actor, detail: EquipementDetail) -> None:
    """Buttons for the allowed transitions only; retiring (final) asks for confirmation."""
    e = detail.equipement
    targets = list(detail.transitions)
    if not targets:
        st.caption(t("equip.lifecycle.final"))
        return
    pending_key = f"equip.retire_pending.{e['id']}"
    feedback = FormFeedback(f"equip.lifecycle.{e['id']}")
    row = st.container(horizontal=True, vertical_alignment="center")
    row.markdown(f"**{t('equip.lifecycle.title')}**")
    for target in targets:
        label = t("equip.lifecycle.to", label=enum_label("statut_equipement", target))
        if row.button(label, key=f"equip.to.{target}.{e['id']}"):
            if target == STATUT_FINAL:
                st.session_state[pending_key] = True
            else:
                _apply_statut(actor, e, target, feedback)
    feedback.general()
    if st.session_state.get(pending_key):
        st.warning(t("equip.lifecycle.confirm_retire", nom=md_escape(e["nom"])), icon="⚠️")
        confirm_row = st.container(horizontal=True)
        if confirm_row.button(
            t("equip.lifecycle.confirm"), key=f"equip.retire.confirm.{e['id']}", type="primary"
        ):
            st.session_state.pop(pending_key, None)
            _apply_statut(actor, e, STATUT_FINAL, feedback)
        if confirm_row.button(t("common.cancel"), key=f"equip.retire.cancel.{e['id']}"):
            st.session_state.pop(pending_key, None)
            st.rerun()


def _apply_statut(actor: Actor, e: dict[str, Any], target: str, feedback: FormFeedback) -> None:
    result = run_action(
        actor,
        change_statut,
        actor=actor,
        equipement_id=e["id"],
        statut=target,
        expected_updated_at=e["updated_at"],
    )
    if result.ok:
        flash(t("equip.lifecycle.done", label=enum_label("statut_equipement", target)))
        st.rerun()
    feedback.show(result)


def qr_target_url(equipement_id: int) -> str:
    """Link encoded in the label: this page with ``?id=``.

    The site root is ``MIF_PUBLIC_URL`` when set (behind a proxy), else the browser's own
    address; the page path comes from the navigation table, so the two never disagree.
    """
    root = os.environ.get("MIF_PUBLIC_URL") or ""
    if not root:
        parts = urlsplit(st.context.url or "http://localhost:8501")
        root = f"{parts.scheme}://{parts.netloc}"
    return f"{root.rstrip('/')}/{page_url_path('pages/equipements.py')}?id={equipement_id}"


def render_qr(detail: EquipementDetail) -> None:
    """Printable QR label: serial number, name, client and a link to this page."""
    e = detail.equipement
    url = qr_target_url(e["id"])
    st.caption(t("equip.qr.intro"))
    subtitle = " · ".join(x for x in (e.get("fabricant"), e.get("modele")) if x)
    png = label_png(url, e["nom"], e["numero_serie"], [subtitle, e["client_nom"]])
    st.image(png, width=450)
    buttons = st.container(horizontal=True)
    safe_serial = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in e["numero_serie"])
    buttons.download_button(
        t("equip.qr.png"),
        data=png,
        file_name=f"etiquette_{safe_serial}.png",
        mime="image/png",
        key=f"equip.qr.png.{e['id']}",
        icon=":material/qr_code_2:",
        on_click="ignore",
    )
    buttons.download_button(
        t("equip.qr.svg"),
        data=qr_svg(url),
        file_name=f"qr_{safe_serial}.svg",
        mime="image/svg+xml",
        key=f"equip.qr.svg.{e['id']}",
        on_click="ignore",
    )
    st.caption(t("equip.qr.link", url=f"`{url}`"))


def render_detail(actor: Actor, raw_id: str) -> None:
    """The machine's record (or "introuvable" when it does not exist for this user)."""
    if st.button(t("equip.back"), key="equip.back", icon=":material/arrow_back:"):
        close_detail()
    result = run_action(actor, get_equipement_detail, equipement_id=raw_id)
    if not result.ok:
        st.error(result.error.message if result.error else t("common.error"))
        return
    detail = result.value
    if detail is None:
        st.warning(t("equip.not_found"), icon=":material/search_off:")
        return
    e = detail.equipement
    can_write = actor.role in WRITER_ROLES
    st.header(md_escape(e["nom"]), anchor=False)
    st.markdown(
        f"{_badge('statut_equipement', e['statut'], STATUT_COLORS)} "
        f"{_badge('criticite_equipement', e['criticite'], CRITICITE_COLORS)} "
        + md_escape(t("equip.detail.caption", client=e["client_nom"], serie=e["numero_serie"]))
    )
    if can_write:
        render_lifecycle(actor, detail)
    labels = [
        t("equip.tab.fiche"),
        t("equip.tab.contrats", n=len(detail.contrats)),
        t("equip.tab.historique", n=fmt_number(detail.nb_historique)),
        t("equip.tab.interventions", n=fmt_number(detail.nb_interventions)),
        t("equip.tab.taches", n=len(detail.taches)),
        t("equip.tab.documents", n=len(detail.documents)),
        t("equip.tab.qr"),
    ]
    if can_write:
        labels.append(t("equip.tab.edit"))
    tabs = st.tabs(labels)
    with tabs[0]:
        render_fiche(detail)
    with tabs[1]:
        contrats = [
            {
                **c,
                "usage": f"{c['nb_interventions_utilisees']}"
                + (
                    f" / {c['nb_interventions_incluses']}"
                    if c["nb_interventions_incluses"] is not None
                    else ""
                ),
            }
            for c in detail.contrats
        ]
        static_table(contrats, CONTRAT_COLUMNS, empty_text=t("equip.none.contrats"))
    with tabs[2]:
        paged_table(
            key=f"equip.hist.{e['id']}",
            actor=actor,
            fetch=list_historique_maintenance,
            filters=e["id"],
            columns=HISTORY_COLUMNS,
            default_sort=("date_maintenance", True),
            selectable=False,
            empty_text=t("equip.none.historique"),
        )
    with tabs[3]:
        paged_table(
            key=f"equip.interv.{e['id']}",
            actor=actor,
            fetch=list_equipement_interventions,
            filters=e["id"],
            columns=INTERVENTION_COLUMNS,
            default_sort=("date_creation", True),
            selectable=False,
            empty_text=t("equip.none.interventions"),
        )
    with tabs[4]:
        static_table(detail.taches, TACHE_COLUMNS, empty_text=t("equip.none.taches"))
    with tabs[5]:
        static_table(detail.documents, DOCUMENT_COLUMNS, empty_text=t("equip.none.documents"))
    with tabs[6]:
        render_qr(detail)
    if can_write:
        with tabs[7]:
            render_edit(actor, detail, _clients(actor, include=e["client_id"]))


# --------------------------------------------------------------------------------------------
# Page
# --------------------------------------------------------------------------------------------


def main(actor: Actor) -> None:
    """Entry point: the list, or one machine when the URL names it."""
    st.title(t("equip.title"), anchor=False)
    show_flash()
    raw_id = st.query_params.get("id")
    if raw_id:
        render_detail(actor, raw_id)
        return
    if actor.role in WRITER_ROLES:
        tab_list, tab_new, tab_import = st.tabs(
            [t("equip.tab.list"), t("equip.tab.new"), t("equip.tab.import")]
        )
        with tab_list:
            render_list(actor)
        with tab_new:
            render_create(actor)
        with tab_import:
            render_import(actor)
    else:
        render_list(actor)


main(actor)
