"""État de la base (admin): server kind and version, schema revision, rows per table, and the
background worker (workers alive, jobs, each periodic task's last run)."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import DBAPIError

from db.reporting import service as reporting
from db.session import session_scope
from ui.context import require_roles
from ui.format import fmt_number, md_escape
from ui.i18n import t
from ui.worker.status import render_worker_status


def _size(n_bytes: int) -> str:
    """``12,3 Mo`` style size (binary multiples; unit names from the strings catalogue, so
    ``MB`` in English)."""
    value = float(n_bytes)
    for unit in ("b", "kb", "mb", "gb"):
        if value < 1024 or unit == "gb":
            return f"{fmt_number(value, 0 if unit == 'b' else 1)} {t(f'dbstatus.unit.{unit}')}"
        value /= 1024
    return f"{fmt_number(value, 1)} {t('dbstatus.unit.tb')}"  # pragma: no cover - unreachable


actor = require_roles("admin")
st.title(t("dbstatus.title"))

try:
    with session_scope(actor) as s:
        status = reporting.database_status(session=s)
except DBAPIError:
    st.error(t("dbstatus.error"), icon=":material/cloud_off:")
    st.stop()

if status.revision is None:
    revision_state = t("dbstatus.none")
elif status.up_to_date:
    revision_state = t("dbstatus.up_to_date")
else:
    revision_state = t("dbstatus.behind", head=status.head or "?")

facts = [
    (t("dbstatus.server"), t("dbstatus.embedded") if status.embedded else t("dbstatus.external")),
    (t("dbstatus.version"), f"PostgreSQL {status.version.split()[0]}"),
    (t("dbstatus.database"), f"{status.database} ({_size(status.size_bytes)})"),
    (t("dbstatus.revision"), f"{status.revision or '—'} — {revision_state}"),
]
for column, (label, value) in zip(st.columns(len(facts)), facts, strict=True):
    with column, st.container(border=True):
        st.caption(label)
        st.markdown(f"**{md_escape(value)}**")

if status.time_zone_warning:
    st.warning(status.time_zone_warning, icon=":material/schedule:")

st.subheader(t("dbstatus.tables"))
st.caption(
    t(
        "dbstatus.total",
        tables=fmt_number(len(status.table_rows)),
        rows=fmt_number(status.total_rows),
    )
)
if status.estimated:
    st.caption(t("dbstatus.estimated", n=fmt_number(reporting.EXACT_COUNT_BELOW)))
st.dataframe(
    [
        {
            t("dbstatus.col_table"): name,
            t("dbstatus.col_rows"): ("≈ " if name in status.estimated else "") + fmt_number(rows),
        }
        for name, rows in status.table_rows
    ],
    hide_index=True,
    width="stretch",
    height="content",
)

render_worker_status(actor)
