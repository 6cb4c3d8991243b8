"""Header and fields of the intervention file: title, badges, machine and client links,
every field of the intervention, contract, technicians, cost, and the notes form."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException

from db.interventions.service.common import NIVEAU_LABELS
from db.interventions.service.cost import compute_cost
from db.interventions.service.detail import InterventionDetail
from db.interventions.service.write import MAX_TEXT, update_intervention
from db.session import Actor
from ui.format import enum_label, fmt_date, fmt_datetime, fmt_money, fmt_number, md_escape
from ui.forms import FormFeedback, run_action
from ui.i18n import t
from ui.interventions.file.common import act, field, key_of
from ui.layout import page_url_path

EQUIPMENT_PAGE = "pages/equipements.py"
STATUT_COLORS = {
    "ouverte": "blue",
    "affectee": "violet",
    "en_cours": "orange",
    "en_attente": "gray",
    "cloturee": "green",
    "annulee": "red",
    "archivee": "gray",
}
PRIORITE_COLORS = {"urgente": "red", "haute": "orange", "normale": "blue", "basse": "gray"}


def _badge(enum_type: str, value: Any, colors: dict[str, str]) -> str:
    raw = str(getattr(value, "value", value))
    return f":{colors.get(raw, 'gray')}-badge[{enum_label(enum_type, raw)}]"


def machine_link(detail: InterventionDetail) -> None:
    """A link to the machine's record in the registry (``?id=``)."""
    e = detail.equipement
    label = t("ifile.machine_link", nom=e["nom"], serie=e["numero_serie"])
    try:
        st.page_link(
            EQUIPMENT_PAGE,
            label=label,
            icon=":material/precision_manufacturing:",
            query_params={"id": str(e["id"])},
        )
    except StreamlitAPIException:
        # Outside the app's navigation (a view rendered on its own) the page is not
        # registered: a plain link to its address does the same.
        url = f"/{page_url_path(EQUIPMENT_PAGE)}?id={int(e['id'])}"
        st.markdown(f"[{md_escape(label)}]({url})")


def is_late(intervention: dict[str, Any]) -> bool:
    """Open and past its deadline."""
    limite = intervention.get("date_limite")
    if limite is None or intervention["statut"] in ("cloturee", "annulee", "archivee"):
        return False
    return bool(limite < datetime.now(UTC))


def render_header(detail: InterventionDetail) -> None:
    """Title, status / priority / urgency badges, machine and client."""
    i = detail.intervention
    st.header(f"#{i['id']} · {md_escape(i['titre'])}", anchor=False)
    badges = [
        _badge("statut_intervention", i["statut"], STATUT_COLORS),
        _badge("priorite_intervention", i["priorite"], PRIORITE_COLORS),
        f":gray-badge[{enum_label('intervention_type', i['type_intervention'])}]",
    ]
    if i.get("urgence"):
        badges.append(f":red-badge[{t('ifile.urgent')}]")
    if is_late(i):
        badges.append(f":red-badge[{t('ifile.late')}]")
    st.markdown(" ".join(badges))
    c1, c2 = st.columns(2)
    with c1:
        machine_link(detail)
    with c2:
        c = detail.client
        st.markdown(
            f"**{t('ifile.client')}** : {md_escape(c['nom_entreprise'])}"
            + (f" · {md_escape(c['ville'])}" if c.get("ville") else "")
        )


def _niveau(value: Any) -> str:
    raw = str(getattr(value, "value", value))
    return NIVEAU_LABELS.get(raw, raw)


def _hours(value: Any) -> str:
    return "" if value is None else t("ifile.hours", n=fmt_number(Decimal(value), 2))


def render_fields(actor: Actor, detail: InterventionDetail) -> None:
    """Every field of the intervention, grouped, then the cost and the notes form."""
    i = detail.intervention
    c1, c2, c3 = st.columns(3)
    with c1:
        st.subheader(t("ifile.section.request"), divider="gray", anchor=False)
        field(t("ifile.f.type"), enum_label("intervention_type", i["type_intervention"]))
        field(t("ifile.f.priorite"), enum_label("priorite_intervention", i["priorite"]))
        field(t("ifile.f.urgence"), t("fmt.yes") if i.get("urgence") else t("fmt.no"))
        field(t("ifile.f.statut"), enum_label("statut_intervention", i["statut"]))
        field(t("ifile.f.description"), i.get("description") or "")
    with c2:
        st.subheader(t("ifile.section.dates"), divider="gray", anchor=False)
        field(t("ifile.f.date_creation"), fmt_datetime(i.get("date_creation")))
        field(t("ifile.f.date_planifiee"), fmt_datetime(i.get("date_planifiee")))
        field(t("ifile.f.date_limite"), fmt_datetime(i.get("date_limite")))
        field(t("ifile.f.date_debut"), fmt_datetime(i.get("date_debut")))
        field(t("ifile.f.date_fin"), fmt_datetime(i.get("date_fin")))
    with c3:
        st.subheader(t("ifile.section.effort"), divider="gray", anchor=False)
        field(t("ifile.f.duree_estimee"), _hours(i.get("duree_estimee")))
        field(t("ifile.f.duree_reelle"), _hours(i.get("duree_reelle")))
        if actor.role != "client":
            field(t("ifile.f.cout_estime"), fmt_money(i.get("cout_estime")))
        field(t("ifile.f.cout_reel"), fmt_money(i.get("cout_reel")))
        note = i.get("satisfaction_client")
        field(t("ifile.f.satisfaction"), "" if note is None else f"{'★' * int(note)} ({note}/5)")
    st.subheader(t("ifile.section.people"), divider="gray", anchor=False)
    p1, p2, p3 = st.columns(3)
    with p1:
        principal = detail.principal
        field(t("ifile.f.principal"), principal["nom"] if principal else "")
        field(t("ifile.f.assistants"), ", ".join(str(a["nom"] or "") for a in detail.assistants))
    with p2:
        k = detail.contrat
        if k is None:
            field(t("ifile.f.contrat"), t("ifile.no_contract"))
        else:
            field(
                t("ifile.f.contrat"),
                t(
                    "ifile.contract_line",
                    numero=k["numero_contrat"],
                    type=enum_label("type_contrat", k["type_contrat"]),
                    statut=enum_label("statut_contrat", k["statut"]),
                    debut=fmt_date(k["date_debut"]),
                    fin=fmt_date(k["date_fin"]),
                ),
            )
            if k.get("sla_details"):
                field(t("ifile.f.sla"), k["sla_details"])
    with p3:
        c = detail.client
        field(t("ifile.f.contact"), c.get("contact_principal") or "")
        field(t("ifile.f.telephone"), c.get("telephone") or "")
        if detail.competences:
            field(
                t("ifile.f.competences"),
                ", ".join(
                    f"{x['nom']} ({_niveau(x['niveau_requis'])})" for x in detail.competences
                ),
            )
    _render_cost(actor, detail)
    st.subheader(t("ifile.section.notes"), divider="gray", anchor=False)
    field(t("ifile.f.diagnostic"), i.get("diagnostic") or "")
    field(t("ifile.f.solution"), i.get("solution") or "")
    field(t("ifile.f.notes_techniques"), i.get("notes_techniques") or "")
    if detail.editable_fields:
        render_notes_form(actor, detail)
    st.caption(
        t("ifile.stamps", cree=fmt_datetime(i["created_at"]), modifie=fmt_datetime(i["updated_at"]))
    )


def _render_cost(actor: Actor, detail: InterventionDetail) -> None:
    """Actual cost = parts + labour (computed, hourly rate from the configuration)."""
    result = run_action(actor, compute_cost, intervention_id=detail.intervention["id"])
    if not result.ok or result.value is None:
        return
    cost = result.value
    st.subheader(t("ifile.section.cost"), divider="gray", anchor=False)
    m1, m2, m3 = st.columns(3)
    m1.metric(t("ifile.cost.parts", n=cost.parts_lines), fmt_money(cost.parts_total))
    m2.metric(
        t("ifile.cost.labour", rate=fmt_money(cost.hourly_rate)),
        fmt_money(cost.labour_total),
        help=None if cost.labour_hours is not None else t("ifile.cost.no_duration"),
    )
    m3.metric(t("ifile.cost.total"), fmt_money(cost.total))


def render_notes_form(actor: Actor, detail: InterventionDetail) -> None:
    """Diagnostic / solution / notes (assigned technician and managers); actual duration
    (managers). Saved only if nobody changed the intervention since it was loaded."""
    i = detail.intervention
    names = detail.editable_fields
    feedback = FormFeedback(key_of(detail, "notes"))
    with st.expander(t("ifile.notes.edit"), icon=":material/edit_note:"):
        with st.form(key_of(detail, "notes.form")):
            values: dict[str, Any] = {}
            for name in ("diagnostic", "solution", "notes_techniques"):
                if name in names:
                    values[name] = st.text_area(
                        t(f"ifile.f.{name}"),
                        value=i.get(name) or "",
                        max_chars=MAX_TEXT,
                        key=key_of(detail, f"notes.{name}"),
                    )
                    feedback.slot(name)
            if "duree_reelle" in names:
                current = i.get("duree_reelle")
                values["duree_reelle"] = st.text_input(
                    t("ifile.f.duree_reelle_input"),
                    value="" if current is None else str(current),
                    key=key_of(detail, "notes.duree_reelle"),
                )
                feedback.slot("duree_reelle")
            submitted = st.form_submit_button(t("ifile.notes.save"), type="primary")
        feedback.general()
        if submitted:
            data = {k: (v if str(v).strip() else None) for k, v in values.items()}
            act(
                actor,
                feedback,
                t("ifile.notes.saved"),
                update_intervention,
                intervention_id=i["id"],
                data=data,
                expected_updated_at=detail.version,
            )
