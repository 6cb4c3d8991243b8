"""The intervention's checklist: progress, tick boxes, up / down, add (managers and the
assigned technicians), delete (managers); read-only for the client."""

from __future__ import annotations

from typing import Any

import streamlit as st

from db.interventions.service.checklist import (
    MAX_DESCRIPTION,
    add_task,
    delete_task,
    list_tasks,
    move_task,
    set_task_done,
)
from db.interventions.service.detail import InterventionDetail
from db.session import Actor
from ui.format import fmt_date, md_escape
from ui.forms import FormFeedback, run_action
from ui.i18n import t
from ui.interventions.file.common import act, key_of

FROZEN = ("annulee", "archivee")


def render_checklist(actor: Actor, detail: InterventionDetail) -> None:
    """Progress bar, the tasks in order, and the add form."""
    iid = detail.intervention["id"]
    result = run_action(actor, list_tasks, intervention_id=iid)
    if not result.ok:
        st.error(result.error.message if result.error else t("common.error"))
        return
    tasks: list[dict[str, Any]] = result.value or []
    writable = (detail.is_manager or detail.is_assigned) and (
        detail.intervention["statut"] not in FROZEN
    )
    done = sum(1 for x in tasks if x["done"])
    if tasks:
        st.progress(done / len(tasks), text=t("ifile.tasks.progress", done=done, total=len(tasks)))
    else:
        st.info(t("ifile.tasks.none"), icon=":material/info:")
    feedback = FormFeedback(key_of(detail, "tasks"))
    feedback.general()
    # A refused tick must not be retried by every later run: the boxes get new keys (and so
    # the database's state again) after a refusal.
    nonce_key = key_of(detail, "tasks.nonce")
    nonce = int(st.session_state.get(nonce_key, 0))
    for n, task in enumerate(tasks):
        row = st.container(horizontal=True, vertical_alignment="center")
        due = (
            f" · {t('ifile.tasks.due', date=fmt_date(task['date_echeance']))}"
            if task["date_echeance"]
            else ""
        )
        label = f"{task['description']}{due}"
        ticked = row.checkbox(
            md_escape(label),
            value=task["done"],
            disabled=not writable,
            key=key_of(detail, f"task.{task['id']}.done.{task['done']}.{nonce}"),
        )
        if (
            writable
            and ticked != task["done"]
            and not act(
                actor,
                feedback,
                t("ifile.tasks.ticked" if ticked else "ifile.tasks.unticked"),
                set_task_done,
                task_id=task["id"],
                done=ticked,
            )
        ):
            st.session_state[nonce_key] = nonce + 1
        if not writable:
            continue
        if n > 0 and row.button(
            "",
            icon=":material/arrow_upward:",
            key=key_of(detail, f"task.{task['id']}.up"),
            help=t("ifile.tasks.up"),
        ):
            act(actor, feedback, t("ifile.tasks.moved"), move_task, task_id=task["id"],
                direction="up")  # fmt: skip
        if n < len(tasks) - 1 and row.button(
            "",
            icon=":material/arrow_downward:",
            key=key_of(detail, f"task.{task['id']}.down"),
            help=t("ifile.tasks.down"),
        ):
            act(actor, feedback, t("ifile.tasks.moved"), move_task, task_id=task["id"],
                direction="down")  # fmt: skip
        if detail.is_manager and row.button(
            "",
            icon=":material/delete:",
            key=key_of(detail, f"task.{task['id']}.delete"),
            help=t("ifile.tasks.delete"),
        ):
            act(actor, feedback, t("ifile.tasks.deleted"), delete_task, task_id=task["id"])
    if writable:
        _render_add(actor, detail)


def _render_add(actor: Actor, detail: InterventionDetail) -> None:
    feedback = FormFeedback(key_of(detail, "tasks.add"))
    with st.form(key_of(detail, "tasks.form"), clear_on_submit=True):
        description = st.text_input(
            t("ifile.tasks.new"), max_chars=MAX_DESCRIPTION, key=key_of(detail, "tasks.new")
        )
        feedback.slot("description")
        submitted = st.form_submit_button(t("ifile.tasks.add"), icon=":material/add:")
    feedback.general()
    if submitted:
        act(
            actor,
            feedback,
            t("ifile.tasks.added"),
            add_task,
            intervention_id=detail.intervention["id"],
            description=description,
        )
