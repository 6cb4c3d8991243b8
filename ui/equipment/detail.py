"""One machine's record: fields, contracts, history, interventions, tasks, documents, QR
label and (for writers) lifecycle buttons and the edit form."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from db.equipment.service import (
    WRITER_ROLES,
    EquipementDetail,
    get_equipement_detail,
    list_equipement_interventions,
    list_historique_maintenance,
)
from db.session import Actor
from ui.documents import render_document_download
from ui.equipment.filters import client_options
from ui.equipment.forms import render_edit
from ui.equipment.lifecycle import render_lifecycle
from ui.equipment.list import close_detail
from ui.equipment.qr import render_qr
from ui.format import (
    enum_label,
    fmt_date,
    fmt_datetime,
    fmt_money,
    fmt_number,
    md_escape,
)
from ui.forms import run_action
from ui.i18n import t
from ui.table import Column, paged_table, static_table

STATUT_COLORS = {"operationnel": "green", "maintenance": "orange", "panne": "red", "retire": "gray"}
CRITICITE_COLORS = {"critique": "red", "haute": "orange", "normale": "blue", "basse": "gray"}


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
    # Keyed and tracked on the server: the open tab survives the reruns of a save (a notice
    # above it shifts the page; untracked tabs then went back to "Fiche", hiding the error).
    tabs = st.tabs(labels, key=f"equip.detail.tabs.{e['id']}", on_change="rerun")
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
        links = st.container(horizontal=True)
        if e["statut"] != "retire":  # no new intervention on a retired machine
            links.page_link(
                "pages/interventions.py",
                label=t("itv.equip.new"),
                query_params={"nouvelle": "1", "machine": str(e["id"])},
                icon=":material/add:",
            )
        links.page_link(
            "pages/interventions.py",
            label=t("itv.equip.all"),
            query_params={"vue": "liste", "machine": str(e["id"])},
            icon=":material/list:",
        )
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
        render_document_download(actor, detail.documents, key=f"equip.docs.{e['id']}")
    with tabs[6]:
        render_qr(detail)
    if can_write:
        with tabs[7]:
            render_edit(actor, detail, client_options(actor, include=e["client_id"]))
