"""Helpers shared by the views of the intervention file: read-only fields, reloading after
an action, and the one place that runs a write with its French outcome."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from db.interventions.service.detail import InterventionDetail
from db.session import Actor
from ui.format import md_escape
from ui.forms import FormFeedback, flash, run_action
from ui.i18n import t


def field(label: str, value: str) -> None:
    """One read-only field: its label, then the value shown literally (user text)."""
    shown = md_escape(value) if value else t("ifile.empty")
    st.markdown(f"**{md_escape(label)}**  \n{shown}")


def key_of(detail: InterventionDetail, name: str) -> str:
    """A widget key unique to this intervention (two files never share a widget state)."""
    return f"ifile.{detail.intervention['id']}.{name}"


def act(
    actor: Actor,
    feedback: FormFeedback,
    done_message: str,
    fn: Callable[..., Any],
    /,
    **kwargs: Any,
) -> bool:
    """Run one write (one transaction); on success queue ``done_message`` and rerun so the
    file shows the new state; on refusal the messages go where ``feedback`` placed them."""
    result = run_action(actor, fn, actor=actor, **kwargs)
    if not result.ok:
        feedback.show(result)
        return False
    flash(done_message)
    st.rerun()
    return True  # pragma: no cover - st.rerun() does not return
