"""CSV import view: template, upload, all-or-nothing import and its error report."""

from __future__ import annotations

import streamlit as st

from db.equipment.service import (
    ImportReport,
    import_equipements_csv,
    import_template_csv,
)
from db.session import Actor
from ui.export import build_export
from ui.format import (
    fmt_number,
)
from ui.forms import FormFeedback, flash
from ui.i18n import t
from ui.table import Column, static_table


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
