"""Lifecycle buttons of a machine: allowed transitions only, confirmation before retiring."""

from __future__ import annotations

from typing import Any

import streamlit as st

from db.equipment.service import (
    STATUT_FINAL,
    EquipementDetail,
    change_statut,
)
from db.session import Actor
from ui.format import (
    enum_label,
    md_escape,
)
from ui.forms import FormFeedback, flash, run_action
from ui.i18n import t


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
