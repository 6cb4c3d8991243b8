"""Create and edit forms of a machine (French messages beside each field)."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from db.equipment.service import (
    CRITICITES,
    MAX_WARRANTY_MONTHS,
    STATUTS,
    EquipementDetail,
    create_equipement,
    date_limits,
    update_equipement,
)
from db.session import Actor
from ui.equipment.filters import client_options, client_search
from ui.equipment.list import open_detail
from ui.format import (
    WIDGET_DATE_FORMAT,
    enum_label,
    fmt_datetime,
    fmt_number,
    md_escape,
)
from ui.forms import FormFeedback, flash
from ui.i18n import t


def _text(form: FormFeedback, prefix: str, name: str, value: Any, required: bool = False) -> str:
    label = t(f"equip.col.{name}") + (" *" if required else "")
    out = st.text_input(label, value=value or "", key=f"{prefix}.{name}")
    form.slot(name)
    return out


def _date_bounds(name: str, value: date | None) -> tuple[date, date]:
    """The service's limits for ``name`` (the widget then offers only acceptable dates),
    widened to a stored value outside them so an old record still opens; saving it then gets
    the service's message beside the field."""
    low, high = date_limits()[name]
    if isinstance(value, date):
        low, high = min(low, value), max(high, value)
    return low, high


def _date(
    form: FormFeedback, prefix: str, name: str, value: date | None, *, hint: str | None = None
) -> date | None:
    low, high = _date_bounds(name, value)
    out = st.date_input(
        t(f"equip.col.{name}"),
        value=value,
        key=f"{prefix}.{name}",
        format=WIDGET_DATE_FORMAT,
        min_value=low,
        max_value=high,
    )
    form.slot(name)  # the message right under its field, the hint after it
    if hint:
        st.caption(hint)
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
            key=f"{prefix}.client_id",
        )
        form.slot("client_id")
        # Hints as captions, not help=: Streamlit labels a help icon "Help for …" in English.
        st.caption(t("equip.field.client_help"))
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
        # The preventive plan: no min_value, so 0 or a negative number reaches the service and
        # its French message shows beside the field (empty = no plan).
        data["intervalle_maintenance_jours"] = st.number_input(
            t("equip.col.intervalle_maintenance_jours"),
            step=1,
            value=initial.get("intervalle_maintenance_jours"),
            key=f"{prefix}.intervalle_maintenance_jours",
        )
        form.slot("intervalle_maintenance_jours")
        st.caption(t("equip.field.interval_help"))
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
            key=f"{prefix}.numero_serie",
        )
        form.slot("numero_serie")
        st.caption(t("equip.field.serial_help"))
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
            hint=t("equip.field.garantie_help"),
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
    clients = client_options(actor, found, chosen if isinstance(chosen, int) else None)
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
        clients = client_options(
            actor, found, chosen if isinstance(chosen, int) else e["client_id"]
        )
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
