"""The worker's section of the admin's "État de la base": workers alive, jobs, last runs."""

from __future__ import annotations

import streamlit as st

from db.errors import ServiceError
from db.session import Actor, session_scope
from db.worker import service as worker
from ui.format import fmt_datetime, fmt_number
from ui.i18n import t


def _label(key: str, value: str) -> str:
    """Catalogue text of ``key``, or the raw value when the catalogue has none."""
    text = t(key)
    return value if text == key else text


def render_worker_status(actor: Actor) -> None:
    """Workers alive (heartbeat), waiting / running / failed jobs, each periodic task's last
    run and last success. Reads through ``worker_status()`` (admin only)."""
    st.subheader(t("worker.title"))
    try:
        with session_scope(actor) as s:
            status = worker.worker_status(session=s)
    except ServiceError:
        st.error(t("worker.error"), icon=":material/error:")
        return
    if status.workers_alive == 0:
        st.warning(t("worker.none_alive"), icon=":material/warning:")
    figures = [
        (t("worker.alive"), fmt_number(status.workers_alive)),
        (
            t("worker.heartbeat"),
            t("worker.ago", n=fmt_number(status.heartbeat_age))
            if status.heartbeat_age is not None
            else t("worker.never"),
        ),
        (t("worker.waiting"), fmt_number(status.waiting)),
        (t("worker.running"), fmt_number(status.running)),
        (t("worker.failed"), fmt_number(status.failed)),
    ]
    for column, (label, value) in zip(st.columns(len(figures)), figures, strict=True):
        column.metric(label, value)
    st.dataframe(
        [
            {
                t("worker.col_task"): _label(f"worker.task.{run.task}", run.task),
                t("worker.col_schedule"): run.cron,
                t("worker.col_last"): fmt_datetime(run.last_at) or t("worker.never"),
                t("worker.col_status"): (
                    _label(f"worker.status.{run.last_status}", run.last_status)
                    if run.last_status
                    else "—"
                ),
                t("worker.col_success"): fmt_datetime(run.last_success_at) or t("worker.never"),
            }
            for run in status.tasks
        ],
        hide_index=True,
        width="stretch",
        height="content",
    )
