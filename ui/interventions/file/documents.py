"""Documents and photos of the intervention: upload (the store checks size and type on the
content), the list with thumbnails of photos, and a download whose checksum is verified."""

from __future__ import annotations

from typing import Any

import streamlit as st

from db import storage
from db.interventions.service.detail import InterventionDetail
from db.interventions.service.documents import (
    add_document,
    document_thumbnail,
    list_documents,
)
from db.session import Actor
from ui.documents import render_document_download
from ui.format import fmt_datetime, fmt_number
from ui.forms import FormFeedback, run_action
from ui.i18n import t
from ui.interventions.file.common import act, key_of

THUMBS_SHOWN = 8  # thumbnails drawn per run (each is a small cached file read)
THUMB_SIZE = 160


def can_upload(actor: Actor, detail: InterventionDetail) -> bool:
    """Managers, the assigned technician, and the client on their own intervention."""
    if detail.intervention["statut"] == "archivee":
        return False
    return detail.is_manager or detail.is_assigned or actor.role == "client"


def _size(n: Any) -> str:
    if n is None:
        return ""
    if n < 1024 * 1024:
        return t("ifile.docs.kb", n=fmt_number(max(1, round(n / 1024))))
    return t("ifile.docs.mb", n=fmt_number(n / (1024 * 1024), 1))


def render_documents(actor: Actor, detail: InterventionDetail) -> None:
    """Upload form (if allowed), thumbnails, list and download."""
    iid = detail.intervention["id"]
    if can_upload(actor, detail):
        _render_upload(actor, detail)
    result = run_action(actor, list_documents, intervention_id=iid)
    if not result.ok:
        st.error(result.error.message if result.error else t("common.error"))
        return
    docs: list[dict[str, Any]] = result.value or []
    if not docs:
        st.info(t("ifile.docs.none"), icon=":material/info:")
        return
    photos = [d for d in docs if d["is_image"] and d["has_file"]][:THUMBS_SHOWN]
    if photos:
        cols = st.columns(min(len(photos), 4))
        for n, d in enumerate(photos):
            thumb = run_action(actor, document_thumbnail, document_id=d["id"], size=THUMB_SIZE)
            with cols[n % len(cols)]:
                if thumb.ok and thumb.value:
                    st.image(thumb.value, caption=d["nom_fichier"])
                else:
                    st.caption(t("ifile.docs.no_thumb", nom=d["nom_fichier"]))
    st.dataframe(
        [
            {
                t("ifile.docs.nom"): d["nom_fichier"],
                t("ifile.docs.type"): d["type_label"],
                t("ifile.docs.taille"): _size(d["taille"]),
                t("ifile.docs.date"): fmt_datetime(d["date_upload"]),
                t("ifile.docs.par"): d.get("uploaded_by_name") or "",
                t("ifile.docs.description"): d.get("description") or "",
            }
            for d in docs
        ],
        hide_index=True,
        width="stretch",
    )
    _render_download(actor, detail, [d for d in docs if d["has_file"]])


def _render_download(actor: Actor, detail: InterventionDetail, docs: list[dict[str, Any]]) -> None:
    """Choose a document, then its verified content is offered (read only when asked)."""
    render_document_download(actor, docs, key=key_of(detail, "docs"))


def _render_upload(actor: Actor, detail: InterventionDetail) -> None:
    feedback = FormFeedback(key_of(detail, "docs.upload"))
    with st.form(key_of(detail, "docs.form"), clear_on_submit=True):
        upload = st.file_uploader(
            t(
                "ifile.docs.file",
                types=storage.ALLOWED_LABEL,
                mb=storage.max_upload_bytes() // 2**20,
            ),
            key=key_of(detail, "docs.file"),
            # The browser refuses what the file store would refuse (not the server's 25 MB).
            max_upload_size=max(1, -(-storage.max_upload_bytes() // 2**20)),
        )
        feedback.slot("fichier")
        description = st.text_input(
            t("ifile.docs.description"), key=key_of(detail, "docs.description")
        )
        feedback.slot("description")
        submitted = st.form_submit_button(t("ifile.docs.upload"), icon=":material/upload:")
    feedback.general()
    if submitted:
        if upload is None:
            st.error(t("ifile.docs.pick_first"), icon=":material/error:")
            return
        act(
            actor,
            feedback,
            t("ifile.docs.uploaded", nom=upload.name),
            add_document,
            intervention_id=detail.intervention["id"],
            filename=upload.name,
            content=upload.getvalue(),
            description=description or None,
        )
